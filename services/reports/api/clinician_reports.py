"""GET /v1/reports/clinicians/{clinician_id}: a clinician's caseload, as JSON or CSV (one row per client)."""
from __future__ import annotations

from flask_smorest import Blueprint

from services.reports.api.delivery import deliver, no_store, report_route, reports_service
from services.reports.api.schemas import ClinicianReportSchema
from shared.web.auth import principal

CASELOAD_COLUMNS = ["client_id", "goals_total", "goals_active", "sessions_attended", "sessions_missed",
                    "attendance_rate", "last_session_at", "phq9_latest", "phq9_band", "gad7_latest", "gad7_band",
                    "reliable_improvement", "reliable_deterioration", "recovery"]

blp = Blueprint("clinician-reports", __name__, url_prefix="/v1/reports",
                description="A clinician's caseload (clinician and clinic_admin only).")
blp.after_request(no_store)


@report_route(blp, "/clinicians/<clinician_id>", ClinicianReportSchema)
def clinician(query, clinician_id):
    """A clinician's caseload: clients, goals by status, attendance, clients reliably improved."""
    return deliver("clinician", lambda: reports_service().clinician_report(principal().clinic_id, clinician_id),
                   ClinicianReportSchema, clinician_rows, query, f"caseload-{clinician_id}.csv",
                   clinician_id=clinician_id)


def clinician_rows(report: dict) -> tuple[list[str], list[dict]]:
    """One row per client of the caseload."""
    return ["clinician_id"] + CASELOAD_COLUMNS, [{"clinician_id": report["clinician_id"], **client}
                                                 for client in report["clients"]]
