"""Attendance rate: attended / (attended + no-show + cancelled-late)."""

import pytest

from services.reports.domain.attendance import attendance_rate, is_missed


def test_rate_is_attended_over_all_logged_sessions():
    assert attendance_rate(8, 2) == 0.8


def test_all_attended_is_one_and_all_missed_is_zero():
    assert attendance_rate(5, 0) == 1.0
    assert attendance_rate(0, 3) == 0.0


def test_no_sessions_gives_no_rate():
    assert attendance_rate(0, 0) is None


@pytest.mark.parametrize("attended, missed", [(-1, 2), (2, -1), (1.5, 1), (None, 1), (True, 1)])
def test_counts_must_be_non_negative_integers(attended, missed):
    with pytest.raises(ValueError):
        attendance_rate(attended, missed)


def test_no_show_and_late_cancellation_both_count_as_missed():
    assert is_missed("no-show") is True
    assert is_missed("cancelled-late") is True
    assert is_missed("attended") is False


def test_unknown_attendance_value_is_rejected():
    with pytest.raises(ValueError, match="unknown attendance"):
        is_missed("cancelled")
