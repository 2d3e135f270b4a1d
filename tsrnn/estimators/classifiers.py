"""The classifiers: :class:`RNNClassifier` (recurrent) and :class:`DenseClassifier`.

Both encode labels, weight classes, end in a softmax over ``classes_`` trained
with cross-entropy, and follow scikit-learn's classifier contract
(``predict_proba``, ``predict``, accuracy as ``score``).
"""

from __future__ import annotations

import math
import numbers
from typing import ClassVar

import numpy as np
import pandas as pd
from sklearn.base import ClassifierMixin, clone
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d

from tsrnn.core.validation import message, plain
from tsrnn.estimators.base import KerasEstimator
from tsrnn.estimators.docstrings import fill_doc
from tsrnn.estimators.networks import (
    average_models,
    dense_network,
    recurrent_network,
    rnn_fcn_network,
)
from tsrnn.estimators.params import Interval, Options
from tsrnn.estimators.training import budget_epochs, plateau_patience
from tsrnn.nn.fcn import CONV_FILTERS, CONV_KERNELS

__all__ = ["DenseClassifier", "RNNClassifier"]


class KerasClassifier(ClassifierMixin, KerasEstimator):
    """Label encoding, class weights and prediction of the classifiers."""

    _task: ClassVar[str] = "classification"
    _output_activation: ClassVar[str | None] = "softmax"

    def _encode_targets(self, y, steps):
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
        return encoder.transform(y).astype(np.int32), len(self.classes_), None

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


ARCHITECTURES = ("rnn", "rnn_fcn")
# The default training budget, in gradient steps, and the bounds of the epochs
# it gives (see RNNClassifier's `epochs`).
GRADIENT_STEPS = 1000
MIN_EPOCHS = 20
MAX_EPOCHS = 400
# normalize="auto" leaves shorter univariate series as they are.
MIN_NORMALIZED = 3
# branch_dropout="auto" with architecture="rnn_fcn": the papers' setting, which
# validated best on the four shared TRAIN sets
# (benchmarks/classification_validation.py).
BRANCH_DROPOUT = 0.8
# segment_length="auto" with architecture="rnn_fcn": the recurrent branch reads
# at most this many steps. On long series its steps, which run one after
# another, cost more than the whole convolutional branch; at 150 or fewer they
# run beside it (200 series of 427 steps: 0.63 s a training step reading every
# timestep, 0.35 s reading 143 segments of 3, 0.33 s with 7; the four shared
# problems, 150 steps at most, are read one timestep a step as before).
MAX_RECURRENT_STEPS = 150
_BOOL_OR_AUTO = [Options((True, False, "auto"), "True, False or 'auto'")]


