"""Subscriptions: a clinic admin subscribes a partner to the clinic's events, changes, pauses, deletes it."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.partners.api import schemas as s
from services.partners.api.http import IF_MATCH, admin_only, clinic, service, versioned
from shared.web.bodies import json_body
from shared.web.queries import Page, no_query, query
from shared.web.versions import ETAG, expected_versions

blp = Blueprint("subscriptions", __name__, url_prefix="/v1/subscriptions",
                description="Partners' subscriptions to the clinic's events (role clinic_admin)")
MERGE_PATCH = "application/merge-patch+json"


@blp.route("")
class Subscriptions(MethodView):
    @admin_only
    @no_query(blp)
    @json_body(blp, s.SubscriptionRequest)
    @blp.response(201, s.SubscriptionCreated, headers=ETAG)
    def post(self, fields):
        """Subscribe a partner to event types of the clinic; the answer shows the signing secret this once"""
        created = service().create(clinic(), fields)
        return versioned(created, 201, location=f"/v1/subscriptions/{created['_id']}")

    @admin_only
    @query(blp, Page)
    @blp.response(200, s.SubscriptionPage)
    def get(self, parameters):
        """List the clinic's subscriptions, oldest first"""
        return service().page(clinic(), **parameters)


@blp.route("/<subscription_id>")
class Subscription(MethodView):
    @admin_only
    @no_query(blp)
    @blp.response(200, s.Subscription, headers=ETAG)
    def get(self, subscription_id):
        """Read a subscription: its types, filters, status, feed position (its version is the ETag)"""
        return versioned(service().get(clinic(), subscription_id))

    @admin_only
    @blp.doc(parameters=[IF_MATCH])
    @no_query(blp)
    @json_body(blp, s.SubscriptionPatch, media_types=(MERGE_PATCH, "application/json"))
    @blp.response(200, s.Subscription, headers=ETAG)
    def patch(self, patch, subscription_id):
        """Pause or resume a subscription, change its types, filters or webhook URL"""
        return versioned(service().change(clinic(), subscription_id, patch, expected_versions()))

    @admin_only
    @no_query(blp)
    @blp.response(204)
    def delete(self, subscription_id):
        """Delete a subscription: nothing more is routed or delivered to it"""
        service().delete(clinic(), subscription_id)


@blp.route("/<subscription_id>/secret")
class Secret(MethodView):
    @admin_only
    @no_query(blp)
    @blp.response(200, s.SecretRotated)
    def post(self, subscription_id):
        """Rotate the signing secret: the new one is shown this once, the old ones verify for a grace period"""
        return service().rotate_secret(clinic(), subscription_id)
