"""Windows shorter than the training width: the masked twin of a fitted network."""

from __future__ import annotations

import numpy as np
import pytest

from tsrnn import DenseRegressor, RNNRegressor
from tsrnn.estimators.capabilities import forecasting_tags


@pytest.fixture(scope="module")
def windows():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 12, 2)).astype("float32")
    return X, rng.normal(size=(64, 4, 1))


@pytest.mark.parametrize("instance_norm", [False, True])
def test_full_windows_as_a_list_give_the_fitted_networks_output(windows, instance_norm):
    X, y = windows
    model = RNNRegressor(
        cell="gru",
        units=4,
        epochs=1,
        instance_norm=instance_norm,
        jit_compile=False,
        random_state=0,
    ).fit(X, y)
    np.testing.assert_array_equal(model.predict(list(X[:5])), model.predict(X[:5]))
    short = model.predict([X[0, -5:], X[1, -9:]])
    assert short.shape == (2, 4, 1)
    # Each short window's output does not depend on what it is padded against.
    np.testing.assert_array_equal(model.predict([X[0, -5:]]), short[:1])
    assert not np.allclose(short[0], model.predict(X[:1])[0])


def test_short_inputs_are_declared_and_refused_where_unsupported(windows):
    X, y = windows
    assert forecasting_tags(RNNRegressor()).short_inputs
    assert not forecasting_tags(RNNRegressor(architecture="seq2seq")).short_inputs
    assert not forecasting_tags(DenseRegressor()).short_inputs
    model = RNNRegressor(units=4, epochs=1, jit_compile=False, random_state=0)
    model.fit(X, y)
    with pytest.raises(ValueError, match="must hold sequences of 12 timesteps"):
        model.predict([X[0], np.vstack([X[1], X[2]])])  # longer than trained
    dense = DenseRegressor(units=(4,), epochs=1, jit_compile=False).fit(X, y)
    with pytest.raises(ValueError, match="must hold sequences of 12 timesteps"):
        dense.predict([X[0, -5:], X[1]])
