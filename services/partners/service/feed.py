"""Reading a subscription's feed for delivery, on any channel (the pull feed, Kafka, webhooks).

Entries come in seq order, up to the first gap still being written (domain/feed.py),
and each is checked against the client's consent again (domain/consent.py): an
entry of a client whose consent now excludes the partner is withheld, never
delivered, and the cursor moves past it all the same.
"""
from __future__ import annotations

from dataclasses import dataclass

from shared.domain.time import Clock, utc_now

from services.partners.domain.consent import shares
from services.partners.domain.feed import in_order
from services.partners.store.feed import FeedStore
from services.partners.store.projected import ProjectedStore


@dataclass(frozen=True)
class Batch:
    entries: list[dict]  # the ones to deliver, in seq order
    last: int            # the seq after which the next read starts (the cursor to keep once delivered)
    withheld: int        # how many the consent check kept back


class FeedReader:
    def __init__(self, db, clock: Clock = utc_now) -> None:
        self.feed, self.projected, self.clock = FeedStore(db), ProjectedStore(db), clock

    def next(self, subscription: dict, after: int, limit: int) -> Batch:
        """The next deliverable entries of the subscription after seq `after` (at most `limit` read)."""
        entries = in_order(self.feed.after(subscription["_id"], after, limit), after, self.clock())
        consents = self.projected.consents_of(subscription["clinic_id"], {entry["client_id"] for entry in entries})
        allowed = [entry for entry in entries
                   if shares(consents.get(entry["client_id"]), subscription["partner_id"], entry["time"])]
        return Batch(allowed, entries[-1]["seq"] if entries else after, len(entries) - len(allowed))

    def page(self, subscription: dict, after: int, limit: int) -> Batch:
        """Up to `limit` deliverable entries after `after`, reading past withheld ones: fewer than `limit`
        only at the end of the feed (or before a gap still being written), as the pull feed promises."""
        entries: list[dict] = []
        withheld, last = 0, after
        while len(entries) < limit:
            wanted = limit - len(entries)
            batch = self.next(subscription, last, wanted)
            entries += batch.entries
            withheld += batch.withheld
            if len(batch.entries) + batch.withheld < wanted:
                return Batch(entries, batch.last, withheld)  # the end, or a gap
            last = batch.last
        return Batch(entries, last, withheld)
