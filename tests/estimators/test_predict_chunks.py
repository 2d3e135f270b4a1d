"""Predictions run in fixed chunks per fitted network: fast, and batch-invariant."""

from __future__ import annotations

import numpy as np
import pytest

from tsrnn import RNNRegressor
from tsrnn.estimators.training import PREDICT_CHUNK, PREDICT_CHUNK_MAX, chunk_rows


def test_chunk_rows_grow_for_small_networks_on_short_windows():
    assert chunk_rows(None, 1_000) == PREDICT_CHUNK  # any length: the default
    assert chunk_rows(14, 1_000) == PREDICT_CHUNK_MAX
    assert chunk_rows(14, 4_000) == 256
    assert chunk_rows(427, 270_000) == PREDICT_CHUNK
    for steps, params in [(1, 1), (7, 900), (24, 3_000), (96, 50_000)]:
        rows = chunk_rows(steps, params)
        assert PREDICT_CHUNK <= rows <= PREDICT_CHUNK_MAX
        assert rows & (rows - 1) == 0  # a power of 2


@pytest.fixture(scope="module")
def small_model():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 14, 1)).astype(np.float32)
    y = X[:, -3:, 0].mean(axis=1)
    model = RNNRegressor(units=8, epochs=1, random_state=0, jit_compile=False)
    return model.fit(X, y), rng.standard_normal((3000, 14, 1)).astype(np.float32)


def test_a_small_network_predicts_in_large_chunks(small_model):
    model, _ = small_model
    assert model._chunk_rows() == PREDICT_CHUNK_MAX


def test_a_rows_prediction_does_not_depend_on_the_rows_beside_it(small_model):
    model, X = small_model
    together = model.predict(X)
    for i in (0, 1, 1500, 2999):
        np.testing.assert_array_equal(model.predict(X[i : i + 1])[0], together[i])
    shifted = model.predict(X[7:])
    np.testing.assert_array_equal(shifted, together[7:])
