"""Pure rules: from facts and a client's Preferences to the reminders that should exist.

The rules don't know "now": they return every reminder a fact implies, and
the caller (projection/dispatcher) drops those already in the past. Every
returned ``due_at`` is an aware UTC datetime that quiet hours have already
moved; the id stays tied to the time before that move (see reminder.py).

Decisions:
* Session offsets are elapsed time ("24 h before" is 24 real hours, even
  across a DST change); milestone, follow-up and practice times are local
  wall-clock times (``local_send_time``) converted to UTC.
* A session reminder is never held to or past the session start: if quiet
  hours would do that, it is sent one minute before that quiet period
  begins instead (e.g. 21:59 the evening before a 06:30 session).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from .cancellations import (cancelled_by_goal_closed, cancelled_by_milestone_reached,
                            stops_goal_reminders, superseded_by_attended_session,
                            superseded_by_new_session)
from .errors import InvalidFact
from .localtime import hold_for_quiet_hours, local_date_at, quiet_period, utc_to_local
from .practice import practice_reminders
from .preferences import Preferences
from .reminder import Reminder, make_reminder, require_aware

# rules is the entry point: it re-exports the practice rule and the predicates.
__all__ = [
    "session_reminders", "milestone_reminders", "follow_up_reminder", "missed_in_a_row_reminder",
    "practice_reminders", "cancelled_by_milestone_reached", "cancelled_by_goal_closed",
    "superseded_by_new_session", "superseded_by_attended_session", "stops_goal_reminders",
]

BEFORE_QUIET = timedelta(minutes=1)
MISSED_FOLLOW_UP_DELAY = timedelta(hours=1)
MISSED_IN_A_ROW_THRESHOLD = 2


def _session_due(original: datetime, session_at: datetime, prefs: Preferences) -> datetime:
    held = hold_for_quiet_hours(original, prefs)
    if held < session_at:
        return held
    period = quiet_period(original, prefs)
    return period.start - BEFORE_QUIET if period else original


def session_reminders(session_id: str, client_id: str, next_session_at: datetime,
                      prefs: Preferences) -> tuple[Reminder, ...]:
    """One client reminder per offset before ``next_session_at``, earliest first."""
    start = require_aware(next_session_at, "next_session_at")
    reminders = []
    for offset in prefs.session_offsets:
        original = start - offset
        reminders.append(make_reminder("session", client_id, original,
                                       _session_due(original, start, prefs),
                                       session_id=session_id))
    return tuple(sorted(reminders, key=lambda r: (r.due_at, r.reminder_id)))


def _at_send_time(kind: str, client_id: str, day: date, prefs: Preferences, **subject) -> Reminder:
    original = local_date_at(day, prefs.local_send_time, prefs.zone)
    return make_reminder(kind, client_id, original, hold_for_quiet_hours(original, prefs), **subject)


def milestone_reminders(goal_id: str, client_id: str, milestone_id: str, due_date: date,
                        prefs: Preferences) -> tuple[Reminder, Reminder]:
    """(due-soon, overdue): ``milestone_due_soon_days`` before and the day after ``due_date``."""
    if not isinstance(due_date, date) or isinstance(due_date, datetime):
        raise InvalidFact("due_date", "a date")
    subject = {"goal_id": goal_id, "milestone_id": milestone_id}
    soon_day = due_date - timedelta(days=prefs.milestone_due_soon_days)
    due_soon = _at_send_time("milestone-due", client_id, soon_day, prefs, **subject)
    overdue = _at_send_time("milestone-overdue", client_id, due_date + timedelta(days=1),
                            prefs, **subject)
    return due_soon, overdue


def follow_up_reminder(client_id: str, last_attended_at: datetime, prefs: Preferences) -> Reminder:
    """Clinician prompt ``follow_up_days`` local days after the last attended session."""
    attended = require_aware(last_attended_at, "last_attended_at")
    day = utc_to_local(attended, prefs.zone).date() + timedelta(days=prefs.follow_up_days)
    return _at_send_time("follow-up", client_id, day, prefs, recipient="clinician")


def missed_in_a_row_reminder(client_id: str, session_id: str, occurred_at: datetime,
                             consecutive_missed: int, prefs: Preferences) -> Reminder | None:
    """Clinician prompt 1 h after a missed session that makes >= 2 in a row, else None."""
    if isinstance(consecutive_missed, bool) or not isinstance(consecutive_missed, int) \
            or consecutive_missed < 0:
        raise InvalidFact("consecutive_missed", "a non-negative integer")
    if consecutive_missed < MISSED_IN_A_ROW_THRESHOLD:
        return None
    original = require_aware(occurred_at, "occurred_at") + MISSED_FOLLOW_UP_DELAY
    return make_reminder("follow-up", client_id, original, hold_for_quiet_hours(original, prefs),
                         session_id=session_id, recipient="clinician")
