"""The reminders projection ("reminders-projector"): goal and session events into facts.

Each handler returns one Upsert of the subject's facts document (the runtime,
shared.store.projection, adds the idempotency guard) and one InsertIfAbsent of a
planning request (id = the event id). Reminders are not written here: the
planner (service/planner.py, in the dispatcher process) plans a requested
subject from its facts once they are written. That keeps every rule
independent of how events were batched (a handler only sees the store as it
was before its batch), and a rebuild, which recreates only facts and
requests, can never send or resurrect a reminder (docs/reminders.md).

Documents: ``goal_facts`` (clinic:goal) with status, milestones, reached
milestone ids, the practice rule and the target date (projection/goals.py); ``client_facts``
(clinic:client) with the client's sessions: when, attended or not, next
session (projection/sessions.py).
"""
from __future__ import annotations

from services.reminders.indexes import DECLARED
from services.reminders.projection.goals import (goal_created, goal_revised, goal_status_changed, milestone_added,
                                                 milestone_reached)
from services.reminders.projection.sessions import session_logged
from services.reminders.store.documents import PROJECTION_COLLECTIONS
from shared.contract.types import (GOAL_CREATED, GOAL_REVISED, GOAL_STATUS_CHANGED, MILESTONE_ADDED, MILESTONE_REACHED,
                                   SESSION_LOGGED)
from shared.messaging.topics import GOALS_EVENTS
from shared.store.projection import Projection

NAME = "reminders-projector"

HANDLERS = {
    GOAL_CREATED: goal_created,
    MILESTONE_ADDED: milestone_added,
    MILESTONE_REACHED: milestone_reached,
    GOAL_STATUS_CHANGED: goal_status_changed,
    GOAL_REVISED: goal_revised,
    SESSION_LOGGED: session_logged,
}


def reminders_projection() -> Projection:
    return Projection(name=NAME, topics=(GOALS_EVENTS,), collections=PROJECTION_COLLECTIONS,
                      handlers=HANDLERS, indexes=DECLARED)
