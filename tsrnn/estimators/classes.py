"""scikit-learn estimators around the recurrent and dense Keras models.

:class:`RNNRegressor`, :class:`RNNClassifier`, :class:`DenseRegressor` and
:class:`DenseClassifier` take arrays of windows and follow the scikit-learn
contract (``get_params``/``set_params``, ``clone``, pipelines, grid search,
pickle) and pass its common estimator checks (see ``tests/test_sklearn_checks.py``).

Input
    ``X`` of shape (n, timesteps) is read as n univariate sequences, (n,
    timesteps, n_features) as multivariate ones. ``n_features_in_`` follows
    scikit-learn's meaning of "columns of X": ``timesteps`` for 2-D input, the
    number of features per step for 3-D input. The recurrent estimators also
    take a list of sequences of unequal lengths (each (length_i,) or (length_i,
    n_features)): they are padded and masked, so padding never reaches the model.
    ``RNNRegressor(architecture="seq2seq")`` (an encoder-decoder) also takes the
    known-future inputs over the horizon as the keyword ``X_future`` of ``fit``,
    ``predict`` and ``score``: ``X`` stays one array of windows, so pipelines,
    cross-validation and grid search handle it as for any estimator.

Training
    Adam with gradient clipping, mini-batches reshuffled every epoch by a
    seeded shuffle. ``random_state`` makes fits bit-identical, in one process
    and across processes (CPU). ``early_stopping`` holds out the *last*
    ``validation_fraction`` of the rows, in their given order (the most recent
    windows when X is in time order), and restores the best weights.
    ``warm_start=True`` continues training the fitted network for ``epochs``
    more epochs, with its optimizer state. A NaN loss raises
    :class:`~tsrnn.exceptions.TrainingError` with the last good weights kept; a
    KeyboardInterrupt during ``fit`` keeps the best weights so far and warns
    (:class:`~tsrnn.exceptions.TrainingWarning`).

Persistence
    pickle/joblib store the Keras network as its ``.keras`` archive; ``save(path)``
    writes a directory (``model.keras`` + ``estimator.json``) that
    ``Class.load(path)`` reads back with Keras ``safe_mode=True``.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.metrics import r2_score
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, column_or_1d

from tsrnn.core.validation import message, plain
from tsrnn.estimators.base import KerasEstimator
from tsrnn.nn.models import build_dense, build_rnn, build_seq2seq

__all__ = ["DenseClassifier", "DenseRegressor", "RNNClassifier", "RNNRegressor"]

ARCHITECTURES = ("rnn", "seq2seq")


# ----------------------------------------------------------------- targets


class _RegressionTargets:
    """Target handling and prediction of the regressors."""

    def _encode_targets(self, y):
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
        if getattr(self, "return_sequences", False):
            steps = self._fit_info["steps"]
            if y.ndim not in (2, 3) or y.shape[1] != steps:
                raise ValueError(
                    f"`y` must have shape (n, timesteps) or (n, timesteps, k) with "
                    f"return_sequences=True, timesteps={steps} as in X. Got y "
                    f"with shape {y.shape}. Set return_sequences=False for one "
                    "output per window."
                )
            self._fit_info["y_shape"] = y.shape[1:]
            targets = y if y.ndim == 3 else y[:, :, np.newaxis]
            return targets.astype(np.float32), targets.shape[2]
        if y.ndim > 3:
            raise ValueError(
                f"`y` must be 1-D (n,), 2-D (n, k) or 3-D (n, horizon, k). Got y "
                f"with shape {y.shape}."
            )
        self._fit_info["y_shape"] = y.shape[1:]
        targets = y if y.ndim > 1 else y[:, np.newaxis]
        output_shape = targets.shape[1] if targets.ndim == 2 else targets.shape[1:]
        return targets.astype(np.float32), output_shape

    def _adjust_weights(self, weights, y):
        return weights

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
        return output.reshape((len(output), *self._fit_info["y_shape"]))

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

    def _task(self):
        return "regression"

    def _output_activation(self):
        return None

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags


class _ClassificationTargets:
    """Label encoding, class weights and prediction of the classifiers."""

    def _encode_targets(self, y):
        y = column_or_1d(y, warn=True)
        if y.dtype.kind in "OfcMmTU":
            # Sorting the labels would fail on a None among strings with a
            # bare TypeError, and a NaN label would become a class of its own.
            missing = np.flatnonzero(pd.isna(y))
            if missing.size:
                raise ValueError(
                    f"`y` must not hold missing labels. Got {plain(y[missing[0]])!r} "
                    f"at position {int(missing[0])} ({missing.size} missing in "
                    "all). Drop those rows from X and y, or give them a label."
                )
        check_classification_targets(y)
        encoder = LabelEncoder().fit(y)
        self.classes_ = encoder.classes_
        if len(self.classes_) < 2:
            raise ValueError(
                "`y` must hold at least 2 classes. Got 1 class: "
                f"{plain(self.classes_[0])!r}. A classifier needs examples of "
                "every class it should predict."
            )
        return encoder.transform(y).astype(np.int32), len(self.classes_)

    def _adjust_weights(self, weights, y):
        y = column_or_1d(y)
        if self.class_weight is not None:
            weights = weights * compute_sample_weight(self.class_weight, y)
        weighted = np.unique(y[weights > 0])
        if len(weighted) < 2:
            raise ValueError(
                "`sample_weight` must be positive on rows of at least 2 classes. "
                f"Got positive weights on classes {weighted.tolist()} only."
            )
        return weights

    def predict_proba(self, X):
        """Class probabilities, columns in the order of ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n, timesteps) or (n, timesteps, n_features),
            or a list of sequences of unequal lengths (recurrent classifier)

        Returns
        -------
        ndarray of float64, shape (n, n_classes)
            Rows sum to 1.
        """
        proba = self._forward(X).astype(np.float64)
        return proba / proba.sum(axis=1, keepdims=True)

    def predict(self, X):
        """Most probable class of each sequence.

        Parameters
        ----------
        X : array-like, see :meth:`predict_proba`

        Returns
        -------
        ndarray of shape (n,), labels from ``classes_``
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def _task(self):
        return "classification"

    def _output_activation(self):
        return "softmax"


