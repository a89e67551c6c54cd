"""Applied offsets are the next offsets of applied records, committed later when the broker is away; logs are one
JSON object per line."""
import json
import logging
from collections import namedtuple

import pytest
from kafka import TopicPartition
from kafka.errors import GroupAuthorizationFailedError, KafkaConnectionError

from shared.runtime.jsonlog import JsonFormatter
from shared.messaging.offsets import AppliedOffsets, commit

Record = namedtuple("Record", "offset")
P0, P1 = TopicPartition("t", 0), TopicPartition("t", 1)


def test_the_offset_to_commit_is_the_one_after_the_last_applied_record():
    applied = AppliedOffsets()
    applied.add({P0: [Record(4), Record(5)], P1: []})
    applied.add({P0: [Record(6)]})

    assert {tp: meta.offset for tp, meta in applied.take().items()} == {P0: 7}
    assert applied.take() == {}


def test_taking_the_offsets_of_revoked_partitions_leaves_the_others():
    applied = AppliedOffsets()
    applied.add({P0: [Record(1)], P1: [Record(9)]})

    assert list(applied.take({P1})) == [P1]
    assert list(applied.take()) == [P0]


class Consumer:
    """Answers each commit with the next of `outcomes` (an error to raise, or None: committed)."""

    def __init__(self, *outcomes):
        self.outcomes, self.committed = list(outcomes), []

    def commit(self, offsets):
        outcome = self.outcomes.pop(0)
        if outcome is not None:
            raise outcome
        self.committed.append({tp: meta.offset for tp, meta in offsets.items()})


def test_offsets_a_commit_could_not_send_while_the_broker_was_away_go_with_the_next_commit():
    applied, consumer = AppliedOffsets(), Consumer(KafkaConnectionError("away"), None)
    applied.add({P0: [Record(4)]})
    commit(consumer, applied)
    applied.add({P1: [Record(9)]})
    commit(consumer, applied)

    assert consumer.committed == [{P0: 5, P1: 10}]
    assert applied.take() == {}


def test_an_offset_put_back_never_replaces_a_newer_one():
    applied = AppliedOffsets()
    applied.add({P0: [Record(4)]})
    taken = applied.take()
    applied.add({P0: [Record(8)]})
    applied.put_back(taken)

    assert {tp: meta.offset for tp, meta in applied.take().items()} == {P0: 9}


def test_a_commit_refused_for_good_stops_the_worker():
    applied = AppliedOffsets()
    applied.add({P0: [Record(4)]})
    with pytest.raises(GroupAuthorizationFailedError):
        commit(Consumer(GroupAuthorizationFailedError("not allowed")), applied)


def test_a_log_record_is_one_json_object_with_its_extra_fields_and_only_the_last_line_of_an_error():
    record = logging.makeLogRecord({"name": "shared.messaging.consumer", "levelname": "WARNING", "msg": "event dead-lettered",
                                    "reason": "contract", "offset": 7})
    try:
        raise ValueError("boom")
    except ValueError:
        import sys
        record.exc_info = sys.exc_info()

    entry = json.loads(JsonFormatter().format(record))

    assert entry["message"] == "event dead-lettered" and entry["level"] == "warning"
    assert (entry["reason"], entry["offset"]) == ("contract", 7)
    assert entry["error"] == "ValueError: boom"
