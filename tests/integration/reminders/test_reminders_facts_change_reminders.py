"""Events on real Kafka → the projection's facts in the document store → planned reminders that follow the facts."""
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from reminders_kit import in_days, now, planned, statuses

from services.reminders.projection import reminders_projection
from services.reminders.store.documents import GOAL_FACTS, REMINDERS
from services.reminders.store.planning import request_planning
from services.reminders.store.preferences import PreferenceStore
from shared.messaging.replay import rebuild
from tests.support import publish, running_projection, wait_until

pytestmark = pytest.mark.integration
MILESTONE_DUE = ("milestone-due", "m1")
MILESTONE_OVERDUE = ("milestone-overdue", "m1")


def wait_for(db, expected: dict, **query):
    """Plan until the reminders matching `query` have exactly the `expected` statuses."""
    return wait_until(lambda: statuses(planned(db, **query)) == expected, timeout=30,
                      message=f"reminders {expected}")


def test_a_milestone_due_soon_is_reminded_and_reaching_it_cancels_its_reminders(settings, events):
    goal = events.goal_created("c1", "g1", {"m1": in_days(5), "m-undated": None})
    with running_projection(reminders_projection(), settings) as db:
        publish(settings, [goal])
        wait_for(db, {MILESTONE_DUE: "pending", MILESTONE_OVERDUE: "pending"}, goal_id="g1")
        [due_soon] = [r for r in planned(db, kind="milestone-due")]
        assert due_soon["created_by"] == goal.id and due_soon["clinic_id"] == events.clinic
        assert due_soon["due_at"] > now() and due_soon["original_due_at"] == due_soon["due_at"]

        publish(settings, [events.milestone_reached("c1", "g1", "m1")])
        wait_for(db, {MILESTONE_DUE: "cancelled", MILESTONE_OVERDUE: "cancelled"}, goal_id="g1")
        assert {r["cancel_reason"] for r in planned(db, goal_id="g1")} == {"milestone-reached"}


def test_a_new_next_session_supersedes_the_earlier_session_reminders(settings, events):
    first = now() - timedelta(days=1)
    with running_projection(reminders_projection(), settings) as db:
        publish(settings, [events.session_logged("c1", "s1", first, next_session_at=first + timedelta(days=7))])
        wait_for(db, {("session", "s1"): "pending"}, kind="session")
        assert len(planned(db, kind="session")) == 2  # 24 h and 1 h before

        second = first + timedelta(hours=20)
        publish(settings, [events.session_logged("c1", "s2", second, next_session_at=second + timedelta(days=3))])
        wait_for(db, {("session", "s1"): "cancelled", ("session", "s2"): "pending"}, kind="session")
        cancelled = planned(db, kind="session", session_id="s1")
        assert {r["cancel_reason"] for r in cancelled} == {"superseded-by-new-session"}


def test_cancelling_a_goal_cancels_its_reminders_and_stops_its_practice(settings, events):
    goal = events.goal_created("c1", "g1", {"m1": in_days(5)}, rrule="FREQ=DAILY")
    with running_projection(reminders_projection(), settings) as db:
        publish(settings, [goal])
        wait_until(lambda: len(planned(db, goal_id="g1", kind="practice", status="pending")) >= 13,
                   message="two weeks of practice reminders")

        publish(settings, [events.status_changed("c1", "g1", "cancelled")])
        wait_until(lambda: not planned(db, goal_id="g1", status="pending"), message="no pending reminder left")
        assert {r["cancel_reason"] for r in planned(db, goal_id="g1", status="cancelled")} == {"goal-cancelled"}


def test_a_goal_put_on_hold_pauses_its_reminders_and_going_back_to_active_resumes_them(settings, events):
    with running_projection(reminders_projection(), settings) as db:
        publish(settings, [events.goal_created("c1", "g1", {"m1": in_days(5)})])
        wait_for(db, {MILESTONE_DUE: "pending", MILESTONE_OVERDUE: "pending"}, goal_id="g1")

        publish(settings, [events.status_changed("c1", "g1", "on-hold")])
        wait_for(db, {MILESTONE_DUE: "cancelled", MILESTONE_OVERDUE: "cancelled"}, goal_id="g1")

        publish(settings, [events.status_changed("c1", "g1", "active")])
        wait_for(db, {MILESTONE_DUE: "pending", MILESTONE_OVERDUE: "pending"}, goal_id="g1")


def test_new_preferences_move_pending_reminders_to_the_clients_local_time(settings, events):
    with running_projection(reminders_projection(), settings) as db:
        publish(settings, [events.goal_created("c1", "g1", {"m1": in_days(5)})])
        wait_for(db, {MILESTONE_DUE: "pending", MILESTONE_OVERDUE: "pending"}, goal_id="g1")
        utc_ids = {r["_id"] for r in planned(db, goal_id="g1")}

        PreferenceStore(db).save_client(events.clinic, "c1", {"timezone": "America/New_York"}, "tester", now())
        request_planning(db, events.clinic, now(), "c1")

        pending = wait_until(lambda: planned(db, goal_id="g1", status="pending", _id={"$nin": list(utc_ids)}))
        new_york = ZoneInfo("America/New_York")
        assert {r["due_at"].astimezone(new_york).time() for r in pending} == {time(9, 0)}
        assert {r["cancel_reason"] for r in planned(db, _id={"$in": list(utc_ids)})} == {"replanned"}


def practice_days(db, status: str) -> list[int]:
    """The days after NOW of the goal's practice reminders in `status`, as planned now."""
    return [(r["due_at"].date() - now().date()).days for r in planned(db, goal_id="g1", kind="practice", status=status)]


def test_revising_a_goals_target_date_replans_its_practice_and_keeps_what_was_sent(settings, events):
    with running_projection(reminders_projection(), settings) as db:
        publish(settings, [events.goal_created("c1", "g1", {}, rrule="FREQ=DAILY", target_date=in_days(10))])
        wait_until(lambda: practice_days(db, "pending") == list(range(1, 11)), message="practice up to the target")
        [first, *_] = planned(db, goal_id="g1", kind="practice")
        db[REMINDERS].update_one({"_id": first["_id"]}, {"$set": {"status": "sent"}})  # as the dispatcher would

        publish(settings, [events.goal_revised("c1", "g1", title="PERSONAL-NEW-TITLE", target_date=in_days(5))])
        wait_until(lambda: practice_days(db, "pending") == [2, 3, 4, 5], message="practice up to the earlier date")
        assert practice_days(db, "cancelled") == [6, 7, 8, 9, 10] and practice_days(db, "sent") == [1]
        assert {r["cancel_reason"] for r in planned(db, goal_id="g1", status="cancelled")} == {"replanned"}

        publish(settings, [events.goal_revised("c1", "g1", target_date=in_days(12))])
        wait_until(lambda: practice_days(db, "pending") == list(range(2, 13)), message="practice up to the later date")
        assert practice_days(db, "sent") == [1] and practice_days(db, "cancelled") == []
    replanned, goal_facts = {r["_id"]: r["status"] for r in planned(db)}, db[GOAL_FACTS].find_one()
    assert goal_facts["target_date"] == in_days(12).isoformat() and "PERSONAL" not in repr(goal_facts)

    rebuild(reminders_projection(), settings, db, progress=lambda done, total: None)

    assert db[GOAL_FACTS].find_one() == goal_facts
    assert {r["_id"]: r["status"] for r in planned(db)} == replanned
