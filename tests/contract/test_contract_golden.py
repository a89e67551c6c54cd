"""Golden payloads: one full CloudEvent per registered (type, version), kept forever.

An old version's payload must stay valid for its schema and upcast to a valid
current version: a schema or upcaster change that breaks an old payload fails here.
"""
import json
from pathlib import Path

import pytest

from shared.contract.envelope import from_dict
from shared.contract.registry import EVENT_TYPES, upcast, validate

GOLDEN = Path(__file__).parent / "golden"
REGISTERED = [(name, version) for name, kind in EVENT_TYPES.items() for version in sorted(kind.schemas)]


def golden(name: str, version: int) -> dict:
    return json.loads((GOLDEN / name / f"v{version}.json").read_text())


def test_every_registered_type_and_version_has_a_golden_payload():
    files = {(path.parent.name, int(path.stem.removeprefix("v"))) for path in GOLDEN.glob("*/v*.json")}
    assert set(REGISTERED) - files == set(), "add tests/contract/golden/<type>/v<N>.json for each"


def test_no_golden_payload_is_left_without_a_registered_schema():
    files = {(path.parent.name, int(path.stem.removeprefix("v"))) for path in GOLDEN.glob("*/v*.json")}
    assert files - set(REGISTERED) == set()


@pytest.mark.parametrize(("name", "version"), REGISTERED, ids=[f"{n}-v{v}" for n, v in REGISTERED])
def test_golden_payload_is_a_cloudevent_valid_for_its_schema(name, version):
    event = from_dict(golden(name, version))

    assert (event.type, event.schemaversion) == (name, version)
    validate(name, version, event.data)


@pytest.mark.parametrize(("name", "version"), REGISTERED, ids=[f"{n}-v{v}" for n, v in REGISTERED])
def test_golden_payload_upcasts_to_a_valid_current_version(name, version):
    current = EVENT_TYPES[name].current_version

    event = upcast(from_dict(golden(name, version)))

    assert event.schemaversion == current
    validate(name, current, event.data)
    assert event.id == golden(name, version)["id"]


def test_upcasting_goal_created_v1_reads_the_new_fields_as_null():
    event = upcast(from_dict(golden("goal-created", 1)))

    assert event.data["gas_levels"] is None
    assert event.data["practice_rrule"] is None
    assert event.data["title"] == golden("goal-created", 1)["data"]["title"]


def test_envelope_round_trips_through_json_unchanged():
    for name, version in REGISTERED:
        raw = golden(name, version)
        assert json.loads(from_dict(raw).to_json()) == raw
