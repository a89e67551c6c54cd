"""The subscriptions API on the document store through Flask's test client: roles, tenancy, input errors, changes."""
import pytest
from partners_kit import NOW

pytestmark = pytest.mark.integration


def errors(response) -> dict:
    return response.json.get("errors", {})


def test_a_clinic_admin_subscribes_a_partner_and_sees_the_secret_once(client, auth, subscribe, clinic):
    created = subscribe(clinic, url="https://ehr.example/hooks", filters={"categories": ["anxiety"]})
    assert created["secret"].startswith("whsec_") and created["status"] == "active"
    assert (created["partner_id"], created["filters"], created["seq"]) == ("ehr-1", {"categories": ["anxiety"]}, 0)
    read = client.get(f"/v1/subscriptions/{created['subscription_id']}", headers=auth(clinic))
    assert read.status_code == 200 and "secret" not in read.json and "secrets" not in read.json
    assert read.headers["ETag"] == '"1"'
    assert "secret" not in str(client.get("/v1/subscriptions", headers=auth(clinic)).json)


def test_only_a_clinic_admin_manages_subscriptions(client, auth, subscribe, clinic):
    subscription = subscribe(clinic)["subscription_id"]
    calls = [("post", "/v1/subscriptions"), ("get", "/v1/subscriptions"), ("get", f"/v1/subscriptions/{subscription}"),
             ("patch", f"/v1/subscriptions/{subscription}"), ("delete", f"/v1/subscriptions/{subscription}"),
             ("post", f"/v1/subscriptions/{subscription}/secret")]
    for method, path in calls:
        assert getattr(client, method)(path, json={"status": "paused"}).status_code == 401
        for role in ("clinician", "partner"):
            assert getattr(client, method)(path, json={"status": "paused"},
                                           headers=auth(clinic, role, "ehr-1")).status_code == 403, (method, path)


def test_another_clinics_subscription_is_not_found(client, auth, subscribe, clinic):
    subscription = subscribe(clinic)["subscription_id"]
    other = auth("clinic-elsewhere")
    for method, path in [("get", ""), ("patch", ""), ("delete", ""), ("post", "/secret")]:
        response = getattr(client, method)(f"/v1/subscriptions/{subscription}{path}", json={"status": "paused"},
                                           headers=other)
        assert response.status_code == 404 and response.json["error_code"] == "subscription-not-found"
    assert client.get("/v1/subscriptions", headers=other).json["total"] == 0


@pytest.mark.parametrize("body, field", [
    ({"event_types": ["goal-created"]}, "partner_id"),
    ({"partner_id": "ehr 1", "event_types": ["goal-created"]}, "partner_id"),
    ({"partner_id": "ehr-1"}, "event_types"),
    ({"partner_id": "ehr-1", "event_types": []}, "event_types"),
    ({"partner_id": "ehr-1", "event_types": ["goal-deleted"]}, "event_types[0]"),
    ({"partner_id": "ehr-1", "event_types": ["sharing-changed"]}, "event_types[0]"),
    ({"partner_id": "ehr-1", "event_types": ["goal-created", "goal-created"]}, "event_types"),
    ({"partner_id": "ehr-1", "event_types": ["goal-created"], "url": "ftp://ehr.example"}, "url"),
    ({"partner_id": "ehr-1", "event_types": ["goal-created"], "url": "https://u:p@ehr.example"}, "url"),
    ({"partner_id": "ehr-1", "event_types": ["goal-created"], "filters": {"categories": ["astrology"]}},
     "filters.categories[0]"),
    ({"partner_id": "ehr-1", "event_types": ["goal-created"], "filters": {"clients": ["c1"]}}, "filters.clients"),
    ({"partner_id": "ehr-1", "event_types": ["goal-created"], "clinic_id": "clinic-elsewhere"}, "clinic_id"),
])
def test_an_invalid_subscription_is_refused_naming_the_field(client, auth, clinic, body, field):
    response = client.post("/v1/subscriptions", json=body, headers=auth(clinic))
    assert response.status_code == 422 and field in errors(response), response.json


