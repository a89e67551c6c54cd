import json
from dataclasses import fields
from datetime import date, datetime, timedelta, timezone

import pytest

from services.goals.domain.events import (
    EVENT_TYPES,
    GoalCreated,
    GoalRating,
    GoalStatusChanged,
    Measure,
    MilestoneAdded,
    MilestoneReached,
    PlannedMilestone,
    SessionLogged,
    SessionMeasures,
    UnknownEventType,
    event_from_data,
    event_to_data,
    type_name,
)

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
ONE_OF_EACH = {
    "goal-created": GOAL_CREATED,
    "milestone-added": MilestoneAdded("goal-1", "client-1", "m-2", "Present an item", DAY),
    "milestone-reached": MilestoneReached("goal-1", "client-1", "m-1", NOON),
    "goal-status-changed": GoalStatusChanged(
        "goal-1", "client-1", "completed", "achieved", "goal-met"
    ),
    "session-logged": SESSION_LOGGED,
}
# The data fields of docs/architecture.md, "Event data".
CONTRACT_FIELDS = {
    "goal-created": ["goal_id", "client_id", "clinician_id", "title", "description", "category",
                     "priority", "measure", "target_date", "lifecycle_status",
                     "achievement_status", "milestones", "gas_levels", "practice_rrule"],
    "milestone-added": ["goal_id", "client_id", "milestone_id", "title", "due_date"],
    "milestone-reached": ["goal_id", "client_id", "milestone_id", "reached_at"],
    "goal-status-changed": ["goal_id", "client_id", "lifecycle_status", "achievement_status",
                            "reason"],
    "session-logged": ["session_id", "client_id", "clinician_id", "occurred_at",
                       "duration_minutes", "attendance", "modality", "goals", "measures",
                       "next_session_at"],
}


def test_every_event_type_has_an_example_here():
    assert set(ONE_OF_EACH) == set(EVENT_TYPES) == set(CONTRACT_FIELDS)


@pytest.mark.parametrize("name", sorted(EVENT_TYPES))
def test_event_fields_are_exactly_the_contracts_data_fields(name):
    assert [field.name for field in fields(EVENT_TYPES[name])] == CONTRACT_FIELDS[name]


@pytest.mark.parametrize("name, event", sorted(ONE_OF_EACH.items()))
def test_every_event_survives_a_round_trip_through_json(name, event):
    data = json.loads(json.dumps(event_to_data(event)))

    assert event_from_data(name, data) == event


@pytest.mark.parametrize("name, event", sorted(ONE_OF_EACH.items()))
def test_an_event_knows_its_cloudevent_type(name, event):
    assert type_name(event) == name


def test_dates_and_times_travel_as_iso_strings():
    data = event_to_data(SESSION_LOGGED)

    assert data["occurred_at"] == "2025-03-10T12:00:00+00:00"
    assert data["next_session_at"] == "2025-03-17T12:00:00+00:00"
    assert event_to_data(GOAL_CREATED)["target_date"] == "2025-06-01"
    assert event_to_data(GOAL_CREATED)["milestones"][0]["due_date"] == "2025-06-01"


def test_nested_values_travel_as_objects_and_lists():
    created, logged = event_to_data(GOAL_CREATED), event_to_data(SESSION_LOGGED)

    assert created["measure"] == {"name": "SUDS", "baseline": 8, "target": 3.5, "unit": "points"}
    assert created["milestones"] == [
        {"milestone_id": "m-1", "title": "Ask one question", "due_date": "2025-06-01"}
    ]
    assert created["gas_levels"]["-2"] == "a"
    assert logged["goals"] == [
        {"goal_id": "goal-1", "rating": 1}, {"goal_id": "goal-2", "rating": None}
    ]
    assert logged["measures"] == {"phq9": 12, "phq9_item9": 1, "gad7": None}


def test_absent_values_travel_as_null():
    data = event_to_data(GoalCreated(**{**vars(GOAL_CREATED), "measure": None, "gas_levels": None,
                                        "practice_rrule": None, "milestones": ()}))

    assert (data["measure"], data["gas_levels"], data["practice_rrule"]) == (None, None, None)
    assert data["milestones"] == []


def test_a_version_1_goal_without_gas_levels_or_practice_rule_reads_them_as_null():
    data = event_to_data(GOAL_CREATED)
    del data["gas_levels"], data["practice_rrule"]

    created = event_from_data("goal-created", data)

    assert (created.gas_levels, created.practice_rrule) == (None, None)


def reached_at(text):
    return {**event_to_data(ONE_OF_EACH["milestone-reached"]), "reached_at": text}


def test_times_read_back_are_in_utc():
    reached = event_from_data("milestone-reached", reached_at("2025-03-10T13:00:00+01:00"))

    assert reached.reached_at == NOON and reached.reached_at.tzinfo == timezone.utc


def test_a_z_suffix_reads_as_utc():
    data = reached_at("2025-03-10T12:00:00Z")

    assert event_from_data("milestone-reached", data).reached_at == NOON


def test_a_time_without_a_zone_is_refused():
    data = reached_at("2025-03-10T12:00:00")

    with pytest.raises(ValueError):
        event_from_data("milestone-reached", data)


def test_an_unknown_event_type_is_refused():
    with pytest.raises(UnknownEventType):
        event_from_data("goal-deleted", {})


def test_data_with_fields_the_event_does_not_have_is_refused():
    data = {**event_to_data(ONE_OF_EACH["milestone-added"]), "note": "free text"}

    with pytest.raises(ValueError):
        event_from_data("milestone-added", data)


def test_data_lacking_a_required_field_is_refused():
    data = event_to_data(ONE_OF_EACH["milestone-added"])
    del data["due_date"]

    with pytest.raises(ValueError):
        event_from_data("milestone-added", data)
