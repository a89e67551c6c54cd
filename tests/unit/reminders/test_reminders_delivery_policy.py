"""Delivery policy: grace periods, retries with exponential backoff, snoozes held by quiet hours."""

from datetime import datetime, time, timedelta, timezone

import pytest

from services.reminders.domain.delivery import is_retryable, retry_delay, snoozed_until, too_late
from services.reminders.domain.preferences import Preferences

UTC = timezone.utc
DUE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_session_reminder_is_too_late_half_an_hour_after_its_time():
    assert not too_late("session", DUE, DUE + timedelta(minutes=30))
    assert too_late("session", DUE, DUE + timedelta(minutes=31))


def test_practice_keeps_an_hour_and_milestone_and_follow_up_prompts_half_a_day():
    assert too_late("practice", DUE, DUE + timedelta(minutes=61))
    assert not too_late("milestone-due", DUE, DUE + timedelta(hours=11))
    assert too_late("follow-up", DUE, DUE + timedelta(hours=13))


def test_retries_back_off_exponentially_up_to_the_cap():
    base, cap = timedelta(seconds=30), timedelta(minutes=3)
    assert [retry_delay(n, base, cap).total_seconds() for n in range(1, 6)] == [30, 60, 120, 180, 180]


@pytest.mark.parametrize("status, retryable", [(None, True), (500, True), (503, True), (408, True), (429, True),
                                               (400, False), (401, False), (404, False), (410, False), (302, False)])
def test_network_errors_5xx_408_and_429_are_retried_other_answers_are_final(status, retryable):
    assert is_retryable(status) is retryable


def test_a_snooze_into_quiet_hours_is_held_to_their_end():
    prefs = Preferences(timezone="Europe/London", quiet_start=time(22), quiet_end=time(7))
    late_evening = datetime(2026, 1, 10, 21, 50, tzinfo=UTC)

    assert snoozed_until(late_evening, prefs, minutes=30) == datetime(2026, 1, 11, 7, 0, tzinfo=UTC)
    assert snoozed_until(late_evening, prefs, minutes=5) == datetime(2026, 1, 10, 21, 55, tzinfo=UTC)


def test_a_snooze_until_a_time_keeps_that_time_outside_quiet_hours():
    until = datetime(2026, 1, 11, 12, 0, tzinfo=UTC)
    assert snoozed_until(datetime(2026, 1, 10, 9, tzinfo=UTC), Preferences(), until=until) == until
