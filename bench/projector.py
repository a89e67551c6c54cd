"""Benchmark: the projector's rate next to the ceiling measured in the same run, and a full rebuild's time.

    KAFKA_BOOTSTRAP_SERVERS=... MONGODB_URI=... python -m bench.projector [--events 200000] [--rebuild-events 1000000]

(or BENCH_EVENTS=2000 BENCH_REBUILD_EVENTS=10000 for a quick run). Generates N
events (goal-created, milestone-reached, session-logged over N/100 clients of 20
clinics) into a fresh prefixed goals-events topic with 3 partitions, then measures:

  a. raw consumption: kafka-python polls the whole topic and json-decodes each value;
  b. raw bulk writes of the same documents: the projection's changes as plain
     UpdateOne/UpdateMany upserts (no guard, no runtime), bulk_write in batches of 500;
  c. the ceiling: N / (time a + time b);
  d. the projector: the reports projection (services.reports.projection) through
     shared.messaging.consumer (BatchApplier, real consumer group from offset 0) until all N
     are applied.

Prints each rate, the ratio projector / ceiling (target >= 50%), how many update
statements each side sent, and how many documents differ between b and d (0: the
projector wrote exactly what applying each change once writes).

The projector can beat the "ceiling": it combines a batch's changes to one
document into one update and creates a document only when a query says it is
missing, so it sends fewer statements than b's one upsert per change.

  e. the rebuild: M events (default 1,000,000) published to a topic of their own,
     then `shared.messaging.replay.rebuild` of the reports projection (what
     `python -m services.reports.rebuild` runs) from offset 0 to completion: its
     time and rate.

Not a test: it prints figures.
"""
from __future__ import annotations

import argparse
import json
import os
import threading
import time
import uuid

from kafka import TopicPartition
from kafka.admin import KafkaAdminClient

from pymongo import MongoClient

from bench.projector_workload import (UpdateStatements, representative_projection, bench_projection, differing_documents,
                                      generate, raw_operations, stream)
from shared.messaging import consumer, kafka_clients, replay
from shared.store import mongo
from shared.runtime.config import Settings
from shared.messaging.topics import GOALS_EVENTS, dead_letter_topic, ensure_topics
from shared.runtime.lifecycle import StopFlag
from shared.runtime.worker import build_applier

RAW_BATCH = 500
EVENTS, REBUILD_EVENTS = 200_000, 1_000_000


def publish(settings: Settings, events) -> float:
    """Send the events (any iterable) to the goals topic as fast as the client goes; the seconds taken."""
    producer = kafka_clients.producer(settings, acks=1, enable_idempotence=False, linger_ms=50,
                                      batch_size=1024 * 1024)
    started = time.perf_counter()
    topic = settings.topic(GOALS_EVENTS)
    for event in events:
        producer.send(topic, key=event.partitionkey.encode(), value=event.to_json(),
                      headers=[("ce_type", event.type.encode()), ("ce_id", event.id.encode())])
    producer.flush()
    producer.close()
    return time.perf_counter() - started


def raw_consumption(settings: Settings, count: int) -> float:
    """(a) Poll the whole topic with kafka-python and json-decode every value."""
    reader = kafka_clients.consumer(settings, None, max_poll_records=5000)
    partitions = [TopicPartition(settings.topic(GOALS_EVENTS), p)
                  for p in sorted(reader.partitions_for_topic(settings.topic(GOALS_EVENTS)))]
    reader.assign(partitions)
    reader.seek_to_beginning(*partitions)
    started, seen = time.perf_counter(), 0
    while seen < count:
        for records in reader.poll(timeout_ms=1000).values():
            for record in records:
                json.loads(record.value)
            seen += len(records)
    elapsed = time.perf_counter() - started
    reader.close()
    return elapsed


def raw_writes(db, operations: dict[str, list]) -> float:
    """(b) The same documents' writes as plain bulk upserts, batches of 500, no runtime."""
    started = time.perf_counter()
    for name, ops in operations.items():
        for start in range(0, len(ops), RAW_BATCH):
            db[name].bulk_write(ops[start:start + RAW_BATCH])
    return time.perf_counter() - started


class StopWhenApplied:
    """The real applier; sets the stop flag once `count` records went through it."""

    def __init__(self, applier, count: int, stop: StopFlag):
        self.applier, self.count, self.stop, self.seen = applier, count, stop, 0

    def apply(self, records):
        applied = self.applier.apply(records)
        self.seen += len(records)
        if self.seen >= self.count:
            self.stop.set()
        return applied


def projector(settings: Settings, db, projection, count: int) -> float:
    """(d) The projection through shared.messaging.consumer, a real consumer group from offset 0."""
    producer = kafka_clients.producer(settings)
    stop = StopFlag()
    applier = StopWhenApplied(build_applier(projection, settings, db, producer), count, stop)
    kafka_consumer = kafka_clients.consumer(settings, settings.topic(projection.name))
    topics = [settings.topic(name) for name in projection.topics]
    started = time.perf_counter()
    worker = threading.Thread(target=consumer.run, args=(projection, kafka_consumer, applier, stop, topics))
    worker.start()
    worker.join()
    elapsed = time.perf_counter() - started
    producer.close()
    return elapsed


