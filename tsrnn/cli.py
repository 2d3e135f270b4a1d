"""The ``tsrnn`` command: forecast a CSV/Parquet column or classify sequence files.

``tsrnn forecast PATH --target COL`` infers the time column and frequency, holds out
the last ``horizon`` rows, trains, prints holdout metrics beside naive baselines,
refits on everything, and writes the future forecast (CSV), a plot (PNG) and the
model. ``tsrnn classify TRAIN TEST`` trains a recurrent classifier on ``.ts`` or CSV
sequence files and prints accuracy and a confusion matrix.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["main"]

_TIME_NAMES = ("date", "datetime", "time", "timestamp", "ds", "period", "month", "year")


class CLIError(Exception):
    """A user-facing error: printed as one line, exit status 2."""


# ------------------------------------------------------------------------- reading
def read_table(path) -> pd.DataFrame:
    """Read a CSV or Parquet file, with a clear error for a missing or odd file."""
    path = Path(path)
    if not path.is_file():
        raise CLIError(
            f"file not found: {path}. Check the path (relative to {Path.cwd()})."
        )
    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            return pd.read_parquet(path)
        if suffix in (".csv", ".txt", ".gz"):
            return pd.read_csv(path)
    except ImportError as error:
        raise CLIError(f"cannot read {path.name}: {error}. Install pyarrow.") from error
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise CLIError(f"cannot read {path}: {error}") from error
    raise CLIError(
        f"unsupported file type {suffix!r} for {path.name}: use .csv or .parquet."
    )


def infer_time_column(frame: pd.DataFrame, time_col: str | None = None) -> str:
    """Name the column holding timestamps: the one given, else the first that parses.

    Columns named like ``date``/``time``/``timestamp`` are tried first.
    """
    if time_col is not None:
        if time_col not in frame.columns:
            raise CLIError(
                f"--time-col {time_col!r} is not a column of the file. "
                f"Columns: {', '.join(map(str, frame.columns))}."
            )
        if _parse_times(frame[time_col]) is None:
            raise CLIError(
                f"--time-col {time_col!r} could not be parsed as dates "
                f"(first values: {frame[time_col].head(3).tolist()!r})."
            )
        return time_col
    named = [c for c in frame.columns if str(c).lower() in _TIME_NAMES]
    others = [c for c in frame.columns if c not in named]
    for column in named + others:
        if _parse_times(frame[column]) is not None:
            return column
    reason = ""
    if named:
        try:
            pd.to_datetime(frame[named[0]], format="mixed")
        except (ValueError, TypeError, OverflowError) as error:
            detail = str(error).rstrip(".")
            reason = (
                f" Column {named[0]!r} looks like one but does not parse: {detail}."
            )
    raise CLIError(
        f"no time column found: no column parses as dates.{reason} Name it with "
        f"--time-col; columns are {', '.join(map(str, frame.columns))}."
    )


def _parse_times(values: pd.Series):
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    if pd.api.types.is_numeric_dtype(values):
        # Plain integers are only taken as years (e.g. a YEAR column 1700..2008).
        numbers = values.dropna()
        whole = len(numbers) and (numbers == numbers.round()).all()
        if whole and numbers.between(1000, 3000).all():
            return pd.to_datetime(values.astype("int64").astype(str), format="%Y")
        return None
    try:
        return pd.to_datetime(values, format="mixed")
    except (ValueError, TypeError, OverflowError):
        return None


def load_series_frame(path, target, time_col=None) -> pd.DataFrame:
    """Read ``path`` into a frame indexed by time with ``target`` among its columns."""
    frame = read_table(path)
    if frame.empty:
        raise CLIError(
            f"{Path(path).name} has no data rows (columns: "
            f"{', '.join(map(str, frame.columns)) or 'none'}). Pass a file with one "
            "row per time step."
        )
    column = infer_time_column(frame, time_col)
    missing = [t for t in target if t not in frame.columns]
    if missing:
        raise CLIError(
            f"--target {', '.join(missing)} not found in {Path(path).name}. "
            f"Columns: {', '.join(str(c) for c in frame.columns if c != column)}."
        )
    times = _parse_times(frame[column])
    data = frame.drop(columns=[column]).set_index(pd.DatetimeIndex(times, name=column))
    non_numeric = [t for t in target if not pd.api.types.is_numeric_dtype(data[t])]
    if non_numeric:
        raise CLIError(
            f"--target {', '.join(non_numeric)} must hold numbers; "
            f"got values like {data[non_numeric[0]].head(3).tolist()!r}."
        )
    data = data.sort_index()
    for name in target:
        values = data[name].to_numpy(dtype=np.float64, na_value=np.nan)
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise CLIError(
                f"--target {name} must hold finite numbers; got {values[bad[0]]} at "
                f"{data.index[bad[0]]} ({bad.size} such row(s)). Fill or drop those "
                "rows first: the forecaster does not guess missing values."
            )
    return data


def _irregular_reason(index: pd.DatetimeIndex) -> str:
    """Where a time index stops being regular: a duplicate or an odd step."""
    if len(index) < 3:
        return f"only {len(index)} row(s), too few to tell a frequency"
    duplicated = index.duplicated()
    if duplicated.any():
        return f"duplicate timestamp {index[duplicated][0]}"
    steps = np.diff(index.as_unit("ns").asi8)
    values, counts = np.unique(steps, return_counts=True)
    usual = values[np.argmax(counts)]
    odd = int(np.flatnonzero(steps != usual)[0]) if (steps != usual).any() else None
    if odd is None:
        return "irregular calendar steps"
    return (
        f"a step of {pd.Timedelta(int(steps[odd]), 'ns')} from {index[odd]} to "
        f"{index[odd + 1]}, where most steps are {pd.Timedelta(int(usual), 'ns')}"
    )


# ------------------------------------------------------------------- classification
def read_sequences(path, label_col=None):
    """Read a ``.ts`` file, or a CSV with one case per row and a label column."""
    from tsrnn.datasets import read_ts

    path = Path(path)
    if not path.is_file():
        raise CLIError(f"file not found: {path}.")
    if path.suffix.lower() == ".ts":
        try:
            X, y = read_ts(path)
        except ValueError as error:
            raise CLIError(str(error)) from error
        if y is None:
            raise CLIError(f"{path.name} has no class labels (@classLabel false).")
        return X, np.asarray(y)
    frame = read_table(path)
    label = label_col or ("label" if "label" in frame.columns else frame.columns[0])
    if label not in frame.columns:
        raise CLIError(f"--label-col {label!r} is not a column of {path.name}.")
    values = frame.drop(columns=[label])
    if not all(pd.api.types.is_numeric_dtype(values[c]) for c in values.columns):
        raise CLIError(
            f"{path.name}: every column but the label {label!r} must hold numbers."
        )
    return values.to_numpy(dtype=np.float64)[..., None], frame[label].to_numpy()


def run_classify(args) -> int:
    from sklearn.metrics import accuracy_score, confusion_matrix

    from tsrnn.estimators.classifiers import DenseClassifier, RNNClassifier

    X_train, y_train = read_sequences(args.train, args.label_col)
    X_test, y_test = read_sequences(args.test, args.label_col)
    settings = {"random_state": args.seed, "verbose": 0 if args.quiet else 1}
    rnn = RNNClassifier(
        architecture=args.architecture,
        cell=args.model,
        n_estimators=args.n_estimators,
        **settings,
    )
    if args.units is not None:
        rnn.set_params(units=args.units)
    if args.epochs is not None:
        rnn.set_params(epochs=args.epochs)
    label = args.model + ("_fcn" if args.architecture == "rnn_fcn" else "")
    models = {label: rnn}
    if not isinstance(X_train, list):
        models["dense"] = DenseClassifier(epochs=args.epochs or 100, **settings)
    rows = []
    for name, model in models.items():
        _say(args, f"training {name} on {len(y_train)} sequences ...")
        model.fit(X_train, y_train)
        predicted = model.predict(X_test)
        rows.append({"model": name, "accuracy": accuracy_score(y_test, predicted)})
        if name == label:
            best, best_predicted = model, predicted
    table = pd.DataFrame(rows).set_index("model")
    print(table.to_string(float_format=lambda v: f"{v:.4f}"))
    labels = best.classes_
    matrix = pd.DataFrame(
        confusion_matrix(y_test, best_predicted, labels=labels),
        index=pd.Index(labels, name="true"),
        columns=pd.Index(labels, name="predicted"),
    )
    print(f"\nconfusion matrix ({label}):")
    print(matrix.to_string())
    if args.output:
        output = Path(args.output)
        output.mkdir(parents=True, exist_ok=True)
        best.save(output / "model")
        table.to_csv(output / "accuracy.csv")
        _say(args, f"wrote {output / 'model'} and {output / 'accuracy.csv'}")
    return 0


# -------------------------------------------------------------------------- parser
def _say(args, text: str) -> None:
    if not args.quiet:
        print(text, file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tsrnn",
        description="Forecast and classify time series with recurrent networks.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    forecast = commands.add_parser(
        "forecast", help="forecast a column of a CSV/Parquet file"
    )
    forecast.add_argument("path", help="CSV or Parquet file with a time column")
    forecast.add_argument(
        "--target", required=True, action="append", help="column to forecast"
    )
    forecast.add_argument("--time-col", help="time column (default: inferred)")
    forecast.add_argument("--horizon", type=int, default=12, help="steps ahead")
    forecast.add_argument(
        "--input-width", type=int, help="past steps per window (default: inferred)"
    )
    forecast.add_argument(
        "--id-col",
        help="series id column of a long file of many series (default: one series)",
    )
    forecast.add_argument(
        "--missing",
        default="raise",
        choices=["raise", "ffill", "interpolate"],
        help="missing timestamps and values: raise (default), forward-fill or "
        "interpolate (auto only)",
    )
    forecast.add_argument(
        "--model",
        default="auto",
        choices=["auto", "lstm", "gru", "rnn", "dense", "ridge"],
        help="auto (default): choose and combine models on validation folds; "
        "or one model to train on a single series",
    )
    forecast.add_argument(
        "--time-budget",
        type=float,
        default=None,
        help="seconds the auto search may take (default: no limit)",
    )
    forecast.add_argument(
        "--trials",
        type=int,
        default=0,
        help="auto: Optuna trials of a tuned recurrent candidate (needs optuna; "
        "default 0: the fixed candidates only)",
    )
    forecast.add_argument(
        "--transforms",
        default="auto",
        choices=["auto", "none"],
        help="target transforms (auto: log, differences, scaling)",
    )
    forecast.add_argument("--epochs", type=int, default=None)
    forecast.add_argument("--units", type=int, default=32)
    forecast.add_argument(
        "--coverage", type=float, default=0.9, help="prediction-interval coverage"
    )
    forecast.add_argument("--seed", type=int, default=0)
    forecast.add_argument("--output", default="tsrnn-output", help="output folder")
    forecast.add_argument("--quiet", action="store_true", help="no progress output")
    forecast.set_defaults(func=run_forecast)

    classify = commands.add_parser(
        "classify", help="train a sequence classifier and report test accuracy"
    )
    classify.add_argument("train", help=".ts or CSV file of training sequences")
    classify.add_argument("test", help=".ts or CSV file of test sequences")
    classify.add_argument("--label-col", help="CSV label column (default: 'label')")
    classify.add_argument(
        "--model",
        default="gru",
        choices=["gru", "lstm", "rnn"],
        help="recurrent cell (default: gru, with --architecture rnn_fcn: GRU-FCN)",
    )
    classify.add_argument(
        "--architecture",
        default="rnn_fcn",
        choices=["rnn_fcn", "rnn"],
        help="rnn_fcn: LSTM-FCN/GRU-FCN (MLSTM-FCN for multivariate series); "
        "rnn: the recurrent layer alone (default: rnn_fcn)",
    )
    classify.add_argument(
        "--units", type=int, help="recurrent units (default: the classifier's, 64)"
    )
    classify.add_argument(
        "--epochs", type=int, help="epochs (default: derived from the data size)"
    )
    classify.add_argument(
        "--n-estimators",
        type=int,
        default=1,
        help="networks from different seeds, probabilities averaged (default: 1)",
    )
    classify.add_argument("--seed", type=int, default=0)
    classify.add_argument("--output", help="folder for the model and the table")
    classify.add_argument("--quiet", action="store_true", help="no progress output")
    classify.set_defaults(func=run_classify)
    return parser


def _transforms(name: str, values: pd.DataFrame, period: int):
    """Target transforms for ``--transforms``; "auto" suits trend and seasonality.

    auto: log when every value is positive, then first differences, then seasonal
    differences when the history holds at least four seasons, then scaling.
    """
    from tsrnn.forecasting.transforms import Difference, Log, Scale

    if name == "none":
        return None
    chain = []
    if (values.to_numpy() > 0).all():
        chain.append(Log())
    chain.append(Difference(1))
    if period > 1 and len(values) >= 4 * period:
        chain.append(Difference(period))
    chain.append(Scale())
    return chain


def _estimator(model: str, args):
    if model == "ridge":
        from sklearn.linear_model import Ridge

        return Ridge(alpha=1.0)
    from tsrnn.estimators.regressors import DenseRegressor, RNNRegressor

    settings = {
        "epochs": args.epochs or 60,
        "random_state": args.seed,
        "verbose": 0 if args.quiet else 1,
    }
    if model == "dense":
        return DenseRegressor(units=(args.units,), **settings)
    return RNNRegressor(cell=model, units=args.units, **settings)


def _holdout_scores(name, actual, predicted, train, period) -> dict:
    from tsrnn.evaluation import metrics

    truth, guess = actual.to_numpy(), np.asarray(predicted, dtype=float)
    row = {
        "model": name,
        "MAE": metrics.mae(truth, guess),
        "RMSE": metrics.rmse(truth, guess),
        "sMAPE": metrics.smape(truth, guess),
        "MASE": metrics.mase(truth, guess, y_train=train.to_numpy(), period=period),
    }
    if (truth != 0).all():
        row["MAPE"] = metrics.mape(truth, guess)
    return row


BASELINES = ("naive", "seasonal naive")


def run_forecast(args) -> int:
    if args.model == "auto":
        return run_auto(args)
    if args.id_col is not None or args.missing != "raise" or args.trials:
        raise CLIError(
            f"--id-col, --missing and --trials need --model auto; --model "
            f"{args.model} trains one model on one regular series."
        )
    return run_single(args)


def run_single(args) -> int:
    from tsrnn.core.validation import infer_freq
    from tsrnn.evaluation.baselines import (
        SeasonalNaiveRegressor,
        infer_period,
        naive_forecast,
        seasonal_naive_forecast,
    )
    from tsrnn.forecasting.forecaster import Forecaster
    from tsrnn.plotting import plot_forecast

    if args.horizon < 1:
        raise CLIError(f"--horizon must be a positive integer; got {args.horizon}.")
    if not 0 < args.coverage < 1:
        raise CLIError(f"--coverage must lie in (0, 1); got {args.coverage}.")
    frame = load_series_frame(args.path, args.target, args.time_col)
    history = frame[args.target]
    freq = infer_freq(history.index)
    if freq is None:
        raise CLIError(
            "the time column has no regular frequency: "
            f"{_irregular_reason(history.index)}. Resample the file to a regular "
            "grid (and drop duplicate rows) first."
        )
    history = history.asfreq(freq)
    period = infer_period(history)
    width = args.input_width or (2 * period if period > 1 else 2 * args.horizon)
    need = 2 * args.horizon + width + (period + 1) + 10
    if len(history) < need:
        raise CLIError(
            f"too little data: {len(history)} rows, but input width {width} and "
            f"horizon {args.horizon} need at least {need} (a holdout of "
            f"{args.horizon} rows plus enough windows to train on). Use a shorter "
            "--horizon or --input-width."
        )
    train, test = history.iloc[: -args.horizon], history.iloc[-args.horizon :]

    def forecaster(model, level=None):
        return Forecaster(
            _estimator(model, args),
            input_width=width,
            horizon=1,
            strategy="recursive",
            transforms=_transforms(args.transforms, train, period),
            freq=freq,
            level=level,
        )

    models = [args.model] + [m for m in ("dense",) if m != args.model]
    rows, holdout = [], {}
    values = train.to_numpy()[None]
    rows.append(
        _holdout_scores(
            "naive", test, naive_forecast(values, args.horizon)[0], train, period
        )
    )
    if period > 1:
        seasonal = seasonal_naive_forecast(values, args.horizon, period=period)[0]
        rows.append(_holdout_scores("seasonal naive", test, seasonal, train, period))
    for model in models:
        _say(args, f"training {model} on {len(train)} rows (holdout: last {len(test)})")
        fitted = forecaster(model).fit(train)
        holdout[model] = fitted.predict(args.horizon)[args.target]
        rows.append(_holdout_scores(model, test, holdout[model], train, period))
    table = pd.DataFrame(rows).set_index("model")
    print(f"holdout: last {args.horizon} steps of {Path(args.path).name}")
    print(table.to_string(float_format=lambda v: f"{v:.4f}"))

    # Never write a forecast that lost on the holdout: the lowest MASE wins,
    # baselines included.
    best = str(table["MASE"].idxmin())
    if best != args.model:
        print(
            f"\nwriting the {best} forecast: it scored the lowest holdout MASE "
            f"({table.loc[best, 'MASE']:.4f}; {args.model}: "
            f"{table.loc[args.model, 'MASE']:.4f})."
        )
    _say(args, f"refitting {best} on all {len(history)} rows for the forecast")
    if best in BASELINES:
        final = Forecaster(
            SeasonalNaiveRegressor(),
            input_width=period if best == "seasonal naive" else 1,
            horizon=1,
            strategy="recursive",
            freq=freq,
            level=args.coverage,
        ).fit(history)
    else:
        final = forecaster(best, level=args.coverage).fit(history)
    future = final.predict(args.horizon)
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    future.to_csv(output / "forecast.csv", index_label=history.index.name)
    table.to_csv(output / "holdout_metrics.csv")
    figure = plot_forecast(
        history,
        future,
        target=args.target[0],
        last=max(4 * args.horizon, 3 * width),
        title=f"{best} forecast of {args.target[0]} "
        f"({int(args.coverage * 100)}% interval)",
    )
    figure.savefig(output / "forecast.png", dpi=100)
    import joblib

    joblib.dump(final, output / "model.joblib")
    print(
        f"\nwrote {output / 'forecast.csv'}, {output / 'forecast.png'}, "
        f"{output / 'holdout_metrics.csv'} and {output / 'model.joblib'}"
    )
    return 0


# ----------------------------------------------------------------------- auto mode
def load_panel_frame(args) -> tuple[pd.DataFrame, str]:
    """The file as a long frame (id, time, target) or one series; its time column."""
    from tsrnn.core.validation import infer_freq

    if len(args.target) != 1:
        raise CLIError(
            "--model auto forecasts one target column; got --target "
            f"{', '.join(args.target)}. Run it once per column."
        )
    target = args.target[0]
    if args.id_col is None:
        frame = load_series_frame(args.path, args.target, args.time_col)
        series = frame[target]
        if args.missing == "raise" and infer_freq(series.index) is None:
            raise CLIError(
                "the time column has no regular frequency: "
                f"{_irregular_reason(series.index)}. Resample the file to a regular "
                "grid, or pass --missing ffill or --missing interpolate to fill "
                "the missing steps."
            )
        return series.to_frame(), series.index.name
    frame = read_table(args.path)
    for name, flag in ((args.id_col, "--id-col"), (target, "--target")):
        if name not in frame.columns:
            raise CLIError(
                f"{flag} {name} not found in {Path(args.path).name}. Columns: "
                f"{', '.join(map(str, frame.columns))}."
            )
    rest = frame.drop(columns=[args.id_col])
    column = infer_time_column(rest, args.time_col)
    times = _parse_times(frame[column])
    if times is None:
        raise CLIError(f"--time-col {column!r} could not be parsed as dates.")
    long = pd.DataFrame(
        {args.id_col: frame[args.id_col], column: times, target: frame[target]}
    )
    return long, column


def guess_freq(index: pd.DatetimeIndex):
    """The frequency of most runs of 5 consecutive timestamps (gaps allowed)."""
    from tsrnn.core.validation import infer_freq

    index = pd.DatetimeIndex(index).sort_values().unique()
    found = [infer_freq(index[i : i + 5]) for i in range(min(len(index) - 4, 200))]
    found = [freq.freqstr for freq in found if freq is not None]
    return max(set(found), key=found.count) if found else None


def _panel_scores(auto, actual: dict, history: dict, names, period: int):
    """Holdout MASE and sMAPE (means over scored series) of each forecast."""
    from tsrnn.evaluation import metrics

    known = {**auto.member_forecasts_, **auto.forecasts_}
    position = {sid: k for k, sid in enumerate(auto.history_.ids.tolist())}
    rows = []
    for name in names:
        mases, smapes = [], []
        for sid, truth in actual.items():
            guess = known[name][position[sid], : len(truth)]
            smapes.append(metrics.smape(truth, guess))
            try:
                mases.append(
                    metrics.mase(truth, guess, y_train=history[sid], period=period)
                )
            except ValueError:  # a constant training part has no MASE scale
                continue
        rows.append({"model": name, "MASE": np.mean(mases), "sMAPE": np.mean(smapes)})
    return pd.DataFrame(rows).set_index("model")


def _holdout_coverage(auto, actual: dict) -> float:
    """Share of the held-out values inside the best ensemble's intervals."""
    bounds = auto.predict(ensemble="best")
    target = auto.history_.targets[0]
    lower, upper = (
        bounds[f"{target}_{side}"].to_numpy().reshape(auto.n_series_, -1)
        for side in ("lower", "upper")
    )
    position = {sid: k for k, sid in enumerate(auto.history_.ids.tolist())}
    hits = [
        (lower[position[sid], : len(y)] <= y) & (y <= upper[position[sid], : len(y)])
        for sid, y in actual.items()
    ]
    return float(np.mean(np.concatenate(hits)))


