"""The training-speed benchmark's data and its peers' availability check."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def benchmarks_path():
    sys.path.insert(0, str(ROOT))
    try:
        yield
    finally:
        sys.path.remove(str(ROOT))


def test_unavailable_names_the_missing_peers_and_how_to_install_them(
    benchmarks_path, monkeypatch
):
    from benchmarks import _torch_peers

    # A None entry in sys.modules makes find_spec report the package as absent.
    for name in ("torch", "darts", "neuralforecast"):
        monkeypatch.setitem(sys.modules, name, None)
    reason = _torch_peers.unavailable()
    assert reason.startswith("torch, darts, neuralforecast not installed")
    assert "pip install 'tsrnn[bench]'" in reason


def test_make_series_is_standardized_float32_with_a_learnable_target(
    benchmarks_path,
):
    from benchmarks.training_speed import FEATURES, make_series

    series = make_series(5_000)
    assert series.shape == (5_000, FEATURES)
    assert series.dtype == np.float32
    np.testing.assert_allclose(series.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(series.std(axis=0), 1, atol=1e-4)
    # The next target value is predictable from the window: least squares on
    # the last row of every feature beats repeating the last target value.
    inputs, target = series[:-1], series[1:, 0]
    design = np.column_stack([inputs, np.ones(len(inputs))])
    coef, *_ = np.linalg.lstsq(design, target, rcond=None)
    fitted = np.mean((design @ coef - target) ** 2)
    naive = np.mean((inputs[:, 0] - target) ** 2)
    assert fitted < 0.8 * naive
    np.testing.assert_array_equal(make_series(100), make_series(100))
