"""How every report is served: a GET for staff, query arguments parsed, audited, answered as JSON or CSV."""
from __future__ import annotations

from typing import Callable

from flask import current_app
from flask_smorest import Blueprint

from services.reports.api.audit import audit_read
from services.reports.api.csv_export import csv_response, wants_csv
from services.reports.api.queries import FormatQuery
from services.reports.service import ReportsService
from shared.domain.errors import DomainError
from shared.web.auth import BEARER, STAFF, requires
from shared.web.queries import query as parsed_query

CSV_ALSO = {"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}, "security": [BEARER]}


def report_route(blp: Blueprint, rule: str, schema, query=FormatQuery):
    """`@report_route(blp, rule, schema[, query])`: a GET for staff, its query parsed (unknown parameters refused),
    JSON or CSV documented."""
    def decorate(view):
        documented = blp.doc(**CSV_ALSO)(view)
        if "<" in rule:
            documented = blp.alt_response(404, response="DEFAULT_ERROR")(documented)
        parsed = parsed_query(blp, query)(blp.response(200, schema)(documented))
        return blp.get(rule)(requires(*STAFF)(parsed))
    return decorate


def deliver(kind: str, read: Callable[[], dict], schema, to_rows, query: dict, filename: str, **ids):
    """Read the report and audit the read (found or not), then answer it as JSON (dumped by `schema`) or CSV."""
    as_csv = wants_csv(query.get("format"))
    answered_as = "csv" if as_csv else "json"
    try:
        report = read()
    except DomainError:
        audit_read(kind, answered_as, False, **ids)
        raise
    audit_read(kind, answered_as, True, **ids)
    if not as_csv:
        return report
    return csv_response(filename, *to_rows(schema().dump(report)))


def reports_service() -> ReportsService:
    return current_app.extensions["reports_service"]


def no_store(response):
    """Reports hold personal data: no cache keeps them (each report blueprint's after_request)."""
    response.headers["Cache-Control"] = "no-store"
    return response
