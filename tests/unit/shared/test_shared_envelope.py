"""The CloudEvents envelope: what is accepted, what is refused."""
import json

import pytest

from shared.contract.envelope import CloudEvent, EnvelopeError, from_dict, from_json


def event(**overrides) -> CloudEvent:
    fields = dict(type="milestone-reached", source="/test", subject="goal-1", schemaversion=1, clinicid="c-1",
                  sequence=2, partitionkey="client-1", data={"goal_id": "goal-1"})
    return CloudEvent(**{**fields, **overrides})


def test_an_event_survives_json_unchanged_with_its_extensions():
    original = event(correlationid="req-1")

    assert from_json(original.to_json()) == original


def test_optional_extensions_left_empty_are_not_written():
    assert "correlationid" not in event().to_dict()


@pytest.mark.parametrize("missing", ["id", "type", "subject", "schemaversion", "clinicid", "sequence", "partitionkey"])
def test_an_envelope_missing_a_required_attribute_is_refused(missing):
    raw = event().to_dict()
    del raw[missing]

    with pytest.raises(EnvelopeError, match=missing):
        from_dict(raw)


@pytest.mark.parametrize(("attribute", "value"), [("specversion", "0.3"), ("data", "text"), ("sequence", "2"),
                                                  ("schemaversion", 1.5)])
def test_an_envelope_with_a_wrong_attribute_is_refused(attribute, value):
    with pytest.raises(EnvelopeError):
        from_dict({**event().to_dict(), attribute: value})


@pytest.mark.parametrize("value", [b"\xff\xfe", b"not json", b"[1, 2]", None])
def test_bytes_that_are_not_a_json_object_are_refused(value):
    with pytest.raises(EnvelopeError):
        from_json(value)


def test_unknown_attributes_are_ignored():
    raw = {**event().to_dict(), "traceparent": "00-abc"}

    assert from_json(json.dumps(raw).encode()) == event(id=raw["id"], time=raw["time"])


def test_the_position_an_event_was_read_at_travels_with_it_but_never_in_the_envelope():
    from shared.contract.envelope import CloudEvent, Position, from_dict
    event = CloudEvent(type="goal-created", source="/t", subject="g", schemaversion=1, clinicid="c", sequence=1,
                       partitionkey="client", data={})
    read = event.at(Position("goals-events", 2, 41))
    assert read.position == ("goals-events", 2, 41) and read == event
    assert "position" not in read.to_dict()
    assert read.with_data({"x": 1}, 2).position == read.position
    assert from_dict({**read.to_dict(), "position": ["forged", 0, 0]}).position is None
