"""Planning: every reminder a subject's facts imply, each deliverable or cancelled with a reason.

A plan is a pure function of facts, preferences and "now" (the practice
horizon only), so planning again, after a replay or on another replica, gives
the same reminders with the same ids. Two subjects are planned:

* a goal: milestone due-soon/overdue reminders (cancelled once the milestone is
  reached or while the goal's status stops reminders) and practice reminders
  over a rolling horizon (``PRACTICE_HORIZON``; ``replan_at`` says when to
  extend it) that ends with the goal's target date, if it has one: practice
  serves a time-bound goal until the day it is due (that day included, in the
  client's zone); a goal still worked on past that date has its target date
  revised (goal-revised), which plans its practice again up to the new date;
* a client: session reminders of the latest session by occurred_at (earlier
  sessions' ones are superseded), the inactivity follow-up of the latest
  attended session (earlier ones superseded) and a missed-in-a-row follow-up
  for every missed session that makes two or more in a row.

A pending reminder of the subject that the plan no longer contains (its time
moved with new preferences, or a fact made it moot) is cancelled with the
plan's ``orphan_reason``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from .errors import InvalidRRule
from .facts import ClientFacts, GoalFacts, SessionFact
from .localtime import local_date_at, utc_to_local
from .preferences import Preferences
from .reminder import Reminder
from .rules import (cancelled_by_goal_closed, cancelled_by_milestone_reached, follow_up_reminder,
                    milestone_reminders, missed_in_a_row_reminder, practice_reminders, session_reminders,
                    stops_goal_reminders, superseded_by_attended_session, superseded_by_new_session)

PRACTICE_HORIZON = timedelta(days=14)
PRACTICE_LOOKBACK = timedelta(days=2)   # past occurrences still planned (recorded as expired)
REPLAN_MARGIN = timedelta(days=1)       # extend the horizon this long before it runs out
REPLANNED = "replanned"


@dataclass(frozen=True)
class Planned:
    reminder: Reminder
    source: str | None = None          # id of the event whose fact implies the reminder
    cancel_reason: str | None = None   # None: the reminder should be delivered

    @property
    def deliverable(self) -> bool:
        return self.cancel_reason is None


@dataclass(frozen=True)
class Plan:
    planned: tuple[Planned, ...]
    orphan_reason: str = REPLANNED
    replan_at: datetime | None = None


def plan_goal(facts: GoalFacts, prefs: Preferences, now: datetime) -> Plan:
    """The goal's milestone and practice reminders."""
    stopped = stops_goal_reminders(facts.lifecycle_status)
    stop_reason = f"goal-{facts.lifecycle_status}" if stopped else None
    planned = _milestones(facts, prefs, stop_reason)
    if stopped or not facts.practice_rrule:
        return Plan(_deduplicated(planned), stop_reason or REPLANNED)
    horizon = now + PRACTICE_HORIZON
    end = min(horizon, _practice_end(facts, prefs) or horizon)
    planned += _practice(facts, prefs, max(facts.created_at, now - PRACTICE_LOOKBACK), end)
    return Plan(_deduplicated(planned), REPLANNED, end - REPLAN_MARGIN if end == horizon else None)


def _practice_end(facts: GoalFacts, prefs: Preferences) -> datetime | None:
    """The end of the goal's target date in the client's zone (its practice ends there); None without one."""
    if facts.target_date is None:
        return None
    return local_date_at(facts.target_date + timedelta(days=1), time(0, 0), prefs.zone)


def _milestones(facts: GoalFacts, prefs: Preferences, stop_reason: str | None) -> list[Planned]:
    planned = []
    for milestone in facts.milestones:
        if milestone.due_date is None:
            continue
        for reminder in milestone_reminders(facts.goal_id, facts.client_id, milestone.milestone_id,
                                            milestone.due_date, prefs):
            if milestone.reached and cancelled_by_milestone_reached(reminder, milestone.milestone_id):
                reason = "milestone-reached"
            elif stop_reason and cancelled_by_goal_closed(reminder, facts.goal_id):
                reason = stop_reason
            else:
                reason = None
            planned.append(Planned(reminder, milestone.source or facts.source, reason))
    return planned


def _practice(facts: GoalFacts, prefs: Preferences, start: datetime, end: datetime) -> list[Planned]:
    if start >= end:
        return []
    first_day = utc_to_local(facts.created_at, prefs.zone).date()
    try:
        reminders = practice_reminders(facts.goal_id, facts.client_id, facts.practice_rrule, first_day,
                                       prefs, start, end)
    except InvalidRRule:  # the goals service validates the rule; an old event may still carry a bad one
        return []
    return [Planned(reminder, facts.source) for reminder in reminders]


def plan_client(facts: ClientFacts, prefs: Preferences) -> Plan:
    """The client's session reminders and the clinician's follow-ups."""
    sessions = facts.in_order()
    if not sessions:
        return Plan(())
    planned = (_sessions(facts.client_id, sessions, prefs) + _inactivity(facts.client_id, sessions, prefs)
               + _missed_in_a_row(facts.client_id, sessions, prefs))
    return Plan(_deduplicated(planned))


def _sessions(client_id: str, sessions: list[SessionFact], prefs: Preferences) -> list[Planned]:
    latest = sessions[-1].session_id
    planned = []
    for session in sessions:
        if session.next_session_at is None:
            continue
        for reminder in session_reminders(session.session_id, client_id, session.next_session_at, prefs):
            superseded = superseded_by_new_session(reminder, client_id, latest)
            planned.append(Planned(reminder, session.source, "superseded-by-new-session" if superseded else None))
    return planned


def _inactivity(client_id: str, sessions: list[SessionFact], prefs: Preferences) -> list[Planned]:
    attended = [session for session in sessions if session.attended]
    planned = []
    for session in attended:
        reminder = follow_up_reminder(client_id, session.occurred_at, prefs)
        superseded = session is not attended[-1] and superseded_by_attended_session(reminder, client_id)
        planned.append(Planned(reminder, session.source, "superseded-by-attended-session" if superseded else None))
    return planned


def _missed_in_a_row(client_id: str, sessions: list[SessionFact], prefs: Preferences) -> list[Planned]:
    planned, missed = [], 0
    for session in sessions:
        missed = 0 if session.attended else missed + 1
        reminder = None if session.attended else missed_in_a_row_reminder(
            client_id, session.session_id, session.occurred_at, missed, prefs)
        if reminder is not None:
            planned.append(Planned(reminder, session.source))
    return planned


def _deduplicated(planned: list[Planned]) -> tuple[Planned, ...]:
    """One entry per id; a deliverable one wins (two facts may imply the same reminder)."""
    chosen: dict[str, Planned] = {}
    for entry in planned:
        current = chosen.get(entry.reminder.reminder_id)
        if current is None or (entry.deliverable and not current.deliverable):
            chosen[entry.reminder.reminder_id] = entry
    return tuple(sorted(chosen.values(), key=lambda p: (p.reminder.due_at, p.reminder.reminder_id)))
