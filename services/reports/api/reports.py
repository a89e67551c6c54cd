"""The reports API: goal, client, clinician and clinic reports as JSON or CSV (staff only)."""
from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from services.reports.api import csv_rows
from services.reports.api.audit import audit_read
from services.reports.api.csv_export import csv_response, wants_csv
from services.reports.api.queries import ClinicQuery, FormatQuery
from services.reports.api.schemas import ClientReportSchema, GoalReportSchema
from services.reports.api.schemas_summary import ClinicianReportSchema, ClinicReportSchema
from services.reports.read.client import client_report
from services.reports.read.clinic import clinic_report
from services.reports.read.clinician import clinician_report
from services.reports.read.goal import goal_report
from shared.web.auth import BEARER, STAFF, principal, requires
from shared.web.errors import reject

CSV_ALSO = {"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}, "security": [BEARER]}


def blueprint() -> Blueprint:
    blp = Blueprint("reports", __name__, url_prefix="/v1/reports",
                    description="Progress reports over the event streams (clinician and clinic_admin only).")
    report = report_route(blp)

    @report("/goals/<goal_id>", GoalReportSchema)
    def goal(query, goal_id):
        """Progress of one goal: status, milestones reached of total, days to each, rating history."""
        found = goal_report(_db(), principal().clinic_id, goal_id)
        return deliver("goal", found, GoalReportSchema, csv_rows.goal_rows, query, f"goal-{goal_id}.csv",
                       goal_id=goal_id)

    @report("/clients/<client_id>", ClientReportSchema)
    def client(query, client_id):
        """A client's progress: goals by status, attendance, PHQ-9/GAD-7, reliable change, GAS T-score."""
        found = client_report(_db(), principal().clinic_id, client_id)
        return deliver("client", found, ClientReportSchema, csv_rows.client_rows, query,
                       f"client-{client_id}.csv", client_id=client_id)

    @report("/clinicians/<clinician_id>", ClinicianReportSchema)
    def clinician(query, clinician_id):
        """A clinician's caseload: clients, goals by status, attendance, clients reliably improved."""
        found = clinician_report(_db(), principal().clinic_id, clinician_id)
        return deliver("clinician", found, ClinicianReportSchema, csv_rows.clinician_rows, query,
                       f"caseload-{clinician_id}.csv", clinician_id=clinician_id)

    @report("/clinic", ClinicReportSchema, ClinicQuery)
    def clinic(query):
        """The clinic's outcomes per month and by goal category: goals set and achieved, attendance, improvement."""
        found = clinic_report(_db(), principal().clinic_id, query["from_"], query["to"])
        return deliver("clinic", found, ClinicReportSchema, csv_rows.clinic_rows, query,
                       f"clinic-{query['from_']}-{query['to']}.csv", period=f"{query['from_']}..{query['to']}")

    @blp.after_request
    def no_caching(response):
        response.headers["Cache-Control"] = "no-store"
        return response

    return blp


def report_route(blp: Blueprint):
    """`@report(rule, schema[, query])`: a GET for staff, query arguments parsed, JSON or CSV documented."""
    def route(rule: str, schema, query=FormatQuery):
        def decorate(view):
            documented = blp.doc(**CSV_ALSO)(view)
            if "<" in rule:
                documented = blp.alt_response(404, response="DEFAULT_ERROR")(documented)
            parsed = blp.arguments(query, location="query")(blp.response(200, schema)(documented))
            return blp.get(rule)(requires(*STAFF)(parsed))
        return decorate
    return route


def deliver(kind: str, report: dict | None, schema, to_rows, query: dict, filename: str, **ids):
    """Audit the read, then answer 404, the report (JSON, dumped by the view's schema) or its CSV."""
    as_csv = wants_csv(query.get("format"))
    audit_read(kind, "csv" if as_csv else "json", report is not None, **ids)
    if report is None:
        reject(404, next(iter(ids)), f"No {kind} report for this id in your clinic")
    if not as_csv:
        return report
    return csv_response(filename, *to_rows(schema().dump(report)))


def _db():
    return current_app.extensions["db"]
