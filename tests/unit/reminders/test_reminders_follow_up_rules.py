"""Follow-up prompts to the clinician: no session for N days, or missed sessions in a row."""

from datetime import datetime, timezone

import pytest

from services.reminders.domain.errors import InvalidFact
from services.reminders.domain.preferences import Preferences
from services.reminders.domain.rules import follow_up_reminder, missed_in_a_row_reminder

UTC = timezone.utc


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_a_follow_up_goes_to_the_clinician_14_days_after_the_last_attended_session_at_09_00():
    reminder = follow_up_reminder("c1", utc(2026, 1, 5, 16, 0), Preferences())
    assert reminder.due_at == utc(2026, 1, 19, 9, 0)
    assert (reminder.kind, reminder.recipient, reminder.client_id) == ("follow-up", "clinician", "c1")
    assert reminder.session_id is None and reminder.goal_id is None


def test_the_follow_up_counts_days_from_the_local_date_of_the_session():
    # 23:30 EST on 5 Jan is already 6 Jan in UTC; the local date is what counts.
    reminder = follow_up_reminder("c1", utc(2026, 1, 6, 4, 30), Preferences(timezone="America/New_York"))
    assert reminder.due_at == utc(2026, 1, 19, 14, 0)


def test_the_follow_up_stays_at_09_00_local_across_a_dst_change():
    reminder = follow_up_reminder("c1", utc(2026, 3, 20, 10, 0), Preferences(timezone="Europe/London"))
    assert reminder.due_at == utc(2026, 4, 3, 8, 0)


def test_the_follow_up_period_follows_the_preference():
    reminder = follow_up_reminder("c1", utc(2026, 1, 5, 16, 0), Preferences(follow_up_days=7))
    assert reminder.due_at == utc(2026, 1, 12, 9, 0)


def test_a_newer_attended_session_gives_a_follow_up_with_a_new_id():
    first = follow_up_reminder("c1", utc(2026, 1, 5, 16, 0), Preferences())
    later = follow_up_reminder("c1", utc(2026, 1, 12, 16, 0), Preferences())
    assert first.reminder_id != later.reminder_id
    assert follow_up_reminder("c1", utc(2026, 1, 5, 16, 0), Preferences()) == first


def test_two_missed_sessions_in_a_row_prompt_the_clinician_an_hour_after_the_second():
    reminder = missed_in_a_row_reminder("c1", "s2", utc(2026, 1, 12, 15, 0), 2, Preferences())
    assert reminder.due_at == utc(2026, 1, 12, 16, 0)
    assert (reminder.kind, reminder.recipient, reminder.session_id) == ("follow-up", "clinician", "s2")


def test_one_missed_session_does_not_prompt_a_follow_up():
    assert missed_in_a_row_reminder("c1", "s1", utc(2026, 1, 12, 15), 1, Preferences()) is None
    assert missed_in_a_row_reminder("c1", "s1", utc(2026, 1, 12, 15), 0, Preferences()) is None


def test_every_further_missed_session_in_the_run_prompts_its_own_follow_up():
    third = missed_in_a_row_reminder("c1", "s3", utc(2026, 1, 19, 15), 3, Preferences())
    second = missed_in_a_row_reminder("c1", "s2", utc(2026, 1, 12, 15), 2, Preferences())
    assert third is not None and third.reminder_id != second.reminder_id


def test_a_missed_session_follow_up_in_quiet_hours_is_held_to_the_morning():
    prefs = Preferences(timezone="Europe/London")
    reminder = missed_in_a_row_reminder("c1", "s2", utc(2026, 1, 12, 21, 30), 2, prefs)
    assert reminder.due_at == utc(2026, 1, 13, 7, 0)


def test_a_negative_or_non_integer_missed_count_is_rejected():
    for bad in (-1, 2.0, True, "2"):
        with pytest.raises(InvalidFact) as caught:
            missed_in_a_row_reminder("c1", "s1", utc(2026, 1, 12, 15), bad, Preferences())
        assert caught.value.field == "consecutive_missed"


def test_naive_times_are_rejected_naming_the_field():
    with pytest.raises(InvalidFact) as caught:
        follow_up_reminder("c1", datetime(2026, 1, 5, 16), Preferences())
    assert caught.value.field == "last_attended_at"
    with pytest.raises(InvalidFact) as caught:
        missed_in_a_row_reminder("c1", "s1", datetime(2026, 1, 5, 16), 2, Preferences())
    assert caught.value.field == "occurred_at"
