"""The history is read once: one checked Panel goes from the reader to the windows.

Also: every windowing option is reachable from the Forecaster (stride, gap,
fill_missing, nan_policy, scale_by), on real data.
"""

import ast
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge
from sklearn.preprocessing import StandardScaler

import tsrnn.data.panel as panels
from tsrnn.data.panel import Panel
from tsrnn.data.windower import Windower
from tsrnn.exceptions import DataWarning
from tsrnn.forecasting.forecaster import Forecaster
from tsrnn.forecasting.history import History
from tsrnn.forecasting.transforms import Difference, Log


@pytest.fixture(scope="module")
def airline(shared_data):
    frame = pd.read_csv(shared_data / "forecasting" / "airline.csv")
    index = pd.PeriodIndex(frame["Date"], freq="M").to_timestamp()
    series = pd.Series(frame["Passengers"].to_numpy(float), index=index)
    return series.rename("Passengers").rename_axis("Date")


@pytest.fixture(scope="module")
def tourism(shared_data):
    """Twelve real monthly tourism series of unequal length, train rows only."""
    frame = pd.read_csv(shared_data / "forecasting" / "tourism_monthly.csv")
    frame = frame[frame["split"] == "train"].drop(columns="split")
    keep = frame["id"].drop_duplicates().iloc[:12]
    frame = frame[frame["id"].isin(keep)]
    return frame.assign(date=pd.to_datetime(frame["date"])).reset_index(drop=True)


class SpyRidge(Ridge):
    """Ridge that records the number of training windows of each fit."""

    fits: list = []  # noqa: RUF012 (shared on purpose, reset by the tests)

    def fit(self, X, y):
        SpyRidge.fits.append(len(X))
        return super().fit(X, y)


def test_fit_parses_the_caller_frame_once_and_windows_the_checked_panel(
    tourism, monkeypatch
):
    reads, windowed = [], []
    read_frame, fit = panels.read_frame, Windower.fit

    def counting_read(frame, *args, **kwargs):
        reads.append(kwargs.get("name"))
        return read_frame(frame, *args, **kwargs)

    def recording_fit(self, frame):
        windowed.append(type(frame))
        return fit(self, frame)

    monkeypatch.setattr(panels, "read_frame", counting_read)
    monkeypatch.setattr(Windower, "fit", recording_fit)
    forecaster = Forecaster(Ridge(), 24, 6, id_col="id", time_col="date")
    forecaster.fit(tourism)
    assert reads == ["y"]
    assert windowed == [Panel]
    assert isinstance(forecaster.history_, History)
    assert forecaster.history_.ids.tolist() == tourism["id"].unique().tolist()


def test_read_returns_the_history_that_fit_and_predict_accept(tourism):
    forecaster = Forecaster(Ridge(), 24, 6, id_col="id", time_col="date")
    history = forecaster.read(tourism)
    from_frame = Forecaster(Ridge(), 24, 6, id_col="id", time_col="date")
    a = forecaster.fit(history).predict()
    b = from_frame.fit(tourism).predict()
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(forecaster.predict(history), a)


def test_long_rows_in_any_order_give_the_same_forecast(tourism):
    shuffled = tourism.sample(frac=1.0, random_state=0)
    before = shuffled.copy()
    forecaster = Forecaster(Ridge(), 24, 6, id_col="id", time_col="date")
    a = forecaster.fit(tourism).predict()
    b = Forecaster(Ridge(), 24, 6, id_col="id", time_col="date").fit(shuffled)
    # Series come in order of first appearance; each one's forecast is the same.
    pd.testing.assert_frame_equal(a, b.predict().loc[a.index])
    pd.testing.assert_frame_equal(shuffled, before)


def test_forecasting_layer_never_imports_keras_or_tensorflow():
    folder = Path(__file__).resolve().parents[2] / "tsrnn" / "forecasting"
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert not name.startswith(("keras", "tensorflow", "tsrnn.nn")), (
                    path.name,
                    name,
                )


def test_backtest_touches_no_private_member_of_the_forecaster():
    path = Path(__file__).resolve().parents[2] / "tsrnn/forecasting/backtesting.py"
    tree = ast.parse(path.read_text())
    private = [
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
    ]
    assert private == []


