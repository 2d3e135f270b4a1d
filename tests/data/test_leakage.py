"""Leakage guards: nothing fitted or trained ever sees rows after its cut.

A huge value placed after a cut must leave every fitted statistic unchanged;
spies record what each fit actually received; shuffling touches training
windows only.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge
from sklearn.preprocessing import StandardScaler

from tsrnn import (
    DenseRegressor,
    Forecaster,
    Windower,
    backtest,
    make_dataset,
    make_windows,
)
from tsrnn.datasets import ETTH1_COLUMNS, load_etth1
from tsrnn.estimators import training as _training
from tsrnn.forecasting.transforms import Scale

SPIKE = 1e6


def hourly(n=200) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    index = pd.date_range("2024-01-01", periods=n, freq="h", name="time")
    return pd.DataFrame(
        {"y": rng.normal(10, 1, n), "x": rng.normal(0, 1, n)}, index=index
    )


# ------------------------------------------------------------------ scalers


def test_windower_scaler_sees_training_rows_only():
    frame = hourly()
    spiked = frame.copy()
    spiked.iloc[150:, 0] = SPIKE  # validation and test rows (val starts at 140)
    windower = Windower(8, 2, scaler=StandardScaler(), val_size=30, test_size=30)
    clean = windower.fit(frame).scaler_
    dirty = Windower(**windower.get_params(deep=False)).fit(spiked).scaler_
    expected = StandardScaler().fit(frame.iloc[:140].to_numpy())
    np.testing.assert_allclose(dirty.mean_, expected.mean_)
    np.testing.assert_allclose(dirty.scale_, expected.scale_)
    np.testing.assert_array_equal(dirty.mean_, clean.mean_)


def test_windower_per_series_scalers_see_each_series_training_rows_only(long_frame):
    spiked = long_frame.copy()
    last = spiked.groupby("id").tail(5).index  # inside every series' test rows
    spiked.loc[last, "value"] = SPIKE
    windower = Windower(
        5,
        2,
        id_col="id",
        time_col="time",
        scaler=StandardScaler(),
        scale_by="series",
        test_size=0.2,
    )
    scalers = windower.fit(spiked).scalers_
    for sid, part in long_frame.groupby("id"):
        n_train = len(part) - int(np.ceil(0.2 * len(part)))
        expected = part["value"].iloc[:n_train].mean()
        assert scalers[sid].mean_[0] == pytest.approx(expected)


class SpyScale(Scale):
    """Scale that records the rows each fitted copy saw."""

    seen: ClassVar[list] = []

    def fit(self, frame):
        SpyScale.seen.append((frame.index[-1], float(frame.iloc[:, 0].max())))
        return super().fit(frame)


def airline_like(n=120) -> pd.Series:
    index = pd.date_range("2000-01-01", periods=n, freq="MS", name="month")
    t = np.arange(n)
    return pd.Series(100 + t + 10 * np.sin(2 * np.pi * t / 12), index=index, name="y")


def test_target_transforms_in_backtest_see_each_folds_training_rows_only():
    y = airline_like()
    y.iloc[-1] = SPIKE  # only ever a forecast target, never a training row
    SpyScale.seen.clear()
    result = backtest(
        Forecaster(Ridge(), input_width=12, horizon=3, transforms=[SpyScale()]),
        y,
        n_folds=4,
    )
    cutoffs = result.metrics["cutoff"].tolist()
    assert [last for last, _ in SpyScale.seen] == cutoffs
    assert max(peak for _, peak in SpyScale.seen) < SPIKE


def test_conformal_calibration_fits_transforms_on_the_head_only():
    y = airline_like()
    y.iloc[-1] = SPIKE
    SpyScale.seen.clear()
    forecaster = Forecaster(
        Ridge(),
        input_width=12,
        horizon=3,
        transforms=[SpyScale()],
        level=0.8,
        calibration_size=30,
    ).fit(y)
    # One chain on the whole history (the final model), one on the head.
    assert sorted(last for last, _ in SpyScale.seen) == [y.index[-31], y.index[-1]]
    head = [peak for last, peak in SpyScale.seen if last == y.index[-31]]
    assert head[0] < SPIKE
    assert forecaster.interval_width_ is not None


# -------------------------------------------------------------- ETTh1 splits


def test_etth1_standard_split_keeps_every_target_inside_its_split(etth1_dir):
    # The standard split: 12 / 4 / 4 months of 30 days on the first 20 months.
    frame = load_etth1(etth1_dir, download=False).iloc[: 20 * 30 * 24]
    spiked = frame.copy()
    spiked.iloc[9000, :] = SPIKE  # a validation row
    val_start, test_start = 12 * 30 * 24, 16 * 30 * 24
    windower = Windower(
        96,
        24,
        target="OT",
        past_covariates=list(ETTH1_COLUMNS[:-1]),
        scaler=StandardScaler(),
        val_size=4 * 30 * 24,
        test_size=4 * 30 * 24,
    )
    sets = windower.fit_split(spiked)
    times = {
        name: pd.DatetimeIndex(ws.target_time.ravel()) for name, ws in sets.items()
    }
    assert times["train"].max() < frame.index[val_start]
    assert times["val"].min() == frame.index[val_start]
    assert times["val"].max() < frame.index[test_start]
    assert times["test"].min() == frame.index[test_start]
    assert times["test"].max() == frame.index[-1]
    # The scaler is the one of the training rows: the spike left it unchanged.
    columns = ["OT", *ETTH1_COLUMNS[:-1]]
    train = frame.iloc[:val_start][columns].to_numpy()
    np.testing.assert_allclose(windower.scaler_.mean_, train.mean(axis=0))
    np.testing.assert_allclose(windower.scaler_.scale_, train.std(axis=0))


# ----------------------------------------------------------------- backtests


class SpyRidge(Ridge):
    """Ridge that records the largest target it was fitted on."""

    seen: ClassVar[list] = []

    def fit(self, X, y, sample_weight=None):
        SpyRidge.seen.append(float(np.max(y)))
        return super().fit(X, y, sample_weight)


@pytest.mark.parametrize(
    ("window", "refit"), [("expanding", True), ("sliding", True), ("expanding", False)]
)
def test_backtest_folds_never_train_on_their_own_future(window, refit):
    # Values increase with time, so the largest target seen is the last one.
    index = pd.date_range("2020-01-01", periods=100, freq="D", name="day")
    y = pd.Series(1000.0 + np.arange(100), index=index, name="y")
    SpyRidge.seen.clear()
    result = backtest(
        Forecaster(SpyRidge(), input_width=10, horizon=5),
        y,
        n_folds=4,
        step=7,
        window=window,
        window_size=40 if window == "sliding" else None,
        refit=refit,
    )
    cutoff_values = y.loc[result.metrics["cutoff"]].tolist()
    assert SpyRidge.seen == (cutoff_values if refit else cutoff_values[:1])
    forecasts = result.forecasts
    assert (forecasts["time"] > forecasts["cutoff"]).all()


# ----------------------------------------------------------------- shuffling


def test_make_dataset_without_shuffle_yields_windows_in_order():
    data = np.arange(150.0).reshape(50, 3)
    X, y = make_windows(data, 6, 2, targets=0)
    ordered = list(make_dataset(data, 6, 2, targets=0, batch_size=7))
    np.testing.assert_array_equal(np.concatenate([b[0] for b in ordered]), X)
    np.testing.assert_array_equal(np.concatenate([b[1] for b in ordered]), y)
    shuffled = np.concatenate(
        [b[0] for b in make_dataset(data, 6, 2, batch_size=7, shuffle=True, seed=0)]
    )
    assert not np.array_equal(shuffled, X)  # the guard above can fail
    np.testing.assert_array_equal(np.sort(shuffled[:, 0, 0]), X[:, 0, 0])


def test_estimator_validation_tail_is_the_last_rows_and_is_not_shuffled(monkeypatch):
    calls = []
    original = _training.make_training_dataset

    def spy(inputs, y, sample_weight, *, batch_size, seed, shuffle):
        calls.append((np.array(y), shuffle))
        return original(
            inputs, y, sample_weight, batch_size=batch_size, seed=seed, shuffle=shuffle
        )

    monkeypatch.setattr(_training, "make_training_dataset", spy)
    X = np.arange(80.0).reshape(40, 2)
    y = np.arange(40.0)
    DenseRegressor(
        units=(),
        epochs=1,
        early_stopping=True,
        validation_fraction=0.25,
        jit_compile=False,
        random_state=0,
    ).fit(X, y)
    (train_y, train_shuffled), (val_y, val_shuffled) = calls
    assert train_shuffled and not val_shuffled
    np.testing.assert_array_equal(train_y[:, 0], y[:30])
    np.testing.assert_array_equal(val_y[:, 0], y[30:])


def test_windower_validation_and_test_windows_are_in_time_order(long_frame):
    windower = Windower(5, 2, id_col="id", time_col="time", val_size=10, test_size=10)
    sets = windower.fit_split(long_frame)
    for name in ("val", "test"):
        ws = sets[name]
        first_target = pd.DatetimeIndex(ws.target_time[:, 0])
        for sid in np.unique(ws.series_id):
            rows = np.flatnonzero(ws.series_id == sid)
            assert (np.diff(rows) == 1).all()  # one block per series
            assert first_target[rows].is_monotonic_increasing
            assert first_target[rows].is_unique
