"""PATCH /v1/goals/{goal_id}: a JSON merge patch of a goal, recorded as goal-revised and relayed to Kafka."""
import json
from datetime import date, timedelta

import pytest

from shared.contract import types as t
from shared.messaging.topics import GOALS_EVENTS
from tests.support import read_topic

pytestmark = pytest.mark.integration

MERGE_PATCH = "application/merge-patch+json"
GAS_LEVELS = {"-2": "Avoids all meetings", "-1": "Attends, silent", "0": "One question", "1": "Two contributions",
              "2": "Leads an item"}


def patch(client, auth, goal: dict, body, content_type: str = MERGE_PATCH, **headers):
    return client.patch(f"/v1/goals/{goal['goal_id']}", data=json.dumps(body), content_type=content_type,
                        headers=auth(**headers))


def events_of(client, auth, goal: dict) -> list[dict]:
    return client.get(f"/v1/goals/{goal['goal_id']}/events", headers=auth()).json["events"]


def test_a_revision_answers_the_goal_as_get_does_and_records_one_goal_revised(client, auth, new_goal):
    goal = new_goal()
    later = (date.fromisoformat(goal["target_date"]) + timedelta(days=30)).isoformat()

    response = patch(client, auth, goal, {"title": "Speak up twice a week", "target_date": later,
                                          "priority": goal["priority"]})

    read = client.get(f"/v1/goals/{goal['goal_id']}", headers=auth())
    assert response.status_code == 200 and response.json == read.json
    assert response.headers["ETag"] == read.headers["ETag"] == '"2"'
    assert (read.json["title"], read.json["target_date"], read.json["version"]) == ("Speak up twice a week", later, 2)
    revised = events_of(client, auth, goal)[-1]
    assert (revised["type"], revised["sequence"], revised["partitionkey"]) == (t.GOAL_REVISED, 2, "client-1")
    assert revised["data"] == {"goal_id": goal["goal_id"], "client_id": "client-1",
                               "revised": ["title", "target_date"], "title": "Speak up twice a week",
                               "target_date": later}


def test_plain_json_is_accepted_too(client, auth, new_goal):
    goal = new_goal()

    response = patch(client, auth, goal, {"priority": "high"}, content_type="application/json")

    assert response.status_code == 200 and response.json["priority"] == "high"


def test_the_measure_and_gas_levels_merge_member_by_member_and_null_removes_them(client, auth, new_goal):
    goal = new_goal(measure={"name": "Panic attacks", "baseline": 4, "target": 1, "unit": "per week"},
                    gas_levels=GAS_LEVELS)

    merged = patch(client, auth, goal, {"measure": {"target": 0}, "gas_levels": {"0": "Two questions"}})
    removed = patch(client, auth, goal, {"measure": None, "description": None})

    assert merged.json["measure"] == {"name": "Panic attacks", "baseline": 4.0, "target": 0.0, "unit": "per week"}
    assert merged.json["gas_levels"] == {**GAS_LEVELS, "0": "Two questions"}
    assert (removed.json["measure"], removed.json["description"], removed.json["version"]) == (None, "", 3)


def test_a_patch_that_changes_nothing_answers_200_and_records_nothing(client, auth, new_goal):
    goal = new_goal()

    response = patch(client, auth, goal, {"title": goal["title"], "priority": goal["priority"]})
    empty = patch(client, auth, goal, {})

    assert response.status_code == empty.status_code == 200
    assert response.json == goal and response.headers["ETag"] == '"1"'
    assert [event["type"] for event in events_of(client, auth, goal)] == [t.GOAL_CREATED]


def test_the_listing_shows_the_revised_summary(client, auth, new_goal):
    goal = new_goal()

    patch(client, auth, goal, {"title": "Speak up twice", "priority": "low"})

    [listed] = client.get("/v1/goals", headers=auth()).json["items"]
    assert (listed["title"], listed["priority"]) == ("Speak up twice", "low")


@pytest.mark.parametrize("body, field", [
    ({"title": "   "}, "title"),
    ({"title": None}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"priority": "urgent"}, "priority"),
    ({"target_date": "2020-01-01"}, "target_date"),
    ({"target_date": None}, "target_date"),
    ({"measure": {"name": "SUDS"}}, "measure"),
    ({"measure": {"name": "SUDS", "baseline": 3, "target": 3, "unit": "points"}}, "measure.target"),
    ({"gas_levels": {"0": "Only one level"}}, "gas_levels"),
    ({"category": "other"}, "category"),
    ({"client_id": "client-2"}, "client_id"),
    ({"measure": {"colour": "red"}}, "measure.colour"),
])
def test_invalid_input_is_refused_naming_the_field_and_records_nothing(client, auth, new_goal, body, field):
    goal = new_goal()

    response = patch(client, auth, goal, body)

    assert response.status_code == 422 and field in response.json["errors"], response.json
    assert len(events_of(client, auth, goal)) == 1


