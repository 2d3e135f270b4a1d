"""The shared abstract estimator: input checks, the fit route, persistence hooks.

:class:`KerasEstimator` holds what every tsrnn estimator does the same way: check
the settings against ``_parameter_constraints``, check ``X`` (arrays of windows,
or lists of sequences of unequal lengths for the recurrent estimators), record
the layout of the fit in a :class:`~tsrnn.estimators.record.FitRecord`, build and
train the network, and check new input against the record at predict. Subclasses
(:mod:`tsrnn.estimators.regressors`, :mod:`tsrnn.estimators.classifiers`) encode
the targets and build their network; what they can do is declared in class
attributes and properties, never looked up by parameter name.
"""

from __future__ import annotations

import contextlib
import math
import numbers
from abc import ABCMeta, abstractmethod
from dataclasses import replace
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import (
    _check_sample_weight,
    check_array,
    check_consistent_length,
    check_is_fitted,
    validate_data,
)

from tsrnn.core.validation import message
from tsrnn.data.sequences import pad_sequences
from tsrnn.estimators.capabilities import ForecastingTags, with_forecasting
from tsrnn.estimators.params import Interval, Options, validate_params
from tsrnn.estimators.persistence import (
    load_estimator,
    model_from_bytes,
    model_to_bytes,
    save_estimator,
)
from tsrnn.estimators.record import FitRecord
from tsrnn.estimators.training import chunk_rows, predict_in_chunks, seeded, train
from tsrnn.exceptions import TrainingError
from tsrnn.nn.compile import compile_model

__all__ = ["KerasEstimator", "is_ragged"]


def is_ragged(X) -> bool:
    """True for a list/tuple of sequences whose lengths differ."""
    if not isinstance(X, list | tuple) or len(X) == 0:
        return False
    shapes = {np.shape(item) for item in X}
    return len(shapes) > 1


