"""The reminders dispatcher process: plan reminders from facts, deliver the due ones, publish outcomes.

    python -m services.reminders.dispatcher     # metrics port: shared.runtime.config

Every ``REMINDERS_DISPATCH_INTERVAL_SECONDS`` (5) a round plans the goals and
clients whose facts changed (or whose practice horizon needs extending), then
delivers every due reminder with a few threads, each claiming one reminder at
a time with an atomic update (delivery/claims.py), so replicas never deliver a reminder twice and
one slow webhook does not hold the others up. Outcome events go to Kafka from
the outbox in a thread of their own (shared.messaging.relay), so Kafka being down —
even at start-up — delays nothing but the events. SIGTERM sets a flag: the round finishes and
the process exits.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from pymongo.errors import PyMongoError

from services.reminders.clock import Clock, utc_now
from services.reminders.config import DispatchConfig
from services.reminders.delivery import claims, outcomes, webhook
from services.reminders.delivery.outbox import ReminderOutbox, publish_outcomes
from services.reminders.domain.delivery import too_late
from services.reminders.indexes import DECLARED
from services.reminders.metrics import DELIVERY_ATTEMPTS
from services.reminders.planner import Planner
from services.reminders.store.documents import REMINDERS
from services.reminders.store.preferences import PreferenceStore
from shared.store import indexes, mongo
from shared.runtime import jsonlog, metrics
from shared.runtime.config import Settings
from shared.runtime.lifecycle import StopFlag, stop_on_signals

log = logging.getLogger(__name__)
PER_THREAD_AND_ROUND = 200


def _never() -> bool:
    return False


class Dispatcher:
    def __init__(self, db, config: DispatchConfig, owner: str | None = None,
                 clock: Clock = utc_now):
        self.reminders, self.config, self.clock = db[REMINDERS], config, clock
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.planner, self.preferences = Planner(db, self.owner), PreferenceStore(db)

    def round(self, stop: Callable[[], bool] = _never) -> int:
        """Plan what changed, then deliver what is due; return how many reminders were handled."""
        self.planner.plan_due(self.clock())
        with ThreadPoolExecutor(self.config.threads, thread_name_prefix="deliver") as pool:
            return sum(pool.map(lambda _: self._deliver_until_none_due(stop), range(self.config.threads)))

    def _deliver_until_none_due(self, stop) -> int:
        handled = 0
        while handled < PER_THREAD_AND_ROUND and not stop() and self.deliver_one():
            handled += 1
        return handled

    def deliver_one(self) -> bool:
        """Claim one due reminder and attempt it; False when none is due."""
        doc = claims.claim_next(self.reminders, self.owner, self.clock(), self.config.lease)
        if doc is None:
            return False
        if not doc["attempts"] and too_late(doc["kind"], doc["due_at"], self.clock()):
            self._finish(doc, outcomes.expired(self.clock()), "expired")
            return True
        attempt = self._attempt(doc)
        update, result = outcomes.attempted(doc, attempt, self.clock(), self.config)
        self._finish(doc, update, result)
        return True

    def _attempt(self, doc: dict) -> webhook.Attempt:
        try:
            url = self.preferences.effective(doc["clinic_id"], doc["client_id"]).webhook_url
            if url is None:
                return webhook.NO_WEBHOOK
            return webhook.post(url, doc, self.config.webhook_secret, self.config.webhook_timeout_seconds,
                                self.clock())
        except Exception:  # noqa: BLE001 - e.g. the store away: retried like a failed attempt
            log.exception("delivery attempt failed", extra={"reminder_id": doc["_id"]})
            return webhook.Attempt(False, "internal-error", retryable=True)

    def _finish(self, doc: dict, update: dict, result: str) -> None:
        if not claims.finish(self.reminders, doc, self.owner, update):
            result = "lease-lost"
            log.warning("lease lost before the outcome was written", extra={"reminder_id": doc["_id"]})
        DELIVERY_ATTEMPTS.labels(result).inc()
        log.info("reminder attempt", extra={"reminder_id": doc["_id"], "kind": doc["kind"], "result": result})


def serve(settings: Settings, config: DispatchConfig, stop: StopFlag, db=None,
          clock: Clock = utc_now) -> None:
    """Run rounds until `stop()`, with the outbox relay in a thread (tests run this in threads too)."""
    db = db if db is not None else mongo.database(settings)
    indexes.ensure(db, DECLARED)
    dispatcher = Dispatcher(db, config, clock=clock)
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
            stop.wait(config.interval_seconds)
    finally:
        stop.set()
        outbox.join(timeout=30)


def main() -> None:
    settings, config = Settings(service="reminders"), DispatchConfig()
    jsonlog.configure(settings.log_level)
    stop = stop_on_signals()
    metrics.serve(settings.metrics_port("reminders-dispatcher"))
    log.info("dispatcher starting", extra={"interval_s": config.interval_seconds, "threads": config.threads})
    serve(settings, config, stop)
    log.info("dispatcher stopped")


if __name__ == "__main__":
    main()
