"""GET /v1/reports/goals/{goal_id}: one goal's progress, as JSON or CSV (one row per milestone)."""
from __future__ import annotations

from flask_smorest import Blueprint

from services.reports.api.delivery import deliver, no_store, report_route, reports_service
from services.reports.api.schemas import GoalReportSchema
from shared.web.auth import principal

GOAL_COLUMNS = ["goal_id", "client_id", "title", "category", "lifecycle_status", "achievement_status",
                "target_date", "milestones_reached", "milestones_total", "latest_rating", "latest_rating_at",
                "latest_rating_level"]
MILESTONE_COLUMNS = ["milestone_id", "milestone_title", "due_date", "reached_at", "days_to_reach", "reached_on_time"]

blp = Blueprint("goal-reports", __name__, url_prefix="/v1/reports",
                description="The progress of one goal (clinician and clinic_admin only).")
blp.after_request(no_store)


@report_route(blp, "/goals/<goal_id>", GoalReportSchema)
def goal(query, goal_id):
    """Progress of one goal: status, milestones reached of total, days to each, rating history."""
    return deliver("goal", lambda: reports_service().goal_report(principal().clinic_id, goal_id), GoalReportSchema,
                   goal_rows, query, f"goal-{goal_id}.csv", goal_id=goal_id)


def goal_rows(report: dict) -> tuple[list[str], list[dict]]:
    """One row per milestone (one row with empty milestone cells when there is none)."""
    goal_cells = {column: report.get(column) for column in GOAL_COLUMNS}
    milestones = [{**{column: m.get(column) for column in MILESTONE_COLUMNS}, "milestone_title": m["title"]}
                  for m in report["milestones"]] or [{}]
    return GOAL_COLUMNS + MILESTONE_COLUMNS, [{**goal_cells, **milestone} for milestone in milestones]