# ------------------------------------------------------------------ networks


class _RecurrentNetwork:
    _supports_masking = True

    def _build_network(self, values_shape, output_shape, *, masking, seed):
        if self._decodes():
            horizon, n_targets = output_shape
            model = build_seq2seq(
                values_shape[1:],
                horizon,
                n_targets,
                n_future_features=self._fit_info["n_future"],
                cell=self.cell,
                units=self.units,
                dropout=self.dropout,
                output_activation=self._output_activation(),
                instance_norm=getattr(self, "instance_norm", False),
                seed=seed,
            )
            return self._compile(model, self._task())
        steps = None if masking else values_shape[1]
        model = build_rnn(
            (steps, values_shape[2]),
            output_shape,
            cell=self.cell,
            units=self.units,
            bidirectional=self.bidirectional,
            dropout=self.dropout,
            recurrent_dropout=self.recurrent_dropout,
            layer_norm=self.layer_norm,
            return_sequences=getattr(self, "return_sequences", False),
            masking=masking,
            output_activation=self._output_activation(),
            instance_norm=getattr(self, "instance_norm", False),
            seed=seed,
        )
        return self._compile(model, self._task())


class _DenseNetwork:
    _supports_masking = False

    def _build_network(self, values_shape, output_shape, *, masking, seed):
        model = build_dense(
            values_shape[1:],
            output_shape,
            units=self.units,
            dropout=self.dropout,
            output_activation=self._output_activation(),
            seed=seed,
        )
        return self._compile(model, self._task())


_TRAINING_DOC = """
    epochs : int, default=50
        Passes over the training rows (more with ``warm_start=True``: each fit
        adds ``epochs``).
    batch_size : int, default=32
        Windows per gradient step; predictions run in chunks of 128 rows.
    learning_rate : float, default=1e-3
        Adam's learning rate.
    clipnorm : float or None, default=1.0
        Gradient clipping by norm; None turns it off.
    early_stopping : bool, default=False
        Hold out the last ``validation_fraction`` of the rows (in the given
        order: the most recent windows for time-ordered X), stop when the
        validation loss has not improved for ``patience`` epochs and restore the
        weights of the best epoch.
    validation_fraction : float, default=0.1
        Share of rows, taken from the end, held out with ``early_stopping``.
    patience : int, default=10
        Epochs without improvement before early stopping.
    warm_start : bool, default=False
        If True and the estimator is fitted, ``fit`` continues training the same
        network (and optimizer state) for ``epochs`` more epochs instead of
        starting anew; ``history_`` grows. The targets must keep their shape.
    jit_compile : bool or "auto", default="auto"
        XLA compilation (see :func:`tsrnn.compile_model`). XLA costs about 2 s
        of compilation per fit; False is faster for tiny models and data.
    distribute : {None, "mirrored", "multiworker"}, default=None
        Data-parallel training through ``tf.distribute`` (see
        :mod:`tsrnn.nn.distributed`): ``"mirrored"`` uses every GPU (or the CPU)
        of this machine; ``"multiworker"`` trains with the other processes
        named in ``TF_CONFIG`` (start the same script on every machine; each
        batch of ``batch_size`` windows is split across the replicas).
        Prediction runs locally.
    random_state : int, RandomState instance or None, default=None
        Seeds weights, dropout and shuffling: fits with the same int are
        identical. Fitting also sets TensorFlow's global seed.
    verbose : int, default=0
        0: silent; 1: one progress line per fit on stderr, redrawn every
        epoch; 2: Keras's line per epoch.
"""

