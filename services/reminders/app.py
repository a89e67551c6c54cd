"""The reminders API's composition root: `create_app(settings=None, db=None, clock=utc_now)`.

    gunicorn -c deploy/gunicorn.conf.py "services.reminders.app:create_app()"

Nothing connects while the app is built; the indexes are ensured on the first
request (and again until that succeeds).
"""
from __future__ import annotations

from services.reminders.api import preferences, reminders
from services.reminders.api.schemas import EXACTLY_ONE_SNOOZE, SnoozeRequest
from services.reminders.indexes import DECLARED
from services.reminders.service import RemindersService
from services.reminders.settings import RemindersSettings
from shared.domain.time import Clock, utc_now
from shared.store import indexes
from shared.web.app import create_service_app, on_first_request, service_db
from shared.web.auth import BEARER

DESCRIPTION = """Reminders derived from goal and session events, delivered once at the right local time.

Every call needs `Authorization: Bearer <JWT>` (from the identity provider, or HS256 in
development; claims `sub`, `clinic_id`, `role` of clinician or clinic_admin; changing the
clinic's defaults needs clinic_admin). See docs/reminders.md."""


def create_app(settings: RemindersSettings | None = None, db=None, clock: Clock = utc_now):
    settings = settings or RemindersSettings()
    app, api = create_service_app(settings, "Therapy reminders API", DESCRIPTION, db=db)
    db = service_db(app)
    app.extensions["reminders_service"] = RemindersService(db, clock, settings.allowed_networks)
    api.spec.options["security"] = [BEARER]
    api.spec.components.schema("SnoozeRequest", EXACTLY_ONE_SNOOZE, schema=SnoozeRequest)
    for blueprint in (reminders.blp, preferences.blp):
        api.register_blueprint(blueprint)
    on_first_request(app, lambda: indexes.ensure(db, DECLARED))
    return app
