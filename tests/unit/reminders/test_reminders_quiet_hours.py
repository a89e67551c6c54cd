"""Quiet hours hold a reminder until the window ends, in local wall-clock time."""

from datetime import datetime, time, timezone

import pytest

from services.reminders.domain.localtime import hold_for_quiet_hours, quiet_period
from services.reminders.domain.preferences import Preferences

UTC = timezone.utc
LONDON_NIGHT = Preferences(timezone="Europe/London", quiet_start=time(22), quiet_end=time(7))
NEW_YORK_NIGHT = Preferences(timezone="America/New_York", quiet_start=time(22), quiet_end=time(7))
LONDON_LUNCH = Preferences(timezone="Europe/London", quiet_start=time(12), quiet_end=time(13))


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_23_30_local_is_held_to_07_00_the_next_day_when_quiet_hours_cross_midnight():
    assert hold_for_quiet_hours(utc(2026, 1, 10, 23, 30), LONDON_NIGHT) == utc(2026, 1, 11, 7, 0)


def test_06_59_local_is_held_to_07_00_the_same_day():
    assert hold_for_quiet_hours(utc(2026, 1, 11, 6, 59), LONDON_NIGHT) == utc(2026, 1, 11, 7, 0)


def test_07_00_local_is_not_held_because_the_window_end_is_exclusive():
    assert hold_for_quiet_hours(utc(2026, 1, 11, 7, 0), LONDON_NIGHT) == utc(2026, 1, 11, 7, 0)


def test_22_00_local_is_held_because_the_window_start_is_inclusive_and_21_59_is_not():
    assert hold_for_quiet_hours(utc(2026, 1, 10, 22, 0), LONDON_NIGHT) == utc(2026, 1, 11, 7, 0)
    assert hold_for_quiet_hours(utc(2026, 1, 10, 21, 59), LONDON_NIGHT) == utc(2026, 1, 10, 21, 59)


def test_quiet_hours_are_judged_on_local_time_not_utc():
    # 04:30Z on 11 Jan is 23:30 EST on 10 Jan: held to 07:00 EST = 12:00Z.
    assert hold_for_quiet_hours(utc(2026, 1, 11, 4, 30), NEW_YORK_NIGHT) == utc(2026, 1, 11, 12, 0)
    # 14:00Z is 09:00 EST: not quiet in New York, whatever the hour in UTC.
    assert hold_for_quiet_hours(utc(2026, 1, 11, 14, 0), NEW_YORK_NIGHT) == utc(2026, 1, 11, 14, 0)


def test_quiet_hours_not_crossing_midnight_hold_to_the_end_the_same_day():
    assert hold_for_quiet_hours(utc(2026, 1, 12, 12, 30), LONDON_LUNCH) == utc(2026, 1, 12, 13, 0)
    assert hold_for_quiet_hours(utc(2026, 1, 12, 13, 0), LONDON_LUNCH) == utc(2026, 1, 12, 13, 0)
    assert hold_for_quiet_hours(utc(2026, 1, 12, 11, 59), LONDON_LUNCH) == utc(2026, 1, 12, 11, 59)
    assert hold_for_quiet_hours(utc(2026, 1, 12, 23, 0), LONDON_LUNCH) == utc(2026, 1, 12, 23, 0)


def test_without_quiet_hours_nothing_is_held():
    prefs = Preferences(quiet_start=None, quiet_end=None)
    assert hold_for_quiet_hours(utc(2026, 1, 12, 3, 0), prefs) == utc(2026, 1, 12, 3, 0)
    assert quiet_period(utc(2026, 1, 12, 3, 0), prefs) is None


def test_a_night_that_springs_forward_ends_at_07_00_bst():
    # 23:30 GMT on 28 March; the night loses an hour; 07:00 BST is 06:00Z.
    assert hold_for_quiet_hours(utc(2026, 3, 28, 23, 30), LONDON_NIGHT) == utc(2026, 3, 29, 6, 0)


def test_a_night_that_falls_back_ends_at_07_00_gmt():
    assert hold_for_quiet_hours(utc(2026, 10, 24, 22, 30), LONDON_NIGHT) == utc(2026, 10, 25, 7, 0)


def test_a_quiet_end_inside_the_spring_forward_gap_releases_at_the_end_of_the_gap():
    prefs = Preferences(timezone="America/New_York", quiet_start=time(22), quiet_end=time(2, 30))
    # 01:00 EST on 8 March (06:00Z); 02:30 does not exist that night -> 03:00 EDT = 07:00Z.
    assert hold_for_quiet_hours(utc(2026, 3, 8, 6, 0), prefs) == utc(2026, 3, 8, 7, 0)


def test_a_reminder_in_the_repeated_hour_is_never_held_to_an_earlier_instant():
    prefs = Preferences(timezone="Europe/London", quiet_start=time(22), quiet_end=time(1, 30))
    # First 01:15 (BST, 00:15Z) is held to the first 01:30 (00:30Z) ...
    assert hold_for_quiet_hours(utc(2026, 10, 25, 0, 15), prefs) == utc(2026, 10, 25, 0, 30)
    # ... the second 01:15 (GMT, 01:15Z) to the second 01:30 (01:30Z), not back in time.
    assert hold_for_quiet_hours(utc(2026, 10, 25, 1, 15), prefs) == utc(2026, 10, 25, 1, 30)


def test_quiet_period_reports_when_the_window_started_and_ends():
    period = quiet_period(utc(2026, 1, 11, 3, 0), LONDON_NIGHT)
    assert period == (utc(2026, 1, 10, 22, 0), utc(2026, 1, 11, 7, 0))


def test_holding_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        hold_for_quiet_hours(datetime(2026, 1, 10, 23, 30), LONDON_NIGHT)
