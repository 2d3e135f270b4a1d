"""InstanceNorm's window-mean reference and the builders that use it."""

from __future__ import annotations

import numpy as np
import pytest

from tsrnn import RNNRegressor, build_rnn
from tsrnn.nn.layers import InstanceNorm


def test_mean_reference_subtracts_the_mean_of_the_real_steps():
    x = np.array([[[1.0, 10.0], [3.0, 20.0], [8.0, 30.0]]], dtype="float32")
    normalized, level = InstanceNorm([0], reference="mean")(x)
    assert np.asarray(level).tolist() == [[4.0]]
    assert np.asarray(normalized)[0, :, 0].tolist() == [-3.0, -1.0, 4.0]
    assert np.asarray(normalized)[0, :, 1].tolist() == [10.0, 20.0, 30.0]
    garbage = x.copy()
    garbage[0, 0] = np.inf  # a padded step may hold anything
    _, level = InstanceNorm([0], reference="mean")([garbage, np.array([[0, 1, 1]])])
    assert np.asarray(level).tolist() == [[5.5]]


def test_mean_level_forecasts_move_with_the_window():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 12, 1)).astype("float32")
    model = RNNRegressor(
        cell="gru", units=4, epochs=1, instance_norm="mean", random_state=0
    ).fit(X, rng.normal(size=(64, 4, 1)))
    shifted = model.predict(X[:3] + 5.0) - model.predict(X[:3])
    np.testing.assert_allclose(shifted, 5.0, atol=1e-4)


def test_mean_reference_is_refused_for_aligned_outputs():
    with pytest.raises(ValueError, match="must be True, not 'mean'"):
        build_rnn((8, 1), 1, return_sequences=True, instance_norm="mean")
    with pytest.raises(ValueError, match="`reference` must be 'last', 'first'"):
        InstanceNorm([0], reference="median")
