"""Topic names and their idempotent creation. Event topics keep events forever.

Topics are created with the settings' replication factor and min.insync.replicas
(1 and 1 on one broker, 3 and 2 on a cluster): with the producers' acks=all, an
acknowledged event is on at least min.insync.replicas brokers.
"""
from __future__ import annotations

import logging
import time

from kafka.admin import KafkaAdminClient
from kafka.errors import KafkaConnectionError, KafkaTimeoutError, TopicAlreadyExistsError, for_code

from shared.runtime.config import Settings

GOALS_EVENTS = "goals-events"                  # internal: goal and session events, key = client id
REMINDERS_EVENTS = "reminders-events"          # reminder-sent / reminder-failed, key = client id
EVENT_TOPICS = (GOALS_EVENTS, REMINDERS_EVENTS)
KEEP_FOREVER = {"retention.ms": "-1", "retention.bytes": "-1"}
UNREACHABLE = (KafkaTimeoutError, KafkaConnectionError)

log = logging.getLogger(__name__)


def dead_letter_topic(group_id: str) -> str:
    """The dead-letter topic of a consumer group: ``<group>.dlq``."""
    return f"{group_id}.dlq"


def ensure_topics(settings: Settings, names: tuple[str, ...] = EVENT_TOPICS, partitions: int | None = None,
                  wait_seconds: float = 60.0) -> list[str]:
    """Create the (logical) topics that do not exist yet and return the physical names created.

    Existing topics are left as they are, also when another process creates one at
    the same moment. While the broker is not reachable yet (a platform starting up)
    it retries for up to `wait_seconds`, then raises the last connection error.
    """
    admin = _admin(settings, time.monotonic() + wait_seconds)
    try:
        physical = [settings.topic(name) for name in names]
        existing = set(admin.list_topics())
        missing = [name for name in physical if name not in existing]
        created = _create(admin, missing, partitions or settings.topic_partitions, settings.replication_factor,
                          settings.min_insync_replicas)
        if created:
            log.info("topics created", extra={"topics": created})
        return created
    finally:
        admin.close()


def _admin(settings: Settings, deadline: float) -> KafkaAdminClient:
    delay = 0.5
    while True:
        try:
            return KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers,
                                    client_id=f"{settings.service}-admin", bootstrap_timeout_ms=5_000)
        except UNREACHABLE as error:
            if time.monotonic() + delay > deadline:
                raise
            log.warning("waiting for Kafka", extra={"error": type(error).__name__, "retry_in_s": delay})
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


def _create(admin: KafkaAdminClient, names: list[str], partitions: int, replication: int,
            min_insync: int) -> list[str]:
    """Create the topics; one that already exists (a race with another process) is not an error."""
    if not names:
        return []
    configs = {**KEEP_FOREVER, "min.insync.replicas": str(min_insync)}
    request = {name: {"num_partitions": partitions, "replication_factor": replication, "configs": configs}
               for name in names}
    response = admin.create_topics(request, raise_errors=False)
    created = []
    for topic in response["topics"]:
        error = for_code(topic["error_code"])
        if topic["error_code"] == 0:
            created.append(topic["name"])
        elif error is not TopicAlreadyExistsError:
            raise error(topic.get("error_message") or topic["name"])
    admin.wait_for_topics(created, timeout_ms=30_000)
    return created
