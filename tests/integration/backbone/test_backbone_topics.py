"""Topics are created idempotently at start-up, with the configured partitions, and keep events forever."""
import dataclasses
import threading

import pytest
from kafka.admin import ConfigResource, KafkaAdminClient

from shared.messaging.topics import EVENT_TOPICS, dead_letter_topic, ensure_topics

pytestmark = pytest.mark.integration


@pytest.fixture
def admin(settings):
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    yield admin
    admin.close()


@pytest.fixture
def fresh(settings):
    """Settings whose topics do not exist yet (removed with the test's other topics)."""
    return dataclasses.replace(settings, topic_prefix=settings.topic_prefix + "fresh-", topic_partitions=2)


def partitions(admin, topic: str) -> int:
    return len(admin.describe_topics([topic])[0]["partitions"])


def test_creating_the_topics_twice_is_harmless(fresh, admin):
    first = ensure_topics(fresh)
    second = ensure_topics(fresh)

    assert sorted(first) == sorted(fresh.topic(name) for name in EVENT_TOPICS)
    assert second == []
    assert all(partitions(admin, fresh.topic(name)) == 2 for name in EVENT_TOPICS), "KAFKA_TOPIC_PARTITIONS"


def test_when_some_topics_exist_only_the_missing_ones_are_created(fresh, admin):
    ensure_topics(fresh, EVENT_TOPICS[:1], partitions=1)

    created = ensure_topics(fresh, EVENT_TOPICS + (dead_letter_topic("reports"),))

    assert sorted(created) == sorted(fresh.topic(name) for name in EVENT_TOPICS[1:] + ("reports.dlq",))
    assert partitions(admin, fresh.topic(EVENT_TOPICS[0])) == 1, "an existing topic is left as it is"


def test_processes_starting_together_may_all_ensure_the_topics(fresh):
    errors = []

    def start_up():
        try:
            ensure_topics(fresh)
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=start_up) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []


def test_event_and_dead_letter_topics_keep_events_forever(fresh, admin):
    names = [fresh.topic(name) for name in EVENT_TOPICS + (dead_letter_topic("reports"),)]
    ensure_topics(fresh, EVENT_TOPICS + (dead_letter_topic("reports"),))

    described = admin.describe_configs([ConfigResource("TOPIC", name) for name in names])["topic"]

    for name in names:
        assert described[name]["retention.ms"]["value"] == "-1", name
        assert described[name]["retention.bytes"]["value"] == "-1", name
        assert described[name]["min.insync.replicas"]["value"] == str(fresh.min_insync_replicas), name
