"""The dispatcher on the document store and Kafka, with a local webhook receiver: once, signed, retried, recorded."""
import contextlib
import threading
import time
from dataclasses import replace
from datetime import timedelta

import pytest
from reminders_kit import due_reminders, now, ticking_clock
from webhook_receiver import Receiver

from services.reminders.service.dispatcher import Dispatcher
from services.reminders.store.claims import claim_next
from services.reminders.store.documents import REMINDERS
from services.reminders.store.outbox import ReminderOutbox
from services.reminders.store.preferences import PreferenceStore
from services.reminders.worker import publish_outcomes, serve
from shared.contract.envelope import from_json
from shared.messaging.topics import REMINDERS_EVENTS
from shared.runtime.lifecycle import StopFlag
from tests.support import read_topic, wait_until

pytestmark = pytest.mark.integration
SECRET = "test-webhook-secret"
DISPATCH = {"dispatch_interval_seconds": 0.1, "dispatch_threads": 3, "webhook_secret": SECRET,
            "webhook_timeout_seconds": 2, "max_attempts": 3, "retry_base_seconds": 0.3, "retry_max_seconds": 5,
            "lease_seconds": 30}


@pytest.fixture
def settings(settings):
    """The test's settings, with a dispatcher that goes round fast and retries within seconds."""
    return replace(settings, **DISPATCH)


@contextlib.contextmanager
def dispatchers(settings, db, replicas: int = 2):
    """`replicas` dispatcher processes' loops (outbox relay included), each in its own thread."""
    stops = [StopFlag() for _ in range(replicas)]
    clock = ticking_clock()
    threads = [threading.Thread(target=serve, args=(settings, stop, db, clock), daemon=True) for stop in stops]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        for stop in stops:
            stop.set()
        for thread in threads:
            thread.join(timeout=30)


def webhook_for(db, clinic, url, *clients):
    for client in clients:
        PreferenceStore(db).save_client(clinic, client, {"webhook_url": url}, "tester", now())


def published(db, count: int) -> bool:
    return db[REMINDERS].count_documents({"outcome.published": True}) == count


def outcome_events(settings, count: int) -> list:
    return [from_json(record.value) for record in read_topic(settings, REMINDERS_EVENTS, count)]


def test_two_dispatcher_replicas_deliver_every_due_reminder_exactly_once_with_a_valid_signature(settings, db, clinic):
    with Receiver(SECRET) as receiver:
        webhook_for(db, clinic, receiver.url, "c1", "c2")
        ids = due_reminders(db, clinic, "c1", 20) + due_reminders(db, clinic, "c2", 20)
        with dispatchers(settings, db):
            wait_until(lambda: published(db, 40), message="40 reminders sent and their events published")

    assert sorted(receiver.ids()) == sorted(ids)
    assert all(r.signature_valid and r.attempt == 1 for r in receiver.received)
    assert {r.body["client_id"] for r in receiver.received} == {"c1", "c2"}
    assert db[REMINDERS].count_documents({"status": "sent", "attempts": 1, "deliveries": 1}) == 40
    events = outcome_events(settings, 40)
    assert {e.subject for e in events} == set(ids) and {e.type for e in events} == {"reminder-sent"}
    assert all(e.partitionkey == e.data["client_id"] and e.sequence == 1 for e in events)


