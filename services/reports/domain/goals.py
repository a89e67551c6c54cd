"""Goal facts the reports count: what "achieved" means, days to a milestone, status counts.

Source: FHIR Goal (R4/R5) ``achievementStatus`` and ``lifecycleStatus``. Decisions
for this product:

- a goal counts as achieved when its achievement status is ``achieved``, or
  ``sustaining`` (FHIR: met, and ongoing activity keeps it met), unless the goal
  was ``entered-in-error``;
- a goal ``entered-in-error`` was never a real goal: it is left out of goals set,
  goals achieved and the GAS T-score, though it still shows under its status.

Pure functions, standard library only.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime

ACHIEVED_STATUSES = frozenset({"achieved", "sustaining"})
ENTERED_IN_ERROR = "entered-in-error"
ACTIVE = "active"


def counts_as_real(lifecycle_status: str | None) -> bool:
    """False only for a goal recorded in error."""
    return lifecycle_status != ENTERED_IN_ERROR


def counts_as_achieved(lifecycle_status: str | None, achievement_status: str | None) -> bool:
    """Achieved or sustaining, and not entered in error."""
    return achievement_status in ACHIEVED_STATUSES and counts_as_real(lifecycle_status)


def days_to_reach(started: datetime | date | None, reached: datetime | date | None) -> int | None:
    """Whole calendar days (UTC dates) from when a milestone was set to when it was reached."""
    if started is None or reached is None:
        return None
    return (_day(reached) - _day(started)).days


def reached_on_time(due: date | None, reached: datetime | date | None) -> bool | None:
    """True when reached on or before its due date; None when either is unknown."""
    if due is None or reached is None:
        return None
    return _day(reached) <= due


def status_counts(statuses: Iterable[str | None]) -> dict[str, int]:
    """{status: how many}, in first-seen order, unknown (None) statuses left out."""
    return dict(Counter(status for status in statuses if status is not None))


def _day(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value
