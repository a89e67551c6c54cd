"""While Kafka is down, commands still succeed; once it is back, every event flows, in order, once.

The test runs its own broker (deploy/infra.py, profile "outage", ports 29092/29093,
data in .infra/outage/), so stopping it disturbs neither other tests nor the
shared development broker. A file lock keeps two runs from sharing it.
"""
import json
import threading
import time
import uuid
from collections import defaultdict

import pytest
from kafka.errors import KafkaError

from deploy import infra as launcher
from shared.messaging import kafka_clients, relay
from shared.store import mongo
from shared.runtime.config import Settings
from shared.messaging.topics import GOALS_EVENTS, ensure_topics
from shared.runtime.lifecycle import StopFlag
from backbone_kit import private_kafka
from tests.support import read_topic, wait_until

pytestmark = pytest.mark.integration
PROFILE = launcher.PROFILES["outage"]


@pytest.fixture(scope="module")
def private_broker():
    """A Kafka broker of this test alone, started fresh and removed afterwards."""
    with private_kafka(PROFILE) as profile:
        yield profile


@pytest.fixture
def settings(private_broker, base_env):
    unique = uuid.uuid4().hex[:8]
    settings = Settings(service="goals", kafka_bootstrap_servers=private_broker.kafka_bootstrap,
                        mongodb_uri=base_env["MONGODB_URI"], mongodb_db_prefix=f"t{unique}", topic_prefix="")
    yield settings
    mongo.connect(settings).drop_database(settings.database_name)


@pytest.fixture
def relay_running(settings, store):
    """The goals worker's relay loop in a thread, as services/goals/worker.py runs it."""
    ensure_topics(settings, partitions=3)
    producer = kafka_clients.producer(settings)
    stop = StopFlag()
    thread = threading.Thread(target=relay.run, args=(store, producer, stop, settings.topic), daemon=True)
    thread.start()
    yield thread
    stop.set()
    thread.join(timeout=30)
    try:
        producer.close(timeout=5)
    except KafkaError:
        pass  # a failed test may leave sends pending for a stopped broker


def append_goal(store, events, client: str, goal: str, milestones: int) -> list:
    """A goal and its milestones, one command (one commit) each."""
    appended = [events.goal_created(client, goal)]
    store.append(goal, 0, appended)
    for _ in range(milestones):
        event = events.milestone_reached(client, goal)
        store.append(goal, event.sequence - 1, [event])
        appended.append(event)
    return appended


def test_commands_succeed_while_kafka_is_down_and_every_event_flows_in_order_once_it_is_back(
        settings, store, events, relay_running):
    before = append_goal(store, events, "client-1", "goal-1", 2)
    wait_until(lambda: not store.unpublished(), message="the relay publishing while Kafka is up")

    launcher.stop_kafka(PROFILE)
    started = time.monotonic()
    during = [event for c in range(4) for event in append_goal(store, events, f"client-{c}", f"goal-down-{c}", 3)]
    during += append_goal(store, events, "client-1", "goal-1-more", 2)
    assert time.monotonic() - started < 5, "appending does not wait for Kafka"
    time.sleep(2)
    assert len(store.unpublished()) == len(during), "nothing can be published meanwhile, nothing is marked"

    launcher.start_kafka(PROFILE)
    wait_until(lambda: not store.unpublished(), timeout=120, message="the relay catching up")

    appended = before + during
    records = read_topic(settings, GOALS_EVENTS, len(appended), timeout=60)
    published = [json.loads(record.value) for record in records]
    assert sorted(e["id"] for e in published) == sorted(e.id for e in appended), "every event, exactly once"
    per_stream = defaultdict(list)
    for event in published:
        per_stream[event["subject"]].append(event["sequence"])
    assert all(seqs == list(range(1, len(seqs) + 1)) for seqs in per_stream.values()), "stream order"
    partitions = defaultdict(set)
    for record in records:
        partitions[record.key].add(record.partition)
    assert all(len(found) == 1 for found in partitions.values()), "one partition per client"


def test_start_up_waits_for_a_broker_that_is_not_reachable_yet(settings):
    launcher.stop_kafka(PROFILE)
    outcome = {}

    def start_up():
        outcome["created"] = ensure_topics(settings, ("late-topic",), wait_seconds=90)

    thread = threading.Thread(target=start_up)
    thread.start()
    time.sleep(2)
    launcher.start_kafka(PROFILE)
    thread.join(timeout=120)

    assert outcome["created"] == ["late-topic"]