def clean_up(settings: Settings) -> None:
    client = mongo.connect(settings)
    for suffix in ("", "_raw", "_reports"):
        client.drop_database(settings.database_name + suffix)
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    admin.delete_topics([name for name in admin.list_topics() if name.startswith(settings.topic_prefix)])
    admin.close()


def rebuild(run: str, count: int) -> tuple[float, int]:
    """(e) Publish `count` events to a fresh topic, then time the reports projection's rebuild from offset 0."""
    settings = Settings(service="bench", topic_prefix=f"bench{run}r-", mongodb_db_prefix=f"bench{run}r")
    projection, _ = bench_projection()
    ensure_topics(settings, tuple(projection.topics) + (dead_letter_topic(projection.name),), partitions=3)
    try:
        say(f"  e. rebuild: published {count:,} events in {publish(settings, stream(count)):.0f}s")
        started = time.perf_counter()
        read = replay.rebuild(projection, settings, mongo.database(settings), progress=lambda done, total: None)
        return time.perf_counter() - started, read
    finally:
        clean_up(settings)


def rate_against_ceiling(run: str, count: int, keep: bool) -> None:
    """(a-e) The runtime's rate and the ceiling's over `count` events, then the reports projector's own rate.

    The ceiling needs the changes as plain bulk operations computed without a store,
    so a-d run a representative projection (per-goal and per-client documents with
    counters and series). The reports projection reads what it has stored (a client's
    log, its aggregates' positions), so it is measured on its own, on the same events.
    """
    settings = Settings(service="bench", topic_prefix=f"bench{run}-", mongodb_db_prefix=f"bench{run}")
    projection = representative_projection()
    reports, source = bench_projection()
    topics = tuple(projection.topics) + tuple(reports.topics)
    ensure_topics(settings, tuple(dict.fromkeys(topics)) + (dead_letter_topic(projection.name),
                                                          dead_letter_topic(reports.name)), partitions=3)
    say(f"projector benchmark: {count} events, 3 partitions; a-d: the runtime with a representative projection, "
        f"e: {reports.name!r} ({source})")
    try:
        events = generate(count)
        say(f"  published in {publish(settings, events):.1f}s")
        operations = raw_operations(projection, events)
        writes = sum(len(ops) for ops in operations.values())
        consume_s = raw_consumption(settings, count)
        say(f"  a. raw consumption (poll + json):   {count / consume_s:>9,.0f} events/s  ({consume_s:.1f}s)")
        write_s = raw_writes(mongo.connect(settings)[settings.database_name + "_raw"], operations)
        say(f"  b. raw bulk upserts ({writes} writes): {count / write_s:>9,.0f} events/s  ({write_s:.1f}s)")
        ceiling = count / (consume_s + write_s)
        say(f"  c. ceiling (a + b):                 {ceiling:>9,.0f} events/s")
        statements = UpdateStatements()
        watched = MongoClient(settings.mongodb_uri, event_listeners=[statements], tz_aware=True, retryWrites=False)
        project_s = projector(settings, watched[settings.database_name], projection, count)
        say(f"  d. projector (shared.messaging.consumer):     {count / project_s:>9,.0f} events/s  ({project_s:.1f}s, "
            f"{statements.count} update statements)")
        say(f"  ratio projector / ceiling: {count / project_s / ceiling:.0%} (target >= 50%)")
        raw_db = mongo.connect(settings)[settings.database_name + "_raw"]
        differing = differing_documents(raw_db, watched[settings.database_name], projection.collections)
        say(f"  documents differing between b and d: {differing}")
        reports_db = mongo.connect(settings)[settings.database_name + "_reports"]
        reports_s = projector(settings, reports_db, reports, count)
        say(f"  e. the reports projector:           {count / reports_s:>9,.0f} events/s  ({reports_s:.1f}s), "
            f"{count / reports_s / ceiling:.0%} of the ceiling")
    finally:
        if not keep:
            clean_up(settings)


def say(text: str) -> None:
    print(text, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=int(os.environ.get("BENCH_EVENTS") or EVENTS),
                        help=f"how many events for a-d (default {EVENTS:,}; 0 skips them)")
    parser.add_argument("--rebuild-events", type=int,
                        default=int(os.environ.get("BENCH_REBUILD_EVENTS") or REBUILD_EVENTS),
                        help=f"how many events the rebuild (e) replays (default {REBUILD_EVENTS:,}; 0 skips it)")
    parser.add_argument("--keep", action="store_true", help="keep the topic and databases afterwards")
    args = parser.parse_args()
    run = uuid.uuid4().hex[:8]
    projection, _ = bench_projection()
    if args.events:
        rate_against_ceiling(run, args.events, args.keep)
    if args.rebuild_events:
        seconds, read = rebuild(run, args.rebuild_events)
        say(f"  e. rebuild of {projection.name!r} from offset 0: {read:,} records in {seconds:.0f}s "
            f"({read / seconds:,.0f} events/s)")


if __name__ == "__main__":
    main()
