"""Revising a goal: a merge patch of its revisable fields, recorded as one goal-revised with the changed fields only."""
from datetime import timedelta

import pytest

from services.goals.domain import errors
from services.goals.domain.goal import apply, fold, revise
from shared.contract import types as t
from shared.contract.codec import to_data
from shared.contract.events import GoalRevised, Measure
from shared.contract.registry import validate

GAS_LEVELS = {"-2": "Avoids every meeting", "-1": "Attends, says nothing", "0": "Asks one question a week",
              "1": "Asks a question in most meetings", "2": "Presents an item"}
SUDS = {"name": "SUDS", "baseline": 8, "target": 3, "unit": "points"}


@pytest.fixture
def goal(create):
    """An open goal with a measure and GAS levels, no session has rated it."""
    return fold(create(measure=SUDS, gas_levels=GAS_LEVELS))


def revised(goal, patch, today, rated=False):
    return revise(goal, patch, today, rated)


def test_a_revision_records_only_the_fields_it_changes(goal, today):
    [event] = revised(goal, {"title": "Speak up twice a week", "priority": goal.priority}, today)

    assert event == GoalRevised("goal-1", "client-1", ("title",), title="Speak up twice a week")


def test_the_revised_fields_are_named_in_the_contracts_order_and_the_event_is_valid_contract_data(goal, today):
    later = goal.target_date + timedelta(days=30)

    [event] = revised(goal, {"target_date": later, "description": "At work", "title": "Speak up"}, today)

    assert event.revised == ("title", "description", "target_date")
    validate(t.GOAL_REVISED, 1, to_data(event))


def test_the_goal_shows_the_revised_values_at_the_next_version(goal, today):
    events = revised(goal, {"title": "Speak up twice", "priority": "high"}, today)

    changed = apply(goal, events[0])

    assert (changed.title, changed.priority, changed.version) == ("Speak up twice", "high", goal.version + 1)
    assert (changed.description, changed.measure) == (goal.description, goal.measure)


@pytest.mark.parametrize("patch", [{}, {"title": "  Speak up in team meetings "}, {"priority": "medium"},
                                   {"measure": {"target": 3}}, {"gas_levels": {"0": "Asks one question a week"}}])
def test_a_patch_that_changes_nothing_records_nothing(goal, today, patch):
    assert revised(goal, patch, today) == []


def test_null_removes_the_measure_the_gas_levels_and_the_description(create, today):
    goal = fold(create(measure=SUDS, gas_levels=GAS_LEVELS, description="In team meetings"))

    [event] = revised(goal, {"measure": None, "gas_levels": None, "description": None}, today)

    assert (event.measure, event.gas_levels, event.description) == (None, None, "")


def test_a_measure_is_patched_member_by_member(goal, today):
    [event] = revised(goal, {"measure": {"target": 2, "unit": "points out of 10"}}, today)

    assert event.measure == Measure("SUDS", 8, 2, "points out of 10")


def test_a_new_measure_must_be_complete(create, today):
    goal = fold(create())

    with pytest.raises(errors.IncompleteMeasure) as refused:
        revised(goal, {"measure": {"baseline": 8, "target": 3, "unit": "points"}}, today)

    assert (refused.value.code, refused.value.field) == ("incomplete-measure", "measure")


def test_a_measure_is_checked_as_when_a_goal_is_set(goal, today):
    with pytest.raises(errors.TargetEqualsBaseline):
        revised(goal, {"measure": {"target": 8}}, today)


@pytest.mark.parametrize("patch, error, field", [
    ({"title": "   "}, errors.BlankText, "title"),
    ({"title": None}, errors.BlankText, "title"),
    ({"title": "x" * 201}, errors.TextTooLong, "title"),
    ({"description": "x" * 2001}, errors.TextTooLong, "description"),
    ({"priority": "urgent"}, errors.InvalidChoice, "priority"),
    ({"priority": None}, errors.InvalidChoice, "priority"),
    ({"target_date": None}, errors.InvalidDates, "target_date"),
    ({"gas_levels": {"0": "   "}}, errors.BlankText, "gas_levels.0"),
])
def test_each_value_is_checked_as_when_a_goal_is_set(goal, today, patch, error, field):
    with pytest.raises(error) as refused:
        revised(goal, patch, today)

    assert refused.value.field == field


def test_a_new_target_date_must_not_be_in_the_past_but_an_unchanged_one_may_be(create, today):
    goal = fold(create(target_date=today))
    tomorrow = today + timedelta(days=1)

    with pytest.raises(errors.DateInThePast):
        revised(goal, {"target_date": today - timedelta(days=1)}, today)
    assert revised(goal, {"target_date": today}, tomorrow) == []


def test_gas_levels_are_patched_level_by_level_while_no_session_has_rated_the_goal(goal, today):
    [event] = revised(goal, {"gas_levels": {"0": "Asks two questions a week"}}, today)

    assert event.gas_levels == {**GAS_LEVELS, "0": "Asks two questions a week"}


def test_gas_levels_are_set_on_a_goal_that_had_none(create, today):
    [event] = revised(fold(create()), {"gas_levels": GAS_LEVELS}, today)

    assert event.gas_levels == GAS_LEVELS


def test_gas_levels_must_stay_complete(goal, create, today):
    with pytest.raises(errors.IncompleteGasLevels):
        revised(goal, {"gas_levels": {"2": None}}, today)
    with pytest.raises(errors.IncompleteGasLevels):
        revised(fold(create()), {"gas_levels": {"0": "Asks one question"}}, today)


def test_gas_levels_are_frozen_once_a_session_has_rated_the_goal(goal, today):
    with pytest.raises(errors.GasLevelsFrozen) as refused:
        revised(goal, {"gas_levels": {"0": "Asks two questions a week"}}, today, rated=True)

    assert (refused.value.kind, refused.value.field) == ("conflict", "gas_levels")


def test_after_a_rating_the_other_fields_may_still_change_and_unchanged_levels_are_no_change(goal, today):
    patch = {"title": "Speak up twice", "gas_levels": dict(GAS_LEVELS)}

    [event] = revised(goal, patch, today, rated=True)

    assert event.revised == ("title",)


def test_a_closed_goal_is_not_revised(closed, today):
    with pytest.raises(errors.GoalClosed):
        revised(closed("completed"), {"title": "Speak up twice"}, today)


def test_invalid_input_is_reported_before_a_closed_goal(closed, today):
    with pytest.raises(errors.BlankText):
        revised(closed("cancelled"), {"title": ""}, today)


def test_a_missing_goal_is_not_found(today):
    with pytest.raises(errors.GoalNotFound):
        revised(None, {"title": "Speak up"}, today)


def test_the_state_does_not_share_revised_gas_levels_with_the_event(goal, today):
    [event] = revised(goal, {"gas_levels": {"0": "Asks two questions a week"}}, today)

    apply(goal, event).gas_levels["0"] = "changed"

    assert event.gas_levels["0"] == "Asks two questions a week"
