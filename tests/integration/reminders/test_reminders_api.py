"""The reminders API on the document store through Flask's test client: auth, tenancy, input errors, use cases."""
from dataclasses import replace
from datetime import timedelta

import pytest
from reminders_kit import due_reminders, now

from services.reminders.app import create_app
from services.reminders.store.claims import claim_next
from services.reminders.store.documents import PLANNING_REQUESTS, REMINDERS
from shared.web.auth import mint_token

pytestmark = pytest.mark.integration
SECRET = "reminders-api-test-secret-of-enough-length"


@pytest.fixture
def client(settings, db):
    return create_app(replace(settings, jwt_secret=SECRET), db=db, clock=now).test_client()


@pytest.fixture
def auth(clinic):
    def headers(role="clinician", clinic_id=None):
        return {"Authorization": "Bearer " + mint_token(SECRET, sub="user-1", clinic_id=clinic_id or clinic,
                                                        role=role)}
    return headers


@pytest.fixture
def reminder(db, clinic):
    """A pending reminder of client c1, due tomorrow."""
    return due_reminders(db, clinic, "c1", 1, due_at=now() + timedelta(days=1))[0]


def errors(response) -> dict:
    return response.json.get("errors", {})


def test_every_endpoint_wants_a_token_and_a_staff_role(client, auth, reminder):
    calls = [("get", "/v1/reminders"), ("get", f"/v1/reminders/{reminder}"), ("post", f"/v1/reminders/{reminder}/ack"),
             ("post", f"/v1/reminders/{reminder}/snooze"), ("get", "/v1/clients/c1/preferences"),
             ("put", "/v1/clients/c1/preferences"), ("get", "/v1/clinic/preferences"),
             ("put", "/v1/clinic/preferences")]
    for method, path in calls:
        assert getattr(client, method)(path, json={}).status_code == 401
        assert getattr(client, method)(path, json={}, headers=auth("partner")).status_code == 403


@pytest.mark.parametrize("path, role", [("/v1/clients/c1/preferences", "clinician"),
                                        ("/v1/clinic/preferences", "clinic_admin")])
def test_setting_preferences_without_a_body_is_refused_and_erases_nothing(client, auth, path, role):
    stored = {"timezone": "Europe/London", "webhook_url": "https://hooks.example/reminders"}
    assert client.put(path, json=stored, headers=auth(role)).status_code == 200

    missing = client.put(path, headers=auth(role))
    not_json = client.put(path, data="timezone=UTC", content_type="text/plain", headers=auth(role))

    assert (missing.status_code, list(errors(missing))) == (400, ["body"])
    assert (not_json.status_code, list(errors(not_json))) == (415, ["Content-Type"])
    kept = client.get(path, headers=auth(role)).json
    assert {key: kept[key] for key in stored} == stored


def test_only_a_clinic_admin_sets_the_clinics_defaults(client, auth):
    body = {"session_offsets_minutes": [2880, 120]}
    assert client.put("/v1/clinic/preferences", json=body, headers=auth()).status_code == 403

    response = client.put("/v1/clinic/preferences", json=body, headers=auth("clinic_admin"))

    assert response.status_code == 200, response.json
    assert response.json["effective"]["session_offsets_minutes"] == [2880, 120]
    assert client.get("/v1/clinic/preferences", headers=auth()).json["session_offsets_minutes"] == [2880, 120]


def test_another_clinics_reminder_is_not_found(client, auth, reminder):
    other = auth(clinic_id="clinic-other")
    for response in (client.get(f"/v1/reminders/{reminder}", headers=other),
                     client.post(f"/v1/reminders/{reminder}/ack", headers=other),
                     client.post(f"/v1/reminders/{reminder}/snooze", json={"minutes": 10}, headers=other)):
        assert response.status_code == 404 and "reminder_id" in errors(response)
        assert (response.json["error_code"], response.json["message"]) == (
            "reminder-not-found", "No such reminder in your clinic")
    assert client.get("/v1/reminders", headers=other).json["total"] == 0


def test_a_reminder_says_its_kind_what_it_is_about_when_it_is_due_and_its_status(client, auth, reminder):
    body = client.get(f"/v1/reminders/{reminder}", headers=auth()).json

    assert (body["reminder_id"], body["kind"], body["client_id"], body["goal_id"]) == (reminder, "practice", "c1", "g1")
    assert body["status"] == "pending" and body["due_at"].endswith("+00:00") and body["history"] == []


