import pytest

from services.goals.domain import errors
from shared.contract.events import GoalStatusChanged
from services.goals.domain.goal import apply, change_status

OPEN = ["proposed", "planned", "accepted", "active", "on-hold"]
CLOSED = ["completed", "cancelled", "entered-in-error", "rejected"]


def changed(goal, **statuses):
    return change_status(goal, reason=statuses.pop("reason", "clinician-decision"), **statuses)


def test_a_goal_can_be_put_on_hold_and_resumed(open_goal):
    on_hold = apply(open_goal, *changed(open_goal, lifecycle_status="on-hold"))
    resumed = changed(on_hold, lifecycle_status="active", reason="client-request")

    assert on_hold.lifecycle_status == "on-hold"
    assert resumed == [
        GoalStatusChanged("goal-1", "client-1", "active", "in-progress", "client-request")
    ]


def test_the_achievement_can_change_on_its_own(open_goal):
    [event] = changed(open_goal, achievement_status="improving")

    assert (event.lifecycle_status, event.achievement_status) == ("active", "improving")


def test_achieving_a_goal_completes_it(open_goal):
    [event] = changed(open_goal, achievement_status="achieved", reason="goal-met")

    assert (event.lifecycle_status, event.achievement_status) == ("completed", "achieved")


def test_an_achieved_goal_stays_in_the_lifecycle_status_given_with_it(open_goal):
    [event] = changed(open_goal, lifecycle_status="active", achievement_status="achieved")

    assert (event.lifecycle_status, event.achievement_status) == ("active", "achieved")


def test_completing_a_goal_keeps_its_achievement(open_goal):
    [event] = changed(open_goal, lifecycle_status="completed")

    assert (event.lifecycle_status, event.achievement_status) == ("completed", "in-progress")


def test_a_status_change_needs_a_status(open_goal):
    with pytest.raises(errors.StatusRequired) as refused:
        changed(open_goal)

    assert (refused.value.kind, refused.value.field) == ("invalid", "lifecycle_status")


@pytest.mark.parametrize("field, value", [
    ("lifecycle_status", "done"),
    ("achievement_status", "great"),
    ("reason", "because I said so"),
    ("reason", None),
])
def test_statuses_and_reasons_come_from_their_lists(open_goal, field, value):
    statuses = {"achievement_status": "improving", field: value}

    with pytest.raises(errors.InvalidChoice) as refused:
        changed(open_goal, **statuses)

    assert refused.value.field == field


def test_an_invalid_reason_is_reported_even_on_a_closed_goal(closed):
    with pytest.raises(errors.InvalidChoice):
        changed(closed("completed"), lifecycle_status="active", reason="oops")


def test_a_repeated_status_change_records_nothing(open_goal):
    assert changed(open_goal, lifecycle_status="active", achievement_status="in-progress") == []


@pytest.mark.parametrize("status", CLOSED)
def test_a_closed_goal_accepts_a_repeat_of_its_status(closed, status):
    assert changed(closed(status), lifecycle_status=status) == []


@pytest.mark.parametrize("status, new_status", [
    (status, new) for status in CLOSED
    for new in ["active", "on-hold", "proposed", "completed", "entered-in-error"] if new != status
])
def test_a_closed_goal_is_never_reopened_or_changed(closed, status, new_status):
    with pytest.raises(errors.GoalClosed) as refused:
        changed(closed(status), lifecycle_status=new_status)

    assert refused.value.kind == "conflict"


@pytest.mark.parametrize("status", CLOSED)
def test_a_closed_goals_achievement_cannot_change(closed, status):
    with pytest.raises(errors.GoalClosed):
        changed(closed(status), achievement_status="sustaining")


@pytest.mark.parametrize("status", OPEN)
def test_any_open_goal_can_be_marked_entered_in_error(goal_in, status):
    [event] = changed(goal_in(status), lifecycle_status="entered-in-error",
                      reason="entered-in-error")

    assert event.lifecycle_status == "entered-in-error"


@pytest.mark.parametrize("current, new", [
    ("proposed", "planned"), ("proposed", "accepted"), ("proposed", "active"),
    ("proposed", "rejected"), ("proposed", "cancelled"),
    ("planned", "accepted"), ("planned", "active"), ("planned", "rejected"),
    ("planned", "cancelled"),
    ("accepted", "active"), ("accepted", "on-hold"), ("accepted", "cancelled"),
    ("active", "on-hold"), ("active", "completed"), ("active", "cancelled"),
    ("on-hold", "active"), ("on-hold", "completed"), ("on-hold", "cancelled"),
])
def test_a_goal_moves_forward_through_its_lifecycle(goal_in, current, new):
    [event] = changed(goal_in(current), lifecycle_status=new)

    assert event.lifecycle_status == new


@pytest.mark.parametrize("current, new", [
    ("active", "proposed"), ("active", "planned"), ("active", "accepted"),
    ("active", "rejected"), ("on-hold", "proposed"), ("accepted", "completed"),
    ("proposed", "completed"), ("proposed", "on-hold"), ("planned", "completed"),
])
def test_a_goal_cannot_skip_or_go_back_in_its_lifecycle(goal_in, current, new):
    with pytest.raises(errors.InvalidStatusTransition) as refused:
        changed(goal_in(current), lifecycle_status=new)

    assert (refused.value.kind, refused.value.field) == ("conflict", "lifecycle_status")


def test_achieving_a_goal_that_cannot_complete_yet_is_refused(goal_in):
    with pytest.raises(errors.InvalidStatusTransition):
        changed(goal_in("proposed"), achievement_status="achieved")


def test_the_status_of_a_missing_goal_is_not_found():
    with pytest.raises(errors.GoalNotFound):
        changed(None, lifecycle_status="completed")
