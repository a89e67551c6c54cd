"""The outbox relay: publishes stored, unpublished commits to Kafka in stream order.

Publishing may repeat (a crash after send, before marking) but never loses an
event: a commit is marked published only after the broker acknowledged all of it.
While Kafka is away a round keeps waiting for its acknowledgements (the producer
retries until ``delivery_timeout_ms``) instead of sending the same events again,
so an outage alone creates no duplicates. Consumers de-duplicate by the
per-aggregate sequence anyway.

The backlog (how many commits wait, and since when) is measured on a timer thread
of its own (:func:`watch_backlog`), so it keeps rising while a round waits for an
absent Kafka: that, not an API's readiness, is where a Kafka outage shows.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable, Protocol

from kafka import KafkaProducer
from kafka.errors import KafkaError
from pymongo.errors import PyMongoError

from shared.contract import envelope
from shared.contract.envelope import CloudEvent
from shared.contract.registry import event_type
from shared.domain.time import Clock, instant, utc_now
from shared.messaging.kafka_clients import acknowledged
from shared.runtime.lifecycle import Stop, never
from shared.runtime.metrics import OUTBOX_BACKLOG, OUTBOX_OLDEST_AGE, RELAYED, RELAY_ERRORS

log = logging.getLogger(__name__)
STRUCTURED = b"application/cloudevents+json; charset=UTF-8"  # CloudEvents Kafka binding, structured mode
BATCH = 500         # commits per round
IDLE_SLEEP = 0.05   # seconds between rounds that found nothing (an idle poll reads nothing: module docstring)
BACKLOG_INTERVAL = 5.0  # seconds between measurements of the backlog


class Outbox(Protocol):
    """What the relay publishes from: the goals' event store and the reminders' outcome outbox.

    A "commit" is ``{"_id": ..., "events": [<CloudEvent dict>, ...]}``; commits come
    oldest first and a stream's commits keep their order.
    """

    def unpublished(self, limit: int = 500) -> list[dict]:
        """At most `limit` commits not marked published, oldest first."""
        ...

    def count_unpublished(self) -> int:
        """How many commits are not marked published (the relay's backlog)."""
        ...

    def mark_published(self, commit_ids: list[str]) -> None:
        """Mark the commits published: the broker acknowledged all their events."""
        ...


TopicName = Callable[[str], str]  # logical -> physical topic name (Settings.topic)


def send_event(producer: KafkaProducer, event: CloudEvent, topic_name: TopicName) -> list:
    """Send the event to its topic; the send's future (in a list, as relay_once gathers them)."""
    topic = event_type(event.type).topic
    headers = [("content-type", STRUCTURED), ("ce_type", event.type.encode()), ("ce_id", event.id.encode())]
    key = event.partitionkey.encode()
    return [producer.send(topic_name(topic), key=key, value=event.to_json(), headers=headers)]


def relay_once(store: Outbox, producer: KafkaProducer, topic_name: TopicName, stop: Stop = never) -> int:
    """Publish one batch of unpublished commits (BATCH at most); return how many events were published."""
    commits = store.unpublished(BATCH)
    if not commits:
        return 0
    futures: list = []
    try:
        for commit in commits:
            for raw in commit["events"]:
                futures.extend(send_event(producer, envelope.from_dict(raw), topic_name))
    except KafkaError:
        acknowledged(producer, futures, stop)  # let the earlier sends finish before a retry re-sends them
        raise
    if not acknowledged(producer, futures, stop):
        return 0
    store.mark_published([commit["_id"] for commit in commits])
    count = sum(len(commit["events"]) for commit in commits)
    RELAYED.inc(count)
    return count


def report_backlog(store: Outbox, now: Clock = utc_now) -> None:
    """Set the backlog gauges: how many commits are unpublished, and the age of the oldest (its first event's time)."""
    oldest = store.unpublished(1)
    OUTBOX_BACKLOG.set(store.count_unpublished() if oldest else 0)
    age = (now() - instant(oldest[0]["events"][0]["time"])).total_seconds() if oldest else 0.0
    OUTBOX_OLDEST_AGE.set(max(age, 0.0))


def watch_backlog(store: Outbox, stop: Stop, interval: float = BACKLOG_INTERVAL) -> threading.Thread:
    """Report the backlog every `interval` seconds until `stop()`, in a daemon thread (the first report at once)."""
    def watch() -> None:
        while not stop():
            try:
                report_backlog(store)
            except PyMongoError as error:
                log.warning("relay backlog not measured", extra={"error": type(error).__name__})
            _sleep(interval, stop)

    thread = threading.Thread(target=watch, name="relay-backlog", daemon=True)
    thread.start()
    return thread


def run(store: Outbox, producer: KafkaProducer, stop: Stop, topic_name: TopicName) -> None:
    """Relay until `stop()` is true; Kafka and store outages are waited out with backoff; the backlog is watched."""
    watch_backlog(store, stop)
    backoff = 0.5
    while not stop():
        try:
            if relay_once(store, producer, topic_name, stop=stop) == 0:
                _sleep(IDLE_SLEEP, stop)
            backoff = 0.5
        except (KafkaError, PyMongoError) as error:
            RELAY_ERRORS.inc()
            log.warning("relay waiting for Kafka or the store", extra={"error": type(error).__name__,
                                                                       "retry_in_s": backoff})
            _sleep(backoff, stop)
            backoff = min(backoff * 2, 10)


def _sleep(seconds: float, stop: Stop) -> None:
    deadline = time.monotonic() + seconds
    while not stop() and time.monotonic() < deadline:
        time.sleep(min(0.1, seconds))
