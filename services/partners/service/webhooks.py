"""A clinic admin's view of a subscription's webhooks: its delivery log, redeliveries and replays.

Tenancy as for every subscription use case: another clinic's (or a deleted)
subscription is not found. A redelivery sends chosen entries (or every parked
one) once more; a replay moves the webhook cursor back (or forward) so that
every entry after it is delivered again, in order, with the same webhook-ids.
Both wake the channel at once (store/webhooks.py).
"""
from __future__ import annotations

from datetime import datetime

from shared.domain.time import Clock, utc_now

from services.partners.domain.errors import InvalidCursor, SubscriptionNotFound, UnknownSeq
from services.partners.domain.feed import cursor
from services.partners.store import deliveries
from services.partners.store import webhooks as state
from services.partners.store.subscriptions import SubscriptionStore


class WebhookService:
    def __init__(self, db, clock: Clock = utc_now) -> None:
        self.db, self.subscriptions, self.clock = db, SubscriptionStore(db), clock

    def deliveries(self, clinic_id: str, subscription_id: str, page: int, page_size: int) -> dict:
        """A page of the subscription's delivery attempts, newest first."""
        self._subscription(clinic_id, subscription_id)
        return deliveries.page(self.db, subscription_id, page, page_size)

    def redeliver(self, clinic_id: str, subscription_id: str, seqs: list[int] | None = None,
                  parked: bool = False) -> dict:
        """Queue the entries `seqs` (or every parked one) for one more attempt each."""
        doc = self._subscription(clinic_id, subscription_id)
        if parked:
            seqs = state.parked_seqs(self.db, subscription_id)
        for index, seq in enumerate(seqs or ()):
            if seq > doc.get("seq", 0):
                raise UnknownSeq(f"seqs[{index}]")
        chosen = sorted(set(seqs or ()))
        state.request_redelivery(self.db, subscription_id, chosen, self.clock())
        return {"subscription_id": subscription_id, "seqs": chosen}

    def replay(self, clinic_id: str, subscription_id: str, from_time: datetime | None = None,
               after: str | None = None) -> dict:
        """Deliver again every entry recorded from `from_time`, or after the cursor `after`."""
        doc = self._subscription(clinic_id, subscription_id)
        last = doc.get("seq", 0)
        if from_time is not None:
            start = state.cursor_before(self.db, subscription_id, from_time, last)
        else:
            start = cursor(after)
            if start > last:
                raise InvalidCursor()
        state.rewind(self.db, subscription_id, start, self.clock())
        return {"subscription_id": subscription_id, "after": str(start)}

    def _subscription(self, clinic_id: str, subscription_id: str) -> dict:
        doc = self.subscriptions.get(clinic_id, subscription_id)
        if doc is None:
            raise SubscriptionNotFound()
        return doc
