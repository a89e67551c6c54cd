"""POST /v1/goals/{id}/milestones, .../milestones/{mid}/reached and /v1/goals/{id}/status."""
import pytest

pytestmark = pytest.mark.integration


def reach(client, auth, goal: dict, index: int = 0, **headers):
    milestone = goal["milestones"][index]["milestone_id"]
    return client.post(f"/v1/goals/{goal['goal_id']}/milestones/{milestone}/reached", headers=auth(**headers))


def test_adding_a_milestone_answers_201_with_its_id(client, auth, new_goal):
    goal = new_goal()

    response = client.post(f"/v1/goals/{goal['goal_id']}/milestones", json={"title": "Present a slide",
                           "due_date": goal["target_date"]}, headers=auth())

    added = response.json
    assert response.status_code == 201 and response.headers["Location"] == f"/v1/goals/{goal['goal_id']}"
    assert added["milestone_id"] and added["title"] == "Present a slide" and added["reached_at"] is None
    assert added["version"] == 2 and response.headers["ETag"] == '"2"'
    stored = client.get(f"/v1/goals/{goal['goal_id']}", headers=auth()).json
    assert stored["milestones"][-1]["milestone_id"] == added["milestone_id"]


def test_reaching_a_milestone_records_when(client, auth, new_goal):
    goal = new_goal()

    response = reach(client, auth, goal)

    assert response.status_code == 200 and response.headers["ETag"] == '"2"'
    assert response.json["milestones"][0]["reached_at"] is not None
    assert response.json["milestones"][1]["reached_at"] is None


def test_a_milestone_may_be_reached_at_a_given_time(client, auth, new_goal):
    goal = new_goal()
    milestone = goal["milestones"][0]["milestone_id"]

    response = client.post(f"/v1/goals/{goal['goal_id']}/milestones/{milestone}/reached",
                           json={"reached_at": "2025-03-10T09:30:00+01:00"}, headers=auth())

    assert response.json["milestones"][0]["reached_at"] == "2025-03-10T08:30:00+00:00"


def test_reaching_a_milestone_twice_is_a_conflict(client, auth, new_goal):
    goal = new_goal()
    reach(client, auth, goal)

    response = reach(client, auth, goal)

    assert response.status_code == 409
    assert response.json["error_code"] == "milestone-already-reached"
    assert "milestone_id" in response.json["errors"]


def test_reaching_an_unknown_milestone_is_not_found(client, auth, new_goal):
    goal = new_goal()

    response = client.post(f"/v1/goals/{goal['goal_id']}/milestones/nope/reached", headers=auth())

    assert response.status_code == 404 and response.json["error_code"] == "unknown-milestone"


def test_nothing_is_reached_on_a_cancelled_goal(client, auth, new_goal):
    goal = new_goal()
    client.post(f"/v1/goals/{goal['goal_id']}/status", json={"lifecycle_status": "cancelled",
                "reason": "no-longer-relevant"}, headers=auth())

    response = reach(client, auth, goal)

    assert response.status_code == 409 and response.json["error_code"] == "goal-closed"


def test_another_clinic_cannot_reach_a_milestone(client, auth, new_goal):
    goal = new_goal()

    assert reach(client, auth, goal, clinic_id="clinic-elsewhere").status_code == 404
    assert client.get(f"/v1/goals/{goal['goal_id']}", headers=auth()).json["version"] == 1


def test_achieved_alone_completes_the_goal(client, auth, new_goal):
    goal = new_goal()

    response = client.post(f"/v1/goals/{goal['goal_id']}/status", json={"achievement_status": "achieved",
                           "reason": "goal-met"}, headers=auth())

    assert response.status_code == 200
    assert (response.json["lifecycle_status"], response.json["achievement_status"]) == ("completed", "achieved")
    assert response.json["version"] == 2 and response.headers["ETag"] == '"2"'


def test_repeating_a_status_change_records_nothing_new(client, auth, new_goal):
    goal = new_goal()
    body = {"lifecycle_status": "on-hold", "reason": "client-request"}
    client.post(f"/v1/goals/{goal['goal_id']}/status", json=body, headers=auth())

    response = client.post(f"/v1/goals/{goal['goal_id']}/status", json=body, headers=auth())

    assert response.status_code == 200 and response.json["version"] == 2


@pytest.mark.parametrize("body, field", [
    ({"lifecycle_status": "on-hold"}, "reason"),
    ({"lifecycle_status": "on-hold", "reason": "the client moved abroad"}, "reason"),
    ({"lifecycle_status": "paused", "reason": "other"}, "lifecycle_status"),
    ({"achievement_status": "great", "reason": "other"}, "achievement_status"),
    ({"reason": "other"}, "lifecycle_status"),
])
def test_a_status_change_needs_known_statuses_and_a_coded_reason(client, auth, new_goal, body, field):
    goal = new_goal()

    response = client.post(f"/v1/goals/{goal['goal_id']}/status", json=body, headers=auth())

    assert response.status_code == 422 and field in response.json["errors"]


def test_a_finished_goal_is_not_reopened(client, auth, new_goal):
    goal = new_goal()
    client.post(f"/v1/goals/{goal['goal_id']}/status", json={"achievement_status": "achieved", "reason": "goal-met"},
                headers=auth())

    response = client.post(f"/v1/goals/{goal['goal_id']}/status", json={"lifecycle_status": "active",
                           "reason": "clinician-decision"}, headers=auth())

    assert response.status_code == 409 and response.json["error_code"] == "goal-closed"


def test_a_milestone_cannot_be_due_in_the_past(client, auth, new_goal):
    goal = new_goal()

    response = client.post(f"/v1/goals/{goal['goal_id']}/milestones", json={"title": "Late", "due_date": "2001-01-01"},
                           headers=auth())

    assert response.status_code == 422 and response.json["error_code"] == "date-in-the-past"
    assert "due_date" in response.json["errors"]
