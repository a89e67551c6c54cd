"""The consumer runtime: poll → decode → handle → bulk write → commit.

Guarantees, in one place for every projection:
- offsets are committed only after the batch's projection writes (and its dead
  letters) are done; a loop that dies mid-batch commits nothing of that batch
  (shared.messaging.offsets);
- undecodable, schema-invalid or unknown-version events go to the dead-letter
  topic (``<group>.dlq``, see shared.messaging.deadletters) with the error and their
  original coordinates, and the loop goes on; types the projection does not
  handle are skipped (by the ``ce_type`` header, without decoding, when present);
- transient store errors are retried with backoff; a handler that keeps failing
  sends its event to the dead-letter topic after the retries, never silently;
- ``stop()`` (set by SIGTERM) finishes the batch, commits and exits; offsets are
  committed on partition revoke too;
- every event reaches the handlers and the write path with the position it was
  read at (``event.position``: topic, partition, offset), which the guard by
  position needs (shared.store.projection).

The lag is measured apart from the loop, from the committed offsets
(shared.messaging.lag), so that it is right while a batch runs too.
"""
from __future__ import annotations

import logging
import time
from collections import Counter
from typing import Protocol

from kafka import KafkaConsumer
from kafka.errors import KafkaError
from pymongo.errors import AutoReconnect, ConnectionFailure, NetworkTimeout

from shared.contract.envelope import CloudEvent, EnvelopeError, Position, from_json
from shared.contract.registry import ContractError, upcast
from shared.messaging.deadletters import DeadLetters, Rejected
from shared.messaging.kafka_clients import Record
from shared.messaging.offsets import AppliedOffsets, CommitOnRevoke, commit
from shared.runtime.lifecycle import Stop
from shared.runtime.metrics import BATCH_SECONDS, EVENTS_IGNORED, EVENTS_PROCESSED, HANDLER_RETRIES
from shared.store.projection import Context, Projection, write_batch

log = logging.getLogger(__name__)
TRANSIENT = (AutoReconnect, ConnectionFailure, NetworkTimeout)
POLL_MS = 500  # the longest a poll waits for records, so `stop()` is seen at least this often
BROKER_AWAY_S = 1.0  # the pause before polling again when a poll found no broker


def decode(record: Record, projection: Projection) -> CloudEvent | Rejected | None:
    """The record as a current-version event at the record's position, a Rejected (for the DLQ), or None (not ours)."""
    for name, value in record.headers or ():
        if name == "ce_type" and not projection.handles(value.decode(errors="replace")):
            return None
    try:
        event = from_json(record.value)
        if not projection.handles(event.type):
            return None
        return upcast(event).at(Position(record.topic, record.partition, record.offset))
    except EnvelopeError as error:
        return Rejected(record, "undecodable", str(error))
    except ContractError as error:
        return Rejected(record, "contract", str(error))


class Applier(Protocol):
    """What :func:`run` hands each polled batch to: a :class:`BatchApplier` (or something wrapping one)."""

    def apply(self, records: list[Record]) -> int:
        """Apply the records (dead-lettering those that cannot be); return how many were applied."""
        ...


Accepted = list[tuple[Record, CloudEvent]]  # each record with its decoded event


class BatchApplier:
    """Applies a batch of records to a projection; retries, dead-letters, never drops."""
    retries = 3         # failed attempts of a batch before its events are tried one by one
    backoff = 0.2       # seconds before the first retry, doubled each time ...
    max_backoff = 30.0  # ... up to this

    def __init__(self, projection: Projection, ctx: Context, dead_letters: DeadLetters):
        self.projection, self.ctx, self.dead_letters = projection, ctx, dead_letters

    def apply(self, records: list[Record]) -> int:
        """Apply the records' events; return how many were applied (not dead-lettered)."""
        accepted: Accepted = []
        ignored = 0
        for record in records:
            decoded = decode(record, self.projection)
            if isinstance(decoded, Rejected):
                self.dead_letters.send(decoded)
            elif decoded is None:
                ignored += 1
            else:
                accepted.append((record, decoded))
        with BATCH_SECONDS.labels(self.projection.name).time():
            applied = self._apply_with_retries(accepted)
        self.dead_letters.flush()
        self._count(ignored, applied)
        return len(applied)

    def _count(self, ignored: int, applied: list[CloudEvent]) -> None:
        for event_type, count in Counter(event.type for event in applied).items():
            EVENTS_PROCESSED.labels(self.projection.name, event_type).inc(count)
        if ignored:
            EVENTS_IGNORED.labels(self.projection.name).inc(ignored)

    def _write(self, accepted: Accepted) -> None:
        events = [event for _, event in accepted]
        self.projection.prepare(self.ctx, events)
        write_batch(self.ctx, self.projection.changes(events, self.ctx))
        self.projection.after(self.ctx, events)

    def _apply_with_retries(self, accepted: Accepted) -> list[CloudEvent]:
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

    def _one_by_one(self, accepted: Accepted) -> list[CloudEvent]:
        """Apply each event alone; the ones that still fail go to the dead-letter topic."""
        applied = []
        for record, event in accepted:
            try:
                self._write_waiting_for_store([(record, event)])
                applied.append(event)
            except Exception as error:
                self.dead_letters.send(Rejected(record, "handler", f"{type(error).__name__}: {error}"))
        return applied

    def _write_waiting_for_store(self, accepted: Accepted) -> None:
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


def run(projection: Projection, consumer: KafkaConsumer, applier: Applier, stop: Stop, topics: list[str]) -> None:
    """Consume the (physical) topics until `stop()` is true, then commit and close."""
    applied = AppliedOffsets()
    consumer.subscribe(topics, listener=CommitOnRevoke(consumer, applied))
    try:
        while not stop():
            try:
                batches = consumer.poll(timeout_ms=POLL_MS)
            except KafkaError as error:
                if not error.retriable:
                    raise
                log.warning("broker unreachable; polling again", extra={"group": projection.name,
                                                                        "error": type(error).__name__})
                time.sleep(BROKER_AWAY_S)  # the broker is away: the next poll reconnects
                continue
            if batches:
                applier.apply([record for partition_records in batches.values() for record in partition_records])
                applied.add(batches)
            commit(consumer, applied)  # also what a failed commit left pending (nothing pending: no request)
    finally:  # close() revokes, which commits what was applied: never a batch that failed
        consumer.close(autocommit=False)

