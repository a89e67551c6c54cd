"""Change between a client's first and latest PHQ-9 / GAD-7 totals.

Sources:
- NHS Talking Therapies for anxiety and depression Manual (NHS England),
  outcome definitions:
  * caseness: PHQ-9 >= 10 or GAD-7 >= 8;
  * reliable improvement: a drop of >= 6 on PHQ-9 or >= 4 on GAD-7 between the
    first and the last measurement, and no reliable deterioration on the other
    measure;
  * reliable deterioration: a rise of >= 6 on PHQ-9 or >= 4 on GAD-7, and no
    reliable improvement on the other measure (so a client who reliably
    improves on one measure and reliably deteriorates on the other is neither);
  * recovery: at caseness at the first measurement and below both caseness
    thresholds at the last. Clients not at caseness at the start cannot
    recover and are left out of recovery rates;
  * reliable recovery: recovery and reliable improvement together.
- Jacobson N.S. & Truax P. (1991), "Clinical significance: a statistical
  approach to defining meaningful change in psychotherapy research", J Consult
  Clin Psychol 59(1):12-19: the reliable change index behind the manual's
  thresholds of 6 (PHQ-9) and 4 (GAD-7), which these functions apply as given.

Missing data (a decision, the manual assumes paired scores): a measure counts
only when both its first and latest totals are present (a "pair"); a measure
without a pair is ignored. With no pair at all nothing can be said: the bool
flags are False and ``recovery`` is None. Use ``has_paired_scores`` to pick the
denominator of "share of clients reliably improved".

The callers decide which clients count as having finished a course of
treatment (the manual requires at least two treatment sessions); these
functions only compare scores. They accept the same value as first and latest
(one measurement: no change).

Pure functions, standard library only.
"""

from __future__ import annotations

from .measures import (
    GAD7,
    GAD7_CASENESS,
    GAD7_RELIABLE_CHANGE,
    PHQ9,
    PHQ9_CASENESS,
    PHQ9_RELIABLE_CHANGE,
    validate_total,
)

_THRESHOLDS = {PHQ9: PHQ9_RELIABLE_CHANGE, GAD7: GAD7_RELIABLE_CHANGE}


def _pairs(
    first_phq9: int | None,
    latest_phq9: int | None,
    first_gad7: int | None,
    latest_gad7: int | None,
) -> dict[str, tuple[int, int]]:
    """Validated (first, latest) per measure, for measures with both present."""
    pairs = {}
    for measure, first, latest in ((PHQ9, first_phq9, latest_phq9), (GAD7, first_gad7, latest_gad7)):
        if first is not None:
            validate_total(measure, first)
        if latest is not None:
            validate_total(measure, latest)
        if first is not None and latest is not None:
            pairs[measure] = (first, latest)
    return pairs


def _directions(pairs: dict[str, tuple[int, int]]) -> tuple[bool, bool]:
    """(reliably improved on any measure, reliably deteriorated on any measure).

    Lower scores are better on both measures, so a drop is an improvement.
    """
    improved = any(latest - first <= -_THRESHOLDS[m] for m, (first, latest) in pairs.items())
    deteriorated = any(latest - first >= _THRESHOLDS[m] for m, (first, latest) in pairs.items())
    return improved, deteriorated


def has_paired_scores(
    first_phq9: int | None,
    latest_phq9: int | None,
    first_gad7: int | None,
    latest_gad7: int | None,
) -> bool:
    """True when at least one measure has both a first and a latest total."""
    return bool(_pairs(first_phq9, latest_phq9, first_gad7, latest_gad7))


def reliable_improvement(
    first_phq9: int | None,
    latest_phq9: int | None,
    first_gad7: int | None,
    latest_gad7: int | None,
) -> bool:
    """NHS Talking Therapies reliable improvement.

    True when PHQ-9 dropped by >= 6 or GAD-7 by >= 4 (first to latest) and
    neither measure rose by its reliable-change amount.
    """
    improved, deteriorated = _directions(_pairs(first_phq9, latest_phq9, first_gad7, latest_gad7))
    return improved and not deteriorated


def reliable_deterioration(
    first_phq9: int | None,
    latest_phq9: int | None,
    first_gad7: int | None,
    latest_gad7: int | None,
) -> bool:
    """NHS Talking Therapies reliable deterioration.

    True when PHQ-9 rose by >= 6 or GAD-7 by >= 4 (first to latest) and
    neither measure dropped by its reliable-change amount.
    """
    improved, deteriorated = _directions(_pairs(first_phq9, latest_phq9, first_gad7, latest_gad7))
    return deteriorated and not improved


def at_caseness(phq9: int | None, gad7: int | None) -> bool:
    """NHS Talking Therapies caseness: PHQ-9 >= 10 or GAD-7 >= 8.

    A missing (None) measure does not count; both missing gives False.
    """
    if phq9 is not None and validate_total(PHQ9, phq9) >= PHQ9_CASENESS:
        return True
    if gad7 is not None and validate_total(GAD7, gad7) >= GAD7_CASENESS:
        return True
    return False


def recovery(
    first_phq9: int | None,
    latest_phq9: int | None,
    first_gad7: int | None,
    latest_gad7: int | None,
) -> bool | None:
    """NHS Talking Therapies recovery, judged on the paired measures.

    None when recovery does not apply: no measure has a pair, or the client
    was not at caseness at the first measurement (such clients are left out
    of recovery rates). Otherwise True when the latest totals are below both
    caseness thresholds, False when still at caseness on either measure.
    """
    pairs = _pairs(first_phq9, latest_phq9, first_gad7, latest_gad7)
    if not pairs:
        return None
    first = {m: p[0] for m, p in pairs.items()}
    latest = {m: p[1] for m, p in pairs.items()}
    if not at_caseness(first.get(PHQ9), first.get(GAD7)):
        return None
    return not at_caseness(latest.get(PHQ9), latest.get(GAD7))


def reliable_recovery(
    first_phq9: int | None,
    latest_phq9: int | None,
    first_gad7: int | None,
    latest_gad7: int | None,
) -> bool | None:
    """NHS Talking Therapies reliable recovery: recovery and reliable improvement.

    None when recovery does not apply (see ``recovery``).
    """
    recovered = recovery(first_phq9, latest_phq9, first_gad7, latest_gad7)
    if recovered is None:
        return None
    return recovered and reliable_improvement(first_phq9, latest_phq9, first_gad7, latest_gad7)

