"""The reminders' outbox: outcome events not yet on Kafka, published by shared.messaging.relay (worker.py).

It offers what the relay reads from the goals' event store (``unpublished``
and ``mark_published``), so the lossless-publishing idea lives once, in
shared/messaging/relay.py: an outcome is marked published only after the broker
acknowledged it; while Kafka is down outcomes wait in the reminders database.
Each dispatcher publishes the outcomes it recorded, and those another one
left unpublished for ``ORPHANED_AFTER`` (it may have died), so replicas do
not routinely publish the same outcome twice (a repeat is harmless: same
event id, same subject and sequence).
"""
from __future__ import annotations

from datetime import timedelta

from pymongo import ASCENDING, IndexModel

from services.reminders.store.documents import REMINDERS
from shared.domain.time import Clock, utc_now
from shared.store import indexes
from shared.store.indexes import Query

ORPHANED_AFTER = timedelta(seconds=30)
OLDEST_FIRST = [("outcome.attempted_at", ASCENDING)]
# One index per branch of the poll's $or; published outcomes leave the `false` range of both.
INDEXES = indexes.declare(
    {REMINDERS: [IndexModel([("outcome.published", ASCENDING), ("outcome.by", ASCENDING), *OLDEST_FIRST]),
                 IndexModel([("outcome.published", ASCENDING), *OLDEST_FIRST])]},
    [Query.of(REMINDERS, equal=["outcome.published", "outcome.by"], sort=OLDEST_FIRST),
     Query.of(REMINDERS, equal=["outcome.published"], range=["outcome.attempted_at"], sort=OLDEST_FIRST),
     Query.of(REMINDERS, equal=["outcome.published", "outcome.by"]),                    # the backlog's count
     Query.of(REMINDERS, equal=["outcome.published"], range=["outcome.attempted_at"])])


class ReminderOutbox:
    def __init__(self, db, owner: str, clock: Clock = utc_now):
        self.reminders, self.owner, self.clock = db[REMINDERS], owner, clock

    def _mine(self) -> dict:
        """Unpublished outcomes this dispatcher recorded, or that another one left for ORPHANED_AFTER."""
        orphaned = self.clock() - ORPHANED_AFTER
        return {"outcome.published": False,
                "$or": [{"outcome.by": self.owner}, {"outcome.attempted_at": {"$lt": orphaned}}]}

    def unpublished(self, limit: int = 500) -> list[dict]:
        """Unpublished outcomes, oldest first, each as a "commit" of one event."""
        cursor = self.reminders.find(self._mine(), {"outcome": 1}).sort(OLDEST_FIRST).limit(limit)
        return [{"_id": doc["_id"], "events": [doc["outcome"]["event"]]} for doc in cursor]

    def count_unpublished(self) -> int:
        return self.reminders.count_documents(self._mine())

    def mark_published(self, reminder_ids: list[str]) -> None:
        self.reminders.update_many({"_id": {"$in": reminder_ids}, "outcome.published": False},
                                   {"$set": {"outcome.published": True}})
