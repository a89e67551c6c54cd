"""A goal's history: the events of its stream, as CloudEvents."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.goals.api import schemas as s
from services.goals.api.http import actor, reader, service, versioned

blp = Blueprint("goal_events", __name__, url_prefix="/v1/goals", description="Each goal's event stream")


@blp.route("/<goal_id>/events")
class GoalEvents(MethodView):
    @reader(blp, s.GoalEvents)
    def get(self, goal_id):
        """List the goal's events in order (CloudEvents 1.0)"""
        events = service().goal_events(actor(), goal_id)
        body = {"goal_id": goal_id, "version": len(events), "events": [event.to_dict() for event in events]}
        return versioned(body, len(events))