_ATTRIBUTES_DOC = """
    Attributes
    ----------
    model_ : keras.Model
        The trained network.
    history_ : dict of str to list of float
        Per-epoch training ``loss`` and, with ``early_stopping``, ``val_loss``.
    n_iter_ : int
        Epochs run in all (warm-start fits add up).
    n_features_in_ : int
        Columns of a 2-D X (its timesteps), or features per step of a 3-D X.
    feature_names_in_ : ndarray of str
        Column names of a DataFrame X, if X had string column names.
"""


def _fill_doc(cls):
    cls.__doc__ = cls.__doc__.replace("    {training}\n", _TRAINING_DOC.lstrip("\n"))
    cls.__doc__ = cls.__doc__.replace("    {attributes}\n", _ATTRIBUTES_DOC)
    return cls


@_fill_doc
class RNNRegressor(
    _RegressionTargets, RegressorMixin, _RecurrentNetwork, KerasEstimator
):
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
    instance_norm : bool, default=False
        Learn the change from each window's last value of the target columns
        (the first ``k`` input features); see :func:`tsrnn.build_rnn` and,
        for the encoder-decoder, :func:`tsrnn.build_seq2seq`.
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
        self.architecture = architecture
        self.cell = cell
        self.units = units
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.layer_norm = layer_norm
        self.return_sequences = return_sequences
        self.instance_norm = instance_norm
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

    def _check_settings(self):
        super()._check_settings()
        if self.architecture not in ARCHITECTURES:
            raise ValueError(
                message(
                    "architecture",
                    f"one of {list(ARCHITECTURES)}",
                    self.architecture,
                    "",
                )
            )
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


@_fill_doc
class RNNClassifier(
    ClassifierMixin, _ClassificationTargets, _RecurrentNetwork, KerasEstimator
):
    """Recurrent network (LSTM, GRU or Elman RNN) sequence classifier.

    The network ends in a softmax over ``classes_`` (two units for binary
    problems) trained with cross-entropy. ``X`` may also be a list of sequences
    of unequal lengths: they are padded at the end and masked.

    Parameters
    ----------
    cell : {"lstm", "gru", "rnn"}, default="lstm"
        Recurrent cell.
    units : int or list of int, default=64
        Units of the recurrent layer; a list stacks layers.
    bidirectional : bool, default=False
        Read every sequence in both directions.
    dropout, recurrent_dropout : float, default=0.0
        Dropout on the inputs and on the recurrent state.
    layer_norm : bool, default=False
        Layer normalization after every recurrent layer.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss (multiplied with ``sample_weight``),
        as in scikit-learn.
    {training}
    {attributes}
    classes_ : ndarray of shape (n_classes,)
        Class labels, in the order of the ``predict_proba`` columns.

    Examples
    --------
    >>> import numpy as np
    >>> from tsrnn import RNNClassifier
    >>> rng = np.random.default_rng(0)
    >>> sequences = [rng.normal(size=n) for n in (5, 8, 6, 9)]
    >>> model = RNNClassifier(units=4, epochs=1, jit_compile=False, random_state=0)
    >>> model.fit(sequences, ["a", "b", "a", "b"]).predict_proba(sequences).shape
    (4, 2)
    """

    def __init__(
        self,
        *,
        cell="lstm",
        units=64,
        bidirectional=False,
        dropout=0.0,
        recurrent_dropout=0.0,
        layer_norm=False,
        class_weight=None,
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
        self.cell = cell
        self.units = units
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.layer_norm = layer_norm
        self.class_weight = class_weight
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


@_fill_doc
class DenseRegressor(_RegressionTargets, RegressorMixin, _DenseNetwork, KerasEstimator):
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
        self.units = units
        self.dropout = dropout
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


@_fill_doc
class DenseClassifier(
    ClassifierMixin, _ClassificationTargets, _DenseNetwork, KerasEstimator
):
    """Fully connected classifier on flattened sequences of one length.

    Parameters
    ----------
    units : int or sequence of int, default=(64,)
        Hidden ReLU layers; ``()`` gives multinomial logistic regression.
    dropout : float, default=0.0
        Dropout after every hidden layer.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, as in scikit-learn.
    {training}
    {attributes}
    classes_ : ndarray of shape (n_classes,)
        Class labels, in the order of the ``predict_proba`` columns.

    Examples
    --------
    >>> import numpy as np
    >>> from tsrnn import DenseClassifier
    >>> X = np.array([[0.0, 0.1], [0.1, 0.0], [1.0, 0.9], [0.9, 1.0]])
    >>> model = DenseClassifier(units=(4,), epochs=1, jit_compile=False,
    ...                         random_state=0)
    >>> model.fit(X, [0, 0, 1, 1]).classes_
    array([0, 1])
    """

    def __init__(
        self,
        *,
        units=(64,),
        dropout=0.0,
        class_weight=None,
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
        self.units = units
        self.dropout = dropout
        self.class_weight = class_weight
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
