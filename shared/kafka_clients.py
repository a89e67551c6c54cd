"""Factories for kafka-python clients with the platform's settings."""
from __future__ import annotations

from kafka import KafkaConsumer, KafkaProducer

from shared.config import Settings


def producer(settings: Settings, **overrides) -> KafkaProducer:
    """Idempotent producer (acks=all): a retried send is written once, in order."""
    options = dict(bootstrap_servers=settings.kafka_bootstrap_servers, client_id=f"{settings.service}-producer",
                   acks="all", enable_idempotence=True, linger_ms=5, max_block_ms=10_000,
                   request_timeout_ms=15_000, retries=2_147_483_647)
    return KafkaProducer(**{**options, **overrides})


def consumer(settings: Settings, group_id: str | None, **overrides) -> KafkaConsumer:
    """A consumer with manual commits; offsets are committed by the runtime after the writes."""
    options = dict(bootstrap_servers=settings.kafka_bootstrap_servers, group_id=group_id,
                   client_id=f"{settings.service}-{group_id or 'replay'}", enable_auto_commit=False,
                   auto_offset_reset="earliest", max_poll_records=500, fetch_max_wait_ms=200,
                   session_timeout_ms=15_000, heartbeat_interval_ms=3_000)
    return KafkaConsumer(**{**options, **overrides})
