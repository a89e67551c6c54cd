"""The planner on the document store: one planner at a time, a practice horizon that keeps rolling forward,
a backlog planned in batches, and a subject that cannot be planned retried without holding others up."""
from datetime import timedelta

import pytest
from reminders_kit import in_days, now, planned

from services.reminders.projection import reminders_projection
from services.reminders.service.planner import LEADERSHIP, RETRY_FAILED_PLAN, Planner
from services.reminders.store.documents import (CLIENT_PREFERENCES, GOAL_FACTS, PLANNING_REQUESTS, REMINDERS,
                                                client_key)
from services.reminders.store.planning import PLANS
from tests.support import publish, running_projection, wait_until

pytestmark = pytest.mark.integration


def test_only_the_dispatcher_leading_the_period_plans_and_it_uses_up_the_requests(settings, events):
    with running_projection(reminders_projection(), settings) as db:
        publish(settings, [events.goal_created("c1", "g1", {"m1": (now() + timedelta(days=5)).date()})])
        wait_until(lambda: db[PLANNING_REQUESTS].count_documents({}) == 1, message="the planning request")
    first, second, at = Planner(db, "replica-a"), Planner(db, "replica-b"), now()

    assert second.plan_due(at) == 1 and first.plan_due(at) == 0
    assert db[PLANNING_REQUESTS].count_documents({}) == 0


def test_the_planners_lease_is_renewed_by_its_holder_and_taken_over_only_once_it_ran_out(db):
    first, second, at = Planner(db, "replica-a"), Planner(db, "replica-b"), now()
    assert first.plan_due(at) == 0 and first.leading_until == at + LEADERSHIP

    for later in (at + timedelta(seconds=20), at + timedelta(seconds=40)):  # the holder renews each round
        assert second.plan_due(later) == 0 and second.leading_until is None
        first.plan_due(later)
    assert first.leading_until == at + timedelta(seconds=40) + LEADERSHIP

    ran_out = first.leading_until
    assert second.plan_due(ran_out - timedelta(milliseconds=1)) == 0 and second.leading_until is None
    second.plan_due(ran_out)
    assert second.leading_until == ran_out + LEADERSHIP
    first.plan_due(ran_out + timedelta(seconds=1))
    assert first.leading_until is None


def test_the_practice_horizon_rolls_forward_and_what_was_never_sent_expires(settings, events):
    with running_projection(reminders_projection(), settings) as db:
        publish(settings, [events.goal_created("c1", "g1", {}, rrule="FREQ=DAILY")])
        wait_until(lambda: db[GOAL_FACTS].find_one({"goal_id": "g1"}), message="the goal's facts")
    start = now()
    first = planned(db, start, kind="practice")
    assert start + timedelta(days=13) < first[-1]["due_at"] <= start + timedelta(days=14)

    later = start + timedelta(days=13, hours=1)
    rolled = planned(db, later, kind="practice")

    assert later + timedelta(days=13) < rolled[-1]["due_at"] <= later + timedelta(days=14)
    assert {r["status"] for r in rolled if r["due_at"] < later - timedelta(days=2)} == {"expired"}
    assert {r["status"] for r in rolled if r["due_at"] > later} == {"pending"}


def test_a_backlog_is_planned_a_batch_at_a_time_and_a_round_says_when_it_left_some(settings, events):
    batch, goals = 20, 50
    with running_projection(reminders_projection(), settings) as db:
        publish(settings, [events.goal_created(f"c{n % 7}", f"g{n}", {"m1": in_days(5)}) for n in range(goals)])
        wait_until(lambda: db[PLANNING_REQUESTS].count_documents({}) == goals, timeout=60, message="the requests")
    hurried = Planner(db, "replica-a", budget=timedelta(0), batch=batch)
    patient = Planner(db, "replica-a", batch=batch)

    assert hurried.plan_due(now()) == batch and hurried.behind  # one batch, however short the budget
    assert patient.plan_due(now()) == goals - batch and not patient.behind  # batch after batch
    assert db[PLANNING_REQUESTS].count_documents({}) == 0
    assert len(db[REMINDERS].distinct("goal_id", {"kind": "milestone-due"})) == goals


def test_a_subject_that_cannot_be_planned_is_retried_later_and_holds_no_other_up(settings, events):
    with running_projection(reminders_projection(), settings) as db:
        publish(settings, [events.goal_created(client, goal, {"m1": in_days(5)})
                           for client, goal in (("c1", "g1"), ("c2", "g2"))])
        wait_until(lambda: db[PLANNING_REQUESTS].count_documents({}) == 2, message="the requests")
    db[CLIENT_PREFERENCES].insert_one({"_id": client_key(events.clinic, "c1"), "timezone": "Not/AZone"})

    assert Planner(db, "tests").plan_due(now()) == 2
    assert {r["goal_id"] for r in db[REMINDERS].find()} == {"g2"}
    assert db[PLANS].find_one({"subject_id": "g1"})["replan_at"] == now() + RETRY_FAILED_PLAN
    assert db[PLANNING_REQUESTS].count_documents({}) == 0