def test_a_json_body_that_is_not_an_object_is_refused(client, auth, new_goal):
    goal = new_goal()

    assert patch(client, auth, goal, ["title"]).status_code == 422


def test_if_match_guards_the_revision(client, auth, new_goal):
    goal = new_goal()

    current = patch(client, auth, goal, {"title": "Speak up twice"}, **{"If-Match": '"1"'})
    stale = patch(client, auth, goal, {"title": "Speak up thrice"}, **{"If-Match": '"1"'})

    assert current.status_code == 200 and current.headers["ETag"] == '"2"'
    assert stale.status_code == 412 and stale.json["error_code"] == "stale-version"
    assert "If-Match" in stale.json["errors"]


def test_another_clinics_goal_is_not_found(client, auth, new_goal):
    goal = new_goal()

    response = client.patch(f"/v1/goals/{goal['goal_id']}", json={"title": "Mine now"},
                            headers=auth(clinic_id="clinic-elsewhere"))

    assert response.status_code == 404 and response.json["error_code"] == "goal-not-found"


def test_a_closed_goal_is_not_revised(client, auth, new_goal):
    goal = new_goal()
    client.post(f"/v1/goals/{goal['goal_id']}/status", json={"lifecycle_status": "cancelled", "reason": "other"},
                headers=auth())

    response = patch(client, auth, goal, {"title": "Speak up twice"})

    assert response.status_code == 409 and response.json["error_code"] == "goal-closed"


def test_gas_levels_may_change_until_a_session_rates_the_goal(client, auth, new_goal, session_body):
    goal = new_goal(gas_levels=GAS_LEVELS)
    before = patch(client, auth, goal, {"gas_levels": {"2": "Leads two items"}})
    client.post("/v1/sessions", json=session_body(goals=[{"goal_id": goal["goal_id"], "rating": 0}]),
                headers=auth())

    after = patch(client, auth, goal, {"gas_levels": {"2": "Leads the meeting"}})
    others = patch(client, auth, goal, {"title": "Speak up twice"})

    assert before.status_code == 200 and before.json["gas_levels"]["2"] == "Leads two items"
    assert after.status_code == 409 and after.json["error_code"] == "gas-levels-frozen"
    assert "gas_levels" in after.json["errors"]
    assert others.status_code == 200 and others.json["gas_levels"]["2"] == "Leads two items"


def test_a_session_that_only_lists_the_goal_without_a_rating_leaves_the_levels_open(client, auth, new_goal,
                                                                                      session_body):
    goal = new_goal(gas_levels=GAS_LEVELS)
    client.post("/v1/sessions", json=session_body(attendance="no-show", goals=[{"goal_id": goal["goal_id"]}]),
                headers=auth())

    assert patch(client, auth, goal, {"gas_levels": {"2": "Leads two items"}}).status_code == 200


def test_a_retried_revision_with_its_idempotency_key_gets_the_first_answer(client, auth, new_goal):
    goal = new_goal()
    first = patch(client, auth, goal, {"title": "Speak up twice"}, **{"Idempotency-Key": "revise-1", "If-Match": '"1"'})

    again = patch(client, auth, goal, {"title": "Speak up twice"}, **{"Idempotency-Key": "revise-1", "If-Match": '"1"'})

    assert first.status_code == again.status_code == 200 and again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(events_of(client, auth, goal)) == 2


def test_the_relay_publishes_goal_revised_to_kafka_with_only_the_changed_fields(relayed, auth, goal_body):
    settings, client, relay = relayed
    goal = client.post("/v1/goals", json=goal_body(), headers=auth()).json
    patch(client, auth, goal, {"title": "Speak up twice", "priority": "high"})

    assert relay() == 2

    internal = [json.loads(record.value) for record in read_topic(settings, GOALS_EVENTS, 2)]
    [revised] = [event for event in internal if event["type"] == t.GOAL_REVISED]
    assert (revised["subject"], revised["sequence"]) == (goal["goal_id"], 2)
    assert revised["data"] == {"goal_id": goal["goal_id"], "client_id": "client-1", "revised": ["title", "priority"],
                               "title": "Speak up twice", "priority": "high"}


@pytest.mark.parametrize("content_type, body, status", [("text/plain", '{"title": "Speak up twice"}', 415),
                                                        (MERGE_PATCH, "", 400), (MERGE_PATCH, "{", 400)])
def test_a_body_that_is_no_json_merge_patch_is_refused_rather_than_read_as_no_change(client, auth, new_goal,
                                                                                      content_type, body, status):
    goal = new_goal()

    response = client.patch(f"/v1/goals/{goal['goal_id']}", data=body, content_type=content_type, headers=auth())

    assert response.status_code == status and response.is_json
