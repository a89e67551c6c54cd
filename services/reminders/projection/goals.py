"""Goal events into the goal's facts (``goal_facts``), each with a request to plan the goal again.

The facts keep what reminders are planned from (domain/plan.py): status,
milestones, reached milestones, the practice rule and the target date (where
practice ends). A goal-revised event matters only when it revises the target
date; its other fields (title, description, priority, measure, GAS levels)
change no reminder, so it then changes nothing here.
"""
from __future__ import annotations

from services.reminders.store.documents import GOAL_FACTS, PLANNING_REQUESTS, goal_key
from services.reminders.store.planning import Subject, request
from shared.contract.envelope import CloudEvent
from shared.domain.time import instant
from shared.store.projection import Change, InsertIfAbsent, Upsert


def _goal_facts(event: CloudEvent, update: dict) -> list[Change]:
    data = event.data
    identity = {"clinic_id": event.clinicid, "client_id": data["client_id"], "goal_id": data["goal_id"]}
    update = {**update, "$set": {**identity, **update.get("$set", {})}}
    goal = Subject("goal", event.clinicid, data["client_id"], data["goal_id"])
    return [Upsert(GOAL_FACTS, goal_key(event.clinicid, data["goal_id"]), update),
            InsertIfAbsent(PLANNING_REQUESTS, request(goal, event.id, instant(event.time)))]


def _milestone(milestone: dict, event: CloudEvent) -> dict:
    return {"milestone_id": milestone["milestone_id"], "due_date": milestone["due_date"], "source": event.id}


def goal_created(event: CloudEvent) -> list[Change]:
    data = event.data
    return _goal_facts(event, {"$set": {
        "lifecycle_status": data["lifecycle_status"], "practice_rrule": data.get("practice_rrule"),
        "target_date": data["target_date"], "created_at": instant(event.time), "source": event.id,
        "milestones": [_milestone(m, event) for m in data["milestones"]]}})


def milestone_added(event: CloudEvent) -> list[Change]:
    return _goal_facts(event, {"$push": {"milestones": _milestone(event.data, event)}})


def milestone_reached(event: CloudEvent) -> list[Change]:
    return _goal_facts(event, {"$addToSet": {"reached": event.data["milestone_id"]}})


def goal_status_changed(event: CloudEvent) -> list[Change]:
    return _goal_facts(event, {"$set": {"lifecycle_status": event.data["lifecycle_status"]}})


def goal_revised(event: CloudEvent) -> list[Change]:
    if "target_date" not in event.data["revised"]:
        return []
    return _goal_facts(event, {"$set": {"target_date": event.data["target_date"]}})
