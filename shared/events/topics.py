"""Topic names and their idempotent creation. Event topics keep events forever."""
from __future__ import annotations

import logging

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError

from shared.config import Settings

GOALS_EVENTS = "goals-events"                  # internal: goal and session events, key = client id
GOALS_PARTNER_EVENTS = "goals-events-partner"  # the same events without personal fields
REMINDERS_EVENTS = "reminders-events"          # reminder-sent / reminder-failed, key = client id
EVENT_TOPICS = (GOALS_EVENTS, GOALS_PARTNER_EVENTS, REMINDERS_EVENTS)
KEEP_FOREVER = {"retention.ms": "-1", "retention.bytes": "-1"}

log = logging.getLogger(__name__)


def dead_letter_topic(group_id: str) -> str:
    return f"{group_id}.dlq"


def ensure_topics(settings: Settings, names: tuple[str, ...] = EVENT_TOPICS, partitions: int | None = None) -> None:
    """Create the (logical) topics that do not exist yet; existing ones are left as they are."""
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers, client_id=f"{settings.service}-admin")
    names = tuple(settings.topic(name) for name in names)
    try:
        missing = [name for name in names if name not in set(admin.list_topics())]
        new = [NewTopic(name, partitions or settings.topic_partitions, settings.replication_factor,
                        topic_configs=KEEP_FOREVER) for name in missing]
        if new:
            try:
                admin.create_topics(new)
            except TopicAlreadyExistsError:
                pass  # another process created it first
            log.info("topics created", extra={"topics": missing})
    finally:
        admin.close()
