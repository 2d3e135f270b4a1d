"""Compile a tsrnn network: Adam, gradient clipping, the loss of the task, XLA."""

from __future__ import annotations

import numbers

import keras
import tensorflow as tf

from tsrnn.core.validation import message

__all__ = ["compile_model"]

TASKS = ("regression", "classification", "binary")


def _output_activation(model):
    for layer in reversed(model.layers):
        activation = getattr(layer, "activation", None)
        if activation is not None:
            return getattr(activation, "__name__", str(activation))
    return None


def _auto_jit(model):
    """Resolve ``jit_compile="auto"``: XLA only where it pays.

    Measured on this project's 2-core CPU machine (TF 2.21, Keras 3.15, shared
    with other jobs), LSTM(64) -> Dense(1), windows 48 x 4, batch 256:

    - steady-state training epoch of 16 full batches, no validation: 0.52 s
      without XLA, 0.39 s with XLA (GRU 0.63 s vs 0.54 s; with a mask 0.60 s vs
      0.51 s; with ``recurrent_dropout=0.1`` XLA was slower, 0.64 s vs 0.53 s);
    - a realistic fit (4096 windows, ``validation_split=0.1``, so a partial last
      batch, 8 epochs) then predict: 5.7-6.2 s without XLA, 9.5-10.1 s with
      XLA. XLA compiles the train, test and predict functions once per batch
      shape (3-4 s for the first epoch), and under load the later epochs were
      no faster (0.45-0.55 s vs 0.5-0.6 s).

    So on CPU "auto" means no XLA; on GPU Keras's own "auto" decides (it turns
    XLA off where cuDNN kernels run). Recurrent dropout always turns it off.
    """
    for layer in model._flatten_layers():
        if getattr(layer, "recurrent_dropout", 0):
            return False
    if tf.config.list_physical_devices("GPU"):
        return "auto"
    return False


def compile_model(
    model,
    *,
    task="regression",
    loss=None,
    learning_rate=1e-3,
    clipnorm=1.0,
    jit_compile="auto",
    metrics=None,
):
    """Compile ``model`` with Adam, gradient clipping and the loss of ``task``.

    Parameters
    ----------
    model : keras.Model
        Compiled in place and returned.
    task : {"regression", "classification", "binary"}, default="regression"
        Default loss and metrics: regression -> MSE (metric MAE);
        classification -> sparse categorical cross-entropy on integer labels
        (metric accuracy); binary -> binary cross-entropy on 0/1 labels (metric
        accuracy). Cross-entropies read logits unless the model's head ends in a
        softmax or sigmoid.
    loss : str, keras.losses.Loss or None, default=None
        Overrides the task's loss.
    learning_rate : float, default=1e-3
    clipnorm : float or None, default=1.0
        Gradient clipping by norm (RNNs can have exploding gradients); None
        turns it off.
    jit_compile : bool or "auto", default="auto"
        XLA compilation. "auto": off on CPU (measured: the compile time
        outweighs the gain, see ``_auto_jit``) and with recurrent dropout;
        on GPU, Keras's choice.
    metrics : list or None, default=None
        Overrides the task's metrics.

    Returns
    -------
    keras.Model

    Examples
    --------
    >>> from tsrnn.nn.builders import build_rnn
    >>> model = compile_model(build_rnn((8, 1), 1, units=4), learning_rate=0.01)
    >>> float(model.optimizer.clipnorm)
    1.0
    """
    if task not in TASKS:
        raise ValueError(message("task", f"one of {list(TASKS)}", task, ""))
    if jit_compile not in (True, False, "auto"):
        raise ValueError(
            message("jit_compile", "True, False or 'auto'", jit_compile, "")
        )
    if clipnorm is not None and (
        isinstance(clipnorm, bool)
        or not isinstance(clipnorm, numbers.Real)
        or clipnorm <= 0
    ):
        raise ValueError(message("clipnorm", "a positive float or None", clipnorm, ""))
    from_logits = _output_activation(model) not in ("softmax", "sigmoid")
    if loss is None:
        loss = {
            "regression": keras.losses.MeanSquaredError(),
            "classification": keras.losses.SparseCategoricalCrossentropy(
                from_logits=from_logits
            ),
            "binary": keras.losses.BinaryCrossentropy(from_logits=from_logits),
        }[task]
    if metrics is None:
        metrics = {
            "regression": ["mae"],
            "classification": ["accuracy"],
            "binary": [
                keras.metrics.BinaryAccuracy(threshold=0.0 if from_logits else 0.5)
            ],
        }[task]
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate, clipnorm=clipnorm)
    if jit_compile == "auto":
        jit_compile = _auto_jit(model)
    model.compile(
        optimizer=optimizer, loss=loss, metrics=metrics, jit_compile=jit_compile
    )
    return model
