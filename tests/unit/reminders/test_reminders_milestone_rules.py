"""Milestone due-soon and overdue reminders at the local send time."""

from datetime import date, datetime, time, timezone

import pytest

from services.reminders.domain.errors import InvalidFact
from services.reminders.domain.preferences import Preferences
from services.reminders.domain.rules import milestone_reminders

UTC = timezone.utc


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_due_soon_is_two_days_before_at_09_00_and_overdue_is_the_day_after_at_09_00_local():
    soon, overdue = milestone_reminders("g1", "c1", "m1", date(2026, 2, 10), Preferences(timezone="Europe/London"))
    assert (soon.kind, soon.due_at) == ("milestone-due", utc(2026, 2, 8, 9, 0))
    assert (overdue.kind, overdue.due_at) == ("milestone-overdue", utc(2026, 2, 11, 9, 0))
    assert {(r.goal_id, r.milestone_id, r.client_id, r.recipient) for r in (soon, overdue)} == {
        ("g1", "m1", "c1", "client")}


def test_milestone_times_are_local_so_summer_in_london_is_08_00_utc():
    soon, overdue = milestone_reminders("g1", "c1", "m1", date(2026, 7, 10), Preferences(timezone="Europe/London"))
    assert (soon.due_at, overdue.due_at) == (utc(2026, 7, 8, 8, 0), utc(2026, 7, 11, 8, 0))


def test_milestone_times_in_new_york_winter_are_14_00_utc():
    soon, overdue = milestone_reminders("g1", "c1", "m1", date(2026, 2, 10), Preferences(timezone="America/New_York"))
    assert (soon.due_at, overdue.due_at) == (utc(2026, 2, 8, 14, 0), utc(2026, 2, 11, 14, 0))


def test_the_due_soon_lead_time_follows_the_preference():
    soon, _ = milestone_reminders("g1", "c1", "m1", date(2026, 2, 10), Preferences(milestone_due_soon_days=0))
    assert soon.due_at == utc(2026, 2, 10, 9, 0)


def test_a_send_time_inside_quiet_hours_is_held_to_the_end_of_quiet_hours():
    prefs = Preferences(timezone="Europe/London", local_send_time=time(6, 0))
    soon, overdue = milestone_reminders("g1", "c1", "m1", date(2026, 2, 10), prefs)
    assert (soon.due_at, overdue.due_at) == (utc(2026, 2, 8, 7, 0), utc(2026, 2, 11, 7, 0))


def test_due_soon_and_overdue_have_different_stable_ids():
    prefs = Preferences(timezone="Europe/London")
    first = milestone_reminders("g1", "c1", "m1", date(2026, 2, 10), prefs)
    assert first[0].reminder_id != first[1].reminder_id
    assert milestone_reminders("g1", "c1", "m1", date(2026, 2, 10), prefs) == first


def test_a_datetime_instead_of_a_date_is_rejected():
    with pytest.raises(InvalidFact) as caught:
        milestone_reminders("g1", "c1", "m1", datetime(2026, 2, 10), Preferences())
    assert caught.value.field == "due_date"
