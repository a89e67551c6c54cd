"""The partners service's processes (metrics ports: shared.runtime.config):

    python -m services.partners.worker              # the router: goal and reminder events into partner feeds
    python -m services.partners.worker deliverer    # the deliverer: feeds onto their channels (Kafka...)

The router is a consumer group on goals-events and reminders-events run by the
shared consumer runtime (projection/, service/router.py); any number of routers may
share the group. The deliverer runs rounds of its channels (delivery/deliverer.py).
"""
from __future__ import annotations

import argparse
import logging

from shared.messaging import kafka_clients
from shared.runtime import jsonlog, metrics
from shared.runtime.lifecycle import StopFlag, stop_on_signals
from shared.runtime.worker import run_projection
from shared.store import indexes, mongo

from services.partners.delivery import deliverer
from services.partners.delivery.kafka_channel import KafkaChannel
from services.partners.delivery.webhook_channel import WebhookChannel
from services.partners.indexes import DECLARED
from services.partners.projection import partners_projection
from services.partners.service.feed import FeedReader
from services.partners.service.router import Router
from services.partners.settings import PartnersSettings

PROCESSES = ("router", "deliverer")
log = logging.getLogger(__name__)


def route(settings: PartnersSettings) -> None:
    indexes.ensure(mongo.database(settings), DECLARED)  # the feed's uniqueness makes routing idempotent
    run_projection(partners_projection(Router(settings.pseudonym_secret)), settings, "partners-router")


def channels(settings: PartnersSettings, db, producer, stop: StopFlag) -> list[deliverer.Channel]:
    """The deliverer's channels, each with its own cursor per subscription."""
    return [KafkaChannel(db, producer, settings, FeedReader(db), stop), WebhookChannel(db, settings)]


def deliver(settings: PartnersSettings) -> None:
    jsonlog.configure(settings.log_level)
    stop = stop_on_signals()
    metrics.serve(settings.metrics_port("partners-deliverer"))
    db = mongo.database(settings)
    indexes.ensure(db, DECLARED)
    producer = kafka_clients.producer(settings)
    try:
        log.info("deliverer starting", extra={"interval_s": settings.deliver_interval_s})
        deliverer.run(channels(settings, db, producer, stop), stop, settings.deliver_interval_s)
    finally:
        producer.close()
    log.info("deliverer stopped")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.partners.worker", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("process", nargs="?", choices=PROCESSES, default="router")
    settings = PartnersSettings()
    if parser.parse_args(argv).process == "deliverer":
        deliver(settings)
    else:
        route(settings)


if __name__ == "__main__":
    main()
