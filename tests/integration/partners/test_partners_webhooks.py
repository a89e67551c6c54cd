"""Webhook delivery against the real Kafka and store: goal events routed, signed, POSTed to local receivers.

Receivers listen on 127.0.0.1, which the SSRF guard refuses unless allowed:
these tests allow loopback (PARTNERS_ALLOWED_NETWORKS), except where they test
the refusal.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import asdict, replace

import pytest
from prometheus_client import REGISTRY
from webhooks_kit import NOW, PERSONAL, Receiver, goal_created, partners_running, sharing_withdrawn, ticking_clock

from services.partners.app import create_app
from services.partners.settings import PartnersSettings
from services.partners.store.documents import CONSENTS, FEED, PARKED
from shared.store import mongo
from shared.store.mongo import compound_id
from shared.web.auth import mint_token
from shared.web.outbound import LOOPBACK, networks
from tests.support import delete_topics, publish, wait_until

pytestmark = pytest.mark.integration
SECRET = "webhook-tests-secret-of-at-least-32-bytes"


@pytest.fixture
def settings(settings_for):
    settings = PartnersSettings(**{**asdict(settings_for("partners")), "jwt_secret": SECRET},
                                allowed_networks=networks(LOOPBACK), webhook_timeout_s=0.5,
                                retry_base_s=0.05, retry_max_s=0.2, retry_window_s=60)
    yield settings
    mongo.connect(settings).drop_database(settings.database_name)
    delete_topics(settings)


@pytest.fixture
def db(settings):
    return mongo.database(settings)


@pytest.fixture
def clock():
    return ticking_clock()


@pytest.fixture
def api(settings, db, clock, clinic):
    client = create_app(settings, db=db, clock=clock).test_client()

    def call(method: str, path: str, body=None, role: str = "clinic_admin", clinic_id: str | None = None):
        token = mint_token(SECRET, sub="admin-1", clinic_id=clinic_id or clinic, role=role)
        return client.open(path, method=method, json=body, headers={"Authorization": f"Bearer {token}"})
    return call


def subscribe(api, url: str, partner_id: str = "ehr-northwind") -> dict:
    answer = api("POST", "/v1/subscriptions", {"partner_id": partner_id, "event_types": ["goal-created"], "url": url})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def clients(count: int) -> list[str]:
    return [f"client-secret-{uuid.uuid4().hex[:6]}" for _ in range(count)]


def feed_ids(db, subscription_id: str) -> list[str]:
    """The webhook-ids of the subscription's feed entries, in seq order (the order of delivery)."""
    return [e["event"]["id"] for e in db[FEED].find({"subscription_id": subscription_id}).sort("seq", 1)]


def test_deliveries_are_signed_in_order_and_carry_no_personal_data(settings, db, clock, clinic, api):
    with Receiver() as receiver, partners_running(settings, db, clock):
        subscription = subscribe(api, receiver.url)
        other_clinic = subscribe(api, receiver.url, partner_id="registry")  # of the same clinic, other partner
        publish(settings, [goal_created(clinic, client) for client in clients(12)]
                + [goal_created("clinic-elsewhere", client) for client in clients(3)])
        wait_until(lambda: len(receiver.delivered) == 24, message="24 deliveries")
    for sub in (subscription, other_clinic):
        mine = [r for r in receiver.delivered if r.signed_with(sub["secret"])]
        assert [r.webhook_id for r in mine] == feed_ids(db, sub["subscription_id"]) and len(mine) == 12
        assert all(r.event["id"] == r.webhook_id and r.event["clinicid"] == clinic for r in mine)
    for request in receiver.requests:
        assert not any(marker.encode() in request.raw or marker in str(request.headers) for marker in PERSONAL)
    log = api("GET", f"/v1/subscriptions/{subscription['subscription_id']}/deliveries?page_size=5").get_json()
    assert log["total"] == 12 and [d["seq"] for d in log["items"]] == [12, 11, 10, 9, 8]
    assert {(d["outcome"], d["status_code"], d["attempt"]) for d in log["items"]} == {("delivered", 204, 1)}
    labels = {"subscription": subscription["subscription_id"]}
    assert REGISTRY.get_sample_value("partner_webhook_attempts_total", labels) == 12
    assert REGISTRY.get_sample_value("partner_webhook_delivery_lag_seconds_count", labels) == 12
    assert REGISTRY.get_sample_value("partner_webhook_failures_total", labels) is None  # none counted


