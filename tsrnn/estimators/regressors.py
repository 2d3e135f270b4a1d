"""The regressors: :class:`RNNRegressor` (recurrent) and :class:`DenseRegressor`.

Both take windows and targets of any of the shapes described in their
docstrings, predict the shape of the ``y`` given to ``fit``, and roll their
one-step network over a longer horizon with ``predict_recursive``. What they
can do for a forecaster is declared in their scikit-learn tags (see
:mod:`tsrnn.estimators.capabilities`).
"""

from __future__ import annotations

import numbers
from dataclasses import replace
from typing import ClassVar

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_array, check_is_fitted

from tsrnn.core.validation import message
from tsrnn.estimators.base import KerasEstimator
from tsrnn.estimators.capabilities import forecasting_tags
from tsrnn.estimators.docstrings import fill_doc
from tsrnn.estimators.networks import dense_network, recurrent_network
from tsrnn.estimators.params import Interval, Options
from tsrnn.estimators.probabilistic import DISTRIBUTION_NAMES, ProbabilisticMixin
from tsrnn.estimators.training import budget_epochs, plateau_patience
from tsrnn.nn.builders import build_seq2seq
from tsrnn.nn.distributions import sample_paths
from tsrnn.nn.recursive import recursive_predict

__all__ = ["DenseRegressor", "RNNRegressor"]

ARCHITECTURES = ("rnn", "seq2seq")
# The default training budget of RNNRegressor, in gradient steps, and the
# bounds of the epochs it gives (see its `epochs`).
GRADIENT_STEPS = 1000
EPOCH_BOUNDS = (50, 400)


class KerasRegressor(RegressorMixin, KerasEstimator):
    """Targets, prediction, score and recursive forecasts of the regressors."""

    _task: ClassVar[str] = "regression"
    _output_activation: ClassVar[str | None] = None

    @property
    def _aligned_outputs(self) -> bool:
        """True when the network gives one output per input step."""
        return False

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        tags.forecasting = replace(
            tags.forecasting,
            future_inputs=self._encoder_decoder,
            recursive=not self._encoder_decoder,
        )
        return tags

    def _encode_targets(self, y, steps):
        try:
            y = check_array(
                y, ensure_2d=False, allow_nd=True, dtype=np.float64, input_name="y"
            )
        except (TypeError, ValueError) as error:
            if "NaN" in str(error) or "infinity" in str(error):
                raise
            raise ValueError(
                f"`y` must hold numbers for {type(self).__name__}. Got a y that "
                f"does not convert to float ({error}). Use a classifier for labels."
            ) from error
        if self._aligned_outputs:
            if y.ndim not in (2, 3) or y.shape[1] != steps:
                raise ValueError(
                    f"`y` must have shape (n, timesteps) or (n, timesteps, k) with "
                    f"return_sequences=True, timesteps={steps} as in X. Got y "
                    f"with shape {y.shape}. Set return_sequences=False for one "
                    "output per window."
                )
            targets = y if y.ndim == 3 else y[:, :, np.newaxis]
            return targets.astype(np.float32), targets.shape[2], y.shape[1:]
        if y.ndim > 3:
            raise ValueError(
                f"`y` must be 1-D (n,), 2-D (n, k) or 3-D (n, horizon, k). Got y "
                f"with shape {y.shape}."
            )
        targets = y if y.ndim > 1 else y[:, np.newaxis]
        output_shape = targets.shape[1] if targets.ndim == 2 else targets.shape[1:]
        return targets.astype(np.float32), output_shape, y.shape[1:]

    def predict(self, X):
        """Predict targets of the shape of the ``y`` given to ``fit``.

        Parameters
        ----------
        X : array-like of shape (n, timesteps) or (n, timesteps, n_features)

        Returns
        -------
        ndarray of float64, shape (n, *y.shape[1:])
        """
        return self._predict(X)

    def _predict(self, X, X_future=None):
        output = self._forward(X, X_future).astype(np.float64)
        return output.reshape((len(output), *self._fit_record.y_shape))

    def score(self, X, y, sample_weight=None):
        """R² of the predictions, averaged over every output (steps and targets).

        Parameters
        ----------
        X : array-like
        y : array-like of the shape of the fit targets
        sample_weight : array-like of shape (n,), default=None

        Returns
        -------
        float
        """
        return self._score(X, y, sample_weight)

    def _score(self, X, y, sample_weight=None, X_future=None):
        y_pred = self._predict(X, X_future)
        y = np.asarray(y, dtype=np.float64)
        if y.ndim > 2:
            y, y_pred = y.reshape(len(y), -1), y_pred.reshape(len(y_pred), -1)
        return r2_score(y, y_pred, sample_weight=sample_weight)

    def predict_recursive(self, X, steps, *, target_index, future=None):
        """Forecast ``steps`` ahead by feeding the one-step network its predictions.

        Each window of ``X`` is rolled forward in one traced loop (see
        :func:`tsrnn.recursive_predict`): the prediction fills the
        ``target_index`` columns of a new last row, the other columns come from
        ``future``, and the oldest row drops out. Values are in the units the
        network was trained in (a forecaster's scaled units), as float32.

        Parameters
        ----------
        X : array-like of shape (n, timesteps, n_features)
            The last observed windows, like the X passed to ``fit`` (2-D when
            fitted on 2-D X). Not modified.
        steps : int
            Number of steps to forecast.
        target_index : int or sequence of int
            Columns of ``X`` that the network's outputs fill, in output order.
        future : array-like of shape (n, steps, n_features - n_targets), default=None
            Values of the other columns over the forecast steps (known-future
            covariates); required when there are other columns.

        Returns
        -------
        ndarray of shape (n, steps, n_targets)

        Examples
        --------
        >>> import numpy as np
        >>> from tsrnn import DenseRegressor
        >>> X = np.arange(40.0).reshape(10, 4, 1) / 40
        >>> model = DenseRegressor(units=(4,), epochs=1, jit_compile=False,
        ...                        random_state=0).fit(X, X[:, -1, 0])
        >>> model.predict_recursive(X[:2], 3, target_index=[0]).shape
        (2, 3, 1)
        """
        check_is_fitted(self)
        name = type(self).__name__
        if not forecasting_tags(self).recursive:
            raise ValueError(
                f"`predict_recursive` needs a one-step network; this {name} is "
                "an encoder-decoder (architecture='seq2seq') that forecasts its "
                "whole horizon at once. Call predict(X, X_future=...) instead."
            )
        if self._fit_record.masked:
            raise ValueError(
                f"`predict_recursive` needs windows of one width; this {name} was "
                "fitted on sequences of unequal lengths (padded and masked). Fit "
                "it on windows of one width to forecast recursively."
            )
        values, _ = self._validate_predict_input(X)
        return recursive_predict(
            self.model_, values, steps, target_index=target_index, future=future
        )


