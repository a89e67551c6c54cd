"""GET /v1/reports/clinic: the clinic's outcomes over a range of months, as JSON or CSV."""
from __future__ import annotations

from flask_smorest import Blueprint

from services.reports.api.delivery import deliver, no_store, report_route, reports_service
from services.reports.api.queries import ClinicQuery
from services.reports.api.schemas import ClinicReportSchema
from shared.web.auth import principal

CLINIC_COLUMNS = ["period", "category", "goals_set", "goals_achieved", "sessions_attended", "sessions_missed",
                  "attendance_rate", "clients_seen", "clients_with_paired_scores", "clients_reliably_improved",
                  "reliable_improvement_share"]

blp = Blueprint("clinic-reports", __name__, url_prefix="/v1/reports",
                description="The clinic's outcomes per month and goal category (clinician and clinic_admin only).")
blp.after_request(no_store)


@report_route(blp, "/clinic", ClinicReportSchema, ClinicQuery)
def clinic(query):
    """The clinic's outcomes per month and by goal category: goals set and achieved, attendance, improvement."""
    first, last = query["from_"], query["to"]
    return deliver("clinic", lambda: reports_service().clinic_report(principal().clinic_id, first, last),
                   ClinicReportSchema, clinic_rows, query, f"clinic-{first}-{last}.csv", period=f"{first}..{last}")


def clinic_rows(report: dict) -> tuple[list[str], list[dict]]:
    """One row per month (category "all"), then one row per category over the whole period."""
    period = f"{report['from']}..{report['to']}"
    months = [{**line, "period": line["month"], "category": "all"} for line in report["months"]]
    categories = [{**line, "period": period} for line in report["categories"]]
    total = {**report, "period": period, "category": "all"}
    return CLINIC_COLUMNS, months + [total] + categories
