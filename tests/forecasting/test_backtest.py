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
    from tsrnn.estimators.regressors import RNNRegressor
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


# ------------------------------------------------------------ fold objects


def test_time_series_fold_cuts_per_series_from_their_ends():
    from tsrnn.forecasting.folds import TimeSeriesFold

    folds = TimeSeriesFold(n_folds=3, step=4).split([30, 20], horizon=5)
    assert [f.end.tolist() for f in folds] == [[17, 7], [21, 11], [25, 15]]
    assert all((f.start == 0).all() for f in folds)
    assert [f.refit for f in folds] == [True, True, True]
    sliding = TimeSeriesFold(3, step=4, window="sliding", refit=False)
    folds = sliding.split([30, 20], horizon=5)
    # The window is the shortest series' first training part (7 rows).
    assert [(f.end - f.start).tolist() for f in folds] == [[7, 7]] * 3
    assert [f.refit for f in folds] == [True, False, False]
    with pytest.raises(ValueError, match="`window` must be 'expanding' or 'sliding'"):
        TimeSeriesFold(window="rolling").split([30], horizon=5)


def test_backtest_takes_a_fold_object_and_refuses_two_descriptions(airline):
    from tsrnn.forecasting.folds import TimeSeriesFold

    forecaster = Forecaster(Ridge(), input_width=12, horizon=6)
    flat = backtest(forecaster, airline, n_folds=4, step=3, window="sliding")
    cv = TimeSeriesFold(n_folds=4, step=3, window="sliding")
    pd.testing.assert_frame_equal(
        backtest(forecaster, airline, cv=cv).forecasts, flat.forecasts
    )
    with pytest.raises(ValueError, match="`cv` must be the only description"):
        backtest(forecaster, airline, cv=cv, n_folds=3)


def test_backtest_without_refit_equals_predicting_from_each_cutoff(airline):
    forecaster = Forecaster(Ridge(), input_width=12, horizon=3)
    result = backtest(forecaster, airline, n_folds=4, refit=False)
    fitted = Forecaster(Ridge(), input_width=12, horizon=3).fit(airline.iloc[:-12])
    for fold in range(4):
        end = len(airline) - 3 - 3 * (3 - fold)
        expected = fitted.predict(airline.iloc[:end])["pax"].to_numpy()
        got = result.forecasts.loc[result.forecasts["fold"] == fold, "y_pred"]
        np.testing.assert_allclose(got.to_numpy(), expected)


def test_grid_search_scores_every_candidate_on_the_same_fold_object(airline):
    from tsrnn.forecasting.folds import TimeSeriesFold

    cv = TimeSeriesFold(n_folds=3, step=12)
    forecaster = Forecaster(Ridge(), input_width=24, horizon=12, transforms=[Log()])
    table = grid_search(forecaster, {"estimator__alpha": [1e-3, 1e3]}, airline, cv=cv)
    for _, row in table.iterrows():
        again = backtest(clone_with(forecaster, row["params"]), airline, cv=cv)
        assert again.score("mae") == pytest.approx(row["mae"])


def clone_with(forecaster, params):
    from sklearn.base import clone

    return clone(forecaster).set_params(**params)
