"""A subscription's filters applied to an internal event (pure).

``{"categories": [...]}`` keeps the events about goals of those categories (none
listed: every event). An event's goal is its ``goal_id`` (goal-created carries its
category; the others are looked up in the router's ``goal_categories``). A
session-logged event names several goals (its ratings): it passes when at least one
of them is of a listed category, and the partner then receives only the ratings of
those goals (data minimisation: the others are about goals it did not ask for). An
event about no goal (a session reminder, a session without ratings) or about a goal
whose category is unknown does not pass a category filter.
"""
from __future__ import annotations

from shared.contract import types as t
from shared.contract.envelope import CloudEvent


def goal_ids(event: CloudEvent) -> list[str]:
    """The goals the event is about."""
    if event.type == t.SESSION_LOGGED:
        return [rating["goal_id"] for rating in event.data["goals"]]
    goal_id = event.data.get("goal_id")
    return [goal_id] if goal_id else []


def filtered(event: CloudEvent, filters: dict, categories: dict[str, str]) -> CloudEvent | None:
    """The event as the filters let it through (a session narrowed to the matching goals), or None."""
    wanted = set(filters.get("categories") or ())
    if not wanted:
        return event
    if event.type == t.GOAL_CREATED:
        return event if event.data["category"] in wanted else None
    if event.type == t.SESSION_LOGGED:
        kept = [rating for rating in event.data["goals"] if categories.get(rating["goal_id"]) in wanted]
        return event.with_data({**event.data, "goals": kept}, event.schemaversion) if kept else None
    return event if any(categories.get(goal) in wanted for goal in goal_ids(event)) else None
