"""POST /v1/goals, GET /v1/goals/{id}, GET /v1/goals (listing) and GET /v1/goals/{id}/events."""
import pytest

pytestmark = pytest.mark.integration


def test_creating_a_goal_answers_201_with_its_id_location_and_version(client, auth, goal_body):
    response = client.post("/v1/goals", json=goal_body(), headers=auth())

    assert response.status_code == 201
    goal = response.json
    assert response.headers["Location"] == f"/v1/goals/{goal['goal_id']}"
    assert response.headers["ETag"] == '"1"' and goal["version"] == 1
    assert goal["lifecycle_status"] == "active" and goal["achievement_status"] == "in-progress"
    assert [m["title"] for m in goal["milestones"]] == ["Ask one question", "Give a short update"]
    assert all(m["milestone_id"] and m["reached_at"] is None for m in goal["milestones"])


def test_a_new_goal_defaults_to_medium_priority_and_the_signed_in_clinician(new_goal):
    goal = new_goal()

    assert goal["priority"] == "medium"
    assert goal["clinician_id"] == "clinician-1"
    assert goal["description"] == "" and goal["measure"] is None and goal["gas_levels"] is None


def test_a_goal_keeps_its_measure_gas_levels_and_practice_rule(new_goal):
    levels = {"-2": "Avoids all meetings", "-1": "Attends, silent", "0": "One question",
              "1": "Two contributions", "2": "Leads an item"}
    goal = new_goal(measure={"name": "Panic attacks", "baseline": 4, "target": 1, "unit": "per week"},
                    gas_levels=levels, practice_rrule="FREQ=DAILY;BYHOUR=9", clinician_id="clinician-7",
                    priority="high", description="Feel less anxious at work")

    assert goal["measure"] == {"name": "Panic attacks", "baseline": 4.0, "target": 1.0, "unit": "per week"}
    assert goal["gas_levels"] == levels
    assert goal["practice_rrule"] == "FREQ=DAILY;BYHOUR=9"
    assert (goal["clinician_id"], goal["priority"]) == ("clinician-7", "high")


def test_reading_a_goal_returns_its_state_version_and_etag(client, auth, new_goal):
    created = new_goal()

    response = client.get(f"/v1/goals/{created['goal_id']}", headers=auth())

    assert response.status_code == 200
    assert response.json == created
    assert response.headers["ETag"] == '"1"'


def test_another_clinics_goal_is_not_found(client, auth, new_goal):
    goal = new_goal()

    response = client.get(f"/v1/goals/{goal['goal_id']}", headers=auth(clinic_id="clinic-elsewhere"))

    assert response.status_code == 404
    assert response.json["error_code"] == "goal-not-found"


def test_an_unknown_goal_is_not_found(client, auth):
    response = client.get("/v1/goals/no-such-goal", headers=auth())

    assert response.status_code == 404 and response.json["errors"] == {"goal_id": ["Expected an existing goal"]}


def test_a_session_id_is_not_a_goal(client, auth, session_body):
    session = client.post("/v1/sessions", json=session_body(), headers=auth()).json

    assert client.get(f"/v1/goals/{session['session_id']}", headers=auth()).status_code == 404
    assert client.get(f"/v1/goals/{session['session_id']}/events", headers=auth()).status_code == 404


def test_a_listed_goal_is_a_summary(client, auth, new_goal):
    goal = new_goal()

    listed = client.get("/v1/goals", headers=auth()).json["items"]

    assert listed == [{**{name: goal[name] for name in ("goal_id", "client_id", "clinician_id", "title", "category",
                       "priority", "target_date", "lifecycle_status", "achievement_status", "created_at")},
                       "milestones_total": 2}]


def test_listing_pages_through_the_clinics_goals_newest_first(client, auth, new_goal):
    titles = [new_goal(title=f"Goal {n}")["title"] for n in range(5)]

    first = client.get("/v1/goals?page=1&page_size=2", headers=auth()).json
    last = client.get("/v1/goals?page=3&page_size=2", headers=auth()).json

    assert (first["page"], first["page_size"], first["total"]) == (1, 2, 5)
    assert [goal["title"] for goal in first["items"]] == titles[::-1][:2]
    assert [goal["title"] for goal in last["items"]] == titles[:1]


def test_listing_filters_by_client_and_lifecycle_status(client, auth, new_goal):
    new_goal(client_id="client-a")
    on_hold = new_goal(client_id="client-a")
    new_goal(client_id="client-b")
    client.post(f"/v1/goals/{on_hold['goal_id']}/status",
                json={"lifecycle_status": "on-hold", "reason": "client-request"}, headers=auth())

    of_a = client.get("/v1/goals?client_id=client-a", headers=auth()).json
    held = client.get("/v1/goals?client_id=client-a&status=on-hold", headers=auth()).json

    assert of_a["total"] == 2 and {goal["client_id"] for goal in of_a["items"]} == {"client-a"}
    assert [goal["goal_id"] for goal in held["items"]] == [on_hold["goal_id"]]
    assert held["items"][0]["lifecycle_status"] == "on-hold"


def test_listing_never_shows_another_clinics_goals(client, auth, new_goal):
    new_goal(client_id="client-1")

    elsewhere = client.get("/v1/goals?client_id=client-1", headers=auth(clinic_id="clinic-elsewhere")).json

    assert elsewhere["items"] == [] and elsewhere["total"] == 0


def test_the_events_endpoint_lists_the_streams_cloudevents_in_order(client, auth, new_goal):
    goal = new_goal()
    milestone = goal["milestones"][0]["milestone_id"]
    client.post(f"/v1/goals/{goal['goal_id']}/milestones/{milestone}/reached", headers=auth())

    response = client.get(f"/v1/goals/{goal['goal_id']}/events", headers=auth())

    events = response.json["events"]
    assert response.status_code == 200 and response.json["version"] == 2
    assert [(e["type"], e["sequence"]) for e in events] == [("goal-created", 1), ("milestone-reached", 2)]
    assert all(e["specversion"] == "1.0" and e["subject"] == goal["goal_id"] and e["partitionkey"] == "client-1"
               for e in events)
    assert events[1]["data"]["milestone_id"] == milestone


def test_another_clinics_goal_events_are_not_found(client, auth, new_goal):
    goal = new_goal()

    response = client.get(f"/v1/goals/{goal['goal_id']}/events", headers=auth(clinic_id="clinic-elsewhere"))

    assert response.status_code == 404
