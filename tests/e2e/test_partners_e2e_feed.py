"""A partner's pull feed through the running platform: a clinic admin subscribes a partner, a clinician sets a
goal, and the partner reads it, pseudonymised, from the partners service; once the client withdraws, nothing."""
import json
import uuid
from datetime import date, timedelta

import pytest
import requests

from tests.support import wait_until

pytestmark = pytest.mark.e2e


def pulled(platform, subscription_id: str, headers: dict) -> list[dict]:
    response = requests.get(f"{platform.url('partners')}/v1/subscriptions/{subscription_id}/events",
                            params={"limit": 500}, headers=headers, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()["events"]


def test_a_partner_pulls_the_clinics_goal_pseudonymised_until_the_client_withdraws(running_platform, token):
    clinic, client_id = f"clinic-{uuid.uuid4().hex[:8]}", f"client-{uuid.uuid4().hex[:8]}"
    admin = {"Authorization": token("clinic_admin", clinic, "admin-1")}
    partner = {"Authorization": token("partner", clinic, "registry-1")}
    created = requests.post(f"{running_platform.url('partners')}/v1/subscriptions", headers=admin, timeout=10,
                            json={"partner_id": "registry-1", "event_types": ["goal-created"]})
    assert created.status_code == 201, created.text
    subscription_id = created.json()["subscription_id"]
    goal = requests.post(f"{running_platform.url('goals')}/v1/goals", headers={"Authorization": token(
        clinic_id=clinic)}, timeout=10, json={
        "client_id": client_id, "title": "Walk every morning", "category": "stress-management",
        "target_date": (date.today() + timedelta(days=60)).isoformat(), "milestones": []})
    assert goal.status_code == 201, goal.text

    [event] = wait_until(lambda: pulled(running_platform, subscription_id, partner), timeout=60,
                         message="the goal in the partner's feed")

    assert event["type"] == "goal-created" and event["data"]["pseudonym"].startswith("psn_")
    assert client_id not in json.dumps(event) and "Walk every morning" not in json.dumps(event)
    assert goal.json()["goal_id"] not in json.dumps(event)
    withdrawn = requests.put(f"{running_platform.url('goals')}/v1/clients/{client_id}/sharing", timeout=10,
                             headers={"Authorization": token(clinic_id=clinic)}, json={"partners": False})
    assert withdrawn.status_code == 200, withdrawn.text
    wait_until(lambda: not pulled(running_platform, subscription_id, partner), timeout=60,
               message="the withdrawn client's events withheld")
