"""The consumer runtime: poll → decode → handle → bulk write → commit.

Guarantees, in one place for every projection:
- offsets are committed only after the batch's projection writes;
- undecodable, schema-invalid or unknown-version events go to the dead-letter
  topic (``<group>.dlq``) with the error and their original coordinates, and the
  loop goes on; types the projection does not handle are skipped;
- transient store errors are retried with backoff; a handler that keeps failing
  sends its event to the dead-letter topic after the retries, never silently;
- SIGTERM (via the ``stop`` callable) finishes the batch, commits and exits;
  offsets are committed on partition revoke too.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from kafka import ConsumerRebalanceListener
from pymongo.errors import AutoReconnect, ConnectionFailure, NetworkTimeout

from shared.events.envelope import CloudEvent, EnvelopeError, from_json
from shared.events.registry import ContractError, upcast
from shared.events.topics import dead_letter_topic
from shared.metrics import BATCH_SECONDS, CONSUMER_LAG, EVENTS_FAILED, EVENTS_IGNORED, EVENTS_PROCESSED, HANDLER_RETRIES
from shared.projection import Context, Projection, write_batch

log = logging.getLogger(__name__)
TRANSIENT = (AutoReconnect, ConnectionFailure, NetworkTimeout)


@dataclass
class Rejected:
    record: object
    reason: str
    error: str


def decode(record, projection: Projection) -> CloudEvent | Rejected | None:
    """The record as a current-version event, a Rejected (for the DLQ), or None (not ours)."""
    type_header = dict(record.headers or []).get("ce_type")
    if type_header is not None and not projection.handles(type_header.decode(errors="replace")):
        return None
    try:
        event = from_json(record.value)
        if not projection.handles(event.type):
            return None
        return upcast(event)
    except EnvelopeError as error:
        return Rejected(record, "undecodable", str(error))
    except ContractError as error:
        return Rejected(record, "contract", str(error))


class DeadLetters:
    def __init__(self, producer, group_id: str, topic: str | None = None):
        self.producer, self.group_id = producer, group_id
        self.topic = topic or dead_letter_topic(group_id)

    def send(self, rejected: Rejected) -> None:
        record = rejected.record
        headers = [("dlq_reason", rejected.reason.encode()), ("dlq_error", rejected.error[:2000].encode()),
                   ("dlq_topic", record.topic.encode()), ("dlq_partition", str(record.partition).encode()),
                   ("dlq_offset", str(record.offset).encode()), ("dlq_group", self.group_id.encode())]
        self.producer.send(self.topic, key=record.key, value=record.value, headers=headers)
        EVENTS_FAILED.labels(self.group_id, rejected.reason).inc()
        log.warning("event dead-lettered", extra={"reason": rejected.reason, "topic": record.topic,
                                                  "partition": record.partition, "offset": record.offset})

    def flush(self) -> None:
        self.producer.flush(timeout=30)


class BatchApplier:
    """Applies a batch of records to a projection; retries, dead-letters, never drops."""

    def __init__(self, projection: Projection, ctx: Context, dead_letters: DeadLetters,
                 retries: int = 3, backoff: float = 0.2, max_backoff: float = 30.0):
        self.projection, self.ctx, self.dead_letters = projection, ctx, dead_letters
        self.retries, self.backoff, self.max_backoff = retries, backoff, max_backoff

    def apply(self, records: list) -> int:
        """Apply the records' events; return how many were applied (not dead-lettered)."""
        accepted: list[tuple[object, CloudEvent]] = []
        for record in records:
            decoded = decode(record, self.projection)
            if isinstance(decoded, Rejected):
                self.dead_letters.send(decoded)
            elif decoded is None:
                EVENTS_IGNORED.labels(self.projection.name).inc()
            else:
                accepted.append((record, decoded))
        with BATCH_SECONDS.labels(self.projection.name).time():
            applied = self._apply_with_retries(accepted)
        self.dead_letters.flush()
        for event in applied:
            EVENTS_PROCESSED.labels(self.projection.name, event.type).inc()
        return len(applied)

    def _write(self, accepted: list[tuple[object, CloudEvent]]) -> None:
        changes = [(event, change) for _, event in accepted
                   for change in self.projection.handlers[event.type](event, self.ctx)]
        write_batch(self.ctx, changes)

    def _apply_with_retries(self, accepted) -> list[CloudEvent]:
        attempt = 0
        while True:
            try:
                self._write(accepted)
                return [event for _, event in accepted]
            except TRANSIENT as error:  # the store is away: wait for it, never skip
                self._wait(attempt, error)
            except Exception as error:  # a handler or write failing: retry, then isolate
                if attempt >= self.retries:
                    return self._one_by_one(accepted)
                self._wait(attempt, error)
            attempt += 1

    def _one_by_one(self, accepted) -> list[CloudEvent]:
        """Apply each event alone; the ones that still fail go to the dead-letter topic."""
        applied = []
        for record, event in accepted:
            try:
                self._apply_with_retries_transient([(record, event)])
                applied.append(event)
            except Exception as error:
                self.dead_letters.send(Rejected(record, "handler", f"{type(error).__name__}: {error}"))
        return applied

    def _apply_with_retries_transient(self, accepted) -> None:
        attempt = 0
        while True:
            try:
                return self._write(accepted)
            except TRANSIENT as error:
                self._wait(attempt, error)
                attempt += 1

    def _wait(self, attempt: int, error: Exception) -> None:
        HANDLER_RETRIES.labels(self.projection.name).inc()
        delay = min(self.backoff * 2 ** attempt, self.max_backoff)
        log.warning("batch failed; retrying", extra={"group": self.projection.name, "attempt": attempt + 1,
                                                     "error": type(error).__name__, "retry_in_s": delay})
        time.sleep(delay)


class _CommitOnRevoke(ConsumerRebalanceListener):
    def __init__(self, consumer):
        self.consumer = consumer

    def on_partitions_revoked(self, revoked):
        if revoked:
            self.consumer.commit()

    def on_partitions_assigned(self, assigned):
        pass


def run(projection: Projection, consumer, applier: BatchApplier, stop, topics: list[str], poll_ms: int = 500) -> None:
    """Consume the (physical) topics until `stop()` is true, then commit and close."""
    consumer.subscribe(topics, listener=_CommitOnRevoke(consumer))
    try:
        while not stop():
            batches = consumer.poll(timeout_ms=poll_ms)
            if not batches:
                continue
            records = [record for partition_records in batches.values() for record in partition_records]
            applier.apply(records)
            consumer.commit()
            report_lag(consumer, projection.name)
    finally:
        try:
            consumer.commit()
        finally:
            consumer.close(autocommit=False)


def report_lag(consumer, group: str) -> None:
    for tp in consumer.assignment():
        end, position = consumer.highwater(tp), consumer.position(tp)
        if end is not None and position is not None:
            CONSUMER_LAG.labels(group, tp.topic, tp.partition).set(max(end - position, 0))
