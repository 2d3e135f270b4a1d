"""Windowing throughput and peak memory: tsrnn vs Keras's timeseries dataset.

Both paths cut a (steps, 4) float32 series into shuffled training batches of
256 windows of 168 input rows and 24 target rows, and the benchmark iterates
every batch of one epoch, as ``Model.fit`` would:

- ``tsrnn``: ``tsrnn.make_dataset(data, 168, 24, shuffle=True, seed=0)``.
- ``keras``: ``keras.utils.timeseries_dataset_from_array(data, None,
  sequence_length=192, shuffle=True, seed=0)`` with a map that splits each
  192-row window into 168 input and 24 target rows. Keras pairs each window
  with a single target row, so 24-step targets need the longer window and the
  split; the result holds the same windows as the tsrnn path.

Each path runs in a fresh subprocess that first imports TensorFlow, Keras and
tsrnn and builds the series. Peak memory is the process's peak resident set
(``ru_maxrss``) minus that of a baseline process that does only that setup;
tracemalloc would miss TensorFlow's C++ buffers.

Run it with ``python -m benchmarks --only windowing`` (``--quick`` for a
smaller series), or one path alone with
``python -m benchmarks.windowing --worker tsrnn --steps 100000``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from benchmarks import register
from benchmarks._common import peak_rss_bytes, start_worker, worker_result

STEPS = 1_000_000
QUICK_STEPS = 20_000
FEATURES = 4
INPUT_WIDTH = 168
HORIZON = 24
BATCH_SIZE = 256
SEED = 0
PATHS = ("baseline", "tsrnn", "keras")
NOTES = [
    "Notes:",
    "",
    "- windows/s: the epoch consumed by a Python for-loop over the dataset "
    "(eager, as in a custom loop); graph consumer: a second epoch consumed by "
    "`Dataset.reduce` that counts windows (no Python per batch, as inside "
    "`Model.fit`'s compiled loop).",
    "- Keras pairs each window with one target row, so the Keras path uses "
    f"`sequence_length={INPUT_WIDTH + HORIZON}` and splits each window into "
    f"{INPUT_WIDTH} input and {HORIZON} target rows in a map: the same (X, y) "
    "as tsrnn. Its per-window gather, batching and 8-batch shuffle buffer are "
    "what makes it slow; its full-order shuffle of start positions happens in "
    "NumPy at build time.",
    "- tsrnn keeps one float32 copy of the series (TensorFlow copies the NumPy "
    "array: 1.0 x raw) and one int32 permutation of the window numbers per "
    "epoch (0.25 x raw here); batches are gathered from those. Peak RSS "
    "differences of a few tens of MB vary from run to run (allocator reuse), "
    "so read the memory goal against several runs.",
    "- Choices measured while building `make_dataset` (same machine, under "
    "load): one `tf.gather` of rows per batch beat `tf.signal.frame` (about "
    "2x) and `tf.image.extract_patches` (about 8x); two gathers (inputs, "
    "targets) beat one gather of the whole span split afterwards (about 10%); "
    "slicing the batch of window numbers inside the gather map beat a separate "
    "map; `prefetch(AUTOTUNE)` was no faster than a buffer of 2 and raised "
    "peak memory by 20 to 200 MB; XLA-compiled gathers were about 25% faster "
    "in tf.data but were left out (compile cost, private API for windowed "
    "gathers).",
]


def _series(steps: int):
    import numpy as np

    rng = np.random.default_rng(SEED)
    return rng.standard_normal((steps, FEATURES)).astype(np.float32)


def _rss_now_bytes() -> int | None:
    """Current resident set (Linux only): what the process holds right now."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def _tsrnn_dataset(data):
    from tsrnn.data.tfdata import make_dataset

    return make_dataset(
        data, INPUT_WIDTH, HORIZON, batch_size=BATCH_SIZE, shuffle=True, seed=SEED
    )


def _keras_dataset(data):
    import keras
    import tensorflow as tf

    windows = keras.utils.timeseries_dataset_from_array(
        data,
        None,
        sequence_length=INPUT_WIDTH + HORIZON,
        batch_size=BATCH_SIZE,
        shuffle=True,
        seed=SEED,
    )

    def split(window):
        return window[:, :INPUT_WIDTH], window[:, INPUT_WIDTH:]

    return windows.map(split, num_parallel_calls=tf.data.AUTOTUNE)


