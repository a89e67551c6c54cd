"""Bad input answers 4xx JSON in the one error shape, naming the field; never a 500, never HTML."""
import json

import pytest

pytestmark = pytest.mark.integration

LEVELS = {"-2": "a", "-1": "b", "0": "c", "1": "d", "2": "e"}


def assert_names(response, status: int, field: str):
    assert response.status_code == status, response.json
    assert response.is_json and response.json["code"] == status
    assert field in response.json["errors"], response.json


def test_malformed_json_is_a_bad_request_about_the_body(client, auth):
    response = client.post("/v1/goals", data='{"client_id": ', content_type="application/json", headers=auth())

    assert_names(response, 400, "body")


def test_an_oversized_body_is_refused_as_json(client, auth, goal_body):
    response = client.post("/v1/goals", json=goal_body(description="x" * (1024 * 1024)), headers=auth())

    assert response.status_code == 413 and response.is_json and response.json["code"] == 413


def test_a_json_array_instead_of_an_object_is_refused(client, auth):
    assert_names(client.post("/v1/goals", json=["client-1"], headers=auth()), 422, "body")


def test_a_body_of_another_media_type_is_refused_rather_than_read_as_empty(client, auth):
    response = client.post("/v1/goals", data="client_id=client-1", content_type="text/plain", headers=auth())

    assert_names(response, 415, "Content-Type")


def test_a_command_without_a_body_names_the_body(client, auth):
    assert_names(client.post("/v1/sessions", headers=auth()), 400, "body")


@pytest.mark.parametrize("changes, field", [
    ({"unexpected": 1}, "unexpected"),
    ({"client_id": 42}, "client_id"),
    ({"client_id": "has spaces"}, "client_id"),
    ({"client_id": "x" * 65}, "client_id"),
    ({"title": None}, "title"),
    ({"title": "   "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"description": "x" * 2001}, "description"),
    ({"category": "sadness"}, "category"),
    ({"priority": "urgent"}, "priority"),
    ({"target_date": "next week"}, "target_date"),
    ({"target_date": "2020-01-01"}, "target_date"),
    ({"target_date": "9999-12-31"}, "target_date"),
    ({"milestones": "one"}, "milestones"),
    ({"milestones": [{"title": "x"}]}, "milestones[0].due_date"),
    ({"milestones": [{"title": "x", "due_date": "2001-01-01"}]}, "milestones[0].due_date"),
    ({"milestones": [{"title": "x", "due_date": "2099-01-01", "done": True}]}, "milestones[0].done"),
    ({"gas_levels": {"0": "expected"}}, "gas_levels.-2"),
    ({"gas_levels": {**LEVELS, "3": "way more"}}, "gas_levels.3"),
    ({"gas_levels": {**LEVELS, "-1": " "}}, "gas_levels.-1"),
    ({"measure": {"name": "x", "baseline": 1, "target": 1, "unit": "u"}}, "measure.target"),
    ({"measure": {"name": "x", "baseline": "high", "target": 1, "unit": "u"}}, "measure.baseline"),
    ({"measure": {"name": "x", "baseline": 1e400, "target": 1, "unit": "u"}}, "measure.baseline"),
    ({"practice_rrule": "every day"}, "practice_rrule"),
    ({"clinician_id": "a/b"}, "clinician_id"),
])
def test_a_bad_goal_field_is_named(client, auth, goal_body, changes, field):
    assert_names(client.post("/v1/goals", json=goal_body(**changes), headers=auth()), 422, field)


@pytest.mark.parametrize("changes, field", [
    ({"occurred_at": "2025-03-10T10:00:00"}, "occurred_at"),
    ({"occurred_at": "9999-12-31T23:00:00-05:00"}, "occurred_at"),
    ({"duration_minutes": 0}, "duration_minutes"),
    ({"duration_minutes": 601}, "duration_minutes"),
    ({"duration_minutes": "50"}, "duration_minutes"),
    ({"duration_minutes": 50.5}, "duration_minutes"),
    ({"attendance": "late"}, "attendance"),
    ({"modality": "letter"}, "modality"),
    ({"goals": [{"goal_id": "g-1", "rating": 3}]}, "goals[0].rating"),
    ({"goals": [{"goal_id": "g-1", "rating": True}]}, "goals[0].rating"),
    ({"goals": [{"rating": 1}]}, "goals[0].goal_id"),
    ({"measures": {"phq9": 28}}, "measures.phq9"),
    ({"measures": {"phq9": 5, "phq9_item9": 4}}, "measures.phq9_item9"),
    ({"measures": {"gad7": -1}}, "measures.gad7"),
    ({"measures": {"bdi": 3}}, "measures.bdi"),
    ({"next_session_at": "soon"}, "next_session_at"),
])
def test_a_bad_session_field_is_named(client, auth, session_body, changes, field):
    assert_names(client.post("/v1/sessions", json=session_body(**changes), headers=auth()), 422, field)


