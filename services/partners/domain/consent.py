"""Whether a client shares with a partner: the consent record of sharing-changed events (pure).

A client with no record shares with every partner (opt-out: partners only ever see
pseudonymised, depersonalised data). A record holds the current choice and its
history (every change with its ``changed_at``). An event is shared with a partner
only if both allow it:

- the choice in force at the event's time (the last change at or before it), so an
  event from a time the client had withdrawn is never shared, even after the client
  shares again, nor when the router sees the event before the withdrawal;
- the current choice, so that withdrawing stops every delivery from that moment on,
  including entries already in a partner's feed (every channel checks again).
"""
from __future__ import annotations

from datetime import datetime

from shared.domain.time import instant

ALL, NONE, LISTED = "all", "none", "listed"


def allows(choice: dict | None, partner_id: str) -> bool:
    """Whether one choice ({scope, partner_ids}; None: no choice made) includes the partner."""
    if choice is None:
        return True
    return choice["scope"] == ALL or choice["scope"] == LISTED and partner_id in choice["partner_ids"]


def in_force(record: dict, at: datetime) -> dict | None:
    """The choice of the record's history in force at `at` (None: before the first)."""
    earlier = [change for change in record.get("history", ()) if instant(change["changed_at"]) <= at]
    return max(earlier, key=lambda change: instant(change["changed_at"]), default=None)


def shares(record: dict | None, partner_id: str, at: datetime) -> bool:
    """Whether an event of `at` of the client whose consent `record` is (None: none) may reach the partner."""
    if record is None:
        return True
    return allows(record, partner_id) and allows(in_force(record, at), partner_id)
