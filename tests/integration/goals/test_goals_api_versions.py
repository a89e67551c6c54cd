"""ETag / If-Match, and concurrent writers: no update is ever lost."""
import threading

import pytest

pytestmark = pytest.mark.integration


def reached_url(goal: dict, index: int) -> str:
    return f"/v1/goals/{goal['goal_id']}/milestones/{goal['milestones'][index]['milestone_id']}/reached"


def all_at_once(app, requests: list) -> list:
    """Send (url, headers) POSTs from one thread each, released together; the responses in order."""
    start, responses = threading.Barrier(len(requests)), [None] * len(requests)

    def send(index, url, headers):
        client = app.test_client()
        start.wait()
        responses[index] = client.post(url, headers=headers)

    threads = [threading.Thread(target=send, args=(i, *request)) for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return responses


def test_a_change_based_on_the_current_version_is_accepted(client, auth, new_goal):
    goal = new_goal()

    response = client.post(reached_url(goal, 0), headers=auth(**{"If-Match": '"1"'}))

    assert response.status_code == 200 and response.headers["ETag"] == '"2"'


def test_a_change_based_on_a_stale_version_is_a_failed_precondition(client, auth, new_goal):
    goal = new_goal()
    client.post(reached_url(goal, 0), headers=auth())

    response = client.post(reached_url(goal, 1), headers=auth(**{"If-Match": '"1"'}))

    assert response.status_code == 412 and response.json["error_code"] == "stale-version"
    assert "If-Match" in response.json["errors"]
    assert client.get(f"/v1/goals/{goal['goal_id']}", headers=auth()).json["milestones"][1]["reached_at"] is None


@pytest.mark.parametrize("if_match, status", [('"3", "1"', 200), ("*", 200), ('W/"1"', 412), ("1", 200),
                                              ('"one"', 412), ('"99999999999999999999999"', 412),
                                              ('"", ""', 412)])
def test_if_match_compares_strong_etags(client, auth, new_goal, if_match, status):
    goal = new_goal()

    response = client.post(f"/v1/goals/{goal['goal_id']}/status", json={"lifecycle_status": "on-hold",
                           "reason": "client-request"}, headers=auth(**{"If-Match": if_match}))

    assert response.status_code == status


def test_if_match_on_an_unknown_goal_is_not_found(client, auth):
    response = client.post("/v1/goals/nope/milestones", json={"title": "x", "due_date": "2099-01-01"},
                           headers=auth(**{"If-Match": '"1"'}))

    assert response.status_code == 404


def test_of_two_writers_with_the_same_if_match_one_wins_and_the_other_is_told(goals_app, auth, new_goal):
    goal = new_goal()
    headers = auth(**{"If-Match": '"1"'})

    responses = all_at_once(goals_app, [(reached_url(goal, 0), headers), (reached_url(goal, 1), headers)])

    statuses = sorted(response.status_code for response in responses)
    assert statuses in ([200, 409], [200, 412]), [r.json for r in responses]
    stored = goals_app.test_client().get(f"/v1/goals/{goal['goal_id']}", headers=auth()).json
    assert stored["version"] == 2
    assert sum(m["reached_at"] is not None for m in stored["milestones"]) == 1


def test_concurrent_writers_without_if_match_all_succeed_and_nothing_is_lost(goals_app, auth, new_goal):
    goal = new_goal(milestones=[{"title": f"Step {n}", "due_date": "2099-01-01"} for n in range(4)])

    responses = all_at_once(goals_app, [(reached_url(goal, n), auth()) for n in range(4)])

    assert [response.status_code for response in responses] == [200] * 4
    stored = goals_app.test_client().get(f"/v1/goals/{goal['goal_id']}", headers=auth()).json
    assert stored["version"] == 5 and all(m["reached_at"] for m in stored["milestones"])
