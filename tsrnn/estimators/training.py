"""The estimators' training loop: seeding, tf.data input, fit, chunked predict.

Determinism: with a seed, two fits give bit-identical weights because (1) every
layer gets an explicit initializer/dropout seed from the model builders, (2)
:func:`seeded` also sets Keras' global seed (TensorFlow, numpy, ``random``) for
anything that draws from it, restoring numpy's and ``random``'s global state on
exit so that fitting does not reseed the caller's generators, and (3) the
training rows are shuffled by a seeded ``tf.data`` shuffle, the same sequence of
orders in every process.
"""

from __future__ import annotations

import contextlib
import logging
import math
import random
import warnings

import keras
import numpy as np
import tensorflow as tf

from tsrnn.estimators.callbacks import EpochProgress, TrainingMonitor
from tsrnn.exceptions import TrainingWarning

__all__ = [
    "PREDICT_CHUNK",
    "budget_epochs",
    "chunk_rows",
    "make_training_dataset",
    "plateau_patience",
    "predict_in_chunks",
    "quiet_retracing",
    "seeded",
    "train",
]

# Every prediction runs on chunks of exactly this many rows (the last one padded)
# so that a row's prediction never depends on which other rows share its batch:
# the CPU kernels pick a different accumulation order for, e.g., a single row,
# which changes results in the 7th significant digit (measured: 8e-7).
PREDICT_CHUNK = 128
# Small networks on short windows get larger chunks, up to this many rows, of
# about CHUNK_WORK multiply-adds per chunk (timesteps x parameters a row): a
# call costs about 1 ms beyond its arithmetic, which dominates 128-row chunks of
# a small GRU (10,000 windows of 14 steps, GRU-16: 0.13 s in chunks of 128,
# 0.04 s in chunks of 1,024, against 0.03 s for one bare call), while one row
# padded to a chunk costs no more than about CHUNK_WORK multiply-adds.
PREDICT_CHUNK_MAX = 1024
CHUNK_WORK = 25_000_000


def chunk_rows(timesteps, n_params: int) -> int:
    """Rows of every prediction chunk of a fitted network (a power of 2).

    ``PREDICT_CHUNK`` (128) for input of any length (``timesteps`` None) and
    for large networks; up to ``PREDICT_CHUNK_MAX`` for small networks on
    short windows. Fixed per fitted network, so a row's prediction still never
    depends on the rows that share its call.
    """
    if not timesteps:
        return PREDICT_CHUNK
    rows = CHUNK_WORK // (int(timesteps) * max(int(n_params), 1))
    if rows < PREDICT_CHUNK:
        return PREDICT_CHUNK
    return min(PREDICT_CHUNK_MAX, 1 << (int(rows).bit_length() - 1))


def budget_epochs(n_train: int, batch_size: int, *, steps: int, bounds) -> int:
    """Epochs that give about ``steps`` gradient steps over ``n_train`` rows.

    ``ceil(steps / ceil(n_train / batch_size))``, clipped to ``bounds`` (low,
    high): a training budget that does not depend on the size of the data, as
    a fixed number of epochs does (a few steps on small data, a great many on
    large data).

    Examples
    --------
    >>> budget_epochs(200, 32, steps=1000, bounds=(50, 400))
    143
    >>> budget_epochs(100_000, 32, steps=1000, bounds=(50, 400))
    50
    """
    steps_per_epoch = math.ceil(n_train / batch_size)
    low, high = bounds
    return min(high, max(low, math.ceil(steps / steps_per_epoch)))


