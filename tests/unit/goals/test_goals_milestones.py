from datetime import datetime, timedelta, timezone

import pytest

from services.goals.domain import errors
from shared.contract.events import MilestoneAdded, MilestoneReached
from services.goals.domain.goal import add_milestone, apply, reach_milestone

CLOSED = ["completed", "cancelled", "entered-in-error", "rejected"]


def test_a_milestone_can_be_added_to_an_open_goal(open_goal, today):
    events = add_milestone(open_goal, "m-2", " Present an item ", today, today)

    assert events == [MilestoneAdded("goal-1", "client-1", "m-2", "Present an item", today)]


def test_a_milestone_can_be_added_to_a_goal_on_hold(goal_in, today):
    events = add_milestone(goal_in("on-hold"), "m-2", "Present an item", today, today)

    assert len(events) == 1


def test_an_added_milestone_cannot_be_due_before_today(open_goal, today):
    with pytest.raises(errors.DateInThePast) as refused:
        add_milestone(open_goal, "m-2", "Present an item", today - timedelta(days=1), today)

    assert refused.value.field == "due_date"


def test_an_added_milestone_needs_a_title(open_goal, today):
    with pytest.raises(errors.BlankText) as refused:
        add_milestone(open_goal, "m-2", "", today, today)

    assert refused.value.field == "title"


def test_an_added_milestone_needs_a_valid_id(open_goal, today):
    with pytest.raises(errors.InvalidIdentifier) as refused:
        add_milestone(open_goal, "m 2", "Present an item", today, today)

    assert refused.value.field == "milestone_id"


def test_a_milestone_id_cannot_be_used_twice_in_a_goal(open_goal, today):
    with pytest.raises(errors.DuplicateMilestone) as refused:
        add_milestone(open_goal, "m-1", "Present an item", today, today)

    assert (refused.value.kind, refused.value.field) == ("conflict", "milestone_id")


@pytest.mark.parametrize("status", CLOSED)
def test_a_closed_goal_takes_no_new_milestones(closed, today, status):
    with pytest.raises(errors.GoalClosed) as refused:
        add_milestone(closed(status), "m-2", "Present an item", today, today)

    assert refused.value.kind == "conflict"


def test_a_milestone_cannot_be_added_to_a_missing_goal(today):
    with pytest.raises(errors.GoalNotFound) as refused:
        add_milestone(None, "m-2", "Present an item", today, today)

    assert (refused.value.kind, refused.value.field) == ("not-found", "goal_id")


def test_reaching_a_milestone_records_when_in_utc(open_goal):
    in_madrid = datetime(2025, 3, 11, 18, 30, tzinfo=timezone(timedelta(hours=1)))

    [reached] = reach_milestone(open_goal, "m-1", in_madrid)

    assert reached == MilestoneReached("goal-1", "client-1", "m-1", in_madrid)
    assert reached.reached_at.tzinfo == timezone.utc
    assert reached.reached_at.hour == 17


def test_reaching_a_milestone_needs_a_time_zone(open_goal):
    with pytest.raises(errors.TimezoneRequired) as refused:
        reach_milestone(open_goal, "m-1", datetime(2025, 3, 11, 18, 30))

    assert refused.value.field == "reached_at"


def test_a_milestone_is_reached_at_a_date_and_time(open_goal, today):
    with pytest.raises(errors.InvalidDates) as refused:
        reach_milestone(open_goal, "m-1", today)

    assert refused.value.field == "reached_at"


def test_a_milestone_cannot_be_reached_twice(open_goal, noon):
    goal = apply(open_goal, *reach_milestone(open_goal, "m-1", noon))

    with pytest.raises(errors.MilestoneAlreadyReached) as refused:
        reach_milestone(goal, "m-1", noon + timedelta(hours=1))

    assert (refused.value.kind, refused.value.field) == ("conflict", "milestone_id")


def test_an_unknown_milestone_cannot_be_reached(open_goal, noon):
    with pytest.raises(errors.UnknownMilestone) as refused:
        reach_milestone(open_goal, "m-9", noon)

    assert (refused.value.kind, refused.value.field) == ("not-found", "milestone_id")


def test_a_milestone_of_a_missing_goal_cannot_be_reached(noon):
    with pytest.raises(errors.GoalNotFound):
        reach_milestone(None, "m-1", noon)


@pytest.mark.parametrize("status", CLOSED)
def test_a_milestone_of_a_closed_goal_cannot_be_reached(closed, noon, status):
    with pytest.raises(errors.GoalClosed) as refused:
        reach_milestone(closed(status), "m-1", noon)

    assert (refused.value.kind, refused.value.field) == ("conflict", "lifecycle_status")


def test_reaching_the_last_milestone_does_not_complete_the_goal(open_goal, noon):
    events = reach_milestone(open_goal, "m-1", noon)

    assert [type(event) for event in events] == [MilestoneReached]
    assert apply(open_goal, *events).lifecycle_status == "active"
