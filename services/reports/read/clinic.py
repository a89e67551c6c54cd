"""The clinic report for a range of months: goals set and achieved, attendance, clients reliably improved.

Computed from the clinic's client summaries in one query: each holds its goals
(category, when set, when first achieved, statuses), its sessions per month and
its PHQ-9/GAD-7 series. That reads every client of the clinic once per report,
acceptable for a clinic's size (docs/reports.md).
"""
from __future__ import annotations

from pymongo import ASCENDING, IndexModel

from services.reports.documents import CLIENT_SUMMARY
from services.reports.domain.attendance import attendance_rate
from services.reports.domain.goals import counts_as_real
from services.reports.domain.months import month_end, month_range, month_start
from services.reports.domain.outcome import rounded
from services.reports.read.clinic_outcomes import category_lines, in_month, outcome_totals, period_outcomes
from shared import indexes
from shared.events.vocabulary import CATEGORIES
from shared.indexes import Query

SUMMARY_FIELDS = {"client_id": 1, "phq9": 1, "gad7": 1, "goals": 1, "sessions_by_month": 1}
INDEXES = indexes.declare(  # the clinic's summaries; with a clinician, the caseload (read/clinician.py)
    {CLIENT_SUMMARY: [IndexModel([("clinic_id", ASCENDING), ("clinician_ids", ASCENDING)])]},
    [Query.of(CLIENT_SUMMARY, equal=["clinic_id"])])


def clinic_report(db, clinic_id: str, first: str, last: str) -> dict:
    """The clinic's figures per month from `first` to `last` ('YYYY-MM', both included)."""
    summaries = db[CLIENT_SUMMARY].find({"clinic_id": clinic_id}, SUMMARY_FIELDS)
    return clinic_view(month_range(first, last), list(summaries))


def clinic_view(months: list[str], summaries: list[dict]) -> dict:
    goals = [goal for summary in summaries for goal in summary.get("goals", {}).values()
             if counts_as_real(goal.get("lifecycle_status"))]
    lines = [_month_line(month, goals, summaries) for month in months]
    outcomes = period_outcomes(summaries, month_start(months[0]), month_end(months[-1]))
    attended, missed = sum(line["sessions_attended"] for line in lines), sum(line["sessions_missed"] for line in lines)
    seen = [s for s in summaries if any(month in s.get("sessions_by_month", {}) for month in months)]
    return {
        "from": months[0], "to": months[-1],
        "goals_set": sum(line["goals_set"] for line in lines),
        "goals_achieved": sum(line["goals_achieved"] for line in lines),
        "sessions_attended": attended,
        "sessions_missed": missed,
        "attendance_rate": rounded(attendance_rate(attended, missed)),
        "clients_seen": len(seen),
        **outcome_totals(outcomes),
        "months": lines,
        "categories": category_lines(CATEGORIES, goals, set(months), outcomes),
    }


def _month_line(month: str, goals: list[dict], summaries: list[dict]) -> dict:
    counts = [s["sessions_by_month"][month] for s in summaries if month in s.get("sessions_by_month", {})]
    attended = sum(c.get("sessions_attended", 0) for c in counts)
    missed = sum(c.get("sessions_missed", 0) for c in counts)
    return {"month": month,
            "goals_set": sum(1 for goal in goals if in_month(goal, "created_at", {month})),
            "goals_achieved": sum(1 for goal in goals if in_month(goal, "achieved_at", {month})),
            "sessions_attended": attended, "sessions_missed": missed,
            "attendance_rate": rounded(attendance_rate(attended, missed)), "clients_seen": len(counts)}
