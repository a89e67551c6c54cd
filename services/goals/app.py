"""The goals API's composition root: `create_app(settings=None, db=None)`.

    gunicorn -c deploy/gunicorn.conf.py "services.goals.app:create_app()"

Nothing connects while the app is built; the database indexes are ensured on
the first request (and again until that succeeds).
"""
from __future__ import annotations

import os

from services.goals.adapters.idempotency import IdempotencyRecords
from services.goals.adapters.read_model import ReadModel
from services.goals.adapters.stream_cache import CachedStreams
from services.goals.adapters.streams import Streams
from services.goals.api import baseline, errors, events, goals, milestones, sessions
from services.goals.indexes import DECLARED
from services.goals.service import GoalsService
from shared.store import indexes
from shared.web.auth import BEARER
from shared.runtime.config import Settings
from shared.store.eventstore import EventStore
from shared.web.app import create_service_app, on_first_request, service_db

LARGEST_BODY = 256 * 1024  # bytes; a goal with 50 milestones and GAS levels is far smaller
DESCRIPTION = """Goals, milestones and sessions of goal-oriented therapy, stored as events.

Every call needs `Authorization: Bearer <JWT>` (HS256, claims `sub`, `clinic_id`,
`role` of clinician or clinic_admin). Reads return a `version` and an `ETag`;
changes to a goal accept `If-Match`; every POST accepts `Idempotency-Key`.
See docs/goals-api.md."""


def create_app(settings: Settings | None = None, db=None):
    settings = settings or Settings(service="goals")
    app, api = create_service_app(settings, "Therapy goals API", DESCRIPTION, db=db,
                                  config={"MAX_CONTENT_LENGTH": LARGEST_BODY})
    db = service_db(app)
    store, read_model, records = EventStore(db), ReadModel(db), IdempotencyRecords(db)
    cache_size = int(os.environ.get("GOALS_STREAM_CACHE_SIZE", "10000"))
    app.extensions["goals_service"] = GoalsService(CachedStreams(Streams(store), cache_size), read_model)
    app.extensions["idempotency_records"] = records
    api.spec.options["security"] = [BEARER]
    for blueprint in (goals.blp, milestones.blp, events.blp, sessions.blp):
        api.register_blueprint(blueprint)
    if os.environ.get("GOALS_BENCH_BASELINE") == "1":
        app.register_blueprint(baseline.blueprint(db))
    errors.register(app, api)
    on_first_request(app, lambda: indexes.ensure(db, DECLARED))
    return app
