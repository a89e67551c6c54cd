"""The goals API's composition root: `create_app(settings=None, db=None)`.

    gunicorn -c deploy/gunicorn.conf.py "services.goals.app:create_app()"

Nothing connects while the app is built; the database indexes are ensured on
the first request (and again until that succeeds).
"""
from __future__ import annotations

from services.goals.api import events, fhir, goals, milestones, sessions, sharing, status
from services.goals.indexes import DECLARED
from services.goals.service import GoalsService
from services.goals.settings import GoalsSettings
from services.goals.store.read_model import ReadModel
from services.goals.store.stream_cache import CachedStreams
from services.goals.store.streams import Streams
from shared.store import indexes
from shared.store.eventstore import EventStore
from shared.web.app import create_service_app, on_first_request, service_db
from shared.web.auth import BEARER

DESCRIPTION = """Goals, milestones and sessions of goal-oriented therapy, stored as events.

Every call needs `Authorization: Bearer <JWT>` (from the identity provider, or HS256 in
development; claims `sub`, `clinic_id`, `role` of clinician or clinic_admin). Reads return a `version` and an `ETag`;
changes to a goal accept `If-Match`; every POST, PATCH and PUT accepts `Idempotency-Key`.
See docs/goals-api.md."""


def create_app(settings: GoalsSettings | None = None, db=None):
    settings = settings or GoalsSettings()
    app, api = create_service_app(settings, "Therapy goals API", DESCRIPTION, db=db)
    db = service_db(app)
    streams = CachedStreams(Streams(EventStore(db)), settings.stream_cache_size)
    app.extensions["goals_service"] = GoalsService(streams, ReadModel(db))
    api.spec.options["security"] = [BEARER]
    for module in (goals, milestones, status, events, sessions, sharing, fhir):
        api.register_blueprint(module.blp)
    on_first_request(app, lambda: indexes.ensure(db, DECLARED))
    return app
