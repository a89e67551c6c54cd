"""Goals: set a goal for a client, read it with its version, revise it, list the clinic's goals."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.goals.api import schemas as s
from services.goals.api.http import CREATE, IDEMPOTENCY_KEY, actor, command, listing, merge_patch
from services.goals.api.http import reader, service, versioned
from shared.web.versions import expected_versions

blp = Blueprint("goals", __name__, url_prefix="/v1/goals", description="Therapy goals: what therapy is for")


@blp.route("")
class Goals(MethodView):
    @command(blp, s.GoalRequest, s.Goal, status=201, errors=CREATE, headers=(IDEMPOTENCY_KEY,), creates=True)
    def post(self, goal_fields, new_id):
        """Set a new goal for a client"""
        goal = service().create_goal(actor(), new_id, goal_fields)
        return versioned(goal, goal.version, 201, location=f"/v1/goals/{goal.goal_id}")

    @listing(blp, s.GoalQuery, s.GoalPage)
    def get(self, parameters):
        """List the clinic's goals, newest first (filter by client and lifecycle status)"""
        return service().list_goals(actor(), **parameters)


@blp.route("/<goal_id>")
class Goal(MethodView):
    @reader(blp, s.Goal)
    def get(self, goal_id):
        """Read a goal: its current state and version (also the ETag)"""
        goal = service().goal(actor(), goal_id)
        return versioned(goal, goal.version)

    @merge_patch(blp, s.GoalPatch, s.Goal)
    def patch(self, patch, goal_id):
        """Revise a goal: title, description, priority, target date, measure; GAS levels until a session rates it"""
        goal = service().revise_goal(actor(), goal_id, patch, expected_versions())
        return versioned(goal, goal.version)
