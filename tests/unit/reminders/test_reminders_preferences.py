"""Preferences validate once and name the field that is wrong."""

from datetime import time, timedelta, timezone

import pytest

from services.reminders.domain.errors import InvalidPreferences
from shared.domain.errors import DomainError
from services.reminders.domain.preferences import Preferences


def field_of(**kwargs):
    with pytest.raises(InvalidPreferences) as caught:
        Preferences(**kwargs)
    return caught.value.field


def test_the_defaults_are_valid_and_match_the_product_expectations():
    prefs = Preferences()
    assert prefs.timezone == "UTC"
    assert (prefs.quiet_start, prefs.quiet_end) == (time(22), time(7))
    assert prefs.session_offsets == (timedelta(hours=24), timedelta(hours=1))
    assert (prefs.milestone_due_soon_days, prefs.follow_up_days) == (2, 14)
    assert prefs.local_send_time == time(9)


def test_an_unknown_time_zone_is_rejected_naming_the_timezone_field():
    assert field_of(timezone="Mars/Olympus_Mons") == "timezone"
    assert field_of(timezone="") == "timezone"
    assert field_of(timezone="../../etc/passwd") == "timezone"
    assert field_of(timezone=None) == "timezone"


def test_the_invalid_preferences_error_is_a_refusal_with_a_kind_a_code_a_field_and_no_submitted_value():
    with pytest.raises(DomainError) as caught:
        Preferences(timezone="Nowhere/Special")
    error = caught.value
    assert isinstance(error, InvalidPreferences)
    assert (error.kind, error.code, error.field) == ("invalid", "invalid-preference", "timezone")
    assert "Nowhere" not in str(error) and "Nowhere" not in error.answer


def test_a_real_iana_zone_is_accepted_and_exposed_as_zoneinfo():
    assert str(Preferences(timezone="America/New_York").zone) == "America/New_York"


def test_quiet_hours_need_both_ends_or_neither():
    assert field_of(quiet_start=None) == "quiet_start"
    assert field_of(quiet_end=None) == "quiet_end"
    assert not Preferences(quiet_start=None, quiet_end=None).has_quiet_hours


def test_quiet_hours_with_equal_ends_are_rejected():
    assert field_of(quiet_start=time(22), quiet_end=time(22)) == "quiet_end"


def test_quiet_hours_must_be_naive_wall_clock_times():
    assert field_of(quiet_start="22:00") == "quiet_start"
    assert field_of(quiet_end=time(7, tzinfo=timezone.utc)) == "quiet_end"


def test_session_offsets_must_be_positive_unique_timedeltas():
    assert field_of(session_offsets=(timedelta(0),)) == "session_offsets"
    assert field_of(session_offsets=(timedelta(hours=-1),)) == "session_offsets"
    assert field_of(session_offsets=(timedelta(hours=1), timedelta(hours=1))) == "session_offsets"
    assert field_of(session_offsets=(3600,)) == "session_offsets"
    assert field_of(session_offsets="24h") == "session_offsets"


def test_session_offsets_may_be_empty_and_a_list_becomes_a_tuple():
    assert Preferences(session_offsets=[]).session_offsets == ()
    assert Preferences(session_offsets=[timedelta(hours=2)]).session_offsets == (timedelta(hours=2),)


def test_day_counts_are_integers_in_range():
    assert field_of(milestone_due_soon_days=-1) == "milestone_due_soon_days"
    assert field_of(milestone_due_soon_days=True) == "milestone_due_soon_days"
    assert field_of(follow_up_days=0) == "follow_up_days"
    assert field_of(follow_up_days=1.5) == "follow_up_days"
    assert field_of(follow_up_days=366) == "follow_up_days"
    assert Preferences(milestone_due_soon_days=0).milestone_due_soon_days == 0


def test_the_local_send_time_must_be_a_naive_time():
    assert field_of(local_send_time="09:00") == "local_send_time"
