"""The Reminder value object and its deterministic id."""

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from services.reminders.domain.errors import InvalidFact
from services.reminders.domain.reminder import Reminder, make_reminder, reminder_id

UTC = timezone.utc
DUE = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def test_the_same_inputs_give_the_same_id_every_time():
    assert reminder_id("session", "c1", DUE, session_id="s1") == reminder_id("session", "c1", DUE, session_id="s1")


def test_the_id_is_a_version_5_uuid():
    assert uuid.UUID(reminder_id("practice", "c1", DUE, goal_id="g1")).version == 5


def test_the_id_changes_with_kind_subject_or_due_time():
    base = reminder_id("milestone-due", "c1", DUE, goal_id="g1", milestone_id="m1")
    assert base != reminder_id("milestone-overdue", "c1", DUE, goal_id="g1", milestone_id="m1")
    assert base != reminder_id("milestone-due", "c1", DUE, goal_id="g1", milestone_id="m2")
    assert base != reminder_id("milestone-due", "c2", DUE, goal_id="g1", milestone_id="m1")
    assert base != reminder_id("milestone-due", "c1", DUE + timedelta(minutes=1), goal_id="g1", milestone_id="m1")


def test_the_id_depends_on_the_instant_not_on_the_zone_it_is_written_in():
    plus_one = DUE.astimezone(timezone(timedelta(hours=1)))
    assert reminder_id("session", "c1", plus_one) == reminder_id("session", "c1", DUE)


def test_make_reminder_takes_its_id_from_the_original_due_time_not_the_held_one():
    held = DUE + timedelta(hours=3)
    reminder = make_reminder("practice", "c1", DUE, held, goal_id="g1")
    assert reminder.due_at == held
    assert reminder.reminder_id == reminder_id("practice", "c1", DUE, goal_id="g1")


def test_a_reminder_stores_its_due_time_in_utc():
    reminder = Reminder("id", "session", "c1", DUE.astimezone(timezone(timedelta(hours=-5))))
    assert reminder.due_at.tzinfo is UTC and reminder.due_at == DUE


def test_a_reminder_refuses_a_naive_due_time_an_unknown_kind_or_recipient():
    with pytest.raises(InvalidFact) as caught:
        Reminder("id", "session", "c1", datetime(2026, 1, 15, 9))
    assert caught.value.field == "due_at"
    with pytest.raises(InvalidFact):
        Reminder("id", "birthday", "c1", DUE)
    with pytest.raises(InvalidFact):
        Reminder("id", "session", "c1", DUE, recipient="everyone")
    with pytest.raises(InvalidFact):
        Reminder("id", "session", "", DUE)


def test_a_reminder_is_immutable():
    reminder = Reminder("id", "session", "c1", DUE)
    with pytest.raises(AttributeError):
        reminder.due_at = DUE + timedelta(days=1)
