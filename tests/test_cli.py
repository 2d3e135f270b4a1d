"""The `tsrnn` command on the bundled real data, and its error messages."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tsrnn.cli import main

ROOT = Path(__file__).resolve().parents[1]
AIRLINE = ROOT / "datasets" / "airline.csv"


def test_forecast_writes_table_csv_png_and_model(tmp_path, capsys):
    out = tmp_path / "out"
    status = main(
        [
            "forecast",
            str(AIRLINE),
            "--target",
            "Passengers",
            "--horizon",
            "12",
            "--model",
            "ridge",
            "--output",
            str(out),
            "--quiet",
        ]
    )
    assert status == 0
    printed = capsys.readouterr().out
    for row in ("naive", "seasonal naive", "ridge", "dense"):
        assert row in printed
    forecast = pd.read_csv(out / "forecast.csv", parse_dates=["Date"])
    assert forecast["Date"].dt.strftime("%Y-%m").tolist() == [
        f"1961-{m:02d}" for m in range(1, 13)
    ]
    assert (forecast["Passengers_lower"] <= forecast["Passengers"]).all()
    assert (forecast["Passengers"] <= forecast["Passengers_upper"]).all()
    metrics = pd.read_csv(out / "holdout_metrics.csv", index_col="model")
    # The linear model on log-differenced data beats the seasonal naive forecast.
    assert metrics.loc["ridge", "MAPE"] < metrics.loc["seasonal naive", "MAPE"]
    assert (out / "forecast.png").stat().st_size > 10_000
    import joblib

    model = joblib.load(out / "model.joblib")
    pd.testing.assert_frame_equal(
        model.predict(12).reset_index(drop=True),
        forecast.drop(columns="Date"),
        check_exact=False,
    )


@pytest.mark.slow
def test_forecast_with_lstm_beats_seasonal_naive_on_airline(tmp_path, capsys):
    out = tmp_path / "out"
    args = ["forecast", str(AIRLINE), "--target", "Passengers", "--horizon", "36"]
    options = ["--model", "lstm", "--epochs", "40"]
    assert main([*args, *options, "--output", str(out), "--quiet"]) == 0
    metrics = pd.read_csv(out / "holdout_metrics.csv", index_col="model")
    assert metrics.loc["lstm", "MAPE"] < metrics.loc["seasonal naive", "MAPE"]


def test_classify_prints_accuracy_and_confusion_matrix(tmp_path, capsys):
    data = ROOT / "datasets"
    status = main(
        [
            "classify",
            str(data / "ItalyPowerDemand_TRAIN.ts"),
            str(data / "ItalyPowerDemand_TEST.ts"),
            "--epochs",
            "100",
            "--units",
            "16",
            "--output",
            str(tmp_path),
            "--quiet",
        ]
    )
    assert status == 0
    printed = capsys.readouterr().out
    assert "confusion matrix" in printed
    table = pd.read_csv(tmp_path / "accuracy.csv", index_col="model")
    assert set(table.index) == {"gru_fcn", "dense"}  # the default architecture
    # Published: ROCKET 0.970; two balanced classes, so a coin gets 0.5.
    assert table.loc["gru_fcn", "accuracy"] > 0.85
    assert (tmp_path / "model" / "model.keras").is_file()


def _error(argv, capsys) -> str:
    assert main(argv) == 2
    return capsys.readouterr().err


def test_forecast_reports_missing_file(tmp_path, capsys):
    err = _error(["forecast", str(tmp_path / "nope.csv"), "--target", "y"], capsys)
    assert "file not found" in err and "nope.csv" in err


def test_forecast_reports_missing_column_and_lists_columns(capsys):
    err = _error(["forecast", str(AIRLINE), "--target", "passengers"], capsys)
    assert "--target passengers not found" in err and "Passengers" in err


def test_forecast_reports_unparseable_time_column(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("when,y\nmonday,1\ntuesday,2\nwednesday,3\n")
    err = _error(["forecast", str(path), "--target", "y"], capsys)
    assert "no time column found" in err and "--time-col" in err
    err = _error(["forecast", str(path), "--target", "y", "--time-col", "when"], capsys)
    assert "could not be parsed as dates" in err


def test_forecast_reports_too_little_data(tmp_path, capsys):
    frame = pd.read_csv(AIRLINE).head(30)
    path = tmp_path / "short.csv"
    frame.to_csv(path, index=False)
    args = ["forecast", str(path), "--target", "Passengers"]
    err = _error([*args, "--model", "lstm"], capsys)
    assert "too little data: 30 rows" in err
    # auto: a holdout of the horizon and a validation fold of 2 + horizon rows.
    err = _error([*args, "--horizon", "15"], capsys)
    assert "too little data: 30 rows in the longest series" in err
    assert "at least 32" in err


def test_forecast_reports_irregular_time_steps(tmp_path, capsys):
    frame = pd.read_csv(AIRLINE).drop(index=[5, 50])
    path = tmp_path / "gaps.csv"
    frame.to_csv(path, index=False)
    err = _error(["forecast", str(path), "--target", "Passengers"], capsys)
    assert "no regular frequency" in err


def test_classify_reports_missing_file(tmp_path, capsys):
    err = _error(["classify", str(tmp_path / "a.ts"), str(tmp_path / "b.ts")], capsys)
    assert "file not found" in err


def test_module_entry_point_shows_help():
    result = subprocess.run(
        [sys.executable, "-m", "tsrnn", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "forecast" in result.stdout and "classify" in result.stdout


def test_forecast_never_writes_a_model_that_lost_to_seasonal_naive(
    tmp_path, capsys, shared_data
):
    # A real, strongly seasonal tourism series; an untrained network on raw
    # values (one epoch, no transforms) loses to seasonal naive on the holdout.
    panel = pd.read_csv(shared_data / "forecasting" / "tourism_monthly.csv")
    one = panel[(panel["id"] == "M1") & (panel["split"] == "train")]
    path = tmp_path / "one.csv"
    one[["date", "value"]].to_csv(path, index=False)
    out = tmp_path / "out"
    args = ["forecast", str(path), "--target", "value", "--horizon", "24"]
    options = ["--epochs", "1", "--transforms", "none", "--model", "gru"]
    assert main([*args, *options, "--output", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    metrics = pd.read_csv(out / "holdout_metrics.csv", index_col="model")
    best = metrics["MASE"].idxmin()
    assert metrics.loc["gru", "MASE"] > metrics.loc["seasonal naive", "MASE"]
    assert best in ("naive", "seasonal naive")
    assert f"writing the {best} forecast" in printed
    forecast = pd.read_csv(out / "forecast.csv")
    values = one["value"].to_numpy()
    if best == "seasonal naive":
        expected = np.tile(values[-12:], 2)
    else:
        expected = np.full(24, values[-1])
    np.testing.assert_allclose(forecast["value"], expected)
    assert (forecast["value_lower"] <= forecast["value"]).all()
    import joblib

    model = joblib.load(out / "model.joblib")
    np.testing.assert_allclose(model.predict(24)["value"], expected)


@pytest.fixture
def quick_recurrent(monkeypatch):
    """The auto mode's recurrent candidates train a few steps (mechanics only)."""
    from tsrnn.forecasting import candidates

    monkeypatch.setattr(candidates, "TRAINING_STEPS", 20)
    monkeypatch.setattr(candidates, "EPOCHS", (1, 2))


