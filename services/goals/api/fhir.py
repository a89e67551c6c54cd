"""A client's record as FHIR R4 (right of access): one goal as a Goal, or the whole record as a Bundle."""
from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from services.goals.api import schemas as s
from services.goals.api.http import actor, reader, service
from services.goals.domain import fhir

FHIR_JSON = "application/fhir+json"
FHIR_ETAG = {"ETag": {"description": 'The goal\'s version as FHIR states it, e.g. W/"3" (meta.versionId)',
                      "schema": {"type": "string"}}}

blp = Blueprint("fhir", __name__, url_prefix="/v1",
                description="A client's record as FHIR R4 resources (right of access; docs/fhir.md)")


@blp.route("/fhir/Goal/<goal_id>")
class FhirGoal(MethodView):
    @reader(blp, s.FhirGoal, content_type=FHIR_JSON, headers=FHIR_ETAG)
    def get(self, goal_id):
        """Read a goal as a FHIR R4 Goal: statuses, priority, category, title, target date, milestones as targets"""
        goal = service().goal(actor(), goal_id)
        return _fhir_answer(fhir.goal(goal), {"ETag": f'W/"{goal.version}"'})


@blp.route("/clients/<client_id>/export")
class ClientExport(MethodView):
    @reader(blp, s.FhirBundle, content_type=FHIR_JSON, headers=None)
    def get(self, client_id):
        """Export a client's record: a FHIR R4 Bundle (collection) of their goals, sessions, scores and ratings

        Goals newest first, then each session (latest first) as an Encounter followed by its Observations:
        PHQ-9 and GAD-7 totals (LOINC) and GAS ratings (with `focus` on their Goal). A client with neither a goal
        nor a session in the clinic: 404 `client-not-found`.
        """
        record = service().client_record(actor(), client_id)
        base = request.url_root + "v1/fhir"
        return _fhir_answer(fhir.client_bundle(record.goals, record.sessions, service().clock(), base))


def _fhir_answer(resource: dict, headers: dict | None = None):
    answer = current_app.json.response(resource)
    answer.mimetype = FHIR_JSON
    answer.headers.update(headers or {})
    return answer
