"""PHQ-9 / GAD-7 bands and thresholds (scoring guides; NHS Talking Therapies)."""

import pytest

from services.reports.domain import measures
from services.reports.domain.measures import band


@pytest.mark.parametrize(
    "total, expected",
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately-severe"),
        (19, "moderately-severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_band_changes_at_5_10_15_and_20(total, expected):
    assert band("phq9", total) == expected


@pytest.mark.parametrize(
    "total, expected",
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_band_changes_at_5_10_and_15(total, expected):
    assert band("gad7", total) == expected


@pytest.mark.parametrize("total", [-1, 28, 4.0, None, "9", True])
def test_phq9_total_outside_0_to_27_or_not_an_integer_raises_naming_phq9(total):
    with pytest.raises(ValueError, match="PHQ-9"):
        band("phq9", total)


@pytest.mark.parametrize("total", [-1, 22, 4.0, None, "9", False])
def test_gad7_total_outside_0_to_21_or_not_an_integer_raises_naming_gad7(total):
    with pytest.raises(ValueError, match="GAD-7"):
        band("gad7", total)


def test_unknown_measure_name_is_rejected():
    with pytest.raises(ValueError, match="unknown measure"):
        band("core10", 5)


def test_nhs_talking_therapies_thresholds_are_the_published_values():
    assert measures.PHQ9_CASENESS == 10
    assert measures.GAD7_CASENESS == 8
    assert measures.PHQ9_RELIABLE_CHANGE == 6
    assert measures.GAD7_RELIABLE_CHANGE == 4