def test_a_receiver_answering_500_for_a_while_gets_everything_in_order_once_it_recovers(settings, db, clock, clinic,
                                                                                       api):
    with Receiver(lambda n: 500 if n <= 6 else 200) as receiver, partners_running(settings, db, clock):
        subscription = subscribe(api, receiver.url)
        publish(settings, [goal_created(clinic, client) for client in clients(8)])
        wait_until(lambda: len(receiver.delivered) == 8, message="8 deliveries")
    assert receiver.ids() == feed_ids(db, subscription["subscription_id"])
    assert [r.webhook_id for r in receiver.requests[:7]] == [receiver.ids()[0]] * 7  # the first entry, retried
    log = api("GET", f"/v1/subscriptions/{subscription['subscription_id']}/deliveries?page_size=100").get_json()
    first = [d for d in log["items"] if d["seq"] == 1]
    assert sorted((d["attempt"], d["outcome"], d["status_code"]) for d in first) == [
        *[(n, "failed", 500) for n in range(1, 7)], (7, "delivered", 200)]


def test_a_partner_that_never_answers_is_parked_while_another_keeps_receiving(settings, db, clock, clinic, api):
    settings = replace(settings, retry_window_s=1.0)
    with Receiver(lambda _n: None) as silent, Receiver() as healthy, partners_running(settings, db, clock):
        stuck = subscribe(api, silent.url, partner_id="silent-partner")
        fine = subscribe(api, healthy.url)
        publish(settings, [goal_created(clinic, client) for client in clients(3)])
        wait_until(lambda: len(healthy.delivered) == 3, timeout=10, message="the healthy partner's deliveries")
        started = time.monotonic()
        publish(settings, [goal_created(clinic, client) for client in clients(3)])
        wait_until(lambda: len(healthy.delivered) == 6, timeout=10, message="the healthy partner's next deliveries")
        assert time.monotonic() - started < 5  # a second of retrying timeouts of the other partner changes nothing
        wait_until(lambda: db[PARKED].count_documents({"subscription_id": stuck["subscription_id"]}) == 6,
                   timeout=30, message="every entry of the silent partner parked")
    assert healthy.ids() == feed_ids(db, fine["subscription_id"])
    log = api("GET", f"/v1/subscriptions/{stuck['subscription_id']}/deliveries?page_size=100").get_json()
    assert {d["error"] for d in log["items"]} == {"timeout"} and not silent.delivered
    assert sorted(d["seq"] for d in log["items"] if d["outcome"] == "parked") == [1, 2, 3, 4, 5, 6]
    assert REGISTRY.get_sample_value("partner_webhook_parked_total", {"subscription": stuck["subscription_id"]}) == 6


def test_parked_and_chosen_entries_are_redelivered_with_their_webhook_ids(settings, db, clock, clinic, api):
    settings = replace(settings, retry_window_s=0.3)
    answers = {"status": 503}
    with Receiver(lambda _n: answers["status"]) as receiver, partners_running(settings, db, clock):
        subscription = subscribe(api, receiver.url)
        sid = subscription["subscription_id"]
        publish(settings, [goal_created(clinic, client) for client in clients(3)])
        wait_until(lambda: db[PARKED].count_documents({"subscription_id": sid}) == 3, message="3 parked")
        answers["status"] = 204
        answer = api("POST", f"/v1/subscriptions/{sid}/redeliver", {"parked": True})
        assert answer.status_code == 202 and answer.get_json()["seqs"] == [1, 2, 3]
        wait_until(lambda: len(receiver.delivered) == 3, message="the parked entries redelivered")
        assert receiver.ids() == feed_ids(db, sid) and not db[PARKED].count_documents({"subscription_id": sid})
        assert api("POST", f"/v1/subscriptions/{sid}/redeliver", {"seqs": [2]}).status_code == 202
        wait_until(lambda: len(receiver.delivered) == 4, message="the chosen entry redelivered")
    assert receiver.ids()[3] == feed_ids(db, sid)[1]


def test_a_replay_resends_from_a_cursor_or_a_time_with_the_same_webhook_ids(settings, db, clock, clinic, api):
    with Receiver() as receiver, partners_running(settings, db, clock):
        sid = subscribe(api, receiver.url)["subscription_id"]
        publish(settings, [goal_created(clinic, client) for client in clients(5)])
        wait_until(lambda: len(receiver.delivered) == 5, message="5 deliveries")
        answer = api("POST", f"/v1/subscriptions/{sid}/replay", {"after": "2"})
        assert answer.status_code == 202 and answer.get_json()["after"] == "2"
        wait_until(lambda: len(receiver.delivered) == 8, message="3 replayed")
        assert api("POST", f"/v1/subscriptions/{sid}/replay", {"from_time": NOW.isoformat()}).status_code == 202
        wait_until(lambda: len(receiver.delivered) == 13, message="5 replayed from a time")
    ids = feed_ids(db, sid)
    assert receiver.ids() == ids + ids[2:] + ids


