"""On three Kafka nodes (replication 3, min.insync.replicas 2, acks=all) one node may stop: no event is lost.

The test runs its own cluster (deploy/infra.py, profile "cluster": brokers 29192,
29202, 29212, data in .infra/cluster/), started fresh and removed afterwards; a
file lock keeps two runs from sharing it. It creates a topic with the platform's
topic code, produces with the platform's producer and consumes with its consumer
in a consumer group, before, during and after the stop of one node.
"""
import time
import uuid

import pytest
from kafka.admin import ConfigResource, KafkaAdminClient

from deploy import infra as launcher
from shared.messaging import kafka_clients
from shared.messaging.topics import GOALS_EVENTS, ensure_topics
from shared.runtime.config import Settings
from backbone_kit import private_kafka
from tests.support import wait_until

pytestmark = pytest.mark.integration
PROFILE = launcher.PROFILES["cluster"]
STOPPED_NODE = 2
GROUP = "cluster-test"


@pytest.fixture(scope="module")
def cluster():
    """Three Kafka nodes of this test alone; the seconds they took to start are printed."""
    began = time.monotonic()
    with private_kafka(PROFILE) as profile:
        print(f"three Kafka nodes started in {time.monotonic() - began:.1f}s")
        yield profile


@pytest.fixture
def settings(cluster):
    replicas, min_insync = cluster.replication
    return Settings(service="goals", kafka_bootstrap_servers=cluster.kafka_bootstrap, topic_prefix=f"c{uuid.uuid4().hex[:8]}-",
                    replication_factor=replicas, min_insync_replicas=min_insync)


def partitions(settings: Settings) -> list[dict]:
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    try:
        return admin.describe_topics([settings.topic(GOALS_EVENTS)])[0]["partitions"]
    finally:
        admin.close()


def min_insync_config(settings: Settings) -> str:
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    try:
        name = settings.topic(GOALS_EVENTS)
        return admin.describe_configs([ConfigResource("TOPIC", name)])["topic"][name]["min.insync.replicas"]["value"]
    finally:
        admin.close()


def produce(settings: Settings, values: list[str]) -> None:
    """Send with the platform's producer (acks=all) and wait until every send is acknowledged."""
    producer = kafka_clients.producer(settings)
    try:
        futures = [producer.send(settings.topic(GOALS_EVENTS), key=f"client-{i % 7}".encode(), value=value.encode())
                   for i, value in enumerate(values)]
        assert kafka_clients.acknowledged(producer, futures)
    finally:
        producer.close(timeout=10)


def consume(settings: Settings, expected: int, timeout: float = 60) -> list[str]:
    """The group's next `expected` records (then committed), read with the platform's consumer."""
    consumer = kafka_clients.consumer(settings, settings.topic(GROUP))
    consumer.subscribe([settings.topic(GOALS_EVENTS)])
    values: list[str] = []
    deadline = time.monotonic() + timeout
    try:
        while len(values) < expected and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=500).values():
                values += [record.value.decode() for record in records]
        consumer.commit()
        time.sleep(0.5)
        values += [record.value.decode() for records in consumer.poll(timeout_ms=500).values() for record in records]
    finally:
        consumer.close()
    return values


def test_one_node_stops_and_every_acknowledged_event_is_consumed_once(cluster, settings):
    assert ensure_topics(settings, (GOALS_EVENTS,)) == [settings.topic(GOALS_EVENTS)]
    assert all(len(p["replica_nodes"]) == 3 and len(p["isr_nodes"]) == 3 for p in partitions(settings))
    assert min_insync_config(settings) == "2"

    before = [f"before-{i}" for i in range(100)]
    produce(settings, before)
    assert sorted(consume(settings, len(before))) == sorted(before)

    launcher.stop_kafka(cluster, [STOPPED_NODE])
    during = [f"during-{i}" for i in range(100)]
    began = time.monotonic()
    produce(settings, during)
    print(f"100 events acknowledged by two nodes in {time.monotonic() - began:.1f}s")
    assert all(STOPPED_NODE not in p["isr_nodes"] and len(p["isr_nodes"]) == 2 for p in partitions(settings))
    assert sorted(consume(settings, len(during))) == sorted(during)

    began = time.monotonic()
    launcher.start_kafka(cluster, [STOPPED_NODE])
    wait_until(lambda: all(len(p["isr_nodes"]) == 3 for p in partitions(settings)), timeout=60,
               message="the restarted node back in every partition's ISR")
    print(f"node {STOPPED_NODE} restarted and in sync in {time.monotonic() - began:.1f}s")
    after = [f"after-{i}" for i in range(100)]
    produce(settings, after)
    assert sorted(consume(settings, len(after))) == sorted(after)

    reader = kafka_clients.consumer(settings, None)  # every record of the topic, outside the group
    reader.subscribe([settings.topic(GOALS_EVENTS)])
    everything: list[str] = []
    wait_until(lambda: everything.extend(r.value.decode() for rs in reader.poll(timeout_ms=500).values() for r in rs)
               or len(everything) >= 300, timeout=30, message="all 300 records")
    reader.close()
    assert sorted(everything) == sorted(before + during + after)
