"""Two API processes on one store: each caches streams, yet neither decides on stale state."""
import pytest

from services.goals.app import create_app

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def other_process(goals_settings, goals_db):
    """A second app on the same database: its own stream cache, like another gunicorn worker."""
    return create_app(goals_settings, db=goals_db).test_client()


def reach(api, auth, goal: dict, milestone_id: str, **headers):
    return api.post(f"/v1/goals/{goal['goal_id']}/milestones/{milestone_id}/reached", headers=auth(**headers))


def test_a_change_made_elsewhere_is_not_lost(client, other_process, auth, new_goal):
    goal = new_goal()
    first, second = (m["milestone_id"] for m in goal["milestones"])
    assert reach(other_process, auth, goal, first).status_code == 200

    response = reach(client, auth, goal, second)

    assert response.status_code == 200 and response.json["version"] == 3
    assert all(m["reached_at"] for m in response.json["milestones"])


def test_a_milestone_added_elsewhere_can_be_reached_here(client, other_process, auth, new_goal):
    goal = new_goal()
    added = other_process.post(f"/v1/goals/{goal['goal_id']}/milestones", json={"title": "New step",
                               "due_date": goal["target_date"]}, headers=auth()).json

    response = reach(client, auth, goal, added["milestone_id"])

    assert response.status_code == 200 and response.json["milestones"][-1]["reached_at"]


def test_a_milestone_reached_elsewhere_is_a_conflict_here(client, other_process, auth, new_goal):
    goal = new_goal()
    milestone = goal["milestones"][0]["milestone_id"]
    reach(other_process, auth, goal, milestone)

    response = reach(client, auth, goal, milestone)

    assert response.status_code == 409 and response.json["error_code"] == "milestone-already-reached"


def test_if_match_is_compared_with_the_stores_version_not_a_cached_one(client, other_process, auth, new_goal):
    goal = new_goal()
    reach(other_process, auth, goal, goal["milestones"][0]["milestone_id"])

    current = reach(client, auth, goal, goal["milestones"][1]["milestone_id"], **{"If-Match": '"2"'})
    stale = client.post(f"/v1/goals/{goal['goal_id']}/status", json={"lifecycle_status": "on-hold", "reason": "other"},
                        headers=auth(**{"If-Match": '"2"'}))

    assert current.status_code == 200 and stale.status_code == 412


def test_a_read_shows_what_another_process_stored(client, other_process, auth, new_goal):
    goal = new_goal()
    reach(other_process, auth, goal, goal["milestones"][0]["milestone_id"])

    assert client.get(f"/v1/goals/{goal['goal_id']}", headers=auth()).json["version"] == 2
    assert len(client.get(f"/v1/goals/{goal['goal_id']}/events", headers=auth()).json["events"]) == 2


def test_a_change_that_looks_like_nothing_on_a_stale_cache_is_decided_on_the_store(client, other_process, auth,
                                                                                   new_goal):
    goal = new_goal()
    url = f"/v1/goals/{goal['goal_id']}/status"
    other_process.post(url, json={"lifecycle_status": "on-hold", "reason": "other"}, headers=auth())

    response = client.post(url, json={"lifecycle_status": "active", "reason": "other"}, headers=auth())

    assert (response.status_code, response.json["version"], response.json["lifecycle_status"]) == (200, 3, "active")
