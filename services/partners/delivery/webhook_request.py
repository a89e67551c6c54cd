"""One webhook request: the Standard Webhooks headers, and a POST pinned to the address the SSRF guard checked.

Headers (standardwebhooks.org): ``webhook-id`` (the partner event's id: the same
on every retry, redelivery and replay, so a partner deduplicates by it),
``webhook-timestamp`` (this attempt's time, Unix seconds) and
``webhook-signature``: ``v1,<base64 HMAC-SHA256 of "id.timestamp.body">`` under
every unexpired secret of the subscription, space-separated, so a partner still
verifying with the previous secret after a rotation keeps passing. The body is
the partner CloudEvent as JSON.

The connection goes to the checked address (never to what a second DNS lookup
answers), with the URL's host in the Host header and as the TLS server name, so
the certificate is verified for the partner's name. Redirects are not followed.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from math import floor

import urllib3
from standardwebhooks import Webhook

from shared.web.outbound import Target

USER_AGENT = "therapy-goals-partners/1"
CONTENT_TYPE = "application/cloudevents+json"


@dataclass(frozen=True)
class Attempt:
    """What one POST came to: the status (None: no answer), its latency, a short error (no personal data)."""
    status_code: int | None
    latency_ms: float
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def body(event: dict) -> bytes:
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()


def headers(webhook_id: str, payload: bytes, secrets: list[str], at: datetime) -> dict[str, str]:
    """The Standard Webhooks headers of `payload` sent at `at`, signed with each of `secrets`."""
    data = payload.decode()
    signatures = " ".join(Webhook(secret).sign(webhook_id, at, data) for secret in secrets)
    return {"webhook-id": webhook_id, "webhook-timestamp": str(floor(at.timestamp())),
            "webhook-signature": signatures, "Content-Type": CONTENT_TYPE, "User-Agent": USER_AGENT}


class Sender:
    """POSTs to checked targets over kept-alive connections, one pool per (scheme, address, port, name)."""

    def __init__(self, timeout_s: float, connections: int):
        self.timeout = urllib3.Timeout(connect=timeout_s, read=timeout_s)
        self.connections = connections
        self._pools: dict[tuple, urllib3.HTTPConnectionPool] = {}
        self._lock = threading.Lock()

    def post(self, target: Target, payload: bytes, request_headers: dict[str, str]) -> Attempt:
        """One attempt; never raises for the receiver's failures."""
        if target.address is None:
            return Attempt(None, 0.0, "unresolvable-host")
        started = time.monotonic()
        try:
            response = self._pool(target).urlopen(
                "POST", target.path, body=payload, headers={**request_headers, "Host": target.host_header},
                redirect=False, retries=False, timeout=self.timeout)
            return Attempt(response.status, _ms_since(started))
        except urllib3.exceptions.TimeoutError:
            return Attempt(None, _ms_since(started), "timeout")
        except urllib3.exceptions.SSLError:
            return Attempt(None, _ms_since(started), "tls-error")
        except urllib3.exceptions.HTTPError:
            return Attempt(None, _ms_since(started), "connection-error")

    def _pool(self, target: Target) -> urllib3.HTTPConnectionPool:
        key = (target.scheme, target.address, target.port, target.host)
        with self._lock:
            pool = self._pools.get(key)
            if pool is None:
                pool = self._pools[key] = self._new_pool(target)
            return pool

    def _new_pool(self, target: Target) -> urllib3.HTTPConnectionPool:
        if target.scheme == "https":
            return urllib3.HTTPSConnectionPool(target.address, target.port, maxsize=self.connections,
                                               cert_reqs="CERT_REQUIRED", server_hostname=target.host,
                                               assert_hostname=target.host)
        return urllib3.HTTPConnectionPool(target.address, target.port, maxsize=self.connections)

    def close(self) -> None:
        with self._lock:
            for pool in self._pools.values():
                pool.close()
            self._pools.clear()


def _ms_since(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)