def test_auto_forecasts_every_series_of_a_long_file(
    tmp_path, capsys, shared_data, quick_recurrent
):
    panel = pd.read_csv(shared_data / "forecasting" / "tourism_quarterly.csv")
    panel = panel[panel["id"].isin(panel["id"].unique()[:12])]
    panel = panel[panel["split"] == "train"][["id", "date", "value"]]
    path = tmp_path / "panel.csv"
    panel.to_csv(path, index=False)
    out = tmp_path / "out"
    args = ["forecast", str(path), "--target", "value", "--horizon", "8"]
    assert main([*args, "--id-col", "id", "--output", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "leaderboard" in printed and "ensemble best:" in printed
    coverage = re.search(r"coverage of the 90% intervals .*: ([\d.]+)% of 96", printed)
    assert coverage and float(coverage.group(1)) > 50  # bands of 90 % are not empty
    forecast = pd.read_csv(out / "forecast.csv", parse_dates=["date"])
    assert forecast.columns.tolist() == [
        "id",
        "date",
        "value",
        "value_lower",
        "value_upper",
    ]
    assert len(forecast) == 12 * 8
    last = panel.assign(date=pd.to_datetime(panel["date"])).groupby("id")["date"].max()
    first_step = forecast.groupby("id")["date"].min()
    assert (first_step > last.reindex(first_step.index)).all()
    metrics = pd.read_csv(out / "holdout_metrics.csv", index_col="model")
    # The written forecast never lost to a baseline on the holdout.
    baselines = ["naive", "seasonal_naive", "drift", "seasonal_naive_drift"]
    assert set(baselines) <= set(metrics.index)
    written = "best"
    if metrics.loc["best", "MASE"] > metrics.loc[baselines, "MASE"].min():
        written = metrics.loc[baselines, "MASE"].idxmin()
    import joblib

    model = joblib.load(out / "model.joblib")
    np.testing.assert_allclose(
        model.predict(ensemble=written)["value"].to_numpy(), forecast["value"]
    )
    assert (out / "forecast.png").stat().st_size > 10_000
    board = pd.read_csv(out / "leaderboard.csv", index_col="candidate")
    assert {"gru_direct", "gru_recursive", "seasonal_naive"} <= set(board.index)


def test_auto_fills_gaps_only_when_asked(tmp_path, capsys, quick_recurrent):
    frame = pd.read_csv(AIRLINE).drop(index=[5, 50])
    path = tmp_path / "gaps.csv"
    frame.to_csv(path, index=False)
    args = ["forecast", str(path), "--target", "Passengers", "--horizon", "12"]
    err = _error(args, capsys)
    assert "no regular frequency" in err and "--missing" in err
    out = tmp_path / "out"
    options = ["--missing", "interpolate", "--output", str(out), "--quiet"]
    assert main([*args, *options]) == 0
    forecast = pd.read_csv(out / "forecast.csv", parse_dates=["Date"])
    assert forecast["Date"].dt.strftime("%Y-%m").tolist()[0] == "1961-01"


def test_single_models_refuse_panel_options(tmp_path, capsys):
    args = ["forecast", str(AIRLINE), "--target", "Passengers", "--model", "gru"]
    for option in (["--id-col", "id"], ["--trials", "3"]):
        err = _error([*args, *option], capsys)
        assert "--id-col, --missing and --trials need --model auto" in err
    err = _error(
        ["forecast", str(AIRLINE), "--target", "Passengers", "--trials", "-1"], capsys
    )
    assert "`n_trials` must be an integer >= 0" in err


@pytest.mark.slow
def test_demo_never_writes_a_forecast_that_lost_to_a_baseline_on_its_holdout(
    tmp_path, capsys
):
    out = tmp_path / "out"
    args = ["forecast", str(AIRLINE), "--target", "Passengers", "--horizon", "36"]
    assert main([*args, "--output", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    metrics = pd.read_csv(out / "holdout_metrics.csv", index_col="model")
    baselines = ["naive", "seasonal_naive", "drift", "seasonal_naive_drift"]
    best_baseline = metrics.loc[baselines, "MASE"].idxmin()
    written = "best"
    if metrics.loc["best", "MASE"] > metrics.loc[best_baseline, "MASE"]:
        written = best_baseline
        assert f"writing the {best_baseline} forecast" in printed
    import joblib

    forecast = pd.read_csv(out / "forecast.csv")
    model = joblib.load(out / "model.joblib")
    np.testing.assert_allclose(
        model.predict(ensemble=written)["Passengers"].to_numpy(),
        forecast["Passengers"],
    )
