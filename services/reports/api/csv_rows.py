"""The table each report exports as CSV: (columns, rows) from the report as the API dumps it.

One table per file. The figures of the whole report repeat on every row (goal,
client, clinician) so that the file stays one table a spreadsheet can filter.
"""
from __future__ import annotations

GOAL_COLUMNS = ["goal_id", "client_id", "title", "category", "lifecycle_status", "achievement_status",
                "target_date", "milestones_reached", "milestones_total", "latest_rating", "latest_rating_at"]
MILESTONE_COLUMNS = ["milestone_id", "milestone_title", "due_date", "reached_at", "days_to_reach", "reached_on_time"]
CLIENT_COLUMNS = ["client_id", "sessions_attended", "sessions_missed", "attendance_rate", "phq9_first",
                  "phq9_latest", "phq9_band", "gad7_first", "gad7_latest", "gad7_band", "reliable_improvement",
                  "reliable_deterioration", "recovery", "gas_t_score"]
CLIENT_GOAL_COLUMNS = ["goal_id", "title", "category", "lifecycle_status", "achievement_status",
                       "milestones_reached", "milestones_total", "latest_rating"]
CASELOAD_COLUMNS = ["client_id", "goals_total", "goals_active", "sessions_attended", "sessions_missed",
                    "attendance_rate", "last_session_at", "phq9_latest", "phq9_band", "gad7_latest", "gad7_band",
                    "reliable_improvement", "reliable_deterioration", "recovery"]
CLINIC_COLUMNS = ["period", "category", "goals_set", "goals_achieved", "sessions_attended", "sessions_missed",
                  "attendance_rate", "clients_seen", "clients_with_paired_scores", "clients_reliably_improved",
                  "reliable_improvement_share"]


def goal_rows(report: dict) -> tuple[list[str], list[dict]]:
    """One row per milestone (one row with empty milestone cells when there is none)."""
    goal = {column: report.get(column) for column in GOAL_COLUMNS}
    milestones = [{**{column: m.get(column) for column in MILESTONE_COLUMNS}, "milestone_title": m["title"]}
                  for m in report["milestones"]] or [{}]
    return GOAL_COLUMNS + MILESTONE_COLUMNS, [{**goal, **milestone} for milestone in milestones]


def client_rows(report: dict) -> tuple[list[str], list[dict]]:
    """One row per goal, the client's figures repeated on each."""
    client = {**report, **_measure_cells(report, "phq9"), **_measure_cells(report, "gad7")}
    goals = report["goals"] or [{}]
    return CLIENT_COLUMNS + CLIENT_GOAL_COLUMNS, [{**client, "goal_id": None, "title": None, **goal} for goal in goals]


def clinician_rows(report: dict) -> tuple[list[str], list[dict]]:
    """One row per client of the caseload."""
    return ["clinician_id"] + CASELOAD_COLUMNS, [{"clinician_id": report["clinician_id"], **client}
                                                 for client in report["clients"]]


def clinic_rows(report: dict) -> tuple[list[str], list[dict]]:
    """One row per month (category "all"), then one row per category over the whole period."""
    period = f"{report['from']}..{report['to']}"
    months = [{**line, "period": line["month"], "category": "all"} for line in report["months"]]
    categories = [{**line, "period": period} for line in report["categories"]]
    total = {**report, "period": period, "category": "all"}
    return CLINIC_COLUMNS, months + [total] + categories


def _measure_cells(report: dict, measure: str) -> dict:
    values = report[measure]
    return {f"{measure}_first": values["first"], f"{measure}_latest": values["latest"], f"{measure}_band": values["band"]}
