"""Session attendance counts and rate.

Source: the ``attendance`` field of ``session-logged`` v1 (attended, no-show,
cancelled-late; docs/architecture.md) and the per-clinician / per-clinic
"attendance rate" report that the clinical references list among the reports
clinics expect.
A session cancelled late counts as missed, like a no-show (product
decision for this report); sessions cancelled in good time are not logged
as sessions, so they never enter the rate.

Pure functions, standard library only.
"""

from __future__ import annotations

ATTENDED = "attended"
NO_SHOW = "no-show"
CANCELLED_LATE = "cancelled-late"
MISSED = frozenset({NO_SHOW, CANCELLED_LATE})
ATTENDANCE_VALUES = frozenset({ATTENDED}) | MISSED


def is_missed(attendance: str) -> bool:
    """True for no-show and cancelled-late, False for attended; ValueError otherwise."""
    if attendance not in ATTENDANCE_VALUES:
        raise ValueError(f"unknown attendance {attendance!r}")
    return attendance in MISSED


def _count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return value


def attendance_rate(attended: int, missed: int) -> float | None:
    """Share of logged sessions attended: attended / (attended + missed), in 0..1.

    ``missed`` counts no-show and cancelled-late sessions. Returns None when
    there are no sessions (a rate of nothing is unknown, not 0). Not rounded;
    presentation decides the precision (e.g. a percentage).
    """
    attended, missed = _count("attended", attended), _count("missed", missed)
    total = attended + missed
    if total == 0:
        return None
    return attended / total
