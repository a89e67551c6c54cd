"""Reliable change, caseness and recovery (NHS Talking Therapies)."""

import pytest

from services.reports.domain.change import (
    at_caseness,
    has_paired_scores,
    recovery,
    reliable_deterioration,
    reliable_improvement,
    reliable_recovery,
)

# Argument order everywhere: first_phq9, latest_phq9, first_gad7, latest_gad7.


def test_phq9_drop_of_exactly_6_is_reliable_improvement():
    assert reliable_improvement(16, 10, None, None) is True


def test_phq9_drop_of_5_is_not_reliable_improvement():
    assert reliable_improvement(16, 11, None, None) is False


def test_gad7_drop_of_exactly_4_is_reliable_improvement():
    assert reliable_improvement(None, None, 12, 8) is True


def test_gad7_drop_of_3_is_not_reliable_improvement():
    assert reliable_improvement(None, None, 12, 9) is False


def test_improvement_on_one_measure_counts_when_the_other_is_stable():
    assert reliable_improvement(16, 10, 12, 14) is True


def test_improvement_on_one_measure_with_reliable_deterioration_on_the_other_is_neither():
    assert reliable_improvement(16, 10, 8, 12) is False
    assert reliable_deterioration(16, 10, 8, 12) is False


def test_phq9_rise_of_exactly_6_is_reliable_deterioration():
    assert reliable_deterioration(4, 10, None, None) is True
    assert reliable_improvement(4, 10, None, None) is False


def test_phq9_rise_of_5_is_not_reliable_deterioration():
    assert reliable_deterioration(4, 9, None, None) is False


def test_gad7_rise_of_exactly_4_is_reliable_deterioration_and_3_is_not():
    assert reliable_deterioration(None, None, 3, 7) is True
    assert reliable_deterioration(None, None, 3, 6) is False


def test_deterioration_on_one_measure_counts_when_the_other_is_stable():
    assert reliable_deterioration(5, 7, 3, 7) is True


def test_no_paired_measure_means_no_change_flags():
    assert has_paired_scores(None, None, None, None) is False
    assert has_paired_scores(15, None, None, 8) is False
    assert reliable_improvement(15, None, None, 3) is False
    assert reliable_deterioration(None, 20, 2, None) is False


def test_a_single_measurement_is_a_pair_with_no_change():
    assert has_paired_scores(15, 15, None, None) is True
    assert reliable_improvement(15, 15, None, None) is False
    assert reliable_deterioration(15, 15, None, None) is False


def test_out_of_range_scores_are_rejected_naming_the_measure():
    with pytest.raises(ValueError, match="PHQ-9"):
        reliable_improvement(30, 10, None, None)
    with pytest.raises(ValueError, match="GAD-7"):
        reliable_deterioration(None, None, 5, 22)


@pytest.mark.parametrize(
    "phq9, gad7, expected",
    [
        (10, None, True),
        (9, None, False),
        (None, 8, True),
        (None, 7, False),
        (9, 7, False),
        (9, 8, True),
        (10, 0, True),
        (None, None, False),
    ],
)
def test_caseness_is_phq9_at_least_10_or_gad7_at_least_8(phq9, gad7, expected):
    assert at_caseness(phq9, gad7) is expected


def test_case_at_start_below_both_thresholds_at_latest_has_recovered():
    assert recovery(15, 9, 12, 7) is True


def test_case_at_start_still_a_case_on_one_measure_has_not_recovered():
    assert recovery(15, 9, 12, 8) is False
    assert recovery(15, 10, 12, 7) is False


def test_case_on_one_measure_only_must_end_below_both_thresholds():
    # PHQ-9 was the case; GAD-7 rose to caseness by the end.
    assert recovery(15, 5, 4, 9) is False
    assert recovery(15, 5, 4, 3) is True


def test_not_a_case_at_start_cannot_recover_so_recovery_does_not_apply():
    assert recovery(9, 3, 7, 2) is None
    assert reliable_recovery(9, 3, 7, 2) is None


def test_recovery_is_judged_on_the_measure_that_has_a_pair():
    assert recovery(15, 8, None, None) is True
    assert recovery(None, None, 10, 8) is False


def test_recovery_does_not_apply_without_any_pair():
    assert recovery(None, None, None, None) is None
    assert recovery(15, None, None, None) is None


def test_reliable_recovery_needs_recovery_and_reliable_improvement():
    assert reliable_recovery(14, 8, 9, 5) is True  # -6 and -4, both below caseness
    assert reliable_recovery(10, 9, 8, 7) is False  # recovered, change too small
    assert reliable_recovery(20, 12, None, None) is False  # improved, still a case

