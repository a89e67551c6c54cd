"""goal-created into the goal's category (`goal_categories`): what a category filter reads of other events."""
from __future__ import annotations

from shared.contract.envelope import CloudEvent
from shared.store.projection import Upsert

from services.partners.store.documents import GOAL_CATEGORIES


def goal_created(event: CloudEvent) -> list[Upsert]:
    return [Upsert(GOAL_CATEGORIES, event.data["goal_id"],
                   {"$set": {"clinic_id": event.clinicid, "category": event.data["category"]}})]
