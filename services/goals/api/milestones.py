"""A goal's milestones: add one, record that one was reached (If-Match aware)."""
from __future__ import annotations

from dataclasses import asdict

from flask.views import MethodView
from flask_smorest import Blueprint

from services.goals.api import schemas as s
from services.goals.api.http import actor, command, service, versioned
from shared.web.versions import expected_versions

blp = Blueprint("milestones", __name__, url_prefix="/v1/goals", description="Milestones of a goal")


@blp.route("/<goal_id>/milestones")
class Milestones(MethodView):
    @command(blp, s.MilestoneRequest, s.MilestoneCreated, status=201, creates=True)
    def post(self, milestone, goal_id, new_id):
        """Add a milestone to a goal"""
        goal = service().add_milestone(actor(), goal_id, new_id, milestone, expected_versions())
        body = {**asdict(goal.milestone(new_id)), "goal_id": goal_id, "version": goal.version}
        return versioned(body, goal.version, 201, location=f"/v1/goals/{goal_id}")


@blp.route("/<goal_id>/milestones/<milestone_id>/reached")
class MilestoneReached(MethodView):
    @command(blp, s.ReachedRequest, s.Goal, body_required=False)
    def post(self, reached, goal_id, milestone_id):
        """Record that a milestone was reached (409 when it already was)"""
        goal = service().reach_milestone(actor(), goal_id, milestone_id, reached.get("reached_at"),
                                         expected_versions())
        return versioned(goal, goal.version)
