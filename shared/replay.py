"""Rebuild a projection from the start of its topics into fresh collections, then swap.

1. Read every partition from offset 0 up to the end offsets taken at the start,
   applying the projection's handlers (with ``ctx.replaying = True``) into
   ``<collection>__rebuild`` collections, printing progress.
2. Swap: each live collection is dropped and the rebuilt one renamed in its place.
3. Catch up: read on up to the end offsets taken after the swap, into the live
   collections, so that nothing the live consumer applied to the old collections
   meanwhile is missing. Duplicates are ignored by the sequence guard.

Handlers with side effects look at ``ctx.replaying``: a rebuild never re-sends
reminders or partner deliveries. The live consumer group's offsets are untouched.
"""
from __future__ import annotations

import sys
from typing import Callable

from kafka import TopicPartition

from shared import kafka_clients
from shared.config import Settings
from shared.projection import Projection
from shared.worker import build_applier

REBUILD_SUFFIX = "__rebuild"


def _partitions(consumer, topics) -> list[TopicPartition]:
    return [TopicPartition(topic, p) for topic in topics for p in sorted(consumer.partitions_for_topic(topic) or [])]


def _consume_until(consumer, applier, targets: dict, progress: Callable[[int, int], None]) -> int:
    total = sum(targets[tp] - consumer.position(tp) for tp in targets)
    done = 0
    while any(consumer.position(tp) < end for tp, end in targets.items()):
        batches = consumer.poll(timeout_ms=1000, max_records=2000)
        records = [r for tp, rs in batches.items() for r in rs if r.offset < targets[tp]]
        if records:
            applier.apply(records)
            done += len(records)
            progress(done, total)
    return done


def print_progress(done: int, total: int) -> None:
    print(f"\rreplayed {done}/{total} records ({100 * done / max(total, 1):.0f}%)", end="", file=sys.stderr, flush=True)


def rebuild(projection: Projection, settings: Settings, db, progress=print_progress) -> int:
    """Rebuild the projection's collections in `db`; return the number of records read."""
    names = {name: name + REBUILD_SUFFIX for name in projection.collections}
    for physical in names.values():
        db.drop_collection(physical)
    producer = kafka_clients.producer(settings)
    consumer = kafka_clients.consumer(settings, group_id=None)
    try:
        partitions = _partitions(consumer, [settings.topic(name) for name in projection.topics])
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        applier = build_applier(projection, settings, db, producer, replaying=True, names=names)
        read = _consume_until(consumer, applier, consumer.end_offsets(partitions), progress)
        swap(db, names)
        live = build_applier(projection, settings, db, producer, replaying=True)
        read += _consume_until(consumer, live, consumer.end_offsets(partitions), progress)
        print(file=sys.stderr)
        return read
    finally:
        consumer.close(autocommit=False)
        producer.close()


def swap(db, names: dict[str, str]) -> None:
    """Put each rebuilt collection in place of the live one (FerretDB lacks dropTarget)."""
    existing = set(db.list_collection_names())
    for live, rebuilt in names.items():
        if rebuilt not in existing:
            db.create_collection(rebuilt)
        db.drop_collection(live)
        db[rebuilt].rename(live)
