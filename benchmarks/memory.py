"""Peak memory of training on a 10,000,000-step series, windows of 168 steps.

Materialized, the 10,000,000 - 168 windows of 168 float32 steps would take
6.7 GB; the series itself takes 40 MB. tsrnn's ``make_dataset`` keeps one copy
of the series and one int32 permutation of the window numbers per epoch and
gathers each batch's rows, so training memory should stay near the size of the
series.

Each path runs in a fresh subprocess (``ru_maxrss`` is a high-water mark per
process): it imports TensorFlow, Keras and tsrnn, builds the series (float32, 1
feature) and the model (``build_rnn((168, 1), 1, units=16)`` +
``compile_model``), then

- ``baseline``: stops there;
- ``tsrnn``: ``model.fit(make_dataset(series, 168, 1, batch_size=256,
  shuffle=True), epochs=1, steps_per_epoch=STEPS)``: the whole shuffled
  epoch's pipeline, trained for ``STEPS`` batches (a full epoch of 39,062
  batches would take hours on 2 cores; memory does not depend on how many
  batches run);
- ``keras``: the same model fed by ``keras.utils.timeseries_dataset_from_array``
  over the same series (for comparison).

Peak memory of a path = its peak RSS minus the baseline's.

Run: ``python -m benchmarks --only memory`` (``--quick``: 200,000 steps).
"""

from __future__ import annotations

import argparse
import json

from benchmarks import register
from benchmarks._common import (
    load_average,
    peak_rss_bytes,
    progress,
    start_worker,
    worker_result,
)

STEPS_IN_SERIES = 10_000_000
QUICK_STEPS_IN_SERIES = 200_000
WIDTH = 168
UNITS = 16
BATCH_SIZE = 256
TRAIN_STEPS = 100
QUICK_TRAIN_STEPS = 5
PATHS = ("baseline", "tsrnn", "keras", "tsrnn_small")
# The fixed cost of training (traced step, optimizer, buffers), measured on a
# series this short, is subtracted to show what grows with the series.
SMALL_STEPS = 100_000


def worker(path: str, steps: int, train_steps: int) -> dict:
    import keras
    import numpy as np

    from tsrnn import make_dataset
    from tsrnn.nn.builders import build_rnn
    from tsrnn.nn.compile import compile_model

    rng = np.random.default_rng(0)
    series = rng.standard_normal((steps, 1)).astype(np.float32)
    model = compile_model(build_rnn((WIDTH, 1), 1, units=UNITS, seed=0))
    result = {"path": path, "setup_peak_rss": peak_rss_bytes()}
    if path == "baseline":
        return result
    if path.startswith("tsrnn"):
        data = make_dataset(
            series, WIDTH, 1, batch_size=BATCH_SIZE, shuffle=True, seed=0
        )
    else:
        data = keras.utils.timeseries_dataset_from_array(
            series[:-1],
            series[WIDTH:, 0],
            sequence_length=WIDTH,
            batch_size=BATCH_SIZE,
            shuffle=True,
            seed=0,
        )
    history = model.fit(data, epochs=1, steps_per_epoch=train_steps, verbose=0)
    result.update(
        peak_rss=peak_rss_bytes(),
        loss=float(history.history["loss"][-1]),
        batches=train_steps,
    )
    return result


def _start(path: str, steps: int, train_steps: int):
    if path == "tsrnn_small":
        steps = min(steps, SMALL_STEPS)
    return start_worker(
        "memory", [path, "--steps", str(steps), "--train-steps", str(train_steps)]
    )


@register("memory")
def run(quick: bool = False) -> str:
    """Peak RSS of training over a baseline process; a markdown section."""
    start_load = load_average()
    steps = QUICK_STEPS_IN_SERIES if quick else STEPS_IN_SERIES
    train_steps = QUICK_TRAIN_STEPS if quick else TRAIN_STEPS
    results = {}
    if quick:
        # Side by side, to stay within the smoke test's budget (peak RSS is per
        # process, so running together changes little but the timings).
        started = {path: _start(path, steps, train_steps) for path in PATHS}
        results = {path: worker_result(path, p) for path, p in started.items()}
    else:
        for path in PATHS:
            results[path] = worker_result(path, _start(path, steps, train_steps))
            progress(f"memory {path}: {results[path]}")
    baseline = results["baseline"]["setup_peak_rss"]
    raw = steps * 4
    windows = steps - WIDTH
    materialized = windows * WIDTH * 4
    lines = [
        f"Series of {steps:,} float32 steps x 1 feature ({raw / 1e6:.0f} MB); "
        f"{windows:,} windows of {WIDTH} steps (materialized: "
        f"{materialized / 1e9:.2f} GB); LSTM({UNITS}), batch {BATCH_SIZE}, one "
        f"shuffled epoch's pipeline trained for {train_steps} batches. Baseline "
        f"process (imports, series, model): peak RSS {baseline / 1e6:.0f} MB. "
        f"Load average (1/5/15 min) at start {start_load}"
        + (", QUICK RUN" if quick else "")
        + ".",
        "",
        "| path | peak RSS over baseline, MB | x series size "
        "| x materialized windows |",
        "|---|---:|---:|---:|",
    ]
    for path in ("tsrnn", "keras"):
        extra = results[path]["peak_rss"] - baseline
        lines.append(
            f"| {path} | {extra / 1e6:.1f} | {extra / raw:.2f} | "
            f"{extra / materialized:.4f} |"
        )
    fixed = (
        results["tsrnn_small"]["peak_rss"] - results["tsrnn_small"]["setup_peak_rss"]
    )
    grown = results["tsrnn"]["peak_rss"] - baseline - fixed
    lines += [
        "",
        f"Fixed cost of training, measured by the same tsrnn run on a "
        f"{min(steps, SMALL_STEPS):,}-step series: {fixed / 1e6:.1f} MB over its own "
        f"baseline. What the {steps:,}-step series adds beyond it: "
        f"{grown / 1e6:.1f} MB = {grown / raw:.2f} x the series "
        f"({grown / materialized:.4f} x the materialized windows).",
        "",
        "tsrnn holds a float32 copy of the series (1 x) and an int32 permutation "
        "of the window numbers (1 x for one feature); TensorFlow's training step, "
        "traced functions and prefetch buffers add a roughly constant amount.",
    ]
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", choices=PATHS, required=True)
    parser.add_argument("--steps", type=int, default=STEPS_IN_SERIES)
    parser.add_argument("--train-steps", type=int, default=TRAIN_STEPS)
    args = parser.parse_args(argv)
    print(json.dumps(worker(args.worker, args.steps, args.train_steps)))


if __name__ == "__main__":
    main()
