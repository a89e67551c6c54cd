"""End to end: commands on the goals API show up in the reports API (gunicorn, relay, Kafka, reports worker)."""
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
import requests

from tests.support import wait_until

pytestmark = pytest.mark.e2e


def ready_report(url: str, headers: dict, check=lambda report: True):
    """The report once it exists and passes `check` (the projection is eventually consistent)."""
    def fetch():
        response = requests.get(url, headers=headers, timeout=5)
        return response.json() if response.status_code == 200 and check(response.json()) else None
    return wait_until(fetch, timeout=60, interval=0.5, message=f"report {url}")


def test_a_new_goal_reached_milestone_and_logged_session_reach_the_reports(running_platform, token):
    staff = {"Authorization": token("clinician", clinic_id=f"clinic-{uuid.uuid4().hex[:8]}")}
    goals, reports = running_platform.url("goals"), running_platform.url("reports")
    created = requests.post(f"{goals}/v1/goals", headers=staff, timeout=10, json={
        "client_id": "client-e2e", "title": "Walk to the shop alone", "category": "anxiety",
        "target_date": (date.today() + timedelta(days=60)).isoformat(),
        "milestones": [{"title": "To the corner", "due_date": (date.today() + timedelta(days=14)).isoformat()},
                       {"title": "To the shop", "due_date": (date.today() + timedelta(days=30)).isoformat()}]})
    assert created.status_code == 201, created.text
    goal = created.json()

    report = ready_report(f"{reports}/v1/reports/goals/{goal['goal_id']}", staff)
    assert {k: report[k] for k in ("goal_id", "client_id", "lifecycle_status", "achievement_status",
                                   "milestones_total", "milestones_reached")} == {
        "goal_id": goal["goal_id"], "client_id": "client-e2e", "lifecycle_status": goal["lifecycle_status"],
        "achievement_status": goal["achievement_status"], "milestones_total": 2, "milestones_reached": 0}

    milestone = goal["milestones"][0]["milestone_id"]
    reached = requests.post(f"{goals}/v1/goals/{goal['goal_id']}/milestones/{milestone}/reached", headers=staff,
                            json={}, timeout=10)
    assert reached.status_code in (200, 201), reached.text
    session = requests.post(f"{goals}/v1/sessions", headers=staff, timeout=10, json={
        "client_id": "client-e2e", "occurred_at": (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat(),
        "duration_minutes": 50, "attendance": "attended", "modality": "video",
        "goals": [{"goal_id": goal["goal_id"], "rating": 1}], "measures": {"phq9": 12, "phq9_item9": 0, "gad7": 9}})
    assert session.status_code == 201, session.text

    report = ready_report(f"{reports}/v1/reports/goals/{goal['goal_id']}", staff,
                          lambda r: r["milestones_reached"] == 1 and r["latest_rating"] == 1)
    assert report["milestones"][0]["reached_at"] is not None
    client = ready_report(f"{reports}/v1/reports/clients/client-e2e", staff, lambda r: r["sessions_attended"] == 1)
    assert (client["phq9"]["band"], client["gad7"]["band"], client["gas_t_score"]) == ("moderate", "mild", 60.0)
    partner = {"Authorization": token("partner")}
    assert requests.get(f"{reports}/v1/reports/clients/client-e2e", headers=partner, timeout=5).status_code == 403
