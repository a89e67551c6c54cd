"""Event data classes: each is exactly its type's data, travels as JSON and back, and passes its own schema."""
import json
from dataclasses import fields
from datetime import date, datetime, timedelta, timezone

import pytest

from shared.contract import types as t
from shared.contract.codec import from_data, to_data
from shared.contract.envelope import CloudEvent
from shared.contract.events import (
    ABSENT,
    GoalCreated,
    GoalRating,
    GoalRevised,
    GoalStatusChanged,
    Measure,
    MilestoneAdded,
    MilestoneReached,
    PlannedMilestone,
    ReminderFailed,
    ReminderSent,
    SessionLogged,
    SessionMeasures,
    SharingChanged,
)
from shared.contract.registry import EVENT_TYPES, ContractError, data_of, type_of, validate

NOON = datetime(2025, 3, 10, 12, 0, tzinfo=timezone.utc)
DAY = date(2025, 6, 1)

GOAL_CREATED = GoalCreated(
    goal_id="goal-1", client_id="client-1", clinician_id="clinician-1",
    title="Speak up", description="In team meetings", category="anxiety", priority="high",
    measure=Measure("SUDS", 8, 3.5, "points"), target_date=DAY,
    lifecycle_status="active", achievement_status="in-progress",
    milestones=(PlannedMilestone("m-1", "Ask one question", DAY),),
    gas_levels={"-2": "a", "-1": "b", "0": "c", "1": "d", "2": "e"},
    practice_rrule="FREQ=WEEKLY;BYDAY=MO",
)
SESSION_LOGGED = SessionLogged(
    session_id="session-1", client_id="client-1", clinician_id="clinician-1",
    occurred_at=NOON, duration_minutes=50, attendance="attended", modality="video",
    goals=(GoalRating("goal-1", 1), GoalRating("goal-2", None)),
    measures=SessionMeasures(phq9=12, phq9_item9=1, gad7=None),
    next_session_at=NOON + timedelta(days=7),
)
REMINDER_SENT = ReminderSent(
    reminder_id="r-1", client_id="client-1", kind="milestone-due", goal_id="goal-1", milestone_id="m-1",
    session_id=None, due_at=NOON, attempted_at=NOON + timedelta(minutes=1), attempts=1,
)
ONE_OF_EACH = {
    t.GOAL_CREATED: GOAL_CREATED,
    t.MILESTONE_ADDED: MilestoneAdded("goal-1", "client-1", "m-2", "Present an item", DAY),
    t.MILESTONE_REACHED: MilestoneReached("goal-1", "client-1", "m-1", NOON),
    t.GOAL_STATUS_CHANGED: GoalStatusChanged("goal-1", "client-1", "completed", "achieved", "goal-met"),
    t.GOAL_REVISED: GoalRevised("goal-1", "client-1", ("title", "measure"), title="Speak up twice", measure=None),
    t.SESSION_LOGGED: SESSION_LOGGED,
    t.SHARING_CHANGED: SharingChanged("client-1", "listed", ("ehr-1", "registry-2"), NOON),
    t.REMINDER_SENT: REMINDER_SENT,
    t.REMINDER_FAILED: ReminderFailed(**vars(REMINDER_SENT), error="timeout"),
}
# The data fields of each type's current version (docs/events.md, the AsyncAPI document).
CONTRACT_FIELDS = {
    t.GOAL_CREATED: ["goal_id", "client_id", "clinician_id", "title", "description", "category", "priority",
                     "measure", "target_date", "lifecycle_status", "achievement_status", "milestones",
                     "gas_levels", "practice_rrule"],
    t.MILESTONE_ADDED: ["goal_id", "client_id", "milestone_id", "title", "due_date"],
    t.MILESTONE_REACHED: ["goal_id", "client_id", "milestone_id", "reached_at"],
    t.GOAL_STATUS_CHANGED: ["goal_id", "client_id", "lifecycle_status", "achievement_status", "reason"],
    t.GOAL_REVISED: ["goal_id", "client_id", "revised", "title", "description", "priority", "measure",
                     "target_date", "gas_levels"],
    t.SESSION_LOGGED: ["session_id", "client_id", "clinician_id", "occurred_at", "duration_minutes", "attendance",
                       "modality", "goals", "measures", "next_session_at"],
    t.SHARING_CHANGED: ["client_id", "scope", "partner_ids", "changed_at"],
    t.REMINDER_SENT: ["reminder_id", "client_id", "kind", "goal_id", "milestone_id", "session_id", "due_at",
                      "attempted_at", "attempts"],
    t.REMINDER_FAILED: ["reminder_id", "client_id", "kind", "goal_id", "milestone_id", "session_id", "due_at",
                        "attempted_at", "attempts", "error"],
}


def test_every_registered_type_has_an_example_here():
    assert set(ONE_OF_EACH) == set(EVENT_TYPES) == set(CONTRACT_FIELDS)


@pytest.mark.parametrize("name", sorted(EVENT_TYPES))
def test_the_current_classes_fields_are_exactly_the_contracts_data_fields(name):
    assert [field.name for field in fields(EVENT_TYPES[name].current)] == CONTRACT_FIELDS[name]


