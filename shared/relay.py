"""The outbox relay: publishes stored, unpublished commits to Kafka in stream order.

Publishing may repeat (a crash after send, before marking) but never loses an
event: a commit is marked published only after the broker acknowledged all of it.
Consumers de-duplicate by the per-aggregate sequence.
"""
from __future__ import annotations

import logging
import time

from kafka.errors import KafkaError
from pymongo.errors import PyMongoError

from shared.events import envelope
from shared.events.registry import event_type
from shared.events.topics import GOALS_EVENTS, GOALS_PARTNER_EVENTS
from shared.eventstore import EventStore
from shared.metrics import RELAYED, RELAY_ERRORS
from shared.redaction import partner_view

log = logging.getLogger(__name__)
PARTNER_TOPICS = {GOALS_EVENTS: GOALS_PARTNER_EVENTS}


def send_event(producer, event, topic_name=lambda name: name) -> list:
    """Send the event to its topic (and its partner view to the partner topic)."""
    topic = event_type(event.type).topic
    headers = [("ce_type", event.type.encode()), ("ce_id", event.id.encode())]
    key = event.partitionkey.encode()
    futures = [producer.send(topic_name(topic), key=key, value=event.to_json(), headers=headers)]
    if topic in PARTNER_TOPICS:
        futures.append(producer.send(topic_name(PARTNER_TOPICS[topic]), key=key,
                                     value=partner_view(event).to_json(), headers=headers))
    return futures


def relay_once(store: EventStore, producer, topic_name=lambda name: name, batch: int = 500) -> int:
    """Publish one batch of unpublished commits; return how many events were published."""
    commits = store.unpublished(batch)
    if not commits:
        return 0
    futures = [future for commit in commits for raw in commit["events"]
               for future in send_event(producer, envelope.from_dict(raw), topic_name)]
    producer.flush(timeout=30)
    for future in futures:
        future.get(timeout=0)  # raises if the broker did not acknowledge
    store.mark_published([commit["_id"] for commit in commits])
    count = sum(len(commit["events"]) for commit in commits)
    RELAYED.inc(count)
    return count


def run(store: EventStore, producer, stop, topic_name=lambda name: name, idle_sleep: float = 0.2) -> None:
    """Relay until `stop()` is true; Kafka outages are waited out with backoff."""
    backoff = 0.5
    while not stop():
        try:
            if relay_once(store, producer, topic_name) == 0:
                time.sleep(idle_sleep)
            backoff = 0.5
        except (KafkaError, PyMongoError) as error:
            RELAY_ERRORS.inc()
            log.warning("relay waiting for Kafka or the store", extra={"error": type(error).__name__, "retry_in_s": backoff})
            time.sleep(backoff)
            backoff = min(backoff * 2, 10)
