"""Prediction latency of a 24-step forecast: tsrnn's estimator and forecaster vs Keras.

A fitted ``RNNRegressor(units=64)`` (direct: y of shape (n, 24), windows of 48
steps x 1 feature; a short fit, since only speed is measured) predicts one window
(1, 48, 1) and a batch of 1,000 windows (1000, 48, 1). Beside it, the same
trained ``keras.Model`` (``estimator.model_``) is called three ways:
``model.predict(X, verbose=0)`` (plain Keras), ``model.predict_on_batch(X)`` and
``model(X, training=False)``. ``Forecaster(RNNRegressor(units=64), input_width=48,
horizon=24).predict()`` forecasts one series (pandas in, pandas out: windowing
the history's tail, inverse transforms, a dated frame).

Every call is repeated ``REPEATS`` times, the paths taking turns, after two
untimed warm-up calls each; the table gives the median and the speed-up over
``model.predict`` on the same input (its time divided by the path's, median
of per-turn ratios), so that the shared machine's load cancels out as far as
it can.

Run: ``python -m benchmarks --only latency`` (``--quick``: fewer repeats).
"""

from __future__ import annotations

import argparse
import statistics
import time

from benchmarks import register
from benchmarks._common import load_average, progress, quiet_tensorflow

WIDTH = 48
HORIZON = 24
UNITS = 64
BATCH = 1_000
REPEATS = 30
QUICK_REPEATS = 3
SEED = 0


def _setup():
    import numpy as np
    import pandas as pd

    from tsrnn import Forecaster, RNNRegressor, make_windows

    rng = np.random.default_rng(SEED)
    steps = 2_000
    values = np.sin(np.arange(steps) * 2 * np.pi / 24) + 0.1 * rng.standard_normal(
        steps
    )
    X, y = make_windows(values, WIDTH, HORIZON)
    X, y = np.array(X), np.array(y[..., 0])
    estimator = RNNRegressor(units=UNITS, epochs=1, batch_size=256, random_state=0)
    estimator.fit(X, y)
    index = pd.date_range("2024-01-01", periods=steps, freq="h")
    series = pd.Series(values, index=index, name="load")
    forecaster = Forecaster(
        RNNRegressor(units=UNITS, epochs=1, batch_size=256, random_state=0),
        input_width=WIDTH,
        horizon=HORIZON,
    ).fit(series)
    one = X[-1:].astype(np.float32)
    batch = X[-BATCH:].astype(np.float32)
    return estimator, forecaster, one, batch


@register("latency")
def run(quick: bool = False) -> str:
    """Median latency per path and its ratio to Keras's predict; a markdown section."""
    quiet_tensorflow()
    start_load = load_average()
    estimator, forecaster, one, batch = _setup()
    model = estimator.model_
    repeats = QUICK_REPEATS if quick else REPEATS
    groups = {
        "one window (1, 48, 1)": {
            "keras model.predict": lambda: model.predict(one, verbose=0),
            "RNNRegressor.predict": lambda: estimator.predict(one),
            "keras model.predict_on_batch": lambda: model.predict_on_batch(one),
            "keras model(X)": lambda: model(one, training=False),
            "Forecaster.predict (one series, pandas)": lambda: forecaster.predict(),
        },
        f"{BATCH:,} windows ({BATCH}, 48, 1)": {
            "keras model.predict": lambda: model.predict(batch, verbose=0),
            "RNNRegressor.predict": lambda: estimator.predict(batch),
            "keras model.predict_on_batch": lambda: model.predict_on_batch(batch),
            "keras model(X)": lambda: model(batch, training=False),
        },
    }
    lines = [
        f"RNNRegressor(units={UNITS}) direct {HORIZON}-step forecast from windows of "
        f"{WIDTH} steps x 1 feature, CPU. {repeats} timed turns per path after 2 "
        f"warm-up calls. Load average (1/5/15 min) at start {start_load}"
        + (", QUICK RUN" if quick else "")
        + ".",
        "",
        "| input | path | median ms | speed-up over keras `model.predict` |",
        "|---|---|---:|---:|",
    ]
    for group, paths in groups.items():
        for call in paths.values():
            call()
            call()
        times = {name: [] for name in paths}
        for _ in range(repeats):
            for name, call in paths.items():
                start = time.perf_counter()
                call()
                times[name].append(time.perf_counter() - start)
        reference = times["keras model.predict"]
        for name, spent in times.items():
            ratio = statistics.median(
                r / t for t, r in zip(spent, reference, strict=True)
            )
            lines.append(
                f"| {group} | {name} | {1000 * statistics.median(spent):.1f} | "
                f"{ratio:.1f} x |"
            )
        progress(f"latency {group} done")
    lines += [
        "",
        f"Load average at end {load_average()}. `RNNRegressor.predict` runs the "
        "model on fixed chunks with `predict_on_batch` (128 rows for this "
        "network; small networks on short windows get up to 1,024, see "
        "`tsrnn.estimators.training.chunk_rows`), so that a row's forecast does "
        "not depend on its batch-mates; `Model.predict` "
        "builds a tf.data pipeline and a progress loop on every call, which is "
        "what makes it slow on one window.",
    ]
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    print(run(parser.parse_args(argv).quick))


if __name__ == "__main__":
    main()
