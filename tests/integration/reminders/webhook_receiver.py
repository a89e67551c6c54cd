"""A local webhook receiver for the dispatcher tests: 127.0.0.1, random port, records and verifies requests."""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    reminder_id: str
    attempt: int
    body: dict
    signature_valid: bool
    at: float


class Receiver:
    """Answers every POST with `status`; `.received` lists what arrived, in order."""

    def __init__(self, secret: str, status: int = 204):
        self.secret, self.status = secret.encode(), status
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/reminders"

    def ids(self) -> list[str]:
        with self._lock:
            return [r.reminder_id for r in self.received]

    def _record(self, headers, raw: bytes) -> None:
        expected = "sha256=" + hmac.new(self.secret, raw, hashlib.sha256).hexdigest()
        valid = hmac.compare_digest(expected, headers.get("X-Reminder-Signature", ""))
        with self._lock:
            self.received.append(Received(headers["X-Reminder-Id"], int(headers["X-Reminder-Attempt"]),
                                          json.loads(raw), valid, time.monotonic()))

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                receiver._record(self.headers, self.rfile.read(int(self.headers["Content-Length"])))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler

    def __enter__(self) -> "Receiver":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
