"""PHQ-9 and GAD-7 totals: ranges, severity bands, NHS Talking Therapies thresholds.

Sources:
- PHQ-9: Kroenke K., Spitzer R.L. & Williams J.B.W. (2001), "The PHQ-9:
  validity of a brief depression severity measure", J Gen Intern Med
  16(9):606-613, and the PHQ-9 scoring guide. Total 0-27; bands 0-4 minimal,
  5-9 mild, 10-14 moderate, 15-19 moderately severe, 20-27 severe.
- GAD-7: Spitzer R.L., Kroenke K., Williams J.B.W. & Loewe B. (2006), "A brief
  measure for assessing generalized anxiety disorder: the GAD-7", Arch Intern
  Med 166(10):1092-1097, and the GAD-7 scoring guide. Total 0-21; bands 0-4
  minimal, 5-9 mild, 10-14 moderate, 15-21 severe.
- NHS Talking Therapies for anxiety and depression Manual (NHS England):
  caseness is PHQ-9 >= 10 or GAD-7 >= 8; reliable change is a change of at
  least 6 on PHQ-9 or 4 on GAD-7.

Pure functions, standard library only.
"""

from __future__ import annotations

PHQ9 = "phq9"
GAD7 = "gad7"

PHQ9_MAX = 27
GAD7_MAX = 21

# NHS Talking Therapies Manual: a score at or above these is "at caseness".
PHQ9_CASENESS = 10
GAD7_CASENESS = 8

# NHS Talking Therapies Manual: smallest change counted as reliable.
PHQ9_RELIABLE_CHANGE = 6
GAD7_RELIABLE_CHANGE = 4

# (upper bound inclusive, band), ascending; from the scoring guides above.
_PHQ9_BANDS = (
    (4, "minimal"),
    (9, "mild"),
    (14, "moderate"),
    (19, "moderately-severe"),
    (27, "severe"),
)
_GAD7_BANDS = (
    (4, "minimal"),
    (9, "mild"),
    (14, "moderate"),
    (21, "severe"),
)

_LABELS = {PHQ9: "PHQ-9", GAD7: "GAD-7"}
_MAXIMA = {PHQ9: PHQ9_MAX, GAD7: GAD7_MAX}
_BANDS = {PHQ9: _PHQ9_BANDS, GAD7: _GAD7_BANDS}


def _check_measure(measure: str) -> None:
    if measure not in _MAXIMA:
        raise ValueError(f"unknown measure {measure!r}; expected 'phq9' or 'gad7'")


def validate_total(measure: str, total: object) -> int:
    """Return ``total`` if it is a valid total for ``measure`` ('phq9' or 'gad7').

    A total is an integer 0..27 (PHQ-9) or 0..21 (GAD-7), per the scoring
    guides; ``bool`` and None are rejected. The ValueError names the measure.
    """
    _check_measure(measure)
    label, maximum = _LABELS[measure], _MAXIMA[measure]
    if isinstance(total, bool) or not isinstance(total, int):
        raise ValueError(f"{label} total must be an integer 0-{maximum}, got {total!r}")
    if not 0 <= total <= maximum:
        raise ValueError(f"{label} total must be in 0-{maximum}, got {total}")
    return total


def band(measure: str, total: int) -> str:
    """Severity band of a valid ``total`` on ``measure`` ('phq9' or 'gad7')."""
    total = validate_total(measure, total)
    for upper, name in _BANDS[measure]:
        if total <= upper:
            return name
    raise AssertionError("unreachable: bands cover the whole range")


def band_ranges(measure: str) -> list[dict]:
    """[{band, low, high}] of a measure, read off ``band`` (so a chart never disagrees with it)."""
    _check_measure(measure)
    ranges: list[dict] = []
    for score in range(_MAXIMA[measure] + 1):
        name = band(measure, score)
        if ranges and ranges[-1]["band"] == name:
            ranges[-1]["high"] = score
        else:
            ranges.append({"band": name, "low": score, "high": score})
    return ranges


def measure_scales() -> dict:
    """What a chart needs to know of each measure: its label, maximum, caseness threshold and bands."""
    caseness = {PHQ9: PHQ9_CASENESS, GAD7: GAD7_CASENESS}
    return {measure: {"label": _LABELS[measure], "max": _MAXIMA[measure], "caseness": caseness[measure],
                      "bands": band_ranges(measure)} for measure in (PHQ9, GAD7)}
