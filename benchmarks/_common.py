"""Helpers shared by the accuracy and speed benchmarks (not a benchmark itself)."""

from __future__ import annotations

import os
import sys
import time
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
