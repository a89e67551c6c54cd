from datetime import timedelta

from shared.contract.events import GoalStatusChanged, MilestoneAdded, MilestoneReached
from services.goals.domain.goal import Goal, Milestone, add_milestone, apply, change_status
from services.goals.domain.goal import fold, reach_milestone

GAS_LEVELS = {"-2": "a", "-1": "b", "0": "c", "1": "d", "2": "e"}


def test_no_events_means_no_goal():
    assert fold([]) is None


def test_a_created_goal_holds_what_it_was_set_with_at_version_one(create, today):
    events = create(
        priority="high",
        measure={"name": "SUDS", "baseline": 8, "target": 3, "unit": "points"},
        milestones=[{"title": "Ask one question", "due_date": today}],
        gas_levels=GAS_LEVELS,
        practice_rrule="FREQ=DAILY",
    )

    goal = fold(events)

    assert isinstance(goal, Goal)
    assert (goal.goal_id, goal.client_id, goal.clinician_id) == (
        "goal-1", "client-1", "clinician-1"
    )
    assert goal.title == "Speak up in team meetings"
    assert (goal.category, goal.priority) == ("anxiety", "high")
    assert goal.measure.target == 3
    assert goal.target_date == today + timedelta(days=90)
    assert (goal.lifecycle_status, goal.achievement_status) == ("active", "in-progress")
    assert goal.milestones == (Milestone("m-1", "Ask one question", today, reached_at=None),)
    assert goal.gas_levels == GAS_LEVELS
    assert goal.practice_rrule == "FREQ=DAILY"
    assert goal.version == 1
    assert goal.created_at is None


def test_the_creation_time_comes_from_the_stored_envelope(create, noon):
    assert fold(create(), created_at=noon).created_at == noon


def test_the_version_counts_every_event(open_goal, today, noon):
    events = [
        MilestoneAdded("goal-1", "client-1", "m-2", "Present an item", today),
        MilestoneReached("goal-1", "client-1", "m-1", noon),
        GoalStatusChanged("goal-1", "client-1", "on-hold", "improving", "client-request"),
    ]
    goal = open_goal
    for expected_version, event in enumerate(events, start=2):
        goal = apply(goal, event)
        assert goal.version == expected_version


def test_added_milestones_follow_the_planned_ones(open_goal, today):
    later = today + timedelta(days=30)
    goal = apply(open_goal, MilestoneAdded("goal-1", "client-1", "m-2", "Present an item", later))

    assert [m.milestone_id for m in goal.milestones] == ["m-1", "m-2"]
    assert goal.milestone("m-2") == Milestone("m-2", "Present an item", later)


def test_reaching_a_milestone_marks_only_that_milestone(open_goal, today, noon):
    goal = apply(open_goal, MilestoneAdded("goal-1", "client-1", "m-2", "Present an item", today))

    goal = apply(goal, MilestoneReached("goal-1", "client-1", "m-2", noon))

    assert goal.milestone("m-1").reached_at is None
    assert goal.milestone("m-2").reached_at == noon


def test_a_status_change_sets_both_statuses(open_goal):
    completed = GoalStatusChanged("goal-1", "client-1", "completed", "achieved", "goal-met")

    goal = apply(open_goal, completed)

    assert (goal.lifecycle_status, goal.achievement_status) == ("completed", "achieved")
    assert goal.is_closed


def test_an_unknown_milestone_is_none(open_goal):
    assert open_goal.milestone("m-9") is None


def test_decided_events_fold_into_the_goals_history(create, today, noon):
    history = create(milestones=[{"title": "Ask one question", "due_date": today}])
    decisions = [
        lambda goal: add_milestone(goal, "m-2", "Present an item", today, today),
        lambda goal: reach_milestone(goal, "m-1", noon),
        lambda goal: reach_milestone(goal, "m-2", noon + timedelta(days=3)),
        lambda goal: change_status(goal, achievement_status="achieved", reason="goal-met"),
    ]
    for decide in decisions:
        history += decide(fold(history))

    goal = fold(history)

    assert goal.version == 5
    assert [m.reached_at for m in goal.milestones] == [noon, noon + timedelta(days=3)]
    assert (goal.lifecycle_status, goal.achievement_status) == ("completed", "achieved")


def test_the_state_does_not_share_gas_levels_with_the_event(create):
    [created] = create(gas_levels=GAS_LEVELS)

    fold([created]).gas_levels["0"] = "changed"

    assert created.gas_levels["0"] == "c"
