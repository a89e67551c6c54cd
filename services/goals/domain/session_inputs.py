"""Checks of what a session is logged with: goal ratings and outcome scores.

Ratings and scores are only taken in an attended session: a no-show or late
cancellation may list the goals it was meant to address, each with a null
rating, and carries no PHQ-9/GAD-7 scores.
"""

from collections.abc import Iterable

from .errors import (
    DuplicateGoalInSession,
    Item9ExceedsPhq9,
    Item9WithoutPhq9,
    NotAttended,
    RatingOutOfRange,
    ScoreOutOfRange,
)
from .rules import integer_between, valid_id
from shared.contract.events import GoalRating, SessionMeasures

_HIGHEST_SCORE = {"phq9": 27, "phq9_item9": 3, "gad7": 21}


def valid_ratings(
    goals: Iterable[tuple[str, int | None]], attended: bool
) -> tuple[GoalRating, ...]:
    """One rating (GAS, -2..2, or None) per goal the session addressed."""
    ratings = tuple(_rating(i, pair, attended) for i, pair in enumerate(goals))
    seen = set()
    for index, rating in enumerate(ratings):
        if rating.goal_id in seen:
            raise DuplicateGoalInSession(f"goals[{index}].goal_id", "each goal once")
        seen.add(rating.goal_id)
    return ratings


def _rating(index: int, pair: tuple[str, int | None], attended: bool) -> GoalRating:
    goal_id, rating = pair
    at = f"goals[{index}]"
    if rating is not None:
        integer_between(rating, -2, 2, f"{at}.rating", RatingOutOfRange)
        _check_attended(attended, f"{at}.rating")
    return GoalRating(valid_id(goal_id, f"{at}.goal_id"), rating)


def valid_measures(
    phq9: int | None, phq9_item9: int | None, gad7: int | None, attended: bool
) -> SessionMeasures:
    """PHQ-9 total, its item 9 (self-harm thoughts) and GAD-7 total, each optional."""
    scores = {"phq9": phq9, "phq9_item9": phq9_item9, "gad7": gad7}
    for name, score in scores.items():
        if score is not None:
            field = f"measures.{name}"
            integer_between(score, 0, _HIGHEST_SCORE[name], field, ScoreOutOfRange)
            _check_attended(attended, field)
    if phq9_item9 is not None and phq9 is None:
        raise Item9WithoutPhq9(detail="item 9 only with the PHQ-9 total")
    if phq9_item9 is not None and phq9_item9 > phq9:
        raise Item9ExceedsPhq9(detail="item 9 no greater than the PHQ-9 total")
    return SessionMeasures(phq9, phq9_item9, gad7)


def _check_attended(attended: bool, field: str) -> None:
    if not attended:
        raise NotAttended(field, "ratings and scores only for an attended session")
