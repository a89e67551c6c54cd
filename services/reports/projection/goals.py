"""Handlers of the goal events: goal-created, goal-revised, milestone-added, milestone-reached, goal-status-changed.

Every handler returns at most one change per document, each an ``Upsert`` of one
document by its clinic-scoped id. The client's summary keeps a short entry per
goal (category, clinician, statuses) for the client and clinician reports, and logs
goal-created and goal-status-changed for the clinic aggregates; those are the only
reads of the store (projection/aggregates.py, through store/reads.py; it also sees
the batch's unwritten entries, as the runtime writes a batch after calling all its
handlers).

A goal-revised sets the revised fields the reports show (REPORTED_FACTS) on the
goal's progress document. The subject guard applies a goal's events in sequence
order, so a revision redelivered or replayed after a later one changes nothing.
Decision: the description is not projected. It is free text the progress figures
do not need, so it stays out of the report documents and their CSV exports (the
goals API shows it); a revision of the description alone changes no document.
"""
from __future__ import annotations

from services.reports.domain.goals import counts_as_achieved
from services.reports.projection.aggregates import log_entry, logged_changes
from services.reports.store.documents import GOAL_PROGRESS, goal_progress_id, map_key
from shared.contract.envelope import CloudEvent
from shared.domain.time import instant
from shared.store.projection import Context, Upsert

REPORTED_FACTS = ("title", "priority", "target_date", "measure", "gas_levels")  # of a goal, revisable


def goal_created(event: CloudEvent, ctx: Context) -> list:
    goal, created_at = event.data, instant(event.time)
    entry = f"goals.{map_key(goal['goal_id'])}"
    progress = {"$set": {**_goal_facts(event), **_milestones(goal["milestones"], created_at)}}
    summary = {"$set": {**_goal_entry(entry, goal), f"{entry}.category": goal["category"],
                        f"{entry}.clinician_id": goal["clinician_id"]},
               "$addToSet": {"clinician_ids": goal["clinician_id"]}}
    logged = log_entry(event, "goal", created_at, goal=goal["goal_id"], category=goal["category"],
                       **_log_statuses(goal))
    return [_update_goal(event, {**progress, **_first_achievement(goal, created_at)}),
            *logged_changes(event, ctx, summary, logged)]


def goal_revised(event: CloudEvent) -> list:
    revised = {name: event.data[name] for name in event.data["revised"] if name in REPORTED_FACTS}
    return [_update_goal(event, {"$set": revised})] if revised else []


def milestone_added(event: CloudEvent) -> list:
    return [_update_goal(event, {"$set": _milestones([event.data], instant(event.time))})]


def milestone_reached(event: CloudEvent) -> list:
    milestone = f"milestones.{map_key(event.data['milestone_id'])}"
    return [_update_goal(event, {"$set": {f"{milestone}.milestone_id": event.data["milestone_id"],
                                          f"{milestone}.reached_at": instant(event.data["reached_at"])}})]


def goal_status_changed(event: CloudEvent, ctx: Context) -> list:
    change, at = event.data, instant(event.time)
    entry = f"goals.{map_key(change['goal_id'])}"
    history = {"at": at, "lifecycle_status": change["lifecycle_status"],
               "achievement_status": change["achievement_status"], "reason": change["reason"]}
    progress = {"$set": {**_statuses("", change), "status_changed_at": at}, "$push": {"status_history": history}}
    summary = {"$set": _goal_entry(entry, change)}
    logged = log_entry(event, "status", at, goal=change["goal_id"], **_log_statuses(change))
    return [_update_goal(event, {**progress, **_first_achievement(change, at)}),
            *logged_changes(event, ctx, summary, logged)]


def _update_goal(event: CloudEvent, update: dict) -> Upsert:
    return Upsert(GOAL_PROGRESS, goal_progress_id(event.clinicid, event.data["goal_id"]), update)


def _log_statuses(data: dict) -> dict:
    return {"lifecycle": data["lifecycle_status"], "achievement": data["achievement_status"]}


def _goal_facts(event: CloudEvent) -> dict:
    goal = event.data
    return {"goal_id": goal["goal_id"], "clinic_id": event.clinicid, "client_id": goal["client_id"],
            "clinician_id": goal["clinician_id"], "category": goal["category"], "created_at": instant(event.time),
            **{name: goal[name] for name in REPORTED_FACTS}, **_statuses("", goal)}


def _milestones(milestones: list[dict], added_at) -> dict:
    fields = {}
    for milestone in milestones:
        prefix = f"milestones.{map_key(milestone['milestone_id'])}"
        fields.update({f"{prefix}.milestone_id": milestone["milestone_id"], f"{prefix}.title": milestone["title"],
                       f"{prefix}.due_date": milestone["due_date"], f"{prefix}.added_at": added_at})
    return fields


def _statuses(prefix: str, data: dict) -> dict:
    return {f"{prefix}lifecycle_status": data["lifecycle_status"],
            f"{prefix}achievement_status": data["achievement_status"]}


def _goal_entry(prefix: str, data: dict) -> dict:
    return {f"{prefix}.goal_id": data["goal_id"], **_statuses(f"{prefix}.", data)}


def _first_achievement(data: dict, at) -> dict:
    """The first time a goal counts as achieved (`$min`, so a later re-achievement keeps the first)."""
    if counts_as_achieved(data["lifecycle_status"], data["achievement_status"]):
        return {"$min": {"achieved_at": at}}
    return {}
