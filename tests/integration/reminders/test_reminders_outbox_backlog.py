"""A backlog of reminder outcomes larger than one relay batch is published in full, batch after batch.

The reminders' outbox is relayed by the same code as the goals' event store
(shared.messaging.relay), which also measures its whole backlog for its metric.
"""
from __future__ import annotations

import pytest
from reminders_kit import due_reminders, now

from services.reminders.store.documents import REMINDERS
from services.reminders.store.outbox import ReminderOutbox
from services.reminders.store.outcomes import outcome
from shared.messaging import kafka_clients, relay
from shared.messaging.topics import REMINDERS_EVENTS, ensure_topics
from shared.runtime.metrics import OUTBOX_BACKLOG
from tests.support import read_topic

pytestmark = pytest.mark.integration


def record_unpublished_outcomes(db, clinic: str, count: int, owner: str) -> None:
    for reminder_id in due_reminders(db, clinic, "c1", count):
        doc = db[REMINDERS].find_one({"_id": reminder_id})
        recorded = outcome({**doc, "lease_owner": owner}, "reminder-sent", now(), 1, 1)
        db[REMINDERS].update_one({"_id": reminder_id}, {"$set": {"status": "sent", "outcome": recorded}})


def test_six_hundred_unpublished_outcomes_are_relayed_in_two_batches_and_the_backlog_is_counted(settings, db, clinic):
    ensure_topics(settings)
    record_unpublished_outcomes(db, clinic, 600, owner="replica-a")
    outbox = ReminderOutbox(db, "replica-a", now)
    producer = kafka_clients.producer(settings)
    try:
        assert relay.relay_once(outbox, producer, settings.topic) == 500
        relay.report_backlog(outbox)
        assert OUTBOX_BACKLOG._value.get() == 600 - 500
        assert relay.relay_once(outbox, producer, settings.topic) == 100
        assert relay.relay_once(outbox, producer, settings.topic) == 0
    finally:
        producer.close()
    assert db[REMINDERS].count_documents({"outcome.published": False}) == 0
    assert len(read_topic(settings, REMINDERS_EVENTS, 600)) == 600
