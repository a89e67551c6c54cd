"""Composition root shared by every projection worker process."""
from __future__ import annotations

import logging

from kafka import KafkaProducer
from pymongo.database import Database

from shared.messaging import consumer, kafka_clients
from shared.messaging.deadletters import DeadLetters
from shared.messaging.lag import LagMonitor
from shared.messaging.topics import EVENT_TOPICS, dead_letter_topic, ensure_topics
from shared.runtime import jsonlog, metrics
from shared.runtime.config import Settings
from shared.runtime.lifecycle import stop_on_signals
from shared.store import mongo
from shared.store.projection import Context, Projection

log = logging.getLogger(__name__)


def build_applier(projection: Projection, settings: Settings, db: Database, producer: KafkaProducer,
                  replaying: bool = False, names: dict[str, str] | None = None) -> consumer.BatchApplier:
    """The projection's applier writing into `db` (`names`: logical -> physical collections, for a rebuild)."""
    ctx = Context(db=db, replaying=replaying, names=names or {})
    projection.setup(ctx)
    dead_letters = DeadLetters(producer, projection.name, settings.topic(dead_letter_topic(projection.name)))
    return consumer.BatchApplier(projection, ctx, dead_letters)


def run_projection(projection: Projection, settings: Settings, process: str) -> None:
    """Run the projection's consumer group until SIGTERM (`process`: its name in METRICS_PORTS)."""
    jsonlog.configure(settings.log_level)
    stop = stop_on_signals()
    metrics.serve(settings.metrics_port(process))
    ensure_topics(settings, EVENT_TOPICS + (dead_letter_topic(projection.name),))
    producer = kafka_clients.producer(settings)
    db = mongo.database(settings)
    applier = build_applier(projection, settings, db, producer)
    log.info("consumer starting", extra={"group": projection.name, "topics": list(projection.topics)})
    topics = [settings.topic(name) for name in projection.topics]
    LagMonitor(settings, projection).start(stop)
    consumer.run(projection, kafka_clients.consumer(settings, settings.topic(projection.name)), applier, stop, topics)
    producer.close()
    log.info("consumer stopped", extra={"group": projection.name})
