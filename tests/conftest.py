"""Shared fixtures: seeded synthetic frames and the real datasets in ../shared/data."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("TSRNN_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Directory of the real public datasets (see ../shared/data/PROVENANCE.md)."""
    if not SHARED_DATA.is_dir():
        pytest.fail(
            f"Real datasets not found at {SHARED_DATA}. Put the shared/ folder beside "
            "the repository or set TSRNN_SHARED_DATA."
        )
    return SHARED_DATA


@pytest.fixture(scope="session")
def airline_csv(shared_data) -> Path:
    return shared_data / "forecasting" / "airline.csv"


@pytest.fixture(scope="session")
def etth1_dir(shared_data) -> Path:
    return shared_data / "forecasting"


@pytest.fixture
def hourly_frame() -> pd.DataFrame:
    """Three weeks of seeded hourly data: a daily-cycle target, two covariates."""
    rng = np.random.default_rng(0)
    index = pd.date_range("2024-01-01", periods=24 * 21, freq="h", name="time")
    t = np.arange(len(index))
    return pd.DataFrame(
        {
            "load": 10 + np.sin(2 * np.pi * t / 24) + 0.1 * rng.standard_normal(len(t)),
            "temp": 5 + rng.standard_normal(len(t)),
            "price": rng.uniform(1, 2, len(t)),
        },
        index=index,
    )


@pytest.fixture
def long_frame() -> pd.DataFrame:
    """Three series of unequal length in long format (id, time, value)."""
    rng = np.random.default_rng(1)
    parts = []
    for sid, length in (("a", 60), ("b", 45), ("c", 80)):
        time = pd.date_range("2024-01-01", periods=length, freq="D")
        parts.append(
            pd.DataFrame(
                {"id": sid, "time": time, "value": rng.standard_normal(length).cumsum()}
            )
        )
    return pd.concat(parts, ignore_index=True)
