"""A local webhook receiver for the dispatcher tests: 127.0.0.1, random port, records and verifies requests."""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass

from tests.support import LocalEndpoint


@dataclass(frozen=True)
class Received:
    reminder_id: str
    attempt: int
    body: dict
    signature_valid: bool
    at: float


class Receiver(LocalEndpoint):
    """Answers every POST with `status`; `.received` lists what arrived, in order."""

    def __init__(self, secret: str, status: int = 204):
        super().__init__(self._record)
        self.secret, self.status = secret.encode(), status
        self.received: list[Received] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/reminders"

    def ids(self) -> list[str]:
        with self._lock:
            return [r.reminder_id for r in self.received]

    def _record(self, headers, raw: bytes) -> int:
        expected = "sha256=" + hmac.new(self.secret, raw, hashlib.sha256).hexdigest()
        valid = hmac.compare_digest(expected, headers.get("X-Reminder-Signature", ""))
        with self._lock:
            self.received.append(Received(headers["X-Reminder-Id"], int(headers["X-Reminder-Attempt"]),
                                          json.loads(raw), valid, time.monotonic()))
        return self.status
