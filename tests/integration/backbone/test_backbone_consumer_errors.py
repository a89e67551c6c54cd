"""Consumer runtime: transient errors are retried; poison events go to the dead-letter topic; the loop goes on."""
import json
from collections import Counter

import pytest
from backbone_kit import (applied_count, consuming, counting_handler, counting_projection, expected_per_client,
                          per_client)
from prometheus_client import REGISTRY
from pymongo.errors import AutoReconnect

from shared.messaging import kafka_clients
from shared.messaging.topics import GOALS_EVENTS, dead_letter_topic
from tests.support import publish, read_topic, wait_until

pytestmark = pytest.mark.integration


def metric(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def send_raw(settings, values: list[bytes], headers=None) -> None:
    producer = kafka_clients.producer(settings)
    for value in values:
        producer.send(settings.topic(GOALS_EVENTS), key=b"client-x", value=value, headers=headers or [])
    producer.flush(timeout=30)
    producer.close()


def test_a_transient_store_error_is_retried_until_the_event_is_applied(settings, db, events):
    sent = events.mix(clients=3, per_client=4)
    calls, outages = Counter(), [AutoReconnect("store away"), AutoReconnect("store away")]
    counting = counting_handler(calls)

    def store_away_twice(event, ctx):
        if outages:
            raise outages.pop()
        return counting(event, ctx)

    projection = counting_projection(calls=calls, goal_created=store_away_twice)
    publish(settings, sent)

    with consuming(projection, settings, db):
        wait_until(lambda: applied_count(db) >= len(sent), message="all applied")

    assert per_client(db) == expected_per_client(sent)
    assert metric("handler_retries_total", group=projection.name) >= 2
    assert metric("events_failed_total", group=projection.name, reason="handler") == 0


def test_a_handler_that_keeps_failing_sends_its_event_to_the_dead_letter_topic_and_the_loop_goes_on(
        settings, db, events):
    poison = events.goal_created("client-poison")
    before, after = events.mix(clients=2, per_client=3), events.mix(clients=2, per_client=3)
    counting = counting_handler(Counter())

    def fails_on_one_goal(event, ctx):
        if event.subject == poison.subject:
            raise ValueError("cannot project this goal")
        return counting(event, ctx)

    projection = counting_projection(goal_created=fails_on_one_goal)
    publish(settings, before + [poison] + after)

    with consuming(projection, settings, db):
        [dead] = read_topic(settings, dead_letter_topic(projection.name), 1)
        wait_until(lambda: applied_count(db) >= len(before + after), message="the others applied")

    assert per_client(db) == expected_per_client(before + after)
    headers = dict(dead.headers)
    [original] = [r for r in read_topic(settings, GOALS_EVENTS, len(before + after) + 1)
                  if json.loads(r.value)["id"] == poison.id]
    assert headers["dlq_reason"] == b"handler"
    assert b"ValueError: cannot project this goal" in headers["dlq_error"]
    assert (headers["dlq_topic"], headers["dlq_partition"], headers["dlq_offset"]) == (
        original.topic.encode(), str(original.partition).encode(), str(original.offset).encode())
    assert (dead.key, dead.value) == (original.key, original.value)
    assert metric("events_failed_total", group=projection.name, reason="handler") == 1


def test_undecodable_invalid_and_unknown_version_events_are_dead_lettered_and_unknown_types_ignored(
        settings, db, events):
    valid = events.mix(clients=2, per_client=3)
    invalid = events.goal_created("client-x").to_dict()
    invalid["data"]["category"] = "not-a-category"
    future = {**events.goal_created("client-x").to_dict(), "schemaversion": 9}
    unknown_type = {**events.goal_created("client-x").to_dict(), "type": "goal-archived", "data": {}}
    projection = counting_projection()
    publish(settings, valid[:3])
    send_raw(settings, [b"\xff not json", json.dumps({"specversion": "1.0", "id": "x"}).encode(),
                        json.dumps(invalid).encode(), json.dumps(future).encode(), json.dumps(unknown_type).encode()])
    send_raw(settings, [b"{}"], headers=[("ce_type", b"goal-archived")])  # skipped by its header, never parsed
    publish(settings, valid[3:])

    with consuming(projection, settings, db):
        dead = read_topic(settings, dead_letter_topic(projection.name), 4)
        wait_until(lambda: applied_count(db) >= len(valid), message="the valid events applied")

    assert per_client(db) == expected_per_client(valid)
    reasons = Counter(dict(record.headers)["dlq_reason"] for record in dead)
    assert reasons == {b"undecodable": 2, b"contract": 2}
    errors = b" ".join(dict(record.headers)["dlq_error"] for record in dead)
    assert b"unknown version 9" in errors and b"category" in errors
    assert metric("events_ignored_total", group=projection.name) == 2
