"""The webhook channel: each subscription's feed entries POSTed to its URL, in seq order, at least once.

Every subscription is independent: a round hands each due subscription
(store/webhooks.py) to a pool of PARTNERS_WEBHOOK_CONCURRENCY threads, at most
one run per subscription at a time, and every request has a timeout
(PARTNERS_WEBHOOK_TIMEOUT_S), so a slow or failing partner holds one thread and
never delays another. A run first makes the redeliveries asked for (one attempt
each), then delivers the entries after ``cursors.webhook`` one by one (the
consent of each is checked again by service/feed.py: withheld ones are passed
over): a 2xx passes it; anything else (another status, a timeout, no
connection, a target the SSRF guard now refuses) keeps the entry for a retry
with exponential backoff and full jitter (domain/retry.py), stored on the
subscription so a restarted deliverer resumes; PARTNERS_RETRY_WINDOW_S after
its first attempt it is parked and the cursor moves on. Each attempt is logged
in ``deliveries`` (store/deliveries.py). The log and the cursor are written once
per run (at most BATCH entries), or before an entry waits for its retry: a
deliverer stopped in the middle of a run sends that run's entries again (at least
once, with the same webhook-ids). The URL is checked by the SSRF guard
(shared/web/outbound.py) before every attempt and the request goes to the
address it checked (delivery/webhook_request.py).
"""
from __future__ import annotations

import logging
import random
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime, timedelta

from services.partners.delivery.webhook_request import Attempt, Sender, body, headers
from services.partners.domain.retry import Jitter, RetryPolicy
from services.partners.domain.subscription import ACTIVE, verifying
from services.partners.metrics import DELIVERED, WITHHELD, record_lag
from services.partners.metrics import WEBHOOK_ATTEMPTS, WEBHOOK_FAILURES, WEBHOOK_LAG, WEBHOOK_PARKED
from services.partners.service.feed import FeedReader
from services.partners.settings import PartnersSettings
from services.partners.store import deliveries
from services.partners.store import webhooks as state
from shared.domain.errors import DomainError
from shared.domain.time import Clock, instant, utc_now
from shared.web.outbound import check_target

log = logging.getLogger(__name__)
NAME = "webhook"
BATCH = 100                          # entries per run; a subscription with more goes to the back of the queue
GAP_POLL = timedelta(seconds=1)      # a run stopped by a gap still being written looks again after this
PAUSED_POLL = timedelta(seconds=60)  # a paused subscription is looked at again after this
ROUND_WAIT_S = 0.2                   # a round waits at most this long for a run to finish


