"""Session reminders: one per offset, quiet-held, never at or after the session."""

from datetime import datetime, time, timedelta, timezone

import pytest

from services.reminders.domain.errors import InvalidFact
from services.reminders.domain.preferences import Preferences
from services.reminders.domain.rules import session_reminders

UTC = timezone.utc
LONDON = Preferences(timezone="Europe/London")


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def due_times(reminders):
    return [r.due_at for r in reminders]


def test_default_offsets_give_reminders_24_hours_and_1_hour_before_the_session():
    reminders = session_reminders("s1", "c1", utc(2026, 1, 15, 15, 0), Preferences())
    assert due_times(reminders) == [utc(2026, 1, 14, 15, 0), utc(2026, 1, 15, 14, 0)]
    assert {(r.kind, r.client_id, r.session_id, r.recipient, r.goal_id) for r in reminders} == {
        ("session", "c1", "s1", "client", None)}


def test_custom_offsets_are_used_and_results_come_earliest_first():
    prefs = Preferences(session_offsets=(timedelta(minutes=30), timedelta(days=2)))
    reminders = session_reminders("s1", "c1", utc(2026, 1, 15, 15, 0), prefs)
    assert due_times(reminders) == [utc(2026, 1, 13, 15, 0), utc(2026, 1, 15, 14, 30)]


def test_no_offsets_means_no_session_reminders():
    assert session_reminders("s1", "c1", utc(2026, 1, 15, 15), Preferences(session_offsets=())) == ()


def test_a_reminder_falling_in_quiet_hours_is_held_when_that_is_still_before_the_session():
    # Session 07:30 London (winter = UTC): the 1 h reminder at 06:30 is held to 07:00.
    reminders = session_reminders("s1", "c1", utc(2026, 1, 15, 7, 30), LONDON)
    assert due_times(reminders) == [utc(2026, 1, 14, 7, 30), utc(2026, 1, 15, 7, 0)]


def test_a_reminder_that_quiet_hours_would_push_past_an_early_session_goes_out_just_before_the_quiet_period():
    # Session 06:30: 1 h before is 05:30 (quiet); 07:00 would be after the
    # session, so it is sent at 21:59 the evening before instead.
    reminders = session_reminders("s1", "c1", utc(2026, 1, 15, 6, 30), LONDON)
    assert due_times(reminders) == [utc(2026, 1, 14, 7, 0), utc(2026, 1, 14, 21, 59)]


def test_a_reminder_that_would_be_held_to_exactly_the_session_start_is_also_sent_before_quiet_hours():
    reminders = session_reminders("s1", "c1", utc(2026, 1, 15, 7, 0), LONDON)
    assert utc(2026, 1, 14, 21, 59) in due_times(reminders)


def test_a_late_evening_session_reminder_in_quiet_hours_goes_out_just_before_they_start():
    # Session 23:00; 1 h before is 22:00, the start of quiet hours. (The 24 h
    # reminder, 23:00 the day before, is simply held to 07:00.)
    reminders = session_reminders("s1", "c1", utc(2026, 1, 15, 23, 0), LONDON)
    assert due_times(reminders) == [utc(2026, 1, 15, 7, 0), utc(2026, 1, 15, 21, 59)]


def test_the_id_stays_tied_to_the_original_time_when_quiet_hours_move_the_reminder():
    held = session_reminders("s1", "c1", utc(2026, 1, 15, 7, 30), LONDON)
    no_quiet = session_reminders("s1", "c1", utc(2026, 1, 15, 7, 30),
                                 Preferences(timezone="Europe/London", quiet_start=None, quiet_end=None))
    assert [r.reminder_id for r in held] == [r.reminder_id for r in no_quiet]
    assert due_times(held) != due_times(no_quiet)


def test_offsets_are_elapsed_time_so_24_hours_before_a_session_across_spring_forward_reads_an_hour_earlier():
    # Session 10:00 BST on 29 March (09:00Z); 24 h earlier is 09:00Z = 09:00 GMT on 28 March.
    reminders = session_reminders("s1", "c1", utc(2026, 3, 29, 9, 0), LONDON)
    assert reminders[0].due_at == utc(2026, 3, 28, 9, 0)


def test_replaying_the_same_session_gives_identical_reminders():
    first = session_reminders("s1", "c1", utc(2026, 1, 15, 15), LONDON)
    assert session_reminders("s1", "c1", utc(2026, 1, 15, 15), LONDON) == first


def test_a_rescheduled_session_gives_reminders_with_new_ids():
    first = session_reminders("s1", "c1", utc(2026, 1, 15, 15), LONDON)
    moved = session_reminders("s1", "c1", utc(2026, 1, 16, 15), LONDON)
    assert not {r.reminder_id for r in first} & {r.reminder_id for r in moved}


def test_a_naive_session_time_is_rejected():
    with pytest.raises(InvalidFact) as caught:
        session_reminders("s1", "c1", datetime(2026, 1, 15, 15), LONDON)
    assert caught.value.field == "next_session_at"


def test_a_session_in_another_zone_is_compared_as_an_instant():
    new_york = timezone(timedelta(hours=-5))
    reminders = session_reminders("s1", "c1", datetime(2026, 1, 15, 10, 0, tzinfo=new_york), Preferences())
    assert due_times(reminders) == [utc(2026, 1, 14, 15, 0), utc(2026, 1, 15, 14, 0)]
    assert all(r.due_at.tzinfo is UTC for r in reminders)


def test_quiet_hours_follow_the_clients_zone_for_session_reminders():
    prefs = Preferences(timezone="America/New_York", quiet_start=time(22), quiet_end=time(7))
    # Session 08:00 EST (13:00Z): 1 h before is 07:00 EST, not quiet.
    reminders = session_reminders("s1", "c1", utc(2026, 1, 15, 13, 0), prefs)
    assert due_times(reminders)[-1] == utc(2026, 1, 15, 12, 0)
