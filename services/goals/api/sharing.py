"""A client's sharing with partners (consent): read it, or record that it changed (as a sharing-changed event)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.goals.api import schemas as s
from services.goals.api.http import IDEMPOTENCY_KEY, actor, command, reader, service, versioned

blp = Blueprint("sharing", __name__, url_prefix="/v1/clients",
                description="Whether partners receive a client's events (pseudonymised, without personal fields)")


@blp.route("/<client_id>/sharing")
class Sharing(MethodView):
    @reader(blp, s.Sharing)
    def get(self, client_id):
        """Read which partners receive the client's events: all, none or those listed (all without a record)"""
        current = service().sharing_of(actor(), client_id)
        return versioned(current, current.version)

    @command(blp, s.SharingRequest, s.Sharing, errors=(400, 401, 403, 409), headers=(IDEMPOTENCY_KEY,))
    def put(self, body, client_id):
        """Set which partners receive the client's events from now on; a withdrawal stops every delivery

        Recorded as a sharing-changed event; a body that changes nothing records nothing and answers 200.
        """
        current = service().change_sharing(actor(), client_id, body["partners"])
        return versioned(current, current.version)
