"""Subscription documents: the API's reads and changes (tenant first), the router's and channels' reads."""
from __future__ import annotations

from datetime import datetime

from pymongo import ASCENDING, IndexModel, ReturnDocument

from services.partners.domain.subscription import ACTIVE
from services.partners.store.documents import SUBSCRIPTIONS
from shared.store import indexes
from shared.store.indexes import Query

LISTING = [("clinic_id", ASCENDING), ("deleted_at", ASCENDING), ("created_at", ASCENDING), ("_id", ASCENDING)]
ROUTING = [("clinic_id", ASCENDING), ("status", ASCENDING), ("deleted_at", ASCENDING)]
WITH_KAFKA = [("status", ASCENDING), ("deleted_at", ASCENDING), ("kafka.topic", ASCENDING)]
INDEXES = indexes.declare(
    {SUBSCRIPTIONS: [IndexModel(LISTING), IndexModel(ROUTING), IndexModel(WITH_KAFKA)]},
    [Query.of(SUBSCRIPTIONS, equal=("clinic_id", "deleted_at"), sort=("created_at", "_id")),  # a page
     Query.of(SUBSCRIPTIONS, equal=("clinic_id", "deleted_at")),                             # its total
     Query.of(SUBSCRIPTIONS, equal=("clinic_id", "status", "deleted_at")),                   # the router's
     Query.of(SUBSCRIPTIONS, equal=("status", "deleted_at"), range=("kafka.topic",))])       # the Kafka channel's
LIVE = {"deleted_at": None}


class SubscriptionStore:
    def __init__(self, db):
        self.subscriptions = db[SUBSCRIPTIONS]

    def insert(self, doc: dict) -> None:
        self.subscriptions.insert_one(doc)

    def get(self, clinic_id: str, subscription_id: str) -> dict | None:
        """The clinic's subscription, unless deleted."""
        return self.subscriptions.find_one({"_id": subscription_id, "clinic_id": clinic_id, **LIVE})

    def live(self, subscription_id: str) -> dict | None:
        """The subscription, unless deleted, whatever its clinic (the operator's commands: kafka_access.py)."""
        return self.subscriptions.find_one({"_id": subscription_id, **LIVE})

    def page(self, clinic_id: str, page: int, page_size: int) -> dict:
        """A page of the clinic's subscriptions, oldest first."""
        query = {"clinic_id": clinic_id, **LIVE}
        cursor = self.subscriptions.find(query).sort(LISTING[2:])
        items = list(cursor.skip((page - 1) * page_size).limit(page_size))
        return {"items": items, "page": page, "page_size": page_size,
                "total": self.subscriptions.count_documents(query)}

    def change(self, doc: dict, values: dict, now: datetime) -> dict | None:
        """Set `values` if the subscription is still at the version read (next version); None if it moved on."""
        return self.subscriptions.find_one_and_update(
            {"_id": doc["_id"], "clinic_id": doc["clinic_id"], "version": doc["version"], **LIVE},
            {"$set": {**values, "updated_at": now}, "$inc": {"version": 1}}, return_document=ReturnDocument.AFTER)

    def active_in(self, clinic_ids: list[str]) -> list[dict]:
        """The active subscriptions of the clinics (the router's one read per batch)."""
        return list(self.subscriptions.find({"clinic_id": {"$in": clinic_ids}, "status": ACTIVE, **LIVE},
                                            {"secrets": 0}))

    def with_kafka(self) -> list[dict]:
        """The active subscriptions that have a Kafka topic."""
        return list(self.subscriptions.find({"status": ACTIVE, **LIVE, "kafka.topic": {"$type": "string"}},
                                            {"secrets": 0}))

    def reserve(self, subscription_id: str, count: int) -> int:
        """Take the next `count` feed seqs of the subscription; the last one taken."""
        doc = self.subscriptions.find_one_and_update({"_id": subscription_id}, {"$inc": {"seq": count}},
                                                     {"seq": 1}, return_document=ReturnDocument.AFTER)
        return doc["seq"]

    def advance(self, subscription_id: str, channel: str, seq: int) -> None:
        """Move the channel's cursor forward to `seq` (never back)."""
        self.subscriptions.update_one({"_id": subscription_id}, {"$max": {f"cursors.{channel}": seq}})
