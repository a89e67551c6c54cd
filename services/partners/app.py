"""The partners API's composition root: `create_app(settings=None, db=None, clock=utc_now)`.

    gunicorn -c deploy/gunicorn.conf.py "services.partners.app:create_app()"

Nothing connects while the app is built; the indexes are ensured on the first
request (and again until that succeeds).
"""
from __future__ import annotations

from services.partners.api import events, subscriptions, webhooks
from services.partners.api.schemas import BODY_RULES
from services.partners.indexes import DECLARED
from services.partners.service.subscriptions import SubscriptionsService
from services.partners.service.webhooks import WebhookService
from services.partners.settings import PartnersSettings
from shared.domain.time import Clock, utc_now
from shared.store import indexes
from shared.web.app import create_service_app, on_first_request, service_db
from shared.web.auth import BEARER

DESCRIPTION = """Partners' subscriptions to a clinic's events, and the partners' pull feed.

Every call needs `Authorization: Bearer <JWT>`. A clinic admin (role `clinic_admin`)
manages the clinic's subscriptions; a partner (role `partner`, `sub` = its partner id,
`clinic_id` = the subscription's clinic) reads its subscription's feed. Partners get
pseudonymised CloudEvents without personal fields, of consenting clients only
(docs/partners.md)."""


def create_app(settings: PartnersSettings | None = None, db=None, clock: Clock = utc_now):
    settings = settings or PartnersSettings()
    app, api = create_service_app(settings, "Therapy goals: partners API", DESCRIPTION, db=db)
    db = service_db(app)
    app.extensions["partners_service"] = SubscriptionsService(db, settings, clock)
    api.spec.options["security"] = [BEARER]
    app.extensions["partners_webhooks"] = WebhookService(db, clock)
    for name, (rule, schema) in BODY_RULES.items():
        api.spec.components.schema(name, rule, schema=schema)
    for blueprint in (subscriptions.blp, events.blp, webhooks.blp):
        api.register_blueprint(blueprint)
    on_first_request(app, lambda: indexes.ensure(db, DECLARED))
    return app