@pytest.mark.parametrize("name, event", sorted(ONE_OF_EACH.items()))
def test_every_event_is_valid_for_its_generated_schema_and_knows_its_type(name, event):
    validate(name, EVENT_TYPES[name].current_version, to_data(event))

    assert type_of(event).name == name


@pytest.mark.parametrize("name, event", sorted(ONE_OF_EACH.items()))
def test_every_event_survives_a_round_trip_through_json(name, event):
    data = json.loads(json.dumps(to_data(event)))

    assert from_data(EVENT_TYPES[name].current, data) == event


def test_a_stored_event_reads_back_as_its_versions_class():
    event = CloudEvent(type=t.MILESTONE_ADDED, source="/t", subject="goal-1", schemaversion=1, clinicid="c",
                       sequence=2, partitionkey="client-1", data=to_data(ONE_OF_EACH[t.MILESTONE_ADDED]))

    assert data_of(event) == ONE_OF_EACH[t.MILESTONE_ADDED]
    with pytest.raises(ContractError, match="unknown version 9"):
        data_of(event.with_data(event.data, 9))


def test_a_value_that_is_no_current_event_data_has_no_type():
    with pytest.raises(ContractError):
        type_of(Measure("SUDS", 8, 3, "points"))


def test_dates_and_times_travel_as_iso_strings():
    data = to_data(SESSION_LOGGED)

    assert data["occurred_at"] == "2025-03-10T12:00:00+00:00"
    assert data["next_session_at"] == "2025-03-17T12:00:00+00:00"
    assert to_data(GOAL_CREATED)["target_date"] == "2025-06-01"
    assert to_data(GOAL_CREATED)["milestones"][0]["due_date"] == "2025-06-01"


def test_nested_values_travel_as_objects_and_lists():
    created, logged = to_data(GOAL_CREATED), to_data(SESSION_LOGGED)

    assert created["measure"] == {"name": "SUDS", "baseline": 8, "target": 3.5, "unit": "points"}
    assert created["milestones"] == [{"milestone_id": "m-1", "title": "Ask one question", "due_date": "2025-06-01"}]
    assert created["gas_levels"]["-2"] == "a"
    assert logged["goals"] == [{"goal_id": "goal-1", "rating": 1}, {"goal_id": "goal-2", "rating": None}]
    assert logged["measures"] == {"phq9": 12, "phq9_item9": 1, "gad7": None}


def test_absent_values_travel_as_null():
    data = to_data(GoalCreated(**{**vars(GOAL_CREATED), "measure": None, "gas_levels": None,
                                  "practice_rrule": None, "milestones": ()}))

    assert (data["measure"], data["gas_levels"], data["practice_rrule"]) == (None, None, None)
    assert data["milestones"] == []


def test_a_revision_holds_only_the_fields_it_names_and_null_is_a_value():
    revised = ONE_OF_EACH[t.GOAL_REVISED]

    data = to_data(revised)

    assert data == {"goal_id": "goal-1", "client_id": "client-1", "revised": ["title", "measure"],
                    "title": "Speak up twice", "measure": None}
    assert from_data(GoalRevised, data).priority is ABSENT


def test_a_revision_whose_fields_differ_from_the_names_it_lists_is_refused():
    data = to_data(ONE_OF_EACH[t.GOAL_REVISED])

    with pytest.raises(ContractError, match="revised"):
        validate(t.GOAL_REVISED, 1, {**data, "priority": "low"})
    with pytest.raises(ContractError, match="revised"):
        validate(t.GOAL_REVISED, 1, {**data, "revised": ["title"]})
    with pytest.raises(ContractError, match="revised"):
        validate(t.GOAL_REVISED, 1, {"goal_id": "goal-1", "client_id": "client-1", "revised": []})


def reached_at(text):
    return {**to_data(ONE_OF_EACH[t.MILESTONE_REACHED]), "reached_at": text}


def test_times_read_back_are_in_utc():
    reached = from_data(MilestoneReached, reached_at("2025-03-10T13:00:00+01:00"))

    assert reached.reached_at == NOON and reached.reached_at.tzinfo == timezone.utc


def test_a_z_suffix_reads_as_utc():
    assert from_data(MilestoneReached, reached_at("2025-03-10T12:00:00Z")).reached_at == NOON


def test_a_time_without_a_zone_is_refused():
    with pytest.raises(ValueError):
        from_data(MilestoneReached, reached_at("2025-03-10T12:00:00"))


def test_data_with_fields_the_event_does_not_have_is_refused():
    data = {**to_data(ONE_OF_EACH[t.MILESTONE_ADDED]), "note": "free text"}

    with pytest.raises(ValueError):
        from_data(MilestoneAdded, data)


def test_data_lacking_a_required_field_is_refused():
    data = to_data(ONE_OF_EACH[t.MILESTONE_ADDED])
    del data["due_date"]

    with pytest.raises(ValueError):
        from_data(MilestoneAdded, data)
