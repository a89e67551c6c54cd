"""The reminders service's processes (metrics ports: shared.runtime.config):

    python -m services.reminders.worker              # the consumer: goal and session events into facts
    python -m services.reminders.worker dispatcher   # the dispatcher: plans, delivers, publishes outcomes

The dispatcher runs a round (service/dispatcher.py) every
``REMINDERS_DISPATCH_INTERVAL_SECONDS`` (5), or straight after the last while the
planner has a backlog (a round plans for at most ``planner.BUDGET``). Outcome events go to Kafka from the
outbox in a thread of their own (shared.messaging.relay), so Kafka being down —
even at start-up — delays nothing but the events. SIGTERM sets a flag: the
round finishes and the process exits.
"""
from __future__ import annotations

import argparse
import logging
import threading

from kafka.errors import KafkaError
from pymongo.errors import PyMongoError

from services.reminders.indexes import DECLARED
from services.reminders.projection import reminders_projection
from services.reminders.service.dispatcher import Dispatcher
from services.reminders.settings import RemindersSettings
from services.reminders.store.outbox import ReminderOutbox
from shared.domain.time import Clock, utc_now
from shared.messaging import kafka_clients, relay
from shared.messaging.topics import ensure_topics
from shared.runtime import jsonlog, metrics
from shared.runtime.lifecycle import StopFlag, stop_on_signals
from shared.runtime.worker import run_projection
from shared.store import indexes, mongo

log = logging.getLogger(__name__)
PROCESSES = ("consumer", "dispatcher")


def publish_outcomes(settings: RemindersSettings, outbox: ReminderOutbox, stop: StopFlag) -> None:
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


def serve(settings: RemindersSettings, stop: StopFlag, db=None, clock: Clock = utc_now) -> None:
    """Run dispatcher rounds until `stop()`, with the outbox relay in a thread (tests run this in threads too)."""
    db = db if db is not None else mongo.database(settings)
    indexes.ensure(db, DECLARED)
    dispatcher = Dispatcher(db, settings, clock=clock)
    outbox = threading.Thread(target=publish_outcomes, name="reminders-outbox", daemon=True,
                              args=(settings, ReminderOutbox(db, dispatcher.owner, clock), stop))
    outbox.start()
    try:
        while not stop():
            try:
                dispatcher.round(stop)
            except PyMongoError as error:
                log.warning("round failed; retrying next round", extra={"error": type(error).__name__})
            except Exception:  # noqa: BLE001 - a bug in one round must not stop every delivery
                log.exception("round failed; retrying next round")
            stop.wait(0 if dispatcher.planner.behind else settings.dispatch_interval_seconds)
    finally:
        stop.set()
        outbox.join(timeout=30)


def dispatch(settings: RemindersSettings) -> None:
    jsonlog.configure(settings.log_level)
    stop = stop_on_signals()
    metrics.serve(settings.metrics_port("reminders-dispatcher"))
    log.info("dispatcher starting", extra={"interval_s": settings.dispatch_interval_seconds,
                                           "threads": settings.dispatch_threads})
    serve(settings, stop)
    log.info("dispatcher stopped")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.reminders.worker", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("process", nargs="?", choices=PROCESSES, default="consumer")
    settings = RemindersSettings()
    if parser.parse_args(argv).process == "dispatcher":
        dispatch(settings)
    else:
        run_projection(reminders_projection(), settings, "reminders-consumer")


if __name__ == "__main__":
    main()
