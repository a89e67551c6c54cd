"""Factories for kafka-python clients with the platform's settings."""
from __future__ import annotations

from typing import Any, Protocol

from kafka import KafkaConsumer, KafkaProducer
from kafka.errors import KafkaTimeoutError

from shared.runtime.config import Settings
from shared.runtime.lifecycle import Stop, never


class Record(Protocol):
    """What the consumer runtime reads of a consumed record (kafka-python's ConsumerRecord, a test's own)."""

    @property
    def topic(self) -> str: ...

    @property
    def partition(self) -> int: ...

    @property
    def offset(self) -> int: ...

    @property
    def key(self) -> bytes | None: ...

    @property
    def value(self) -> bytes: ...

    @property
    def headers(self) -> list[tuple[str, bytes]]: ...


def producer(settings: Settings, **overrides: Any) -> KafkaProducer:
    """Idempotent producer (acks=all): a retried send is written once, in order."""
    options = dict(bootstrap_servers=settings.kafka_bootstrap_servers, client_id=f"{settings.service}-producer",
                   acks="all", enable_idempotence=True, linger_ms=5, max_block_ms=10_000,
                   request_timeout_ms=15_000, retries=2_147_483_647)
    return KafkaProducer(**{**options, **overrides})


def consumer(settings: Settings, group_id: str | None, **overrides: Any) -> KafkaConsumer:
    """A consumer with manual commits; offsets are committed by the runtime after the writes."""
    options = dict(bootstrap_servers=settings.kafka_bootstrap_servers, group_id=group_id,
                   client_id=f"{settings.service}-{group_id or 'replay'}", enable_auto_commit=False,
                   auto_offset_reset="earliest", max_poll_records=500, fetch_max_wait_ms=200,
                   session_timeout_ms=15_000, heartbeat_interval_ms=3_000)
    return KafkaConsumer(**{**options, **overrides})


def acknowledged(producer: KafkaProducer, futures: list, stop: Stop = never) -> bool:
    """Wait until the broker acknowledged every send (True) or `stop()` (False).

    Raises the error of a send the broker refused or that timed out
    (``delivery_timeout_ms``); while the broker is merely away it keeps waiting.
    """
    while not all(future.is_done for future in futures):
        if stop():
            return False
        try:
            producer.flush(timeout=1.0)
        except KafkaTimeoutError:
            pass  # still waiting for the broker
    for future in futures:
        future.get(timeout=0)
    return True
