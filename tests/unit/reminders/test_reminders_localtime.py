"""Local wall-clock to UTC across DST: gaps move forward, folds take the first."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from services.reminders.domain.localtime import is_nonexistent, local_to_utc, utc_to_local

UTC = timezone.utc
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def test_a_london_time_in_the_spring_forward_gap_moves_forward_to_the_end_of_the_gap():
    # 29 March 2026: clocks go 01:00 GMT -> 02:00 BST, so 01:30 never happens.
    assert is_nonexistent(datetime(2026, 3, 29, 1, 30), LONDON)
    assert local_to_utc(datetime(2026, 3, 29, 1, 30), LONDON) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert utc_to_local(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), LONDON) == datetime(2026, 3, 29, 2, 0)


def test_a_new_york_time_in_the_spring_forward_gap_moves_forward_to_three_oclock_edt():
    # 8 March 2026: 02:00 EST -> 03:00 EDT.
    assert is_nonexistent(datetime(2026, 3, 8, 2, 30), NEW_YORK)
    assert local_to_utc(datetime(2026, 3, 8, 2, 30), NEW_YORK) == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)


def test_the_first_instant_of_a_gap_also_maps_to_its_end_and_the_instant_before_is_unchanged():
    assert local_to_utc(datetime(2026, 3, 29, 1, 0), LONDON) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert local_to_utc(datetime(2026, 3, 29, 0, 59, 59), LONDON) == datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC)


def test_an_ambiguous_london_time_at_fall_back_takes_the_first_occurrence():
    # 25 October 2026: 01:30 happens in BST (00:30Z) and again in GMT (01:30Z).
    assert local_to_utc(datetime(2026, 10, 25, 1, 30), LONDON) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_an_ambiguous_new_york_time_at_fall_back_takes_the_first_occurrence_in_edt():
    assert local_to_utc(datetime(2026, 11, 1, 1, 30), NEW_YORK) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


def test_the_second_occurrence_of_an_ambiguous_time_is_available_on_request():
    second = local_to_utc(datetime(2026, 10, 25, 1, 30), LONDON, fold=1)
    assert second == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def test_ordinary_times_are_neither_nonexistent_nor_ambiguous():
    noon = datetime(2026, 7, 1, 12, 0)
    assert not is_nonexistent(noon, LONDON)
    assert local_to_utc(noon, LONDON) == local_to_utc(noon, LONDON, fold=1) == datetime(2026, 7, 1, 11, 0, tzinfo=UTC)


def test_local_to_utc_refuses_an_aware_datetime():
    with pytest.raises(ValueError):
        local_to_utc(datetime(2026, 7, 1, 12, 0, tzinfo=UTC), LONDON)


def test_utc_to_local_refuses_a_naive_datetime_instead_of_guessing_the_host_zone():
    with pytest.raises(ValueError):
        utc_to_local(datetime(2026, 7, 1, 12, 0), LONDON)


def test_a_gap_time_with_seconds_and_microseconds_still_lands_on_the_transition():
    assert local_to_utc(datetime(2026, 3, 29, 1, 59, 59, 999999), LONDON) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_a_day_that_never_happened_moves_to_the_first_instant_after_it():
    # Samoa skipped 30 December 2011 entirely (UTC-10 -> UTC+14).
    apia = ZoneInfo("Pacific/Apia")
    instant = local_to_utc(datetime(2011, 12, 30, 9, 0), apia)
    assert instant == datetime(2011, 12, 30, 10, 0, tzinfo=UTC)
    assert utc_to_local(instant, apia) == datetime(2011, 12, 31, 0, 0)
