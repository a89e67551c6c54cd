"""Replays and rebuilds: the same events give the same reminders, and nothing past becomes deliverable.

Everything is planned at the fixed instant ``NOW``. The history puts one
reminder on each side of every grace period: the first 24 h session reminder
fell due ``LATE`` before planning (within a session reminder's 30 minutes of
grace: still sent), today's 09:00 practice reminder three hours before (past
its hour of grace: expired), and older milestone reminders days before.
"""
from datetime import timedelta

import pytest
from reminders_kit import NOW, in_days, planned

from services.reminders.domain.delivery import too_late
from services.reminders.projection import reminders_projection
from services.reminders.store.documents import CLIENT_FACTS, GOAL_FACTS, REMINDERS
from shared.messaging.replay import rebuild
from tests.support import publish, running_projection, wait_until

pytestmark = pytest.mark.integration
LATE = timedelta(minutes=10)


def history(events):
    """A goal set 20 days ago (a milestone already overdue, one ahead, daily practice) and three sessions,
    the last one missed, with the next session a day (less LATE) after NOW."""
    start = NOW - timedelta(days=20)
    sessions = [events.session_logged("c1", f"s{n}", start + timedelta(days=7 * n), attended=n != 2,
                                      next_session_at=start + timedelta(days=7 * n + 7)) for n in range(2)]
    sessions.append(events.session_logged("c1", "s2", start + timedelta(days=14), attended=False,
                                          next_session_at=NOW + timedelta(hours=24) - LATE))
    return [events.goal_created("c1", "g1", {"m-past": in_days(-10), "m-ahead": in_days(10)}, rrule="FREQ=DAILY",
                                at=start), *sessions]


def facts_applied(db) -> bool:
    client = db[CLIENT_FACTS].find_one({}, {"sessions": 1})
    return bool(db[GOAL_FACTS].find_one({}) and client and len(client["sessions"]) == 3)


def projected(settings, events):
    """The history's facts, projected from Kafka; nothing planned yet."""
    with running_projection(reminders_projection(), settings) as db:
        publish(settings, history(events))
        wait_until(lambda: facts_applied(db), message="all facts applied")
    return db


def snapshot(db) -> dict:
    return {r["_id"]: (r["kind"], r["status"], r["due_at"], r.get("cancel_reason")) for r in planned(db)}


def facts(db) -> dict:
    return {doc["_id"]: doc for name in (GOAL_FACTS, CLIENT_FACTS) for doc in db[name].find()}


def test_replaying_the_events_gives_the_same_facts_and_from_them_the_same_reminders(settings, events):
    db = projected(settings, events)
    live, live_facts = snapshot(db), facts(db)
    assert {kind for kind, *_ in live.values()} == {"milestone-due", "milestone-overdue", "practice", "session",
                                                    "follow-up"}

    rebuild(reminders_projection(), settings, db, progress=lambda done, total: None)
    assert facts(db) == live_facts
    db.drop_collection(REMINDERS)

    assert snapshot(db) == live  # planned again from the rebuilt facts alone


def test_a_rebuild_keeps_delivery_records_and_never_makes_a_past_reminder_deliverable(settings, events):
    db = projected(settings, events)
    before = {r["_id"]: r["status"] for r in planned(db)}
    past = {r["_id"] for r in planned(db) if too_late(r["kind"], r["due_at"], NOW)}
    assert past and {before[rid] for rid in past} == {"expired"}
    [sent, *_] = [r["_id"] for r in planned(db, status="pending")]
    db[REMINDERS].update_one({"_id": sent}, {"$set": {"status": "sent"}})  # as the dispatcher would

    rebuild(reminders_projection(), settings, db, progress=lambda done, total: None)
    after = {rid: status for rid, (_, status, *_) in snapshot(db).items()}

    assert after == {**before, sent: "sent"}


def test_planning_old_events_for_the_first_time_records_past_reminders_as_expired_not_pending(settings, events):
    db = projected(settings, events)

    fresh = planned(db)

    assert {r["status"] for r in fresh if too_late(r["kind"], r["due_at"], NOW)} == {"expired"}
    assert {r["status"] for r in fresh if not too_late(r["kind"], r["due_at"], NOW)} == {"pending"}
    [late] = [r for r in fresh if r["due_at"] < NOW and not too_late(r["kind"], r["due_at"], NOW)]
    assert (late["kind"], late["status"], late["due_at"]) == ("session", "pending", NOW - LATE)
    assert {r["kind"] for r in fresh if r["status"] == "expired"} >= {"practice", "milestone-overdue"}
