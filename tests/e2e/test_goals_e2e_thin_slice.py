"""The thin slice through the running platform: a goal set on the goals service shows up,
through the event store, the relay, Kafka and the reports consumer, in the reports service."""
import uuid
from datetime import date, timedelta

import pytest
import requests

from tests.support import wait_until

pytestmark = pytest.mark.e2e


def goal_report(platform, headers: dict, goal_id: str, reached: int):
    """The goal's report once it shows `reached` milestones reached, else None."""
    response = requests.get(f"{platform.url('reports')}/v1/reports/goals/{goal_id}", headers=headers, timeout=5)
    if response.status_code != 200 or response.json().get("milestones_reached") != reached:
        return None
    return response.json()


def test_a_goal_set_on_the_goals_service_appears_in_its_report(running_platform, token):
    headers = {"Authorization": token(clinic_id=f"clinic-{uuid.uuid4().hex[:8]}")}
    due = (date.today() + timedelta(days=14)).isoformat()
    created = requests.post(f"{running_platform.url('goals')}/v1/goals", headers=headers, timeout=10, json={
        "client_id": "client-e2e", "title": "Sleep seven hours", "category": "stress-management",
        "target_date": (date.today() + timedelta(days=60)).isoformat(),
        "milestones": [{"title": "Screens off at ten", "due_date": due}, {"title": "Same wake time", "due_date": due}]})
    assert created.status_code == 201, created.text
    goal = created.json()

    report = wait_until(lambda: goal_report(running_platform, headers, goal["goal_id"], reached=0), timeout=60,
                        message="the goal in its report")

    assert report["goal_id"] == goal["goal_id"]
    assert report.get("lifecycle_status", report.get("status")) == "active"
    assert report["milestones_total"] == 2
    milestone = goal["milestones"][0]["milestone_id"]
    goal_url = f"{running_platform.url('goals')}/v1/goals/{goal['goal_id']}"
    reached = requests.post(f"{goal_url}/milestones/{milestone}/reached", headers=headers, timeout=10)
    assert reached.status_code == 200, reached.text
    wait_until(lambda: goal_report(running_platform, headers, goal["goal_id"], reached=1), timeout=60,
               message="the reached milestone in the report")
