"""A worker killed between storing a command's events and answering: the retry and the listing still tell the truth."""
import json
import signal
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def dying_request(goals_settings):
    """dying_request(method, path, json, headers): send it from a worker that is killed right after its append."""
    def send(method: str, path: str, body, headers: dict) -> None:
        call = json.dumps({"method": method, "path": path, "json": body, "headers": headers})
        done = subprocess.run([sys.executable, "-m", "tests.integration.goals.dying_worker",
                               goals_settings.mongodb_db_prefix, goals_settings.jwt_secret, call],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr
    return send


def keyed(auth, key: str) -> dict:
    return auth(**{"Idempotency-Key": key})


def test_a_create_retried_after_the_worker_died_answers_the_goal_it_stored(client, auth, goal_body, goals_db,
                                                                           dying_request):
    dying_request("POST", "/v1/goals", goal_body(), keyed(auth, "died-creating"))

    retry = client.post("/v1/goals", json=goal_body(), headers=keyed(auth, "died-creating"))

    assert retry.status_code == 201, retry.json
    assert retry.headers["Location"] == f"/v1/goals/{retry.json['goal_id']}" and retry.json["version"] == 1
    assert goals_db["commits"].count_documents({"stream_id": retry.json["goal_id"]}) == 1


def test_a_reach_retried_after_the_worker_died_answers_what_it_stored(client, auth, new_goal, goals_db, dying_request):
    goal = new_goal()
    url = f"/v1/goals/{goal['goal_id']}/milestones/{goal['milestones'][0]['milestone_id']}/reached"
    dying_request("POST", url, None, keyed(auth, "died-reaching"))

    retry = client.post(url, headers=keyed(auth, "died-reaching"))

    assert retry.status_code == 200, retry.json
    assert retry.json["version"] == 2 and retry.json["milestones"][0]["reached_at"]
    assert goals_db["commits"].count_documents({"stream_id": goal["goal_id"]}) == 2


def test_a_retry_after_later_changes_still_answers_the_first_outcome(client, auth, new_goal, dying_request):
    goal = new_goal()
    status = {"lifecycle_status": "on-hold", "reason": "other"}
    dying_request("POST", f"/v1/goals/{goal['goal_id']}/status", status, keyed(auth, "died-holding"))
    client.post(f"/v1/goals/{goal['goal_id']}/status", json={"lifecycle_status": "completed", "reason": "goal-met"},
                headers=auth())

    retry = client.post(f"/v1/goals/{goal['goal_id']}/status", json=status, headers=keyed(auth, "died-holding"))

    assert (retry.status_code, retry.json["version"], retry.json["lifecycle_status"]) == (200, 2, "on-hold")
    assert client.get(f"/v1/goals/{goal['goal_id']}", headers=auth()).json["lifecycle_status"] == "completed"


def test_a_goal_stored_by_a_worker_that_died_is_listed(client, auth, goal_body, dying_request):
    dying_request("POST", "/v1/goals", goal_body(client_id="client-died"), auth())

    listed = client.get("/v1/goals?client_id=client-died", headers=auth()).json

    assert listed["total"] == 1 and listed["items"][0]["client_id"] == "client-died"


def test_a_status_change_stored_by_a_worker_that_died_is_listed(client, auth, new_goal, dying_request):
    goal = new_goal()
    dying_request("POST", f"/v1/goals/{goal['goal_id']}/status", {"lifecycle_status": "on-hold", "reason": "other"},
                  auth())

    listed = client.get("/v1/goals?status=on-hold", headers=auth()).json

    assert [item["goal_id"] for item in listed["items"]] == [goal["goal_id"]]


def test_a_session_stored_by_a_worker_that_died_is_listed_and_freezes_the_gas_levels(
        client, auth, new_goal, session_body, dying_request):
    goal = new_goal(gas_levels={"-2": "None", "-1": "Some", "0": "Expected", "1": "More", "2": "Much more"})
    dying_request("POST", "/v1/sessions", session_body(goals=[{"goal_id": goal["goal_id"], "rating": 0}]), auth())

    sessions = client.get("/v1/sessions", headers=auth()).json
    patched = client.patch(f"/v1/goals/{goal['goal_id']}", json={"gas_levels": {"0": "Other"}}, headers=auth())

    assert sessions["total"] == 1
    assert patched.status_code == 409 and patched.json["error_code"] == "gas-levels-frozen"
