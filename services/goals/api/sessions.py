"""Therapy sessions: log one, read one, list the clinic's sessions."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.goals.api import schemas as s
from services.goals.api.http import CREATE, IDEMPOTENCY_KEY, actor, command, listing, reader, service, versioned

blp = Blueprint("sessions", __name__, url_prefix="/v1/sessions", description="Logged therapy sessions")


@blp.route("")
class Sessions(MethodView):
    @command(blp, s.SessionRequest, s.Session, status=201, errors=CREATE, headers=(IDEMPOTENCY_KEY,), creates=True)
    def post(self, session_fields, new_id):
        """Log a session: attendance, goals addressed with GAS ratings, PHQ-9/GAD-7"""
        session = service().log_session(actor(), new_id, session_fields)
        return versioned(session, session.version, 201, location=f"/v1/sessions/{session.session_id}")

    @listing(blp, s.SessionQuery, s.SessionPage)
    def get(self, parameters):
        """List the clinic's sessions, latest first (filter by client)"""
        return service().list_sessions(actor(), **parameters)


@blp.route("/<session_id>")
class Session(MethodView):
    @reader(blp, s.Session)
    def get(self, session_id):
        """Read a logged session"""
        session = service().session(actor(), session_id)
        return versioned(session, session.version)
