"""A goal's status: change its FHIR lifecycle and achievement statuses (If-Match aware)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.goals.api import schemas as s
from services.goals.api.http import actor, command, service, versioned
from shared.web.versions import expected_versions

blp = Blueprint("goal_status", __name__, url_prefix="/v1/goals", description="The status of a goal")


@blp.route("/<goal_id>/status")
class GoalStatus(MethodView):
    @command(blp, s.StatusRequest, s.Goal)
    def post(self, change, goal_id):
        """Change the goal's lifecycle and/or achievement status, with a coded reason

        At least one of `lifecycle_status` and `achievement_status` is required (422 `status-required`).
        """
        goal = service().change_status(actor(), goal_id, change, expected_versions())
        return versioned(goal, goal.version)
