"""The goals service's worker process: the outbox relay from the event store to Kafka."""
from __future__ import annotations

import logging

from services.goals.indexes import DECLARED
from shared.store import indexes, mongo
from shared.runtime import jsonlog, metrics
from shared.messaging import kafka_clients, relay
from shared.runtime.config import Settings
from shared.messaging.topics import ensure_topics
from shared.store.eventstore import EventStore
from shared.runtime.lifecycle import stop_on_signals

log = logging.getLogger(__name__)


def main(settings: Settings | None = None) -> None:
    settings = settings or Settings(service="goals")
    jsonlog.configure(settings.log_level)
    stop = stop_on_signals()
    metrics.serve(settings.metrics_port("goals-relay"))
    db = mongo.database(settings)
    indexes.ensure(db, DECLARED)
    store = EventStore(db)
    ensure_topics(settings)
    producer = kafka_clients.producer(settings)
    log.info("relay starting")
    relay.run(store, producer, stop, settings.topic)
    producer.close()
    log.info("relay stopped")


if __name__ == "__main__":
    main()
