"""A client's outcome on PHQ-9 / GAD-7: change.py's flags applied to stored series.

Decision (on top of change.py, which compares a first and a latest total): a
measure counts only when it was taken at least twice, so a single measurement is
"no paired scores" rather than "no change". This follows the NHS Talking
Therapies rule that outcomes need a first and a last measurement from different
sessions (/work/shared/DOMAIN.md).

Pure functions, standard library only.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from . import change
from .series import summarise_series

MIN_MEASUREMENTS = 2


def paired_totals(series: Sequence[Mapping]) -> tuple[int | None, int | None]:
    """(first score, latest score) of a series taken at least twice, else (None, None)."""
    summary = summarise_series(series)
    if summary["count"] < MIN_MEASUREMENTS:
        return None, None
    return summary["first"]["score"], summary["latest"]["score"]


def client_outcome(phq9: Sequence[Mapping], gad7: Sequence[Mapping]) -> dict:
    """Reliable improvement / deterioration, recovery and reliable recovery of one client."""
    scores = (*paired_totals(phq9), *paired_totals(gad7))
    return {
        "has_paired_scores": change.has_paired_scores(*scores),
        "reliable_improvement": change.reliable_improvement(*scores),
        "reliable_deterioration": change.reliable_deterioration(*scores),
        "recovery": change.recovery(*scores),
        "reliable_recovery": change.reliable_recovery(*scores),
    }


def entries_before(series: Sequence[Mapping], end: datetime) -> list[dict]:
    """The entries measured strictly before `end` (an aware datetime)."""
    return [dict(entry) for entry in series if datetime.fromisoformat(entry["at"]) < end]


def share(part: int, whole: int) -> float | None:
    """part / whole rounded to 4 decimals; None for an empty whole (unknown, not 0)."""
    return rounded(part / whole) if whole else None


def rounded(rate: float | None) -> float | None:
    """A rate in 0..1 as reported: 4 decimals (a tenth of a percent point is visible)."""
    return None if rate is None else round(rate, 4)
