"""goal-created into the goal's category (`goal_categories`): what a category filter reads of other events."""
from __future__ import annotations

from shared.contract.envelope import CloudEvent
from shared.store.mongo import compound_id
from shared.store.projection import Upsert

from services.partners.store.documents import GOAL_CATEGORIES


def goal_created(event: CloudEvent) -> list[Upsert]:
    return [Upsert(GOAL_CATEGORIES, compound_id(event.clinicid, event.data["goal_id"]),
                   {"$set": {"clinic_id": event.clinicid, "goal_id": event.data["goal_id"],
                             "category": event.data["category"]}})]
