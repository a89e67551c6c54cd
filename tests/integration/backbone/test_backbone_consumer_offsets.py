"""Consumer runtime: offsets are committed only after the writes, on stop, and on partition revoke."""
import os
import signal
import time
from collections import Counter

import pytest
from backbone_kit import (applied_count, committed_offsets, consuming, counting_handler, counting_projection,
                          expected_per_client, per_client)

from shared.messaging import kafka_clients
from shared.messaging.topics import GOALS_EVENTS
from shared.runtime.lifecycle import stop_on_signals
from shared.messaging.offsets import AppliedOffsets, CommitOnRevoke
from tests.support import publish, wait_until

pytestmark = pytest.mark.integration


class WorkerKilled(Exception):
    pass


class DiesAfterWriting:
    """The real applier, but the worker dies after the n-th batch's writes, before its commit."""

    def __init__(self, applier, batch: int):
        self.applier, self.batch, self.batches = applier, batch, 0

    def apply(self, records):
        applied = self.applier.apply(records)
        self.batches += 1
        if self.batches == self.batch:
            raise WorkerKilled
        return applied


def test_a_worker_killed_between_write_and_commit_loses_nothing_and_applies_nothing_twice(settings, db, events):
    sent = events.mix(clients=6, per_client=10)
    publish(settings, sent)
    calls = Counter()
    projection = counting_projection(calls=calls)

    with consuming(projection, settings, db, wrap=lambda applier: DiesAfterWriting(applier, batch=3),
                   max_poll_records=10) as worker:
        worker.join(timeout=30)
        assert not worker.is_alive()
    written_before_death = applied_count(db)
    assert 0 < written_before_death < len(sent)
    assert committed_offsets(settings, projection.name) < written_before_death, "the last batch was not committed"

    with consuming(projection, settings, db, max_poll_records=10):
        wait_until(lambda: applied_count(db) >= len(sent), timeout=60, message="all events applied")
        wait_until(lambda: committed_offsets(settings, projection.name) == len(sent), message="all committed")

    assert per_client(db) == expected_per_client(sent)
    assert max(calls.values()) == 2, "the uncommitted batch was delivered again, and ignored"


def test_on_sigterm_the_consumer_finishes_its_batch_commits_and_exits(settings, db, events):
    sent = [events.goal_created("client-1")] + [events.session_logged("client-1") for _ in range(39)]
    publish(settings, sent)  # one client: one partition, so offsets count events
    calls = Counter()
    counting = counting_handler(calls)

    def signal_midway(event, ctx):
        if sum(calls.values()) == 4:
            os.kill(os.getpid(), signal.SIGTERM)
        return counting(event, ctx)

    projection = counting_projection(calls=calls, session_logged=signal_midway, goal_created=signal_midway)
    handlers = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        stop = stop_on_signals()
        with consuming(projection, settings, db, stop=stop, max_poll_records=10) as worker:
            # Python runs signal handlers in the main thread between bytecodes: short joins
            # let it run the handler even when the kernel delivered the signal to the worker.
            deadline = time.monotonic() + 30
            while worker.is_alive() and time.monotonic() < deadline:
                worker.join(timeout=0.1)
            assert not worker.is_alive(), "the consumer exits on SIGTERM"
    finally:
        signal.signal(signal.SIGTERM, handlers[0])
        signal.signal(signal.SIGINT, handlers[1])

    applied = applied_count(db)
    assert 5 <= applied < len(sent), "the batch under way was finished, and no further one started"
    assert committed_offsets(settings, projection.name) == applied


def test_a_second_consumer_joining_the_group_takes_over_without_losing_or_reapplying_events(settings, db, events):
    first, second = events.mix(clients=9, per_client=10), []
    publish(settings, first)
    calls = Counter()
    counting = counting_handler(calls)

    def slow(event, ctx):
        time.sleep(0.01)
        return counting(event, ctx)

    projection = counting_projection(calls=calls, goal_created=slow, milestone_reached=slow, session_logged=slow)
    with consuming(projection, settings, db, max_poll_records=5):
        wait_until(lambda: applied_count(db) >= 10, message="the first consumer under way")
        with consuming(projection, settings, db, max_poll_records=5):
            second = events.mix(clients=9, per_client=4)
            publish(settings, second)
            wait_until(lambda: applied_count(db) >= len(first + second), timeout=90, message="all applied")
            wait_until(lambda: committed_offsets(settings, projection.name) == len(first + second),
                       message="all committed")

    assert per_client(db) == expected_per_client(first + second)
    assert set(calls.values()) == {1}, "no event was delivered twice across the rebalance"


def test_on_revoke_exactly_the_applied_offsets_are_committed_never_the_polled_ones(settings, events):
    publish(settings, [events.goal_created("client-1")] + [events.session_logged("client-1") for _ in range(9)])
    group = "revoke-probe"
    consumer = kafka_clients.consumer(settings, settings.topic(group))
    applied = AppliedOffsets()
    consumer.subscribe([settings.topic(GOALS_EVENTS)], listener=CommitOnRevoke(consumer, applied))
    batches = wait_until(lambda: consumer.poll(timeout_ms=500, max_records=4), message="a first batch")
    applied.add(batches)           # this batch was written...
    consumer.poll(timeout_ms=500)  # ...the next one was polled but not applied

    consumer.close(autocommit=False)  # revokes the partitions

    assert committed_offsets(settings, group) == sum(len(records) for records in batches.values()) <= 4
