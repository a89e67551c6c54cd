"""GET /v1/reports/clients/{client_id}: a client's progress, as JSON or CSV (one row per goal)."""
from __future__ import annotations

from flask_smorest import Blueprint

from services.reports.api.delivery import deliver, no_store, report_route, reports_service
from services.reports.api.schemas import ClientReportSchema
from shared.web.auth import principal

CLIENT_COLUMNS = ["client_id", "sessions_attended", "sessions_missed", "attendance_rate", "phq9_first",
                  "phq9_latest", "phq9_band", "gad7_first", "gad7_latest", "gad7_band", "reliable_improvement",
                  "reliable_deterioration", "recovery", "gas_t_score"]
CLIENT_GOAL_COLUMNS = ["goal_id", "title", "category", "lifecycle_status", "achievement_status",
                       "milestones_reached", "milestones_total", "latest_rating"]

blp = Blueprint("client-reports", __name__, url_prefix="/v1/reports",
                description="A client's progress over their goals, sessions and measures "
                            "(clinician and clinic_admin only).")
blp.after_request(no_store)


@report_route(blp, "/clients/<client_id>", ClientReportSchema)
def client(query, client_id):
    """A client's progress: goals by status, attendance, PHQ-9/GAD-7, reliable change, GAS T-score."""
    return deliver("client", lambda: reports_service().client_report(principal().clinic_id, client_id),
                   ClientReportSchema, client_rows, query, f"client-{client_id}.csv", client_id=client_id)


def client_rows(report: dict) -> tuple[list[str], list[dict]]:
    """One row per goal, the client's figures repeated on each."""
    figures = {**report, **_measure_cells(report, "phq9"), **_measure_cells(report, "gad7")}
    goals = report["goals"] or [{}]
    return CLIENT_COLUMNS + CLIENT_GOAL_COLUMNS, [{**figures, "goal_id": None, "title": None, **goal}
                                                 for goal in goals]


def _measure_cells(report: dict, measure: str) -> dict:
    values = report[measure]
    return {f"{measure}_first": values["first"], f"{measure}_latest": values["latest"], f"{measure}_band": values["band"]}
