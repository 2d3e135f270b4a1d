"""Plots render to PNG and draw what they claim, on the real airline data."""

from __future__ import annotations

import matplotlib.image
import numpy as np
import pandas as pd
import pytest

from tsrnn.plotting import (
    plot_backtest,
    plot_fan,
    plot_forecast,
    plot_history,
    plot_paths,
    plot_windows,
)


@pytest.fixture
def airline(airline_csv) -> pd.Series:
    frame = pd.read_csv(airline_csv, parse_dates=["Date"], index_col="Date")
    return frame["Passengers"].asfreq("MS")


def _render(fig, path):
    fig.savefig(path, dpi=60)
    image = matplotlib.image.imread(path)
    assert image.ndim == 3 and image.shape[0] > 50 and image.shape[1] > 50
    # Something was drawn: the picture is not one flat color.
    assert np.ptp(image[..., :3]) > 0.5
    return image


def test_plot_forecast_draws_history_actuals_forecast_and_band(airline, tmp_path):
    train, test = airline.iloc[:-36], airline.iloc[-36:]
    forecast = pd.DataFrame(
        {
            "Passengers": train.iloc[-12:].to_numpy().repeat(3)[:36] * 1.0,
        },
        index=test.index,
    )
    forecast["Passengers_lower"] = forecast["Passengers"] - 20
    forecast["Passengers_upper"] = forecast["Passengers"] + 20
    fig = plot_forecast(train, forecast, test, target="Passengers")
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.lines]
    assert labels == ["history", "actual", "forecast"]
    assert len(ax.collections) == 1  # the interval band
    np.testing.assert_allclose(ax.lines[2].get_ydata(), forecast["Passengers"])
    _render(fig, tmp_path / "forecast.png")


def test_plot_forecast_without_interval_has_no_band(airline, tmp_path):
    forecast = airline.iloc[-12:].rename("Passengers")
    fig = plot_forecast(airline.iloc[:-12], forecast, last=24)
    assert len(fig.axes[0].collections) == 0
    assert len(fig.axes[0].lines[0].get_xdata()) == 24
    _render(fig, tmp_path / "forecast.png")


def test_plot_forecast_raises_ValueError_when_target_is_not_a_column(airline):
    frame = airline.to_frame()
    with pytest.raises(ValueError, match="`target` must be a column"):
        plot_forecast(frame, frame.iloc[-3:], target="nope")


def test_plot_backtest_draws_one_line_per_fold(airline, tmp_path):
    parts = []
    for fold, end in enumerate((-36, -24, -12)):
        index = airline.index[end : end + 12 or None]
        parts.append(pd.DataFrame({"fold": fold, "Passengers": 300.0}, index=index))
    forecasts = pd.concat(parts)
    fig = plot_backtest(airline, forecasts)
    assert [line.get_label() for line in fig.axes[0].lines][1:] == [
        "fold 0",
        "fold 1",
        "fold 2",
    ]
    _render(fig, tmp_path / "backtest.png")


def test_plot_backtest_reads_a_backtest_result(airline, tmp_path):
    from sklearn.linear_model import Ridge

    from tsrnn import Forecaster, backtest

    result = backtest(
        Forecaster(Ridge(), input_width=24, horizon=12, level=0.8),
        airline,
        n_folds=2,
    )
    fig = plot_backtest(airline, result)
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["actual", "fold 0", "fold 1"]
    first = result.forecasts[result.forecasts["fold"] == 0]
    np.testing.assert_allclose(ax.lines[1].get_ydata(), first["y_pred"])
    assert len(ax.collections) == 2  # one interval band per fold
    _render(fig, tmp_path / "backtest.png")
    with pytest.raises(ValueError, match="`target` must be one of"):
        plot_backtest(airline, result, target="nope")