# ----------------------------------------------- windowing options, passed on


def test_stride_thins_the_training_windows(airline):
    SpyRidge.fits = []
    Forecaster(SpyRidge(), 24, 6).fit(airline)
    Forecaster(SpyRidge(), 24, 6, stride=3).fit(airline)
    every, third = SpyRidge.fits
    assert every == len(airline) - 24 - 6 + 1
    assert third == (every - 1) // 3 + 1


def test_gap_skips_steps_between_history_and_forecast(airline):
    forecaster = Forecaster(Ridge(), 24, 6, gap=2, transforms=[Log()])
    forecast = forecaster.fit(airline).predict()
    assert forecast.index[0] == pd.Timestamp("1961-03-01")
    assert len(forecast) == 6
    # The same model by hand: windows with gap=2 of the log series.
    log = np.log(airline.to_frame())
    windows = Windower(24, 6, gap=2).fit(log).transform(log)
    ridge = Ridge().fit(windows.X.reshape(len(windows), -1), windows.y[..., 0])
    last = np.log(airline.to_numpy()[-24:])[None]
    np.testing.assert_allclose(
        forecast["Passengers"], np.exp(ridge.predict(last)[0]), rtol=1e-5
    )
    with pytest.raises(ValueError, match="`gap` must be 0 with strategy='recursive'"):
        Forecaster(Ridge(), 24, gap=1, strategy="recursive").fit(airline)
    with pytest.raises(ValueError, match="or a Difference transform"):
        Forecaster(Ridge(), 24, gap=1, transforms=[Difference()]).fit(airline)


def test_fill_missing_reaches_the_reader(airline):
    gappy = airline.drop(airline.index[[30, 31]])
    with pytest.raises(ValueError, match="missing timestamps, the first at 1951-07"):
        Forecaster(Ridge(), 24, 6, freq="MS").fit(gappy)
    filled = Forecaster(Ridge(), 24, 6, freq="MS", fill_missing="interpolate")
    filled.fit(gappy)
    assert len(filled.history_.lengths) == 1
    assert int(filled.history_.lengths[0]) == len(airline)
    assert np.isfinite(filled.predict().to_numpy()).all()


def test_nan_policies_reach_the_forecaster(airline):
    holed = airline.copy()
    holed.iloc[[40, 90]] = np.nan
    with pytest.raises(ValueError, match="Got NaN in column 'Passengers' at 1952-05"):
        Forecaster(Ridge(), 24, 6).fit(holed)
    ffill = Forecaster(Ridge(), 24, 6, nan_policy="ffill").fit(holed).predict()
    assert np.isfinite(ffill.to_numpy()).all()
    SpyRidge.fits = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dropped = Forecaster(SpyRidge(), 24, 6, nan_policy="drop_windows").fit(holed)
    assert any(issubclass(w.category, DataWarning) for w in caught)
    # Each NaN row removes the windows whose 30 rows touch it.
    assert SpyRidge.fits == [len(airline) - 24 - 6 + 1 - 2 * 30]
    assert np.isfinite(dropped.predict().to_numpy()).all()
    late = airline.copy()
    late.iloc[-3] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        model = Forecaster(Ridge(), 24, 6, nan_policy="drop_windows").fit(late)
    with pytest.raises(ValueError, match="must hold no NaN to forecast from them"):
        model.predict()


def test_scale_by_series_fits_one_scaler_per_series(tourism):
    options = dict(id_col="id", time_col="date", scaler=StandardScaler())
    by_series = Forecaster(Ridge(), 24, 6, scale_by="series", **options).fit(tourism)
    assert len(by_series.windower_.scalers_) == 12
    assert by_series.windower_.scaler_ is None
    forecast = by_series.predict()
    assert forecast.index.get_level_values("id").unique().tolist() == (
        tourism["id"].unique().tolist()
    )
    one = Forecaster(Ridge(), 24, 6, **options).fit(tourism).predict()
    assert np.isfinite(forecast.to_numpy()).all()
    assert not np.allclose(forecast.to_numpy(), one.to_numpy())
