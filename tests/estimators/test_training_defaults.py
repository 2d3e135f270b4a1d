"""Defaults that train on any data: RNNRegressor's epochs from a budget of
gradient steps and a learning rate halved on training-loss plateaus (only when
the epochs are "auto"), RNNClassifier's normalization of series, not tables,
and its batches of nearly equal size.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from sklearn.preprocessing import scale
from sklearn.utils.estimator_checks import _regression_dataset

from tsrnn import RNNClassifier, RNNRegressor
from tsrnn.estimators import regressors
from tsrnn.estimators import training as _training
from tsrnn.estimators.regressors import EPOCH_BOUNDS, GRADIENT_STEPS
from tsrnn.estimators.training import (
    even_batch_bounds,
    make_training_dataset,
    plateau_patience,
)

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


# ------------------------------------------------------------- even batches


@pytest.mark.parametrize("n", [1, 5, 31, 32, 33, 63, 64, 67, 270, 1000, 1025])
@pytest.mark.parametrize("batch_size", [1, 7, 32])
def test_even_batches_are_as_many_as_full_ones_and_differ_by_at_most_one(n, batch_size):
    bounds = even_batch_bounds(n, batch_size)
    sizes = np.diff(bounds)
    assert bounds[0] == 0 and bounds[-1] == n
    assert len(sizes) == -(-n // batch_size)  # the gradient steps are unchanged
    assert sizes.max() <= batch_size
    assert sizes.max() - sizes.min() <= 1


def epochs_of(dataset, epochs=2):
    return [list(dataset) for _ in range(epochs)]


def test_even_batches_hold_every_row_once_an_epoch_with_its_target_and_weight():
    n = 67
    values = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    mask = values % 2 == 0
    y = np.arange(n)
    weights = np.arange(n, dtype=np.float32) / 10

    def dataset(seed):
        return make_training_dataset(
            (values, mask),
            y,
            weights,
            batch_size=32,
            seed=seed,
            shuffle=True,
            even=True,
        )

    orders = []
    for batches in epochs_of(dataset(0)):
        assert [len(b[1]) for b in batches] == [22, 22, 23]
        rows = np.concatenate([b[1].numpy() for b in batches])
        np.testing.assert_array_equal(np.sort(rows), y)  # each row once
        for (x, m), target, weight in batches:
            np.testing.assert_array_equal(x.numpy(), values[target.numpy()])
            np.testing.assert_array_equal(m.numpy(), mask[target.numpy()])
            np.testing.assert_array_equal(weight.numpy(), weights[target.numpy()])
        orders.append(rows)
    assert not np.array_equal(orders[0], orders[1])  # reshuffled every epoch
    assert not np.array_equal(orders[0], y)
    again = [np.concatenate([b[1].numpy() for b in e]) for e in epochs_of(dataset(0))]
    np.testing.assert_array_equal(np.stack(again), np.stack(orders))  # seeded
    unshuffled = make_training_dataset(
        values, y, weights, batch_size=32, seed=0, shuffle=False, even=True
    )
    np.testing.assert_array_equal(np.concatenate([b[1].numpy() for b in unshuffled]), y)


@pytest.mark.parametrize(
    ("estimator", "sizes"),
    [
        (RNNClassifier(units=4, filters=(4, 4), kernel_sizes=(3, 3)), [22, 22, 23]),
        # The regressors have no batch normalization: full batches, as before.
        (RNNRegressor(units=4), [32, 32, 3]),
    ],
)
def test_the_classifier_trains_on_even_batches(estimator, sizes, monkeypatch):
    seen = []
    original = _training.make_training_dataset

    def spy(*args, **options):
        dataset = original(*args, **options)
        seen.append([len(batch[1]) for batch in dataset])
        return dataset

    monkeypatch.setattr(_training, "make_training_dataset", spy)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((67, 8))
    y = (X[:, 0] > 0).astype(int)
    estimator.set_params(epochs=1, jit_compile=False, random_state=0).fit(X, y)
    assert seen == [sizes]
