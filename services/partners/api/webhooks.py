"""Webhook deliveries of a subscription: the log of attempts, redelivery, replay (role clinic_admin)."""
from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from services.partners.api import schemas as s
from services.partners.api.http import admin_only, clinic
from services.partners.service.webhooks import WebhookService
from shared.web.bodies import json_body
from shared.web.queries import Page, no_query, query

blp = Blueprint("webhooks", __name__, url_prefix="/v1/subscriptions",
                description="A subscription's webhook deliveries: attempts, redelivery, replay (role clinic_admin)")


def webhooks() -> WebhookService:
    return current_app.extensions["partners_webhooks"]


@blp.route("/<subscription_id>/deliveries")
class Deliveries(MethodView):
    @admin_only
    @query(blp, Page)
    @blp.response(200, s.DeliveryPage)
    def get(self, parameters, subscription_id):
        """List the subscription's webhook attempts, newest first: status code, latency, outcome"""
        return webhooks().deliveries(clinic(), subscription_id, **parameters)


@blp.route("/<subscription_id>/redeliver")
class Redelivery(MethodView):
    @admin_only
    @no_query(blp)
    @json_body(blp, s.RedeliverRequest)
    @blp.response(202, s.Redelivery)
    def post(self, body, subscription_id):
        """Send chosen entries (`seqs`) or every parked one (`parked: true`) once more, with their webhook-ids"""
        return webhooks().redeliver(clinic(), subscription_id, **body)


@blp.route("/<subscription_id>/replay")
class Replay(MethodView):
    @admin_only
    @no_query(blp)
    @json_body(blp, s.ReplayRequest)
    @blp.response(202, s.Replay)
    def post(self, body, subscription_id):
        """Deliver again, in order and with the same webhook-ids, every entry from a time or after a cursor"""
        return webhooks().replay(clinic(), subscription_id, **body)
