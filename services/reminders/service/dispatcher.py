"""Dispatching: plan reminders from facts, then deliver the due ones (a round of the dispatcher process).

A round plans the goals and clients whose facts changed (or whose practice
horizon needs extending), then delivers every due reminder with a few
threads, each claiming one reminder at a time with an atomic update
(store/claims.py), so replicas never deliver a reminder twice and one slow
webhook does not hold the others up. The process around the rounds, and the
outbox that publishes their outcomes, is in worker.py.
"""
from __future__ import annotations

import logging
import os
import socket
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from prometheus_client import Counter

from services.reminders.domain.delivery import NO_WEBHOOK, Attempt, too_late
from services.reminders.service import webhook
from services.reminders.service.planner import Planner
from services.reminders.settings import RemindersSettings
from services.reminders.store import claims, outcomes
from services.reminders.store.documents import REMINDERS
from services.reminders.store.preferences import PreferenceStore
from shared.domain.time import Clock, utc_now
from shared.runtime.lifecycle import never

log = logging.getLogger(__name__)
PER_THREAD_AND_ROUND = 200
DELIVERY_ATTEMPTS = Counter("reminders_delivery_attempts_total", "Delivery attempts by result",
                            ["result"])  # sent, retry, failed, expired, lease-lost


class Dispatcher:
    def __init__(self, db, settings: RemindersSettings, owner: str | None = None, clock: Clock = utc_now):
        self.reminders, self.settings, self.clock = db[REMINDERS], settings, clock
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.planner, self.preferences = Planner(db, self.owner), PreferenceStore(db)

    def round(self, stop: Callable[[], bool] = never) -> int:
        """Plan what changed, then deliver what is due; return how many reminders were handled."""
        self.planner.plan_due(self.clock())
        threads = self.settings.dispatch_threads
        with ThreadPoolExecutor(threads, thread_name_prefix="deliver") as pool:
            return sum(pool.map(lambda _: self._deliver_until_none_due(stop), range(threads)))

    def _deliver_until_none_due(self, stop) -> int:
        handled = 0
        while handled < PER_THREAD_AND_ROUND and not stop() and self.deliver_one():
            handled += 1
        return handled

    def deliver_one(self) -> bool:
        """Claim one due reminder and attempt it; False when none is due."""
        doc = claims.claim_next(self.reminders, self.owner, self.clock(), self.settings.lease)
        if doc is None:
            return False
        if not doc["attempts"] and too_late(doc["kind"], doc["due_at"], self.clock()):
            self._finish(doc, outcomes.expired(self.clock()), "expired")
            return True
        attempt = self._attempt(doc)
        update, result = outcomes.attempted(doc, attempt, self.clock(), self.settings)
        self._finish(doc, update, result)
        return True

    def _attempt(self, doc: dict) -> Attempt:
        try:
            url = self.preferences.effective(doc["clinic_id"], doc["client_id"]).webhook_url
            if url is None:
                return NO_WEBHOOK
            return webhook.post(url, doc, self.settings.webhook_secret, self.settings.webhook_timeout_seconds,
                                self.clock(), self.settings.allowed_networks)
        except Exception:  # noqa: BLE001 - e.g. the store away: retried like a failed attempt
            log.exception("delivery attempt failed", extra={"reminder_id": doc["_id"]})
            return Attempt(False, "internal-error", retryable=True)

    def _finish(self, doc: dict, update: dict, result: str) -> None:
        if not claims.finish(self.reminders, doc, self.owner, update):
            result = "lease-lost"
            log.warning("lease lost before the outcome was written", extra={"reminder_id": doc["_id"]})
        DELIVERY_ATTEMPTS.labels(result).inc()
        log.info("reminder attempt", extra={"reminder_id": doc["_id"], "kind": doc["kind"], "result": result})
