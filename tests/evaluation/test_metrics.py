"""Metrics: values on hand-checked inputs and the errors of bad input."""

import numpy as np
import pandas as pd
import pytest

from tsrnn.evaluation.metrics import interval_coverage, mae, mape, mase, rmse, smape


def test_metrics_match_their_definitions_on_random_data():
    rng = np.random.default_rng(0)
    y, p = rng.uniform(1, 2, 50), rng.uniform(1, 2, 50)
    assert mae(y, p) == pytest.approx(np.mean(np.abs(y - p)))
    assert rmse(y, p) == pytest.approx(np.sqrt(np.mean((y - p) ** 2)))
    assert mape(y, p) == pytest.approx(np.mean(np.abs(y - p) / y))
    assert smape(y, p) == pytest.approx(np.mean(2 * np.abs(y - p) / (y + p)))


def test_mase_scales_by_the_seasonal_naive_error_of_the_training_data():
    train = np.array([1.0, 5.0, 2.0, 6.0, 3.0, 7.0])  # lag-2 changes are all 1
    assert mase([10.0, 12.0], [11.0, 14.0], y_train=train, period=2) == 1.5


def test_interval_coverage_counts_closed_bounds():
    assert interval_coverage([1.0, 2.0, 3.0], [1.0, 0.0, 3.5], [1.0, 1.0, 4.0]) == 1 / 3


def test_metrics_accept_pandas_objects_with_the_same_index():
    index = pd.date_range("2024-01-01", periods=3)
    y = pd.Series([1.0, 2.0, 3.0], index=index)
    assert mae(y, y + 1) == 1.0


def test_metrics_raise_on_shape_mismatch():
    with pytest.raises(ValueError, match=r"`y_pred` must have the shape of `y_true`"):
        mae([1.0, 2.0], [1.0, 2.0, 3.0])


def test_metrics_raise_on_misaligned_pandas_indexes():
    a = pd.Series([1.0, 2.0], index=[0, 1])
    with pytest.raises(ValueError, match="must share the index"):
        rmse(a, pd.Series([1.0, 2.0], index=[1, 2]))


def test_mape_raises_on_zero_actuals_naming_the_position():
    with pytest.raises(ValueError, match=r"y_true == 0 at position \(1,\)"):
        mape([1.0, 0.0, 2.0], [1.0, 1.0, 1.0])


def test_mase_raises_on_a_constant_training_series():
    with pytest.raises(ValueError, match="must vary at lag period=1"):
        mase([1.0], [2.0], y_train=[3.0, 3.0, 3.0])


def test_metrics_raise_on_nan_and_text():
    with pytest.raises(ValueError, match="must be finite"):
        mae([1.0, np.nan], [1.0, 1.0])
    with pytest.raises(TypeError, match="must hold numbers"):
        mae(["a"], ["b"])


def test_interval_coverage_raises_on_swapped_bounds():
    with pytest.raises(ValueError, match="`lower` must be <= `upper`"):
        interval_coverage([1.0], [2.0], [0.0])


def test_smape_counts_zero_over_zero_as_perfect():
    assert smape([0.0, 1.0], [0.0, 1.0]) == 0.0
