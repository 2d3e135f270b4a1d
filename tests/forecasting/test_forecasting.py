"""Forecaster: timestamps, strategies, covariates, many series, sklearn, errors."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge

from tsrnn.evaluation.metrics import mape
from tsrnn.forecasting.forecaster import Forecaster
from tsrnn.forecasting.transforms import Difference, Log, Scale


@pytest.fixture(scope="module")
def airline(shared_data):
    frame = pd.read_csv(shared_data / "forecasting" / "airline.csv")
    index = pd.PeriodIndex(frame["Date"], freq="M").to_timestamp()
    series = pd.Series(frame["Passengers"].to_numpy(float), index=index)
    return series.rename("Passengers").rename_axis("Date")


@pytest.fixture
def daily():
    index = pd.date_range("2024-01-01", periods=120, freq="D", name="day")
    t = np.arange(120)
    return pd.DataFrame(
        {"load": 10 + np.sin(2 * np.pi * t / 7) + 0.01 * t, "temp": np.cos(t / 5)},
        index=index,
    )


def test_forecasts_36_future_months_of_airline_with_ordered_intervals(airline):
    forecaster = Forecaster(
        Ridge(), input_width=24, horizon=36, transforms=[Log()], level=0.9
    )
    forecast = forecaster.fit(airline).predict()
    expected = pd.date_range("1961-01-01", "1963-12-01", freq="MS", name="Date")
    assert forecast.index.equals(expected)
    assert forecast.columns.tolist() == [
        "Passengers",
        "Passengers_lower",
        "Passengers_upper",
    ]
    assert (forecast["Passengers_lower"] <= forecast["Passengers"]).all()
    assert (forecast["Passengers"] <= forecast["Passengers_upper"]).all()
    # Bounds symmetric in log space are skewed upward once mapped back by exp.
    above = forecast["Passengers_upper"] - forecast["Passengers"]
    below = forecast["Passengers"] - forecast["Passengers_lower"]
    assert (above > below).all()


def test_ridge_linear_baseline_beats_seasonal_naive_on_airline(airline):
    train, test = airline.iloc[:-36], airline.iloc[-36:]
    naive = mape(test, np.tile(train.iloc[-12:].to_numpy(), 3))
    forecaster = Forecaster(
        Ridge(alpha=1e-3),
        input_width=24,
        horizon=36,
        transforms=[Log(), Difference(), Difference(lag=12)],
    )
    forecast = forecaster.fit(train).predict()
    assert forecast.index.equals(test.index)
    assert mape(test, forecast["Passengers"]) < naive


def test_recursive_equals_direct_for_horizon_one(airline):
    direct = Forecaster(Ridge(), input_width=12, horizon=1).fit(airline).predict()
    recursive = Forecaster(
        Ridge(), input_width=12, horizon=1, strategy="recursive"
    ).fit(airline)
    pd.testing.assert_frame_equal(direct, recursive.predict())
    assert len(recursive.predict(horizon=5)) == 5


def test_recursive_rolls_its_own_forecasts_forward(daily):
    y = daily["load"]
    forecaster = Forecaster(Ridge(alpha=1e-6), 14, strategy="recursive").fit(y)
    two = forecaster.predict(horizon=2)
    history = pd.concat([y, two["load"].iloc[:1]])
    again = forecaster.predict(horizon=1, history=history)
    assert again["load"].iloc[0] == pytest.approx(two["load"].iloc[1])


def test_future_covariates_are_required_over_the_horizon(daily):
    y, covariates = daily[["load"]].iloc[:100], daily[["temp"]]
    forecaster = Forecaster(
        Ridge(), input_width=14, horizon=7, future_covariates=["temp"]
    ).fit(y, covariates=covariates.iloc[:100])
    with pytest.raises(ValueError, match="must cover the 7 forecast steps"):
        forecaster.predict()
    with pytest.raises(ValueError, match="Got no value at 2024-04-14"):
        forecaster.predict(covariates=covariates.iloc[:104])
    forecast = forecaster.predict(covariates=covariates)
    assert forecast.index[0] == pd.Timestamp("2024-04-10")


def test_future_covariates_change_the_forecast(daily):
    y, covariates = daily[["load"]].iloc[:100], daily[["temp"]]
    forecaster = Forecaster(
        Ridge(), input_width=14, horizon=3, future_covariates=["temp"]
    ).fit(y, covariates=covariates)
    shifted = covariates + 5.0
    a = forecaster.predict(covariates=covariates)
    b = forecaster.predict(
        covariates=shifted.iloc[:0].combine_first(
            pd.concat([covariates.iloc[:100], shifted.iloc[100:]])
        )
    )
    assert not np.allclose(a["load"], b["load"])


def test_long_frame_gives_predictions_per_series(long_frame):
    forecaster = Forecaster(
        Ridge(),
        input_width=10,
        horizon=5,
        id_col="id",
        time_col="time",
        level=0.8,
        calibration_size=15,
        transforms=[Scale()],
    )
    forecast = forecaster.fit(long_frame).predict()
    assert forecast.index.names == ["id", "time"]
    ends = long_frame.groupby("id")["time"].max()
    for sid in ("a", "b", "c"):
        times = forecast.loc[sid].index
        assert times[0] == ends[sid] + pd.Timedelta(days=1) and len(times) == 5
    assert (forecast["value_lower"] <= forecast["value_upper"]).all()


def test_clone_get_params_set_params_reach_the_nested_estimator():
    forecaster = Forecaster(Ridge(alpha=2.0), input_width=12, horizon=3)
    assert forecaster.get_params()["estimator__alpha"] == 2.0
    forecaster.set_params(estimator__alpha=5.0, horizon=4)
    copy = clone(forecaster)
    assert copy.get_params()["estimator__alpha"] == 5.0 and copy.horizon == 4
    assert copy.estimator is not forecaster.estimator


def test_fit_with_same_data_is_reproducible(airline):
    a = Forecaster(Ridge(), 12, 6, level=0.9).fit(airline).predict()
    b = Forecaster(Ridge(), 12, 6, level=0.9).fit(airline).predict()
    pd.testing.assert_frame_equal(a, b)


def test_caller_data_is_not_modified(daily, long_frame):
    daily_before, long_before = daily.copy(), long_frame.copy()
    Forecaster(
        Ridge(),
        14,
        3,
        transforms=[Log(), Difference()],
        future_covariates=["temp"],
        level=0.9,
    ).fit(daily[["load"]], covariates=daily[["temp"]]).predict(
        covariates=pd.concat(
            [
                daily[["temp"]],
                daily[["temp"]]
                .iloc[:3]
                .set_axis(pd.date_range("2024-04-30", periods=3, name="day")),
            ]
        )
    )
    Forecaster(Ridge(), 7, 2, id_col="id", time_col="time").fit(long_frame).predict()
    pd.testing.assert_frame_equal(daily, daily_before)
    pd.testing.assert_frame_equal(long_frame, long_before)


# ------------------------------------------------------------------ bad input


def test_predict_raises_NotFittedError_before_fit():
    with pytest.raises(NotFittedError):
        Forecaster(Ridge()).predict()


def test_predict_raises_ValueError_when_horizon_exceeds_fit(daily):
    forecaster = Forecaster(Ridge(), 14, 3).fit(daily["load"])
    with pytest.raises(
        ValueError, match=r"Refit with .*horizon=5.* or use strategy='recursive'"
    ):
        forecaster.predict(horizon=5)


def test_predict_raises_on_missing_or_reordered_columns(daily):
    y = daily[["load", "temp"]]
    forecaster = Forecaster(Ridge(), 14, 2).fit(y)
    with pytest.raises(ValueError, match=r"missing \['temp'\]"):
        forecaster.predict(history=y[["load"]])
    with pytest.raises(ValueError, match="in the same order"):
        forecaster.predict(history=y[["temp", "load"]])


def test_fit_raises_when_history_is_shorter_than_the_window(daily):
    with pytest.raises(ValueError, match="must have at least input_width \\+ horizon"):
        Forecaster(Ridge(), 30, 5).fit(daily["load"].iloc[:20])


def test_fit_raises_when_covariates_do_not_cover_the_history(daily):
    with pytest.raises(ValueError, match=r"must cover the history\. Got no value at"):
        Forecaster(Ridge(), 14, 2).fit(
            daily[["load"]], covariates=daily[["temp"]].iloc[5:]
        )


def test_predict_raises_on_a_mismatched_feature_count(daily):
    forecaster = Forecaster(Ridge(), 14, 2).fit(
        daily[["load"]], covariates=daily[["temp"]]
    )
    with pytest.raises(ValueError, match="`covariates` must be given"):
        forecaster.predict(history=daily[["load"]])
    extra = daily[["temp"]].assign(wind=1.0)
    with pytest.raises(ValueError, match="in the same order"):
        forecaster.predict(history=daily[["load"]], covariates=extra)


def test_log_transform_names_the_first_non_positive_value(daily):
    y = daily["load"].copy()
    y.iloc[10] = -1.0
    with pytest.raises(ValueError, match="at 2024-01-11"):
        Forecaster(Ridge(), 14, 2, transforms=[Log()]).fit(y)


def test_bad_parameters_raise_clear_errors(daily):
    with pytest.raises(ValueError, match="`strategy` must be one of"):
        Forecaster(Ridge(), strategy="mimo").fit(daily["load"])
    with pytest.raises(TypeError, match=r"must be an encoder-decoder.*architecture="):
        Forecaster(Ridge(), strategy="seq2seq").fit(daily["load"])
    with pytest.raises(ValueError, match="`level` must be strictly between 0 and 1"):
        Forecaster(Ridge(), 14, level=90).fit(daily["load"])
    with pytest.raises(TypeError, match="`y` must be a pandas Series or DataFrame"):
        Forecaster(Ridge(), 14).fit(daily["load"].to_numpy())


# --------------------------------------------------------------- RNN models


def test_rnn_forecaster_fits_3d_windows_quickly(daily):
    from tsrnn.estimators.regressors import RNNRegressor

    estimator = RNNRegressor(units=4, epochs=1, random_state=0, jit_compile=False)
    forecaster = Forecaster(estimator, 14, 3, transforms=[Scale()])
    forecast = forecaster.fit(daily["load"]).predict()
    assert forecaster.estimator_.n_features_in_ == 1
    assert forecast.shape == (3, 1) and np.isfinite(forecast.to_numpy()).all()


@pytest.mark.slow
def test_rnn_with_log_and_differencing_beats_seasonal_naive_on_airline(airline):
    from tsrnn.estimators.regressors import RNNRegressor

    train, test = airline.iloc[:-36], airline.iloc[-36:]
    naive = mape(test, np.tile(train.iloc[-12:].to_numpy(), 3))
    estimator = RNNRegressor(
        cell="gru",
        units=16,
        epochs=60,
        batch_size=16,
        learning_rate=3e-3,
        random_state=0,
    )
    forecaster = Forecaster(
        estimator,
        input_width=24,
        horizon=36,
        strategy="recursive",
        transforms=[Log(), Difference(), Difference(lag=12), Scale()],
    )
    forecast = forecaster.fit(train).predict()
    assert mape(test, forecast["Passengers"]) < naive  # measured 0.054 vs 0.1319


# ------------------------------------------- known-future inputs, seq2seq


def tiny_seq2seq(**kw):
    from tsrnn.estimators.regressors import RNNRegressor

    settings = dict(units=4, epochs=1, jit_compile=False, random_state=0)
    return RNNRegressor(architecture="seq2seq", **{**settings, **kw})


def test_seq2seq_decoder_reads_future_covariates_and_calendar(daily):
    y, covariates = daily[["load"]].iloc[:100], daily[["temp"]]
    forecaster = Forecaster(
        tiny_seq2seq(),
        14,
        5,
        strategy="seq2seq",
        future_covariates=["temp"],
        calendar=["dayofweek"],
    ).fit(y, covariates=covariates.iloc[:100])
    model = forecaster.estimator_.model_
    # Decoder input: temp and the dayofweek sin/cos pair at each of 5 steps.
    assert [tuple(t.shape) for t in model.inputs] == [(None, 14, 4), (None, 5, 3)]
    forecast = forecaster.predict(covariates=covariates)
    assert forecast.index[0] == pd.Timestamp("2024-04-10") and len(forecast) == 5
    shifted = pd.concat([covariates.iloc[:102], covariates.iloc[102:] + 3.0])
    moved = forecaster.predict(covariates=shifted)
    # Steps 1-2 see the same future temperatures; later ones do not.
    np.testing.assert_allclose(moved["load"].iloc[:2], forecast["load"].iloc[:2])
    assert not np.allclose(moved["load"].iloc[2:], forecast["load"].iloc[2:])
    with pytest.raises(ValueError, match="must cover the 5 forecast steps"):
        forecaster.predict(covariates=covariates.iloc[:103])
    with pytest.raises(ValueError, match="at most 5, the horizon this seq2seq"):
        forecaster.predict(horizon=6, covariates=covariates)


def test_seq2seq_without_known_future_inputs_reads_the_repeated_context(daily):
    forecaster = Forecaster(tiny_seq2seq(cell="gru"), 14, 3, strategy="seq2seq")
    forecast = forecaster.fit(daily["load"]).predict(horizon=2)
    assert len(forecaster.estimator_.model_.inputs) == 1
    assert forecast.shape == (2, 1) and np.isfinite(forecast.to_numpy()).all()


def test_direct_strategy_rejects_a_3d_estimator_with_known_future_inputs(daily):
    forecaster = Forecaster(tiny_seq2seq(), 14, 3, calendar=["dayofweek"])
    with pytest.raises(ValueError, match=r"must be 'seq2seq'.*dayofweek_sin"):
        forecaster.fit(daily["load"])


def test_calendar_features_reach_a_flat_model_over_window_and_horizon(daily):
    y = daily["load"]
    plain = Forecaster(Ridge(), 14, 3).fit(y)
    with_calendar = Forecaster(Ridge(), 14, 3, calendar=["dayofweek"]).fit(y)
    assert with_calendar.n_features_in_ == 3  # load + sin/cos
    # 14 steps x 3 columns of window, then 3 steps x 2 calendar columns.
    assert with_calendar.estimator_.n_features_in_ == 14 * 3 + 3 * 2
    assert not np.allclose(plain.predict(), with_calendar.predict())


def test_recursive_roll_reads_each_steps_future_covariate(daily):
    y, covariates = daily[["load"]].iloc[:100], daily[["temp"]]
    forecaster = Forecaster(
        Ridge(), 14, strategy="recursive", future_covariates=["temp"]
    ).fit(y, covariates=covariates)
    base = forecaster.predict(horizon=4, covariates=covariates)
    changed = covariates.copy()
    changed.iloc[102] += 10.0  # the covariate of forecast step 3
    moved = forecaster.predict(horizon=4, covariates=changed)
    np.testing.assert_allclose(moved["load"].iloc[:2], base["load"].iloc[:2])
    assert moved["load"].iloc[3] != pytest.approx(base["load"].iloc[3])


def test_predict_takes_the_history_first_and_an_int_as_the_horizon(daily):
    y = daily["load"]
    forecaster = Forecaster(Ridge(), 14, 3).fit(y)
    part = y.iloc[:80]
    pd.testing.assert_frame_equal(
        forecaster.predict(part), forecaster.predict(history=part)
    )
    assert forecaster.predict(part).index[0] == y.index[80]
    pd.testing.assert_frame_equal(forecaster.predict(2), forecaster.predict(horizon=2))
    with pytest.raises(TypeError, match="`horizon` must be given once"):
        forecaster.predict(2, horizon=2)
    with pytest.raises(ValueError, match="at least input_width = 14 rows"):
        forecaster.predict(y.iloc[:10])


def test_origin_ranks_order_each_series_origins_array_or_lists():
    from tsrnn.forecasting.forecaster import _origin_ranks

    ks, ps, ranks = _origin_ranks([[5, 3], [7], [], [9, 2, 4]])
    assert ks.tolist() == [0, 0, 1, 3, 3, 3]
    assert ps.tolist() == [3, 5, 7, 2, 4, 9]
    assert ranks.tolist() == [0, 1, 0, 0, 1, 2]
    grid = np.array([[8, 6], [5, 9]])
    for got, expected in zip(
        _origin_ranks(grid), _origin_ranks(grid.tolist()), strict=True
    ):
        np.testing.assert_array_equal(got, expected)
