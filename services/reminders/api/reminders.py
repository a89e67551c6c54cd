"""Reminders: list and read them, acknowledge one, snooze one."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.reminders.api import schemas as s
from services.reminders.api.http import clinic, service, staff_only
from shared.web.auth import principal
from shared.web.bodies import json_body
from shared.web.queries import no_query, query

blp = Blueprint("reminders", __name__, url_prefix="/v1/reminders",
                description="Reminders planned from goals and sessions, and their delivery")


@blp.route("")
class Reminders(MethodView):
    @staff_only
    @query(blp, s.ReminderQuery)
    @blp.response(200, s.ReminderPage)
    def get(self, args):
        """List the clinic's reminders, earliest due first (filter by client, status, due time)"""
        return service().list(clinic(), **args)


@blp.route("/<reminder_id>")
class Reminder(MethodView):
    @staff_only
    @no_query(blp)
    @blp.response(200, s.Reminder)
    def get(self, reminder_id):
        """Read a reminder: kind, what it is about, due time, status and delivery attempts"""
        return service().get(clinic(), reminder_id)


@blp.route("/<reminder_id>/ack")
class Acknowledgement(MethodView):
    @staff_only
    @no_query(blp)
    @blp.response(200, s.Reminder)
    def post(self, reminder_id):
        """Acknowledge a pending or sent reminder (a pending one will not be sent)"""
        return service().acknowledge(clinic(), reminder_id, principal().subject)


@blp.route("/<reminder_id>/snooze")
class Snooze(MethodView):
    @staff_only
    @no_query(blp)
    @json_body(blp, s.SnoozeRequest)
    @blp.response(200, s.Reminder)
    def post(self, body, reminder_id):
        """Snooze a pending or sent reminder by 5-1440 minutes or until a time (quiet hours apply)"""
        return service().snooze(clinic(), reminder_id, **body)
