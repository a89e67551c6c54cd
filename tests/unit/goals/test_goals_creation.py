from dataclasses import FrozenInstanceError
from datetime import timedelta

import pytest

from services.goals.domain import errors
from shared.contract.events import GoalCreated, Measure, PlannedMilestone

GAS_LEVELS = {
    "-2": "Avoids every meeting",
    "-1": "Attends, says nothing",
    "0": "Asks one question a week",
    "1": "Asks a question in most meetings",
    "2": "Presents an item",
}


def test_a_new_goal_is_active_in_progress_and_of_medium_priority(create):
    [created] = create()

    assert isinstance(created, GoalCreated)
    assert (created.lifecycle_status, created.achievement_status) == ("active", "in-progress")
    assert created.priority == "medium"
    assert (created.measure, created.milestones) == (None, ())
    assert (created.gas_levels, created.practice_rrule) == (None, None)


def test_a_goal_keeps_the_priority_it_is_given(create):
    [created] = create(priority="high")

    assert created.priority == "high"


def test_texts_are_kept_without_surrounding_whitespace(create):
    [created] = create(title="  Speak up  ", description=" at work\n")

    assert (created.title, created.description) == ("Speak up", "at work")


def test_each_planned_milestone_gets_a_new_id_in_the_given_order(create, today):
    [created] = create(milestones=[
        {"title": "Ask one question", "due_date": today},
        {"title": "Present an item", "due_date": today + timedelta(days=30)},
    ])

    assert created.milestones == (
        PlannedMilestone("m-1", "Ask one question", today),
        PlannedMilestone("m-2", "Present an item", today + timedelta(days=30)),
    )


def test_a_goal_with_a_measure_records_it(create):
    measure = {"name": "SUDS", "baseline": 8, "target": 3.5, "unit": "points"}

    [created] = create(measure=measure)

    assert created.measure == Measure("SUDS", 8, 3.5, "points")


@pytest.mark.parametrize("field", ["goal_id", "client_id", "clinician_id"])
@pytest.mark.parametrize("bad_id", ["", "has space", "a/b", "-starts-with-dash", "x" * 65, None, 7])
def test_ids_must_be_short_path_safe_strings(create, field, bad_id):
    with pytest.raises(errors.InvalidIdentifier) as refused:
        create(**{field: bad_id})

    assert refused.value.field == field


def test_uuids_are_valid_ids(create):
    [created] = create(goal_id="5f0c1a8e-2b7d-4c1e-9a4b-0c8f1e2d3a4b")

    assert created.goal_id == "5f0c1a8e-2b7d-4c1e-9a4b-0c8f1e2d3a4b"


@pytest.mark.parametrize("title", ["", "   ", None])
def test_a_goal_needs_a_title(create, title):
    with pytest.raises(errors.BlankText) as refused:
        create(title=title)

    assert refused.value.field == "title"


@pytest.mark.parametrize("field, longest", [("title", 200), ("description", 2000)])
def test_texts_have_a_maximum_length(create, field, longest):
    create(**{field: "x" * longest})

    with pytest.raises(errors.TextTooLong) as refused:
        create(**{field: "x" * (longest + 1)})

    assert refused.value.field == field


@pytest.mark.parametrize("description", ["", None])
def test_a_description_is_optional(create, description):
    [created] = create(description=description)

    assert created.description == ""


@pytest.mark.parametrize("field, value", [
    ("category", "mood"), ("category", None), ("priority", "urgent"),
])
def test_category_and_priority_come_from_their_lists(create, field, value):
    with pytest.raises(errors.InvalidChoice) as refused:
        create(**{field: value})

    assert refused.value.field == field


def test_the_target_date_cannot_be_before_today(create, today):
    create(target_date=today)

    with pytest.raises(errors.DateInThePast) as refused:
        create(target_date=today - timedelta(days=1))

    assert refused.value.field == "target_date"


def test_the_target_date_is_a_calendar_date_not_a_datetime(create, noon):
    with pytest.raises(errors.InvalidDates) as refused:
        create(target_date=noon + timedelta(days=9))

    assert refused.value.field == "target_date"