@fill_doc
class RNNClassifier(KerasClassifier):
    """Recurrent sequence classifier: GRU-FCN / LSTM-FCN / MLSTM-FCN, or a plain RNN.

    With ``architecture="rnn_fcn"`` (the default) the network is the LSTM-FCN
    family of Karim et al. (2017, 2019), built by :func:`tsrnn.build_rnn_fcn`: a
    convolutional branch (three Conv1D blocks of 128, 256 and 128 filters, kernels
    8, 5 and 3, batch normalization and ReLU, then global average pooling) beside
    a recurrent branch (``cell``: GRU-FCN by default, LSTM-FCN with
    ``cell="lstm"``; its output dropped out at rate 0.8 in training, as in the
    papers), concatenated. For multivariate series squeeze-and-excite
    blocks follow the first two convolution blocks (MLSTM-FCN). The recurrent
    branch reads the series in time order, one step per timestep, not the
    transposed ("dimension-shuffled") input of the papers' reference code. With
    ``architecture="rnn"`` the network is the recurrent layer(s) alone
    (:func:`tsrnn.build_rnn`).

    The network ends in a softmax over ``classes_`` (two units for binary
    problems) trained with cross-entropy. ``X`` may also be a list of sequences
    of unequal lengths: they are padded at the end and masked, and padded steps
    change no prediction (the convolutional branch zeroes them and pools over
    real steps only).

    The defaults are meant to work on a problem never seen: the number of
    epochs follows the size of the data (a budget of gradient steps), the
    learning rate halves when the training loss stalls, and univariate series
    are z-normalized one by one. They were chosen on validation splits of the
    TRAIN sets of GunPoint, ItalyPowerDemand, JapaneseVowels and BasicMotions
    (see ``benchmarks/RESULTS.md``).

    Parameters
    ----------
    architecture : {"rnn_fcn", "rnn"}, default="rnn_fcn"
        "rnn_fcn": the recurrent branch beside a fully convolutional one
        (LSTM-FCN with ``cell="lstm"``, GRU-FCN with ``cell="gru"``); "rnn": the
        recurrent layers alone.
    cell : {"gru", "lstm", "rnn"}, default="gru"
        Recurrent cell: with the default architecture "gru" gives GRU-FCN,
        "lstm" LSTM-FCN. GRU-FCN had the higher mean accuracy on the validation
        splits (0.967 against 0.930 for LSTM-FCN).
    units : int or list of int, default=64
        Units of the recurrent layer; a list stacks layers.
    bidirectional : bool, default=False
        Read every sequence in both directions.
    dropout, recurrent_dropout : float, default=0.0
        Dropout on the inputs and on the recurrent state.
    layer_norm : bool, default=False
        Layer normalization after every recurrent layer (``architecture="rnn"``
        only).
    filters, kernel_sizes : tuple of int, default=(128, 256, 128), (8, 5, 3)
        The convolution blocks of ``architecture="rnn_fcn"``, one per pair.
    squeeze_excite : bool or "auto", default="auto"
        Squeeze-and-excite blocks after every convolution block but the last
        (MLSTM-FCN). "auto": when the series have more than one feature.
        ``architecture="rnn_fcn"`` only.
    attention : bool, default=False
        Attention pooling over the outputs of the last recurrent layer instead
        of its last state (ALSTM-FCN). ``architecture="rnn_fcn"`` only.
    branch_dropout : float in [0, 1) or "auto", default="auto"
        Dropout on the recurrent branch's output before it joins the
        convolutional branch, during training only. "auto": 0.8 (the papers'
        setting) with ``architecture="rnn_fcn"``, none with "rnn". A number
        other than 0 needs ``architecture="rnn_fcn"``.
    segment_length : int or "auto", default="auto"
        Consecutive timesteps the recurrent branch reads as one step (a
        segment of ``segment_length`` steps with all their features, segments
        in time order, as SegRNN reads a long input); the convolutional branch
        still reads every timestep. "auto": 1 (every timestep) for series of
        at most 150 steps, else ``ceil(timesteps / 150)``, so that the
        recurrent branch takes at most 150 steps and a long series trains
        about twice as fast. A value other than 1 needs
        ``architecture="rnn_fcn"``. Masked (unequal-length) series are
        segmented from their first real step.
    normalize : bool or "auto", default="auto"
        Z-normalize every series, each feature by its own mean and standard
        deviation over its real steps, at fit and predict; a constant series
        becomes zeros. The network then sees shapes, not levels. "auto": when
        the series are univariate (one feature per step, or 2-D X) of at least
        3 steps; a multivariate problem's amplitudes often tell classes apart,
        and z-normalizing 2 steps would leave only their order (-1 and 1): a
        table of 2 columns is not normalized.
    n_estimators : int, default=1
        Networks trained from different seeds (drawn from ``random_state``);
        ``predict_proba`` averages their probabilities. ``model_`` is one Keras
        model holding them all. Fit time grows linearly.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss (multiplied with ``sample_weight``),
        as in scikit-learn.
    epochs : int or "auto", default="auto"
        Passes over the training rows. "auto": enough for about
        1000 gradient steps (``ceil(1000 / ceil(n_rows / batch_size))``),
        at least 20 and at most 400.
    lr_patience : int, "auto" or None, default="auto"
        Halve the learning rate when the *training* loss has not improved for
        this many epochs (down to a hundredth of ``learning_rate``). "auto": a
        tenth of the epochs, at least 5. None: a constant learning rate.
    {training}
    {attributes}
    classes_ : ndarray of shape (n_classes,)
        Class labels, in the order of the ``predict_proba`` columns.
    normalize_ : bool
        Whether the series were z-normalized (``normalize`` resolved at fit).
    segment_length_ : int
        Timesteps per recurrent step (``segment_length`` resolved at fit; 1
        with ``architecture="rnn"``).

    Examples
    --------
    >>> import numpy as np
    >>> from tsrnn import RNNClassifier
    >>> rng = np.random.default_rng(0)
    >>> sequences = [rng.normal(size=n) for n in (5, 8, 6, 9)]
    >>> model = RNNClassifier(units=4, filters=(4, 4), kernel_sizes=(3, 3),
    ...                       epochs=1, jit_compile=False, random_state=0)
    >>> model.fit(sequences, ["a", "b", "a", "b"]).predict_proba(sequences).shape
    (4, 2)
    """

    _supports_masking: ClassVar[bool] = True

    _parameter_constraints: ClassVar[dict] = {
        **KerasClassifier._parameter_constraints,
        "architecture": [Options(ARCHITECTURES)],
        "epochs": [
            Interval(numbers.Integral, 1),
            Options(("auto",), "'auto'"),
        ],
        "squeeze_excite": _BOOL_OR_AUTO,
        "attention": [Options((True, False), "True or False")],
        "branch_dropout": [
            Interval(numbers.Real, 0, 1, closed="left"),
            Options(("auto",), "'auto'"),
        ],
        "segment_length": [
            Interval(numbers.Integral, 1),
            Options(("auto",), "'auto'"),
        ],
        "normalize": _BOOL_OR_AUTO,
        "n_estimators": [Interval(numbers.Integral, 1)],
        "lr_patience": [
            Interval(numbers.Integral, 1),
            Options(("auto", None), "'auto' or None"),
        ],
    }

    def __init__(
        self,
        *,
        architecture="rnn_fcn",
        cell="gru",
        units=64,
        bidirectional=False,
        dropout=0.0,
        recurrent_dropout=0.0,
        layer_norm=False,
        filters=CONV_FILTERS,
        kernel_sizes=CONV_KERNELS,
        squeeze_excite="auto",
        attention=False,
        branch_dropout="auto",
        segment_length="auto",
        normalize="auto",
        n_estimators=1,
        class_weight=None,
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
        self.filters = filters
        self.kernel_sizes = kernel_sizes
        self.squeeze_excite = squeeze_excite
        self.attention = attention
        self.branch_dropout = branch_dropout
        self.segment_length = segment_length
        self.normalize = normalize
        self.n_estimators = n_estimators
        self.class_weight = class_weight
        self.lr_patience = lr_patience

    def _validate_params(self):
        super()._validate_params()
        if self.architecture == "rnn":
            # Each option's values that mean "not used" (False == 0.0).
            for name, value, unused, accepted in (
                (
                    "squeeze_excite",
                    self.squeeze_excite,
                    ("auto", False),
                    "'auto' or False",
                ),
                ("attention", self.attention, (False,), "False"),
                ("branch_dropout", self.branch_dropout, ("auto", 0.0), "'auto' or 0.0"),
                ("segment_length", self.segment_length, ("auto", 1), "'auto' or 1"),
            ):
                if value not in unused:
                    raise ValueError(
                        message(
                            name,
                            f"{accepted} with architecture='rnn'",
                            value,
                            "It is a part of the convolutional network: set "
                            "architecture='rnn_fcn'.",
                        )
                    )
        elif self.layer_norm:
            raise ValueError(
                message(
                    "layer_norm",
                    "False with architecture='rnn_fcn'",
                    self.layer_norm,
                    "The convolutional network uses batch normalization; set "
                    "architecture='rnn' for layer normalization.",
                )
            )
        if self.n_estimators > 1 and self.warm_start:
            raise ValueError(
                message(
                    "warm_start",
                    "False with n_estimators > 1",
                    self.warm_start,
                    "An ensemble is trained anew at every fit.",
                )
            )

    # ------------------------------------------------------- training schedule

    def _n_epochs(self, n_train):
        if self.epochs != "auto":
            return self.epochs
        return budget_epochs(
            n_train,
            self.batch_size,
            steps=GRADIENT_STEPS,
            bounds=(MIN_EPOCHS, MAX_EPOCHS),
        )

    def _lr_patience(self, epochs):
        if self.lr_patience == "auto":
            return plateau_patience(epochs)
        return self.lr_patience

    # ----------------------------------------------------------- normalization

    def _validate_fit_input(self, X, y):
        values, mask, y, record = super()._validate_fit_input(X, y)
        normalize = self.normalize
        if normalize == "auto":
            normalize = values.shape[2] == 1 and values.shape[1] >= MIN_NORMALIZED
        self.normalize_ = bool(normalize)
        if self.normalize_:
            values = _z_normalized(values, mask)
        return values, mask, y, record

    def _validate_predict_input(self, X):
        inputs, n = super()._validate_predict_input(X)
        if not self.normalize_:
            return inputs, n
        if isinstance(inputs, list):
            values, mask = inputs
            return [_z_normalized(values, mask), mask], n
        return _z_normalized(inputs, None), n

    # ---------------------------------------------------------------- networks

    def _build_network(self, values_shape, output_shape, *, masking, seed, n_future):
        if self.architecture == "rnn":
            self.segment_length_ = 1
            model = recurrent_network(
                self,
                values_shape,
                output_shape,
                masking=masking,
                seed=seed,
                output_activation=self._output_activation,
            )
        else:
            squeeze_excite = self.squeeze_excite
            if squeeze_excite == "auto":
                squeeze_excite = values_shape[2] > 1
            branch_dropout = self.branch_dropout
            if branch_dropout == "auto":
                branch_dropout = BRANCH_DROPOUT
            segment_length = self.segment_length
            if segment_length == "auto":
                segment_length = math.ceil(values_shape[1] / MAX_RECURRENT_STEPS)
            self.segment_length_ = int(segment_length)
            model = rnn_fcn_network(
                self,
                values_shape,
                output_shape,
                masking=masking,
                seed=seed,
                squeeze_excite=bool(squeeze_excite),
                branch_dropout=branch_dropout,
                segment_length=self.segment_length_,
                output_activation=self._output_activation,
            )
        return self._compile(model)

    def _fit(self, X, y, sample_weight=None, X_future=None):
        if self.n_estimators == 1:
            return super()._fit(X, y, sample_weight, X_future)
        self._validate_params()
        random_state = check_random_state(self.random_state)
        members = []
        for _ in range(self.n_estimators):
            seed = int(random_state.randint(0, 2**31 - 1))
            member = clone(self).set_params(n_estimators=1, random_state=seed)
            members.append(member.fit(X, y, sample_weight))
        first = members[0]
        for key, value in vars(first).items():
            if key.endswith("_") and not key.startswith("__"):
                setattr(self, key, value)
        self._fit_record = first._fit_record
        self.model_ = average_models([m.model_ for m in members])
        # Early stopping may end the members at different epochs: the mean
        # runs over the epochs that all of them ran.
        epochs = min(m.n_iter_ for m in members)
        self.n_iter_ = epochs
        self.history_ = {
            key: np.mean([m.history_[key][:epochs] for m in members], axis=0).tolist()
            for key in first.history_
        }
        return self


def _z_normalized(values, mask):
    """Each series and feature minus its mean, over its std (real steps only).

    A new array: the caller's data is never modified. Constant series (std
    below 1e-8) become zeros.
    """
    values = values.astype(np.float64)
    if mask is None:
        real = np.ones((*values.shape[:2], 1), dtype=bool)
    else:
        real = mask[:, :, np.newaxis].astype(bool)
    count = np.maximum(real.sum(axis=1, keepdims=True), 1)
    kept = np.where(real, values, 0.0)
    mean = kept.sum(axis=1, keepdims=True) / count
    centred = np.where(real, values - mean, 0.0)
    std = np.sqrt((centred**2).sum(axis=1, keepdims=True) / count)
    scaled = centred / np.where(std < 1e-8, 1.0, std)
    return scaled.astype(np.float32)


@fill_doc
class DenseClassifier(KerasClassifier):
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
        self.class_weight = class_weight

    def _build_network(self, values_shape, output_shape, *, masking, seed, n_future):
        model = dense_network(
            self,
            values_shape,
            output_shape,
            seed=seed,
            output_activation=self._output_activation,
        )
        return self._compile(model)
