"""GET /v1/fhir/Goal/{id} and GET /v1/clients/{id}/export: a client's record as valid FHIR R4, in its clinic only
(tokens and roles: test_goals_api_auth.py)."""
import pytest

from services.goals.store import read_model
from tests.fhir_r4 import valid

pytestmark = pytest.mark.integration

FHIR_JSON = "application/fhir+json"
LEVELS = {"-2": "Avoids every meeting", "-1": "Attends, says nothing", "0": "Asks one question a week",
          "1": "Gives a short update", "2": "Leads a meeting"}


def fhir_answer(response, status: int = 200) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == FHIR_JSON
    return response.get_json(force=True)


def resources(bundle: dict, resource_type: str) -> list[dict]:
    return [entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == resource_type]


def assert_names(response, status: int, field: str, code: str):
    assert response.status_code == status and response.is_json, response.get_data(as_text=True)
    assert response.json["error_code"] == code and field in response.json["errors"], response.json


@pytest.fixture
def record(client, auth, new_goal, session_body):
    """client-1 with two goals (one rated by GAS, its first milestone reached), an attended video session with
    PHQ-9, GAD-7 and ratings, and a no-show; client-2 with a goal of their own."""
    rated = new_goal(title="Speak up in team meetings", gas_levels=LEVELS)
    other = new_goal(title="Sleep seven hours", category="other", priority="low")
    new_goal(client_id="client-2", title="Walk every day")
    reached = f"/v1/goals/{rated['goal_id']}/milestones/{rated['milestones'][0]['milestone_id']}/reached"
    assert client.post(reached, headers=auth()).status_code == 200
    attended = session_body(goals=[{"goal_id": rated["goal_id"], "rating": 1}, {"goal_id": other["goal_id"]}],
                            measures={"phq9": 12, "phq9_item9": 1, "gad7": 9})
    sessions = [client.post("/v1/sessions", json=body, headers=auth()).json
                for body in (attended, session_body(attendance="no-show", modality="in-person",
                                                    occurred_at="2025-03-17T10:00:00+01:00"))]
    return {"rated": rated, "other": other, "sessions": sessions}


def test_a_goal_reads_as_a_valid_fhir_goal_with_its_version(client, auth, record):
    goal = record["rated"]

    response = client.get(f"/v1/fhir/Goal/{goal['goal_id']}", headers=auth())

    resource = valid(fhir_answer(response))
    assert response.headers["ETag"] == 'W/"2"' and resource["meta"] == {"versionId": "2"}
    assert (resource["id"], resource["lifecycleStatus"]) == (goal["goal_id"], "active")
    assert resource["achievementStatus"]["coding"][0]["code"] == "in-progress"
    assert resource["priority"]["coding"][0]["code"] == "medium-priority"
    assert resource["description"] == {"text": "Speak up in team meetings"}
    assert resource["subject"] == {"reference": "Patient/client-1"}
    assert resource["startDate"] == goal["created_at"][:10]
    first, second = (target for target in resource["target"] if "id" in target)
    assert [first["id"], second["id"]] == [m["milestone_id"] for m in goal["milestones"]]
    assert first["measure"]["text"] == "Ask one question" and "extension" in first and "extension" not in second
    assert {target.get("dueDate") for target in resource["target"]} == {goal["target_date"],
                                                                        goal["milestones"][0]["due_date"]}


def test_a_clinic_admin_reads_it_too(client, auth, new_goal):
    goal = new_goal()

    response = client.get(f"/v1/fhir/Goal/{goal['goal_id']}", headers=auth(role="clinic_admin", sub="admin-1"))

    assert valid(fhir_answer(response))["id"] == goal["goal_id"]


