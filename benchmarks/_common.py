"""Helpers shared by the accuracy and speed benchmarks (not a benchmark itself)."""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(
    os.environ.get("TSRNN_SHARED_DATA", ROOT.parent / "shared" / "data")
).resolve()
_START = time.perf_counter()


def data_dir(kind: str) -> Path:
    """``forecasting`` or ``classification`` folder of the shared data."""
    if kind == "forecasting" and os.environ.get("TSRNN_DATA_DIR"):
        return Path(os.environ["TSRNN_DATA_DIR"])
    return SHARED_DATA / kind


def progress(message: str) -> None:
    """One progress line on stderr, with the seconds since the import."""
    print(
        f"[{time.perf_counter() - _START:7.1f} s] {message}",
        file=sys.stderr,
        flush=True,
    )


def mean_std(values, digits: int = 3) -> str:
    """``mean ± std`` (population std over seeds), or the value alone for one seed."""
    import numpy as np

    values = np.asarray(values, dtype=float)
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return f"{values.mean():.{digits}f} ± {values.std():.{digits}f}"


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def quiet_tensorflow() -> None:
    """Hide TensorFlow's C++ log lines and any GPU (the figures are CPU figures)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")


def peak_rss_bytes() -> int:
    """This process's peak resident set so far (a high-water mark), in bytes."""
    import resource

    # Linux reports ru_maxrss in KiB, macOS in bytes.
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def start_worker(module: str, args: list[str]):
    """Run ``python -m benchmarks.<module> --worker ...`` in a fresh process.

    GPUs are hidden: the measured pipelines run on the CPU, and a GPU driver's
    memory would otherwise enter the resident set.
    """
    import subprocess

    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    return subprocess.Popen(
        [sys.executable, "-m", f"benchmarks.{module}", "--worker", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def worker_result(name: str, process) -> dict:
    """Wait for a worker and parse the JSON object on its last line of output."""
    import json

    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(
            f"The {name} worker failed (exit {process.returncode}):\n{stderr[-4000:]}"
        )
    return json.loads(stdout.strip().splitlines()[-1])


@contextmanager
def training_steps(steps: int | None):
    """AutoForecaster's recurrent candidates train ``steps`` gradient steps.

    For quick runs (smoke checks); ``None`` leaves the default. Restored on
    exit.
    """
    from tsrnn.forecasting import candidates

    saved = candidates.TRAINING_STEPS
    if steps is not None:
        candidates.TRAINING_STEPS = steps
    try:
        yield
    finally:
        candidates.TRAINING_STEPS = saved
