"""Reminder documents as the API reads and changes them (tenant first in every query)."""
from __future__ import annotations

from datetime import datetime

from itertools import combinations

from pymongo import ASCENDING, IndexModel, ReturnDocument

from services.reminders.store.documents import REMINDERS
from shared.store import indexes
from shared.store.indexes import Query

EARLIEST_DUE_FIRST = [("due_at", ASCENDING), ("_id", ASCENDING)]
LISTING_FILTERS = [("clinic_id", *optional) for n in range(3) for optional in combinations(("client_id", "status"), n)]
# A listing index per filter (the clinic, its client and status if given), then the listing's order.
INDEXES = indexes.declare(
    {REMINDERS: [IndexModel([(key, ASCENDING) for key in keys] + EARLIEST_DUE_FIRST) for keys in LISTING_FILTERS]},
    [query for keys in LISTING_FILTERS for due_range in ((), ("due_at",)) for query in (
        Query.of(REMINDERS, equal=keys, range=due_range, sort=EARLIEST_DUE_FIRST),   # a page
        Query.of(REMINDERS, equal=keys, range=due_range))])                           # its total


class ReminderStore:
    def __init__(self, db):
        self.reminders = db[REMINDERS]

    def page(self, clinic_id: str, page: int, page_size: int, client_id: str | None = None,
             status: str | None = None, due_before: datetime | None = None) -> dict:
        """A page of the clinic's reminders, earliest due first."""
        query = {"clinic_id": clinic_id, **({"client_id": client_id} if client_id else {}),
                 **({"status": status} if status else {}), **({"due_at": {"$lt": due_before}} if due_before else {})}
        cursor = self.reminders.find(query).sort(EARLIEST_DUE_FIRST)
        items = list(cursor.skip((page - 1) * page_size).limit(page_size))
        return {"items": items, "page": page, "page_size": page_size, "total": self.reminders.count_documents(query)}

    def get(self, clinic_id: str, reminder_id: str) -> dict | None:
        return self.reminders.find_one({"_id": reminder_id, "clinic_id": clinic_id})

    def change(self, doc: dict, values: dict, now: datetime) -> dict | None:
        """Set `values` if the reminder is still in the status it was read in; None if it moved on."""
        return self.reminders.find_one_and_update(
            {"_id": doc["_id"], "clinic_id": doc["clinic_id"], "status": doc["status"]},
            {"$set": {**values, "updated_at": now}}, return_document=ReturnDocument.AFTER)
