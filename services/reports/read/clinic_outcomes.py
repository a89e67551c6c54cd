"""Clinic outcomes over a period: which clients count, and the shares reliably improved and recovered.

A client counts for a period when, among the measurements taken before the
period's end, the latest falls inside the period (the client was measured in the
period). Their first measurement may be older: change is judged from the first
measurement ever to the latest one before the period's end.
"""
from __future__ import annotations

from datetime import datetime

from services.reports.documents import month_of
from services.reports.domain.goals import counts_as_real
from services.reports.domain.outcome import client_outcome, entries_before, share
from services.reports.read.measures import clean_series


def period_outcomes(summaries: list[dict], start: datetime, end: datetime) -> list[dict]:
    """[{client_id, categories, <client_outcome flags>}] of the clients measured in [start, end)."""
    outcomes = []
    for summary in summaries:
        phq9 = entries_before(clean_series(summary.get("phq9", [])), end)
        gad7 = entries_before(clean_series(summary.get("gad7", [])), end)
        latest = max((series[-1]["at"] for series in (phq9, gad7) if series), default=None)
        if latest is None or datetime.fromisoformat(latest) < start:
            continue
        categories = {goal.get("category") for goal in summary.get("goals", {}).values()
                      if counts_as_real(goal.get("lifecycle_status"))}
        outcomes.append({"client_id": summary["client_id"], "categories": categories,
                         **client_outcome(phq9, gad7)})
    return outcomes


def outcome_totals(outcomes: list[dict]) -> dict:
    paired = [o for o in outcomes if o["has_paired_scores"]]
    improved = sum(1 for o in paired if o["reliable_improvement"])
    applicable = [o for o in paired if o["recovery"] is not None]
    recovered = sum(1 for o in applicable if o["recovery"])
    return {
        "clients_measured": len(outcomes),
        "clients_with_paired_scores": len(paired),
        "clients_reliably_improved": improved,
        "clients_reliably_deteriorated": sum(1 for o in paired if o["reliable_deterioration"]),
        "reliable_improvement_share": share(improved, len(paired)),
        "clients_at_caseness_first": len(applicable),
        "clients_recovered": recovered,
        "recovery_rate": share(recovered, len(applicable)),
    }


def in_month(goal: dict, field: str, months) -> bool:
    """Whether the goal's `field` (created_at, achieved_at) falls in one of the months."""
    return goal.get(field) is not None and month_of(goal[field]) in months


def category_lines(categories: tuple[str, ...], goals: list[dict], months: set[str], outcomes: list[dict]) -> list:
    """Per goal category: goals set and achieved in the period, and the outcomes of clients with such a goal."""
    lines = []
    for category in categories:
        mine = [goal for goal in goals if goal.get("category") == category]
        totals = outcome_totals([o for o in outcomes if category in o["categories"]])
        lines.append({"category": category,
                      "goals_set": sum(1 for goal in mine if in_month(goal, "created_at", months)),
                      "goals_achieved": sum(1 for goal in mine if in_month(goal, "achieved_at", months)),
                      **{name: totals[name] for name in ("clients_with_paired_scores", "clients_reliably_improved",
                                                         "reliable_improvement_share")}})
    return lines
