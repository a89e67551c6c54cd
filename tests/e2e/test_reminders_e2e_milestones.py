"""Through the running platform: a goal with a milestone due soon gets reminders on the reminders service,
and reaching the milestone cancels them (goals API → event store → relay → Kafka → reminders worker →
planner in the dispatcher → reminders API)."""
import uuid
from datetime import date, timedelta

import pytest
import requests

from tests.support import wait_until

pytestmark = pytest.mark.e2e


def milestone_reminders(platform, headers: dict, client_id: str, milestone_id: str, status: str):
    """The milestone's reminders once there are two and all have `status`, else None."""
    response = requests.get(f"{platform.url('reminders')}/v1/reminders", params={"client_id": client_id},
                            headers=headers, timeout=5)
    if response.status_code != 200:
        return None
    mine = [r for r in response.json()["items"] if r["milestone_id"] == milestone_id]
    return mine if len(mine) == 2 and {r["status"] for r in mine} == {status} else None


def test_a_milestone_due_soon_is_reminded_and_reaching_it_cancels_the_reminders(running_platform, token):
    headers = {"Authorization": token(clinic_id=f"clinic-{uuid.uuid4().hex[:8]}")}
    goals = running_platform.url("goals")
    created = requests.post(f"{goals}/v1/goals", headers=headers, timeout=10, json={
        "client_id": "client-e2e", "title": "Walk every morning", "category": "behaviour-change",
        "priority": "medium", "description": "", "target_date": (date.today() + timedelta(days=60)).isoformat(),
        "milestones": [{"title": "First week of walks", "due_date": (date.today() + timedelta(days=5)).isoformat()}]})
    assert created.status_code == 201, created.text
    goal_id, milestone_id = created.json()["goal_id"], created.json()["milestones"][0]["milestone_id"]

    pending = wait_until(lambda: milestone_reminders(running_platform, headers, "client-e2e", milestone_id, "pending"),
                         timeout=60, message="the milestone's reminders listed")
    assert {r["kind"] for r in pending} == {"milestone-due", "milestone-overdue"}
    assert {r["goal_id"] for r in pending} == {goal_id}

    reached = requests.post(f"{goals}/v1/goals/{goal_id}/milestones/{milestone_id}/reached", headers=headers,
                            timeout=10)
    assert reached.status_code == 200, reached.text
    cancelled = wait_until(lambda: milestone_reminders(running_platform, headers, "client-e2e", milestone_id,
                                                       "cancelled"), timeout=60, message="the reminders cancelled")
    assert {r["cancel_reason"] for r in cancelled} == {"milestone-reached"}
