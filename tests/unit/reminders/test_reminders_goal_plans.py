"""Planning a goal: milestone reminders that facts cancel, practice reminders over a rolling horizon up to its
target date."""

from datetime import date, datetime, timedelta, timezone

from services.reminders.domain.facts import GoalFacts, MilestoneFact
from services.reminders.domain.plan import PRACTICE_HORIZON, plan_goal
from services.reminders.domain.preferences import Preferences

UTC = timezone.utc
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
PREFS = Preferences()


def goal(status="active", reached=False, rrule=None, created=NOW - timedelta(days=1), due=date(2026, 3, 10),
         target=None):
    milestones = (MilestoneFact("m1", due, reached, "evt-added"), MilestoneFact("m2", None, False, "evt-1"))
    return GoalFacts("g1", "c1", status, created, milestones, rrule, "evt-1", target)


def practice(plan):
    return [p.reminder for p in plan.planned if p.reminder.kind == "practice"]


def kinds_and_reasons(plan):
    return [(p.reminder.kind, p.cancel_reason) for p in plan.planned]


def test_a_dated_milestone_gets_a_due_soon_and_an_overdue_reminder_and_an_undated_one_none():
    plan = plan_goal(goal(), PREFS, NOW)

    assert kinds_and_reasons(plan) == [("milestone-due", None), ("milestone-overdue", None)]
    due_soon, overdue = (p.reminder for p in plan.planned)
    assert due_soon.due_at == datetime(2026, 3, 8, 9, tzinfo=UTC)
    assert overdue.due_at == datetime(2026, 3, 11, 9, tzinfo=UTC)
    assert {(r.goal_id, r.milestone_id, r.client_id) for r in (due_soon, overdue)} == {("g1", "m1", "c1")}
    assert {p.source for p in plan.planned} == {"evt-added"}
    assert plan.replan_at is None


def test_a_reached_milestone_plans_its_reminders_as_cancelled():
    assert kinds_and_reasons(plan_goal(goal(reached=True), PREFS, NOW)) == [
        ("milestone-due", "milestone-reached"), ("milestone-overdue", "milestone-reached")]


def test_a_goal_on_hold_or_closed_cancels_all_its_reminders_and_plans_no_practice():
    for status in ("on-hold", "completed", "cancelled", "entered-in-error", "rejected"):
        plan = plan_goal(goal(status=status, rrule="FREQ=DAILY"), PREFS, NOW)
        assert {reason for _, reason in kinds_and_reasons(plan)} == {f"goal-{status}"}
        assert {p.reminder.kind for p in plan.planned} == {"milestone-due", "milestone-overdue"}
        assert plan.orphan_reason == f"goal-{status}" and plan.replan_at is None


def test_a_proposed_or_accepted_goal_still_reminds():
    for status in ("proposed", "planned", "accepted", "active"):
        assert all(p.deliverable for p in plan_goal(goal(status=status), PREFS, NOW).planned)


def test_practice_reminders_cover_the_next_14_days_and_ask_to_be_replanned_a_day_before_the_end():
    plan = plan_goal(goal(rrule="FREQ=DAILY", due=None), PREFS, NOW)

    practice = [p.reminder for p in plan.planned if p.reminder.kind == "practice"]
    assert practice[0].due_at == datetime(2026, 3, 2, 9, tzinfo=UTC)  # this morning (2-day lookback)
    assert practice[-1].due_at == datetime(2026, 3, 16, 9, tzinfo=UTC)
    assert plan.replan_at == NOW + PRACTICE_HORIZON - timedelta(days=1)


def test_practice_never_starts_before_the_goal_was_set():
    created = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    plan = plan_goal(goal(rrule="FREQ=DAILY", due=None, created=created), PREFS, NOW)

    assert min(p.reminder.due_at for p in plan.planned) == datetime(2026, 3, 3, 9, tzinfo=UTC)


def test_planning_later_keeps_the_ids_of_the_occurrences_both_plans_hold():
    first = plan_goal(goal(rrule="FREQ=DAILY", due=None), PREFS, NOW)
    later = plan_goal(goal(rrule="FREQ=DAILY", due=None), PREFS, NOW + timedelta(days=3))

    ids = {p.reminder.original_due_at: p.reminder.reminder_id for p in first.planned}
    shared = [p for p in later.planned if p.reminder.original_due_at in ids]
    assert len(shared) >= 10 and all(ids[p.reminder.original_due_at] == p.reminder.reminder_id for p in shared)


def test_an_invalid_practice_rule_in_an_old_event_plans_no_practice_but_the_milestones():
    plan = plan_goal(goal(rrule="FREQ=MINUTELY"), PREFS, NOW)

    assert {p.reminder.kind for p in plan.planned} == {"milestone-due", "milestone-overdue"}


def test_preferences_move_the_local_send_time_and_with_it_the_ids():
    london = plan_goal(goal(), Preferences(timezone="Europe/London"), NOW)
    new_york = plan_goal(goal(), Preferences(timezone="America/New_York"), NOW)

    assert london.planned[0].reminder.due_at == datetime(2026, 3, 8, 9, tzinfo=UTC)
    assert new_york.planned[0].reminder.due_at == datetime(2026, 3, 8, 13, tzinfo=UTC)  # EDT from 8 March
    assert london.planned[0].reminder.reminder_id != new_york.planned[0].reminder.reminder_id


def test_practice_ends_with_the_goals_target_date_and_needs_no_replanning_then():
    plan = plan_goal(goal(rrule="FREQ=DAILY", due=None, target=date(2026, 3, 6)), PREFS, NOW)

    assert [r.due_at.date() for r in practice(plan)] == [date(2026, 3, day) for day in range(2, 7)]
    assert plan.replan_at is None


def test_the_target_date_ends_in_the_clients_zone():
    plan = plan_goal(goal(rrule="FREQ=DAILY", due=None, target=date(2026, 3, 6)),
                     Preferences(timezone="Pacific/Auckland", quiet_start=None, quiet_end=None), NOW)

    last = practice(plan)[-1].due_at
    assert last == datetime(2026, 3, 5, 20, tzinfo=UTC)  # 09:00 on 6 March in Auckland (NZDT, UTC+13)


def test_a_target_date_beyond_the_horizon_leaves_the_rolling_horizon_as_it_is():
    unbounded = plan_goal(goal(rrule="FREQ=DAILY", due=None), PREFS, NOW)
    far = plan_goal(goal(rrule="FREQ=DAILY", due=None, target=date(2026, 12, 31)), PREFS, NOW)

    assert far == unbounded


def test_a_target_date_already_past_plans_no_practice_but_still_the_milestones():
    plan = plan_goal(goal(rrule="FREQ=DAILY", target=date(2026, 3, 1)), PREFS, NOW)

    assert kinds_and_reasons(plan) == [("milestone-due", None), ("milestone-overdue", None)]


def test_moving_the_target_date_keeps_the_ids_of_the_occurrences_both_dates_cover():
    later = practice(plan_goal(goal(rrule="FREQ=DAILY", due=None, target=date(2026, 3, 10)), PREFS, NOW))
    earlier = practice(plan_goal(goal(rrule="FREQ=DAILY", due=None, target=date(2026, 3, 6)), PREFS, NOW))

    assert later[:len(earlier)] == earlier and len(later) == len(earlier) + 4
