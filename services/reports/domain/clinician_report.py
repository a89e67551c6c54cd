"""The clinician's caseload from the summaries of the clients they set goals for or saw in a session.

Pure functions, standard library only.
"""
from __future__ import annotations

from services.reports.domain.attendance import attendance_rate
from services.reports.domain.goals import ACTIVE, counts_as_real, status_counts
from services.reports.domain.outcome import client_outcome, rounded, share
from services.reports.domain.series import clean_series


def clinician_view(clinician_id: str, summaries: list[dict]) -> dict:
    """Goals this clinician set and sessions they logged; each client's outcome is the client's own."""
    clients = sorted((_client_line(clinician_id, summary) for summary in summaries), key=lambda c: c["client_id"])
    goals = [goal for summary in summaries for goal in _goals_of(clinician_id, summary)]
    attended = sum(line["sessions_attended"] for line in clients)
    missed = sum(line["sessions_missed"] for line in clients)
    paired = [line for line in clients if line["has_paired_scores"]]
    improved = sum(1 for line in paired if line["reliable_improvement"])
    return {
        "clinician_id": clinician_id,
        "clients_total": len(clients),
        **_goal_counts(goals),
        "goals_by_status": status_counts(goal.get("lifecycle_status") for goal in goals),
        "sessions_attended": attended,
        "sessions_missed": missed,
        "attendance_rate": rounded(attendance_rate(attended, missed)),
        "clients_with_paired_scores": len(paired),
        "clients_reliably_improved": improved,
        "reliable_improvement_share": share(improved, len(paired)),
        "clients": clients,
    }


def _goals_of(clinician_id: str, summary: dict) -> list[dict]:
    return [goal for goal in summary.get("goals", {}).values() if goal.get("clinician_id") == clinician_id]


def _goal_counts(goals: list[dict]) -> dict:
    return {"goals_total": sum(1 for goal in goals if counts_as_real(goal.get("lifecycle_status"))),
            "goals_active": sum(1 for goal in goals if goal.get("lifecycle_status") == ACTIVE)}


def _sessions_with(clinician_id: str, summary: dict) -> dict:
    """The client's sessions with the clinician (found by the id each entry holds: its key is escaped)."""
    return next((sessions for sessions in summary.get("sessions_by_clinician", {}).values()
                 if sessions.get("clinician_id") == clinician_id), {})


def _client_line(clinician_id: str, summary: dict) -> dict:
    sessions = _sessions_with(clinician_id, summary)
    attended, missed = sessions.get("sessions_attended", 0), sessions.get("sessions_missed", 0)
    phq9, gad7 = clean_series(summary.get("phq9", [])), clean_series(summary.get("gad7", []))
    return {
        "client_id": summary["client_id"],
        **_goal_counts(_goals_of(clinician_id, summary)),
        "sessions_attended": attended,
        "sessions_missed": missed,
        "attendance_rate": rounded(attendance_rate(attended, missed)),
        "last_session_at": sessions.get("last_session_at"),
        "phq9_latest": phq9[-1]["score"] if phq9 else None,
        "phq9_band": phq9[-1]["band"] if phq9 else None,
        "gad7_latest": gad7[-1]["score"] if gad7 else None,
        "gad7_band": gad7[-1]["band"] if gad7 else None,
        **client_outcome(phq9, gad7),
    }
