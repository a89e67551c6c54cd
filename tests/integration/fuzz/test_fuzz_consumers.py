"""Malformed events into each consumer: every one goes to the dead-letter topic and the loop keeps its pace.

Hypothesis makes the malformed records: bytes that are not JSON, JSON that is not
an object, envelopes of the golden payloads (tests/contract/golden) with an
attribute missing or of the wrong type, an unknown schema version, or data with
a required field missing or of the wrong type. They are published between valid
events to the topic the real projection (reports, reminders, the partners router) consumes. Each run
asserts that exactly the malformed records reached the dead-letter topic,
refused on decoding (never after handler retries, which would slow the loop
down), that the valid events around them were applied, and that the group has
committed every record.
"""
from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from kafka import TopicPartition
from hypothesis import HealthCheck, Phase, given, settings as hypothesis_settings, strategies as st
from prometheus_client import REGISTRY

from services.partners.projection import partners_projection
from services.partners.service.router import Router
from services.reminders.projection import reminders_projection
from services.reports.projection import reports_projection
from shared.contract.envelope import REQUIRED, from_dict
from shared.contract.registry import EVENT_TYPES
from shared.messaging import kafka_clients
from shared.messaging.topics import GOALS_EVENTS, dead_letter_topic
from shared.runtime.config import Settings
from tests.support import read_topic, running_projection, wait_until

pytestmark = pytest.mark.integration

GOLDEN = Path(__file__).parents[2] / "contract" / "golden"
PROJECTIONS = {"reports": reports_projection, "reminders": reminders_projection,
               "partners": lambda: partners_projection(Router("fuzz-pseudonym-secret"))}
INTEGERS = ("schemaversion", "sequence")
WRONG = {"integer": [None, "1", True, 1.5, [[]]], "text": [None, 5, True, "", [[]]],  # [[]]: no field's valid value
         "data": [None, 5, "", [[]], {"unexpected": 1}]}
MALFORMED_PER_RUN = 40


def goldens(projection) -> list[dict]:
    """The golden CloudEvents of every (type, version) the projection handles."""
    return [json.loads(path.read_text()) for path in sorted(GOLDEN.glob("*/v*.json"))
            if projection.handles(path.parent.name)]


def fresh(event: dict) -> dict:
    """The event as a new one (own id and subject), so that no guard takes it for a replay."""
    return {**event, "id": str(uuid.uuid4()), "subject": f"{event['subject']}-{uuid.uuid4().hex[:8]}"}


def required_fields(event: dict) -> list[str]:
    fields = EVENT_TYPES[event["type"]].schemas[event["schemaversion"]]().fields
    return [name for name, declared in fields.items() if declared.required and name in event["data"]]


def without(mapping: dict, name: str) -> dict:
    return {key: value for key, value in mapping.items() if key != name}


def kind_of(attribute: str) -> str:
    return "integer" if attribute in INTEGERS else "data" if attribute == "data" else "text"


def encoded(value) -> bytes:
    return json.dumps(value).encode()


def not_an_envelope(value: bytes) -> bool:
    try:
        from_dict(json.loads(value))
    except Exception:  # noqa: BLE001 - anything that does not decode is what is wanted
        return True
    return False


def malformed(events: list[dict]) -> st.SearchStrategy[bytes]:
    json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=6),
                               lambda inner: st.lists(inner, max_size=3), max_leaves=6)
    event = st.sampled_from(events).map(fresh)
    return st.one_of(
        st.binary(min_size=1, max_size=48).filter(not_an_envelope),
        json_values.map(encoded),
        st.tuples(event, st.sampled_from(REQUIRED)).map(lambda e: encoded(without(e[0], e[1]))),
        st.tuples(event, st.sampled_from(REQUIRED + ("data",))).flatmap(lambda e: st.sampled_from(
            WRONG[kind_of(e[1])]).map(lambda wrong: encoded({**e[0], e[1]: wrong}))),
        st.tuples(event, st.integers(min_value=100, max_value=10 ** 6)).map(
            lambda e: encoded({**e[0], "schemaversion": e[1]})),
        event.flatmap(lambda e: st.sampled_from(required_fields(e)).map(
            lambda name: encoded({**e, "data": without(e["data"], name)}))),
        event.flatmap(lambda e: st.sampled_from(sorted(e["data"])).map(
            lambda name: encoded({**e, "data": {**e["data"], name: [[]]}}))),
    )


def metric(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def committed_everything(settings: Settings, group: str) -> bool:
    reader = kafka_clients.consumer(settings, settings.topic(group))
    try:
        topic = settings.topic(GOALS_EVENTS)
        partitions = [TopicPartition(topic, p) for p in sorted(reader.partitions_for_topic(topic) or ())]
        ends = reader.end_offsets(partitions)
        return all((reader.committed(tp) or 0) == ends[tp] for tp in partitions)
    finally:
        reader.close()


def publish_raw(settings: Settings, values: list[bytes]) -> None:
    producer = kafka_clients.producer(settings)
    try:
        for value in values:
            producer.send(settings.topic(GOALS_EVENTS), key=b"fuzz-client", value=value)
        producer.flush(timeout=30)
    finally:
        producer.close()


@pytest.mark.parametrize("service", PROJECTIONS)
def test_every_malformed_event_goes_to_the_dead_letter_topic_and_the_valid_ones_around_it_apply(base_env, service):
    projection = PROJECTIONS[service]()
    events = goldens(projection)
    types = sorted({event["type"] for event in events})

    @hypothesis_settings(max_examples=2, derandomize=True, deadline=None, database=None,
                         phases=[Phase.generate], suppress_health_check=list(HealthCheck))  # no shrinking: bounded
    @given(st.lists(malformed(events), min_size=MALFORMED_PER_RUN, max_size=MALFORMED_PER_RUN))
    def run(bad: list[bytes]) -> None:
        unique = uuid.uuid4().hex[:10]
        settings = Settings(service=service, mongodb_db_prefix=f"t{unique}", topic_prefix=f"t{unique}-")
        before, after = [fresh(e) for e in events], [fresh(e) for e in events]
        group = projection.name
        handler_failures_before = metric("events_failed_total", group=group, reason="handler")
        retries = metric("handler_retries_total", group=group)
        applied = sum(metric("events_processed_total", group=group, type=kind) for kind in types)

        with running_projection(projection, settings):
            publish_raw(settings, [encoded(e) for e in before] + bad + [encoded(e) for e in after])
            dead = read_topic(settings, dead_letter_topic(group), len(bad), timeout=60)
            wait_until(lambda: committed_everything(settings, group), timeout=60, message="every record committed")

        assert sorted(record.value for record in dead) == sorted(bad)
        assert metric("events_failed_total", group=group, reason="handler") == handler_failures_before  # refused on decoding
        assert metric("handler_retries_total", group=group) == retries
        assert sum(metric("events_processed_total", group=group, type=kind) for kind in types) - applied == len(
            before + after)

    run()
