"""Shared parts of the estimators' docstrings: training settings, attributes.

Every estimator takes the same training settings and has the same fitted
attributes; their numpydoc text is written once here and put into each class
docstring by :func:`fill_doc` at the ``{training}`` and ``{attributes}`` marks.
"""

from __future__ import annotations

__all__ = ["fill_doc"]

TRAINING_DOC = """
    epochs : int, default=50
        Passes over the training rows (more with ``warm_start=True``: each fit
        adds ``epochs``).
    batch_size : int, default=32
        Windows per gradient step. Predictions run in fixed chunks of 128
        rows (up to 1,024 for small networks on short windows), so a row's
        prediction never depends on the rows predicted beside it.
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

ATTRIBUTES_DOC = """
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


def fill_doc(cls):
    """Put the shared sections into the docstring of ``cls``; return ``cls``."""
    training = TRAINING_DOC.lstrip("\n")
    if "\n    epochs : " in cls.__doc__:
        # The class documents its own epochs (another default).
        start = training.index("    epochs : ")
        training = training[:start] + training[training.index("    batch_size : ") :]
    cls.__doc__ = cls.__doc__.replace("    {training}\n", training)
    cls.__doc__ = cls.__doc__.replace("    {attributes}\n", ATTRIBUTES_DOC)
    return cls
