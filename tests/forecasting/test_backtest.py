"""Backtests: folds never see their own future; coverage on real data; search."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge

from tsrnn.forecasting.backtesting import backtest, grid_search
from tsrnn.forecasting.forecaster import Forecaster
from tsrnn.forecasting.transforms import Log


@pytest.fixture(scope="module")
def sunspots(shared_data):
    frame = pd.read_csv(shared_data / "forecasting" / "sunspots_yearly.csv")
    index = pd.to_datetime(frame["YEAR"].astype(str))
    return pd.Series(frame["SUNACTIVITY"].to_numpy(float), index=index, name="spots")


@pytest.fixture(scope="module")
def airline(shared_data):
    frame = pd.read_csv(shared_data / "forecasting" / "airline.csv")
    index = pd.PeriodIndex(frame["Date"], freq="M").to_timestamp()
    return pd.Series(frame["Passengers"].to_numpy(float), index=index, name="pax")


class SpyRidge(Ridge):
    """Ridge that records the number of training windows of each fit."""

    fits: list = []  # noqa: RUF012 (shared on purpose, reset by the test)

    def fit(self, X, y):
        SpyRidge.fits.append(len(X))
        return super().fit(X, y)


@pytest.mark.parametrize("window", ["expanding", "sliding"])
def test_backtest_folds_never_train_on_their_own_future(airline, window):
    SpyRidge.fits = []
    forecaster = Forecaster(SpyRidge(), input_width=12, horizon=6)
    result = backtest(forecaster, airline, n_folds=4, step=6, window=window)
    forecasts = result.forecasts
    assert (forecasts["time"] > forecasts["cutoff"]).all()
    cutoffs = forecasts.groupby("fold")["cutoff"].first()
    expected = airline.index[len(airline) - 6 - 6 * (3 - np.arange(4)) - 1]
    assert cutoffs.tolist() == expected.tolist()
    # Each fit sees exactly the windows whose targets end at its cutoff.
    lengths = len(airline) - 6 - 6 * (3 - np.arange(4))
    if window == "sliding":
        lengths = np.full(4, lengths[0])
    assert SpyRidge.fits == (lengths - 12 - 6 + 1).tolist()
    first = forecasts[forecasts["fold"] == 0]
    assert first["y_true"].tolist() == airline.loc[first["time"]].tolist()


def test_backtest_without_refit_fits_once(airline):
    SpyRidge.fits = []
    result = backtest(
        Forecaster(SpyRidge(), input_width=12, horizon=3),
        airline,
        n_folds=5,
        refit=False,
    )
    assert len(SpyRidge.fits) == 1
    assert result.metrics.shape == (5, 4)


def test_backtest_does_not_modify_the_forecaster_or_data(airline):
    forecaster = Forecaster(Ridge(), input_width=12, horizon=3)
    before = airline.copy()
    backtest(forecaster, airline, n_folds=2)
    assert not hasattr(forecaster, "estimator_")
    pd.testing.assert_series_equal(airline, before)


def test_conformal_coverage_of_90_percent_intervals_on_sunspots(sunspots):
    # 100 origins x 3 steps of yearly sunspots, Ridge fitted once: measured 0.887.
    forecaster = Forecaster(
        Ridge(), input_width=20, horizon=3, level=0.9, calibration_size=60
    )
    result = backtest(forecaster, sunspots, n_folds=100, step=1, refit=False)
    assert 0.82 <= result.score("coverage") <= 0.96
    assert (result.forecasts["lower"] <= result.forecasts["upper"]).all()


def test_backtest_long_frame_reports_each_series(long_frame):
    forecaster = Forecaster(
        Ridge(), input_width=7, horizon=3, id_col="id", time_col="time"
    )
    result = backtest(forecaster, long_frame, n_folds=2)
    assert set(result.forecasts["series"]) == {"a", "b", "c"}
    assert len(result.forecasts) == 2 * 3 * 3


def test_grid_search_ranks_candidates_by_backtest_score(airline):
    forecaster = Forecaster(Ridge(), input_width=24, horizon=12, transforms=[Log()])
    table = grid_search(
        forecaster,
        {"estimator__alpha": [1e-3, 1e3], "input_width": [12, 24]},
        airline,
        n_folds=3,
        step=12,
    )
    assert len(table) == 4
    assert table["mae"].is_monotonic_increasing
    assert table["rank"].tolist() == [1, 2, 3, 4]
    best = table.loc[0, "params"]
    again = backtest(
        Forecaster(Ridge(), input_width=24, horizon=12, transforms=[Log()]).set_params(
            **best
        ),
        airline,
        n_folds=3,
        step=12,
    )
    assert again.score("mae") == pytest.approx(table.loc[0, "mae"])


def test_backtest_raises_when_folds_leave_no_training_rows(airline):
    with pytest.raises(ValueError, match="`n_folds` must leave training rows"):
        backtest(Forecaster(Ridge(), input_width=12, horizon=12), airline, n_folds=20)


@pytest.mark.slow
def test_conformal_coverage_with_an_rnn_on_sunspots(sunspots):
    from tsrnn.estimators.classes import RNNRegressor
    from tsrnn.forecasting.transforms import Scale

    estimator = RNNRegressor(
        cell="gru", units=8, epochs=20, learning_rate=5e-3, random_state=0
    )
    forecaster = Forecaster(
        estimator,
        input_width=20,
        horizon=3,
        transforms=[Scale()],
        level=0.9,
        calibration_size=60,
    )
    result = backtest(forecaster, sunspots, n_folds=100, step=1, refit=False)
    assert 0.78 <= result.score("coverage") <= 0.98
