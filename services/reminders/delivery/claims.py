"""Claims: a reminder's attempt is made by the one dispatcher that inserted its claim.

FerretDB applies find_one_and_update and conditional updates as read, then
write, so two dispatchers can both "win" them. A unique ``_id`` is atomic, so
a claim is an insert into ``delivery_claims`` keyed by the reminder and its
``claim_token`` — a fresh token is set by every write that makes a reminder
deliverable (planned, moved, revived, snoozed, retry scheduled) — plus the
lease's end when a lease that expired is taken over (a dispatcher died
mid-attempt). Two dispatchers that read the same state try the same key:
one insert wins. The winner then marks the reminder ``sending`` under its
lease; the outcome is written only while it still holds the lease. A reminder
whose previous outcome is not on Kafka yet waits, so an outcome is never
overwritten before it is published.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from services.reminders.store.documents import DELIVERY_CLAIMS, REMINDERS
from shared import indexes
from shared.indexes import Query

DUE = {"status": "pending", "outcome.published": {"$ne": False}}
CANDIDATES = 20
# Both branches of the candidates' $or read one status in send_at order (MongoDB merges them).
INDEXES = indexes.declare(
    {REMINDERS: [IndexModel([("status", ASCENDING), ("send_at", ASCENDING), ("outcome.published", ASCENDING),
                             ("lease_expires_at", ASCENDING)])],
     DELIVERY_CLAIMS: [IndexModel([("at", ASCENDING)])]},
    [Query.of(REMINDERS, equal=["status"], range=["outcome.published", "send_at"], sort=["send_at"]),
     Query.of(REMINDERS, equal=["status"], range=["lease_expires_at"], sort=["send_at"]),
     Query.of(DELIVERY_CLAIMS, range=["at"])])                                       # forget_before


def claim_key(doc: dict) -> str:
    if doc["status"] == "sending":
        return f"{doc['_id']}:{doc['claim_token']}:{doc['lease_expires_at'].isoformat()}"
    return f"{doc['_id']}:{doc['claim_token']}"


def claim_next(reminders, claims, owner: str, now: datetime, lease: timedelta) -> dict | None:
    """A due reminder, now ``sending`` under the caller's lease; None when nothing is due."""
    candidates = list(reminders.find({"$or": [{**DUE, "send_at": {"$lte": now}},
                                              {"status": "sending", "lease_expires_at": {"$lte": now}}]})
                      .sort("send_at", ASCENDING).limit(CANDIDATES))
    random.shuffle(candidates)  # replicas reading the same candidates mostly try different ones first
    for doc in candidates:
        if _claimed(claims, doc, owner, now) and _unchanged(reminders, doc):
            taken = {"status": "sending", "lease_owner": owner, "lease_expires_at": now + lease}
            reminders.update_one({"_id": doc["_id"]}, {"$set": taken})
            return {**doc, **taken}
    return None


def _claimed(claims, doc: dict, owner: str, now: datetime) -> bool:
    try:
        claims.insert_one({"_id": claim_key(doc), "reminder_id": doc["_id"], "owner": owner, "at": now})
        return True
    except DuplicateKeyError:
        return False


def _unchanged(reminders, doc: dict) -> bool:
    """Not acknowledged, cancelled or snoozed since it was read."""
    now = reminders.find_one({"_id": doc["_id"]}) or {}
    return all(now.get(field) == doc.get(field) for field in ("status", "claim_token", "lease_expires_at"))


def finish(reminders, doc: dict, owner: str, update: dict) -> bool:
    """Write the attempt's outcome if the caller still holds the lease; False if it lost it."""
    result = reminders.update_one({"_id": doc["_id"], "status": "sending", "lease_owner": owner}, update)
    return result.modified_count == 1


def forget_before(claims, moment: datetime) -> None:
    """Drop claims older than `moment` (no TTL indexes on FerretDB)."""
    claims.delete_many({"at": {"$lt": moment}})
