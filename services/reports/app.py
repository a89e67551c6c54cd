"""Composition root of the reports API process: `gunicorn "services.reports.app:create_app()"`."""
from __future__ import annotations

from services.reports.api import client_reports, clinic_reports, clinician_reports, dashboard, goal_reports
from services.reports.service import ReportsService
from services.reports.settings import ReportsSettings
from shared.web.app import create_service_app, service_db

DESCRIPTION = ("Progress reports computed from the goal and reminder events: per goal, client, clinician and "
               "clinic, as JSON or CSV, plus a dashboard page at /dashboard. Staff roles only; every read is "
               "audit-logged. Formulas and decisions: docs/reports.md.")


def create_app(settings: ReportsSettings | None = None, db=None):
    """The reports API; tests pass their own settings and database."""
    app, api = create_service_app(settings or ReportsSettings(), "Therapy goals: reports", DESCRIPTION, db=db)
    app.extensions["reports_service"] = ReportsService(service_db(app))
    for blueprint in (goal_reports.blp, client_reports.blp, clinician_reports.blp, clinic_reports.blp):
        api.register_blueprint(blueprint)
    app.register_blueprint(dashboard.blp)
    return app