def plateau_patience(epochs: int) -> int:
    """Epochs of a stalled training loss before the learning rate halves.

    A tenth of the epochs, at least 5 (see :func:`train`'s ``lr_patience``).

    Examples
    --------
    >>> plateau_patience(143), plateau_patience(20)
    (14, 5)
    """
    return max(5, epochs // 10)


@contextlib.contextmanager
def seeded(seed: int):
    """Seed Keras (TF, numpy, ``random``) for the block; restore numpy/random after."""
    numpy_state = np.random.get_state()
    python_state = random.getstate()
    keras.utils.set_random_seed(seed)
    try:
        yield
    finally:
        np.random.set_state(numpy_state)
        random.setstate(python_state)


class _RetracingFilter(logging.Filter):
    def filter(self, record):
        return "triggered tf.function retracing" not in record.getMessage()


@contextlib.contextmanager
def quiet_retracing():
    """Silence TensorFlow's retracing notice for the block.

    Every fitted network traces its own train/predict functions once; after a
    few networks TensorFlow logs that "calls triggered tf.function retracing",
    which is expected here and would print despite ``verbose=0``.
    """
    logger = logging.getLogger("tensorflow")
    quiet = _RetracingFilter()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


def make_training_dataset(inputs, y, sample_weight, *, batch_size, seed, shuffle):
    """A batched ``tf.data`` pipeline of ``(inputs, y, sample_weight)``.

    With ``shuffle`` the rows are reshuffled every epoch by a seeded shuffle over
    the whole set (a full buffer: a true permutation, not a local one).
    """
    dataset = tf.data.Dataset.from_tensor_slices((inputs, y, sample_weight))
    if shuffle:
        dataset = dataset.shuffle(len(y), seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def predict_in_chunks(model, inputs, n: int, rows: int = PREDICT_CHUNK) -> np.ndarray:
    """Run ``model`` on ``inputs`` (an array or a list of arrays) in fixed chunks.

    Chunks of exactly ``rows`` rows (see :func:`chunk_rows`).
    ``predict_on_batch`` costs about a tenth of ``Model.predict`` per call on
    small inputs (12 ms against 160 ms measured on a small LSTM).
    """
    arrays = inputs if isinstance(inputs, list) else [inputs]
    outputs = []
    with quiet_retracing():
        for start in range(0, n, rows):
            stop = min(start + rows, n)
            chunk = [_pad_rows(a[start:stop], rows) for a in arrays]
            result = model.predict_on_batch(chunk if len(chunk) > 1 else chunk[0])
            outputs.append(np.asarray(result)[: stop - start])
    return np.concatenate(outputs, axis=0)


def _pad_rows(array: np.ndarray, rows: int) -> np.ndarray:
    if len(array) == rows:
        return array
    padded = np.zeros((rows, *array.shape[1:]), dtype=array.dtype)
    padded[: len(array)] = array
    if array.dtype == bool:
        # A fully masked padding row would be an all-padding sequence; keep one
        # real step so the recurrent layer sees a well-formed input.
        padded[len(array) :, 0] = True
    return padded


def train(
    model,
    inputs,
    targets,
    weights,
    *,
    n_val,
    seed,
    epochs,
    batch_size,
    patience,
    verbose,
    lr_patience=None,
):
    """Fit ``model`` on the rows of ``inputs``, the last ``n_val`` held out.

    ``inputs`` is an array or a tuple of arrays with one row per target. With
    ``n_val > 0`` the held-out tail (in the given order, never shuffled) drives
    early stopping. With ``lr_patience`` the learning rate halves whenever the
    *training* loss has not improved for that many epochs (down to a hundredth
    of its start), so the schedule never looks at held-out rows. Returns the
    :class:`TrainingMonitor`, whose ``history``, ``epochs_run`` and
    ``nan_epoch`` tell how training went; a KeyboardInterrupt keeps the best
    weights so far and warns.
    """
    n = len(targets)
    stop = n - n_val
    weights = weights.astype(np.float32)
    if targets.ndim == 3:
        # Keras losses reduce the last axis only: (n, steps) losses need
        # (n, steps) weights.
        weights = np.repeat(weights[:, np.newaxis], targets.shape[1], axis=1)

    def rows(data, part):
        if isinstance(data, tuple):
            return tuple(a[part] for a in data)
        return data[part]

    train_set = make_training_dataset(
        rows(inputs, slice(0, stop)),
        targets[:stop],
        weights[:stop],
        batch_size=batch_size,
        seed=seed,
        shuffle=True,
    )
    validation = None
    if n_val:
        validation = make_training_dataset(
            rows(inputs, slice(stop, n)),
            targets[stop:],
            weights[stop:],
            batch_size=batch_size,
            seed=seed,
            shuffle=False,
        )
    monitor = TrainingMonitor(early_stopping=bool(n_val), patience=patience)
    callbacks = [monitor]
    if lr_patience is not None:
        start = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
        callbacks.append(
            keras.callbacks.ReduceLROnPlateau(
                monitor="loss",
                factor=0.5,
                patience=lr_patience,
                min_lr=start / 100,
                verbose=0,
            )
        )
    if verbose == 1:
        callbacks.append(EpochProgress(epochs))
    try:
        with quiet_retracing():
            model.fit(
                train_set,
                validation_data=validation,
                epochs=epochs,
                shuffle=False,
                # verbose=1 is our one-line progress bar, 2+ Keras's epoch lines.
                verbose=0 if verbose <= 1 else 2,
                callbacks=callbacks,
            )
    except KeyboardInterrupt:
        monitor.restore_best()
        warnings.warn(
            f"Training was interrupted after {monitor.epochs_run} complete "
            "epoch(s); the estimator keeps the best weights so far.",
            TrainingWarning,
            stacklevel=3,
        )
    return monitor
