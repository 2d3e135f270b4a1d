"""scikit-learn estimators around the recurrent and dense Keras models.

:class:`~tsrnn.estimators.regressors.RNNRegressor`,
:class:`~tsrnn.estimators.classifiers.RNNClassifier`,
:class:`~tsrnn.estimators.regressors.DenseRegressor` and
:class:`~tsrnn.estimators.classifiers.DenseClassifier` take arrays of windows
and follow the scikit-learn contract (``get_params``/``set_params``, ``clone``,
pipelines, grid search, pickle) and pass its common estimator checks (see
``tests/estimators/test_sklearn_checks.py``).

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

Capabilities
    What an estimator can do for a forecaster (3-D windows, known-future inputs,
    a recursive ``predict_recursive``) is declared in its scikit-learn tags and
    read with :func:`forecasting_tags`, for any regressor.

Modules: ``base`` (the shared abstract estimator), ``regressors`` and
``classifiers`` (the public classes), ``capabilities`` (forecasting tags),
``params`` (declared parameter constraints), ``record`` (the fit record),
``training`` and ``callbacks`` (the Keras training loop), ``persistence``
(pickle, save and load), ``networks`` and ``docstrings`` (private helpers).
Importing this package loads no TensorFlow; the estimator classes do.
"""

from tsrnn.estimators.capabilities import ForecastingTags, forecasting_tags

__all__ = ["ForecastingTags", "forecasting_tags"]
