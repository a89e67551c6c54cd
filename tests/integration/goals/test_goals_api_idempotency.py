"""Idempotency-Key: a retried POST gets the first answer and records nothing twice."""
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.integration


def keyed(auth, key: str, **extra) -> dict:
    return auth(**{"Idempotency-Key": key}, **extra)


def commits_of(goals_db, stream_id: str) -> int:
    return goals_db["commits"].count_documents({"stream_id": stream_id})


def test_a_retried_create_returns_the_first_answer_and_creates_one_goal(client, auth, goal_body, goals_db):
    first = client.post("/v1/goals", json=goal_body(), headers=keyed(auth, "create-1"))

    again = client.post("/v1/goals", json=goal_body(), headers=keyed(auth, "create-1"))

    assert (again.status_code, again.json) == (first.status_code, first.json)
    assert again.headers["Location"] == first.headers["Location"] and again.headers["Idempotent-Replayed"] == "true"
    assert client.get("/v1/goals", headers=auth()).json["total"] == 1
    assert commits_of(goals_db, first.json["goal_id"]) == 1


def test_key_order_in_the_body_does_not_matter(client, auth, goal_body):
    body = goal_body()
    first = client.post("/v1/goals", json=body, headers=keyed(auth, "create-2"))

    again = client.post("/v1/goals", json=dict(reversed(list(body.items()))), headers=keyed(auth, "create-2"))

    assert again.json["goal_id"] == first.json["goal_id"]


def test_a_retried_reach_is_answered_200_again_not_409(client, auth, new_goal, goals_db):
    goal = new_goal()
    url = f"/v1/goals/{goal['goal_id']}/milestones/{goal['milestones'][0]['milestone_id']}/reached"
    first = client.post(url, headers=keyed(auth, "reach-1"))

    again = client.post(url, headers=keyed(auth, "reach-1"))

    assert first.status_code == again.status_code == 200 and again.json == first.json
    assert commits_of(goals_db, goal["goal_id"]) == 2


def test_the_same_key_with_another_body_is_refused(client, auth, goal_body):
    client.post("/v1/goals", json=goal_body(), headers=keyed(auth, "create-3"))

    response = client.post("/v1/goals", json=goal_body(title="Another goal"), headers=keyed(auth, "create-3"))

    assert response.status_code == 422 and response.json["error_code"] == "idempotency-key-reused"
    assert "Idempotency-Key" in response.json["errors"]


def test_the_same_key_on_another_endpoint_is_refused(client, auth, new_goal):
    goal = new_goal()
    url = f"/v1/goals/{goal['goal_id']}/milestones/{goal['milestones'][0]['milestone_id']}/reached"
    client.post(url, headers=keyed(auth, "shared-key"))

    response = client.post(f"/v1/goals/{goal['goal_id']}/status", json={"lifecycle_status": "on-hold",
                           "reason": "other"}, headers=keyed(auth, "shared-key"))

    assert response.status_code == 422


def test_keys_belong_to_a_clinic(client, auth, goal_body):
    ours = client.post("/v1/goals", json=goal_body(), headers=keyed(auth, "create-4"))

    theirs = client.post("/v1/goals", json=goal_body(), headers=keyed(auth, "create-4", clinic_id="clinic-other"))

    assert theirs.status_code == 201 and theirs.json["goal_id"] != ours.json["goal_id"]
    assert client.get(f"/v1/goals/{ours.json['goal_id']}", headers=auth(clinic_id="clinic-other")).status_code == 404


def test_a_refused_request_leaves_the_key_free(client, auth, goal_body):
    refused = client.post("/v1/goals", json=goal_body(target_date="2001-01-01"), headers=keyed(auth, "create-5"))

    accepted = client.post("/v1/goals", json=goal_body(), headers=keyed(auth, "create-5"))

    assert (refused.status_code, accepted.status_code) == (422, 201)


def test_the_same_request_sent_many_times_at_once_stores_one_goal_and_each_gets_its_answer(
        goals_app, auth, goal_body, goals_db):
    def send(_):
        return goals_app.test_client().post("/v1/goals", json=goal_body(), headers=keyed(auth, "create-6"))

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(send, range(6)))

    assert {(answer.status_code, answer.json["goal_id"]) for answer in answers} == {(201, answers[0].json["goal_id"])}
    assert commits_of(goals_db, answers[0].json["goal_id"]) == 1


def test_a_change_that_stored_nothing_leaves_the_key_free(client, auth, new_goal):
    goal = new_goal()
    url = f"/v1/goals/{goal['goal_id']}/status"
    unchanged = client.post(url, json={"lifecycle_status": "active", "reason": "other"}, headers=keyed(auth, "noop"))

    changed = client.post(url, json={"lifecycle_status": "active", "reason": "other"}, headers=keyed(auth, "noop"))

    assert unchanged.json["version"] == changed.json["version"] == 1
    assert "Idempotent-Replayed" not in changed.headers
