"""Defaults that train on any data: RNNRegressor's epochs from a budget of
gradient steps and a learning rate halved on training-loss plateaus (only when
the epochs are "auto"), and RNNClassifier's normalization of series, not tables.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from sklearn.preprocessing import scale
from sklearn.utils.estimator_checks import _regression_dataset

from tsrnn import RNNClassifier, RNNRegressor
from tsrnn.estimators import regressors
from tsrnn.estimators.regressors import EPOCH_BOUNDS, GRADIENT_STEPS
from tsrnn.estimators.training import plateau_patience

TINY = dict(units=4, jit_compile=False, random_state=0)
LOW, HIGH = EPOCH_BOUNDS


@pytest.fixture
def windows():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 6))
    return X, X[:, -1] - 0.5 * X[:, 0]


def learning_rate(model) -> float:
    return float(keras.ops.convert_to_numpy(model.model_.optimizer.learning_rate))


@pytest.mark.parametrize(
    ("n_train", "batch_size", "expected"),
    [
        (200, 32, -(-GRADIENT_STEPS // 7)),  # 7 steps per epoch
        (1_000, 32, max(LOW, -(-GRADIENT_STEPS // 32))),
        (100_000, 32, LOW),  # never fewer than the former fixed 50
        (10, 32, HIGH),
    ],
)
def test_auto_epochs_spend_a_budget_of_gradient_steps(n_train, batch_size, expected):
    assert RNNRegressor(batch_size=batch_size)._n_epochs(n_train) == expected
    assert RNNRegressor(epochs=7)._n_epochs(n_train) == 7


def test_defaults_are_auto_epochs_and_a_plateau_schedule():
    params = RNNRegressor().get_params()
    assert params["epochs"] == "auto"
    assert params["lr_patience"] == "auto"
    assert LOW == 50  # the former fixed default is the floor


def test_lr_patience_auto_schedules_only_auto_epochs():
    # Explicit epochs (a user's, or AutoForecaster's candidates') keep the
    # constant learning rate they always had.
    assert RNNRegressor()._lr_patience(143) == plateau_patience(143) == 14
    assert RNNRegressor(epochs=60)._lr_patience(60) is None
    assert RNNRegressor(epochs=60, lr_patience=3)._lr_patience(60) == 3
    assert RNNRegressor(lr_patience=None)._lr_patience(143) is None


def test_learning_rate_halves_when_the_training_loss_stalls(windows):
    X, y = windows
    # A rate this high makes the loss bounce; patience 1 halves it at once.
    model = RNNRegressor(
        epochs=6, learning_rate=5.0, clipnorm=None, lr_patience=1, **TINY
    ).fit(X, y)
    assert learning_rate(model) < 5.0
    constant = RNNRegressor(epochs=6, learning_rate=5.0, clipnorm=None, **TINY)
    assert learning_rate(constant.fit(X, y)) == pytest.approx(5.0)


def test_auto_epochs_run_the_budget_and_warm_start_adds_it(windows, monkeypatch):
    # A budget of 4 steps: 2 epochs of 2 batches of the 40 windows.
    monkeypatch.setattr(regressors, "GRADIENT_STEPS", 4)
    monkeypatch.setattr(regressors, "EPOCH_BOUNDS", (1, 10))
    X, y = windows
    model = RNNRegressor(warm_start=True, **TINY).fit(X, y)
    assert model.n_iter_ == len(model.history_["loss"]) == 2
    assert model.fit(X, y).n_iter_ == 4


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        (dict(epochs="many"), TypeError, r"`epochs` must be a positive integer or"),
        (dict(epochs=0), ValueError, r"`epochs` must be a positive integer or"),
        (dict(lr_patience=0), ValueError, r"`lr_patience` must be a positive int"),
        (dict(lr_patience="often"), TypeError, r"integer or 'auto' or None"),
    ],
)
def test_bad_training_settings_raise_at_fit_with_the_parameter_named(
    windows, kwargs, error, pattern
):
    with pytest.raises(error, match=pattern):
        RNNRegressor(**{**TINY, **kwargs}).fit(*windows)


@pytest.mark.slow
def test_default_regressor_fits_scikit_learns_regression_problem():
    # The data of scikit-learn's check_regressors_train, which asks R² > 0.5;
    # the former fixed 50 epochs reached 0.36.
    X, y = _regression_dataset()
    y = scale(y)
    model = RNNRegressor(random_state=0).fit(X, y)
    assert model.score(X, y) > 0.6


@pytest.mark.parametrize(("steps", "expected"), [(2, False), (3, True), (24, True)])
def test_auto_normalize_leaves_series_of_two_steps_as_they_are(steps, expected):
    # Two z-normalized steps are -1 and 1: only their order would be left, and
    # an X of two columns is a table more often than a series.
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, steps))
    y = np.arange(20) % 2
    tiny = dict(filters=(4,), kernel_sizes=(2,), epochs=1, **TINY)
    assert RNNClassifier(**tiny).fit(X, y).normalize_ is expected
    assert RNNClassifier(normalize=True, **tiny).fit(X, y).normalize_ is True