def test_a_planned_milestone_cannot_be_due_before_today(create, today):
    milestones = [
        {"title": "Ask one question", "due_date": today},
        {"title": "Present an item", "due_date": today - timedelta(days=1)},
    ]

    with pytest.raises(errors.DateInThePast) as refused:
        create(milestones=milestones)

    assert refused.value.field == "milestones[1].due_date"


def test_a_planned_milestone_needs_a_title(create, today):
    with pytest.raises(errors.BlankText) as refused:
        create(milestones=[{"title": " ", "due_date": today}])

    assert refused.value.field == "milestones[0].title"


def test_a_milestone_may_be_due_after_the_goals_target_date(create, today):
    [created] = create(target_date=today, milestones=[
        {"title": "Follow-up", "due_date": today + timedelta(days=7)},
    ])

    assert len(created.milestones) == 1


def test_an_id_generator_that_repeats_itself_is_a_programming_error(create, today):
    milestones = [{"title": "One", "due_date": today}, {"title": "Two", "due_date": today}]

    with pytest.raises(ValueError):
        create(milestones=milestones, new_id=lambda: "same")


def test_a_measure_target_must_differ_from_its_baseline(create):
    with pytest.raises(errors.TargetEqualsBaseline) as refused:
        create(measure={"name": "SUDS", "baseline": 5, "target": 5.0, "unit": "points"})

    assert refused.value.field == "measure.target"


@pytest.mark.parametrize("field", ["baseline", "target"])
@pytest.mark.parametrize("value", [None, "5", True, float("nan"), float("inf")])
def test_measure_values_must_be_finite_numbers(create, field, value):
    measure = {"name": "SUDS", "baseline": 8, "target": 3, "unit": "points", field: value}

    with pytest.raises(errors.NotANumber) as refused:
        create(measure=measure)

    assert refused.value.field == f"measure.{field}"


@pytest.mark.parametrize("field", ["name", "unit"])
def test_a_measure_needs_a_name_and_a_unit(create, field):
    measure = {"name": "SUDS", "baseline": 8, "target": 3, "unit": "points", field: ""}

    with pytest.raises(errors.BlankText) as refused:
        create(measure=measure)

    assert refused.value.field == f"measure.{field}"


def test_gas_levels_are_kept_in_order_from_minus_two_to_two(create):
    shuffled = dict(reversed(list(GAS_LEVELS.items())))

    [created] = create(gas_levels=shuffled)

    assert list(created.gas_levels) == ["-2", "-1", "0", "1", "2"]
    assert created.gas_levels == GAS_LEVELS


@pytest.mark.parametrize("levels", [
    {key: text for key, text in GAS_LEVELS.items() if key != "2"},
    {**GAS_LEVELS, "3": "Beyond"},
    {int(key): text for key, text in GAS_LEVELS.items()},
    {},
    ["-2", "-1", "0", "1", "2"],
])
def test_gas_levels_need_exactly_the_five_levels(create, levels):
    with pytest.raises(errors.IncompleteGasLevels) as refused:
        create(gas_levels=levels)

    assert refused.value.field == "gas_levels"


def test_every_gas_level_needs_a_description(create):
    with pytest.raises(errors.BlankText) as refused:
        create(gas_levels={**GAS_LEVELS, "-1": "  "})

    assert refused.value.field == "gas_levels.-1"


@pytest.mark.parametrize("rule,kept", [
    ("FREQ=DAILY", "FREQ=DAILY"),
    ("FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=9", "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=9"),
    ("RRULE:FREQ=DAILY;COUNT=10", "FREQ=DAILY;COUNT=10"),
    ("freq=monthly", "FREQ=MONTHLY"),
])
def test_a_practice_rule_is_kept_in_its_normal_form(create, rule, kept):
    [created] = create(practice_rrule=rule)

    assert created.practice_rrule == kept


@pytest.mark.parametrize("rule", [
    "DAILY", "FREQ=", "FREQ=SOMETIMES", "BYDAY=MO", "FREQ=DAILY;;", "FREQ=DAILY;COUNT",
])
def test_a_practice_rule_needs_a_known_frequency_and_name_value_parts(create, rule):
    with pytest.raises(errors.InvalidRecurrenceRule) as refused:
        create(practice_rrule=rule)

    assert refused.value.field == "practice_rrule"


def test_events_are_immutable(create):
    [created] = create()

    with pytest.raises(FrozenInstanceError):
        created.title = "Something else"
