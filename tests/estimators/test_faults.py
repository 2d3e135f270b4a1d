"""Training faults on real training loops (no mocked losses): NaN losses,
interrupts in the middle of an epoch, and early stopping that really stops.

tests/test_estimators.py already covers a NaN loss from 1e30 targets and an
interrupt raised after an epoch; these add what it does not check.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsrnn import DenseRegressor, RNNRegressor, make_windows
from tsrnn.estimators.callbacks import TrainingMonitor
from tsrnn.exceptions import TrainingError, TrainingWarning

TINY = dict(units=4, jit_compile=False, random_state=0)


@pytest.fixture
def airline_windows(airline_csv):
    """Unscaled airline passengers (104 to 622): windows of 12 months, next month."""
    values = pd.read_csv(airline_csv)["Passengers"].to_numpy(dtype=float)
    X, y = make_windows(values, 12, 1)
    return X[:, :, 0], y[:, 0, 0]


def test_huge_learning_rate_on_real_data_raises_and_keeps_the_last_good_weights(
    airline_windows,
):
    X, y = airline_windows
    model = RNNRegressor(epochs=1, learning_rate=1e-3, warm_start=True, **TINY)
    good = model.fit(X, y).predict(X)
    model.set_params(learning_rate=1e20, clipnorm=None, epochs=3)
    with pytest.raises(
        TrainingError, match=r"NaN or infinite at epoch 2.*learning_rate"
    ):
        model.fit(X, y)
    assert not np.isfinite(model.history_["loss"][-1])
    assert model.n_iter_ == 2
    # The diverged epoch was rolled back: the network is the one of epoch 1.
    np.testing.assert_array_equal(model.predict(X), good)


def interrupt_at(monkeypatch, *, epoch: int, batch: int) -> None:
    """Raise KeyboardInterrupt from a real Keras batch hook mid-epoch."""

    def on_train_batch_end(self, index, logs=None):
        if self.epochs_run == epoch and index == batch:
            raise KeyboardInterrupt

    monkeypatch.setattr(
        TrainingMonitor,
        "on_train_batch_end",
        on_train_batch_end,
        raising=False,
    )


@pytest.fixture
def sine_windows():
    rng = np.random.default_rng(0)
    series = np.sin(np.arange(100) / 4) + 0.05 * rng.standard_normal(100)
    X, y = make_windows(series, 12, 1)
    return X[:, :, 0], y[:, 0, 0]


def test_interrupt_mid_epoch_keeps_the_weights_of_the_last_complete_epoch(
    sine_windows, monkeypatch
):
    X, y = sine_windows
    reference = RNNRegressor(epochs=2, batch_size=16, **TINY).fit(X, y).predict(X)
    interrupt_at(monkeypatch, epoch=2, batch=1)
    model = RNNRegressor(epochs=5, batch_size=16, **TINY)
    with pytest.warns(TrainingWarning, match=r"interrupted after 2 complete epoch"):
        model.fit(X, y)
    assert model.n_iter_ == 2
    np.testing.assert_array_equal(model.predict(X), reference)
    monkeypatch.undo()
    assert model.set_params(epochs=1).fit(X, y).n_iter_ == 1  # still usable


def test_interrupt_with_early_stopping_keeps_the_best_validation_weights(
    sine_windows, monkeypatch
):
    X, y = sine_windows
    interrupt_at(monkeypatch, epoch=4, batch=0)
    model = RNNRegressor(
        epochs=20,
        batch_size=16,
        learning_rate=0.05,
        early_stopping=True,
        validation_fraction=0.25,
        patience=20,
        **TINY,
    )
    with pytest.warns(TrainingWarning, match="best weights so far"):
        model.fit(X, y)
    tail = slice(len(X) - int(np.ceil(0.25 * len(X))), None)
    val_mse = np.mean((model.predict(X[tail]) - y[tail]) ** 2)
    assert len(model.history_["val_loss"]) == 4
    assert val_mse == pytest.approx(min(model.history_["val_loss"]), rel=1e-4)


def test_early_stopping_stops_and_restores_the_recorded_best_epoch():
    # The held-out tail contradicts the training rows, so the validation loss
    # worsens as training goes on: the best epoch is an early one.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 6))
    y = X.sum(axis=1)
    y[60:] *= -1
    model = DenseRegressor(
        units=(),
        epochs=40,
        learning_rate=0.05,
        early_stopping=True,
        validation_fraction=0.25,
        patience=3,
        jit_compile=False,
        random_state=0,
    ).fit(X, y)
    val_loss = model.history_["val_loss"]
    best = int(np.argmin(val_loss))
    assert model.n_iter_ == best + 1 + 3 < 40  # stopped by patience
    val_mse = np.mean((model.predict(X[60:]) - y[60:]) ** 2)
    assert val_mse == pytest.approx(val_loss[best], rel=1e-4)
    assert val_mse != pytest.approx(val_loss[-1], rel=1e-2)
