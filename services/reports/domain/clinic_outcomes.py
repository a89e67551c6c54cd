"""Clinic figures over a period from the span aggregates: clients seen, measured, reliably improved, recovered.

A client counts for a period when, among the measurements taken before the
period's end, the latest falls inside the period (the client was measured in the
period). Their first measurement may be older: change is judged from the first
measurement ever to the latest one before the period's end. The projector keeps,
per month, the spans that start there (domain/contributions.py): a period counts
the spans starting in one of its months and ending after its last month.
"""
from __future__ import annotations

from collections import Counter

from services.reports.domain.contributions import OPEN
from services.reports.domain.outcome import share


def spans_after(span_documents: list[dict], field: str, last: str) -> list[dict]:
    """The counts of `field` (``seen``, ``outcomes``) of the spans that end after month `last` (or are open)."""
    return [counts for document in span_documents for until, counts in document.get(field, {}).items()
            if until == OPEN or until > last]


def clients_seen(span_documents: list[dict], last: str) -> int:
    """Clients with a session in the period (the spans start in it)."""
    return sum(spans_after(span_documents, "seen", last))


def outcome_counts(span_documents: list[dict], last: str) -> dict[str, Counter]:
    """{scope (``all`` or a goal category): Counter of outcome flags} of the clients measured in the period."""
    counts: dict[str, Counter] = {}
    for by_scope in spans_after(span_documents, "outcomes", last):
        for scope, flags in by_scope.items():
            counts.setdefault(scope, Counter()).update(flags)
    return counts


def outcome_totals(flags: Counter) -> dict:
    """The period's outcome figures from the counts of its clients' flags."""
    return {
        "clients_measured": flags["measured"],
        "clients_with_paired_scores": flags["paired"],
        "clients_reliably_improved": flags["improved"],
        "clients_reliably_deteriorated": flags["deteriorated"],
        "reliable_improvement_share": share(flags["improved"], flags["paired"]),
        "clients_at_caseness_first": flags["caseness_first"],
        "clients_recovered": flags["recovered"],
        "recovery_rate": share(flags["recovered"], flags["caseness_first"]),
    }


def category_lines(categories: tuple[str, ...], month_documents: list[dict], outcomes: dict[str, Counter]) -> list:
    """Per goal category: goals set and achieved in the period, and the outcomes of clients with such a goal."""
    lines = []
    for category in categories:
        goals = Counter()
        for document in month_documents:
            goals.update(document.get("categories", {}).get(category, {}))
        flags = outcomes.get(category, Counter())
        lines.append({"category": category, "goals_set": goals["goals_set"], "goals_achieved": goals["goals_achieved"],
                      "clients_with_paired_scores": flags["paired"], "clients_reliably_improved": flags["improved"],
                      "reliable_improvement_share": share(flags["improved"], flags["paired"])})
    return lines
