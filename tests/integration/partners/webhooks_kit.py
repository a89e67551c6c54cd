"""Helpers of the webhook tests: local receivers, goal events with personal data in them, the processes.

Every process of these tests runs on a clock that starts at the fixed instant
``NOW`` and advances with elapsed real time (retries are measured in fractions of
a second), so no test depends on the day it runs on. Signatures are checked with
the standardwebhooks package's own signing, at the request's webhook-timestamp.
"""
from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

from standardwebhooks import Webhook

from services.partners.delivery import deliverer
from services.partners.delivery.webhook_channel import WebhookChannel
from services.partners.projection import partners_projection
from services.partners.service.router import Router
from shared.contract.envelope import CloudEvent
from shared.runtime.lifecycle import StopFlag
from tests.support import LocalEndpoint, consumer_running

UTC = timezone.utc
NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
PERSONAL = ("PERSONAL-TITLE", "PERSONAL-DESCRIPTION", "client-secret-")  # what no delivered byte may hold


def ticking_clock(start: datetime = NOW):
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def goal_created(clinic: str, client: str, at: datetime = NOW) -> CloudEvent:
    goal = f"goal-{uuid.uuid4().hex[:8]}"
    return CloudEvent(type="goal-created", source="/therapy-goals/tests", subject=goal, schemaversion=2,
                      clinicid=clinic, sequence=1, partitionkey=client, time=iso(at), data={
                          "goal_id": goal, "client_id": client, "clinician_id": "clinician-1",
                          "title": "PERSONAL-TITLE", "description": "PERSONAL-DESCRIPTION", "category": "anxiety",
                          "priority": "high", "measure": None, "target_date": None, "lifecycle_status": "active",
                          "achievement_status": "in-progress", "gas_levels": None, "practice_rrule": None,
                          "milestones": []})


def sharing_withdrawn(clinic: str, client: str, at: datetime) -> CloudEvent:
    return CloudEvent(type="sharing-changed", source="/therapy-goals/tests", subject=f"sharing:{clinic}:{client}",
                      schemaversion=1, clinicid=clinic, sequence=1, partitionkey=client, time=iso(at), data={
                          "client_id": client, "scope": "none", "partner_ids": [], "changed_at": at.isoformat()})


@dataclass(frozen=True)
class Received:
    webhook_id: str
    raw: bytes
    headers: dict
    at: float

    @property
    def event(self) -> dict:
        return json.loads(self.raw)

    def signed_with(self, secret: str) -> bool:
        """Whether one of the webhook-signature's signatures is the package's own for this secret."""
        moment = datetime.fromtimestamp(int(self.headers["webhook-timestamp"]), UTC)
        expected = Webhook(secret).sign(self.webhook_id, moment, self.raw.decode())
        return expected in self.headers["webhook-signature"].split(" ")


class Receiver(LocalEndpoint):
    """A webhook endpoint on 127.0.0.1: `answer(n)` (n = 1, 2... the request's number) is the status to send,
    None to hang until the receiver closes (a partner that never answers). `.delivered` lists the requests
    answered 2xx, in order."""

    def __init__(self, answer: Callable[[int], int | None] = lambda _n: 204):
        super().__init__(self._record)
        self.answer = answer
        self.requests: list[Received] = []
        self.delivered: list[Received] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/therapy"

    def ids(self) -> list[str]:
        with self._lock:
            return [r.webhook_id for r in self.delivered]

    def _record(self, headers, raw: bytes) -> int | None:
        received = Received(headers["webhook-id"], raw, dict(headers.items()), time.monotonic())
        with self._lock:
            self.requests.append(received)
            status = self.answer(len(self.requests))
            if status is not None and 200 <= status < 300:
                self.delivered.append(received)
        return status


@contextlib.contextmanager
def partners_running(settings, db, clock, channel_settings=None):
    """The router (a consumer of the goal events) and the deliverer's webhook channel, in threads."""
    router = partners_projection(Router(settings.pseudonym_secret, clock))
    channel = WebhookChannel(db, channel_settings or settings, clock)
    stop = StopFlag()
    loop = threading.Thread(target=deliverer.run, args=([channel], stop, 0.05), daemon=True)
    with consumer_running(router, settings, db):
        loop.start()
        try:
            yield channel
        finally:
            stop.set()
            loop.join(timeout=30)
            channel.close()
