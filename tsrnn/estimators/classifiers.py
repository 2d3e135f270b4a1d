"""The classifiers: :class:`RNNClassifier` (recurrent) and :class:`DenseClassifier`.

Both encode labels, weight classes, end in a softmax over ``classes_`` trained
with cross-entropy, and follow scikit-learn's classifier contract
(``predict_proba``, ``predict``, accuracy as ``score``).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
from sklearn.base import ClassifierMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d

from tsrnn.core.validation import plain
from tsrnn.estimators.base import KerasEstimator
from tsrnn.estimators.docstrings import fill_doc
from tsrnn.estimators.networks import dense_network, recurrent_network

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


@fill_doc
class RNNClassifier(KerasClassifier):
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

    _supports_masking: ClassVar[bool] = True

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
        self.cell = cell
        self.units = units
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.layer_norm = layer_norm
        self.class_weight = class_weight

    def _build_network(self, values_shape, output_shape, *, masking, seed, n_future):
        model = recurrent_network(
            self,
            values_shape,
            output_shape,
            masking=masking,
            seed=seed,
            output_activation=self._output_activation,
        )
        return self._compile(model)


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
