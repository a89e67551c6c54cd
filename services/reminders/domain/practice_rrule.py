"""A goal's practice RRULE in the reminders domain.

The parsing and validation live in :mod:`shared.domain.recurrence` (the goals
service validates ``practice_rrule`` with the same code); this module anchors
a rule on a client's Preferences (zone, ``local_send_time``) and turns its
errors into the domain's ``InvalidRRule``. See shared/domain/recurrence.py for what
is accepted and how DTSTART, COUNT and UNTIL are handled.
"""

from __future__ import annotations

from datetime import date, datetime

from shared.domain import recurrence
from shared.domain.recurrence import Recurrence as PracticeRule
from shared.domain.recurrence import local_occurrences

from .errors import InvalidFact, InvalidRRule
from .preferences import Preferences

__all__ = ["PracticeRule", "local_occurrences", "parse_practice_rrule", "validate_practice_rrule"]


def parse_practice_rrule(rrule_text: object, dtstart_local_date: date,
                         prefs: Preferences) -> PracticeRule:
    """Validate ``rrule_text`` and anchor it on ``dtstart_local_date``; raises InvalidRRule."""
    if not isinstance(dtstart_local_date, date) or isinstance(dtstart_local_date, datetime):
        raise InvalidFact("dtstart_local_date", "a date")
    try:
        return recurrence.parse_rrule(rrule_text, dtstart_local_date, prefs.zone, prefs.local_send_time)
    except recurrence.InvalidRecurrence as error:
        raise InvalidRRule(detail=error.detail) from None


def validate_practice_rrule(rrule_text: object, prefs: Preferences | None = None) -> None:
    """Raise InvalidRRule unless ``rrule_text`` is acceptable (for API input checks)."""
    parse_practice_rrule(rrule_text, date(2000, 1, 1), prefs or Preferences())
