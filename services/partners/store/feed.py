"""Feed entries: the router appends them, every channel and the pull feed reads them in seq order."""
from __future__ import annotations

from pymongo import ASCENDING, IndexModel
from pymongo.errors import BulkWriteError

from services.partners.store.documents import FEED
from shared.store import indexes
from shared.store.indexes import Query

DUPLICATE_KEY = 11000
BY_SOURCE = [("subscription_id", ASCENDING), ("source_event_id", ASCENDING)]
BY_SEQ = [("subscription_id", ASCENDING), ("seq", ASCENDING)]
INDEXES = indexes.declare(
    {FEED: [IndexModel(BY_SOURCE, unique=True), IndexModel(BY_SEQ)]},
    [Query.of(FEED, equal=("subscription_id", "source_event_id")),
     Query.of(FEED, equal=("subscription_id",), range=("seq",), sort=("seq",))])


class FeedStore:
    def __init__(self, db):
        self.feed = db[FEED]

    def known(self, subscription_id: str, source_event_ids: list[str]) -> set[str]:
        """The events among `source_event_ids` that the subscription's feed holds already."""
        found = self.feed.find({"subscription_id": subscription_id, "source_event_id": {"$in": source_event_ids}},
                               {"source_event_id": 1, "_id": 0})
        return {entry["source_event_id"] for entry in found}

    def append(self, entries: list[dict]) -> None:
        """Insert the entries; one whose event is there already (another router's) is left out."""
        try:
            self.feed.insert_many(entries, ordered=False)
        except BulkWriteError as error:
            if any(failure["code"] != DUPLICATE_KEY for failure in error.details["writeErrors"]):
                raise

    def after(self, subscription_id: str, seq: int, limit: int) -> list[dict]:
        """The subscription's next `limit` entries after `seq`, in seq order."""
        return list(self.feed.find({"subscription_id": subscription_id, "seq": {"$gt": seq}})
                    .sort("seq", ASCENDING).limit(limit))
