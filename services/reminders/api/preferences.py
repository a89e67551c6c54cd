"""Reminder preferences: a client's own (time zone, quiet hours, channel) and the clinic's defaults."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.reminders.api import schemas as s
from services.reminders.api.http import admin_only, clinic, service, staff_only
from shared.web.auth import principal
from shared.web.bodies import json_body
from shared.web.errors import reject
from shared.web.queries import no_query

blp = Blueprint("preferences", __name__, url_prefix="/v1",
                description="When and how reminders reach a client; the clinic's defaults")


def _client_id(client_id: str) -> str:
    if s.ID.regex.fullmatch(client_id) is None:
        reject(422, "client_id", s.ID.error)
    return client_id


@blp.route("/clients/<client_id>/preferences")
class ClientPreferences(MethodView):
    @staff_only
    @no_query(blp)
    @blp.response(200, s.ClientPreferences)
    def get(self, client_id):
        """Read a client's reminder preferences and the values in force"""
        return service().client_preferences(clinic(), _client_id(client_id))

    @staff_only
    @no_query(blp)
    @json_body(blp, s.ClientPreferencesRequest)
    @blp.response(200, s.ClientPreferences)
    def put(self, body, client_id):
        """Set a client's preferences (omitted fields inherit); their pending reminders are re-planned"""
        return service().set_client_preferences(clinic(), _client_id(client_id), body, principal().subject)


@blp.route("/clinic/preferences")
class ClinicPreferences(MethodView):
    @staff_only
    @no_query(blp)
    @blp.response(200, s.ClinicPreferences)
    def get(self):
        """Read the clinic's reminder defaults and the values in force"""
        return service().clinic_preferences(clinic())

    @admin_only
    @no_query(blp)
    @json_body(blp, s.ClinicPreferencesRequest)
    @blp.response(200, s.ClinicPreferences)
    def put(self, body):
        """Set the clinic's defaults, e.g. session reminder offsets (clinic_admin only)"""
        return service().set_clinic_preferences(clinic(), body, principal().subject)