class WebhookChannel:
    name = NAME

    def __init__(self, db, settings: PartnersSettings, clock: Clock = utc_now, jitter: Jitter | None = None):
        self.db, self.settings, self.clock = db, settings, clock
        self.reader = FeedReader(db, clock)
        self.policy = RetryPolicy(timedelta(seconds=settings.retry_base_s), timedelta(seconds=settings.retry_max_s),
                                  timedelta(seconds=settings.retry_window_s))
        self.jitter = jitter or random.uniform
        self.allowed = settings.allowed_networks
        self.sender = Sender(settings.webhook_timeout_s, settings.webhook_concurrency)
        self.pool = ThreadPoolExecutor(settings.webhook_concurrency, thread_name_prefix="webhook")
        self.running: dict[str, Future] = {}
        self._lock = threading.Lock()

    def run_once(self) -> int:
        """Start a run for due subscriptions not running yet, as many as threads are free (each run reads a fresh
        document); how many entries the runs that ended delivered."""
        with self._lock:
            free = self.settings.webhook_concurrency - len(self.running)
            if free > 0:
                due = state.due(self.db, self.clock(), free + len(self.running))
                for subscription in [doc for doc in due if doc["_id"] not in self.running][:free]:
                    self.running[subscription["_id"]] = self.pool.submit(self.run, subscription)
            done, _ = wait(list(self.running.values()), timeout=ROUND_WAIT_S, return_when=FIRST_COMPLETED)
            for subscription_id in [key for key, future in self.running.items() if future in done]:
                del self.running[subscription_id]
        return sum(future.result() for future in done)

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        self.sender.close()

    def run(self, subscription: dict) -> int:
        """One subscription's turn: redeliveries, then the next entries; how many were delivered."""
        try:
            if subscription.get("deleted_at") is not None or not subscription.get("url"):
                state.settle(self.db, subscription)
                return 0
            if subscription["status"] != ACTIVE:
                state.make_due(self.db, subscription["_id"], self.clock() + PAUSED_POLL)
                return 0
            return self._redeliver(subscription) + self._deliver_stream(subscription)
        except Exception:  # noqa: BLE001 - one subscription's failure must not stop the others; retried soon
            log.exception("webhook run failed", extra={"subscription_id": subscription["_id"]})
            state.make_due(self.db, subscription["_id"], self.clock() + GAP_POLL)
            return 0

    def _redeliver(self, subscription: dict) -> int:
        """The redeliveries asked for: one attempt each (a parked entry delivered is no longer parked)."""
        delivered, requested = 0, state.requested(self.db, subscription["_id"], BATCH)
        for seq in requested:
            batch = self.reader.next(subscription, seq - 1, 1)
            entry = next((e for e in batch.entries if e["seq"] == seq), None)  # None: withheld, or no such entry
            if entry is not None:
                now = self.clock()
                attempt = self._post(subscription, entry, now)
                deliveries.record(self.db, [self._log(subscription, entry, 1, now, attempt,
                                                      "delivered" if attempt.delivered else "failed")])
                if attempt.delivered:
                    state.unpark(self.db, subscription["_id"], seq)
                    delivered += 1
            state.redelivered(self.db, subscription["_id"], seq)
        if len(requested) == BATCH:
            state.make_due(self.db, subscription["_id"], self.clock())
        return delivered

    def _deliver_stream(self, subscription: dict) -> int:
        """The entries after the cursor, one by one; the attempts' log and the cursor are written once, at the end
        of the run or when an entry has to wait for a retry."""
        subscription_id, cursor = subscription["_id"], subscription["cursors"].get(NAME, 0)
        batch = self.reader.next(subscription, cursor, BATCH)
        delivered, passed, attempts = 0, cursor, []  # passed: the last seq delivered or parked in this run
        for entry in batch.entries:
            outcome = self._deliver_entry(subscription, entry, attempts)
            if isinstance(outcome, tuple):  # it waits for a retry: keep what passed, then the retry
                deliveries.record(self.db, attempts)
                if passed == cursor or state.advance(self.db, subscription_id, cursor, passed):
                    state.retry_later(self.db, subscription_id, passed, *outcome)
                return delivered
            delivered, passed = delivered + outcome, entry["seq"]
        deliveries.record(self.db, attempts)
        if batch.withheld:
            WITHHELD.labels(subscription_id, NAME).inc(batch.withheld)
        if batch.last > cursor and not state.advance(self.db, subscription_id, cursor, batch.last):
            return delivered  # the cursor moved meanwhile (a replay): it wins
        record_lag(subscription, NAME, batch.last)
        self._after_run(subscription, batch.last, read=len(batch.entries) + batch.withheld)
        return delivered

    def _deliver_entry(self, subscription: dict, entry: dict, attempts: list[dict]) -> int | tuple[dict, datetime]:
        """1 delivered, 0 parked (the cursor may pass it in both cases); else the retry to keep and its instant.
        The attempt's log document is added to `attempts`."""
        subscription_id, now = subscription["_id"], self.clock()
        retry = subscription.get("webhook_retry") or {}
        retrying = retry.get("seq") == entry["seq"]
        number = (retry["attempts"] if retrying else 0) + 1
        first_attempt_at = instant(retry["first_attempt_at"]) if retrying else now
        attempt = self._post(subscription, entry, now)
        if attempt.delivered:
            attempts.append(self._log(subscription, entry, number, now, attempt, "delivered"))
            DELIVERED.labels(subscription_id, NAME).inc()
            WEBHOOK_LAG.labels(subscription_id).observe(max((now - instant(entry["recorded_at"])).total_seconds(), 0))
            return 1
        next_at = self.policy.next_attempt(first_attempt_at, now, number, self.jitter)
        attempts.append(self._log(subscription, entry, number, now, attempt, "failed" if next_at else "parked"))
        if next_at is None:
            WEBHOOK_PARKED.labels(subscription_id).inc()
            state.park(self.db, subscription_id, entry["seq"], entry["event"]["id"], number, now)
            return 0
        return {"seq": entry["seq"], "attempts": number, "first_attempt_at": first_attempt_at}, next_at

    def _post(self, subscription: dict, entry: dict, now: datetime) -> Attempt:
        """One POST of the entry, to the address the SSRF guard checks now."""
        try:
            target = check_target(subscription["url"], self.allowed)
        except DomainError as refusal:  # the URL now resolves to an address the guard refuses
            return Attempt(None, 0.0, refusal.code)
        payload = body(entry["event"])
        secrets = [entry["secret"] for entry in verifying(subscription["secrets"], now)]
        signed = headers(entry["event"]["id"], payload, secrets, now)
        return self.sender.post(target, payload, signed)

    def _log(self, subscription: dict, entry: dict, number: int, now: datetime, attempt: Attempt,
             outcome: str) -> dict:
        """The attempt's log document (store/deliveries.py), counted on the metrics."""
        WEBHOOK_ATTEMPTS.labels(subscription["_id"]).inc()
        if not attempt.delivered:
            WEBHOOK_FAILURES.labels(subscription["_id"]).inc()
        error = attempt.error or (None if attempt.delivered else f"http-{attempt.status_code}")
        return deliveries.attempt(subscription["_id"], entry["seq"], entry["event"]["id"], number, now,
                                  attempt.status_code, attempt.latency_ms, outcome, error)

    def _after_run(self, subscription: dict, cursor: int, read: int) -> None:
        """Due again at once after a full batch (behind the others waiting), soon when a gap stopped the run,
        else nothing to do until the router appends or a request comes."""
        if read >= BATCH:
            state.make_due(self.db, subscription["_id"], self.clock())
        elif cursor < subscription.get("seq", 0):
            state.make_due(self.db, subscription["_id"], self.clock() + GAP_POLL)
        else:
            state.settle(self.db, subscription)