def test_no_body_is_400_and_another_media_type_415(client, auth, clinic):
    assert list(errors(client.post("/v1/subscriptions", headers=auth(clinic)))) == ["body"]
    response = client.post("/v1/subscriptions", data="partner_id=x", content_type="text/plain", headers=auth(clinic))
    assert response.status_code == 415


def test_the_list_is_paged_oldest_first(client, auth, subscribe, clinic):
    made = [subscribe(clinic, partner_id=f"partner-{n}")["subscription_id"] for n in range(3)]
    first = client.get("/v1/subscriptions?page=1&page_size=2", headers=auth(clinic)).json
    second = client.get("/v1/subscriptions?page=2&page_size=2", headers=auth(clinic)).json
    assert first["total"] == 3 and len(first["items"]) == 2 and len(second["items"]) == 1
    assert sorted(item["subscription_id"] for item in first["items"] + second["items"]) == sorted(made)
    assert list(errors(client.get("/v1/subscriptions?page_size=101", headers=auth(clinic)))) == ["page_size"]
    assert list(errors(client.get("/v1/subscriptions?sort=x", headers=auth(clinic)))) == ["sort"]


def test_a_patch_pauses_resumes_and_changes_types_and_filters(client, auth, subscribe, clinic):
    path = f"/v1/subscriptions/{subscribe(clinic)['subscription_id']}"
    paused = client.patch(path, json={"status": "paused"}, headers=auth(clinic))
    assert (paused.status_code, paused.json["status"], paused.headers["ETag"]) == (200, "paused", '"2"')
    changed = client.patch(path, json={"status": "active", "event_types": ["session-logged"],
                                       "filters": {"categories": ["depression", "anxiety"]}, "url": None},
                           headers={**auth(clinic), "If-Match": '"2"'})
    assert changed.status_code == 200
    assert (changed.json["status"], changed.json["event_types"], changed.json["filters"], changed.json["url"]) == (
        "active", ["session-logged"], {"categories": ["anxiety", "depression"]}, None)


def test_a_patch_on_a_stale_version_is_412_and_an_empty_or_unknown_one_422(client, auth, subscribe, clinic):
    path = f"/v1/subscriptions/{subscribe(clinic)['subscription_id']}"
    stale = client.patch(path, json={"status": "paused"}, headers={**auth(clinic), "If-Match": '"7"'})
    assert stale.status_code == 412 and list(errors(stale)) == ["If-Match"]
    assert list(errors(client.patch(path, json={}, headers=auth(clinic)))) == ["body"]
    assert list(errors(client.patch(path, json={"status": "off"}, headers=auth(clinic)))) == ["status"]
    assert list(errors(client.patch(path, json={"partner_id": "x"}, headers=auth(clinic)))) == ["partner_id"]
    assert client.get(path, headers=auth(clinic)).json["version"] == 1


def test_a_deleted_subscription_is_not_found_any_more(client, auth, subscribe, clinic):
    path = f"/v1/subscriptions/{subscribe(clinic)['subscription_id']}"
    assert client.delete(path, headers=auth(clinic)).status_code == 204
    assert client.get(path, headers=auth(clinic)).status_code == 404
    assert client.delete(path, headers=auth(clinic)).status_code == 404
    assert client.get("/v1/subscriptions", headers=auth(clinic)).json["total"] == 0


def test_a_rotated_secret_is_new_and_the_old_one_verifies_for_the_grace_period(client, auth, subscribe, clinic, db,
                                                                               settings):
    created = subscribe(clinic)
    rotated = client.post(f"/v1/subscriptions/{created['subscription_id']}/secret", headers=auth(clinic))
    assert rotated.status_code == 200 and rotated.json["secret"] not in (created["secret"], None)
    stored = db.subscriptions.find_one({"_id": created["subscription_id"]})["secrets"]
    assert [entry["secret"] for entry in stored] == [rotated.json["secret"], created["secret"]]
    assert stored[1]["expires_at"] == NOW + settings.secret_grace
