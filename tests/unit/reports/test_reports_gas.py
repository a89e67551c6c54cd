"""GAS T-score (Kiresuk & Sherman 1968; worked checks of the clinical references)."""

import pytest

from services.reports.domain.gas import gas_t_score, validate_attainment


def test_two_goals_somewhat_better_and_one_as_expected_give_59_13():
    assert gas_t_score([1, 1, 0]) == 59.13


def test_three_goals_somewhat_worse_give_36_31():
    assert gas_t_score([-1, -1, -1]) == 36.31


def test_three_goals_much_better_give_77_39():
    assert gas_t_score([2, 2, 2]) == 77.39


def test_every_goal_as_expected_gives_exactly_50():
    assert gas_t_score([0, 0, 0]) == 50.0
    assert gas_t_score([0]) == 50.0


def test_no_goals_give_no_score():
    assert gas_t_score([]) is None


def test_unit_weights_give_the_same_score_as_no_weights():
    assert gas_t_score([1, 1, 0], weights=[1, 1, 1]) == 59.13


def test_scaling_all_weights_by_the_same_factor_leaves_the_score_unchanged():
    assert gas_t_score([1, 1, 0], weights=[3, 3, 3]) == 59.13


def test_weights_shift_the_score_towards_the_heavier_goal():
    # 50 + 10 * (2*1 + 1*0) / sqrt(0.7 * 5 + 0.3 * 9) = 50 + 20 / sqrt(6.2)
    assert gas_t_score([1, 0], weights=[2, 1]) == 58.03
    assert gas_t_score([1, 0], weights=[1, 2]) == 54.02


def test_single_goal_with_rho_zero_is_ten_points_per_level():
    assert gas_t_score([1], rho=0) == 60.0
    assert gas_t_score([-2], rho=0) == 30.0


def test_generator_of_attainments_is_accepted():
    assert gas_t_score(x for x in (1, 1, 0)) == 59.13


@pytest.mark.parametrize("bad", [3, -3, 1.5, None, "1", True])
def test_attainment_outside_minus_two_to_two_or_not_an_integer_is_rejected(bad):
    with pytest.raises(ValueError, match="GAS attainment"):
        gas_t_score([0, bad])


def test_every_level_from_minus_two_to_two_is_a_valid_attainment():
    assert [validate_attainment(x) for x in range(-2, 3)] == [-2, -1, 0, 1, 2]


@pytest.mark.parametrize("weights", [[1, 1], [1, 1, 1, 1], [1, 0, 1], [1, -1, 1], [1, float("nan"), 1]])
def test_weights_must_be_one_positive_number_per_goal(weights):
    with pytest.raises(ValueError, match="GAS weight"):
        gas_t_score([1, 1, 0], weights=weights)


@pytest.mark.parametrize("rho", [-0.1, 1.1])
def test_rho_outside_zero_to_one_is_rejected(rho):
    with pytest.raises(ValueError, match="rho"):
        gas_t_score([1], rho=rho)
