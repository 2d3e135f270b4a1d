"""recursive_predict of tsrnn.nn.recursive: one traced loop over the horizon."""

from __future__ import annotations

import numpy as np
import pytest

from tsrnn.nn.builders import build_rnn
from tsrnn.nn.recursive import recursive_predict


def _windows(batch, steps, n_features, seed=0):
    return np.random.default_rng(seed).standard_normal((batch, steps, n_features))


def _out(model, window):
    """One eager call of ``model``: the reference for the traced loop."""
    return np.asarray(model(window, training=False))


def test_recursive_predict_equals_step_by_step_calls():
    model = build_rnn((5, 3), 2, units=4, seed=0)
    X = _windows(2, 5, 3)
    future = _windows(2, 4, 1, seed=1)
    X_before = X.copy()
    got = recursive_predict(model, X, 4, target_index=[2, 0], future=future)
    assert got.shape == (2, 4, 2)
    np.testing.assert_array_equal(X, X_before)

    window = X.astype("float32")
    for step in range(4):
        y = _out(model, window)
        np.testing.assert_allclose(got[:, step], y, atol=1e-6)
        row = np.empty((2, 3), "float32")
        row[:, 2], row[:, 0], row[:, 1] = y[:, 0], y[:, 1], future[:, step, 0]
        window = np.concatenate([window[:, 1:], row[:, None]], axis=1)


def test_recursive_predict_accepts_a_one_step_3d_output():
    model = build_rnn((5, 1), (1, 1), units=4, seed=0)
    X = _windows(3, 5, 1)
    got = recursive_predict(model, X, 3)
    assert got.shape == (3, 3, 1)
    np.testing.assert_allclose(got[:, 0], _out(model, X)[:, 0], atol=1e-6)


def test_recursive_predict_raises_ValueError_when_covariates_have_no_future():
    model = build_rnn((5, 2), 1, units=4)
    with pytest.raises(ValueError, match="`future` is required"):
        recursive_predict(model, _windows(1, 5, 2), 3)
    with pytest.raises(ValueError, match=r"`future` must have shape \(1, 3, 1\)"):
        recursive_predict(model, _windows(1, 5, 2), 3, future=np.zeros((1, 2, 1)))


def test_recursive_predict_raises_ValueError_for_a_multi_step_model():
    model = build_rnn((5, 1), (3, 1), units=4)
    with pytest.raises(ValueError, match="one-step model"):
        recursive_predict(model, _windows(1, 5, 1), 3)


def test_recursive_predict_raises_ValueError_for_windows_of_the_wrong_shape():
    model = build_rnn((5, 1), 1, units=4)
    with pytest.raises(
        ValueError, match=r"`X` must be windows of shape \(batch, 5, 1\)"
    ):
        recursive_predict(model, _windows(1, 6, 1), 3)
