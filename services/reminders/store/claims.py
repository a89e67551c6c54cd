"""Claims: a reminder's attempt is made by the one dispatcher whose atomic update took it.

A claim is one ``find_one_and_update`` that turns a due ``pending`` reminder
(or a ``sending`` one whose lease has expired: its dispatcher died
mid-attempt) into ``sending`` under the caller's lease. A single-document
update is atomic, so when several dispatchers race for the same reminder
exactly one of them matches it; an acknowledgement, cancellation or snooze
written first makes the filter miss it. The outcome is written only while
the caller still holds the lease (``finish``). A reminder whose previous
outcome is not on Kafka yet is not due, so an outcome is never overwritten
before it is published.

Each query has an index whose leading key is an equality on ``status``
(``INDEXES``): an idle round reads nothing but due reminders.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from pymongo import ASCENDING, IndexModel, ReturnDocument

from services.reminders.store.documents import REMINDERS
from shared.store import indexes
from shared.store.indexes import Query

DUE = {"status": "pending", "outcome.published": {"$ne": False}}
INDEXES = indexes.declare(
    {REMINDERS: [IndexModel([("status", ASCENDING), ("send_at", ASCENDING), ("outcome.published", ASCENDING)]),
                 IndexModel([("status", ASCENDING), ("lease_expires_at", ASCENDING)])]},
    [Query.of(REMINDERS, equal=["status"], range=["outcome.published", "send_at"], sort=["send_at"]),
     Query.of(REMINDERS, equal=["status"], range=["lease_expires_at"], sort=["lease_expires_at"])])


def due_queries(now: datetime) -> tuple[tuple[dict, str], ...]:
    """(filter, the field to take the earliest of) of reminders due for an attempt at `now`."""
    return (({**DUE, "send_at": {"$lte": now}}, "send_at"),
            ({"status": "sending", "lease_expires_at": {"$lte": now}}, "lease_expires_at"))


def claim_next(reminders, owner: str, now: datetime, lease: timedelta) -> dict | None:
    """The earliest due reminder, now ``sending`` under the caller's lease; None when nothing is due."""
    taken = {"$set": {"status": "sending", "lease_owner": owner, "lease_expires_at": now + lease}}
    for due, earliest in due_queries(now):
        doc = reminders.find_one_and_update(due, taken, sort=[(earliest, ASCENDING)],
                                            return_document=ReturnDocument.AFTER)
        if doc is not None:
            return doc
    return None


def finish(reminders, doc: dict, owner: str, update: dict) -> bool:
    """Write the attempt's outcome if the caller still holds the lease; False if it lost it."""
    result = reminders.update_one({"_id": doc["_id"], "status": "sending", "lease_owner": owner,
                                   "lease_expires_at": doc["lease_expires_at"]}, update)
    return result.modified_count == 1