def _floor_dataset(steps: int):
    import tensorflow as tf

    count = steps - INPUT_WIDTH - HORIZON + 1
    X = tf.zeros((BATCH_SIZE, INPUT_WIDTH, FEATURES))
    y = tf.zeros((BATCH_SIZE, HORIZON, FEATURES))

    def batch(i):
        size = tf.minimum(tf.constant(BATCH_SIZE, tf.int64), count - i * BATCH_SIZE)
        return X[:size], y[:size]

    # The shape of tsrnn's pipeline (parallel map, prefetch of 2), yielding
    # slices of one constant batch: no series, no index permutation, no gather.
    return (
        tf.data.Dataset.range(-(-count // BATCH_SIZE))
        .map(batch, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
        .prefetch(2)
    )


def _iterate(dataset, max_batches: int | None) -> tuple[int, int, list]:
    windows = batches = 0
    shapes = []
    for X, y in dataset:
        if batches == 0:
            shapes = [list(X.shape[1:]), list(y.shape[1:])]
        windows += int(X.shape[0])
        batches += 1
        if max_batches is not None and batches >= max_batches:
            break
    return windows, batches, shapes


def _reduce(dataset, max_batches: int | None) -> int:
    """Consume ``dataset`` in graph mode (``Dataset.reduce``): no Python per batch."""
    import tensorflow as tf

    if max_batches is not None:
        dataset = dataset.take(max_batches)

    def count(total, batch):
        X = batch[0]
        return total + tf.cast(tf.shape(X)[0], tf.int64)

    return int(dataset.reduce(tf.constant(0, tf.int64), count))


def worker(path: str, steps: int, max_batches: int | None = None) -> dict:
    """Set up, build ``path``'s dataset, iterate it once; timings and peak RSS."""
    import keras  # noqa: F401  (every path, baseline included, pays the same imports)
    import tensorflow as tf  # noqa: F401

    import tsrnn.data.tfdata  # noqa: F401

    data = _series(steps)
    result = {
        "path": path,
        "steps": steps,
        "setup_peak_rss": peak_rss_bytes(),
        "setup_rss": _rss_now_bytes(),
    }
    if path == "baseline":
        # Read above, before anything else runs: the baseline. Then the floor
        # that any tf.data pipeline pays: its runtime, threads and traced
        # functions, plus batch buffers of the same shapes, but no series.
        _iterate(_floor_dataset(steps), max_batches)
        result["floor_peak_rss"] = peak_rss_bytes()
        result["floor_rss"] = _rss_now_bytes()
        return result
    build = {"tsrnn": _tsrnn_dataset, "keras": _keras_dataset}[path]
    start = time.perf_counter()
    dataset = build(data)
    built = time.perf_counter()
    windows, batches, shapes = _iterate(dataset, max_batches)
    done = time.perf_counter()
    # A second epoch, consumed in graph mode as Model.fit's compiled loop would.
    reduced = _reduce(dataset, max_batches)
    result.update(
        reduce_s=time.perf_counter() - done,
        reduce_windows=reduced,
        build_s=built - start,
        iterate_s=done - built,
        windows=windows,
        batches=batches,
        shapes=shapes,
        peak_rss=peak_rss_bytes(),
        end_rss=_rss_now_bytes(),  # the dataset and its buffers are still alive
    )
    return result


def _start(path: str, steps: int, max_batches: int | None):
    args = [path, "--steps", str(steps)]
    if max_batches is not None:
        args += ["--max-batches", str(max_batches)]
    return start_worker("windowing", args)


def _measure_all(steps: int, max_batches: int | None, concurrent: bool) -> dict:
    if concurrent:
        started = {path: _start(path, steps, max_batches) for path in PATHS}
        return {path: worker_result(path, process) for path, process in started.items()}
    return {
        path: worker_result(path, _start(path, steps, max_batches)) for path in PATHS
    }


def _mb(n_bytes: float) -> str:
    return f"{n_bytes / 1e6:.1f}"


@register("windowing")
def run(quick: bool = False, max_batches: int | None = None) -> str:
    """Measure both paths in fresh subprocesses; return a markdown section."""
    steps = QUICK_STEPS if quick else STEPS
    # A quick run is a smoke check: its workers run side by side to stay under
    # 30 s, so its timings are not comparable with a full run's.
    results = _measure_all(steps, max_batches, concurrent=quick)
    baseline = results["baseline"]["setup_peak_rss"]
    floor = results["baseline"]["floor_peak_rss"]
    setup_rss = results["baseline"]["setup_rss"]
    floor_rss = results["baseline"]["floor_rss"]
    floor_growth = 0 if floor_rss is None else floor_rss - setup_rss
    raw_bytes = steps * FEATURES * 4
    batch_bytes = BATCH_SIZE * (INPUT_WIDTH + HORIZON) * FEATURES * 4
    rows = []
    for path in ("tsrnn", "keras"):
        r = results[path]
        r["rate"] = r["windows"] / r["iterate_s"]
        r["graph_rate"] = r["reduce_windows"] / r["reduce_s"]
        r["over_baseline"] = r["peak_rss"] - baseline
        r["over_floor"] = r["peak_rss"] - floor
        held = floor_held = "n/a"
        if r["end_rss"] is not None:
            held = _mb(r["end_rss"] - r["setup_rss"])
            floor_held = _mb(r["end_rss"] - r["setup_rss"] - floor_growth)
        rows.append(
            f"| {path} | {r['windows']:,} | {r['batches']:,} | {r['build_s']:.2f} "
            f"| {r['iterate_s']:.2f} | {r['rate']:,.0f} | {r['graph_rate']:,.0f} "
            f"| {_mb(r['over_baseline'])} "
            f"| {_mb(r['over_floor'])} | {held} | {floor_held} |"
        )
    tsrnn, keras = results["tsrnn"], results["keras"]
    speedup = tsrnn["rate"] / keras["rate"]
    graph_speedup = tsrnn["graph_rate"] / keras["graph_rate"]
    goal = 1.5 * raw_bytes + batch_bytes
    scope = (
        "every training batch of one shuffled epoch"
        if max_batches is None
        else f"the first {max_batches} shuffled training batches"
    )

    def memory_row(label, used):
        met = "yes" if used <= goal else "no"
        return f"| {label} | {_mb(used)} MB = {used / raw_bytes:.2f} x raw | {met} |"

    lines = [
        f"Series of {steps:,} steps x {FEATURES} float32 features "
        f"(raw array {_mb(raw_bytes)} MB), input_width={INPUT_WIDTH}, "
        f"horizon={HORIZON}, batch_size={BATCH_SIZE}; each path iterates {scope} "
        "in its own fresh process"
        + (" (quick run: the processes ran concurrently)" if quick else "")
        + ". Batch shapes per window: tsrnn "
        f"X{tsrnn['shapes'][0]} y{tsrnn['shapes'][1]}, keras "
        f"X{keras['shapes'][0]} y{keras['shapes'][1]}.",
        "",
        "| path | windows | batches | build s | iterate s | windows/s "
        "| windows/s, graph consumer (`reduce`) "
        "| peak RSS over baseline, MB | peak RSS over tf.data floor, MB "
        "| RSS growth, setup to last batch, MB | RSS growth over floor's, MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        "Baseline: a process that imports TensorFlow, Keras and tsrnn and builds "
        f"the array, peak RSS {_mb(baseline)} MB. tf.data floor: the same process "
        "after iterating a pipeline of the same shape (parallel map, prefetch of "
        "2) that yields slices of one constant batch (no series, no permutation, "
        f"no gather), peak RSS {_mb(floor)} MB, "
        f"{_mb(floor - baseline)} MB over the baseline, RSS growth "
        f"{_mb(floor_growth)} MB. Peak RSS is a "
        "high-water mark that includes import-time transients whose freed pages "
        "later allocations reuse, so a peak over the baseline can understate "
        "what a pipeline allocates; the RSS growth column (resident set after "
        "the last batch, dataset alive, minus after setup) shows what it holds.",
        "",
        "| goal | measured | met |",
        "|---|---|---|",
        f"| tsrnn windows/s >= 100 x Keras | {speedup:.1f} x "
        f"| {'yes' if speedup >= 100 else 'no'} |",
        f"| the same, both consumed in graph mode (`Dataset.reduce`, a second "
        f"epoch) | {graph_speedup:.1f} x | {'yes' if graph_speedup >= 100 else 'no'} |",
        f"| tsrnn peak memory over baseline <= 1.5 x raw array + one batch "
        f"({_mb(goal)} MB) " + memory_row("", tsrnn["over_baseline"])[3:],
        memory_row("the same, counted over the tf.data floor", tsrnn["over_floor"]),
        f"| (Keras, for comparison) over baseline / over floor "
        f"| {_mb(keras['over_baseline'])} / {_mb(keras['over_floor'])} MB | |",
    ]
    lines += ["", *NOTES]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", choices=PATHS, required=True)
    parser.add_argument("--steps", type=int, default=STEPS)
    parser.add_argument("--max-batches", type=int, default=None)
    args = parser.parse_args(argv)
    print(json.dumps(worker(args.worker, args.steps, args.max_batches)))


if __name__ == "__main__":
    main()
