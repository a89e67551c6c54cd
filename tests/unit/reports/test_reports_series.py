"""Measure series entries and their summary."""

from datetime import datetime, timedelta, timezone

import pytest

from services.reports.domain.series import add_entry, series_entry, summarise_series


def test_entry_carries_the_time_in_utc_the_score_and_its_band():
    assert series_entry("phq9", "2024-03-01T10:00:00+01:00", 12) == {
        "at": "2024-03-01T09:00:00Z",
        "score": 12,
        "band": "moderate",
    }


def test_entry_accepts_an_aware_datetime_and_a_z_suffix():
    moment = datetime(2024, 3, 1, 9, tzinfo=timezone.utc)
    assert series_entry("gad7", moment, 15)["at"] == "2024-03-01T09:00:00Z"
    assert series_entry("gad7", "2024-03-01T09:00:00Z", 15)["band"] == "severe"


def test_entry_rejects_time_without_offset_and_bad_scores():
    with pytest.raises(ValueError, match="UTC offset"):
        series_entry("phq9", "2024-03-01T09:00:00", 5)
    with pytest.raises(ValueError, match="ISO-8601"):
        series_entry("phq9", "yesterday", 5)
    with pytest.raises(ValueError, match="GAD-7"):
        series_entry("gad7", "2024-03-01T09:00:00Z", 22)


def test_summary_of_an_empty_series_has_no_first_latest_or_change():
    assert summarise_series([]) == {"count": 0, "first": None, "latest": None, "change": None}


def test_summary_of_one_entry_has_no_change():
    entry = series_entry("phq9", "2024-03-01T09:00:00Z", 12)
    assert summarise_series([entry]) == {"count": 1, "first": entry, "latest": entry, "change": 0}


def test_summary_uses_time_order_not_stored_order():
    early = series_entry("phq9", "2024-03-01T09:00:00Z", 18)
    middle = series_entry("phq9", "2024-03-08T09:00:00Z", 14)
    late = series_entry("phq9", "2024-03-15T09:00:00Z", 9)
    summary = summarise_series([middle, late, early])
    assert summary["first"] == early
    assert summary["latest"] == late
    assert summary["change"] == -9
    assert summary["count"] == 3


def test_adding_entries_out_of_order_keeps_the_series_in_time_order():
    start = datetime(2024, 3, 1, 9, tzinfo=timezone.utc)
    series = []
    for days, score in [(14, 6), (0, 12), (7, 9)]:
        series = add_entry(series, series_entry("gad7", start + timedelta(days=days), score))
    assert [e["score"] for e in series] == [12, 9, 6]


def test_adding_an_entry_at_the_same_instant_replaces_it_instead_of_duplicating():
    first = series_entry("gad7", "2024-03-01T09:00:00Z", 12)
    same_instant = series_entry("gad7", "2024-03-01T10:00:00+01:00", 11)
    series = add_entry(add_entry([], first), same_instant)
    assert series == [same_instant]


def test_adding_an_entry_does_not_mutate_the_stored_series():
    stored = [series_entry("phq9", "2024-03-01T09:00:00Z", 12)]
    add_entry(stored, series_entry("phq9", "2024-03-08T09:00:00Z", 8))
    assert len(stored) == 1
