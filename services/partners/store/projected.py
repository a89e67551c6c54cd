"""The router's reads of its projections: the clients' consent records, the goals' categories.

Both are kept per clinic (`_id` = clinic id and client or goal id, shared.store.mongo.compound_id)
and read by `_id`."""
from __future__ import annotations

from services.partners.store.documents import CONSENTS, GOAL_CATEGORIES
from shared.store.mongo import compound_id


class ProjectedStore:
    def __init__(self, db):
        self.consents, self.goal_categories = db[CONSENTS], db[GOAL_CATEGORIES]

    def consents_of(self, clinic_id: str, client_ids: set[str]) -> dict[str, dict]:
        """{client id: consent record} of the clinic's clients that have one."""
        if not client_ids:
            return {}
        ids = sorted(compound_id(clinic_id, client_id) for client_id in client_ids)
        return {doc["client_id"]: doc for doc in self.consents.find({"_id": {"$in": ids}})}

    def categories_of(self, clinic_id: str, goal_ids: set[str]) -> dict[str, str]:
        """{goal id: category} of the clinic's goals whose goal-created the router has seen."""
        if not goal_ids:
            return {}
        ids = sorted(compound_id(clinic_id, goal_id) for goal_id in goal_ids)
        return {doc["goal_id"]: doc["category"] for doc in self.goal_categories.find({"_id": {"$in": ids}})}
