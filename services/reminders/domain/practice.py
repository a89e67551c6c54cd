"""Recurring practice reminders from a goal's RFC 5545 RRULE.

The rule is expanded in the client's LOCAL wall-clock time (naive datetimes,
see practice_rrule.py for how it is anchored) and only then is each
occurrence converted to UTC. That is what keeps "9:00 every day" at 9:00
local across DST while its UTC hour shifts; expanding in UTC would drift
by an hour twice a year. Occurrences in a spring-forward gap fire at the
end of the gap; those in a fall-back fold fire once, at the first instant.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from .errors import InvalidFact
from .localtime import hold_for_quiet_hours, local_to_utc, utc_to_local
from .practice_rrule import local_occurrences, parse_practice_rrule, validate_practice_rrule
from .preferences import Preferences
from .reminder import Reminder, make_reminder, require_aware

__all__ = ["practice_reminders", "validate_practice_rrule"]


def practice_reminders(goal_id: str, client_id: str, rrule_text: str,
                       dtstart_local_date: date, prefs: Preferences,
                       window_start_utc: datetime, window_end_utc: datetime
                       ) -> tuple[Reminder, ...]:
    """Occurrences whose ORIGINAL time is in [window_start_utc, window_end_utc), quiet-held.

    The window filters on the occurrence time before quiet hours, so
    consecutive windows partition the occurrences exactly; a held reminder
    may therefore be due after ``window_end_utc``. Earliest first.
    """
    start = require_aware(window_start_utc, "window_start_utc")
    end = require_aware(window_end_utc, "window_end_utc")
    if end < start:
        raise InvalidFact("window_end_utc", "an instant not before window_start_utc")
    rule = parse_practice_rrule(rrule_text, dtstart_local_date, prefs)
    # Local upper bound padded by a day (UTC offsets differ by far less);
    # the exact filter runs on UTC instants.
    local_hi = utc_to_local(end, prefs.zone) + timedelta(days=1)
    reminders = {}
    for occurrence in local_occurrences(rule, local_hi):
        original = local_to_utc(occurrence, prefs.zone)
        if start <= original < end:
            reminder = make_reminder("practice", client_id, original,
                                     hold_for_quiet_hours(original, prefs), goal_id=goal_id)
            reminders[reminder.reminder_id] = reminder  # two gap times can share one instant
    return tuple(sorted(reminders.values(), key=lambda r: (r.due_at, r.reminder_id)))
