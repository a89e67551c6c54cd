"""The outbox relay: stored events reach Kafka in stream order, keyed by client, marked published."""
import json
from collections import defaultdict

import pytest

from shared.messaging import kafka_clients
from shared.messaging.topics import GOALS_EVENTS, ensure_topics
from shared.messaging.relay import relay_once
from tests.support import read_topic

pytestmark = pytest.mark.integration


@pytest.fixture
def producer(settings):
    ensure_topics(settings)
    producer = kafka_clients.producer(settings)
    yield producer
    producer.close()


def append_streams(store, events, clients=4, goals_per_client=2, commits_per_goal=3) -> list:
    appended = []
    for c in range(clients):
        for g in range(goals_per_client):
            goal = f"goal-{c}-{g}"
            batch = [events.goal_created(f"client-{c}", goal)]
            for _ in range(commits_per_goal):
                store.append(goal, batch[0].sequence - 1, batch)
                appended.extend(batch)
                batch = [events.milestone_reached(f"client-{c}", goal), events.milestone_reached(f"client-{c}", goal)]
    return appended


def test_the_relay_publishes_each_stream_in_order_keyed_by_client_and_marks_it_published(
        settings, store, producer, events):
    appended = append_streams(store, events)

    assert relay_once(store, producer, settings.topic) == len(appended)

    records = read_topic(settings, GOALS_EVENTS, len(appended))
    assert sorted(json.loads(r.value)["id"] for r in records) == sorted(e.id for e in appended)
    partitions, sequences = defaultdict(set), defaultdict(list)
    for record in records:
        event = json.loads(record.value)
        assert record.key == event["partitionkey"].encode()
        partitions[event["partitionkey"]].add(record.partition)
        sequences[event["subject"]].append(event["sequence"])
    assert all(len(found) == 1 for found in partitions.values()), "one partition per client"
    assert all(found == list(range(1, len(found) + 1)) for found in sequences.values()), "stream order"
    assert store.unpublished() == []


def test_publishing_again_is_harmless_the_copies_are_the_same_events(settings, store, producer, events):
    appended = append_streams(store, events, clients=2, goals_per_client=1)
    relay_once(store, producer, settings.topic)
    store.commits.update_many({}, {"$set": {"published": False}})  # as if the relay died before marking

    relay_once(store, producer, settings.topic)

    records = read_topic(settings, GOALS_EVENTS, 2 * len(appended))
    copies = defaultdict(list)
    for record in records:
        copies[json.loads(record.value)["id"]].append(record.value)
    assert len(copies) == len(appended)
    assert all(len(values) == 2 and values[0] == values[1] for values in copies.values())
    assert relay_once(store, producer, settings.topic) == 0


def test_published_records_carry_the_cloudevents_structured_mode_content_type(settings, store, producer, events):
    store.append("goal-1", 0, [events.goal_created("client-1", "goal-1")])

    relay_once(store, producer, settings.topic)

    [record] = read_topic(settings, GOALS_EVENTS, 1)
    headers = dict(record.headers)
    assert headers["content-type"].startswith(b"application/cloudevents+json")
    assert headers["ce_type"] == b"goal-created"
