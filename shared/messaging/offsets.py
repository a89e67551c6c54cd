"""The offset policy of the consumer runtime: commit exactly what was applied.

The runtime records a partition's next offset only after the batch holding its
records was written (:meth:`AppliedOffsets.add`), and commits those offsets:
after each batch, on stop, and when partitions are revoked (a rebalance, or
``close()``). Never the consumer's positions: after a failed batch they are
already past records that were not applied, and kafka-python's ``close()``
revokes the partitions, so committing positions there would lose that batch.
"""
from __future__ import annotations

import logging
from typing import Collection

from kafka import AsyncConsumerRebalanceListener, KafkaConsumer, OffsetAndMetadata, TopicPartition
from kafka.errors import CommitFailedError, KafkaError, RebalanceInProgressError

from shared.messaging.kafka_clients import Record

log = logging.getLogger(__name__)


class AppliedOffsets:
    """Next offset to read per partition, for records applied but not committed yet."""

    def __init__(self) -> None:
        self._pending: dict[TopicPartition, OffsetAndMetadata] = {}

    def add(self, batches: dict[TopicPartition, list[Record]]) -> None:
        """Record that the polled batches ({TopicPartition: [records]}) were applied."""
        for partition, records in batches.items():
            if records:
                self._pending[partition] = OffsetAndMetadata(records[-1].offset + 1, "", -1)

    def take(self, partitions: Collection[TopicPartition] | None = None) -> dict[TopicPartition, OffsetAndMetadata]:
        """Remove and return the pending offsets, of all partitions or of the ones given."""
        chosen = [tp for tp in self._pending if partitions is None or tp in partitions]
        return {tp: self._pending.pop(tp) for tp in chosen}

    def put_back(self, offsets: dict[TopicPartition, OffsetAndMetadata]) -> None:
        """Offsets taken but not committed: pending again (unless a newer one is pending already)."""
        for partition, offset in offsets.items():
            self._pending.setdefault(partition, offset)


def commit(consumer: KafkaConsumer, applied: AppliedOffsets) -> None:
    """Commit the applied offsets; after a rebalance the records will be redelivered (and ignored), while the
    broker is away (a retriable error) they stay pending for the next commit."""
    offsets = applied.take()
    if not offsets:
        return
    try:
        consumer.commit(offsets)
    except (CommitFailedError, RebalanceInProgressError) as error:
        log.warning("commit failed in a rebalance; the batch will be redelivered and ignored",
                    extra={"error": type(error).__name__})
    except KafkaError as error:
        if not error.retriable:
            raise
        applied.put_back(offsets)  # the broker is away: the next commit sends them
        log.warning("commit failed; retried with the next one", extra={"error": type(error).__name__})


class CommitOnRevoke(AsyncConsumerRebalanceListener):
    """Commits the applied offsets of partitions taken away (rebalance or close).

    kafka-python 3 calls listeners on its IO thread, where the blocking
    ``commit()`` is refused; this awaits the coroutine that ``commit()`` runs.
    """

    def __init__(self, consumer: KafkaConsumer, applied: AppliedOffsets) -> None:
        self.consumer, self.applied = consumer, applied

    async def on_partitions_revoked(self, revoked: Collection[TopicPartition]) -> None:
        offsets = self.applied.take(revoked)
        if not offsets:
            return
        try:
            await self.consumer._coordinator._commit_offsets_sync_async(offsets)
            log.info("offsets committed on revoke", extra={"partitions": len(offsets)})
        except KafkaError as error:
            log.warning("commit on revoke failed; those records will be redelivered and ignored",
                        extra={"error": type(error).__name__})

    async def on_partitions_assigned(self, assigned: Collection[TopicPartition]) -> None:
        pass