def test_dispatchers_claiming_at_once_take_every_due_reminder_exactly_once_and_nothing_else(settings, db, clinic):
    ids = due_reminders(db, clinic, "c1", 300)
    later = due_reminders(db, clinic, "c1", 5, due_at=now() + timedelta(minutes=1))
    claimed, start = [], threading.Barrier(6)

    def claim_all(owner):
        start.wait()
        while (doc := claim_next(db[REMINDERS], owner, now(), settings.lease)) is not None:
            claimed.append((doc["_id"], owner))

    threads = [threading.Thread(target=claim_all, args=(f"replica-{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(rid for rid, _ in claimed) == sorted(ids)
    owners = {doc["_id"]: doc["lease_owner"] for doc in db[REMINDERS].find({"status": "sending"})}
    assert owners == dict(claimed) and not set(owners) & set(later)


def test_a_failing_receiver_is_retried_with_backoff_then_the_reminder_fails_and_the_failure_is_published(
        settings, db, clinic):
    with Receiver(SECRET, status=500) as receiver:
        webhook_for(db, clinic, receiver.url, "c1")
        [reminder_id] = due_reminders(db, clinic, "c1", 1)
        with dispatchers(settings, db):
            wait_until(lambda: published(db, 1), message="the failure published")

    doc = db[REMINDERS].find_one({"_id": reminder_id})
    assert (doc["status"], doc["attempts"]) == ("failed", 3)
    assert [h["result"] for h in doc["history"]] == ["http-500"] * 3
    assert [r.attempt for r in receiver.received] == [1, 2, 3]
    gaps = [b.at - a.at for a, b in zip(receiver.received, receiver.received[1:])]
    assert gaps[0] >= 0.29 and gaps[1] >= 0.59  # 0.3 s, then 0.6 s
    [event] = outcome_events(settings, 1)
    assert (event.type, event.subject, event.data["error"], event.data["attempts"]) == (
        "reminder-failed", reminder_id, "http-500", 3)


def test_a_client_without_a_webhook_gets_a_failed_reminder_not_a_silent_one(settings, db, clinic):
    [reminder_id] = due_reminders(db, clinic, "c-no-hook", 1)

    Dispatcher(db, settings, clock=now).round()

    doc = db[REMINDERS].find_one({"_id": reminder_id})
    assert (doc["status"], doc["outcome"]["error"], doc["outcome"]["published"]) == ("failed", "no-webhook-url", False)


def test_a_webhook_the_ssrf_guard_refuses_at_delivery_is_never_requested(settings, db, clinic):
    with Receiver(SECRET) as receiver:
        webhook_for(db, clinic, receiver.url, "c1")  # on loopback: stored while it was allowed
        [reminder_id] = due_reminders(db, clinic, "c1", 1)
        Dispatcher(db, replace(settings, allowed_networks=()), clock=now).round()
    doc = db[REMINDERS].find_one({"_id": reminder_id})
    assert (doc["status"], doc["outcome"]["error"]) == ("failed", "forbidden-target") and not receiver.received


def test_a_reminder_found_past_its_grace_period_expires_instead_of_being_sent(settings, db, clinic):
    with Receiver(SECRET) as receiver:
        webhook_for(db, clinic, receiver.url, "c1")
        [reminder_id] = due_reminders(db, clinic, "c1", 1, kind="milestone-due")

        Dispatcher(db, settings, clock=lambda: now() + timedelta(days=1)).round()

    assert db[REMINDERS].find_one({"_id": reminder_id})["status"] == "expired"
    assert receiver.received == []


def test_a_stale_lease_of_a_dispatcher_that_died_is_claimed_again(settings, db, clinic):
    with Receiver(SECRET) as receiver:
        webhook_for(db, clinic, receiver.url, "c1")
        [reminder_id] = due_reminders(db, clinic, "c1", 1)
        db[REMINDERS].update_one({"_id": reminder_id}, {"$set": {
            "status": "sending", "lease_owner": "dead-replica", "lease_expires_at": now() - timedelta(seconds=1)}})

        Dispatcher(db, settings, clock=now).round()

    assert db[REMINDERS].find_one({"_id": reminder_id})["status"] == "sent"
    assert receiver.ids() == [reminder_id]


def test_outcomes_wait_in_the_outbox_while_kafka_is_unreachable_and_are_published_once_it_is_back(
        settings, db, clinic):
    with Receiver(SECRET) as receiver:
        webhook_for(db, clinic, receiver.url, "c1")
        [reminder_id] = due_reminders(db, clinic, "c1", 1)
        dispatcher = Dispatcher(db, settings, owner="replica-a", clock=now)
        dispatcher.round()
    outbox, stop = ReminderOutbox(db, "replica-a", now), StopFlag()
    unreachable = threading.Thread(target=publish_outcomes, args=(replace(settings, kafka_bootstrap_servers=(
        "127.0.0.1:9")), outbox, stop))
    unreachable.start()
    time.sleep(1)
    stop.set()
    unreachable.join(timeout=30)
    assert db[REMINDERS].find_one({"_id": reminder_id})["outcome"]["published"] is False

    stop = StopFlag()
    back = threading.Thread(target=publish_outcomes, args=(settings, outbox, stop))
    back.start()
    try:
        wait_until(lambda: published(db, 1), message="the outcome published")
    finally:
        stop.set()
        back.join(timeout=30)
    [event] = outcome_events(settings, 1)
    assert (event.type, event.subject) == ("reminder-sent", reminder_id)
