"""Machinery behind the estimators: fit, predict, seeding, monitoring, persistence.

Private to :mod:`tsrnn.estimators.classes` (which holds the public classes, their
targets and networks); nothing here is public API.

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
import json
import logging
import math
import numbers
import random
import sys
import tempfile
import warnings
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import (
    _check_sample_weight,
    check_array,
    check_consistent_length,
    check_is_fitted,
    validate_data,
)

from tsrnn.core.validation import check_int, message
from tsrnn.data.sequences import pad_sequences
from tsrnn.exceptions import TrainingError, TrainingWarning
from tsrnn.nn.models import compile_model

__all__ = [
    "KerasEstimator",
    "TrainingMonitor",
    "decode_json",
    "encode_json",
    "make_training_dataset",
    "model_from_bytes",
    "model_to_bytes",
    "predict_in_chunks",
    "quiet_retracing",
    "seeded",
]

_FORMAT_VERSION = 1
_SETTINGS_FILE = "estimator.json"
_MODEL_FILE = "model.keras"

# Every prediction runs on chunks of exactly this many rows (the last one padded)
# so that a row's prediction never depends on which other rows share its batch:
# the CPU kernels pick a different accumulation order for, e.g., a single row,
# which changes results in the 7th significant digit (measured: 8e-7).
PREDICT_CHUNK = 128


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


def predict_in_chunks(model, inputs, n: int) -> np.ndarray:
    """Run ``model`` on ``inputs`` (an array or a list of arrays) in fixed chunks.

    ``predict_on_batch`` costs about a tenth of ``Model.predict`` per call on
    small inputs (12 ms against 160 ms measured on a small LSTM).
    """
    arrays = inputs if isinstance(inputs, list) else [inputs]
    outputs = []
    with quiet_retracing():
        for start in range(0, n, PREDICT_CHUNK):
            stop = min(start + PREDICT_CHUNK, n)
            chunk = [_pad_rows(a[start:stop], PREDICT_CHUNK) for a in arrays]
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


class EpochProgress(keras.callbacks.Callback):
    """One progress line per fit on stderr, redrawn after every epoch.

    Keras's own bar redraws every batch and leaves a line per epoch; for the many
    short fits of a forecaster or a CLI run one line per fit reads better.
    """

    def __init__(self, epochs: int, width: int = 24):
        super().__init__()
        self.epochs = epochs
        self.width = width

    def on_epoch_end(self, epoch, logs=None):
        done = epoch + 1
        filled = round(self.width * done / self.epochs)
        bar = "#" * filled + "." * (self.width - filled)
        losses = "  ".join(
            f"{key} {float(value):.4g}" for key, value in (logs or {}).items()
        )
        sys.stderr.write(
            f"\r  epoch {done:>{len(str(self.epochs))}}/{self.epochs} [{bar}] {losses}"
        )
        sys.stderr.flush()

    def on_train_end(self, logs=None):
        sys.stderr.write("\n")
        sys.stderr.flush()


class TrainingMonitor(keras.callbacks.Callback):
    """Record losses, keep the last good and the best weights, stop on NaN.

    One callback does what ``History``, ``EarlyStopping`` and ``TerminateOnNaN``
    do separately, so that an interrupted fit can still restore the best
    weights (``EarlyStopping`` only restores them in ``on_train_end``, which a
    KeyboardInterrupt skips).
    """

    def __init__(self, *, early_stopping: bool, patience: int):
        super().__init__()
        self.early_stopping = early_stopping
        self.patience = patience
        self.history: dict[str, list[float]] = {}
        self.epochs_run = 0
        self.nan_epoch: int | None = None
        self.best_epoch: int | None = None
        self._best = math.inf
        self._wait = 0
        self._best_weights = None
        self._last_good_weights = None

    def on_train_begin(self, logs=None):
        self._last_good_weights = self.model.get_weights()

    def on_epoch_end(self, epoch, logs=None):
        logs = {key: float(value) for key, value in (logs or {}).items()}
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)
        self.epochs_run += 1
        if not all(math.isfinite(value) for value in logs.values()):
            self.nan_epoch = epoch
            self.model.set_weights(self._last_good_weights)
            self.model.stop_training = True
            return
        self._last_good_weights = self.model.get_weights()
        if not self.early_stopping:
            return
        if logs["val_loss"] < self._best:
            self._best = logs["val_loss"]
            self._best_weights = self._last_good_weights
            self.best_epoch = epoch
            self._wait = 0
        else:
            self._wait += 1
            if self._wait >= self.patience:
                self.model.stop_training = True

    def on_train_end(self, logs=None):
        self.restore_best()

    def restore_best(self):
        """Load the best validation weights (early stopping) or the last good ones."""
        weights = self._best_weights if self.early_stopping else None
        weights = weights if weights is not None else self._last_good_weights
        if weights is not None:
            self.model.set_weights(weights)


def model_to_bytes(model) -> bytes:
    """The ``.keras`` archive of ``model`` (weights, config, optimizer) as bytes."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        model.save(path)
        return path.read_bytes()


