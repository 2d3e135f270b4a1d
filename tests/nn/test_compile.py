"""compile_model of tsrnn.nn.compile: loss, clipping and XLA per task."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from tsrnn.nn.builders import build_rnn
from tsrnn.nn.compile import compile_model


def _windows(batch, steps, n_features, seed=0):
    return np.random.default_rng(seed).standard_normal((batch, steps, n_features))


# -------------------------------------------------------------------- training


def test_lstm_overfits_a_small_batch_of_sine_windows():
    t = np.arange(16 + 12)
    series = np.sin(2 * np.pi * t / 12)
    X = np.stack([series[i : i + 12] for i in range(16)])[..., None]
    y = series[12 : 12 + 16, None]
    model = build_rnn((12, 1), 1, units=8, seed=0)
    compile_model(model, learning_rate=0.03, jit_compile=False)
    before = model.evaluate(X, y, verbose=0)[0]
    # One epoch of 150 full-batch steps: Keras's per-epoch overhead would dominate
    # 150 epochs of one step.
    batches = tf.data.Dataset.from_tensors((X, y)).repeat()
    model.fit(batches, steps_per_epoch=150, shuffle=False, verbose=0)
    assert before > 0.05
    assert model.evaluate(X, y, verbose=0)[0] < 1e-3


# -------------------------------------------------------------------- compiling


def test_compile_model_clips_gradients_by_default():
    model = compile_model(build_rnn((6, 1), 1, units=4))
    assert float(model.optimizer.clipnorm) == 1.0
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert model.optimizer.get_config()["clipnorm"] == 1.0
    unclipped = compile_model(build_rnn((6, 1), 1, units=4), clipnorm=None)
    assert unclipped.optimizer.clipnorm is None


@pytest.mark.parametrize(
    ("task", "activation", "loss_class", "from_logits"),
    [
        ("regression", None, keras.losses.MeanSquaredError, None),
        (
            "classification",
            "softmax",
            keras.losses.SparseCategoricalCrossentropy,
            False,
        ),
        ("classification", None, keras.losses.SparseCategoricalCrossentropy, True),
        ("binary", "sigmoid", keras.losses.BinaryCrossentropy, False),
    ],
)
def test_compile_model_picks_the_loss_of_the_task(
    task, activation, loss_class, from_logits
):
    k = 1 if task != "classification" else 3
    model = build_rnn((6, 1), k, units=4, output_activation=activation)
    compile_model(model, task=task, learning_rate=0.05)
    assert isinstance(model.loss, loss_class)
    if from_logits is not None:
        assert model.loss.get_config()["from_logits"] is from_logits
    assert float(model.optimizer.learning_rate) == pytest.approx(0.05)


def test_compile_model_classifier_trains_on_integer_labels():
    X = _windows(8, 6, 1)
    y = np.arange(8) % 3
    model = compile_model(
        build_rnn((6, 1), 3, units=4, output_activation="softmax", seed=0),
        task="classification",
        jit_compile=False,
    )
    history = model.fit(X, y, epochs=1, verbose=0)
    assert set(history.history) == {"loss", "accuracy"}


def test_compile_model_auto_jit_is_off_with_recurrent_dropout():
    model = compile_model(build_rnn((6, 1), 1, units=4, recurrent_dropout=0.1))
    assert model.jit_compile is False


@pytest.mark.skipif(
    bool(tf.config.list_physical_devices("GPU")),
    reason="CPU rule of jit_compile='auto'",
)
def test_compile_model_auto_jit_is_off_on_cpu_and_true_is_kept():
    assert compile_model(build_rnn((6, 1), 1, units=4)).jit_compile is False
    assert compile_model(build_rnn((6, 1), 1, units=4), jit_compile=True).jit_compile


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(task="forecast"), "`task` must be one of"),
        (dict(jit_compile="yes"), "`jit_compile` must be True, False or 'auto'"),
        (dict(clipnorm=0), "`clipnorm` must be a positive float or None"),
    ],
)
def test_compile_model_raises_ValueError_for_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        compile_model(build_rnn((6, 1), 1, units=4), **kwargs)
