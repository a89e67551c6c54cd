"""The goals service's worker process: the outbox relay from the event store to Kafka."""
from __future__ import annotations

import logging

from services.goals.indexes import DECLARED
from services.goals.settings import GoalsSettings
from shared.messaging import kafka_clients, relay
from shared.messaging.topics import ensure_topics
from shared.runtime import jsonlog, metrics
from shared.runtime.lifecycle import stop_on_signals
from shared.store import indexes, mongo
from shared.store.eventstore import EventStore

log = logging.getLogger(__name__)


def main(settings: GoalsSettings | None = None) -> None:
    settings = settings or GoalsSettings()
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
