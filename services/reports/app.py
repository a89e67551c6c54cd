"""Composition root of the reports API process: `gunicorn "services.reports.app:create_app()"`."""
from __future__ import annotations

from shared.runtime.config import Settings
from shared.web.app import create_service_app
from services.reports.api import dashboard, reports

DESCRIPTION = ("Progress reports computed from the goal and reminder events: per goal, client, clinician and "
               "clinic, as JSON or CSV, plus a dashboard page at /dashboard. Staff roles only; every read is "
               "audit-logged. Formulas and decisions: docs/reports.md.")


def create_app(settings: Settings | None = None, db=None):
    """The reports API; tests pass their own settings and database."""
    settings = settings or Settings(service="reports")
    app, api = create_service_app(settings, "Therapy goals: reports", DESCRIPTION, db=db)
    api.register_blueprint(reports.blueprint())
    app.register_blueprint(dashboard.blueprint())
    return app
