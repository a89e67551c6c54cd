"""Delivery policy: statuses, how late is too late, retries and snoozes (pure).

Statuses: ``pending`` (planned, waiting for its time or its next attempt),
``sending`` (claimed by one dispatcher under a lease), ``sent``,
``acknowledged``, ``cancelled`` (a fact made it moot), ``failed`` (retries
exhausted or refused by the receiver) and ``expired`` (its time had passed
beyond the kind's grace period before anything was attempted: never sent).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .localtime import hold_for_quiet_hours
from .preferences import Preferences

CHANNELS = ("webhook",)
STATUSES = ("pending", "sending", "sent", "acknowledged", "cancelled", "failed", "expired")
SNOOZABLE = frozenset({"pending", "sent"})
ACKNOWLEDGEABLE = frozenset({"pending", "sent"})
GRACE = {"session": timedelta(minutes=30), "practice": timedelta(hours=1)}
DEFAULT_GRACE = timedelta(hours=12)  # milestone and follow-up prompts are still useful later that day
SNOOZE_MINUTES = (5, 1440)
MAX_SNOOZE = timedelta(days=365)


@dataclass(frozen=True)
class Attempt:
    """What one delivery attempt came to."""
    delivered: bool
    result: str                  # delivered, http-<status>, timeout, connection-error, no-webhook-url...
    status_code: int | None = None
    retryable: bool = False


NO_WEBHOOK = Attempt(False, "no-webhook-url")


def grace(kind: str) -> timedelta:
    """How long after its due time a reminder may still be sent for the first time."""
    return GRACE.get(kind, DEFAULT_GRACE)


def too_late(kind: str, due_at: datetime, now: datetime) -> bool:
    """True when a reminder never attempted is past its grace period: it expires instead."""
    return now > due_at + grace(kind)


def retry_delay(attempts: int, base: timedelta, cap: timedelta) -> timedelta:
    """Exponential backoff after the n-th failed attempt: base, 2·base, 4·base... at most cap."""
    return min(base * 2 ** max(attempts - 1, 0), cap)


def is_retryable(status_code: int | None) -> bool:
    """Network errors, timeouts, 5xx, 408 and 429 may pass later; other 4xx will not."""
    return status_code is None or status_code >= 500 or status_code in (408, 429)


def snoozed_until(now: datetime, prefs: Preferences, minutes: int | None = None,
                  until: datetime | None = None) -> datetime:
    """The new due time of a snoozed reminder (held by quiet hours like any other)."""
    wanted = until if until is not None else now + timedelta(minutes=minutes or SNOOZE_MINUTES[0])
    return hold_for_quiet_hours(wanted, prefs)
