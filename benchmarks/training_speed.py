"""Training throughput of an LSTM(64) on 48-step windows, batch 256, on the CPU.

One process builds every path, runs one untimed warm-up epoch of each (tracing
and XLA compilation), then runs ``ROUNDS`` rounds in which every path trains one
epoch in turn. The machine is shared, so the figures that count are the ratios
between paths within a round (the median over rounds is reported); absolute
windows/s move with the load.

Paths (same series of (windows + 48) rows x 4 float32 features, target: the
next value of feature 0, shuffled every epoch):

- ``keras``: ``keras.Sequential([Input((48, 4)), LSTM(64), Dense(1)])``,
  ``compile("adam", "mse")`` (Keras's ``jit_compile="auto"``: XLA on here), fed
  by ``keras.utils.timeseries_dataset_from_array``;
- ``keras, jit_compile=False``: the same without XLA;
- ``tsrnn default``: ``build_rnn((48, 4), 1, units=64)`` +
  ``compile_model`` defaults (no XLA on CPU) + ``make_dataset(..., batch_size=256,
  shuffle=True)``;
- ``tsrnn, jit_compile=True``: the same with XLA;
- ``tsrnn, unrolled LSTM, XLA``: the same layers with ``LSTM(unroll=True)``
  (``build_rnn`` has no unroll option; this measures whether one would pay);
- ``RNNRegressor(units=64, batch_size=256)``: the estimator's own pipeline on
  materialized windows (``warm_start=True``, one epoch per fit, so that the
  traced train step is reused).

Arithmetic rate: an LSTM step costs about 2 * 4 * (F + U + 1) * U FLOPs forward
(four gates, multiply-add), and training about 3x the forward pass, so one
window costs 2 * 4 * (4 + 64 + 1) * 64 * 48 * 3 = 5.09 MFLOP (the Dense head and
the optimizer are negligible). Peak: cores x GHz x FP32 FLOPs per cycle, from
``/proc/cpuinfo``; with AVX-512 we assume two FMA units per core (16 lanes x 2
FLOPs x 2 units = 64 FLOPs/cycle), as on Xeon Scalable server parts.

Run: ``python -m benchmarks --only training_speed`` (``--quick``: two paths,
one round, a short epoch).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from benchmarks import register
from benchmarks._common import load_average, progress, quiet_tensorflow

WIDTH = 48
FEATURES = 4
UNITS = 64
BATCH_SIZE = 256
WINDOWS = 32_768
QUICK_WINDOWS = 2_048
ROUNDS = 5
SEED = 0
FLOPS_PER_WINDOW = 2 * 4 * (FEATURES + UNITS + 1) * UNITS * WIDTH * 3


def peak_flops() -> tuple[float, str]:
    """FP32 peak of this CPU (FLOP/s) and the assumption behind it."""
    text = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    flags = set()
    mhz = None
    for line in text.splitlines():
        if line.startswith("flags") and not flags:
            flags = set(line.split(":", 1)[1].split())
        if line.startswith("cpu MHz") and mhz is None:
            mhz = float(line.split(":", 1)[1])
    ghz = (mhz or 2000.0) / 1000
    if "avx512f" in flags:
        per_cycle, how = 64, "AVX-512: 16 FP32 lanes x 2 (FMA) x 2 FMA units"
    elif "avx2" in flags and "fma" in flags:
        per_cycle, how = 32, "AVX2: 8 FP32 lanes x 2 (FMA) x 2 FMA units"
    else:
        per_cycle, how = 8, "SSE: 4 lanes x 2"
    cores = os.cpu_count() or 1
    peak = cores * ghz * 1e9 * per_cycle
    return peak, f"{cores} cores x {ghz:.2f} GHz x {per_cycle} FLOPs/cycle ({how})"


def _paths(quick: bool):
    import keras
    import numpy as np

    from tsrnn import RNNRegressor, make_dataset, make_windows
    from tsrnn.nn.builders import build_rnn
    from tsrnn.nn.compile import compile_model

    windows = QUICK_WINDOWS if quick else WINDOWS
    rng = np.random.default_rng(SEED)
    series = rng.standard_normal((windows + WIDTH, FEATURES)).astype(np.float32)

    def keras_path(jit):
        keras.utils.set_random_seed(SEED)
        model = keras.Sequential(
            [
                keras.Input((WIDTH, FEATURES)),
                keras.layers.LSTM(UNITS),
                keras.layers.Dense(1),
            ]
        )
        model.compile(optimizer="adam", loss="mse", jit_compile=jit)
        data = keras.utils.timeseries_dataset_from_array(
            series[:-1],
            series[WIDTH:, 0],
            sequence_length=WIDTH,
            batch_size=BATCH_SIZE,
            shuffle=True,
            seed=SEED,
        )
        return lambda: model.fit(data, epochs=1, verbose=0)

    def tsrnn_path(jit, unroll=False):
        if unroll:
            inputs = keras.Input((WIDTH, FEATURES))
            hidden = keras.layers.LSTM(UNITS, unroll=True, seed=SEED)(inputs)
            model = keras.Model(inputs, keras.layers.Dense(1)(hidden))
        else:
            model = build_rnn((WIDTH, FEATURES), 1, units=UNITS, seed=SEED)
        compile_model(model, jit_compile=jit)
        data = make_dataset(
            series, WIDTH, 1, targets=0, batch_size=BATCH_SIZE, shuffle=True, seed=SEED
        )
        return lambda: model.fit(data, epochs=1, verbose=0)

    def estimator_path():
        X, y = make_windows(series, WIDTH, 1, targets=0)
        X, y = np.array(X), np.array(y[:, 0, 0])
        estimator = RNNRegressor(
            units=UNITS,
            batch_size=BATCH_SIZE,
            epochs=1,
            warm_start=True,
            random_state=0,
        )
        return lambda: estimator.fit(X, y)

    paths = {
        "keras (compile defaults: XLA on)": lambda: keras_path("auto"),
        "tsrnn default (build_rnn + compile_model + make_dataset)": lambda: tsrnn_path(
            "auto"
        ),
    }
    if not quick:
        paths.update(
            {
                "keras, jit_compile=False": lambda: keras_path(False),
                "tsrnn, jit_compile=True": lambda: tsrnn_path(True),
                "tsrnn, unrolled LSTM, jit_compile=True": lambda: tsrnn_path(
                    True, unroll=True
                ),
                "RNNRegressor(units=64, batch_size=256)": estimator_path,
            }
        )
    return windows, paths


@register("training_speed")
def run(quick: bool = False) -> str:
    """Alternate one-epoch fits of each path; a markdown section of rates and ratios."""
    quiet_tensorflow()
    start_load = load_average()
    windows, builders = _paths(quick)
    steps = {}
    warmup = {}
    for name, build in builders.items():
        start = time.perf_counter()
        steps[name] = build()
        steps[name]()
        warmup[name] = time.perf_counter() - start
        progress(f"training_speed warm-up {name}: {warmup[name]:.1f} s")
    rounds = 1 if quick else ROUNDS
    times = {name: [] for name in steps}
    for round_ in range(rounds):
        for name, step in steps.items():
            start = time.perf_counter()
            step()
            times[name].append(time.perf_counter() - start)
        progress(
            f"training_speed round {round_ + 1}/{rounds}: "
            + ", ".join(f"{n[:20]} {t[-1]:.2f} s" for n, t in times.items())
        )
    reference = "keras (compile defaults: XLA on)"
    peak, assumption = peak_flops()
    lines = [
        f"LSTM({UNITS}) -> Dense(1), windows of {WIDTH} steps x {FEATURES} features, "
        f"batch {BATCH_SIZE}, {windows:,} windows per epoch, CPU only. One warm-up "
        f"epoch per path, then {rounds} round(s) of one epoch per path in turn, in "
        f"one process. Load average (1/5/15 min) at start {start_load}, at end "
        f"{load_average()}." + (" QUICK RUN." if quick else ""),
        "",
        "| path | warm-up epoch s | median epoch s | windows/s | x keras (median "
        "of per-round ratios) | GFLOP/s | % of peak |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, spent in times.items():
        median = statistics.median(spent)
        rate = windows / median
        ratio = statistics.median(
            r / t for r, t in zip(times[reference], spent, strict=True)
        )
        flops = rate * FLOPS_PER_WINDOW
        lines.append(
            f"| {name} | {warmup[name]:.1f} | {median:.2f} | {rate:,.0f} | "
            f"{ratio:.2f} | {flops / 1e9:.1f} | {100 * flops / peak:.1f} |"
        )
    lines += [
        "",
        f"FLOPs per window (forward + backward): 2 x 4 x ({FEATURES} + {UNITS} + 1) x "
        f"{UNITS} x {WIDTH} x 3 = {FLOPS_PER_WINDOW / 1e6:.2f} MFLOP. Peak assumed: "
        f"{assumption} = {peak / 1e9:.0f} GFLOP/s FP32 (one FMA unit per core would "
        f"halve it).",
    ]
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    print(run(parser.parse_args(argv).quick))


if __name__ == "__main__":
    main()
