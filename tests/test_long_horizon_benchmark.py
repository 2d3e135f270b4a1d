"""The long-horizon benchmark's command line on an ETT-layout CSV (quick mode)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
KEYS = {"target", "horizon", "lookback", "seed", "mse", "mae", "chosen"}


def _ett_csv(path):
    """20 months of hourly rows (the 12/4/4 split exactly), date column first."""
    rows = 20 * 30 * 24
    t = np.arange(rows)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "date": pd.date_range("2020-01-01", periods=rows, freq="h"),
            "load": np.sin(2 * np.pi * t / 24) + 0.1 * rng.standard_normal(rows),
            "OT": np.cos(2 * np.pi * t / 24) + 0.1 * rng.standard_normal(rows),
        }
    )
    frame.to_csv(path, index=False)
    return path


def _run(*args):
    return subprocess.run(
        [sys.executable, "-m", "benchmarks.long_horizon", *args],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_long_horizon_cli_writes_records_chosen_on_validation(tmp_path):
    csv = _ett_csv(tmp_path / "toy.csv")
    records_path = tmp_path / "cells.json"
    output = tmp_path / "RESULTS.md"
    options = ["--csv", str(csv), "--horizons", "24", "--lookbacks", "96,336"]
    options += ["--seeds", "1", "--json", str(records_path), "--quick"]
    _run(*options, "--output", str(output))

    records = json.loads(records_path.read_text())
    assert len(records) == 4  # 2 targets x 1 horizon x 2 lookbacks x 1 seed
    assert all(set(record) == KEYS for record in records)
    fits = json.loads((tmp_path / "cells.fits.json").read_text())
    for target in ("multivariate", "OT"):
        mine = [r for r in records if r["target"] == target]
        assert sum(r["chosen"] for r in mine) == 1
        val = {f["lookback"]: f["val_mse"] for f in fits if f["target"] == target}
        chosen = next(r["lookback"] for r in mine if r["chosen"])
        assert chosen == min(val, key=val.get)
    text = output.read_text()
    assert "<!-- benchmark: long_horizon_toy -->" in text
    assert "| 24 | 336 | 1 of 1 |" in text

    # Recorded fits are not run again: a second run only re-renders the table.
    _run(*options, "--no-write")
    assert json.loads(records_path.read_text()) == records
