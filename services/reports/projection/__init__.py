"""The reports projection ("reports-projector"): goal and reminder events into report documents.

Documents (see docs/reports.md): ``goal_progress`` per goal and ``client_summary``
per client, written by the client's events; ``clinic_month`` and ``clinic_spans``
per clinic and month, aggregates that every client's events update with ``$inc``
(projection/aggregates.py). Handlers return changes only; the runtime
(shared.store.projection) adds the idempotency guard, and the store applies each update
atomically, so any number of workers may share the consumer group.
"""
from __future__ import annotations

from services.reports.indexes import DECLARED
from services.reports.projection.aggregates import read_logs
from services.reports.projection.goals import (goal_created, goal_revised, goal_status_changed, milestone_added,
                                               milestone_reached)
from services.reports.projection.reminders import reminder_failed, reminder_sent
from services.reports.projection.sessions import session_logged
from services.reports.store.documents import COLLECTIONS
from shared.contract import types as t
from shared.messaging.topics import GOALS_EVENTS, REMINDERS_EVENTS
from shared.store.projection import Projection

NAME = "reports-projector"

HANDLERS = {
    t.GOAL_CREATED: goal_created,
    t.GOAL_REVISED: goal_revised,
    t.MILESTONE_ADDED: milestone_added,
    t.MILESTONE_REACHED: milestone_reached,
    t.GOAL_STATUS_CHANGED: goal_status_changed,
    t.SESSION_LOGGED: session_logged,
    t.REMINDER_SENT: reminder_sent,
    t.REMINDER_FAILED: reminder_failed,
}


def reports_projection() -> Projection:
    return Projection(name=NAME, topics=(GOALS_EVENTS, REMINDERS_EVENTS), collections=COLLECTIONS,
                      handlers=HANDLERS, indexes=DECLARED, prepare=read_logs)
