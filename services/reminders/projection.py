"""The reminders projection ("reminders-projector"): goal and session events into facts.

Each handler returns one Upsert of the subject's facts document (the runtime,
shared.store.projection, adds the idempotency guard) and one InsertIfAbsent of a
planning request (id = the event id). Reminders are not written here: the
planner (services/reminders/planner.py, in the dispatcher process) plans a
requested subject from its facts once they are written. That keeps every
rule independent of how events were batched (a handler only sees the store
as it was before its batch), and a rebuild, which recreates only facts and
requests, can never send or resurrect a reminder (docs/reminders.md).

Documents: ``goal_facts`` (clinic:goal) with status, milestones, reached
milestone ids and the practice rule; ``client_facts`` (clinic:client) with
the client's sessions (when, attended or not, next session).
"""
from __future__ import annotations

from services.reminders.indexes import DECLARED
from services.reminders.store.documents import (CLIENT_FACTS, GOAL_FACTS, PLANNING_REQUESTS, PROJECTION_COLLECTIONS,
                                                client_key, goal_key, instant)
from services.reminders.store.planning import Subject, request
from shared.contract.envelope import CloudEvent
from shared.messaging.topics import GOALS_EVENTS
from shared.store.projection import Change, InsertIfAbsent, Projection, Upsert

NAME = "reminders-projector"


def _planning_request(event: CloudEvent, subject: Subject) -> InsertIfAbsent:
    return InsertIfAbsent(PLANNING_REQUESTS, request(subject, event.id, instant(event.time)))


def _goal_facts(event: CloudEvent, update: dict) -> list[Change]:
    data = event.data
    identity = {"clinic_id": event.clinicid, "client_id": data["client_id"], "goal_id": data["goal_id"]}
    update = {**update, "$set": {**identity, **update.get("$set", {})}}
    return [Upsert(GOAL_FACTS, goal_key(event.clinicid, data["goal_id"]), update),
            _planning_request(event, Subject("goal", event.clinicid, data["client_id"], data["goal_id"]))]


def _milestone(milestone: dict, event: CloudEvent) -> dict:
    return {"milestone_id": milestone["milestone_id"], "due_date": milestone["due_date"], "source": event.id}


def goal_created(event: CloudEvent, _ctx=None) -> list[Change]:
    data = event.data
    return _goal_facts(event, {"$set": {
        "lifecycle_status": data["lifecycle_status"], "practice_rrule": data.get("practice_rrule"),
        "created_at": instant(event.time), "source": event.id,
        "milestones": [_milestone(m, event) for m in data["milestones"]]}})


def milestone_added(event: CloudEvent, _ctx=None) -> list[Change]:
    return _goal_facts(event, {"$push": {"milestones": _milestone(event.data, event)}})


def milestone_reached(event: CloudEvent, _ctx=None) -> list[Change]:
    return _goal_facts(event, {"$addToSet": {"reached": event.data["milestone_id"]}})


def goal_status_changed(event: CloudEvent, _ctx=None) -> list[Change]:
    return _goal_facts(event, {"$set": {"lifecycle_status": event.data["lifecycle_status"]}})


def session_logged(event: CloudEvent, _ctx=None) -> list[Change]:
    data, client = event.data, event.data["client_id"]
    session = {"session_id": data["session_id"], "occurred_at": instant(data["occurred_at"]),
               "attended": data["attendance"] == "attended", "next_session_at": instant(data["next_session_at"]),
               "source": event.id}
    return [Upsert(CLIENT_FACTS, client_key(event.clinicid, client), {
        "$set": {"clinic_id": event.clinicid, "client_id": client}, "$push": {"sessions": session}}),
            _planning_request(event, Subject("client", event.clinicid, client, client))]


HANDLERS = {
    "goal-created": goal_created,
    "milestone-added": milestone_added,
    "milestone-reached": milestone_reached,
    "goal-status-changed": goal_status_changed,
    "session-logged": session_logged,
}


def reminders_projection() -> Projection:
    return Projection(name=NAME, topics=(GOALS_EVENTS,), collections=PROJECTION_COLLECTIONS,
                      handlers=HANDLERS, indexes=DECLARED)