@fill_doc
class RNNRegressor(ProbabilisticMixin, KerasRegressor):
    """Recurrent network (LSTM, GRU or Elman RNN) regressor on windows.

    ``y`` may be (n,) or (n, k): one value (vector) per window; (n, horizon, k):
    a direct multi-step forecast; or, with ``return_sequences=True``, (n,
    timesteps) or (n, timesteps, k): one output per input step (many-to-many).
    ``predict`` returns the shape of the ``y`` given to ``fit``.

    Encoder-decoder
        ``architecture="seq2seq"`` builds :func:`tsrnn.build_seq2seq`: an
        encoder reads the window ``X``, a decoder of the same cell runs over the
        ``horizon`` steps of ``y`` (n, horizon, k) and reads, at each step, the
        known-future inputs ``X_future`` of shape (n, horizon, F) (planned
        values, calendar features). ``X_future`` is a keyword of ``fit``,
        ``predict`` and ``score``, like ``sample_weight``: ``X`` stays the one
        array of windows that scikit-learn splits, so pipelines and grid
        search work unchanged, and ``fit`` passes of ``X_future`` are indexed
        with the rows by cross-validation (``GridSearchCV(...).fit(X, y,
        X_future=F)``; with metadata routing enabled, request it with
        ``set_fit_request``/``set_predict_request``/``set_score_request``).
        Without ``X_future`` the decoder reads the encoder's last output at
        every step. ``cell``, ``units`` (one int), ``dropout``,
        ``instance_norm`` and the training settings apply; ``bidirectional``,
        ``recurrent_dropout``, ``layer_norm`` and ``return_sequences`` do not.

    Parameters
    ----------
    architecture : {"rnn", "seq2seq"}, default="rnn"
        ``"rnn"``: recurrent layers and a dense head over all outputs;
        ``"seq2seq"``: the encoder-decoder above.
    cell : {"lstm", "gru", "rnn"}, default="lstm"
        Recurrent cell.
    units : int or list of int, default=64
        Units of the recurrent layer; a list stacks layers (``"rnn"`` only).
    bidirectional : bool, default=False
        Read every window in both directions.
    dropout, recurrent_dropout : float, default=0.0
        Dropout on the inputs and on the recurrent state.
    layer_norm : bool, default=False
        Layer normalization after every recurrent layer.
    return_sequences : bool, default=False
        Many-to-many: one output per input step.
    instance_norm : bool or "mean", default=False
        Learn the change from each window's last value of the target columns
        (the first ``k`` input features), or from the window's mean with
        ``"mean"``; see :func:`tsrnn.build_rnn` and, for the encoder-decoder
        (last value only), :func:`tsrnn.build_seq2seq`.
    distribution : {None, "normal", "student_t", "negative_binomial"}, default=None
        Forecast a predictive distribution, trained by maximum likelihood
        (DeepAR): each window is divided by the mean absolute value of its
        target columns (the first ``k`` input features) and the distribution
        is rescaled. ``predict`` gives its mean; ``predict_quantiles``,
        ``sample``, ``sample_recursive`` and ``log_likelihood`` the rest (see
        :mod:`tsrnn.estimators.probabilistic`). ``"negative_binomial"`` needs
        non-negative integer counts. Needs ``architecture="rnn"`` without
        ``return_sequences`` or ``instance_norm``.
    quantiles : list of float, default=None
        Forecast these quantile levels instead (MQ-RNN: mean pinball loss,
        non-crossing quantiles), e.g. ``[0.1, 0.5, 0.9]`` with a direct
        multi-step ``y``; ``predict`` gives the median.
    every_step : "auto", bool, default="auto"
        With ``distribution`` and a one-step ``y`` whose targets are the first
        ``k`` features of ``X``: train a forecast after every row of the window
        (the next row's targets; ``y`` after the last row), as DeepAR trains,
        instead of after the last row only. Every window then gives
        ``timesteps`` training targets, and the recurrent state forecasts at
        every length, so ``sample_recursive`` carries it past the window as in
        training (about 15 times faster than re-reading the window; chosen on
        the validation table of ``sampling_speed`` in
        ``benchmarks/RESULTS.md``).
        Predictions read the forecast after the last row. "auto": every step
        where that applies (a distribution, one step, targets among the
        inputs, ``bidirectional=False``: a backward pass would read the rows
        being forecast); the last row otherwise. ``every_step_`` tells which was fitted.
    epochs : int or "auto", default="auto"
        Passes over the training rows (more with ``warm_start=True``: each fit
        adds its epochs). "auto": enough for about 1000 gradient steps
        (``ceil(1000 / ceil(n_rows / batch_size))``), at least 50 (the former
        fixed default) and at most 400, so small data trains long enough and
        large data no longer than before.
    lr_patience : int, "auto" or None, default="auto"
        Halve the learning rate when the *training* loss has not improved for
        this many epochs (down to a hundredth of ``learning_rate``). "auto": a
        tenth of the epochs, at least 5, when ``epochs="auto"``; a constant
        learning rate when ``epochs`` is a number, as set by hand (and by the
        recurrent candidates of :class:`tsrnn.AutoForecaster`). None: a
        constant learning rate.
    {training}
    {attributes}
    Examples
    --------
    >>> import numpy as np
    >>> from tsrnn import RNNRegressor
    >>> X = np.sin(np.arange(60) / 3)[np.arange(40)[:, None] + np.arange(12)]
    >>> y = np.sin(np.arange(12, 52) / 3)
    >>> model = RNNRegressor(units=4, epochs=2, jit_compile=False, random_state=0)
    >>> model.fit(X, y).predict(X[:3]).shape
    (3,)

    An encoder-decoder forecasting 4 steps from the window and a known-future
    input over those steps:

    >>> Y = np.sin(np.arange(12, 56) / 3)[np.arange(40)[:, None] + np.arange(4)]
    >>> F = np.cos(np.arange(12, 56) / 3)[np.arange(40)[:, None] + np.arange(4)]
    >>> seq2seq = RNNRegressor(architecture="seq2seq", units=4, epochs=2,
    ...                        jit_compile=False, random_state=0)
    >>> _ = seq2seq.fit(X, Y[..., None], X_future=F[..., None])
    >>> seq2seq.predict(X[:3], X_future=F[:3, :, None]).shape
    (3, 4, 1)
    """

    _supports_masking: ClassVar[bool] = True
    # Networks fitted before every_step existed were trained after the last row.
    _ADDED_PARAMS: ClassVar[dict] = {"every_step": False}
    _parameter_constraints: ClassVar[dict] = {
        **KerasEstimator._parameter_constraints,
        "architecture": [Options(ARCHITECTURES)],
        "distribution": [Options(DISTRIBUTION_NAMES)],
        "every_step": [Options(("auto", False, True), "'auto', True or False")],
        "epochs": [
            Interval(numbers.Integral, 1),
            Options(("auto",), "'auto'"),
        ],
        "lr_patience": [
            Interval(numbers.Integral, 1),
            Options(("auto", None), "'auto' or None"),
        ],
    }

    def __init__(
        self,
        *,
        architecture="rnn",
        cell="lstm",
        units=64,
        bidirectional=False,
        dropout=0.0,
        recurrent_dropout=0.0,
        layer_norm=False,
        return_sequences=False,
        instance_norm=False,
        distribution=None,
        quantiles=None,
        every_step="auto",
        epochs="auto",
        lr_patience="auto",
        batch_size=32,
        learning_rate=1e-3,
        clipnorm=1.0,
        early_stopping=False,
        validation_fraction=0.1,
        patience=10,
        warm_start=False,
        jit_compile="auto",
        distribute=None,
        random_state=None,
        verbose=0,
    ):
        super().__init__(
            epochs=epochs,
            batch_size=batch_size,
            learning_rate=learning_rate,
            clipnorm=clipnorm,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            patience=patience,
            warm_start=warm_start,
            jit_compile=jit_compile,
            distribute=distribute,
            random_state=random_state,
            verbose=verbose,
        )
        self.architecture = architecture
        self.cell = cell
        self.units = units
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.layer_norm = layer_norm
        self.return_sequences = return_sequences
        self.instance_norm = instance_norm
        self.distribution = distribution
        self.quantiles = quantiles
        self.every_step = every_step
        self.lr_patience = lr_patience

    @property
    def _encoder_decoder(self) -> bool:
        return self.architecture == "seq2seq"

    # ------------------------------------------------------- training schedule

    def _n_epochs(self, n_train):
        if self.epochs != "auto":
            return self.epochs
        return budget_epochs(
            n_train, self.batch_size, steps=GRADIENT_STEPS, bounds=EPOCH_BOUNDS
        )

    def _lr_patience(self, epochs):
        if self.lr_patience != "auto":
            return self.lr_patience
        return plateau_patience(epochs) if self.epochs == "auto" else None

    @property
    def _aligned_outputs(self) -> bool:
        return self.return_sequences

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.forecasting = replace(
            tags.forecasting,
            probabilistic=self._probabilistic,
            short_inputs=not (self._encoder_decoder or self._probabilistic),
        )
        return tags

    def _encode_targets(self, y, steps):
        if self._probabilistic:
            return self._head_targets(y, steps)
        return super()._encode_targets(y, steps)

    def _predict(self, X, X_future=None):
        if self._probabilistic:
            self._check_future(X_future, 0, 0, reset=False)
            return self._point(self.predict_params(X))
        return super()._predict(X, X_future)

    def predict_recursive(self, X, steps, *, target_index, future=None):
        if not self._probabilistic:
            return super().predict_recursive(
                X, steps, target_index=target_index, future=future
            )
        # The mean of each step's distribution fed back in.
        self._check_recursive_head("predict_recursive")
        values, _ = self._validate_predict_input(X)
        return sample_paths(
            self.model_,
            self._head(),
            values,
            steps,
            None,
            seed=0,
            target_index=target_index,
            future=future,
            every_step=self._every_step_fitted,
        ).astype(np.float32)

    predict_recursive.__doc__ = KerasRegressor.predict_recursive.__doc__

    def _validate_params(self):
        super()._validate_params()
        self._check_head_params()
        # The settings of the recurrent stack that a decoder cannot honour.
        if self.architecture != "seq2seq":
            return
        unused = {
            "bidirectional": False,
            "recurrent_dropout": 0.0,
            "layer_norm": False,
            "return_sequences": False,
        }
        for name, default in unused.items():
            value = getattr(self, name)
            if value != default:
                raise ValueError(
                    message(
                        name,
                        f"{default} with architecture='seq2seq' (the "
                        "encoder-decoder has no such option)",
                        value,
                        f"Leave {name} at {default}, or use architecture='rnn'.",
                    )
                )
        if isinstance(self.units, bool) or not isinstance(self.units, numbers.Integral):
            raise TypeError(
                message(
                    "units",
                    "one int with architecture='seq2seq' (encoder and decoder "
                    "share it)",
                    self.units,
                    "Stacked layers need architecture='rnn'.",
                )
            )

    def _build_network(self, values_shape, output_shape, *, masking, seed, n_future):
        if self._probabilistic:
            return self._build_head_network(
                values_shape, output_shape, masking=masking, seed=seed
            )
        if not self._encoder_decoder:
            model = recurrent_network(
                self,
                values_shape,
                output_shape,
                masking=masking,
                seed=seed,
                return_sequences=self.return_sequences,
                instance_norm=self.instance_norm,
            )
            return self._compile(model)
        horizon, n_targets = output_shape
        model = build_seq2seq(
            values_shape[1:],
            horizon,
            n_targets,
            n_future_features=n_future,
            cell=self.cell,
            units=self.units,
            dropout=self.dropout,
            instance_norm=self.instance_norm,
            seed=seed,
        )
        return self._compile(model)

    def fit(self, X, y, sample_weight=None, *, X_future=None):
        """Train the network on windows ``X`` and targets ``y``.

        Parameters
        ----------
        X : array-like of shape (n, timesteps) or (n, timesteps, n_features)
            Windows; 2-D input is read as univariate sequences. Also a list of
            sequences of unequal lengths (``architecture="rnn"``).
        y : array-like
            Targets; see the class docstring for the accepted shapes.
        sample_weight : array-like of shape (n,), default=None
            Per-window weights of the loss.
        X_future : array-like of shape (n, horizon, n_future_features), default=None
            Known-future inputs the decoder reads over the ``horizon`` steps of
            ``y`` (``architecture="seq2seq"`` only).

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight, X_future)

    def predict(self, X, *, X_future=None):
        """Predict targets of the shape of the ``y`` given to ``fit``.

        Parameters
        ----------
        X : array-like of shape (n, timesteps) or (n, timesteps, n_features)
        X_future : array-like of shape (n, horizon, n_future_features), default=None
            Required exactly when ``fit`` was given ``X_future``.

        Returns
        -------
        ndarray of float64, shape (n, *y.shape[1:])
        """
        return self._predict(X, X_future)

    def score(self, X, y, sample_weight=None, *, X_future=None):
        """R² of the predictions, averaged over every output (steps and targets).

        Parameters
        ----------
        X : array-like
        y : array-like of the shape of the fit targets
        sample_weight : array-like of shape (n,), default=None
        X_future : array-like, default=None
            As in :meth:`predict`.

        Returns
        -------
        float
        """
        return self._score(X, y, sample_weight, X_future)


@fill_doc
class DenseRegressor(KerasRegressor):
    """Fully connected regressor on flattened windows: the no-recurrence baseline.

    Same targets as :class:`RNNRegressor` without ``return_sequences``.

    Parameters
    ----------
    units : int or sequence of int, default=(64,)
        Hidden ReLU layers; ``()`` gives a linear model of the window.
    dropout : float, default=0.0
        Dropout after every hidden layer.
    {training}
    {attributes}
    Examples
    --------
    >>> import numpy as np
    >>> from tsrnn import DenseRegressor
    >>> X = np.arange(40.0).reshape(10, 4)
    >>> model = DenseRegressor(units=(4,), epochs=1, jit_compile=False,
    ...                        random_state=0)
    >>> model.fit(X, X.sum(axis=1)).predict(X).shape
    (10,)
    """

    def __init__(
        self,
        *,
        units=(64,),
        dropout=0.0,
        epochs=50,
        batch_size=32,
        learning_rate=1e-3,
        clipnorm=1.0,
        early_stopping=False,
        validation_fraction=0.1,
        patience=10,
        warm_start=False,
        jit_compile="auto",
        distribute=None,
        random_state=None,
        verbose=0,
    ):
        super().__init__(
            epochs=epochs,
            batch_size=batch_size,
            learning_rate=learning_rate,
            clipnorm=clipnorm,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            patience=patience,
            warm_start=warm_start,
            jit_compile=jit_compile,
            distribute=distribute,
            random_state=random_state,
            verbose=verbose,
        )
        self.units = units
        self.dropout = dropout

    def _build_network(self, values_shape, output_shape, *, masking, seed, n_future):
        model = dense_network(
            self, values_shape, output_shape, seed=seed, output_activation=None
        )
        return self._compile(model)
