"""Applied offsets are the next offsets of applied records; logs are one JSON object per line."""
import json
import logging
from collections import namedtuple

from kafka import TopicPartition

from shared.runtime.jsonlog import JsonFormatter
from shared.messaging.offsets import AppliedOffsets

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
