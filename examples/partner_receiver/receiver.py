"""A partner's webhook receiver for the therapy-goals platform, on the standard library only.

    PARTNER_WEBHOOK_SECRET=whsec_... python -m examples.partner_receiver.receiver --port 8600

It checks each delivery as Standard Webhooks says (docs/partners.md): the
`webhook-signature` header holds one or more `v1,<base64 HMAC-SHA256>` of
"<webhook-id>.<webhook-timestamp>.<raw body>" keyed by the base64 part of the
secret after `whsec_`; a timestamp more than five minutes away from now is
refused, so a captured delivery cannot be replayed later. A delivery it has
already taken (the same `webhook-id`: a retry, a redelivery or a replay) is
answered 200 again and not handled twice. It answers at once and handles events
afterwards on a thread of its own, so a slow handler never makes the platform
wait or retry.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 5 * 60
SECRET_PREFIX = "whsec_"
REMEMBERED_IDS = 100_000  # webhook-ids kept for de-duplication (a real receiver keeps them in its database)


class Refused(Exception):
    """The delivery is not verifiably from the platform (answered 401, never handled)."""


def verify(secrets: Iterable[str], headers: Mapping[str, str], body: bytes, now: float) -> str:
    """The delivery's webhook-id when one of its signatures is of `body` under one of `secrets`, sent within
    TOLERANCE_SECONDS of `now` (seconds since the epoch); else Refused. `headers` names are lower-case."""
    webhook_id, timestamp = headers.get("webhook-id", ""), headers.get("webhook-timestamp", "")
    signatures = headers.get("webhook-signature", "").split()
    if not (webhook_id and timestamp.isdigit() and signatures):
        raise Refused("missing or malformed webhook headers")
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        raise Refused("timestamp too old or too new")
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    expected = [base64.b64encode(hmac.new(_key(secret), signed, hashlib.sha256).digest()) for secret in secrets]
    for signature in signatures:
        version, _, value = signature.partition(",")
        if version == "v1" and any(hmac.compare_digest(value.encode(), mine) for mine in expected):
            return webhook_id
    raise Refused("no matching signature")


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


class Receiver:
    """Verifies, de-duplicates and queues deliveries; `handle(event)` runs on a worker thread."""

    def __init__(self, secrets: list[str], handle: Callable[[dict], None], clock: Callable[[], float] = time.time):
        self.secrets, self.handle, self.clock = secrets, handle, clock
        self.seen: OrderedDict[str, None] = OrderedDict()
        self.pending: queue.Queue[dict] = queue.Queue()
        self._lock = threading.Lock()

    def receive(self, headers: Mapping[str, str], body: bytes) -> int:
        """The HTTP status to answer a delivery with: 401 refused, 400 not JSON, 200 taken (or taken before)."""
        try:
            webhook_id = verify(self.secrets, {name.lower(): value for name, value in headers.items()}, body,
                                self.clock())
            event = json.loads(body)
        except Refused:
            return 401
        except ValueError:
            return 400
        with self._lock:
            if webhook_id in self.seen:
                return 200
            self.seen[webhook_id] = None
            while len(self.seen) > REMEMBERED_IDS:
                self.seen.popitem(last=False)
        self.pending.put(event)
        return 200

    def work(self) -> None:
        """Handle queued events one by one, in the order they arrived (forever: run it on a daemon thread)."""
        while True:
            self.handle(self.pending.get())


def print_event(event: dict) -> None:
    """The example's handler: one line per event, with no more than the partner was sent."""
    print(json.dumps({"type": event.get("type"), "id": event.get("id"), "time": event.get("time"),
                      "data": event.get("data")}), flush=True)


def serve(receiver: Receiver, port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """An HTTP server answering every POST with `receiver`; call serve_forever() on it."""
    class Deliveries(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the name http.server calls)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))  # the raw bytes, as signed
            status = receiver.receive(dict(self.headers.items()), body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args) -> None:
            pass  # the handler prints what matters; no request lines with pseudonyms in paths

    return ThreadingHTTPServer((host, port), Deliveries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8600)
    parser.add_argument("--host", default="127.0.0.1")
    arguments = parser.parse_args()
    secrets = os.environ.get("PARTNER_WEBHOOK_SECRET", "").split()  # several while rotating: new and old
    if not secrets:
        parser.error("set PARTNER_WEBHOOK_SECRET to the subscription's secret (whsec_...)")
    receiver = Receiver(secrets, print_event)
    threading.Thread(target=receiver.work, name="handler", daemon=True).start()
    server = serve(receiver, arguments.port, arguments.host)
    print(f"receiving on http://{arguments.host}:{arguments.port}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
