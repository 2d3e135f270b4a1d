"""Static covariates and series identity of a global Forecaster, on real series."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge

from tsrnn import Forecaster, RNNRegressor
from tsrnn.exceptions import DataWarning
from tsrnn.forecasting.transforms import Log, Scale

FAST = dict(units=4, epochs=2, jit_compile=False, random_state=0)


@pytest.fixture(scope="module")
def sizes(monthly_panel) -> pd.DataFrame:
    """Static covariates of the 8 tourism series: their mean and a flag."""
    grouped = monthly_panel.groupby("id")["value"]
    return pd.DataFrame({"size": grouped.mean(), "big": grouped.mean() > 5000})


def _forecaster(model=None, **options) -> Forecaster:
    settings = dict(
        input_width=24,
        horizon=6,
        id_col="id",
        time_col="date",
        transforms=[Log(), Scale()],
    )
    model = RNNRegressor(**FAST) if model is None else model
    return Forecaster(model, **{**settings, **options})


@pytest.mark.parametrize("strategy", ["direct", "recursive"])
def test_static_values_are_standardized_on_every_row_and_future_step(
    monthly_panel, sizes, strategy
):
    before, static_before = monthly_panel.copy(), sizes.copy()
    forecaster = _forecaster(strategy=strategy, series_identity=True)
    forecaster.fit(monthly_panel, static_covariates=sizes)
    pd.testing.assert_frame_equal(monthly_panel, before)
    pd.testing.assert_frame_equal(sizes, static_before)
    ids = sizes.index.tolist()
    assert forecaster.static_columns_ == ("size", "big", *[f"series={i}" for i in ids])
    # As given, one row per series; the model reads them standardized.
    np.testing.assert_allclose(
        forecaster.static_covariates_, sizes.astype(float), rtol=1e-12, atol=1e-12
    )
    history = forecaster.history_
    for k in range(len(ids)):
        rows = history.panel.data[history.panel.series(k)][:, -history.n_static :]
        assert (rows == rows[0]).all()
    table = history.static_values()
    np.testing.assert_allclose(table[:, :2].mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(table[:, :2].std(axis=0), 1.0)
    np.testing.assert_array_equal(table[:, 2:], np.eye(len(ids)))
    # Over the forecast steps: known ahead (recursive) or read in the window.
    ks = np.arange(len(ids))
    windows, _ = forecaster.origin_windows(history, ks, history.lengths, 6)
    if strategy == "recursive":
        assert windows.X_future.shape == (len(ids), 6, history.n_static)
        np.testing.assert_allclose(
            windows.X_future, np.repeat(table[:, None], 6, axis=1)
        )
    else:
        assert windows.X_future is None
        np.testing.assert_allclose(windows.X[:, -1, -history.n_static :], table)


def test_a_flat_model_forecasts_the_level_its_static_covariate_gives():
    # Two series with the same noise but levels 10 and 50, named only by a
    # static covariate: its values must reach the model for the levels to split.
    rng = np.random.default_rng(0)
    time = pd.date_range("2020-01-01", periods=80, freq="D")
    noise = rng.normal(0, 1, 80)
    frame = pd.DataFrame(
        {
            "id": np.repeat(["a", "b"], 80),
            "date": np.tile(time, 2),
            "v": np.concatenate([noise, noise]),
        }
    )
    level = pd.Series([10.0, 50.0], index=["a", "b"], name="level").to_frame()
    shifted = frame.assign(v=frame["v"] + np.repeat(level["level"].to_numpy(), 80))
    flat = Forecaster(Ridge(alpha=1e-6), input_width=1, id_col="id", time_col="date")
    # The input value alone cannot tell the series apart after removing each
    # one's mean; with the static level the model recovers it.
    forecast = flat.fit(shifted, static_covariates=level).predict()
    assert forecast.loc["b", "v"].iloc[0] - forecast.loc["a", "v"].iloc[0] > 30


@pytest.mark.parametrize("strategy", ["direct", "recursive"])
def test_a_new_history_reads_the_fitted_values_and_may_change_them(
    monthly_panel, sizes, strategy
):
    forecaster = _forecaster(strategy=strategy, series_identity=True)
    forecaster.fit(monthly_panel, static_covariates=sizes)
    full = forecaster.predict()
    two = monthly_panel[monthly_panel["id"].isin(["M1", "M2"])]
    part = forecaster.predict(two)
    pd.testing.assert_frame_equal(part, full.loc[["M1", "M2"]])
    # A new value for M2 changes M2's forecast and no other.
    bigger = sizes.loc[["M2"]].assign(size=sizes["size"].max() * 3)
    changed = forecaster.predict(two, static_covariates=bigger)
    pd.testing.assert_frame_equal(changed.loc[["M1"]], part.loc[["M1"]])
    assert not np.allclose(changed.loc["M2"], part.loc["M2"])


def test_a_history_read_without_static_columns_gets_those_of_fit(monthly_panel, sizes):
    forecaster = _forecaster(series_identity=True)
    forecaster.fit(monthly_panel, static_covariates=sizes)
    bare = Forecaster(Ridge(), id_col="id", time_col="date").read(monthly_panel)
    assert bare.n_static == 0
    paths = forecaster.forecast_paths(bare, bare.lengths[:, None], 6)
    expected = forecaster.predict()["value"].to_numpy()
    np.testing.assert_allclose(paths.values[..., 0].ravel(), expected)
    # A History handed to fit gets the identity too.
    refit = _forecaster(series_identity=True).fit(bare)
    assert len(refit.static_columns_) == 8


def test_series_identity_tells_series_apart_and_survives_pickling(monthly_panel):
    forecaster = _forecaster(series_identity=True).fit(monthly_panel)
    assert forecaster.static_covariates_ is None
    assert len(forecaster.static_columns_) == 8
    plain = _forecaster().fit(monthly_panel)
    assert not np.allclose(forecaster.predict(), plain.predict())
    restored = pickle.loads(pickle.dumps(forecaster))
    pd.testing.assert_frame_equal(restored.predict(), forecaster.predict())


def test_a_series_too_short_to_train_gets_no_identity(monthly_panel):
    short = monthly_panel.groupby("id").head(200)
    ids = short["id"].unique()
    short = short[(short["id"] != ids[0]) | (short.groupby("id").cumcount() < 12)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        forecaster = _forecaster(series_identity=True).fit(short)
    assert f"series={ids[0]}" not in forecaster.static_columns_
    assert len(forecaster.static_columns_) == len(ids) - 1
    assert (forecaster.history_.static_values()[0] == 0).all()
    assert len(forecaster.predict().loc[ids[0]]) == 6  # still forecast


def test_static_columns_too_large_for_memory_raise_before_fitting(
    monthly_panel, monkeypatch
):
    from tsrnn.forecasting import static

    # 8 identity columns on 24 rows of each of the 1,534 windows: 2.4 MB.
    monkeypatch.setattr(static, "MAX_BYTES", 1_000_000)
    with pytest.raises(ValueError, match=r"8 columns \(8 of series_identity\)"):
        _forecaster(series_identity=True).fit(monthly_panel)
    monkeypatch.setattr(static, "MAX_BYTES", 3_000_000)
    _forecaster(series_identity=True).fit(monthly_panel)


def test_sampled_paths_read_the_static_columns(monthly_panel, sizes):
    model = RNNRegressor(distribution="normal", **FAST)
    forecaster = _forecaster(model, strategy="recursive", series_identity=True)
    forecaster.fit(monthly_panel, static_covariates=sizes)
    frame = forecaster.predict(level=[80], n_paths=50, random_state=0)
    assert frame.columns.tolist() == ["value", "value_lower_80", "value_upper_80"]
    assert (frame["value_lower_80"] <= frame["value_upper_80"]).all()


@pytest.mark.parametrize(
    ("static", "match"),
    [
        ("table", "must be a pandas DataFrame"),
        ("text", "must have numeric columns"),
        ("missing", "must have a row for every series. Got none for series"),
        ("repeated", "must have one row per series"),
        ("nan", "must hold finite numbers. Got nan for series 'M3'"),
        ("clash", "must have new column names"),
    ],
)
def test_bad_static_covariates_raise_clear_errors(monthly_panel, sizes, static, match):
    bad = {
        "table": sizes.to_numpy(),
        "text": sizes.assign(kind="x"),
        "missing": sizes.drop(index="M5"),
        "repeated": pd.concat([sizes, sizes.iloc[:1]]),
        "nan": sizes.assign(size=sizes["size"].where(sizes.index != "M3")),
        "clash": sizes.rename(columns={"size": "value"}),
    }[static]
    error = TypeError if static == "table" else ValueError
    with pytest.raises(error, match=match):
        _forecaster().fit(monthly_panel, static_covariates=bad)


def test_static_covariates_are_refused_where_they_cannot_apply(monthly_panel, sizes):
    one = monthly_panel[monthly_panel["id"] == "M1"].set_index("date")[["value"]]
    with pytest.raises(ValueError, match="need many series"):
        Forecaster(Ridge(), series_identity=True).fit(one)
    with pytest.raises(TypeError, match="`series_identity` must be True or False"):
        _forecaster(series_identity="yes").fit(monthly_panel)
    fitted = _forecaster(series_identity=True).fit(monthly_panel)
    with pytest.raises(ValueError, match="must come with a `history`"):
        fitted.predict(static_covariates=sizes)
    with pytest.raises(ValueError, match="only static columns are its series_iden"):
        fitted.predict(monthly_panel, static_covariates=sizes)
    other = monthly_panel.assign(id=monthly_panel["id"] + "x")
    with pytest.raises(ValueError, match="a new series has no learned identity"):
        fitted.predict(other)
    with pytest.raises(TypeError, match="not a History"):
        fitted.read(fitted.history_, static_covariates=sizes)
    with_sizes = _forecaster().fit(monthly_panel, static_covariates=sizes)
    with pytest.raises(ValueError, match="must have the columns seen in fit"):
        with_sizes.predict(monthly_panel, static_covariates=sizes[["size"]])
