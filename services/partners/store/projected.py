"""The router's reads of its projections: the clients' consent records, the goals' categories (by `_id`)."""
from __future__ import annotations

from services.partners.store.documents import CONSENTS, GOAL_CATEGORIES


class ProjectedStore:
    def __init__(self, db):
        self.consents, self.goal_categories = db[CONSENTS], db[GOAL_CATEGORIES]

    def consents_of(self, client_ids: set[str]) -> dict[str, dict]:
        """{client id: consent record} of the clients that have one."""
        if not client_ids:
            return {}
        return {doc["_id"]: doc for doc in self.consents.find({"_id": {"$in": sorted(client_ids)}})}

    def categories_of(self, goal_ids: set[str]) -> dict[str, str]:
        """{goal id: category} of the goals whose goal-created the router has seen."""
        if not goal_ids:
            return {}
        return {doc["_id"]: doc["category"]
                for doc in self.goal_categories.find({"_id": {"$in": sorted(goal_ids)}}, {"category": 1})}