def test_plot_history_accepts_dicts_and_fitted_estimators(tmp_path):
    class Fitted:
        def __init__(self):
            self.history_ = {"loss": [3.0, 2.0, 1.0]}

    fig = plot_history(Fitted(), log=True)
    assert fig.axes[0].get_yscale() == "log"
    np.testing.assert_array_equal(fig.axes[0].lines[0].get_ydata(), [3.0, 2.0, 1.0])
    _render(fig, tmp_path / "history.png")
    with pytest.raises(TypeError, match="`history` must be"):
        plot_history([1, 2, 3])
    with pytest.raises(ValueError, match="`metrics` must name"):
        plot_history({"loss": [1.0]}, metrics=["val_loss"])


def test_plot_windows_marks_inputs_gap_and_targets_per_window(tmp_path):
    fig = plot_windows(5, 2, stride=3, gap=1, n_windows=3)
    patches = fig.axes[0].patches
    # three parts (input, gap, target) per window
    assert len(patches) == 9
    target_starts = [p.get_x() for p in patches if p.get_width() == 2]
    assert target_starts == [6, 9, 12]
    _render(fig, tmp_path / "windows.png")


def _sampled_paths(index, n_paths=200, id_=None):
    """A Forecaster.sample-like frame: N(500 + 10 step, 30 step) draws."""
    rng = np.random.default_rng(0)
    steps = np.arange(1, len(index) + 1)
    values = (
        500
        + 10 * steps
        + 30 * np.sqrt(steps) * rng.standard_normal((n_paths, len(index)))
    )
    frame = pd.DataFrame(
        {
            "Date": np.tile(index, n_paths),
            "path": np.repeat(np.arange(n_paths), len(index)),
            "Passengers": values.ravel(),
        }
    )
    if id_ is not None:
        frame.insert(0, "id", id_)
    return frame


def test_plot_fan_draws_one_band_per_level_nested_around_the_median(airline, tmp_path):
    future = pd.date_range("1961-01-01", periods=12, freq="MS")
    paths = _sampled_paths(future)
    fig = plot_fan(airline, paths, level=[50, 80, 95], last=36)
    ax = fig.axes[0]
    assert len(ax.collections) == 3
    widths = [np.ptp(band.get_paths()[0].vertices[:, 1]) for band in ax.collections]
    assert widths[0] > widths[1] > widths[2]  # 95 % drawn first, widest
    median = paths.groupby("Date")["Passengers"].median()
    np.testing.assert_allclose(ax.lines[-1].get_ydata(), median)
    _render(fig, tmp_path / "fan.png")


def test_plot_fan_reads_the_interval_columns_of_a_quantile_frame(airline, tmp_path):
    future = pd.date_range("1961-01-01", periods=6, freq="MS")
    frame = pd.DataFrame({"Passengers": np.full(6, 500.0)}, index=future)
    for level, half in ((80, 40.0), (95, 70.0)):
        frame[f"Passengers_lower_{level}"] = 500 - half
        frame[f"Passengers_upper_{level}"] = 500 + half
    fig = plot_fan(airline, frame)
    assert [c.get_label() for c in fig.axes[0].collections] == ["95 %", "80 %"]
    _render(fig, tmp_path / "fan.png")


def test_plot_paths_draws_the_first_paths_of_one_series(airline, tmp_path):
    future = pd.date_range("1961-01-01", periods=12, freq="MS")
    paths = pd.concat(
        [_sampled_paths(future, 20, "a"), _sampled_paths(future, 20, "b")]
    )
    fig = plot_paths(airline, paths, series="b", n_paths=4)
    assert len(fig.axes[0].lines) == 1 + 4
    _render(fig, tmp_path / "paths.png")
    with pytest.raises(ValueError, match="pass `series=`"):
        plot_paths(airline, paths)


def test_plot_fan_raises_on_a_frame_without_paths_or_levels(airline):
    with pytest.raises(ValueError, match="must hold columns"):
        plot_fan(airline, airline.iloc[-3:].to_frame())
    with pytest.raises(ValueError, match="`level` must be in percent"):
        plot_fan(airline, _sampled_paths(airline.index[-3:]), level=[100])
