"""One global model over 10,000 series beside a loop of per-series models.

A generated long panel of ``N_SERIES`` daily series (``LENGTH`` rows each: a
weekly cycle at a per-series level, ``scaler=StandardScaler()``) is forecast
two ways:

- ``global``: one ``Forecaster(RNNRegressor(...), id_col="id")`` fitted on all
  series (one epoch) and one ``predict()`` call for every series (one batched
  model call);
- ``per-series loop``: a separate ``Forecaster`` per series, fitted and
  predicted in a Python loop. Only ``LOOP_SAMPLE`` series are run (a full loop
  of 10,000 fits would take hours on 2 cores); the table extrapolates linearly
  to all series and says so.

Training throughput is windows per second of ``fit`` (validation, windowing
and training included). Run: ``python -m benchmarks --only global_models``.
"""

from __future__ import annotations

import time

from benchmarks import register
from benchmarks._common import load_average, progress, quiet_tensorflow

N_SERIES = 10_000
QUICK_N_SERIES = 300
LENGTH = 120
WIDTH, HORIZON = 14, 7
LOOP_SAMPLE = 20
QUICK_LOOP_SAMPLE = 3


def make_panel(n_series: int):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    time_index = pd.date_range("2024-01-01", periods=LENGTH, freq="D")
    t = np.arange(LENGTH)
    level = rng.uniform(10, 100, (n_series, 1))
    values = level * (1 + 0.2 * np.sin(2 * np.pi * t / 7)) + rng.standard_normal(
        (n_series, LENGTH)
    )
    return pd.DataFrame(
        {
            "id": np.repeat([f"s{k:05d}" for k in range(n_series)], LENGTH),
            "time": np.tile(time_index, n_series),
            "y": values.reshape(-1),
        }
    )


def _forecaster(**extra):
    from sklearn.preprocessing import StandardScaler

    from tsrnn import Forecaster, RNNRegressor

    model = RNNRegressor(units=16, epochs=1, batch_size=256, random_state=0)
    return Forecaster(
        model, input_width=WIDTH, horizon=HORIZON, scaler=StandardScaler(), **extra
    )


@register("global_models")
def run(quick: bool = False) -> str:
    """Global model vs per-series loop: fit throughput and predict latency."""
    quiet_tensorflow()
    start_load = load_average()
    n_series = QUICK_N_SERIES if quick else N_SERIES
    sample = QUICK_LOOP_SAMPLE if quick else LOOP_SAMPLE
    panel = make_panel(n_series)
    windows_per_series = LENGTH - WIDTH - HORIZON + 1

    start = time.perf_counter()
    forecaster = _forecaster(id_col="id", time_col="time").fit(panel)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    forecast = forecaster.predict()
    predict_s = time.perf_counter() - start
    assert len(forecast) == n_series * HORIZON
    progress(f"global_models: global fit {fit_s:.1f} s, predict {predict_s:.2f} s")

    loop_fit = loop_predict = 0.0
    for sid in panel["id"].unique()[:sample]:
        series = panel[panel["id"] == sid].drop(columns="id").set_index("time")
        start = time.perf_counter()
        one = _forecaster().fit(series)
        loop_fit += time.perf_counter() - start
        start = time.perf_counter()
        one.predict()
        loop_predict += time.perf_counter() - start
    per_fit, per_predict = loop_fit / sample, loop_predict / sample
    progress(
        f"global_models: per-series fit {per_fit:.2f} s, predict {per_predict:.3f}"
    )

    latency = _predict_latency(forecaster, panel, n_series)
    backtest_rows = _backtest_speed(panel, 100 if quick else 1_000)

    total_windows = n_series * windows_per_series
    lines = [
        f"{n_series:,} daily series of {LENGTH} rows; windows {WIDTH} -> {HORIZON}, "
        "RNNRegressor(units=16, epochs=1, batch_size=256), scaler=StandardScaler(); "
        f"per-series loop measured on {sample} series and extrapolated "
        f"to {n_series:,}. Load average (1/5/15 min) at start {start_load}"
        + (", QUICK RUN" if quick else "")
        + ".",
        "",
        "| approach | fit, s | training windows/s | predict all series, s |",
        "|---|---:|---:|---:|",
        f"| global model, one predict() call | {fit_s:.1f} | "
        f"{total_windows / fit_s:,.0f} | {predict_s:.2f} |",
        f"| per-series loop (extrapolated) | {per_fit * n_series:,.0f} | "
        f"{windows_per_series / per_fit:,.0f} | {per_predict * n_series:,.1f} |",
        "",
        f"Forecasting all {n_series:,} series of the fitted global model, median of "
        "5 calls after a warm-up, against the bare model on the same (scaled) "
        "last windows:",
        "",
        "| path | median s | x bare `predict_on_batch` |",
        "|---|---:|---:|",
        *latency,
        "",
        "Backtest of the same kind of global model (fitted once, `refit=False`), "
        "10 folds of step 1:",
        "",
        "| series x origins | backtest() total s (one fit included) | "
        "forecasts from all origins (`forecast_paths`), s |",
        "|---|---:|---:|",
        *backtest_rows,
    ]
    return "\n".join(lines)


def _median_time(call, repeats: int = 5) -> float:
    import statistics

    call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _predict_latency(forecaster, panel, n_series: int) -> list[str]:
    """Forecaster.predict against the bare Keras model on the same windows."""
    import numpy as np

    values = panel["y"].to_numpy().reshape(n_series, LENGTH)[:, -WIDTH:]
    scaler = forecaster.windower_.scaler_
    X = scaler.transform(values.reshape(-1, 1)).reshape(n_series, WIDTH, 1)
    X = X.astype(np.float32)
    model = forecaster.estimator_.model_
    bare = _median_time(lambda: model.predict_on_batch(X))
    rows = [("keras `model.predict_on_batch(X)`", bare)]
    rows.append(
        (
            "`RNNRegressor.predict(X)`",
            _median_time(lambda: forecaster.estimator_.predict(X)),
        )
    )
    rows.append(
        (
            "`Forecaster.predict()` (pandas in, pandas out)",
            _median_time(forecaster.predict),
        )
    )
    progress(f"global_models: predict {rows[-1][1]:.3f} s, bare {bare:.3f} s")
    return [f"| {name} | {s:.3f} | {s / bare:.1f} x |" for name, s in rows]


def _backtest_speed(panel, n_series: int) -> list[str]:
    from tsrnn import backtest

    ids = panel["id"].unique()[:n_series]
    part = panel[panel["id"].isin(ids)]
    forecaster = _forecaster(id_col="id", time_col="time")
    start = time.perf_counter()
    backtest(forecaster, part, n_folds=10, step=1, refit=False)
    total = time.perf_counter() - start
    history = forecaster.read(part)
    fitted = _forecaster(id_col="id", time_col="time").fit(
        history.cut(0, history.lengths - HORIZON - 9)
    )
    origins = [range(n - HORIZON - 9, n - HORIZON + 1) for n in history.lengths]
    paths = _median_time(lambda: fitted.forecast_paths(history, origins, strict=False))
    progress(f"global_models: backtest {total:.1f} s, forecasts {paths:.2f} s")
    return [f"| {n_series:,} x 10 | {total:.1f} | {paths:.2f} |"]
