"""Replays and rebuilds: the same events give the same reminders, and nothing past becomes deliverable."""
from datetime import timedelta

import pytest
from reminders_kit import in_days, now, planned

from services.reminders.projection import reminders_projection
from services.reminders.store.documents import CLIENT_FACTS, GOAL_FACTS, REMINDERS
from shared.replay import rebuild
from tests.support import publish, running_projection, wait_until

pytestmark = pytest.mark.integration


def history(events, clinic_start):
    """A goal set 20 days ago (a milestone already overdue, one ahead, daily practice) and three sessions."""
    sessions = [events.session_logged("c1", f"s{n}", clinic_start + timedelta(days=7 * n), attended=n != 2,
                                      next_session_at=clinic_start + timedelta(days=7 * n + 7)) for n in range(3)]
    return [events.goal_created("c1", "g1", {"m-past": in_days(-10), "m-ahead": in_days(10)}, rrule="FREQ=DAILY",
                                at=clinic_start), *sessions]


def facts_applied(db) -> bool:
    client = db[CLIENT_FACTS].find_one({}, {"sessions": 1})
    return bool(db[GOAL_FACTS].find_one({}) and client and len(client["sessions"]) == 3)


def snapshot(db) -> dict:
    return {r["_id"]: (r["kind"], r["status"], r["due_at"], r.get("cancel_reason")) for r in planned(db)}


def facts(db) -> dict:
    return {doc["_id"]: doc for name in (GOAL_FACTS, CLIENT_FACTS) for doc in db[name].find()}


def test_replaying_the_events_gives_the_same_facts_and_from_them_the_same_reminders(settings, events):
    with running_projection(reminders_projection(), settings) as db:
        publish(settings, history(events, now() - timedelta(days=20)))
        wait_until(lambda: facts_applied(db), message="all facts applied")
        live, live_facts = snapshot(db), facts(db)
    assert {kind for kind, *_ in live.values()} == {"milestone-due", "milestone-overdue", "practice", "session",
                                                    "follow-up"}

    rebuild(reminders_projection(), settings, db, progress=lambda done, total: None)
    assert facts(db) == live_facts
    db.drop_collection(REMINDERS)

    assert snapshot(db) == live  # planned again from the rebuilt facts alone


def test_a_rebuild_keeps_delivery_records_and_never_makes_a_past_reminder_deliverable(settings, events):
    with running_projection(reminders_projection(), settings) as db:
        publish(settings, history(events, now() - timedelta(days=20)))
        wait_until(lambda: facts_applied(db), message="all facts applied")
    past = {r["_id"]: r["status"] for r in planned(db, due_at={"$lt": now()})}
    assert past and set(past.values()) <= {"expired", "cancelled"}
    sent = planned(db, status="pending")[0]["_id"]
    db[REMINDERS].update_one({"_id": sent}, {"$set": {"status": "sent"}})  # as the dispatcher would

    rebuild(reminders_projection(), settings, db, progress=lambda done, total: None)
    after = snapshot(db)

    assert after[sent][1] == "sent"
    assert {rid: after[rid][1] for rid in past} == past


def test_planning_old_events_for_the_first_time_records_past_reminders_as_expired_not_pending(settings, events):
    with running_projection(reminders_projection(), settings) as db:
        publish(settings, history(events, now() - timedelta(days=20)))
        wait_until(lambda: facts_applied(db), message="all facts applied")

    fresh = planned(db)

    assert not [r for r in fresh if r["status"] == "pending" and r["due_at"] < now()]
    assert {r["status"] for r in fresh if r["due_at"] < now()} == {"expired"}
    assert {r["status"] for r in fresh if r["due_at"] > now()} == {"pending"}
