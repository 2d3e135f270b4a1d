"""Global models over real panels with series shorter than the input window."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from tsrnn import DenseRegressor, Forecaster, RNNRegressor
from tsrnn.exceptions import DataWarning
from tsrnn.forecasting.padding import left_pad


@pytest.fixture(scope="module")
def quarterly(shared_data) -> pd.DataFrame:
    frame = pd.read_csv(shared_data / "forecasting" / "tourism_quarterly.csv")
    frame = frame[frame["id"].isin(frame["id"].unique()[:20])]
    frame = frame[frame["split"] == "train"][["id", "date", "value"]]
    return frame.assign(date=pd.to_datetime(frame["date"]))


def _cut(frame, sid, rows):
    return pd.concat(
        [frame[frame["id"] == sid].tail(rows), frame[frame["id"] != sid]]
    ).reset_index(drop=True)


def _forecaster(estimator=None, **options):
    estimator = estimator or RNNRegressor(
        cell="gru",
        units=8,
        epochs=2,
        instance_norm=True,
        jit_compile=False,
        random_state=0,
    )
    settings = dict(input_width=16, horizon=8, id_col="id", time_col="date")
    return Forecaster(estimator, **{**settings, **options})


def test_short_series_are_forecast_from_their_own_rows(quarterly):
    first, second = quarterly["id"].unique()[:2]
    panel = _cut(_cut(quarterly, first, 5), second, 20)  # 5 < 16 <= 20 < 24
    before = panel.copy()
    with pytest.warns(DataWarning, match="2 of 20 series are shorter than"):
        forecaster = _forecaster().fit(panel)
    pd.testing.assert_frame_equal(panel, before)
    forecast = forecaster.predict()
    assert forecast.index.get_level_values("id").unique().tolist() == list(
        panel["id"].unique()
    )
    assert len(forecast) == 20 * 8 and np.isfinite(forecast["value"]).all()
    # The 5-row series: the network reads exactly its 5 scaled rows.
    history = forecaster.history_
    k = history.ids.tolist().index(first)
    rows = history.panel.take(0, [5], series=[k])
    padded, pads = left_pad(rows, 16)
    assert pads.tolist() == [11]
    windows = forecaster.windower_.transform(padded, last_only=True)
    by_hand = forecaster.estimator_.predict([windows.X[0, 11:]])
    expected = windows.inverse_transform_y(by_hand).ravel()
    np.testing.assert_allclose(forecast.loc[first, "value"], expected, rtol=1e-6)


def test_padding_does_not_change_the_forecast_of_a_short_series(quarterly):
    first = quarterly["id"].unique()[0]
    panel = _cut(quarterly, first, 6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        forecaster = _forecaster().fit(panel)
    model = forecaster.estimator_
    k = forecaster.history_.ids.tolist().index(first)
    rows = forecaster.history_.panel.take(0, [6], series=[k])
    padded, _ = left_pad(rows, 16)
    x = forecaster.windower_.transform(padded, last_only=True).X[0]
    garbage = np.vstack([np.full((10, x.shape[1]), 1e3, np.float32), x[10:]])
    longer = np.vstack([np.zeros((4, x.shape[1]), np.float32), x[10:]])
    # Unpadded, padded by the estimator against a longer sequence, or read from
    # a window whose first rows hold garbage and are cut off: the same output.
    alone = model.predict([x[10:]])
    beside = model.predict([x[10:], longer])[:1]
    cut = model.predict([garbage[10:]])
    np.testing.assert_allclose(alone, beside, rtol=1e-6)
    np.testing.assert_allclose(alone, cut, rtol=1e-6)


def test_series_without_training_windows_still_forecast_from_a_full_window(
    quarterly,
):
    first = quarterly["id"].unique()[0]
    panel = _cut(quarterly, first, 20)  # a full input window, no training window
    with pytest.warns(DataWarning, match="1 of 20"):
        forecaster = _forecaster().fit(panel)
    k = forecaster.history_.ids.tolist().index(first)
    windows = forecaster.windower_.transform(
        forecaster.history_.panel.take(4, [20], series=[k]), last_only=True
    )
    expected = windows.inverse_transform_y(forecaster.estimator_.predict(windows.X))
    np.testing.assert_allclose(
        forecaster.predict().loc[first, "value"], expected.ravel(), rtol=1e-6
    )


@pytest.mark.parametrize(
    ("forecaster", "match"),
    [
        (
            _forecaster(strategy="recursive", horizon=1),
            "must have at least input_width \\+ horizon = 17 rows",
        ),
        (
            _forecaster(DenseRegressor(units=(4,), epochs=1, jit_compile=False)),
            "must have at least input_width \\+ horizon = 24 rows",
        ),
        (_forecaster(level=0.9), "with level or scale_by='series'"),
    ],
    ids=["recursive", "dense", "intervals"],
)
def test_short_series_raise_where_they_cannot_be_padded(quarterly, forecaster, match):
    panel = _cut(quarterly, quarterly["id"].unique()[0], 5)
    with pytest.raises(ValueError, match=match):
        forecaster.fit(panel)


def test_a_panel_of_only_short_series_still_raises(quarterly):
    short = quarterly.groupby("id").tail(10)
    with pytest.raises(ValueError, match="must have at least input_width"):
        _forecaster().fit(short)


def test_predict_on_a_new_history_pads_its_short_series(quarterly):
    forecaster = _forecaster().fit(quarterly)
    first = quarterly["id"].unique()[0]
    newer = _cut(quarterly, first, 3)
    forecast = forecaster.predict(newer)
    assert np.isfinite(forecast.loc[first, "value"]).all()
