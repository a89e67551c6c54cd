"""The registry validates each (type, version) and lifts old versions to the current one."""
import pytest

from shared.contract.envelope import CloudEvent
from shared.contract.registry import EVENT_TYPES, ContractError, upcast, validate

CORE_TYPES = ("goal-created", "milestone-reached", "session-logged")
REACHED = {"goal_id": "g-1", "client_id": "c-1", "milestone_id": "m-1", "reached_at": "2025-01-01T10:00:00+00:00"}


def test_the_three_core_types_are_registered():
    assert set(CORE_TYPES) <= set(EVENT_TYPES)


def test_every_older_version_has_an_upcaster_to_the_next():
    for kind in EVENT_TYPES.values():
        assert sorted(kind.schemas) == list(range(1, kind.current_version + 1)), kind.name
        assert set(kind.upcasters) == set(range(1, kind.current_version)), kind.name


def test_valid_data_passes_and_invalid_data_names_the_field():
    validate("milestone-reached", 1, REACHED)

    with pytest.raises(ContractError, match="reached_at"):
        validate("milestone-reached", 1, {**REACHED, "reached_at": "2025-01-01T10:00:00"})  # no time zone


def test_an_unknown_version_or_type_is_a_contract_error():
    with pytest.raises(ContractError, match="unknown version 7"):
        validate("milestone-reached", 7, REACHED)
    with pytest.raises(ContractError, match="unknown event type"):
        validate("goal-archived", 1, {})


def test_unknown_fields_are_refused_so_that_a_new_field_needs_a_new_version():
    with pytest.raises(ContractError, match="surprise"):
        validate("milestone-reached", 1, {**REACHED, "surprise": 1})


def test_an_event_at_the_current_version_is_returned_as_it_is():
    event = CloudEvent(type="milestone-reached", source="/t", subject="g-1", schemaversion=1, clinicid="c",
                       sequence=2, partitionkey="c-1", data=REACHED)

    assert upcast(event) is event
