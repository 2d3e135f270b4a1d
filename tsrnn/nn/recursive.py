"""Roll a one-step model forward over a longer horizon in one traced loop."""

from __future__ import annotations

import weakref

import numpy as np
import tensorflow as tf

from tsrnn.core.validation import as_float_array, check_int
from tsrnn.nn.checks import check_target_index

__all__ = ["append_row", "recursive_predict", "roll_layout"]


def recursive_predict(model, X, steps, *, target_index=None, future=None):
    """Forecast ``steps`` ahead by feeding a one-step model its own predictions.

    For each window of ``X``: predict the next step, write the prediction into
    the target columns of a new row (the other columns from ``future``), append
    the row, drop the oldest one, and repeat ``steps`` times. The window keeps the
    width the model was trained on, and the weights stay the same.

    Parameters
    ----------
    model : keras.Model
        One input (batch, width, n_features); output (batch, n_targets) or
        (batch, 1, n_targets).
    X : array-like of shape (batch, width, n_features)
        The last observed windows. Not modified.
    steps : int
        Number of steps to forecast.
    target_index : int, sequence of int or None, default=None
        Columns of ``X`` that the model's outputs fill, in output order. None:
        the first ``n_targets`` columns.
    future : array-like of shape (batch, steps, n_features - n_targets) or None
        Values of the non-target columns (known-future covariates), in column
        order, at the time of each forecast step: ``future[:, i]`` goes into the
        row of forecast ``i``. Required when the model has non-target inputs
        (the last row is not used by a one-step model, but keeps the shapes
        aligned with the forecast).

    Returns
    -------
    numpy.ndarray of shape (batch, steps, n_targets)

    Examples
    --------
    >>> import numpy as np
    >>> from tsrnn.nn.builders import build_rnn
    >>> model = build_rnn((8, 1), 1, units=4, seed=0)
    >>> recursive_predict(model, np.zeros((2, 8, 1)), 5).shape
    (2, 5, 1)
    """
    if len(model.inputs) != 1:
        raise ValueError(
            f"`model` must have one input (the window). Got a model with "
            f"{len(model.inputs)} inputs. Masked or encoder-decoder models "
            "forecast several steps directly; call model.predict instead."
        )
    X = as_float_array("X", X, ndim=(3,))
    steps = check_int("steps", steps)
    width, n_features = X.shape[1:]
    expected = model.inputs[0].shape
    if (expected[1] is not None and expected[1] != width) or expected[2] != n_features:
        raise ValueError(
            f"`X` must be windows of shape (batch, {expected[1]}, {expected[2]}) "
            f"like the model's input. Got X with shape {X.shape}."
        )
    out_shape = model.output_shape
    if (len(out_shape) == 3 and out_shape[1] != 1) or len(out_shape) not in (2, 3):
        raise ValueError(
            "`model` must be a one-step model with output (batch, n_targets) or "
            f"(batch, 1, n_targets). Got output shape {out_shape}."
        )
    n_targets = out_shape[-1]
    order, future = roll_layout(X, steps, n_targets, target_index, future)
    dtype = model.inputs[0].dtype
    window = tf.convert_to_tensor(X, dtype=dtype)
    ahead = tf.convert_to_tensor(future, dtype=dtype)
    roll = _rolling_function(model, n_targets, order)
    return roll(window, ahead).numpy()


def roll_layout(X, steps: int, n_targets: int, target_index, future):
    """How a roll rebuilds rows: the input-order permutation and the future values.

    A new row is ``[predicted targets, known future values]`` permuted back to
    the input column order. ``future`` is required (and checked) when the
    windows have non-target columns; otherwise an empty array stands in.
    """
    n, _, n_features = X.shape
    targets = check_target_index(target_index, n_targets, n_features)
    others = [i for i in range(n_features) if i not in targets]
    # Column permutation that puts [targets, others] back in input order.
    order = tuple(int(i) for i in np.argsort(np.array(targets + others)))
    if not others:
        return order, np.zeros((n, steps, 0))
    if future is None:
        raise ValueError(
            f"`future` is required: the model reads {len(others)} non-target "
            f"feature(s) (columns {others}) whose future values it cannot "
            "predict. Got future=None. Pass their known future values, shape "
            f"(batch, steps, {len(others)})."
        )
    future = as_float_array("future", future, ndim=(3,))
    if future.shape != (n, steps, len(others)):
        raise ValueError(
            f"`future` must have shape {(n, steps, len(others))} "
            f"(batch, steps, non-target features). Got future with shape "
            f"{future.shape}."
        )
    return order, future


def append_row(window, y, known, permutation):
    """``window`` one step on: ``y`` and the ``known`` inputs as its new last row."""
    row = tf.gather(tf.concat([y, known], axis=1), permutation, axis=1)
    return tf.concat([window[:, 1:], row[:, None, :]], axis=1)


# One compiled rolling loop per (model, target layout): eager Keras calls cost
# tens of milliseconds per step, a traced loop a fraction of that.
_ROLLS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _rolling_function(model, n_targets: int, order: tuple):
    cache = _ROLLS.setdefault(model, {})
    key = (n_targets, order)
    if key not in cache:
        permutation = tf.constant(order, dtype=tf.int32)

        @tf.function(reduce_retracing=True)
        def roll(window, ahead):
            steps = tf.shape(ahead)[1]
            predictions = tf.TensorArray(window.dtype, size=steps)
            for step in tf.range(steps):
                y = tf.reshape(model(window, training=False), (-1, n_targets))
                y = tf.cast(y, window.dtype)
                predictions = predictions.write(step, y)
                window = append_row(window, y, ahead[:, step], permutation)
            return tf.transpose(predictions.stack(), (1, 0, 2))

        cache[key] = roll
    return cache[key]
