"""Forecaster.sample and Forecaster.predict_quantiles: sampled futures."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.linear_model import Ridge

from tsrnn import Forecaster, RNNRegressor
from tsrnn.forecasting.transforms import Difference, Log

FAST = dict(units=4, epochs=2, learning_rate=0.01, jit_compile=False, random_state=0)


@pytest.fixture(scope="module")
def iid():
    """An i.i.d. N(10, 1) daily series: every future step has that distribution."""
    index = pd.date_range("2024-01-01", periods=900, freq="D", name="day")
    values = 10.0 + np.random.default_rng(0).standard_normal(900)
    return pd.Series(values, index=index, name="load")


@pytest.fixture(scope="module")
def recursive(iid):
    model = RNNRegressor(
        distribution="normal",
        units=2,
        epochs=30,
        batch_size=64,
        learning_rate=0.02,
        jit_compile=False,
        random_state=0,
    )
    return Forecaster(model, input_width=8, horizon=3, strategy="recursive").fit(iid)


@pytest.fixture
def panel():
    index = pd.date_range("2024-01-01", periods=60, freq="D")
    t = np.arange(60)
    return pd.DataFrame(
        {
            "id": np.repeat(["a", "b"], 60),
            "time": np.tile(index, 2),
            "v": np.concatenate([10 + np.sin(t / 3), 50 + 5 * np.cos(t / 4)]),
        }
    )


@pytest.mark.parametrize("carry_state", [False, True], ids=["re-read", "carry state"])
def test_sampled_paths_follow_the_forecast_distribution_of_the_process(
    recursive, iid, carry_state
):
    paths = recursive.sample(2000, horizon=3, random_state=0, carry_state=carry_state)
    steps = [paths.loc[paths["day"] == day, "load"] for day in paths["day"].unique()]
    levels = [0.1, 0.5, 0.9]
    # Step 1 is drawn from the network's distribution given the last window.
    last = iid.to_numpy()[-8:].reshape(1, 8, 1)
    expected = recursive.estimator_.predict_quantiles(last, levels).ravel()
    np.testing.assert_allclose(np.quantile(steps[0], levels), expected, atol=0.12)
    # Every step of an i.i.d. N(10, 1) process spreads like it: 2 * 1.2816.
    for draws in steps:
        spread = np.subtract(*np.quantile(draws, [0.9, 0.1]))
        assert spread == pytest.approx(2 * stats.norm.ppf(0.9), abs=0.3)
        assert abs(np.median(draws) - 10.0) < 0.8


def test_sample_returns_a_long_frame_of_paths_after_the_history(recursive, iid):
    paths = recursive.sample(4, horizon=5, random_state=0)
    assert paths.columns.tolist() == ["day", "path", "load"]
    assert len(paths) == 4 * 5
    assert paths["path"].tolist() == np.repeat(np.arange(4), 5).tolist()
    first = iid.index[-1] + pd.Timedelta(days=1)
    assert paths["day"].iloc[:5].tolist() == list(pd.date_range(first, periods=5))


def test_sampling_is_deterministic_with_random_state(recursive):
    a = recursive.sample(6, random_state=3)
    b = recursive.sample(6, random_state=3)
    c = recursive.sample(6, random_state=4)
    pd.testing.assert_frame_equal(a, b)
    assert not a["load"].equals(c["load"])


def test_predict_quantiles_gives_interval_columns_per_level(recursive):
    frame = recursive.predict_quantiles(level=[80, 95], n_paths=400, random_state=0)
    assert frame.columns.tolist() == [
        "load",
        "load_lower_80",
        "load_upper_80",
        "load_lower_95",
        "load_upper_95",
    ]
    assert (frame["load_lower_95"] <= frame["load_lower_80"]).all()
    assert (frame["load_upper_80"] <= frame["load_upper_95"]).all()
    assert frame.index.equals(recursive.predict().index)


def test_predict_with_levels_adds_the_sampled_bands_to_the_point_forecast(recursive):
    point = recursive.predict()
    frame = recursive.predict(level=[80, 95], n_paths=400, random_state=0)
    bands = recursive.predict_quantiles(level=[80, 95], n_paths=400, random_state=0)
    assert frame.columns.tolist() == bands.columns.tolist()
    # The point column is predict's own; the bands are predict_quantiles' draws.
    pd.testing.assert_series_equal(frame["load"], point["load"])
    pd.testing.assert_frame_equal(frame.iloc[:, 1:], bands.iloc[:, 1:])
    quantiles = recursive.predict(quantiles=[0.1, 0.5], n_paths=50, random_state=0)
    assert quantiles.columns.tolist() == ["load", "load_q0.1", "load_q0.5"]


def test_predict_with_levels_reads_a_new_history(recursive, iid):
    new = iid.iloc[:500]
    frame = recursive.predict(new, level=[80], n_paths=400, random_state=0)
    assert frame.index[0] == new.index[-1] + pd.Timedelta(days=1)
    pd.testing.assert_series_equal(frame["load"], recursive.predict(new)["load"])
    # A N(10, 1) future: the 80 % band is about 10 -+ 1.28 (a 2-unit network).
    width = (frame["load_upper_80"] - frame["load_lower_80"]).to_numpy()
    assert np.all((width > 1.5) & (width < 4.0))


def test_predict_with_levels_raises_before_forecasting(recursive, panel):
    with pytest.raises(ValueError, match="Exactly one of `quantiles` and `level`"):
        recursive.predict(quantiles=[0.5], level=[80])
    with pytest.raises(ValueError, match="`level` must be in percent"):
        recursive.predict(level=[100])
    point = Forecaster(Ridge(), input_width=8, horizon=2, id_col="id", time_col="time")
    with pytest.raises(TypeError, match="must forecast a distribution to give"):
        point.fit(panel).predict(level=[80])


def test_many_series_are_sampled_at_once_with_their_ids(panel):
    model = RNNRegressor(distribution="student_t", **FAST)
    forecaster = Forecaster(
        model,
        input_width=8,
        horizon=2,
        strategy="recursive",
        id_col="id",
        time_col="time",
    ).fit(panel)
    paths = forecaster.sample(3, random_state=0)
    assert paths.columns.tolist() == ["id", "time", "path", "v"]
    assert paths["id"].tolist() == ["a"] * 6 + ["b"] * 6
    frame = forecaster.predict_quantiles([0.1, 0.9], n_paths=50, random_state=0)
    assert frame.columns.tolist() == ["v", "v_q0.1", "v_q0.9"]
    assert frame.index.names == ["id", "time"]


def test_a_direct_quantile_model_samples_through_a_difference(panel):
    model = RNNRegressor(quantiles=[0.1, 0.5, 0.9], **FAST)
    forecaster = Forecaster(
        model,
        input_width=8,
        horizon=3,
        id_col="id",
        time_col="time",
        transforms=[Difference()],
    ).fit(panel)
    frame = forecaster.predict_quantiles([0.1, 0.9], n_paths=100, random_state=0)
    assert (frame["v_q0.1"] <= frame["v_q0.9"]).all()
    assert len(forecaster.sample(5, random_state=0)) == 2 * 5 * 3


def test_log_transformed_paths_stay_positive(panel):
    model = RNNRegressor(distribution="normal", **FAST)
    forecaster = Forecaster(
        model,
        input_width=8,
        horizon=2,
        strategy="recursive",
        id_col="id",
        time_col="time",
        transforms=[Log()],
    ).fit(panel)
    assert (forecaster.sample(20, random_state=0)["v"] > 0).all()


def test_sampling_does_not_modify_the_history(panel):
    before = panel.copy()
    model = RNNRegressor(distribution="normal", **FAST)
    Forecaster(
        model,
        input_width=8,
        horizon=2,
        strategy="recursive",
        id_col="id",
        time_col="time",
    ).fit(panel).sample(2, random_state=0)
    pd.testing.assert_frame_equal(panel, before)


def test_sampling_raises_on_bad_calls(recursive, panel):
    with pytest.raises(ValueError, match="`n_paths` must be"):
        recursive.sample(0)
    with pytest.raises(ValueError, match="`level` must be in percent"):
        recursive.predict_quantiles(level=[80, 100])
    with pytest.raises(ValueError, match="`quantiles` must be strictly increasing"):
        recursive.predict_quantiles([0.9, 0.1])
    with pytest.raises(ValueError, match="Exactly one of `quantiles` and `level`"):
        recursive.predict_quantiles()
    point = Forecaster(Ridge(), input_width=8, horizon=2, id_col="id", time_col="time")
    with pytest.raises(TypeError, match="must forecast a distribution"):
        point.fit(panel).sample(2)


def test_carrying_the_state_changes_only_how_later_steps_read_on_real_data(
    shared_data,
):
    """Tourism monthly: both samplers give the same layout and first step."""
    frame = pd.read_csv(shared_data / "forecasting" / "tourism_monthly.csv")
    frame = frame[frame["split"] == "train"]
    frame = frame[frame["id"].isin(frame["id"].unique()[:6])]
    frame = frame.assign(date=pd.to_datetime(frame["date"]))[["id", "date", "value"]]
    original = frame.copy()
    model = RNNRegressor(distribution="student_t", **FAST)
    forecaster = Forecaster(
        model,
        input_width=24,
        horizon=6,
        strategy="recursive",
        transforms=[Log(offset=1.0), Difference(12)],
        id_col="id",
        time_col="date",
    ).fit(frame)
    # A distribution's network is trained after every row by default, and its
    # state is carried by default.
    assert forecaster.estimator_.every_step_
    reread = forecaster.sample(20, random_state=1, carry_state=False)
    carried = forecaster.sample(20, random_state=1)
    pd.testing.assert_frame_equal(original, frame)
    assert carried.drop(columns="value").equals(reread.drop(columns="value"))
    first = reread["date"] == reread.groupby("id")["date"].transform("min")
    np.testing.assert_allclose(
        carried.loc[first, "value"], reread.loc[first, "value"], rtol=1e-4
    )
    assert not np.allclose(carried.loc[~first, "value"], reread.loc[~first, "value"])
    assert np.isfinite(carried["value"]).all() and (carried["value"] > -1).all()
    again = forecaster.sample(20, random_state=1, carry_state=True)
    pd.testing.assert_frame_equal(carried, again)
    last_row = Forecaster(
        RNNRegressor(distribution="student_t", every_step=False, **FAST),
        input_width=24,
        horizon=6,
        strategy="recursive",
        id_col="id",
        time_col="date",
    ).fit(frame)
    assert not last_row.estimator_.every_step_
    pd.testing.assert_frame_equal(
        last_row.sample(5, random_state=0),
        last_row.sample(5, random_state=0, carry_state=False),
    )
    with pytest.raises(ValueError, match="`carry_state` must be 'auto', True or"):
        last_row.sample(5, carry_state="always")
