import re

import pytest

from services.goals.domain import errors
from shared.domain.errors import KINDS, DomainError

ALL_ERRORS = [
    cls for cls in vars(errors).values()
    if isinstance(cls, type) and issubclass(cls, DomainError) and cls is not DomainError
]
STALE = {errors.StaleVersion}
CONFLICTS = {
    errors.GoalClosed, errors.InvalidStatusTransition, errors.MilestoneAlreadyReached,
    errors.DuplicateMilestone, errors.GasLevelsFrozen,
}
NOT_FOUND = {errors.GoalNotFound, errors.SessionNotFound, errors.UnknownMilestone, errors.ClientNotFound}


@pytest.mark.parametrize("error", ALL_ERRORS, ids=lambda cls: cls.__name__)
def test_every_error_has_a_kebab_case_code_and_a_known_kind(error):
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", error.code)
    assert error.kind in KINDS


def test_error_codes_are_unique():
    codes = [error.code for error in ALL_ERRORS]

    assert len(codes) == len(set(codes))


def test_clashes_with_the_current_state_are_conflicts_and_the_rest_invalid_input():
    assert {error for error in ALL_ERRORS if error.kind == "conflict"} == CONFLICTS
    assert {error for error in ALL_ERRORS if error.kind == "not-found"} == NOT_FOUND
    assert {error for error in ALL_ERRORS if error.kind == "stale"} == STALE


def test_an_error_names_its_field_and_says_what_is_expected():
    error = errors.RatingOutOfRange("goals[0].rating", "an integer from -2 to 2")

    assert (error.field, error.detail) == ("goals[0].rating", "an integer from -2 to 2")
    assert str(error) == "rating-out-of-range at goals[0].rating: an integer from -2 to 2"


def test_an_error_may_use_its_usual_field():
    assert errors.GasLevelsFrozen().field == "gas_levels"
    assert errors.TargetEqualsBaseline().field == "measure.target"


def test_errors_never_repeat_the_submitted_value(log, create):
    with pytest.raises(errors.ScoreOutOfRange) as score:
        log(phq9=99)
    with pytest.raises(errors.TextTooLong) as title:
        create(title="My secret " * 30)

    assert "99" not in str(score.value)
    assert "secret" not in str(title.value)
