"""Through the running platform: a goal revised with PATCH reaches the reports and re-plans its reminders
(goals API → event store → relay → Kafka goal-revised → reports worker and reminders worker → their APIs)."""
import uuid
from datetime import date, datetime, timedelta

import pytest
import requests

from tests.support import wait_until

pytestmark = pytest.mark.e2e


def practice_reminders(platform, headers: dict, client_id: str, goal_id: str, check) -> list | None:
    response = requests.get(f"{platform.url('reminders')}/v1/reminders", params={"client_id": client_id},
                            headers=headers, timeout=5)
    if response.status_code != 200:
        return None
    mine = [r for r in response.json()["items"] if r["goal_id"] == goal_id and r["kind"] == "practice"]
    return mine if mine and check(mine) else None


def test_a_revised_goal_shows_in_its_report_and_an_earlier_target_date_cancels_the_practice_after_it(
        running_platform, token):
    headers = {"Authorization": token(clinic_id=f"clinic-{uuid.uuid4().hex[:8]}")}
    goals, reports = running_platform.url("goals"), running_platform.url("reports")
    today = date.today()
    created = requests.post(f"{goals}/v1/goals", headers=headers, timeout=10, json={
        "client_id": "client-e2e", "title": "Breathing practice", "category": "anxiety", "priority": "low",
        "target_date": (today + timedelta(days=8)).isoformat(), "practice_rrule": "FREQ=DAILY;BYHOUR=9;BYMINUTE=0",
        "milestones": []})
    assert created.status_code == 201, created.text
    goal_id = created.json()["goal_id"]
    planned = wait_until(lambda: practice_reminders(running_platform, headers, "client-e2e", goal_id,
                                                    lambda mine: len(mine) >= 5), timeout=60,
                         message="the goal's practice reminders planned")
    assert {r["status"] for r in planned} <= {"pending", "expired"}

    new_target = today + timedelta(days=2)
    revised = requests.patch(f"{goals}/v1/goals/{goal_id}", timeout=10,
                             headers={**headers, "Content-Type": "application/merge-patch+json",
                                      "If-Match": created.headers["ETag"]},
                             json={"title": "Breathing practice, twice a day", "priority": "high",
                                   "target_date": new_target.isoformat()})
    assert revised.status_code == 200, revised.text
    assert (revised.json()["title"], revised.json()["priority"], revised.json()["target_date"]) == (
        "Breathing practice, twice a day", "high", new_target.isoformat())
    stale = requests.patch(f"{goals}/v1/goals/{goal_id}", timeout=10, json={"priority": "low"},
                           headers={**headers, "If-Match": created.headers["ETag"]})
    assert stale.status_code == 412, stale.text

    def report_revised():
        response = requests.get(f"{reports}/v1/reports/goals/{goal_id}", headers=headers, timeout=5)
        body = response.json() if response.status_code == 200 else {}
        return body if body.get("target_date") == new_target.isoformat() else None
    report = wait_until(report_revised, timeout=60, message="the revision in the goal report")
    assert (report["title"], report["priority"]) == ("Breathing practice, twice a day", "high")

    def after_new_target(reminder: dict) -> bool:
        return datetime.fromisoformat(reminder["due_at"]).date() > new_target + timedelta(days=1)
    replanned = wait_until(lambda: practice_reminders(
        running_platform, headers, "client-e2e", goal_id,
        lambda mine: all(r["status"] == "cancelled" for r in mine if after_new_target(r))), timeout=60,
        message="the practice after the new target date cancelled")
    later = [r for r in replanned if after_new_target(r)]
    assert later and {r["cancel_reason"] for r in later} == {"replanned"}