def model_from_bytes(data: bytes):
    """Inverse of :func:`model_to_bytes`; loads with ``safe_mode=True``."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        path.write_bytes(data)
        return keras.saving.load_model(path, safe_mode=True)


def encode_json(value, name: str = "value"):
    """Turn settings and fitted attributes into JSON-ready values, reversibly.

    Tuples, dicts with non-string keys and numpy arrays are tagged so that
    :func:`decode_json` restores them exactly (``units=(8, 4)`` stays a tuple).
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, int | float):
        return value
    if isinstance(value, tuple):
        return {"__tuple__": [encode_json(v, name) for v in value]}
    if isinstance(value, list):
        return [encode_json(v, name) for v in value]
    if isinstance(value, dict):
        return {
            "__dict__": [
                [encode_json(k, name), encode_json(v, f"{name}[{k!r}]")]
                for k, v in value.items()
            ]
        }
    if isinstance(value, np.ndarray) and value.dtype.kind in "biufUO":
        return {
            "__ndarray__": [encode_json(v, name) for v in value.tolist()],
            "dtype": value.dtype.str if value.dtype.kind != "O" else "object",
            "shape": list(value.shape),
        }
    raise TypeError(
        f"`{name}` must be JSON-representable (None, bool, int, float, str, "
        f"tuple, list, dict or a numeric/text array) to be saved. Got "
        f"{name}={value!r}. Pass an int instead (for `random_state`) or use "
        "pickle/joblib."
    )


