"""The clinic report for a range of months: goals set and achieved, attendance, clients reliably improved.

Computed from the clinic's aggregates (docs/reports.md, "Clinic aggregates"): one
``clinic_month`` and one ``clinic_spans`` document per month of the range, so the
cost follows the number of months (at most 60), not of clients.

Pure functions, standard library only.
"""
from __future__ import annotations

from collections import Counter

from services.reports.domain.attendance import attendance_rate
from services.reports.domain.clinic_outcomes import category_lines, clients_seen, outcome_counts, outcome_totals
from services.reports.domain.contributions import ALL
from services.reports.domain.outcome import rounded
from shared.contract.vocabulary import CATEGORIES

MONTH_FIELDS = ("goals_set", "goals_achieved", "sessions_attended", "sessions_missed", "clients_seen")


def clinic_view(months: list[str], month_documents: list[dict], span_documents: list[dict]) -> dict:
    """The report over `months` from the clinic's month and span documents (those of other months are ignored)."""
    by_month = {document["month"]: document for document in month_documents if document["month"] in months}
    span_documents = [document for document in span_documents if document["month"] in months]
    lines = [_month_line(month, by_month.get(month, {})) for month in months]
    totals = Counter()
    for line in lines:
        totals.update({name: line[name] for name in MONTH_FIELDS})
    outcomes = outcome_counts(span_documents, months[-1])
    return {
        "from": months[0], "to": months[-1],
        "goals_set": totals["goals_set"],
        "goals_achieved": totals["goals_achieved"],
        "sessions_attended": totals["sessions_attended"],
        "sessions_missed": totals["sessions_missed"],
        "attendance_rate": rounded(attendance_rate(totals["sessions_attended"], totals["sessions_missed"])),
        "clients_seen": clients_seen(span_documents, months[-1]),
        **outcome_totals(outcomes.get(ALL, Counter())),
        "months": lines,
        "categories": category_lines(CATEGORIES, list(by_month.values()), outcomes),
    }


def _month_line(month: str, document: dict) -> dict:
    counts = {name: document.get(name, 0) for name in MONTH_FIELDS}
    return {"month": month, **counts,
            "attendance_rate": rounded(attendance_rate(counts["sessions_attended"], counts["sessions_missed"]))}
