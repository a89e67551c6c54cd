"""PUT and GET /v1/clients/{client_id}/sharing: a client's sharing with partners, recorded as sharing-changed,
stored on a stream of its own per clinic and client and relayed to goals-events keyed by the client id."""
import json

import pytest

from shared.contract import types as t
from shared.messaging.topics import GOALS_EVENTS
from tests.support import read_topic

pytestmark = pytest.mark.integration

URL = "/v1/clients/client-1/sharing"


def put(client, auth, body, url: str = URL, **headers):
    return client.put(url, json=body, headers=auth(**headers))


def stored_events(goals_db, clinic: str, client_id: str = "client-1") -> list[dict]:
    commits = goals_db["commits"].find({"stream_id": f"sharing:{clinic}:{client_id}"}).sort("first_version")
    return [event for commit in commits for event in commit["events"]]


def test_a_client_without_a_record_shares_with_every_partner(client, auth):
    response = client.get(URL, headers=auth())

    assert response.status_code == 200
    assert response.json == {"client_id": "client-1", "scope": "all", "partner_ids": [], "changed_at": None}
    assert response.headers["ETag"] == '"0"'


def test_a_withdrawal_answers_the_new_sharing_as_get_does_and_records_one_sharing_changed(client, auth, goals_db,
                                                                                        clinic):
    response = put(client, auth, {"partners": False})

    assert response.status_code == 200 and response.headers["ETag"] == '"1"'
    assert response.json == {**client.get(URL, headers=auth()).json, "scope": "none", "partner_ids": []}
    [event] = stored_events(goals_db, clinic)
    assert (event["type"], event["partitionkey"], event["clinicid"]) == (t.SHARING_CHANGED, "client-1", clinic)
    assert event["data"] == {"client_id": "client-1", "scope": "none", "partner_ids": [],
                             "changed_at": event["data"]["changed_at"]}


def test_listed_partners_are_kept_sorted_and_a_put_that_changes_nothing_records_nothing(client, auth, goals_db,
                                                                                       clinic):
    first = put(client, auth, {"partners": ["registry-2", "ehr-1"]}, role="clinic_admin")

    again = put(client, auth, {"partners": ["ehr-1", "registry-2"]})

    assert first.json["scope"] == "listed" and first.json["partner_ids"] == ["ehr-1", "registry-2"]
    assert (again.status_code, again.json) == (200, first.json)
    assert len(stored_events(goals_db, clinic)) == 1


def test_sharing_as_without_a_record_records_nothing(client, auth, goals_db, clinic):
    response = put(client, auth, {"partners": True})

    assert response.json == {"client_id": "client-1", "scope": "all", "partner_ids": [], "changed_at": None}
    assert stored_events(goals_db, clinic) == []


@pytest.mark.parametrize("partners", [[], ["ehr-1", "ehr-1"], ["ehr 1"], "ehr-1", 1, {"ehr-1": True},
                                      [f"p-{n}" for n in range(51)]])
def test_anything_but_false_true_or_a_list_of_partner_ids_is_refused_naming_partners(client, auth, partners):
    response = put(client, auth, {"partners": partners})

    assert response.status_code == 422 and list(response.json["errors"]) == ["partners"]
    assert response.json["error_code"] == "invalid-partners"


@pytest.mark.parametrize("body, field", [({"partners": None}, "partners"), ({}, "partners"),
                                         ({"partners": False, "client_id": "client-2"}, "client_id")])
def test_a_missing_null_or_unknown_field_is_refused_naming_it(client, auth, body, field):
    response = put(client, auth, body)

    assert response.status_code == 422 and list(response.json["errors"]) == [field]


@pytest.mark.parametrize("method", ["get", "put"])
def test_a_client_id_that_is_no_id_is_refused_naming_it(client, auth, method):
    response = getattr(client, method)("/v1/clients/-client/sharing", json={"partners": False}, headers=auth())

    assert response.status_code == 422 and list(response.json["errors"]) == ["client_id"]


@pytest.mark.parametrize("method", ["get", "put"])
def test_a_partner_is_forbidden(client, auth, method):
    response = getattr(client, method)(URL, json={"partners": True}, headers=auth(role="partner"))

    assert response.status_code == 403


def test_each_clinic_has_its_own_record_of_a_client_id(client, auth):
    put(client, auth, {"partners": False})

    other = put(client, auth, {"partners": ["ehr-1"]}, clinic_id="clinic-elsewhere-sharing")

    assert other.status_code == 200 and other.json["scope"] == "listed"
    assert client.get(URL, headers=auth()).json["scope"] == "none"
    assert client.get(URL, headers=auth(clinic_id="clinic-elsewhere-sharing")).json["partner_ids"] == ["ehr-1"]


def test_a_retried_put_gets_the_first_answer_and_records_once_and_a_reused_key_is_refused(client, auth, goals_db,
                                                                                          clinic):
    first = put(client, auth, {"partners": False}, **{"Idempotency-Key": "sharing-1"})
    put(client, auth, {"partners": True})

    again = put(client, auth, {"partners": False}, **{"Idempotency-Key": "sharing-1"})
    reused = put(client, auth, {"partners": ["ehr-1"]}, **{"Idempotency-Key": "sharing-1"})

    assert (again.status_code, again.json, again.headers["Idempotent-Replayed"]) == (200, first.json, "true")
    assert (reused.status_code, reused.json["error_code"]) == (422, "idempotency-key-reused")
    assert [event["data"]["scope"] for event in stored_events(goals_db, clinic)] == ["none", "all"]


def test_the_relay_publishes_sharing_changed_keyed_by_the_client_id_in_order(relayed, auth):
    settings, client, relay = relayed
    put(client, auth, {"partners": False})
    put(client, auth, {"partners": ["ehr-1"]})

    assert relay() == 2

    internal = read_topic(settings, GOALS_EVENTS, 2)
    assert {record.key for record in internal} == {b"client-1"}
    assert [dict(record.headers)["ce_type"] for record in internal] == [t.SHARING_CHANGED.encode()] * 2
    events = [json.loads(record.value) for record in internal]
    assert [(event["sequence"], event["data"]["scope"], event["data"]["partner_ids"]) for event in events] == [
        (1, "none", []), (2, "listed", ["ehr-1"])]