def test_the_export_is_a_valid_collection_of_the_clients_goals_sessions_scores_and_ratings(client, auth, record):
    response = client.get("/v1/clients/client-1/export", headers=auth())

    bundle = valid(fhir_answer(response))
    assert bundle["type"] == "collection" and "ETag" not in response.headers
    assert all(valid(entry["resource"]) for entry in bundle["entry"])
    assert {goal["id"] for goal in resources(bundle, "Goal")} == {record["rated"]["goal_id"],
                                                                  record["other"]["goal_id"]}
    missed, attended = resources(bundle, "Encounter")  # latest first
    assert [attended["id"], missed["id"]] == [session["session_id"] for session in record["sessions"]]
    assert (attended["status"], attended["class"]["code"]) == ("finished", "VR")
    assert (missed["status"], missed["class"]["code"]) == ("cancelled", "AMB")
    assert attended["period"]["start"] == "2025-03-10T09:00:00+00:00"
    assert attended["period"]["end"] == "2025-03-10T09:50:00+00:00"
    phq9, gad7, rating = resources(bundle, "Observation")
    assert (phq9["code"]["coding"][0]["code"], phq9["valueInteger"]) == ("44261-6", 12)
    assert (gad7["code"]["coding"][0]["code"], gad7["valueInteger"]) == ("70274-6", 9)
    assert rating["focus"] == [{"reference": f"Goal/{record['rated']['goal_id']}"}] and rating["valueInteger"] == 1
    urls = {entry["fullUrl"] for entry in bundle["entry"]}
    assert f"http://localhost/v1/fhir/{rating['focus'][0]['reference']}" in urls
    assert f"http://localhost/v1/fhir/{rating['encounter']['reference']}" in urls


def test_the_export_reads_every_batch_of_a_long_record(client, auth, session_body, monkeypatch):
    monkeypatch.setattr(read_model, "EXPORT_BATCH", 2)
    for day in range(10, 15):
        client.post("/v1/sessions", json=session_body(occurred_at=f"2025-03-{day}T10:00:00+00:00"), headers=auth())

    bundle = valid(fhir_answer(client.get("/v1/clients/client-1/export", headers=auth())))

    assert [e["period"]["start"][:10] for e in resources(bundle, "Encounter")] == [
        "2025-03-14", "2025-03-13", "2025-03-12", "2025-03-11", "2025-03-10"]


def test_another_clinics_goal_and_client_are_not_found(client, auth, clinic, record):
    elsewhere = auth(clinic_id=f"{clinic}-elsewhere")

    assert_names(client.get(f"/v1/fhir/Goal/{record['rated']['goal_id']}", headers=elsewhere), 404, "goal_id",
                 "goal-not-found")
    assert_names(client.get("/v1/clients/client-1/export", headers=elsewhere), 404, "client_id",
                 "client-not-found")


def test_an_unknown_goal_a_session_id_and_an_unknown_client_are_not_found(client, auth, record):
    session_id = record["sessions"][0]["session_id"]

    assert_names(client.get("/v1/fhir/Goal/no-such-goal", headers=auth()), 404, "goal_id", "goal-not-found")
    assert_names(client.get(f"/v1/fhir/Goal/{session_id}", headers=auth()), 404, "goal_id", "goal-not-found")
    assert_names(client.get("/v1/clients/client-9/export", headers=auth()), 404, "client_id", "client-not-found")


@pytest.mark.parametrize("path, status, field", [
    ("/v1/clients/a%20b/export", 422, "client_id"),
    ("/v1/clients/" + "x" * 65 + "/export", 422, "client_id"),
    ("/v1/clients/client-1/export?since=2025-01-01", 422, "since"),
    ("/v1/fhir/Goal/g-1?_format=json", 422, "_format"),
])
def test_bad_input_is_a_json_error_naming_the_field(client, auth, path, status, field):
    response = client.get(path, headers=auth())

    assert response.status_code == status and response.is_json and field in response.json["errors"], response.json



def test_the_openapi_document_describes_both_answers_as_fhir_json(client):
    paths = client.get("/openapi.json").json["paths"]

    for path, schema in (("/v1/fhir/Goal/{goal_id}", "FhirGoal"), ("/v1/clients/{client_id}/export", "FhirBundle")):
        answers = paths[path]["get"]["responses"]
        assert answers["200"]["content"] == {FHIR_JSON: {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
        assert {"401", "403", "404", "422"} <= set(answers)
