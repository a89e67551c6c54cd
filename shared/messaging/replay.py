"""Rebuild a projection from the start of its topics into fresh collections, then swap.

0. The projection's worker must be stopped (its consumer group without members),
   so nothing writes the old collections while they are replaced (what the
   restarted worker does is below). The API keeps serving the old collections
   meanwhile.
1. Read every partition from offset 0 up to the end offsets taken at the start,
   applying the projection's handlers (with ``ctx.replaying = True``) into
   ``<collection>__rebuild`` collections (with the projection's indexes), printing
   progress.
2. Swap: each rebuilt collection is renamed onto the live one (``dropTarget``),
   so readers see the old collection or the new one, never none.
3. Catch up: read on up to the end offsets taken after the swap, into the live
   collections.

The group's committed offsets are untouched: the restarted worker re-reads what
arrived since it stopped, where the sequence guard ignores what the rebuild
applied, and handlers with side effects (they look at ``ctx.replaying``) run for
those events exactly once, live. A rebuild never re-sends past reminders or
partner deliveries. Poison events are dead-lettered again (same coordinates).
"""
from __future__ import annotations

import contextlib

import sys
from typing import Callable, Iterator

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient
from pymongo.database import Database

from shared.messaging import kafka_clients
from shared.messaging.consumer import Applier
from shared.runtime import jsonlog
from shared.runtime.config import Settings
from shared.runtime.worker import build_applier
from shared.store import mongo
from shared.store.projection import Projection

REBUILD_SUFFIX = "__rebuild"
Progress = Callable[[int, int], None]  # (records done, records in all)


class LiveConsumerRunning(RuntimeError):
    """The projection's consumer group has members: stop its worker first."""


def require_stopped_worker(settings: Settings, group: str) -> None:
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers, client_id=f"{settings.service}-replay")
    try:
        members = admin.describe_groups([group])[group]["members"]
    finally:
        admin.close()
    if members:
        raise LiveConsumerRunning(f"consumer group {group!r} has {len(members)} member(s): stop its worker first")


def _partitions(consumer: KafkaConsumer, topics: list[str]) -> list[TopicPartition]:
    return [TopicPartition(topic, p) for topic in topics for p in sorted(consumer.partitions_for_topic(topic) or [])]


def _consume_until(consumer: KafkaConsumer, applier: Applier, targets: dict[TopicPartition, int],
                   progress: Progress) -> int:
    total = sum(targets[tp] - consumer.position(tp) for tp in targets)
    done = 0
    while any(consumer.position(tp) < end for tp, end in targets.items()):
        batches = consumer.poll(timeout_ms=1000, max_records=2000)
        records = [r for tp, rs in batches.items() for r in rs if r.offset < targets[tp]]
        if records:
            applier.apply(records)
            done += len(records)
            progress(done, total)
    for tp, end in targets.items():  # records fetched past the targets were not applied: read them again
        if consumer.position(tp) > end:
            consumer.seek(tp, end)
    return done


def print_progress(done: int, total: int) -> None:
    print(f"\rreplayed {done}/{total} records ({100 * done / max(total, 1):.0f}%)", end="", file=sys.stderr, flush=True)


@contextlib.contextmanager
def _from_the_start(projection: Projection, settings: Settings
                    ) -> Iterator[tuple[KafkaConsumer, KafkaProducer, list[TopicPartition]]]:
    """A group-less consumer at offset 0 of every partition of the projection's topics, and a producer."""
    producer = kafka_clients.producer(settings)
    consumer = kafka_clients.consumer(settings, group_id=None)
    try:
        partitions = _partitions(consumer, [settings.topic(name) for name in projection.topics])
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        yield consumer, producer, partitions
    finally:
        consumer.close(autocommit=False)
        producer.close()


def replay_into(projection: Projection, settings: Settings, db: Database, progress: Progress = print_progress) -> int:
    """Apply every event up to the current end of the projection's topics into `db`; the records read."""
    with _from_the_start(projection, settings) as (consumer, producer, partitions):
        applier = build_applier(projection, settings, db, producer, replaying=True)
        return _consume_until(consumer, applier, consumer.end_offsets(partitions), progress)


def rebuild(projection: Projection, settings: Settings, db: Database, progress: Progress = print_progress) -> int:
    """Rebuild the projection's collections in `db`; return the number of records read."""
    require_stopped_worker(settings, settings.topic(projection.name))
    names = {name: name + REBUILD_SUFFIX for name in projection.collections}
    for physical in names.values():
        db.drop_collection(physical)
    with _from_the_start(projection, settings) as (consumer, producer, partitions):
        applier = build_applier(projection, settings, db, producer, replaying=True, names=names)
        read = _consume_until(consumer, applier, consumer.end_offsets(partitions), progress)
        swap(db, names)
        live = build_applier(projection, settings, db, producer, replaying=True)
        read += _consume_until(consumer, live, consumer.end_offsets(partitions), progress)
        print(file=sys.stderr)
        return read


def swap(db: Database, names: dict[str, str]) -> None:
    """Put each rebuilt collection in place of the live one (an empty one when no event reached it)."""
    existing = set(db.list_collection_names())
    for live, rebuilt in names.items():
        if rebuilt not in existing:
            db.create_collection(rebuilt)
        db[rebuilt].rename(live, dropTarget=True)


def main(projection: Projection, settings: Settings) -> int:
    """The body of a service's rebuild command (e.g. ``python -m services.reports.rebuild``); the exit code."""
    jsonlog.configure(settings.log_level)
    try:
        read = rebuild(projection, settings, mongo.database(settings))
    except LiveConsumerRunning as error:
        print(error, file=sys.stderr)
        return 2
    print(f"rebuilt {projection.name} from {read} records", file=sys.stderr)
    return 0
