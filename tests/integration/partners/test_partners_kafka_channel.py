"""The Kafka channel on the real broker: a subscription's feed onto its topic in seq order, consent checked again."""
import json
import uuid

import pytest
from partners_kit import now
from prometheus_client import REGISTRY

from services.partners.delivery.kafka_channel import KafkaChannel
from services.partners.indexes import DECLARED
from services.partners.projection import partners_projection
from services.partners.service.feed import FeedReader
from services.partners.service.router import Router
from shared.messaging import kafka_clients
from shared.messaging.topics import ensure_topics
from shared.store import indexes
from tests.support import publish, read_topic, running_projection, wait_caught_up
from tests.unit.partners.partners_builders import SharingStory
from tests.unit.reports.reports_builders import weeks

pytestmark = pytest.mark.integration
TYPES = ["goal-created", "milestone-reached", "session-logged"]


def with_topic(db, settings, subscription_id: str) -> str:
    """Give the subscription its topic, as the credentials command does (one partition: one order to check)."""
    topic = f"partner.{subscription_id}"
    ensure_topics(settings, (topic,), partitions=1)
    db.subscriptions.update_one({"_id": subscription_id},
                                {"$set": {"kafka": {"topic": topic, "principal": f"partner-{subscription_id}"}}})
    return topic


@pytest.fixture(scope="module")
def producer(settings):
    made = kafka_clients.producer(settings)
    yield made
    made.close()


def test_the_channel_publishes_the_feed_in_order_keyed_by_pseudonym_and_moves_its_cursor(settings, db, subscribe,
                                                                                     producer):
    indexes.ensure(db, DECLARED)
    clinic = f"clinic-k-{uuid.uuid4().hex[:8]}"
    subscription = subscribe(clinic, "ehr-1", event_types=TYPES)["subscription_id"]
    topic = with_topic(db, settings, subscription)
    stories = [SharingStory(clinic, f"client-{n}-{uuid.uuid4().hex[:6]}") for n in range(3)]
    for n, story in enumerate(stories):
        story.goal(f"g{n}", milestones=2)
        story.reach(f"g{n}", f"g{n}-m1", weeks(1))
        story.session(f"s{n}", weeks(2), ratings={f"g{n}": 1})
    withdrawn = stories[2]
    projection = partners_projection(Router(settings.pseudonym_secret, now))
    with running_projection(projection, settings, db):
        publish(settings, [event for story in stories for event in story.events])
        wait_caught_up(settings, projection)
        publish(settings, [withdrawn.share(weeks(3), "none")])  # after routing, before delivery
        wait_caught_up(settings, projection)
    channel = KafkaChannel(db, producer, settings, FeedReader(db, now))

    assert channel.run_once() == 6 and channel.run_once() == 0

    feed = list(db.feed.find({"subscription_id": subscription}).sort("seq", 1))
    delivered = [entry for entry in feed if entry["client_id"] != withdrawn.client]
    records = read_topic(settings, topic, len(delivered))
    assert [json.loads(record.value) for record in records] == [entry["event"] for entry in delivered]
    assert [record.key.decode() for record in records] == [entry["pseudonym"] for entry in delivered]
    assert dict(records[0].headers)["ce_type"] == b"goal-created"
    stored = db.subscriptions.find_one({"_id": subscription})
    assert stored["cursors"]["kafka"] == stored["seq"] == len(feed) == 9
    metric = REGISTRY.get_sample_value
    assert metric("partner_feed_lag", {"subscription": subscription, "channel": "kafka"}) == 0
    assert metric("partner_entries_routed_total", {"subscription": subscription}) == 9
    assert metric("partner_entries_withheld_total", {"subscription": subscription, "channel": "kafka"}) == 3


def test_a_subscription_without_a_topic_or_paused_gets_nothing(settings, db, subscribe, client, auth, producer):
    clinic = f"clinic-p-{uuid.uuid4().hex[:8]}"
    paused = subscribe(clinic, "ehr-1", event_types=TYPES)["subscription_id"]
    with_topic(db, settings, paused)
    db.feed.insert_one({"_id": f"{paused}:000000000001", "subscription_id": paused, "seq": 1,
                        "source_event_id": "e1", "client_id": "c1", "pseudonym": "psn_x", "type": "goal-created",
                        "time": now(), "event": {"id": "psn_e"}, "recorded_at": now()})
    db.subscriptions.update_one({"_id": paused}, {"$set": {"seq": 1}})
    assert client.patch(f"/v1/subscriptions/{paused}", json={"status": "paused"},
                        headers=auth(clinic)).status_code == 200
    channel = KafkaChannel(db, producer, settings, FeedReader(db, now))
    channel.run_once()
    assert db.subscriptions.find_one({"_id": paused})["cursors"]["kafka"] == 0


def test_a_topic_that_refuses_the_batch_holds_back_only_its_own_subscription(settings, db, subscribe):
    clinic = f"clinic-m-{uuid.uuid4().hex[:8]}"
    missing, fine = (subscribe(clinic, partner, event_types=TYPES)["subscription_id"] for partner in ("a-1", "b-1"))
    db.subscriptions.update_one({"_id": missing}, {"$set": {"kafka": {"topic": f"partner.{missing}",
                                                                       "principal": f"partner-{missing}"}}})
    topic = with_topic(db, settings, fine)
    for subscription in (missing, fine):
        db.feed.insert_one({"_id": f"{subscription}:000000000001", "subscription_id": subscription, "seq": 1,
                            "source_event_id": "e1", "client_id": "c1", "pseudonym": "psn_x", "type": "goal-created",
                            "time": now(), "event": {"id": f"psn_{subscription}"}, "recorded_at": now()})
        db.subscriptions.update_one({"_id": subscription}, {"$set": {"seq": 1}})
    impatient = kafka_clients.producer(settings, max_block_ms=1_000)
    try:
        KafkaChannel(db, impatient, settings, FeedReader(db, now)).run_once()
    finally:
        impatient.close()
    assert [json.loads(record.value) for record in read_topic(settings, topic, 1)] == [{"id": f"psn_{fine}"}]
    cursors = {doc["_id"]: doc["cursors"]["kafka"] for doc in db.subscriptions.find({"_id": {"$in": [missing, fine]}})}
    assert cursors == {missing: 0, fine: 1}
