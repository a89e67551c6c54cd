"""Goal Attainment Scaling (GAS) summary T-score.

Source: Kiresuk T.J. & Sherman R.E. (1968), "Goal attainment scaling: a
general method for evaluating comprehensive community mental health
programs", Community Mental Health Journal 4(6):443-453.

Each goal is rated on the frozen five-point scale -2..+2 (0 = the expected
outcome). Over a client's goals i with weights w_i (default 1) and
attainments x_i:

    T = 50 + 10 * sum(w*x) / sqrt((1 - rho) * sum(w**2) + rho * sum(w)**2)

with rho = 0.3, the assumed inter-goal correlation. T = 50 when every goal
lands exactly as expected; the scale has a mean of 50 and an SD of 10.

Pure functions, standard library only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

GAS_MIN = -2
GAS_MAX = 2
DEFAULT_RHO = 0.3
T_SCORE_DECIMALS = 2


def validate_attainment(value: object) -> int:
    """Return ``value`` if it is a GAS rating, an integer in -2..+2.

    Ratings are the five frozen levels of Kiresuk & Sherman (1968); the
    ``session-logged`` event carries them as integers -2..2 (docs/architecture.md).
    ``bool`` is rejected although it is an ``int`` subclass. Raises ValueError.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"GAS attainment must be an integer -2..2, got {value!r}")
    if not GAS_MIN <= value <= GAS_MAX:
        raise ValueError(f"GAS attainment must be in -2..2, got {value}")
    return value


def _validate_weights(weights: Sequence[float], count: int) -> list[float]:
    """Weights must be one finite, positive number per goal.

    Kiresuk & Sherman weight goals by relative importance; a zero or negative
    weight has no meaning there and could make the denominator zero.
    """
    weights = list(weights)
    if len(weights) != count:
        raise ValueError(f"expected {count} GAS weights, got {len(weights)}")
    for w in weights:
        if isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w) or w <= 0:
            raise ValueError(f"GAS weight must be a finite number > 0, got {w!r}")
    return [float(w) for w in weights]


def _validate_rho(rho: float) -> float:
    """rho is a correlation between goals; only 0 <= rho <= 1 keeps T defined."""
    if isinstance(rho, bool) or not isinstance(rho, (int, float)) or not 0 <= rho <= 1:
        raise ValueError(f"GAS rho must be a number in 0..1, got {rho!r}")
    return float(rho)


def gas_t_score(
    attainments: Iterable[int],
    weights: Sequence[float] | None = None,
    rho: float = DEFAULT_RHO,
) -> float | None:
    """Kiresuk & Sherman (1968) summary T-score, rounded to 2 decimals.

    ``attainments`` holds one rating (-2..2) per goal, usually each goal's
    latest rating; goals never rated must be left out by the caller (a null
    rating is not 0, which would mean "as expected"). ``weights`` defaults to 1
    per goal. Returns None when there are no goals.

    Rounded here (to ``T_SCORE_DECIMALS``) so every report and projection
    shows the same figure; the clinical references check it to 2 decimals:
    (+1, +1, 0) -> 59.13, (-1, -1, -1) -> 36.31, (+2, +2, +2) -> 77.39.
    """
    xs = [validate_attainment(x) for x in attainments]
    if not xs:
        return None
    ws = [1.0] * len(xs) if weights is None else _validate_weights(weights, len(xs))
    rho = _validate_rho(rho)
    numerator = sum(w * x for w, x in zip(ws, xs))
    denominator = math.sqrt((1 - rho) * sum(w * w for w in ws) + rho * sum(ws) ** 2)
    return round(50 + 10 * numerator / denominator, T_SCORE_DECIMALS)
