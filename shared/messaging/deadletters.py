"""The dead-letter topic of a consumer group (``<group>.dlq``).

A dead-lettered record keeps its key, value and headers; added headers say why
(``dlq_reason``: undecodable, contract or handler; ``dlq_error``) and where it
came from (``dlq_topic``, ``dlq_partition``, ``dlq_offset``, ``dlq_group``).
The consumer commits past a record only once its dead letter is acknowledged.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from kafka import KafkaProducer

from shared.messaging.kafka_clients import Record, acknowledged
from shared.runtime.metrics import EVENTS_FAILED

log = logging.getLogger(__name__)
REASONS = {
    "undecodable": "not JSON, or not a CloudEvent of this platform",
    "contract": "unknown version of a handled type, or data invalid for its schema",
    "handler": "the projection kept failing on it after the retries",
}


@dataclass
class Rejected:
    record: Record
    reason: str   # one of REASONS
    error: str


class DeadLetters:
    """Sends a group's rejected records to its dead-letter `topic` (physical name)."""

    def __init__(self, producer: KafkaProducer, group_id: str, topic: str):
        self.producer, self.group_id, self.topic = producer, group_id, topic
        self._pending: list = []  # the sends' futures, until flush

    def send(self, rejected: Rejected) -> None:
        record = rejected.record
        headers = [(name, value) for name, value in record.headers or () if not name.startswith("dlq_")] + [
            ("dlq_reason", rejected.reason.encode()), ("dlq_error", rejected.error[:2000].encode()),
            ("dlq_topic", record.topic.encode()), ("dlq_partition", str(record.partition).encode()),
            ("dlq_offset", str(record.offset).encode()), ("dlq_group", self.group_id.encode())]
        self._pending.append(self.producer.send(self.topic, key=record.key, value=record.value, headers=headers))
        EVENTS_FAILED.labels(self.group_id, rejected.reason).inc()
        log.warning("event dead-lettered", extra={"group": self.group_id, "reason": rejected.reason,
                                                  "topic": record.topic, "partition": record.partition,
                                                  "offset": record.offset})

    def flush(self) -> None:
        """Wait until the broker has every dead letter sent so far (raises if one failed)."""
        pending, self._pending = self._pending, []
        if pending:
            acknowledged(self.producer, pending)
