"""Which facts cancel or supersede which pending reminders."""

from datetime import date, datetime, timezone

import pytest

from services.reminders.domain.preferences import Preferences
from services.reminders.domain.rules import (cancelled_by_goal_closed, cancelled_by_milestone_reached,
                                             follow_up_reminder, milestone_reminders,
                                             missed_in_a_row_reminder, practice_reminders,
                                             session_reminders, stops_goal_reminders,
                                             superseded_by_attended_session, superseded_by_new_session)

UTC = timezone.utc
PREFS = Preferences()
M1 = milestone_reminders("g1", "c1", "m1", date(2026, 2, 10), PREFS)
M2 = milestone_reminders("g1", "c1", "m2", date(2026, 3, 10), PREFS)
OTHER_GOAL = milestone_reminders("g2", "c1", "m3", date(2026, 2, 10), PREFS)
PRACTICE = practice_reminders("g1", "c1", "FREQ=DAILY", date(2026, 1, 1), PREFS,
                              datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 3, tzinfo=UTC))
SESSION = session_reminders("s1", "c1", datetime(2026, 1, 15, 15, tzinfo=UTC), PREFS)
INACTIVITY = follow_up_reminder("c1", datetime(2026, 1, 5, 15, tzinfo=UTC), PREFS)
MISSED = missed_in_a_row_reminder("c1", "s9", datetime(2026, 1, 5, 15, tzinfo=UTC), 2, PREFS)


def test_a_reached_milestone_cancels_its_due_soon_and_overdue_reminders_only():
    assert all(cancelled_by_milestone_reached(r, "m1") for r in M1)
    assert not any(cancelled_by_milestone_reached(r, "m1") for r in M2 + OTHER_GOAL + PRACTICE + SESSION)


def test_a_closed_goal_cancels_its_milestone_and_practice_reminders_only():
    assert all(cancelled_by_goal_closed(r, "g1") for r in M1 + M2 + PRACTICE)
    assert not any(cancelled_by_goal_closed(r, "g1") for r in OTHER_GOAL + SESSION + (INACTIVITY, MISSED))


@pytest.mark.parametrize("status", ["completed", "cancelled", "entered-in-error", "rejected", "on-hold"])
def test_closed_and_paused_lifecycle_statuses_stop_goal_reminders(status):
    assert stops_goal_reminders(status)


@pytest.mark.parametrize("status", ["proposed", "planned", "accepted", "active"])
def test_open_lifecycle_statuses_keep_goal_reminders(status):
    assert not stops_goal_reminders(status)


def test_a_new_session_supersedes_the_clients_earlier_session_reminders():
    assert all(superseded_by_new_session(r, "c1", "s2") for r in SESSION)
    assert all(superseded_by_new_session(r, "c1") for r in SESSION)


def test_a_new_session_does_not_supersede_its_own_reminders_so_replay_is_harmless():
    assert not any(superseded_by_new_session(r, "c1", "s1") for r in SESSION)


def test_a_new_session_leaves_other_clients_and_other_kinds_alone():
    assert not any(superseded_by_new_session(r, "c2", "s2") for r in SESSION)
    assert not any(superseded_by_new_session(r, "c1", "s2") for r in M1 + PRACTICE + (INACTIVITY, MISSED))


def test_an_attended_session_resets_the_inactivity_follow_up_but_not_a_missed_in_a_row_one():
    assert superseded_by_attended_session(INACTIVITY, "c1")
    assert not superseded_by_attended_session(MISSED, "c1")
    assert not superseded_by_attended_session(INACTIVITY, "c2")
    assert not any(superseded_by_attended_session(r, "c1") for r in SESSION + M1)
