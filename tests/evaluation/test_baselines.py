"""Naive baselines: exact forecasts on np.arange windows, period inference, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsrnn import make_windows
from tsrnn.evaluation.baselines import (
    infer_period,
    naive_forecast,
    seasonal_naive_forecast,
    window_mean_forecast,
)


@pytest.fixture
def arange_windows():
    """Two-column data (t, 100 + t) cut into two windows of 6 steps, horizon 4."""
    t = np.arange(15.0)
    data = np.stack([t, 100 + t], axis=-1)
    return make_windows(data, input_width=6, horizon=4, stride=5)


@pytest.fixture
def airline(airline_csv) -> pd.Series:
    frame = pd.read_csv(airline_csv)
    index = pd.to_datetime(frame["Date"], format="%Y-%m")
    return pd.Series(frame["Passengers"].to_numpy(float), index=index, name="y")


def test_naive_forecast_repeats_last_input_value(arange_windows):
    X, y = arange_windows
    forecast = naive_forecast(X, 4)
    assert forecast.shape == y.shape
    np.testing.assert_array_equal(forecast[:, :, 0], [[5.0] * 4, [10.0] * 4])
    np.testing.assert_array_equal(forecast[:, :, 1], [[105.0] * 4, [110.0] * 4])


def test_forecasts_match_target_shape_for_every_targets_form(arange_windows):
    X, _ = arange_windows
    data = np.stack([np.arange(15.0), 100 + np.arange(15.0)], axis=-1)
    for targets in (None, 1, [1], slice(0, 1), [-1, 0]):
        _, y = make_windows(data, 6, 4, stride=5, targets=targets)
        for forecast in (
            naive_forecast(X, 4, targets=targets),
            seasonal_naive_forecast(X, 4, period=2, targets=targets),
            window_mean_forecast(X, 4, targets=targets),
        ):
            assert forecast.shape == y.shape
    np.testing.assert_array_equal(
        naive_forecast(X, 1, targets=[1, 0])[:, 0], [[105.0, 5.0], [110.0, 10.0]]
    )


def test_seasonal_naive_repeats_last_full_season(arange_windows):
    X, _ = arange_windows
    forecast = seasonal_naive_forecast(X, 4, period=3, targets=0)
    # Window 0 holds 0..5: the last season is 3, 4, 5, then it repeats.
    np.testing.assert_array_equal(forecast[..., 0], [[3, 4, 5, 3], [8, 9, 10, 8]])


def test_seasonal_naive_with_period_one_is_naive(arange_windows):
    X, _ = arange_windows
    np.testing.assert_array_equal(
        seasonal_naive_forecast(X, 4, period=1), naive_forecast(X, 4)
    )


def test_seasonal_naive_with_period_equal_to_input_width_replays_window(
    arange_windows,
):
    X, _ = arange_windows
    forecast = seasonal_naive_forecast(X, 6, period=6)
    np.testing.assert_array_equal(forecast, X)


def test_window_mean_forecast_is_mean_of_inputs(arange_windows):
    X, _ = arange_windows
    forecast = window_mean_forecast(X, 2)
    np.testing.assert_array_equal(forecast[:, :, 0], [[2.5, 2.5], [7.5, 7.5]])
    np.testing.assert_array_equal(forecast[:, :, 1], [[102.5, 102.5], [107.5, 107.5]])


def test_two_dimensional_windows_are_read_as_one_feature():
    X = np.arange(12).reshape(2, 6)
    np.testing.assert_array_equal(naive_forecast(X, 2)[..., 0], [[5, 5], [11, 11]])
    np.testing.assert_array_equal(
        seasonal_naive_forecast(X, 2, period=2)[..., 0], [[4, 5], [10, 11]]
    )


def test_forecasts_do_not_modify_or_alias_the_input(arange_windows):
    X, _ = arange_windows
    X = np.array(X)
    before = X.copy()
    for forecast in (
        naive_forecast(X, 4),
        seasonal_naive_forecast(X, 4, period=2),
        window_mean_forecast(X, 4),
    ):
        forecast += 1000
    np.testing.assert_array_equal(X, before)


def test_seasonal_naive_infers_period_from_windows():
    t = np.arange(200)
    data = np.sin(2 * np.pi * t / 8) + 0.001 * t
    X, _ = make_windows(data, input_width=32, horizon=8)
    np.testing.assert_array_equal(
        seasonal_naive_forecast(X, 8), seasonal_naive_forecast(X, 8, period=8)
    )


def test_seasonal_naive_reproduces_published_airline_mape(airline):
    # Standard protocol (PROVENANCE.md): train on all but the last 36 months,
    # forecast those 36 from the end of training by repeating its last year.
    # The last window of 36 inputs and 36 targets is exactly that split.
    X, y = make_windows(airline.to_numpy(), input_width=36, horizon=36)
    train, test = X[-1, :, 0], y[-1, :, 0]
    np.testing.assert_array_equal(test, airline.to_numpy()[-36:])
    forecast = seasonal_naive_forecast(X[-1:], 36, period=12)[0, :, 0]
    np.testing.assert_array_equal(forecast[:12], train[-12:])
    mape = np.mean(np.abs(test - forecast) / np.abs(test))
    assert mape == pytest.approx(0.1319, abs=5e-4)


def test_infer_period_of_airline_from_frequency(airline):
    assert airline.index.freq is None  # inferred by pd.infer_freq
    assert infer_period(airline) == 12
    assert infer_period(airline.asfreq("MS")) == 12
    assert infer_period(airline.to_frame()) == 12


def test_infer_period_of_airline_from_autocorrelation(airline):
    assert infer_period(airline.to_numpy()) == 12
    assert infer_period(airline.reset_index(drop=True)) == 12
    X, _ = make_windows(airline.to_numpy()[:-36], input_width=36, horizon=1)
    assert infer_period(X) == 12


@pytest.mark.parametrize(
    ("freq", "period"),
    [
        ("h", 24),
        ("2h", 12),
        ("min", 60),
        ("15min", 4),
        ("D", 7),
        ("B", 5),
        ("W", 52),
        ("MS", 12),
        ("ME", 12),
        ("QS", 4),
        ("QE", 4),
        ("YS", 1),
    ],
)
def test_infer_period_from_frequency_table(freq, period):
    index = pd.date_range("2024-01-01", periods=30, freq=freq)
    assert infer_period(pd.Series(np.zeros(30), index=index)) == period


def test_infer_period_from_period_index():
    index = pd.period_range("2000-01", periods=30, freq="M")
    assert infer_period(pd.Series(np.zeros(30), index=index)) == 12


def test_infer_period_falls_back_to_data_when_multiple_does_not_divide():
    index = pd.date_range("2024-01-01", periods=120, freq="7h")
    t = np.arange(120)
    series = pd.Series(np.sin(2 * np.pi * t / 10), index=index)
    assert infer_period(series) == 10


def test_infer_period_returns_one_without_seasonality():
    rng = np.random.default_rng(0)
    assert infer_period(rng.standard_normal(500)) == 1
    assert infer_period(rng.standard_normal(500).cumsum()) == 1
    assert infer_period(np.full(50, 3.0)) == 1
    assert infer_period(np.arange(50.0)) == 1


def test_infer_period_respects_max_period():
    t = np.arange(240)
    series = np.sin(2 * np.pi * t / 24)
    assert infer_period(series) == 24
    assert infer_period(series, max_period=12) == 1


def test_infer_period_averages_columns(hourly_frame):
    assert infer_period(hourly_frame["load"].to_numpy()) == 24
    t = np.arange(240)[:, None]
    shifted = np.sin(2 * np.pi * (t + np.array([0, 3, 7])) / 24)
    assert infer_period(shifted) == 24
    assert infer_period(np.column_stack([shifted, np.zeros(240)])) == 24


def test_seasonal_naive_raises_ValueError_when_period_exceeds_input_width():
    X = np.zeros((3, 6, 1))
    with pytest.raises(ValueError, match=r"`period` must be at most input_width=6"):
        seasonal_naive_forecast(X, 2, period=7)


@pytest.mark.parametrize("period", [0, -2])
def test_seasonal_naive_raises_ValueError_for_non_positive_period(period):
    with pytest.raises(ValueError, match=r"`period` must be a positive integer"):
        seasonal_naive_forecast(np.zeros((3, 6, 1)), 2, period=period)


def test_seasonal_naive_raises_TypeError_for_float_period():
    with pytest.raises(TypeError, match=r"Got period=2.0"):
        seasonal_naive_forecast(np.zeros((3, 6, 1)), 2, period=2.0)


@pytest.mark.parametrize("func", [naive_forecast, window_mean_forecast])
def test_forecasts_raise_ValueError_for_bad_horizon(func):
    with pytest.raises(ValueError, match=r"`horizon` must be a positive integer"):
        func(np.zeros((3, 6, 1)), 0)


def test_forecasts_raise_ValueError_for_wrong_dimensions():
    with pytest.raises(ValueError, match=r"`X` must be 2-D or 3-D"):
        naive_forecast(np.zeros(6), 1)


def test_forecasts_raise_ValueError_for_missing_values():
    X = np.zeros((2, 4, 1))
    X[1, 2, 0] = np.nan
    with pytest.raises(ValueError, match=r"`X` must be finite.*window 1, step 2"):
        naive_forecast(X, 1)


def test_forecasts_raise_TypeError_for_text_input():
    with pytest.raises(TypeError, match=r"`X` must hold numbers"):
        naive_forecast(np.array([["a", "b"]]), 1)


def test_forecasts_raise_for_out_of_range_targets():
    with pytest.raises(ValueError, match=r"`targets` must index one of the 2"):
        naive_forecast(np.zeros((2, 4, 2)), 1, targets=5)


def test_infer_period_raises_for_bad_max_period_and_missing_values():
    with pytest.raises(ValueError, match=r"`max_period` must be a positive integer"):
        infer_period(np.zeros(10), max_period=0)
    with pytest.raises(ValueError, match=r"`series_or_array` must be finite"):
        infer_period(np.array([1.0, np.nan, 2.0]))
