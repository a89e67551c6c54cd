"""A rate limit per token: a token bucket per (clinic, subject), beyond which 429 with Retry-After.

A subject may send HTTP_RATE_LIMIT requests a second on average (default 100) in bursts of up
to HTTP_RATE_BURST (default 200); HTTP_RATE_LIMIT=0 turns the limit off. The buckets live in
each API worker process (gunicorn runs WEB_CONCURRENCY of them), so a client whose requests
spread over N workers may reach up to N times the rate: the limit protects each process, it is
not a quota. Only authenticated requests count (shared/web/auth.py `requires`); /healthz,
/readyz, /metrics, /openapi.json and /docs are never limited.
"""
from __future__ import annotations

import math
import threading
import time
from typing import Callable, Hashable

from flask import current_app
from webargs.flaskparser import abort  # what flask_smorest.abort is, with its types

EXTENSION = "rate_limit"
LARGEST_TRACKED = 10_000  # buckets kept per process before the full ones are forgotten


class TokenBuckets:
    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic):
        self.rate, self.burst, self.clock = rate, max(burst, 1), clock
        self._buckets: dict[Hashable, tuple[float, float]] = {}  # key -> (tokens, when counted)
        self._lock = threading.Lock()

    def take(self, key: Hashable) -> float:
        """Take a token from `key`'s bucket: 0 when there was one, else the seconds until there is."""
        with self._lock:
            now = self.clock()
            tokens, counted = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - counted) * self.rate)
            if tokens >= 1:
                self._remember(key, tokens - 1, now)
                return 0.0
            self._remember(key, tokens, now)
            return (1 - tokens) / self.rate

    def _remember(self, key: Hashable, tokens: float, now: float) -> None:
        if key not in self._buckets and len(self._buckets) >= LARGEST_TRACKED:
            refill = self.burst / self.rate
            self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < refill}
        self._buckets[key] = (tokens, now)


def limit_rate(clinic_id: str, subject: str) -> None:
    """Abort with 429 and Retry-After (whole seconds) when the subject is over its rate."""
    buckets: TokenBuckets | None = current_app.extensions.get(EXTENSION)
    wait = buckets.take((clinic_id, subject)) if buckets else 0.0
    if wait:
        abort(429, message="Too many requests for this token; retry later", error_code="rate-limited",
              headers={"Retry-After": str(math.ceil(wait))})
