"""The reminders service's one reading of the wall clock.

Every use case, the planner, the dispatcher and the outbox take a ``Clock``
(or a ``now``) from their composition root; only the process entry points use
``utc_now``, so tests pass fixed or simulated instants.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(timezone.utc)