@pytest.mark.parametrize("query, field", [
    ("page=0", "page"),
    ("page=abc", "page"),
    ("page_size=101", "page_size"),
    ("page=10001", "page"),
    ("status=finished", "status"),
    ("client_id=a%20b", "client_id"),
    ("sort=title", "sort"),
])
def test_a_bad_query_parameter_is_named(client, auth, query, field):
    assert_names(client.get(f"/v1/goals?{query}", headers=auth()), 422, field)


@pytest.mark.parametrize("path", ["/v1/goals/g-1?verbose=1", "/v1/sessions?limit=5", "/v1/sessions/s-1?x=1"])
def test_unknown_query_parameters_are_refused_everywhere(client, auth, path):
    response = client.get(path, headers=auth())

    assert response.status_code == 422 and response.is_json


def test_a_reached_at_in_the_future_or_without_zone_is_refused(client, auth, new_goal):
    goal = new_goal()
    url = f"/v1/goals/{goal['goal_id']}/milestones/{goal['milestones'][0]['milestone_id']}/reached"

    assert_names(client.post(url, json={"reached_at": "2025-03-10T10:00:00"}, headers=auth()), 422, "reached_at")
    assert_names(client.post(url, json={"reached_at": "2190-01-01T10:00:00Z"}, headers=auth()), 422, "reached_at")


DEEP = "[" * 1000 + "]" * 1000


@pytest.mark.parametrize("method, path", [("post", "/v1/goals"), ("post", "/v1/sessions"), ("patch", "/v1/goals/g-1"),
                                          ("post", "/v1/goals/g-1/milestones"), ("post", "/v1/goals/g-1/status"),
                                          ("post", "/v1/goals/g-1/milestones/m-1/reached")])
def test_a_body_nested_1000_deep_is_a_bad_request_about_the_body(client, auth, method, path):
    response = getattr(client, method)(path, data='{"title": ' + DEEP + "}", content_type="application/json",
                                       headers=auth(**{"Idempotency-Key": "deep-1"}))

    assert_names(response, 400, "body")


@pytest.mark.parametrize("changes, field", [
    ({"title": "x\ud800y"}, "title"),
    ({"description": "\udfff"}, "description"),
    ({"milestones": [{"title": "ok", "due_date": "2099-01-01"}, {"title": "\ud83d", "due_date": "2099-01-01"}]},
     "milestones[1].title"),
])
def test_a_lone_surrogate_in_a_goal_field_is_named(client, auth, goal_body, changes, field):
    body = json.dumps(goal_body(**changes))  # a lone surrogate is sent as its escape, "\ud800"

    assert_names(client.post("/v1/goals", data=body, content_type="application/json", headers=auth()), 422, field)


def test_a_lone_surrogate_in_a_session_field_is_named(client, auth, session_body):
    body = json.dumps(session_body(goals=[{"goal_id": "g\udc00", "rating": 1}]))

    assert_names(client.post("/v1/sessions", data=body, content_type="application/json", headers=auth()), 422,
                 "goals[0].goal_id")


def test_a_405_carries_allow(client, auth):
    response = client.delete("/v1/sessions", headers=auth())

    assert response.status_code == 405 and response.is_json
    assert {"GET", "POST"} <= {method.strip() for method in response.headers["Allow"].split(",")}


@pytest.mark.parametrize("method, path", [("get", "/v2/goals"), ("get", "/nowhere"), ("delete", "/v1/goals"),
                                          ("put", "/v1/goals/g-1"), ("get", "/v1/goals/g-1/status")])
def test_unknown_routes_and_methods_answer_json(client, auth, method, path):
    response = getattr(client, method)(path, headers=auth())

    assert response.status_code in (404, 405) and response.is_json
    assert response.json["code"] == response.status_code and "<html" not in response.get_data(as_text=True)


def test_an_invalid_idempotency_key_is_named(client, auth, goal_body):
    response = client.post("/v1/goals", json=goal_body(), headers=auth(**{"Idempotency-Key": "x" * 256}))

    assert_names(response, 422, "Idempotency-Key")
