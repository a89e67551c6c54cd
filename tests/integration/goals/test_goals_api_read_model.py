"""The listing read model: guarded by version, derivable from the event store."""
from dataclasses import replace

import pytest

from services.goals.store.read_model import GOAL_INDEX, SESSION_INDEX, ReadModel
from services.goals.rebuild import rebuild
from services.goals.service import Actor

pytestmark = pytest.mark.integration


def listed(client, auth, path: str) -> list:
    return client.get(path, headers=auth()).json["items"]


def test_an_older_version_never_overwrites_a_newer_one(client, auth, new_goal, goals_app, goals_db, clinic):
    goal = new_goal()
    client.post(f"/v1/goals/{goal['goal_id']}/status", json={"lifecycle_status": "on-hold", "reason": "other"},
                headers=auth())
    service = goals_app.extensions["goals_service"]
    current = service.goal(Actor(clinic, "test"), goal["goal_id"])

    ReadModel(goals_db).goal_changed(clinic, None, replace(current, version=1, lifecycle_status="active"))
    ReadModel(goals_db).goal_changed(clinic, current, replace(current, version=2, lifecycle_status="planned"))

    assert [goal["lifecycle_status"] for goal in listed(client, auth, "/v1/goals")] == ["on-hold"]


def test_reaching_a_milestone_leaves_the_listed_summary_as_it_was(client, auth, new_goal, goals_db):
    goal = new_goal()
    stored = goals_db["goal_index"].find_one({"_id": goal["goal_id"]})

    client.post(f"/v1/goals/{goal['goal_id']}/milestones/{goal['milestones'][0]['milestone_id']}/reached",
                headers=auth())

    assert goals_db["goal_index"].find_one({"_id": goal["goal_id"]}) == stored


def test_adding_a_milestone_updates_the_listed_total(client, auth, new_goal):
    goal = new_goal()

    client.post(f"/v1/goals/{goal['goal_id']}/milestones", json={"title": "One more", "due_date": goal["target_date"]},
                headers=auth())

    assert [listed["milestones_total"] for listed in listed(client, auth, "/v1/goals")] == [3]


def test_the_read_model_is_rebuilt_from_the_event_store(client, auth, new_goal, session_body, goals_db):
    goal = new_goal()
    client.post(f"/v1/goals/{goal['goal_id']}/milestones/{goal['milestones'][0]['milestone_id']}/reached",
                headers=auth())
    client.post("/v1/sessions", json=session_body(goals=[{"goal_id": goal["goal_id"], "rating": 2}]), headers=auth())
    before = listed(client, auth, "/v1/goals"), listed(client, auth, "/v1/sessions")
    goals_db.drop_collection(GOAL_INDEX)
    goals_db.drop_collection(SESSION_INDEX)

    assert rebuild(goals_db) >= 2

    assert (listed(client, auth, "/v1/goals"), listed(client, auth, "/v1/sessions")) == before
    assert before[0][0]["goal_id"] == goal["goal_id"] and before[1][0]["goals"][0]["rating"] == 2
