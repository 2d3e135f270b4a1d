"""Peak memory of out-of-core training from Parquet files as the data grows 1x, 4x, 16x.

A generated long panel (series of 10,000 hourly rows: a target and two
covariates) is written as Parquet files of ``SERIES_PER_FILE`` series each;
the sizes differ only in the number of files. For each size a fresh subprocess
(``ru_maxrss`` is a per-process high-water mark) imports TensorFlow and tsrnn,
then

1. ``ParquetWindower.fit``: one streaming pass over every file (checks, cuts,
   per-series scaling statistics of the training rows);
2. trains ``build_rnn((48, 3), (6, 1), units=16)`` for ``TRAIN_STEPS`` batches
   of a shuffled epoch (files shuffled, 4 read at a time, a 10,000-window
   buffer);
3. ``ParquetWindower.predict``: a forecast for every series, reading every file.

Peak RSS is reported beside the size of the data as float64 arrays in memory.
Why peak RSS and not a ``ulimit -v`` (RLIMIT_AS) cap: TensorFlow reserves
several GB of virtual address space at import, far beyond what it touches, so
an address-space limit fails at import rather than measuring the data path.
A flat peak RSS while the data grows 16-fold is the evidence instead.

Run: ``python -m benchmarks --only outofcore_memory`` (``--quick``: smaller).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import register
from benchmarks._common import ROOT, load_average, progress

ROWS_PER_SERIES = 10_000
SERIES_PER_FILE = 50
FILES = (16, 64, 256)  # 1x, 4x, 16x: 0.26, 1.0 and 4.1 GB as float64 arrays
QUICK_FILES = (1, 4)  # two sizes keep the smoke test short
QUICK_SERIES_PER_FILE = 4
TRAIN_STEPS = 200
QUICK_TRAIN_STEPS = 10
WIDTH, HORIZON, BATCH_SIZE = 48, 6, 256


def _peak_rss_bytes() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def write_panel(folder: Path, n_files: int, series_per_file: int) -> int:
    """Write ``n_files`` Parquet files; return the panel's float64 bytes."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    time_index = pd.date_range("2020-01-01", periods=ROWS_PER_SERIES, freq="h")
    t = np.arange(ROWS_PER_SERIES)
    for n in range(n_files):
        parts = []
        for k in range(series_per_file):
            level = rng.uniform(5, 50)
            parts.append(
                pd.DataFrame(
                    {
                        "id": f"f{n}-s{k}",
                        "time": time_index,
                        "y": level * (1 + 0.3 * np.sin(2 * np.pi * t / 24))
                        + rng.standard_normal(ROWS_PER_SERIES),
                        "temp": rng.standard_normal(ROWS_PER_SERIES).cumsum() * 0.1,
                        "price": rng.uniform(1, 2, ROWS_PER_SERIES),
                    }
                )
            )
        pd.concat(parts).to_parquet(folder / f"part-{n:04d}.parquet", index=False)
    # time (8 bytes) and three float64 columns per row; ids not counted.
    return n_files * series_per_file * ROWS_PER_SERIES * 4 * 8


def worker(folder: str, train_steps: int) -> dict:
    import numpy as np

    from tsrnn import build_rnn, compile_model
    from tsrnn.data.parquet import ParquetWindower

    baseline = _peak_rss_bytes()
    start = time.perf_counter()
    windower = ParquetWindower(
        WIDTH,
        HORIZON,
        target="y",
        past_covariates=["temp", "price"],
        id_col="id",
        time_col="time",
        test_size=0.1,
    ).fit(folder)
    fitted = time.perf_counter()
    model = compile_model(build_rnn((WIDTH, 3), (HORIZON, 1), units=16, seed=0))
    data = windower.dataset(batch_size=BATCH_SIZE, shuffle=True, seed=0).repeat()
    history = model.fit(data, epochs=1, steps_per_epoch=train_steps, verbose=0)
    trained = time.perf_counter()
    forecast = windower.predict(model)
    done = time.perf_counter()
    return {
        "baseline_rss": baseline,
        "peak_rss": _peak_rss_bytes(),
        "windows": windower.n_windows_["train"],
        "series": len(windower.series_ids_),
        "forecast_rows": len(forecast),
        "loss": float(np.mean(history.history["loss"])),
        "fit_s": fitted - start,
        "train_s": trained - fitted,
        "predict_s": done - trained,
    }


def _measure(folder: Path, train_steps: int) -> dict:
    command = [sys.executable, "-m", "benchmarks.outofcore_memory", "--worker"]
    command += [str(folder), "--train-steps", str(train_steps)]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"The worker failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@register("outofcore_memory")
def run(quick: bool = False) -> str:
    """Peak RSS of fit + train + predict from Parquet at 1x, 4x, 16x data."""
    start_load = load_average()
    sizes = QUICK_FILES if quick else FILES
    per_file = QUICK_SERIES_PER_FILE if quick else SERIES_PER_FILE
    steps = QUICK_TRAIN_STEPS if quick else TRAIN_STEPS
    rows = []
    with tempfile.TemporaryDirectory() as root:
        for n_files in sizes:
            folder = Path(root) / f"files-{n_files}"
            folder.mkdir()
            data_bytes = write_panel(folder, n_files, per_file)
            disk = sum(f.stat().st_size for f in folder.iterdir())
            result = _measure(folder, steps)
            progress(f"outofcore_memory {n_files} files: {result}")
            rows.append((n_files, data_bytes, disk, result))
            shutil.rmtree(folder)
    lines = [
        f"Series of {ROWS_PER_SERIES:,} hourly rows (target + 2 covariates), "
        f"{per_file} series per Parquet file; windows {WIDTH} -> {HORIZON}, "
        f"batch {BATCH_SIZE}, LSTM(16) trained {steps} batches of a shuffled "
        "epoch; fit and predict read every file. Peak RSS of a fresh process; "
        "no RLIMIT_AS cap (TensorFlow reserves GBs of address space at import). "
        f"Load average (1/5/15 min) at start {start_load}"
        + (", QUICK RUN" if quick else "")
        + ".",
        "",
        "| size | files | series | train windows | data in memory (float64), MB "
        "| on disk, MB | peak RSS, MB | RSS / data | fit s | train s | predict s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n_files, data_bytes, disk, r in rows:
        lines.append(
            f"| {n_files // sizes[0]}x | {n_files} | {r['series']} | "
            f"{r['windows']:,} | {data_bytes / 1e6:.0f} | {disk / 1e6:.0f} | "
            f"{r['peak_rss'] / 1e6:.0f} | {r['peak_rss'] / data_bytes:.2f} | "
            f"{r['fit_s']:.1f} | {r['train_s']:.1f} | {r['predict_s']:.1f} |"
        )
    growth = rows[-1][3]["peak_rss"] / rows[0][3]["peak_rss"]
    lines += [
        "",
        f"Data grew {sizes[-1] // sizes[0]}x; peak RSS grew {growth:.2f}x. Memory "
        "holds at most 4 files (the interleave) plus the shuffle buffer, whatever "
        "the number of files.",
    ]
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", required=True)
    parser.add_argument("--train-steps", type=int, default=TRAIN_STEPS)
    args = parser.parse_args(argv)
    print(json.dumps(worker(args.worker, args.train_steps)))


if __name__ == "__main__":
    main()
