"""When a failed webhook delivery is tried again, and when it is parked (pure).

Exponential backoff with full jitter (the next attempt is a uniformly random
instant between now and base·2^(n-1), at most `cap`, after the n-th failed
attempt), so that partners coming back from an outage are not hit by every
retry at once; retried until `window` after the first attempt (the last retry
falls at the window's end), then parked.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

Jitter = Callable[[float, float], float]  # random.uniform's signature: tests pass a fixed one


@dataclass(frozen=True)
class RetryPolicy:
    base: timedelta
    cap: timedelta
    window: timedelta

    def next_attempt(self, first_attempt_at: datetime, failed_at: datetime, attempts: int,
                     jitter: Jitter = random.uniform) -> datetime | None:
        """The instant of the next attempt after `attempts` failed ones, or None: park the delivery."""
        deadline = first_attempt_at + self.window
        if failed_at >= deadline:
            return None
        ceiling = min(self.base * 2 ** max(attempts - 1, 0), self.cap)
        delay = timedelta(seconds=jitter(0, ceiling.total_seconds()))
        return min(failed_at + delay, deadline)
