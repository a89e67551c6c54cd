"""The reports projection ("reports-projector"): goal and reminder events into report documents.

Documents (see docs/reports.md): ``goal_progress`` per goal and ``client_summary``
per client, written by the client's events; ``clinic_month`` and ``clinic_spans``
per clinic and month, aggregates that every client's events update with ``$inc``
(projection/aggregates.py). Handlers return changes only; the runtime
(shared.projection) adds the idempotency guard, and the store applies each update
atomically, so any number of workers may share the consumer group.
"""
from __future__ import annotations

from pymongo import ASCENDING

from shared.events.topics import GOALS_EVENTS, REMINDERS_EVENTS
from shared.projection import Context, Projection
from services.reports.documents import CLIENT_SUMMARY, COLLECTIONS
from services.reports.projection.aggregates import read_logs
from services.reports.projection.goals import goal_created, goal_status_changed, milestone_added, milestone_reached
from services.reports.projection.reminders import reminder_failed, reminder_sent
from services.reports.projection.sessions import session_logged

NAME = "reports-projector"

HANDLERS = {
    "goal-created": goal_created,
    "milestone-added": milestone_added,
    "milestone-reached": milestone_reached,
    "goal-status-changed": goal_status_changed,
    "session-logged": session_logged,
    "reminder-sent": reminder_sent,
    "reminder-failed": reminder_failed,
}


CASELOAD_INDEX = [("clinic_id", ASCENDING), ("clinician_ids", ASCENDING)]


def create_indexes(ctx: Context) -> None:
    """The one secondary index: the caseload read ``{clinic_id, clinician_ids}``.

    Every other read is by ``_id``: a goal or a client summary, the goals of a
    client (``$in``), a clinic's months (``$in``), and the projector's own reads
    (a client's log, the documents a batch touches).
    """
    ctx.collection(CLIENT_SUMMARY).create_index(CASELOAD_INDEX)


def reports_projection() -> Projection:
    return Projection(name=NAME, topics=(GOALS_EVENTS, REMINDERS_EVENTS), collections=COLLECTIONS,
                      handlers=HANDLERS, setup=create_indexes, prepare=read_logs)
