"""Planning a client: the latest session's reminders, the clinician's follow-ups, in any logging order."""

from datetime import datetime, timedelta, timezone

from services.reminders.domain.facts import ClientFacts, SessionFact
from services.reminders.domain.plan import plan_client
from services.reminders.domain.preferences import Preferences

UTC = timezone.utc
PREFS = Preferences(quiet_start=None, quiet_end=None)


def at(day, hour=10):
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def session(sid, day, attended=True, next_day=None):
    return SessionFact(sid, at(day), attended, at(next_day, 15) if next_day else None, f"evt-{sid}")


def planned(plan, kind):
    return [(p.reminder.session_id, p.reminder.due_at, p.cancel_reason) for p in plan.planned
            if p.reminder.kind == kind]


def test_the_next_session_gets_reminders_24_h_and_1_h_before():
    plan = plan_client(ClientFacts("c1", (session("s1", 2, next_day=9),)), PREFS)

    assert planned(plan, "session") == [("s1", at(8, 15), None), ("s1", at(9, 14), None)]
    assert {p.source for p in plan.planned if p.reminder.kind == "session"} == {"evt-s1"}


def test_a_later_session_supersedes_the_earlier_sessions_reminders():
    plan = plan_client(ClientFacts("c1", (session("s1", 2, next_day=9), session("s2", 9, next_day=16))), PREFS)

    reasons = {(sid, reason) for sid, _, reason in planned(plan, "session")}
    assert reasons == {("s1", "superseded-by-new-session"), ("s2", None)}


def test_the_latest_session_by_occurred_at_wins_whatever_the_order_sessions_were_logged_in():
    in_order = (session("s1", 2, next_day=9), session("s2", 9, next_day=16))
    logged_late = tuple(reversed(in_order))

    assert plan_client(ClientFacts("c1", in_order), PREFS) == plan_client(ClientFacts("c1", logged_late), PREFS)


def test_a_latest_session_without_a_next_session_supersedes_the_earlier_ones_too():
    plan = plan_client(ClientFacts("c1", (session("s1", 2, next_day=9), session("s2", 5))), PREFS)

    assert {reason for _, _, reason in planned(plan, "session")} == {"superseded-by-new-session"}


def test_only_the_latest_attended_session_keeps_its_inactivity_follow_up():
    plan = plan_client(ClientFacts("c1", (session("s1", 2), session("s2", 9), session("s3", 12, False))), PREFS)

    follow_ups = [(due, reason) for sid, due, reason in planned(plan, "follow-up") if sid is None]
    assert follow_ups == [(at(16, 9), "superseded-by-attended-session"), (at(23, 9), None)]
    assert {p.reminder.recipient for p in plan.planned if p.reminder.kind == "follow-up"} == {"clinician"}


def test_a_second_missed_session_in_a_row_prompts_the_clinician_an_hour_later():
    sessions = (session("s1", 2), session("s2", 9, False), session("s3", 16, False), session("s4", 23, False))
    plan = plan_client(ClientFacts("c1", sessions), PREFS)

    missed = [(sid, due) for sid, due, _ in planned(plan, "follow-up") if sid is not None]
    assert missed == [("s3", at(16, 11)), ("s4", at(23, 11))]


def test_an_attended_session_in_between_breaks_the_row():
    sessions = (session("s1", 2, False), session("s2", 9), session("s3", 16, False))

    assert [sid for sid, _, _ in planned(plan_client(ClientFacts("c1", sessions), PREFS), "follow-up")] == [None]


def test_a_client_without_sessions_has_nothing_planned():
    assert plan_client(ClientFacts("c1"), PREFS).planned == ()


def test_session_offsets_come_from_the_preferences():
    prefs = Preferences(quiet_start=None, quiet_end=None, session_offsets=(timedelta(hours=2),))
    plan = plan_client(ClientFacts("c1", (session("s1", 2, next_day=9),)), prefs)

    assert planned(plan, "session") == [("s1", at(9, 13), None)]