class KerasEstimator(BaseEstimator, metaclass=ABCMeta):
    """Fit, predict and persistence shared by the tsrnn estimators.

    Subclasses declare ``_task`` and ``_output_activation`` (the loss and head
    of :func:`tsrnn.compile_model`), ``_supports_masking`` (whether ``X`` may be
    a list of sequences of unequal lengths) and implement ``_encode_targets``
    and ``_build_network``.
    """

    _task: ClassVar[str]
    _output_activation: ClassVar[str | None]
    _supports_masking: ClassVar[bool] = False

    # Parameters added after a release, with the value that describes an
    # estimator saved or pickled before them (read by __setstate__ and load).
    _ADDED_PARAMS: ClassVar[dict] = {}
    _parameter_constraints: ClassVar[dict] = {
        "epochs": [Interval(numbers.Integral, 1)],
        "batch_size": [Interval(numbers.Integral, 1)],
        "patience": [Interval(numbers.Integral, 1)],
        "distribute": [
            Options(
                (None, "mirrored", "multiworker"),
                'None, "mirrored" or "multiworker"',
                "See tsrnn.nn.distributed for what each strategy does.",
            )
        ],
        # A float setting of another type has always been a bad value here.
        "learning_rate": [
            Interval(numbers.Real, 0, None, closed="neither", wrong_type=ValueError)
        ],
        "validation_fraction": [
            Interval(
                numbers.Real,
                0,
                1,
                closed="neither",
                fix="It is the share of rows, taken from the end, held out for "
                "early stopping.",
                wrong_type=ValueError,
            )
        ],
    }

    @abstractmethod
    def __init__(
        self,
        *,
        epochs,
        batch_size,
        learning_rate,
        clipnorm,
        early_stopping,
        validation_fraction,
        patience,
        warm_start,
        jit_compile,
        distribute,
        random_state,
        verbose,
    ):
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.clipnorm = clipnorm
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.warm_start = warm_start
        self.jit_compile = jit_compile
        self.distribute = distribute
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------ capabilities

    @property
    def _encoder_decoder(self) -> bool:
        """True when the network is an encoder-decoder reading ``X_future``."""
        return False

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return with_forecasting(tags, ForecastingTags(three_d_input=True))

    # --------------------------------------------------------- subclass hooks

    @abstractmethod
    def _encode_targets(self, y, steps):
        """Return (targets, output_shape, y_shape) for the network.

        ``steps`` is the number of timesteps of ``X`` (None when masked);
        ``y_shape`` is what ``predict`` reshapes to, or None.
        """

    @abstractmethod
    def _build_network(self, values_shape, output_shape, *, masking, seed, n_future):
        """Return the compiled network for inputs of ``values_shape``."""

    def _adjust_weights(self, weights, y):
        return weights

    def _n_epochs(self, n_train: int) -> int:
        """Epochs of this fit for ``n_train`` training rows."""
        return self.epochs

    def _lr_patience(self, epochs: int) -> int | None:
        """Epochs without a lower training loss before the learning rate halves.

        None keeps the learning rate constant.
        """
        return None

    def _validate_params(self):
        validate_params(self.get_params(deep=False), self._parameter_constraints)

    # ----------------------------------------------------------------- input

    def _validate_fit_input(self, X, y):
        """Return (values, mask or None, y, record) with ``n_features_in_`` set."""
        if is_ragged(X):
            if self._encoder_decoder:
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
            return values, mask, y, FitRecord(ndim=3, masked=True, steps=None)
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
        record = FitRecord(ndim=X.ndim, masked=False, steps=X.shape[1])
        values = self._as_values(X)
        if X.ndim == 3:
            self.n_features_in_ = X.shape[2]
        return values, None, y, record

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
        record = self._fit_record
        if (
            isinstance(X, list | tuple)
            and not record.masked
            and self._pads_short_inputs(X)
        ):
            values, mask = self._pad(X, reset=False)
            return [values, mask], len(values)
        if is_ragged(X) and not record.masked:
            raise ValueError(
                f"`X` must hold sequences of {record.steps} timesteps: this "
                f"{type(self).__name__} was fitted on sequences of one length. "
                "Fit it on a list of sequences of unequal lengths to predict on one."
            )
        if record.masked and isinstance(X, list | tuple):
            values, mask = self._pad(X, reset=False)
        elif record.ndim == 2:
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
            if record.steps is not None and X.shape[1] != record.steps:
                raise ValueError(
                    f"X has {X.shape[1]} timesteps, but {type(self).__name__} "
                    f"was fitted on {record.steps} timesteps."
                )
            values, mask = self._as_values(X), None
        if record.masked:
            if mask is None:
                mask = np.ones(values.shape[:2], dtype=bool)
            return [values, mask], len(values)
        return values, len(values)

    def _check_future(self, X_future, n: int, horizon: int, *, reset: bool):
        """Validate the decoder inputs: (None or float32 (n, horizon, F), F).

        At fit (``reset``) the width ``F`` is returned to be recorded (0 without
        ``X_future``); at predict ``X_future`` must be given exactly when it was
        at fit, with the same width. ``F`` is None for a network without a
        decoder.
        """
        name = type(self).__name__
        if X_future is not None and not self._encoder_decoder:
            raise ValueError(
                message(
                    "X_future",
                    "None unless architecture='seq2seq' (only a decoder reads "
                    "known-future inputs)",
                    "<array>",
                    f"Use {name}(architecture='seq2seq'), or leave X_future out.",
                )
            )
        if not self._encoder_decoder:
            return None, None
        expected = None if reset else self._fit_record.n_future
        if X_future is None:
            if expected:
                raise ValueError(
                    f"`X_future` must be given: this {name} was fitted with "
                    f"{expected} known-future feature(s) per horizon step. Got "
                    f"X_future=None. Pass X_future of shape (n, {horizon}, "
                    f"{expected})."
                )
            return None, 0
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
        return future.astype(np.float32, copy=False), width

    def _pads_short_inputs(self, X) -> bool:
        """Whether ``X`` is a list of windows no longer than the training ones.

        Such windows are predicted by the masked twin of the network
        (:meth:`_masked_model`), so a network fitted on windows of one width
        can forecast from series too short for a full window.
        """
        steps = self._fit_record.steps
        if not (
            self._supports_masking and not self._encoder_decoder and steps is not None
        ):
            return False
        lengths = [len(x) for x in X]
        return bool(lengths) and min(lengths) >= 1 and max(lengths) <= steps

    def _masked_model(self):
        """The fitted network rebuilt with a mask input, sharing its weights."""
        record = self._fit_record
        shape = self.model_.output_shape[1:]
        twin = self._build_network(
            (None, record.steps, self.n_features_in_),
            shape[0] if len(shape) == 1 else shape,
            masking=True,
            seed=None,
            n_future=record.n_future,
        )
        twin.set_weights(self.model_.get_weights())
        return twin

    def _forward(self, X, X_future=None) -> np.ndarray:
        inputs, n = self._validate_predict_input(X)
        if isinstance(inputs, list) and not self._fit_record.masked:
            self._check_future(X_future, n, 0, reset=False)
            return predict_in_chunks(
                self._masked_model(), inputs, n, self._chunk_rows()
            )
        if self._encoder_decoder:
            horizon = self.model_.output_shape[1]
            future, _ = self._check_future(X_future, n, horizon, reset=False)
            if future is not None:
                inputs = [inputs, future]
        else:
            self._check_future(X_future, n, 0, reset=False)
        return predict_in_chunks(self.model_, inputs, n, self._chunk_rows())

    def _chunk_rows(self) -> int:
        """Rows of this fitted network's prediction chunks (fixed per fit)."""
        return chunk_rows(self._fit_record.steps, self.model_.count_params())

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
        self._validate_params()
        values, mask, y, record = self._validate_fit_input(X, y)
        targets, output_shape, y_shape = self._encode_targets(y, record.steps)
        targets, output_shape = self._expand_targets(values, targets, output_shape)
        if self._encoder_decoder and targets.ndim == 2:
            # The decoder always emits (n, horizon, k): y of shape (n, k) is
            # one step of k targets.
            targets, output_shape = targets[:, np.newaxis, :], (1, output_shape)
        horizon = targets.shape[1] if targets.ndim == 3 else 1
        future, n_future = self._check_future(
            X_future, len(values), horizon, reset=True
        )
        record = replace(record, y_shape=y_shape, n_future=n_future)
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
        if not np.any(weights[: n - n_val] > 0):
            raise ValueError(
                "`sample_weight` must not be zero on every training row: the "
                "sample weights must contain at least one non-zero number."
            )

        random_state = check_random_state(self.random_state)
        seed = int(random_state.randint(0, 2**31 - 1))
        with seeded(seed), self._strategy_scope():
            if self._continues(output_shape, n_future):
                self.model_.optimizer.learning_rate.assign(self.learning_rate)
            else:
                self.model_ = self._build_network(
                    values.shape,
                    output_shape,
                    masking=mask is not None,
                    seed=seed,
                    n_future=n_future,
                )
                self.history_ = {}
                self.n_iter_ = 0
            self._fit_record = record
            epochs = self._n_epochs(n - n_val)
            monitor = train(
                self.model_,
                inputs,
                targets,
                weights,
                n_val=n_val,
                seed=seed,
                epochs=epochs,
                batch_size=self.batch_size,
                patience=self.patience,
                verbose=self.verbose,
                lr_patience=self._lr_patience(epochs),
            )

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

    def _expand_targets(self, values, targets, output_shape):
        """Targets as the network is trained on them (a hook; unchanged here)."""
        return targets, output_shape

    def _strategy_scope(self):
        """The ``tf.distribute`` scope the network is built and trained in."""
        if self.distribute is None:
            return contextlib.nullcontext()
        from tsrnn.nn.distributed import distribution_strategy

        return distribution_strategy(self.distribute).scope()

    def _continues(self, output_shape, n_future) -> bool:
        """True when warm_start can keep training the fitted network."""
        if not self.warm_start or not hasattr(self, "model_"):
            return False
        expected = (
            (output_shape,) if isinstance(output_shape, int) else tuple(output_shape)
        )
        model_output = tuple(self.model_.output_shape[-len(expected) :])
        if self._encoder_decoder:
            inputs = self.model_.inputs
            fitted_width = inputs[1].shape[-1] if len(inputs) == 2 else 0
            if fitted_width != n_future:
                raise ValueError(
                    "`X_future` must keep its width across fits with "
                    f"warm_start=True. Got {n_future} features "
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

    def _compile(self, model):
        # No compiled metrics and an optimizer built before fit: otherwise
        # TensorFlow traces the train step twice (its variables would be
        # created inside the first trace), which doubled the cost of a small
        # fit (measured 1.5 s -> 0.7 s).
        model = compile_model(
            model,
            task=self._task,
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
        # Pickled before a parameter existed: the value that describes the
        # fitted estimator (``_ADDED_PARAMS``).
        for name, value in self._ADDED_PARAMS.items():
            state.setdefault(name, value)
        if isinstance(state.get("model_"), bytes):
            state["model_"] = model_from_bytes(state["model_"])
        if isinstance(state.get("_fit_info"), dict):
            # Pickled before FitRecord: the same fields in a dict.
            state["_fit_record"] = FitRecord.from_dict(state.pop("_fit_info"))
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
        return save_estimator(self, path)

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
        return load_estimator(cls, path)
