"""The pull feed: a partner reads its subscription's events in order, with a cursor (role partner)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.partners.api import schemas as s
from services.partners.api.http import clinic, partner_only, service
from shared.web.auth import principal
from shared.web.queries import query

blp = Blueprint("feed", __name__, url_prefix="/v1/subscriptions",
                description="The pull feed of a subscription (role partner: sub = the partner id)")


@blp.route("/<subscription_id>/events")
class Events(MethodView):
    @partner_only
    @query(blp, s.FeedQuery)
    @blp.response(200, s.FeedPage)
    def get(self, parameters, subscription_id):
        """The subscription's next events after the cursor `after`, in order, and the cursor after them"""
        return service().feed(clinic(), principal().subject, subscription_id, parameters.get("after"),
                              parameters["limit"])
