"""Probabilistic metrics: hand-computed values, known properties, bad input."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tsrnn.evaluation.metrics import (
    crps_from_quantiles,
    crps_from_samples,
    interval_coverage,
    mean_interval_width,
    msis,
    pinball_loss,
    weighted_quantile_loss,
)

# CRPS of N(0, 1) at y: y (2 Phi(y) - 1) + 2 phi(y) - 1 / sqrt(pi).
CRPS_STANDARD_NORMAL_AT_0 = 2 * stats.norm.pdf(0) - 1 / np.sqrt(np.pi)


def test_pinball_loss_matches_its_definition_by_hand():
    # y=10: q=0.1 at 8 (e=2, 0.1*2=0.2); q=0.9 at 12 (e=-2, 0.1*2=0.2);
    # y=0: q=0.1 at 1 (e=-1, 0.9*1=0.9); q=0.9 at 1 (e=-1, 0.1*1=0.1).
    value = pinball_loss([10.0, 0.0], [[8.0, 12.0], [1.0, 1.0]], [0.1, 0.9])
    assert value == pytest.approx((0.2 + 0.2 + 0.9 + 0.1) / 4)


def test_pinball_loss_at_the_median_is_half_the_absolute_error():
    rng = np.random.default_rng(0)
    y, p = rng.normal(size=30), rng.normal(size=30)
    assert pinball_loss(y, p[:, None], 0.5) == pytest.approx(0.5 * np.mean(abs(y - p)))


def test_weighted_quantile_loss_by_hand():
    # q=0.5: pinball 0.5 * (1 + 3) = 2 -> 2 * 2 / 40 = 0.1
    # q=0.9: y=10 at 12: 0.1*2=0.2; y=30 at 33: 0.1*3=0.3 -> 2 * 0.5 / 40
    value = weighted_quantile_loss(
        [10.0, 30.0], [[9.0, 12.0], [33.0, 33.0]], [0.5, 0.9]
    )
    assert value == pytest.approx((0.1 + 0.025) / 2)


def test_crps_from_samples_of_a_standard_normal_at_zero():
    samples = np.random.default_rng(1).standard_normal((1, 200_000))
    assert CRPS_STANDARD_NORMAL_AT_0 == pytest.approx(0.2337, abs=1e-4)
    assert crps_from_samples([0.0], samples) == pytest.approx(
        CRPS_STANDARD_NORMAL_AT_0, abs=0.005
    )


def test_crps_from_samples_equals_the_pairwise_definition():
    rng = np.random.default_rng(2)
    y, samples = rng.normal(size=4), rng.normal(size=(4, 7))
    direct = np.mean(
        np.abs(samples - y[:, None]).mean(axis=1)
        - 0.5 * np.abs(samples[:, :, None] - samples[:, None, :]).mean(axis=(1, 2))
    )
    assert crps_from_samples(y, samples) == pytest.approx(direct)


def test_crps_of_a_point_forecast_is_the_absolute_error():
    y, p = np.array([1.0, 5.0]), np.array([2.0, 2.0])
    assert crps_from_samples(y, np.repeat(p[:, None], 5, axis=1)) == pytest.approx(2.0)


def test_crps_from_a_dense_quantile_grid_matches_crps_from_samples():
    rng = np.random.default_rng(3)
    y = rng.normal(size=50)
    levels = np.arange(1, 100) / 100
    quantiles = np.tile(stats.norm.ppf(levels), (50, 1))
    samples = rng.standard_normal((50, 20_000))
    assert crps_from_quantiles(y, quantiles, levels) == pytest.approx(
        crps_from_samples(y, samples), rel=0.02
    )


def test_msis_by_hand_with_a_seasonal_scale():
    train = np.array([1.0, 5.0, 2.0, 6.0, 3.0, 7.0])  # lag-2 naive error is 1
    # y inside (width 2), y 1 below (2 + 40 * 1), y inside (width 4)
    score = msis(
        [5.0, 0.0, 3.0],
        [4.0, 1.0, 1.0],
        [6.0, 3.0, 5.0],
        y_train=train,
        level=95,
        period=2,
    )
    assert score == pytest.approx((2 + 42 + 4) / 3)


def test_msis_of_a_covering_interval_is_its_scaled_width():
    assert msis([1.0], [0.0], [3.0], y_train=[0.0, 2.0], level=80) == 1.5


def test_coverage_and_width_of_normal_quantiles_are_nominal():
    y = np.random.default_rng(4).standard_normal(20_000)
    lower, upper = (
        np.full_like(y, stats.norm.ppf(0.1)),
        np.full_like(y, stats.norm.ppf(0.9)),
    )
    assert interval_coverage(y, lower, upper) == pytest.approx(0.8, abs=0.01)
    assert mean_interval_width(lower, upper) == pytest.approx(2 * 1.2815515655)


def test_metrics_accept_pandas():
    y = pd.Series([1.0, 2.0])
    frame = pd.DataFrame({"q10": [0.0, 1.0], "q90": [2.0, 3.0]})
    assert pinball_loss(y, frame, [0.1, 0.9]) == pytest.approx(0.1)


@pytest.mark.parametrize(
    "quantiles", [[0.0, 0.5], [0.5, 1.0], [10, 90], [0.9, 0.1], [0.5, 0.5]]
)
def test_quantiles_outside_zero_one_or_unsorted_raise(quantiles):
    with pytest.raises(ValueError, match="`quantiles` must be strictly"):
        pinball_loss([1.0], [[1.0, 1.0]], quantiles)


@pytest.mark.parametrize("level", [100, 0, -5, 150])
def test_msis_raises_on_a_level_outside_zero_hundred(level):
    with pytest.raises(ValueError, match="`level` must be in percent"):
        msis([1.0], [0.0], [2.0], y_train=[0.0, 1.0], level=level)


def test_msis_raises_on_a_list_of_levels():
    with pytest.raises(TypeError, match="`level` must be one number"):
        msis([1.0], [0.0], [2.0], y_train=[0.0, 1.0], level=[80, 95])


def test_quantile_metrics_raise_on_shape_mismatch():
    with pytest.raises(
        ValueError, match=r"`y_quantiles` must have shape y_true.shape \+ \(2,\)"
    ):
        pinball_loss([1.0, 2.0], [[1.0, 2.0, 3.0]] * 2, [0.1, 0.9])
    with pytest.raises(ValueError, match=r"`samples` must have shape"):
        crps_from_samples([1.0, 2.0], [1.0, 2.0])


def test_interval_metrics_raise_on_crossed_bounds():
    with pytest.raises(ValueError, match="`lower` must be <= `upper`"):
        mean_interval_width([2.0], [1.0])
    with pytest.raises(ValueError, match="`lower` must be <= `upper`"):
        msis([1.0], [2.0], [1.0], y_train=[0.0, 1.0])


def test_weighted_quantile_loss_raises_on_all_zero_actuals():
    with pytest.raises(ValueError, match="must not be zero everywhere"):
        weighted_quantile_loss([0.0, 0.0], [[1.0], [1.0]], [0.5])


def test_probabilistic_metrics_do_not_modify_their_inputs():
    y, q = np.array([3.0, 1.0]), np.array([[4.0, 2.0], [0.0, 5.0]])
    before = q.copy()
    crps_from_samples(y, q)
    crps_from_quantiles(y, np.sort(q, axis=1), [0.2, 0.8])
    assert np.array_equal(q, before)
