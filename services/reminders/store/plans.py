"""Applying a plan to the reminders collection without undoing what was delivered.

For each planned reminder, against its document (if any):

* none yet: inserted ``pending`` — or ``expired`` when its time is already past
  the kind's grace period (a late consumer, a first deployment on old events, a
  rebuild); a reminder planned as cancelled is not recorded at all;
* ``pending``: cancelled with the plan's reason, or moved to its new due time
  (new quiet hours) unless it was snoozed or an attempt was made;
* ``cancelled`` and now deliverable again (a goal back from on-hold) while
  still in the future: pending again;
* ``sending``, ``sent``, ``acknowledged``, ``failed``, ``expired``: untouched —
  delivery history is a record, not derived data.

Pending reminders of the subject that the plan no longer holds are cancelled
(or expired, if their time is past). Every write is conditional on the status
it was decided on, so the writes are independent of each other, and the plans
of a whole planning batch go as one unordered bulk after two reads (the named
reminders by id, the subjects' pending ones by clinic and plan key). Documents are keyed by the clinic-scoped id
(documents.stored_reminder_id).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pymongo import ASCENDING, IndexModel, UpdateOne

from services.reminders.domain.delivery import too_late
from services.reminders.domain.plan import Plan, Planned
from services.reminders.store.documents import REMINDERS, stored_reminder_id
from shared.domain.time import instant
from shared.store import indexes
from shared.store.indexes import Query

READ_FIELDS = {"status": 1, "due_at": 1, "attempts": 1, "snoozed_until": 1, "kind": 1}
INDEXES = indexes.declare(  # the subjects' pending reminders (the named ones are read by _id)
    {REMINDERS: [IndexModel([("clinic_id", ASCENDING), ("plan_key", ASCENDING), ("status", ASCENDING)])]},
    [Query.of(REMINDERS, equal=["clinic_id", "plan_key", "status"])])


@dataclass(frozen=True)
class Scope:
    clinic_id: str
    plan_key: str


def apply_plans(collection, plans: list[tuple[Scope, Plan]], now: datetime) -> int:
    """Write the plans of many subjects with two reads and one bulk; return how many writes it took."""
    planned = {scope: {stored_reminder_id(scope.clinic_id, entry.reminder.reminder_id): entry
                       for entry in plan.planned} for scope, plan in plans}
    existing: dict[Scope, dict[str, dict]] = {scope: {} for scope, _ in plans}
    for doc in _existing(collection, planned):
        scope = Scope(doc["clinic_id"], doc["plan_key"])
        if scope in existing:
            existing[scope][doc["_id"]] = doc
    operations = []
    for scope, plan in plans:
        mine, theirs = planned[scope], existing[scope]
        operations += [op for rid, entry in mine.items() if (op := _planned(rid, entry, theirs.get(rid), scope, now))]
        operations += [_orphaned(doc, plan.orphan_reason, now) for rid, doc in theirs.items()
                       if rid not in mine and doc["status"] == "pending"]
    if operations:
        collection.bulk_write(operations, ordered=False)  # each write is conditional on its own document
    return len(operations)


def _existing(collection, planned: dict[Scope, dict[str, Planned]]):
    """The stored reminders the plans name, and the pending ones of their subjects (by clinic)."""
    fields = {**READ_FIELDS, "clinic_id": 1, "plan_key": 1}
    ids = [rid for reminders in planned.values() for rid in reminders]
    if ids:
        yield from collection.find({"_id": {"$in": ids}}, fields)
    keys_by_clinic: dict[str, list[str]] = {}
    for scope in planned:
        keys_by_clinic.setdefault(scope.clinic_id, []).append(scope.plan_key)
    for clinic_id, keys in keys_by_clinic.items():
        yield from collection.find({"clinic_id": clinic_id, "plan_key": {"$in": keys}, "status": "pending"}, fields)


def _planned(rid: str, entry: Planned, doc: dict | None, scope: Scope, now: datetime) -> UpdateOne | None:
    reminder = entry.reminder
    if doc is None:
        return None if not entry.deliverable else UpdateOne(
            {"_id": rid}, {"$setOnInsert": new_document(entry, scope, now)}, upsert=True)
    if doc["status"] == "pending" and not entry.deliverable:
        return _set(doc, {"status": "cancelled", "cancel_reason": entry.cancel_reason}, now)
    if doc["status"] == "pending" and _movable(doc) and instant(doc["due_at"]) != _stored(reminder.due_at):
        return _set(doc, {"due_at": reminder.due_at, "send_at": reminder.due_at},
                    now, attempts=0, snoozed_until=None)
    if doc["status"] == "cancelled" and entry.deliverable and reminder.due_at > now:
        return _set(doc, {"status": "pending", "cancel_reason": None, "due_at": reminder.due_at,
                          "send_at": reminder.due_at, "attempts": 0}, now)
    return None


def _stored(moment: datetime) -> datetime:
    """The instant as the store keeps it (milliseconds)."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _movable(doc: dict) -> bool:
    return not doc.get("attempts") and doc.get("snoozed_until") is None


def _orphaned(doc: dict, reason: str, now: datetime) -> UpdateOne:
    if too_late(doc["kind"], instant(doc["due_at"]), now):
        return _set(doc, {"status": "expired"}, now)
    return _set(doc, {"status": "cancelled", "cancel_reason": reason}, now)


def _set(doc: dict, values: dict, now: datetime, **unchanged) -> UpdateOne:
    """An update that only applies while the document is as it was read."""
    return UpdateOne({"_id": doc["_id"], "status": doc["status"], **unchanged},
                     {"$set": {**values, "updated_at": now}})


def new_document(entry: Planned, scope: Scope, now: datetime) -> dict:
    reminder = entry.reminder
    status = "expired" if too_late(reminder.kind, reminder.due_at, now) else "pending"
    return {"_id": stored_reminder_id(scope.clinic_id, reminder.reminder_id), "clinic_id": scope.clinic_id,
            "client_id": reminder.client_id, "plan_key": scope.plan_key, "kind": reminder.kind,
            "recipient": reminder.recipient, "goal_id": reminder.goal_id, "milestone_id": reminder.milestone_id,
            "session_id": reminder.session_id, "due_at": reminder.due_at, "original_due_at": reminder.original_due_at,
            "send_at": reminder.due_at, "status": status, "cancel_reason": None,
            "attempts": 0, "deliveries": 0, "history": [], "outcome": None, "snoozed_until": None,
            "acknowledged_at": None, "acknowledged_by": None, "lease_owner": None, "lease_expires_at": None,
            "created_by": entry.source, "created_at": now, "updated_at": now}
