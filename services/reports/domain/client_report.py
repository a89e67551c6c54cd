"""The client report from the client's summary and goals: goals by status, attendance, PHQ-9/GAD-7, outcome, GAS.

Pure functions, standard library only.
"""
from __future__ import annotations

from services.reports.domain.attendance import attendance_rate
from services.reports.domain.gas import gas_t_score
from services.reports.domain.goal_report import goal_view
from services.reports.domain.goals import counts_as_real, status_counts
from services.reports.domain.outcome import client_outcome, rounded
from services.reports.domain.series import clean_series, measure_view


def goal_ids(summary: dict) -> list[str]:
    """The ids of the client's goals, as the summary lists them."""
    return [goal["goal_id"] for goal in summary.get("goals", {}).values()]


def client_view(summary: dict, goal_documents: list[dict]) -> dict:
    goals = sorted((goal_view(document) for document in goal_documents),
                   key=lambda goal: (goal["created_at"] is None, goal["created_at"], goal["goal_id"]))
    entries = list(summary.get("goals", {}).values())
    attended, missed = summary.get("sessions_attended", 0), summary.get("sessions_missed", 0)
    rated = [goal["latest_rating"] for goal in goals
             if goal["latest_rating"] is not None and counts_as_real(goal["lifecycle_status"])]
    return {
        "client_id": summary["client_id"],
        "goals_total": sum(1 for entry in entries if counts_as_real(entry.get("lifecycle_status"))),
        "goals_by_status": status_counts(entry.get("lifecycle_status") for entry in entries),
        "goals_by_achievement_status": status_counts(entry.get("achievement_status") for entry in entries),
        "goals": [_goal_line(goal) for goal in goals],
        "sessions_attended": attended,
        "sessions_missed": missed,
        "attendance_rate": rounded(attendance_rate(attended, missed)),
        "first_session_at": summary.get("first_session_at"),
        "last_session_at": summary.get("last_session_at"),
        "phq9": measure_view(summary.get("phq9", [])),
        "gad7": measure_view(summary.get("gad7", [])),
        **client_outcome(clean_series(summary.get("phq9", [])), clean_series(summary.get("gad7", []))),
        "gas_t_score": gas_t_score(rated),
        "gas_goals_rated": len(rated),
        "reminders_sent": summary.get("reminders_sent", 0),
        "reminders_failed": summary.get("reminders_failed", 0),
    }


def _goal_line(goal: dict) -> dict:
    names = ("goal_id", "title", "category", "lifecycle_status", "achievement_status", "target_date",
             "milestones_total", "milestones_reached", "latest_rating", "latest_rating_at", "milestones")
    return {name: goal[name] for name in names}