def test_ssrf_targets_are_refused_at_creation_and_at_delivery(settings, db, clock, clinic, api):
    strict = create_app(replace(settings, allowed_networks=()), db=db, clock=clock).test_client()
    token = mint_token(SECRET, sub="admin-1", clinic_id=clinic, role="clinic_admin")
    for url in ("http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:8080/hook", "http://10.0.0.5/hook",
                "http://[::ffff:127.0.0.1]/hook", "http://[fe80::1]/hook", "http://localhost/hook"):
        answer = strict.post("/v1/subscriptions", headers={"Authorization": f"Bearer {token}"},
                             json={"partner_id": "ehr", "event_types": ["goal-created"], "url": url})
        assert answer.status_code == 422 and "url" in answer.get_json()["errors"], url
        if "::ffff:" not in url:  # the schema already refuses that form as no URL
            assert answer.get_json()["error_code"] == "forbidden-target", url
    sid = subscribe(api, "http://127.0.0.1:9/hook")["subscription_id"]
    answer = strict.patch(f"/v1/subscriptions/{sid}", json={"url": "http://192.168.1.1/hook"},
                          headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 422 and "url" in answer.get_json()["errors"]
    with Receiver() as receiver:
        sid = subscribe(api, receiver.url)["subscription_id"]  # allowed when made, refused when delivered
        with partners_running(settings, db, clock, channel_settings=replace(settings, allowed_networks=())):
            publish(settings, [goal_created(clinic, client) for client in clients(1)])
            wait_until(lambda: api("GET", f"/v1/subscriptions/{sid}/deliveries").get_json()["total"] >= 2,
                       message="refused attempts")
    assert not receiver.requests
    log = api("GET", f"/v1/subscriptions/{sid}/deliveries").get_json()["items"]
    assert {(d["error"], d["status_code"]) for d in log} == {("forbidden-target", None)}


def test_consent_withdrawn_stops_deliveries_also_of_entries_waiting_for_a_retry(settings, db, clock, clinic, api):
    answers = {"status": 500}
    leaving, staying = clients(2)
    with Receiver(lambda _n: answers["status"]) as receiver, partners_running(settings, db, clock):
        sid = subscribe(api, receiver.url)["subscription_id"]
        publish(settings, [goal_created(clinic, leaving)])
        wait_until(lambda: receiver.requests, message="the first entry's first attempt")  # then retried
        publish(settings, [goal_created(clinic, staying)])
        wait_until(lambda: db[FEED].count_documents({"subscription_id": sid}) == 2, message="2 entries routed")
        publish(settings, [sharing_withdrawn(clinic, leaving, clock())])
        wait_until(lambda: db[CONSENTS].find_one({"_id": compound_id(clinic, leaving)}), message="the withdrawal")
        answers["status"] = 204
        publish(settings, [goal_created(clinic, leaving, clock()), goal_created(clinic, staying, clock())])
        wait_until(lambda: len(receiver.delivered) == 2, message="the staying client's events")
        time.sleep(0.5)  # time enough for anything else to arrive
    staying_ids = [e["event"]["id"] for e in db[FEED].find({"subscription_id": sid, "client_id": staying})]
    assert sorted(receiver.ids()) == sorted(staying_ids)
    [waiting] = [e["event"]["id"] for e in db[FEED].find({"subscription_id": sid, "client_id": leaving})]
    assert receiver.requests[0].webhook_id == waiting  # retried until the withdrawal, then withheld


def test_bad_input_is_answered_with_the_field_it_concerns(api):
    sid = subscribe(api, "http://127.0.0.1:9/hook")["subscription_id"]
    bad = [("redeliver", {}, "seqs"), ("redeliver", {"seqs": [1], "parked": True}, "seqs"),
           ("redeliver", {"parked": False}, "parked"), ("redeliver", {"seqs": [0]}, "seqs[0]"),
           ("redeliver", {"seqs": []}, "seqs"), ("redeliver", {"seqs": ["1"]}, "seqs[0]"),
           ("redeliver", {"seqs": [7]}, "seqs[0]"), ("redeliver", {"seqs": [1], "extra": 1}, "extra"),
           ("replay", {}, "from_time"), ("replay", {"after": "x1"}, "after"), ("replay", {"after": "9"}, "after"),
           ("replay", {"from_time": "2027-03-10T12:00:00"}, "from_time"),
           ("replay", {"from_time": NOW.isoformat(), "after": "0"}, "from_time")]
    for action, body, field in bad:
        answer = api("POST", f"/v1/subscriptions/{sid}/{action}", body)
        assert answer.status_code == 422 and field in answer.get_json()["errors"], (action, body, answer.get_json())
    assert api("GET", f"/v1/subscriptions/{sid}/deliveries?page_size=101").status_code == 422
    assert api("GET", f"/v1/subscriptions/{sid}/deliveries", clinic_id="clinic-other").status_code == 404
    assert api("POST", f"/v1/subscriptions/{sid}/replay", {"after": "0"}, role="clinician").status_code == 403
    assert api("POST", f"/v1/subscriptions/{uuid.uuid4()}/redeliver", {"parked": True}).status_code == 404
