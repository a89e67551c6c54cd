"""A client's sharing with partners (their consent): its state, a fold of sharing-changed, and its decision.

A client without a record shares with every partner (opt-out: a partner only ever
receives pseudonymised events without personal fields). The API's `partners` says
what to record: false (no partner), true (every partner) or the list of the partner
ids allowed, 1 to MOST_PARTNERS different ones, kept sorted. Recording what already
holds decides nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .errors import InvalidPartners
from .rules import as_utc, is_id
from shared.contract.events import SharingChanged

MOST_PARTNERS = 50
EXPECTED_PARTNERS = f"false, true, or a list of 1 to {MOST_PARTNERS} different partner ids"


@dataclass(frozen=True)
class Sharing:
    """What the client shares now; ``changed_at`` is None (and ``version`` 0) while nothing was recorded."""
    client_id: str
    scope: str = "all"
    partner_ids: tuple[str, ...] = ()
    changed_at: datetime | None = None
    version: int = 0


def fold(client_id: str, events: Iterable[SharingChanged]) -> Sharing:
    """The client's sharing after its events (every partner when there are none)."""
    sharing = Sharing(client_id)
    for event in events:
        sharing = Sharing(event.client_id, event.scope, event.partner_ids, event.changed_at, sharing.version + 1)
    return sharing


def change_sharing(current: Sharing, partners, now: datetime) -> list[SharingChanged]:
    """The event that records `partners` (false, true or a list of partner ids), or none when it holds already."""
    scope, partner_ids = _scope(partners)
    if (scope, partner_ids) == (current.scope, current.partner_ids):
        return []
    return [SharingChanged(current.client_id, scope, partner_ids, as_utc(now, "changed_at"))]


def _scope(partners) -> tuple[str, tuple[str, ...]]:
    if partners is True or partners is False:
        return ("all" if partners else "none"), ()
    listed = list(partners) if isinstance(partners, (list, tuple)) else []
    if not 1 <= len(listed) <= MOST_PARTNERS or not all(is_id(p) for p in listed) or len(set(listed)) < len(listed):
        raise InvalidPartners(detail=EXPECTED_PARTNERS)
    return "listed", tuple(sorted(listed))
