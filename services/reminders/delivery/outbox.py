"""The reminders' outbox: outcome events not yet on Kafka, published by shared.messaging.relay.

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

import logging
from datetime import timedelta

from kafka.errors import KafkaError
from pymongo import ASCENDING, IndexModel

from services.reminders.clock import Clock, utc_now
from services.reminders.store.documents import REMINDERS
from shared.store import indexes
from shared.messaging import kafka_clients, relay
from shared.runtime.config import Settings
from shared.messaging.topics import ensure_topics
from shared.store.indexes import Query
from shared.runtime.lifecycle import StopFlag

log = logging.getLogger(__name__)
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


def publish_outcomes(settings: Settings, outbox: ReminderOutbox, stop: StopFlag) -> None:
    """Publish outcomes until `stop()`; waits for Kafka first, so deliveries never wait for Kafka."""
    producer, delay = None, 1.0
    while producer is None and not stop():
        try:
            ensure_topics(settings, wait_seconds=5)
            producer = kafka_clients.producer(settings)
        except (KafkaError, OSError) as error:
            log.warning("outcomes wait for Kafka", extra={"error": type(error).__name__, "retry_in_s": delay})
            stop.wait(delay)
            delay = min(delay * 2, 30.0)
    if producer is not None:
        try:
            relay.run(outbox, producer, stop, settings.topic)
        finally:
            producer.close()