def decode_json(value):
    """Inverse of :func:`encode_json`."""
    if isinstance(value, list):
        return [decode_json(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__tuple__" in value:
        return tuple(decode_json(v) for v in value["__tuple__"])
    if "__dict__" in value:
        return {decode_json(k): decode_json(v) for k, v in value["__dict__"]}
    if "__ndarray__" in value:
        dtype = object if value["dtype"] == "object" else np.dtype(value["dtype"])
        items = [decode_json(v) for v in value["__ndarray__"]]
        array = np.empty(len(items), dtype=dtype) if dtype is object else None
        if array is not None and array.ndim == len(value["shape"]):
            array[:] = items
            return array
        return np.array(items, dtype=dtype).reshape(value["shape"])
    return value


# ------------------------------------------------------------ base estimator


def is_ragged(X) -> bool:
    """True for a list/tuple of sequences whose lengths differ."""
    if not isinstance(X, list | tuple) or len(X) == 0:
        return False
    shapes = {np.shape(item) for item in X}
    return len(shapes) > 1


class KerasEstimator(BaseEstimator):
    """Fit, predict and persistence shared by the tsrnn estimators.

    Subclasses provide ``_encode_targets``, ``_adjust_weights``, ``_task``,
    ``_output_activation`` and ``_build_network`` (see tsrnn.estimators.classes).
    """

    _supports_masking = False

    # ------------------------------------------------------------------ tags

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags

    # ----------------------------------------------------------------- input

    def _check_settings(self):
        for name in ("epochs", "batch_size", "patience"):
            check_int(name, getattr(self, name))
        if self.distribute not in (None, "mirrored", "multiworker"):
            raise ValueError(
                message(
                    "distribute",
                    'None, "mirrored" or "multiworker"',
                    self.distribute,
                    "See tsrnn.nn.distributed for what each strategy does.",
                )
            )
        rate = self.learning_rate
        if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or rate <= 0:
            raise ValueError(message("learning_rate", "a positive float", rate, ""))
        fraction = self.validation_fraction
        if (
            isinstance(fraction, bool)
            or not isinstance(fraction, numbers.Real)
            or not 0 < fraction < 1
        ):
            raise ValueError(
                message(
                    "validation_fraction",
                    "a float in (0, 1)",
                    fraction,
                    "It is the share of rows, taken from the end, held out for "
                    "early stopping.",
                )
            )

    def _validate_fit_input(self, X, y):
        """Return (values, mask or None, y) with ``n_features_in_`` set."""
        if is_ragged(X):
            if self._decodes():
                raise ValueError(
                    "`X` must hold sequences of one length with "
                    "architecture='seq2seq'. Got lengths from "
                    f"{min(len(x) for x in X)} to {max(len(x) for x in X)}. Pad them "
                    "with tsrnn.data.sequences.pad_sequences or use architecture='rnn'."
                )
            values, mask = self._pad(X, reset=True)
            y = check_array(
                y, ensure_2d=False, allow_nd=True, dtype=None, input_name="y"
            )
            check_consistent_length(values, y)
            return values, mask, y
        X, y = validate_data(
            self,
            X,
            y,
            validate_separately=(
                dict(allow_nd=True, dtype=(np.float64, np.float32)),
                dict(ensure_2d=False, allow_nd=True, dtype=None),
            ),
        )
        check_consistent_length(X, y)
        self._fit_info = {"ndim": X.ndim, "masked": False, "steps": X.shape[1]}
        values = self._as_values(X)
        if X.ndim == 3:
            self.n_features_in_ = X.shape[2]
        return values, None, y

    def _pad(self, X, *, reset: bool):
        if not self._supports_masking:
            raise ValueError(
                f"`X` must hold sequences of one length for {type(self).__name__}. "
                f"Got lengths from {min(len(x) for x in X)} to "
                f"{max(len(x) for x in X)}. Use RNNClassifier or RNNRegressor, "
                "which pad and mask, or pad with tsrnn.data.sequences.pad_sequences."
            )
        items = [
            check_array(item, ensure_2d=False, dtype=np.float32, input_name="X")
            for item in X
        ]
        values, mask = pad_sequences(items, dtype="float32")
        n_features = values.shape[2]
        if reset:
            self.n_features_in_ = n_features
            self._fit_info = {"ndim": 3, "masked": True, "steps": None}
        elif n_features != self.n_features_in_:
            raise ValueError(self._features_message(n_features))
        return values, mask

    def _features_message(self, n_features):
        return (
            f"X has {n_features} features per step, but {type(self).__name__} "
            f"is expecting {self.n_features_in_} features per step as input."
        )

    @staticmethod
    def _as_values(X):
        values = X[:, :, np.newaxis] if X.ndim == 2 else X
        if values.ndim != 3:
            raise ValueError(
                f"`X` must be 2-D (n, timesteps) or 3-D (n, timesteps, n_features). "
                f"Got X with shape {X.shape}."
            )
        return values.astype(np.float32, copy=False)

    def _validate_predict_input(self, X):
        """Return the model inputs for ``X`` (an array or [values, mask])."""
        check_is_fitted(self)
        info = self._fit_info
        if is_ragged(X) and not info["masked"]:
            raise ValueError(
                f"`X` must hold sequences of {info['steps']} timesteps: this "
                f"{type(self).__name__} was fitted on sequences of one length. "
                "Fit it on a list of sequences of unequal lengths to predict on one."
            )
        if info["masked"] and isinstance(X, list | tuple):
            values, mask = self._pad(X, reset=False)
        elif info["ndim"] == 2:
            X = validate_data(
                self, X, reset=False, allow_nd=True, dtype=(np.float64, np.float32)
            )
            if X.ndim != 2:
                raise ValueError(
                    f"`X` must be 2-D like the X passed to fit. Got X with shape "
                    f"{X.shape}."
                )
            values, mask = self._as_values(X), None
        else:
            X = check_array(
                X,
                allow_nd=True,
                dtype=(np.float64, np.float32),
                estimator=self,
                input_name="X",
            )
            if X.ndim != 3:
                raise ValueError(
                    f"`X` must be 3-D (n, timesteps, n_features) like the X passed "
                    f"to fit. Got X with shape {X.shape}."
                )
            if X.shape[2] != self.n_features_in_:
                raise ValueError(self._features_message(X.shape[2]))
            if info["steps"] is not None and X.shape[1] != info["steps"]:
                raise ValueError(
                    f"X has {X.shape[1]} timesteps, but {type(self).__name__} "
                    f"was fitted on {info['steps']} timesteps."
                )
            values, mask = self._as_values(X), None
        if info["masked"]:
            if mask is None:
                mask = np.ones(values.shape[:2], dtype=bool)
            return [values, mask], len(values)
        return values, len(values)

    def _decodes(self) -> bool:
        """True for an encoder-decoder (``architecture="seq2seq"``)."""
        return getattr(self, "architecture", "rnn") == "seq2seq"

    def _check_future(self, X_future, n: int, horizon: int, *, reset: bool):
        """Validate the decoder inputs; None or float32 (n, horizon, F).

        At fit (``reset``) the width ``F`` is learned (0 without ``X_future``);
        at predict ``X_future`` must be given exactly when it was at fit, with
        the same width.
        """
        name = type(self).__name__
        if X_future is not None and not self._decodes():
            raise ValueError(
                message(
                    "X_future",
                    "None unless architecture='seq2seq' (only a decoder reads "
                    "known-future inputs)",
                    "<array>",
                    f"Use {name}(architecture='seq2seq'), or leave X_future out.",
                )
            )
        if not self._decodes():
            return None
        expected = None if reset else self._fit_info["n_future"]
        if X_future is None:
            if expected:
                raise ValueError(
                    f"`X_future` must be given: this {name} was fitted with "
                    f"{expected} known-future feature(s) per horizon step. Got "
                    f"X_future=None. Pass X_future of shape (n, {horizon}, "
                    f"{expected})."
                )
            if reset:
                self._fit_info["n_future"] = 0
            return None
        if not reset and not expected:
            raise ValueError(
                f"`X_future` must be None: this {name} was fitted without "
                f"known-future inputs. Got X_future of shape {np.shape(X_future)}. "
                "Refit with X_future to use them."
            )
        future = check_array(
            X_future,
            allow_nd=True,
            dtype=(np.float64, np.float32),
            input_name="X_future",
        )
        width = future.shape[2] if future.ndim == 3 else None
        if future.ndim != 3 or future.shape[:2] != (n, horizon) or width == 0:
            raise ValueError(
                message(
                    "X_future",
                    f"of shape (n, horizon, n_future_features) = ({n}, {horizon}, "
                    "F) with F >= 1, one row per window and one step per "
                    "forecast step",
                    f"<array of shape {future.shape}>",
                    "The horizon comes from y: (n, horizon, k); y of shape (n,) "
                    "or (n, k) is one step.",
                )
            )
        if not reset and width != expected:
            raise ValueError(
                f"X_future has {width} features per step, but {name} is "
                f"expecting {expected} features per step as decoder input."
            )
        if reset:
            self._fit_info["n_future"] = width
        return future.astype(np.float32, copy=False)

    def _forward(self, X, X_future=None) -> np.ndarray:
        inputs, n = self._validate_predict_input(X)
        if self._decodes():
            horizon = self.model_.output_shape[1]
            future = self._check_future(X_future, n, horizon, reset=False)
            if future is not None:
                inputs = [inputs, future]
        else:
            self._check_future(X_future, n, 0, reset=False)
        return predict_in_chunks(self.model_, inputs, n)

    # ------------------------------------------------------------------- fit

    def fit(self, X, y, sample_weight=None):
        """Train the network on windows ``X`` and targets ``y``.

        Parameters
        ----------
        X : array-like of shape (n, timesteps) or (n, timesteps, n_features)
            Windows; 2-D input is read as univariate sequences. The recurrent
            estimators also take a list of sequences of unequal lengths.
        y : array-like
            Targets; see the class docstring for the accepted shapes.
        sample_weight : array-like of shape (n,), default=None
            Per-window weights of the loss.

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight)

    def _fit(self, X, y, sample_weight=None, X_future=None):
        self._check_settings()
        values, mask, y = self._validate_fit_input(X, y)
        targets, output_shape = self._encode_targets(y)
        if self._decodes() and targets.ndim == 2:
            # The decoder always emits (n, horizon, k): y of shape (n, k) is
            # one step of k targets.
            targets, output_shape = targets[:, np.newaxis, :], (1, output_shape)
        horizon = targets.shape[1] if targets.ndim == 3 else 1
        future = self._check_future(X_future, len(values), horizon, reset=True)
        weights = _check_sample_weight(
            sample_weight, values, dtype=np.float64, ensure_non_negative=True
        )
        weights = self._adjust_weights(weights, y)
        inputs = values
        if mask is not None:
            inputs = (values, mask)
        elif future is not None:
            inputs = (values, future)

        n = len(values)
        n_val = math.ceil(self.validation_fraction * n) if self.early_stopping else 0
        if n - n_val < 1:
            raise ValueError(
                f"`X` must have at least 2 rows with early_stopping=True. Got {n} "
                "row(s). Pass more windows or set early_stopping=False."
            )
        train = slice(0, n - n_val)
        if not np.any(weights[train] > 0):
            raise ValueError(
                "`sample_weight` must not be zero on every training row: the "
                "sample weights must contain at least one non-zero number."
            )

        random_state = check_random_state(self.random_state)
        seed = int(random_state.randint(0, 2**31 - 1))
        with seeded(seed), self._strategy_scope():
            if not self._continues(values, output_shape):
                self.model_ = self._build_network(
                    values.shape, output_shape, masking=mask is not None, seed=seed
                )
                self.history_ = {}
                self.n_iter_ = 0
            else:
                self.model_.optimizer.learning_rate.assign(self.learning_rate)
            monitor = self._train(inputs, targets, weights, n_val, seed)

        for key, losses in monitor.history.items():
            self.history_.setdefault(key, []).extend(losses)
        self.n_iter_ += monitor.epochs_run
        if monitor.nan_epoch is not None:
            raise TrainingError(
                f"The training loss became NaN or infinite at epoch "
                f"{self.n_iter_}; the weights of the last good epoch were kept. "
                "Lower `learning_rate`, scale X and y, or look for extreme values."
            )
        return self

    def _strategy_scope(self):
        """The ``tf.distribute`` scope the network is built and trained in."""
        if self.distribute is None:
            return contextlib.nullcontext()
        from tsrnn.nn.distributed import distribution_strategy

        return distribution_strategy(self.distribute).scope()

    def _continues(self, values, output_shape) -> bool:
        """True when warm_start can keep training the fitted network."""
        if not self.warm_start or not hasattr(self, "model_"):
            return False
        expected = (
            (output_shape,) if isinstance(output_shape, int) else tuple(output_shape)
        )
        model_output = tuple(self.model_.output_shape[-len(expected) :])
        if self._decodes():
            inputs = self.model_.inputs
            fitted_width = inputs[1].shape[-1] if len(inputs) == 2 else 0
            if fitted_width != self._fit_info["n_future"]:
                raise ValueError(
                    "`X_future` must keep its width across fits with "
                    f"warm_start=True. Got {self._fit_info['n_future']} features "
                    f"per step; the network reads {fitted_width}. Set "
                    "warm_start=False to train a new network."
                )
        if model_output != expected:
            raise ValueError(
                f"`y` must keep its shape across fits with warm_start=True. Got "
                f"outputs of shape {expected}; the network gives {model_output}. "
                "Set warm_start=False to train a new network."
            )
        return True

    def _train(self, inputs, targets, weights, n_val, seed):
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

        train = make_training_dataset(
            rows(inputs, slice(0, stop)),
            targets[:stop],
            weights[:stop],
            batch_size=self.batch_size,
            seed=seed,
            shuffle=True,
        )
        validation = None
        if n_val:
            validation = make_training_dataset(
                rows(inputs, slice(stop, n)),
                targets[stop:],
                weights[stop:],
                batch_size=self.batch_size,
                seed=seed,
                shuffle=False,
            )
        monitor = TrainingMonitor(early_stopping=bool(n_val), patience=self.patience)
        callbacks = [monitor]
        if self.verbose == 1:
            callbacks.append(EpochProgress(self.epochs))
        try:
            with quiet_retracing():
                self.model_.fit(
                    train,
                    validation_data=validation,
                    epochs=self.epochs,
                    shuffle=False,
                    # verbose=1 is our one-line progress bar, 2+ Keras's epoch lines.
                    verbose=0 if self.verbose <= 1 else 2,
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

    def _compile(self, model, task):
        # No compiled metrics and an optimizer built before fit: otherwise
        # TensorFlow traces the train step twice (its variables would be
        # created inside the first trace), which doubled the cost of a small
        # fit (measured 1.5 s -> 0.7 s).
        model = compile_model(
            model,
            task=task,
            learning_rate=self.learning_rate,
            clipnorm=self.clipnorm,
            jit_compile=self.jit_compile,
            metrics=[],
        )
        model.optimizer.build(model.trainable_variables)
        return model

    # ----------------------------------------------------------- persistence

    def __getstate__(self):
        state = dict(super().__getstate__())
        if "model_" in state:
            state["model_"] = model_to_bytes(state["model_"])
        return state

    def __setstate__(self, state):
        state = dict(state)
        if isinstance(state.get("model_"), bytes):
            state["model_"] = model_from_bytes(state["model_"])
        super().__setstate__(state)

    def save(self, path):
        """Write the fitted estimator to the directory ``path``.

        The directory gets ``model.keras`` (the Keras network with its optimizer
        state) and ``estimator.json`` (the settings of ``get_params`` and the
        fitted attributes). Read it back with ``Class.load(path)``.

        Parameters
        ----------
        path : str or os.PathLike
            Directory, created if needed; existing files of the same names are
            replaced.

        Returns
        -------
        pathlib.Path
            The directory.
        """
        check_is_fitted(self)
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        fitted = {
            key: value
            for key, value in vars(self).items()
            if key != "model_" and key not in self.get_params(deep=False)
        }
        document = {
            "format": _FORMAT_VERSION,
            "class": type(self).__name__,
            "params": {
                key: encode_json(value, key)
                for key, value in self.get_params(deep=False).items()
            },
            "fitted": {key: encode_json(value, key) for key, value in fitted.items()},
        }
        text = json.dumps(document, indent=1)
        self.model_.save(folder / _MODEL_FILE)
        (folder / _SETTINGS_FILE).write_text(text, encoding="utf-8")
        return folder

    @classmethod
    def load(cls, path):
        """Read an estimator written by :meth:`save` (Keras ``safe_mode=True``).

        Parameters
        ----------
        path : str or os.PathLike
            Directory written by ``save``.

        Returns
        -------
        estimator
            A fitted instance of this class.
        """
        folder = Path(path)
        settings = folder / _SETTINGS_FILE
        if not settings.is_file():
            raise FileNotFoundError(
                f"`path` must be a directory written by save(). Got path={str(path)!r}"
                f" with no {_SETTINGS_FILE} in it."
            )
        document = json.loads(settings.read_text(encoding="utf-8"))
        if document.get("class") != cls.__name__:
            raise TypeError(
                f"`path` holds a {document.get('class')}, not a {cls.__name__}. "
                f"Use {document.get('class')}.load(path)."
            )
        params = {k: decode_json(v) for k, v in document["params"].items()}
        estimator = cls(**params)
        for key, value in document["fitted"].items():
            setattr(estimator, key, decode_json(value))
        estimator.model_ = keras.saving.load_model(folder / _MODEL_FILE, safe_mode=True)
        return estimator
