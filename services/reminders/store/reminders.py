"""Reminder documents as the API reads and changes them (tenant first in every query)."""
from __future__ import annotations

from datetime import datetime

from pymongo import ASCENDING, ReturnDocument

from services.reminders.store.documents import REMINDERS


class ReminderStore:
    def __init__(self, db):
        self.reminders = db[REMINDERS]

    def ensure_indexes(self) -> None:
        """Claims, leases, listings, plans and the outbox."""
        for keys in (("status", "send_at"), ("status", "lease_expires_at"), ("clinic_id", "plan_key", "status"),
                     ("clinic_id", "due_at"), ("clinic_id", "client_id", "due_at"),
                     ("outcome.published", "outcome.attempted_at")):
            self.reminders.create_index([(key, ASCENDING) for key in keys])

    def page(self, clinic_id: str, page: int, page_size: int, client_id: str | None = None,
             status: str | None = None, due_before: datetime | None = None) -> dict:
        """A page of the clinic's reminders, earliest due first."""
        query = {"clinic_id": clinic_id, **({"client_id": client_id} if client_id else {}),
                 **({"status": status} if status else {}), **({"due_at": {"$lt": due_before}} if due_before else {})}
        cursor = self.reminders.find(query).sort([("due_at", ASCENDING), ("_id", ASCENDING)])
        items = list(cursor.skip((page - 1) * page_size).limit(page_size))
        return {"items": items, "page": page, "page_size": page_size, "total": self.reminders.count_documents(query)}

    def get(self, clinic_id: str, reminder_id: str) -> dict | None:
        return self.reminders.find_one({"_id": reminder_id, "clinic_id": clinic_id})

    def change(self, doc: dict, values: dict, now: datetime) -> dict | None:
        """Set `values` if the reminder is still in the status it was read in; None if it moved on."""
        return self.reminders.find_one_and_update(
            {"_id": doc["_id"], "clinic_id": doc["clinic_id"], "status": doc["status"]},
            {"$set": {**values, "updated_at": now}}, return_document=ReturnDocument.AFTER)