def run_auto(args) -> int:
    from tsrnn.forecasting.auto import AutoForecaster
    from tsrnn.forecasting.candidates import BASELINES
    from tsrnn.plotting import plot_forecast

    if args.horizon < 1:
        raise CLIError(f"--horizon must be a positive integer; got {args.horizon}.")
    if not 0 < args.coverage < 1:
        raise CLIError(f"--coverage must lie in (0, 1); got {args.coverage}.")
    frame, time_col = load_panel_frame(args)
    target = args.target[0]
    ids = frame[args.id_col] if args.id_col else pd.Series(0, index=frame.index)
    lengths = ids.groupby(ids, sort=False).transform("size").to_numpy()
    longest = int(lengths.max())
    need = 2 * args.horizon + 2
    if longest < need:
        raise CLIError(
            f"too little data: {longest} rows in the longest series, but a holdout "
            f"of --horizon {args.horizon} rows plus a validation fold need at least "
            f"{need}. Use a shorter --horizon."
        )
    # Holdout for the report: the last horizon rows of every series long enough
    # to keep 2 + horizon rows for the search; shorter series are not scored.
    position = ids.groupby(ids, sort=False).cumcount(ascending=False).to_numpy()
    scored = lengths >= need
    held = scored & (position < args.horizon)
    train = frame[~held]
    n_short = int(ids[~scored].nunique())
    fill = freq = None
    if args.missing != "raise":
        fill = args.missing
        times = frame[time_col] if args.id_col else frame.index.to_series()
        first = ids.to_numpy() == ids.iloc[0]
        freq = guess_freq(pd.DatetimeIndex(times[first]))
    options = dict(
        freq=freq,
        id_col=args.id_col,
        time_col=time_col if args.id_col else None,
        target=target,
        level=args.coverage,
        time_budget=args.time_budget,
        n_trials=args.trials,
        fill_missing=fill,
        nan_policy=args.missing,
        random_state=args.seed,
        verbose=0 if args.quiet else 1,
    )
    if args.id_col is None:
        train = train.set_index(train.index.rename(time_col))
    _say(args, f"searching on {len(train)} rows (holdout: last {args.horizon} steps)")
    try:
        trial = AutoForecaster(args.horizon, **options).fit(train)
    except ValueError as error:
        raise CLIError(str(error)) from error
    print("leaderboard (validation folds of the training part)")
    board = trial.leaderboard_
    shown = ["family", "mase", "smape", "fallback", "weight", "seconds"]
    print(board[shown].to_string(float_format=lambda v: f"{v:.4f}", na_rep=""))
    for name, weights in trial.ensembles_.items():
        members = ", ".join(f"{m} {w:.2f}" for m, w in weights.items())
        print(f"ensemble {name}: {members}")

    truth = frame[held].groupby(ids[held], sort=False)[target]
    actual = {sid: values.to_numpy() for sid, values in truth}
    past = {
        sid: values.to_numpy()
        for sid, values in train.groupby(ids[~held], sort=False)[target]
    }
    names = [*trial.forecasts_, *(n for n in trial.member_forecasts_)]
    table = _panel_scores(trial, actual, past, names, trial.season_length_)
    print(
        f"\nholdout: last {args.horizon} steps of {len(actual)} series"
        + (f" ({n_short} series too short to hold out)" if n_short else "")
    )
    print(table.to_string(float_format=lambda v: f"{v:.4f}"))
    inside = _holdout_coverage(trial, actual)
    print(
        f"holdout coverage of the {args.coverage:.0%} intervals of the chosen "
        f"ensemble: {inside:.1%} of {sum(map(len, actual.values()))} values"
    )

    # Write the forecast that won on validation unless it lost to a baseline
    # (naive, seasonal naive, drift, seasonal naive with drift) on the
    # holdout; then the best baseline is written instead.
    chosen = "best"
    baselines = table.loc[[n for n in BASELINES if n in table.index], "MASE"]
    if table.loc["best", "MASE"] > baselines.min():
        chosen = str(baselines.idxmin())
        print(
            f"\nwriting the {chosen} forecast: the chosen ensemble scored a higher "
            f"holdout MASE ({table.loc['best', 'MASE']:.4f}) than {chosen} "
            f"({baselines.min():.4f})."
        )
    _say(args, "refitting on every row for the forecast")
    whole = frame if args.id_col else frame.set_index(frame.index.rename(time_col))
    final = AutoForecaster(args.horizon, **options).fit(whole)
    future = final.predict(ensemble=chosen)
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    future.to_csv(output / "forecast.csv")
    table.to_csv(output / "holdout_metrics.csv")
    final.leaderboard_.to_csv(output / "leaderboard.csv")
    figure = _plot_panel(final, whole, future, target, args, plot_forecast)
    figure.savefig(output / "forecast.png", dpi=100)
    import joblib

    joblib.dump(final, output / "model.joblib")
    print(
        f"\nwrote {output / 'forecast.csv'}, {output / 'forecast.png'}, "
        f"{output / 'holdout_metrics.csv'}, {output / 'leaderboard.csv'} and "
        f"{output / 'model.joblib'}"
    )
    return 0


def _plot_panel(final, whole, future, target, args, plot_forecast):
    """History and forecast of up to four series, one panel each."""
    import matplotlib.pyplot as plt

    if args.id_col is None:
        figure, ax = plt.subplots(figsize=(9, 4))
        plot_forecast(
            whole[target], future, target=target, last=4 * args.horizon, ax=ax
        )
        return figure
    ids = list(dict.fromkeys(whole[args.id_col]))[:4]
    figure, axes = plt.subplots(len(ids), 1, figsize=(9, 2.6 * len(ids)), squeeze=False)
    time_col = future.index.names[1]
    for sid, ax in zip(ids, axes[:, 0], strict=True):
        rows = whole[whole[args.id_col] == sid].set_index(time_col)[target]
        plot_forecast(
            rows,
            future.loc[sid],
            target=target,
            last=4 * args.horizon,
            ax=ax,
            title=f"{args.id_col} {sid}",
        )
    figure.tight_layout()
    return figure


def main(argv=None) -> int:
    """Entry point of the ``tsrnn`` console script and ``python -m tsrnn``."""
    # TensorFlow's C++ INFO/WARNING lines would drown the tables; errors still show.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CLIError as error:
        print(f"tsrnn: error: {error}", file=sys.stderr)
        return 2