def test_the_list_filters_by_client_status_and_due_time_and_pages(client, auth, db, clinic):
    soon = due_reminders(db, clinic, "c1", 3, due_at=now() + timedelta(hours=1))
    due_reminders(db, clinic, "c2", 2, due_at=now() + timedelta(days=3))
    db[REMINDERS].update_one({"_id": soon[0]}, {"$set": {"status": "sent"}})

    def listed(**query):
        return client.get("/v1/reminders", query_string=query, headers=auth()).json

    assert listed()["total"] == 5
    assert listed(client_id="c1")["total"] == 3 and listed(status="sent")["total"] == 1
    assert listed(due_before=(now() + timedelta(days=1)).isoformat())["total"] == 3
    page = listed(page=2, page_size=2)
    assert (page["page"], page["page_size"], page["total"], len(page["items"])) == (2, 2, 5, 2)
    assert [r["client_id"] for r in listed()["items"]] == ["c1", "c1", "c1", "c2", "c2"]  # earliest due first


@pytest.mark.parametrize("query, field", [({"status": "lost"}, "status"), ({"due_before": "2026-01-01T10:00"},
                                          "due_before"), ({"page_size": 0}, "page_size"), ({"page_size": 101}, "page_size"),
                                          ({"colour": "red"}, "colour"),
                                          ({"client_id": "a b"}, "client_id")])
def test_a_bad_list_query_answers_422_naming_the_field(client, auth, query, field):
    response = client.get("/v1/reminders", query_string=query, headers=auth())
    assert response.status_code == 422 and field in errors(response)


def test_acknowledging_stops_a_pending_reminder_and_is_idempotent(client, auth, reminder):
    first = client.post(f"/v1/reminders/{reminder}/ack", headers=auth())
    again = client.post(f"/v1/reminders/{reminder}/ack", headers=auth())

    assert first.status_code == again.status_code == 200
    assert first.json["status"] == "acknowledged" and first.json["acknowledged_at"] is not None


def test_a_cancelled_reminder_cannot_be_acknowledged_or_snoozed(client, auth, db, reminder):
    db[REMINDERS].update_one({"_id": reminder}, {"$set": {"status": "cancelled"}})

    for response, action in ((client.post(f"/v1/reminders/{reminder}/ack", headers=auth()), "acknowledged"),
                             (client.post(f"/v1/reminders/{reminder}/snooze", json={"minutes": 30}, headers=auth()),
                              "snoozed")):
        assert response.status_code == 409 and "status" in errors(response)
        assert (response.json["error_code"], response.json["message"]) == (
            "status-conflict", f"A cancelled reminder cannot be {action}")


def test_snoozing_a_sent_reminder_sends_it_again_at_the_new_time(client, auth, db, reminder):
    db[REMINDERS].update_one({"_id": reminder}, {"$set": {"status": "sent"}})
    until = (now() + timedelta(days=2)).replace(hour=12, minute=0, second=0, microsecond=0)

    response = client.post(f"/v1/reminders/{reminder}/snooze", json={"until": until.isoformat()}, headers=auth())

    assert response.status_code == 200, response.json
    assert response.json["status"] == "pending" and response.json["due_at"] == until.isoformat()
    lease = timedelta(minutes=1)
    assert claim_next(db[REMINDERS], "dispatcher", until - timedelta(seconds=1), lease) is None
    assert claim_next(db[REMINDERS], "dispatcher", until, lease)["_id"] == reminder


def test_a_snooze_into_quiet_hours_is_held_until_they_end(client, auth, reminder):
    client.put("/v1/clients/c1/preferences", json={"timezone": "UTC", "quiet_start": "00:00", "quiet_end": "23:59"},
               headers=auth())

    response = client.post(f"/v1/reminders/{reminder}/snooze", json={"minutes": 5}, headers=auth())

    assert response.json["due_at"].split("T")[1].startswith("23:59")


@pytest.mark.parametrize("body, field", [({"minutes": 4}, "minutes"), ({"minutes": 1441}, "minutes"), ({}, "minutes"),
                                         ({"minutes": 10, "until": "2030-01-01T10:00:00Z"}, "until"),
                                         ({"until": "2020-01-01T10:00:00Z"}, "until"),
                                         ({"until": "2030-01-01T10:00:00"}, "until"), ({"minutes": "ten"}, "minutes")])
def test_a_bad_snooze_answers_422_naming_the_field(client, auth, reminder, body, field):
    response = client.post(f"/v1/reminders/{reminder}/snooze", json=body, headers=auth())
    assert response.status_code == 422 and field in errors(response), response.json


def test_client_preferences_are_kept_and_shown_with_the_values_in_force(client, auth):
    body = {"timezone": "Europe/London", "quiet_start": "21:30", "quiet_end": "08:00", "channels": ["webhook"],
            "webhook_url": "https://hooks.example.org/reminders"}

    response = client.put("/v1/clients/c1/preferences", json=body, headers=auth())

    assert response.status_code == 200, response.json
    assert {k: response.json[k] for k in body} == body
    assert response.json["effective"]["session_offsets_minutes"] == [1440, 60]
    assert client.get("/v1/clients/c1/preferences", headers=auth()).json["timezone"] == "Europe/London"


