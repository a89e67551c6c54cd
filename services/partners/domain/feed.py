"""A subscription's feed: its entries in `seq` order, and the cursor after them (pure).

The router reserves a run of seqs with one ``$inc`` and then inserts the entries, so
two routers writing to one subscription at once (the consumer group's rebalance
overlap) may insert a later run before an earlier one, and a router that dies in
between leaves its run empty. A reader therefore stops before a missing seq until
the entry after it has been recorded for GAP_WAIT, then passes the gap: it never
skips an entry that is still being written, and is never stuck on one that never
will be.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from services.partners.domain.errors import InvalidCursor

GAP_WAIT = timedelta(seconds=30)
LARGEST_CURSOR = 10 ** 12 - 1  # seqs are formatted on 12 digits in the entries' ids


def cursor(text: str | None) -> int:
    """The seq a cursor stands for ("" or None: the start)."""
    if not text:
        return 0
    if not (text.isascii() and text.isdigit() and len(text) <= 12):
        raise InvalidCursor()
    return int(text)


def entry_id(subscription_id: str, seq: int) -> str:
    return f"{subscription_id}:{seq:012d}"


def in_order(entries: list[dict], after: int, now: datetime) -> list[dict]:
    """The entries (read in seq order after `after`) that may be delivered now: up to the first fresh gap."""
    ready, expected = [], after + 1
    for entry in entries:
        if entry["seq"] != expected and now - entry["recorded_at"] < GAP_WAIT:
            break
        ready.append(entry)
        expected = entry["seq"] + 1
    return ready
