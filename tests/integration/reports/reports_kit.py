"""Helpers of the reports integration tests: private settings, waiting for a group of projectors to be stable."""
from __future__ import annotations

import uuid

from kafka.admin import KafkaAdminClient

from services.reports.settings import ReportsSettings
from shared.runtime.config import Settings
from shared.store import mongo
from tests.support import delete_topics, wait_until


def private_settings() -> ReportsSettings:
    """Settings of the reports service with a database and topics of their own."""
    unique = uuid.uuid4().hex[:10]
    return ReportsSettings(mongodb_db_prefix=f"t{unique}", topic_prefix=f"t{unique}-",
                           jwt_secret=f"reports-tests-secret-{unique}-0123456789")


def remove(settings: Settings) -> None:
    """Drop the private database and delete the private topics."""
    mongo.connect(settings).drop_database(settings.database_name)
    delete_topics(settings)


def wait_members(settings: Settings, projection, count: int, timeout: float = 30) -> None:
    """Wait until the projection's consumer group is stable with `count` members sharing the partitions."""
    group = settings.topic(projection.name)

    def stable() -> bool:
        admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
        try:
            description = admin.describe_groups([group])[group]
        finally:
            admin.close()
        return description["group_state"] == "Stable" and len(description["members"]) == count
    wait_until(stable, timeout=timeout, interval=0.3, message=f"{count} members in {group}")