def test_new_preferences_ask_for_the_clients_goals_and_sessions_to_be_planned_again(client, auth, db, clinic):
    db["goal_facts"].insert_one({"_id": "g", "clinic_id": clinic, "client_id": "c1", "goal_id": "g1"})
    db["client_facts"].insert_one({"_id": "c", "clinic_id": clinic, "client_id": "c1"})

    client.put("/v1/clients/c1/preferences", json={"timezone": "Europe/Paris"}, headers=auth())

    requested = {(r["kind"], r["subject_id"]) for r in db[PLANNING_REQUESTS].find({"clinic_id": clinic})}
    assert requested == {("goal", "g1"), ("client", "c1")}


@pytest.mark.parametrize("body, field", [
    ({"timezone": "Mars/Olympus"}, "timezone"), ({"quiet_start": "22:00"}, "quiet_end"),
    ({"quiet_start": "25:00", "quiet_end": "07:00"}, "quiet_start"), ({"quiet_start": "07:00", "quiet_end": "07:00"},
                                                                      "quiet_end"),
    ({"channels": ["sms"]}, "channels[0]"), ({"channels": []}, "channels"), ({"webhook_url": "ftp://x.org/h"},
                                                                            "webhook_url"),
    ({"webhook_url": "https://user:pw@x.org/h"}, "webhook_url"), ({"session_offsets_minutes": [0]},
                                                                  "session_offsets_minutes[0]"),
    ({"session_offsets_minutes": [60, 60]}, "session_offsets_minutes"), ({"colour": "red"}, "colour"),
])
def test_bad_preferences_answer_422_naming_the_field(client, auth, body, field):
    response = client.put("/v1/clients/c1/preferences", json=body, headers=auth())
    assert response.status_code == 422 and field in errors(response), response.json


def test_a_malformed_client_id_in_the_path_answers_422(client, auth):
    response = client.get("/v1/clients/a%20b/preferences", headers=auth())
    assert response.status_code == 422 and "client_id" in errors(response)


@pytest.mark.parametrize("body, field, code", [
    ({"timezone": "Mars/Olympus"}, "timezone", "invalid-preference"),
    ({"session_offsets_minutes": [60, 60]}, "session_offsets_minutes", "invalid-preference"),
    ({"webhook_url": "http://169.254.169.254/latest/meta-data/"}, "webhook_url", "forbidden-target"),
    ({"webhook_url": "http://10.1.2.3/hook"}, "webhook_url", "forbidden-target")])
def test_preferences_the_domain_refuses_answer_422_with_the_field_and_the_domains_code(client, auth, body, field,
                                                                                       code):
    response = client.put("/v1/clients/c1/preferences", json=body, headers=auth())
    assert (response.status_code, list(errors(response)), response.json["error_code"]) == (422, [field], code)


def test_a_snooze_until_more_than_a_year_ahead_answers_422_invalid_request(client, auth, reminder):
    response = client.post(f"/v1/reminders/{reminder}/snooze", json={"until": "2030-01-01T10:00:00Z"}, headers=auth())
    assert (response.status_code, list(errors(response)), response.json["error_code"]) == (
        422, ["until"], "invalid-request")


DEEP = "[" * 1000 + "]" * 1000


@pytest.mark.parametrize("method, path", [("put", "/v1/clients/c1/preferences"), ("put", "/v1/clinic/preferences"),
                                          ("post", "/v1/reminders/{reminder}/snooze"),
                                          ("post", "/v1/reminders/{reminder}/ack")])
def test_a_body_nested_1000_deep_answers_400_naming_the_body(client, auth, reminder, method, path):
    response = getattr(client, method)(path.format(reminder=reminder), data='{"channels": ' + DEEP + "}",
                                       content_type="application/json", headers=auth("clinic_admin"))

    assert response.status_code == 400 and "body" in errors(response), response.json


@pytest.mark.parametrize("body, field", [('{"timezone": "Europe/\\ud800"}', "timezone"),
                                         ('{"webhook_url": "https://x.org/\\udfff"}', "webhook_url"),
                                         ('{"channels": ["\\ud83d"]}', "channels[0]")])
def test_a_lone_surrogate_in_preferences_answers_422_naming_the_field(client, auth, body, field):
    response = client.put("/v1/clients/c1/preferences", data=body, content_type="application/json", headers=auth())

    assert response.status_code == 422 and field in errors(response), response.json


def test_a_lone_surrogate_in_a_snooze_answers_422_naming_the_field(client, auth, reminder):
    response = client.post(f"/v1/reminders/{reminder}/snooze", data='{"until": "2026-01-01T10:00\\ud800"}',
                           content_type="application/json", headers=auth())

    assert response.status_code == 422 and "until" in errors(response), response.json


def test_a_405_carries_allow(client, auth):
    response = client.delete("/v1/clinic/preferences", headers=auth())

    assert response.status_code == 405 and response.is_json
    assert {"GET", "PUT"} <= {method.strip() for method in response.headers["Allow"].split(",")}
