"""A client's outcome on PHQ-9 / GAD-7: change.py's flags applied to stored series.

Decision (on top of change.py, which compares a first and a latest total): a
measure counts only when it was taken at least twice, so a single measurement is
"no paired scores" rather than "no change". This follows the NHS Talking
Therapies rule that outcomes need a first and a last measurement from different
sessions (NHS Talking Therapies Manual).

Pure functions, standard library only.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from . import change
from .series import summarise_series

MIN_MEASUREMENTS = 2


def paired_totals(series: Sequence[Mapping], in_time_order: bool = False) -> tuple[int | None, int | None]:
    """(first score, latest score) of a series taken at least twice, else (None, None).

    The stored order is not trusted unless the caller says the series is in time order.
    """
    if in_time_order:
        count, first, latest = len(series), series[0] if series else None, series[-1] if series else None
    else:
        summary = summarise_series(series)
        count, first, latest = summary["count"], summary["first"], summary["latest"]
    if count < MIN_MEASUREMENTS:
        return None, None
    return first["score"], latest["score"]


def client_outcome(phq9: Sequence[Mapping], gad7: Sequence[Mapping], in_time_order: bool = False) -> dict:
    """Reliable improvement / deterioration, recovery and reliable recovery of one client."""
    scores = (*paired_totals(phq9, in_time_order), *paired_totals(gad7, in_time_order))
    return {
        "has_paired_scores": change.has_paired_scores(*scores),
        "reliable_improvement": change.reliable_improvement(*scores),
        "reliable_deterioration": change.reliable_deterioration(*scores),
        "recovery": change.recovery(*scores),
        "reliable_recovery": change.reliable_recovery(*scores),
    }


def share(part: int, whole: int) -> float | None:
    """part / whole rounded to 4 decimals; None for an empty whole (unknown, not 0)."""
    return rounded(part / whole) if whole else None


def rounded(rate: float | None) -> float | None:
    """A rate in 0..1 as reported: 4 decimals (a tenth of a percent point is visible)."""
    return None if rate is None else round(rate, 4)
