"""The goal report from the goal's progress document: status, milestones reached of total, days to each, ratings.

The goal's facts are its latest revision (title, priority, target date, measure,
GAS levels). Its GAS view is the goal's current scale (``gas_levels``, what each
attainment -2..+2 means for this goal) and where the latest rating falls on it
(``latest_rating_level``). Decision: after a revision of the levels, the latest
rating is read on the revised scale, the one the clinician now rates against.

Pure functions, standard library only.
"""
from __future__ import annotations

from datetime import date, datetime

from services.reports.domain.goals import days_to_reach, reached_on_time


def is_goal(document: dict | None) -> bool:
    """A progress document of a goal that was created (a rating of an unknown goal id leaves a stub)."""
    return document is not None and "created_at" in document


def goal_view(document: dict) -> dict:
    milestones = sorted((_milestone(m) for m in document.get("milestones", {}).values()),
                        key=lambda m: (m["due_date"] or date.max, m["milestone_id"]))
    ratings = sorted(document.get("ratings", []), key=lambda r: r["at"])  # stable: same time keeps event order
    latest = ratings[-1] if ratings else {}
    levels = document.get("gas_levels")
    return {
        **{name: document.get(name) for name in ("goal_id", "client_id", "clinician_id", "title", "category",
                                                  "priority", "measure", "lifecycle_status", "achievement_status",
                                                  "created_at", "achieved_at")},
        "target_date": _date(document.get("target_date")),
        "milestones_total": len(milestones),
        "milestones_reached": sum(1 for m in milestones if m["reached_at"] is not None),
        "milestones": milestones,
        "latest_rating": latest.get("rating"),
        "latest_rating_at": latest.get("at"),
        "gas_levels": levels,
        "latest_rating_level": levels.get(str(latest["rating"])) if levels and latest else None,
        "ratings": [{"at": r["at"], "rating": r["rating"], "session_id": r["session_id"]} for r in ratings],
        "status_history": list(document.get("status_history", [])),
    }


def _milestone(stored: dict) -> dict:
    due, reached = _date(stored.get("due_date")), stored.get("reached_at")
    return {"milestone_id": stored["milestone_id"], "title": stored.get("title"), "due_date": due,
            "reached_at": reached, "days_to_reach": days_to_reach(stored.get("added_at"), reached),
            "reached_on_time": reached_on_time(due, reached)}


def _date(value: str | date | None) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    return date.fromisoformat(value)
