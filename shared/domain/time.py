"""Instants and the clock, one way for every service (pure).

Every use case takes a ``Clock`` (or a ``now``) from its composition root; only
process entry points and app factories pass ``utc_now``, so tests inject fixed or
simulated instants and pass on any day.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(timezone.utc)


def instant(value: str | datetime) -> datetime:
    """An ISO-8601 instant (with offset) or a stored date as an aware datetime in UTC.

    A naive datetime is a date read back from the store without ``tz_aware`` (stored
    dates are UTC); a string without an offset is refused (ValueError), since it
    cannot be placed in time.
    """
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    else:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError(f"instant without offset: {value!r}")
    return moment.astimezone(timezone.utc)
