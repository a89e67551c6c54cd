"""POST /v1/sessions, GET /v1/sessions/{id} and GET /v1/sessions?client_id=."""
import pytest

pytestmark = pytest.mark.integration


def test_logging_a_session_answers_201_with_its_id_and_location(client, auth, new_goal, session_body):
    goal = new_goal()
    body = session_body(goals=[{"goal_id": goal["goal_id"], "rating": 1}], measures={"phq9": 12, "phq9_item9": 1,
                        "gad7": 9}, next_session_at="2025-03-17T10:00:00+01:00")

    response = client.post("/v1/sessions", json=body, headers=auth())

    session = response.json
    assert response.status_code == 201 and response.headers["Location"] == f"/v1/sessions/{session['session_id']}"
    assert session["occurred_at"] == "2025-03-10T09:00:00+00:00"
    assert session["goals"] == [{"goal_id": goal["goal_id"], "rating": 1}]
    assert session["measures"] == {"phq9": 12, "phq9_item9": 1, "gad7": 9}
    assert session["clinician_id"] == "clinician-1" and session["version"] == 1


def test_reading_a_session_returns_what_was_logged(client, auth, session_body):
    logged = client.post("/v1/sessions", json=session_body(attendance="no-show"), headers=auth()).json

    response = client.get(f"/v1/sessions/{logged['session_id']}", headers=auth())

    assert response.status_code == 200 and response.json == logged and response.headers["ETag"] == '"1"'
    assert response.json["measures"] == {"phq9": None, "phq9_item9": None, "gad7": None}


def test_another_clinics_session_is_not_found(client, auth, session_body):
    logged = client.post("/v1/sessions", json=session_body(), headers=auth()).json

    response = client.get(f"/v1/sessions/{logged['session_id']}", headers=auth(clinic_id="clinic-elsewhere"))

    assert response.status_code == 404 and response.json["error_code"] == "session-not-found"


def test_a_goal_id_is_not_a_session(client, auth, new_goal):
    assert client.get(f"/v1/sessions/{new_goal()['goal_id']}", headers=auth()).status_code == 404


def test_listing_shows_a_clients_sessions_latest_first_and_only_this_clinics(client, auth, session_body):
    for day in ("03", "10", "17"):
        client.post("/v1/sessions", json=session_body(occurred_at=f"2025-03-{day}T10:00:00+00:00"), headers=auth())
    client.post("/v1/sessions", json=session_body(client_id="client-2"), headers=auth())
    client.post("/v1/sessions", json=session_body(), headers=auth(clinic_id="clinic-elsewhere"))

    page = client.get("/v1/sessions?client_id=client-1", headers=auth()).json

    assert page["total"] == 3 and (page["page"], page["page_size"]) == (1, 20)
    assert [s["occurred_at"][:10] for s in page["items"]] == ["2025-03-17", "2025-03-10", "2025-03-03"]


def test_a_session_rates_only_goals_of_its_client(client, auth, new_goal, session_body):
    other_clients_goal = new_goal(client_id="client-2")

    response = client.post("/v1/sessions", json=session_body(goals=[{"goal_id": other_clients_goal["goal_id"],
                           "rating": 0}]), headers=auth())

    assert response.status_code == 422
    assert response.json["errors"] == {"goals[0].goal_id": ["Expected a goal of this client"]}


def test_a_session_cannot_rate_another_clinics_goal(client, auth, new_goal, session_body):
    goal = new_goal()

    response = client.post("/v1/sessions", json=session_body(goals=[{"goal_id": goal["goal_id"]}]),
                           headers=auth(clinic_id="clinic-elsewhere"))

    assert response.status_code == 422 and "goals[0].goal_id" in response.json["errors"]


@pytest.mark.parametrize("changes, field, code", [
    ({"attendance": "no-show", "measures": {"phq9": 3}}, "measures.phq9", "session-not-attended"),
    ({"measures": {"phq9_item9": 1}}, "measures.phq9_item9", "item9-without-phq9"),
    ({"measures": {"phq9": 1, "phq9_item9": 2}}, "measures.phq9_item9", "item9-exceeds-phq9"),
    ({"next_session_at": "2025-03-01T10:00:00+00:00"}, "next_session_at", "next-session-not-after-session"),
])
def test_a_session_is_refused_when_its_facts_do_not_fit(client, auth, session_body, changes, field, code):
    response = client.post("/v1/sessions", json=session_body(**changes), headers=auth())

    assert response.status_code == 422
    assert response.json["error_code"] == code and field in response.json["errors"]


def test_a_session_rating_the_same_goal_twice_is_refused(client, auth, new_goal, session_body):
    goal_id = new_goal()["goal_id"]

    response = client.post("/v1/sessions", json=session_body(goals=[{"goal_id": goal_id, "rating": 1},
                           {"goal_id": goal_id, "rating": 2}]), headers=auth())

    assert response.status_code == 422 and "goals[1].goal_id" in response.json["errors"]
