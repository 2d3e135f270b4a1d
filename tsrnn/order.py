"""Does a model use the order of time steps? Score it with the order changed.

A recurrent network reads a window step by step, so its answer can depend on
*where* a value sits; a dense network on flattened windows sees an unordered
list of inputs that it learns position by position. :func:`order_sensitivity`
makes that difference measurable: it trains each model again on windows whose
time steps were permuted and reports the scores side by side::

    condition              train windows           test windows
    original               as given                as given
    fixed_permutation      steps reordered by one  the same permutation
                           permutation `p`
    shuffled_per_window    each window its own     each window its own
                           random order            random order
    <length name>          (model of `original`)   windows of another length
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import keras
import numpy as np
import pandas as pd
import tensorflow as tf
from sklearn.base import clone

from tsrnn.core.validation import as_float_array, check_int
from tsrnn.estimators.training import quiet_retracing

__all__ = ["order_sensitivity"]

CONDITIONS = ("original", "fixed_permutation", "shuffled_per_window")

# name -> (score function, greater is better)
_METRICS = {
    "mse": (lambda y, p: float(np.mean((y - p) ** 2)), False),
    "mae": (lambda y, p: float(np.mean(np.abs(y - p))), False),
    "accuracy": (None, True),
}

# What a model that cannot take another window length raises from predict.
_SHAPE_ERRORS = (ValueError, TypeError, tf.errors.InvalidArgumentError)


def order_sensitivity(
    models: Mapping[str, object],
    X_train,
    y_train,
    X_test,
    y_test,
    *,
    metric: str | Callable = "mse",
    seed: int = 0,
    fit_kwargs: Mapping | None = None,
    lengths: Mapping[str, tuple] | None = None,
) -> pd.DataFrame:
    """Score models trained and tested with the order of time steps changed.

    Each model is trained three times from the same seed, once per condition,
    and scored on the test windows of that condition; the model of
    ``original`` is also scored on the windows of ``lengths``.

    Parameters
    ----------
    models : dict of str to factory or estimator
        Either a factory, a callable with no argument that returns a fresh
        compiled Keras model (for example ``lambda: compile_model(build_rnn(
        (None, 1), 1, units=8))``), or a scikit-learn style estimator with
        ``fit`` and ``predict``, which is copied with ``sklearn.base.clone`` for
        each condition. The keys name the rows of the result.
    X_train, X_test : array-like of shape (n, timesteps, F) or (n, timesteps)
        Training and test input windows with the same ``timesteps`` and ``F``.
        2-D arrays are read as one feature.
    y_train, y_test : array-like of shape (n, ...)
        Targets, passed to ``fit`` and to the metric unchanged (class labels,
        one-hot rows or forecast windows). Only the inputs are reordered.
    metric : {"mse", "mae", "accuracy"} or callable, default="mse"
        Score of the test predictions. ``"mse"`` and ``"mae"`` compare
        predictions reshaped to ``y_test``'s shape. ``"accuracy"`` reads class
        scores of shape (n, k > 1) by their argmax and one column of scores
        as probabilities (``>= 0.5``) when all lie in [0, 1], else as logits
        (``> 0``); integer-valued predictions are labels; one-hot targets are
        read by their argmax. A callable ``metric(y_true, y_pred) -> float``
        gets the raw predictions.
    seed : int, default=0
        Seeds the permutations and, before each model is built and trained,
        ``keras.utils.set_random_seed`` (which seeds Python, numpy and
        TensorFlow globally) and every ``random_state`` parameter an estimator
        leaves at ``None`` (nested ones too): a re-run gives the same table.
    fit_kwargs : dict or None, default=None
        Keyword arguments for the ``fit`` of every Keras model built by a
        factory (``epochs``, ``batch_size``...), with ``verbose=0`` unless
        given. Estimators are fitted with ``fit(X, y)``: their settings are
        their parameters, as in scikit-learn.
    lengths : dict of str to (X, y) or None, default=None
        Windows of other lengths, such as ``{"longer": (X_long, y_long),
        "shorter": (X_short, y_short)}``, with ``F`` features. Each adds a
        column scored with the model trained in ``original``.

    Returns
    -------
    pandas.DataFrame
        One row per model (index ``model``), one column per condition:

        ``original``
            The usual test score.
        ``fixed_permutation``
            The score after training and testing on windows whose steps are
            all reordered by one random permutation (never the identity, for
            two or more steps). A model that ignores adjacency, such as a dense
            network, learns the same function with its inputs relabelled: its
            score stays at ``original`` (up to training noise). A recurrent
            model must now carry information across the scrambled positions:
            it usually loses some of its score.
        ``shuffled_per_window``
            The score after training and testing on windows whose steps are
            shuffled independently, so that position carries no information.
            It is what a model can get from the window's *set* of values; the
            gap from ``original`` is how much the task, and the model, use the
            order. A recurrent model's ``original`` score beating every
            model's ``shuffled_per_window`` score shows that it learned from
            order.
        one column per key of ``lengths``
            The score of the ``original`` model on windows of that length; NaN
            when the model cannot take them (a dense model is built for one
            length), with the reason in ``not_scored``.
        ``not_scored``
            Why a score is NaN (``"<column>: <error>"``, joined by ``"; "``),
            or an empty string.

        ``attrs`` holds ``metric`` (its name), ``greater_is_better`` (None for
        a callable), ``seed`` and ``permutation`` (the fixed permutation, as a
        list: step ``j`` of a permuted window is step ``permutation[j]`` of
        the original).

    Raises
    ------
    TypeError
        If a model is neither a factory nor an estimator (a built Keras model
        must be wrapped in a factory: each condition needs a fresh one).
    ValueError
        If the windows' shapes disagree, or a name or metric is unknown.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import FunctionTransformer
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 6, 1))
    >>> y = X[:, -1, 0] - X[:, -2, 0]          # depends on the order
    >>> flat = FunctionTransformer(lambda X: X.reshape(len(X), -1))
    >>> table = order_sensitivity(
    ...     {"linear": make_pipeline(flat, LinearRegression())},
    ...     X[:150], y[:150], X[150:], y[150:],
    ... )
    >>> table[["original", "fixed_permutation"]].round(6).to_numpy().tolist()
    [[0.0, 0.0]]
    >>> bool(table.loc["linear", "shuffled_per_window"] > 0.5)
    True
    """
    models = _check_models(models)
    X_train = _check_windows("X_train", X_train)
    X_test = _check_windows("X_test", X_test)
    if X_test.shape[1:] != X_train.shape[1:]:
        raise ValueError(
            "`X_test` must have the (timesteps, features) of X_train, "
            f"{X_train.shape[1:]}. Got X_test with shape {X_test.shape}. Pass "
            "windows of other lengths in `lengths`."
        )
    y_train = _check_targets("y_train", y_train, X_train, "X_train")
    y_test = _check_targets("y_test", y_test, X_test, "X_test")
    score, greater_is_better, metric_name = _check_metric(metric)
    seed = check_int("seed", seed, minimum=0)
    fit_kwargs = _check_fit_kwargs(fit_kwargs)
    lengths = _check_lengths(lengths, X_train.shape[2])

    rng = np.random.default_rng(seed)
    timesteps = X_train.shape[1]
    permutation = rng.permutation(timesteps)
    while timesteps > 1 and np.array_equal(permutation, np.arange(timesteps)):
        permutation = rng.permutation(timesteps)
    data = {
        "original": (X_train, X_test),
        "fixed_permutation": (X_train[:, permutation], X_test[:, permutation]),
        "shuffled_per_window": (
            _shuffle_steps(X_train, rng),
            _shuffle_steps(X_test, rng),
        ),
    }

    rows = []
    for spec in models.values():
        row = {}
        reasons = []
        for condition in CONDITIONS:
            train, test = data[condition]
            model = _fit(spec, train, y_train, seed, fit_kwargs)
            row[condition] = score(y_test, _predict(model, test))
            if condition != "original":
                continue
            for length_name, (X_other, y_other) in lengths.items():
                try:
                    prediction = _predict(model, X_other)
                except _SHAPE_ERRORS as error:
                    row[length_name] = np.nan
                    reasons.append(
                        f"{length_name}: {_length_reason(model, X_other, error)}"
                    )
                else:
                    row[length_name] = score(y_other, prediction)
        row["not_scored"] = "; ".join(reasons)
        rows.append(row)

    columns = [*CONDITIONS, *lengths, "not_scored"]
    table = pd.DataFrame(rows, index=pd.Index(list(models), name="model"))
    table = table[columns]
    table.attrs.update(
        metric=metric_name,
        greater_is_better=greater_is_better,
        seed=seed,
        permutation=permutation.tolist(),
    )
    return table


def _shuffle_steps(X: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    order = np.argsort(rng.random(X.shape[:2]), axis=1)
    return np.take_along_axis(X, order[:, :, None], axis=1)


def _is_estimator(spec) -> bool:
    return all(hasattr(spec, attr) for attr in ("fit", "predict", "get_params"))


def _fit(spec, X, y, seed: int, fit_kwargs: dict):
    keras.utils.set_random_seed(seed)
    if _is_estimator(spec):
        model = clone(spec)
        unseeded = {
            key: seed
            for key, value in model.get_params().items()
            if (key == "random_state" or key.endswith("__random_state"))
            and value is None
        }
        if unseeded:
            model.set_params(**unseeded)
        return model.fit(X, y)
    model = spec()
    if not isinstance(model, keras.Model):
        raise TypeError(
            "A model factory must return a compiled keras.Model. Got "
            f"{type(model).__name__} from {spec!r}."
        )
    model.fit(X, y, **{"verbose": 0, **fit_kwargs})
    return model


def _predict(model, X):
    if not isinstance(model, keras.Model):
        return model.predict(X)
    built_for = model.inputs[0].shape[1]
    if built_for is not None and built_for != X.shape[1]:
        # Checked here rather than left to TensorFlow, which would log a C++
        # "matrix size-incompatible" line to stderr before raising.
        raise ValueError(
            f"`X` must have {built_for} time steps for this model. Got {X.shape[1]}."
        )
    # Windows of several lengths each trace predict anew; that is expected here.
    with quiet_retracing():
        return model.predict(X, verbose=0)


def _length_reason(model, X, error: Exception) -> str:
    steps = X.shape[1]
    if isinstance(model, keras.Model):
        built_for = model.inputs[0].shape[1]
        if built_for is not None and built_for != steps:
            return f"the model takes windows of exactly {built_for} steps, not {steps}"
    text = str(error).strip()
    first_line = text.splitlines()[0] if text else ""
    return (
        f"cannot take windows of {steps} steps ({type(error).__name__}: {first_line})"
    )


def _accuracy(y_true, y_pred) -> float:
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.ndim >= 2 and y_true.shape[-1] > 1:
        y_true = y_true.argmax(axis=-1)
    if y_pred.dtype.kind == "f":
        if y_pred.ndim >= 2 and y_pred.shape[-1] > 1:
            y_pred = y_pred.argmax(axis=-1)
        elif not np.array_equal(y_pred, np.round(y_pred)):
            in_unit = np.all((y_pred >= 0) & (y_pred <= 1))
            y_pred = (y_pred >= 0.5 if in_unit else y_pred > 0).astype(np.int64)
    y_true, y_pred = y_true.reshape(-1), y_pred.reshape(-1)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"Predictions must give one label per target. Got {y_pred.size} "
            f"predicted labels for {y_true.size} targets."
        )
    return float(np.mean(y_true == y_pred))


def _check_metric(metric):
    if callable(metric):
        name = getattr(metric, "__name__", repr(metric))
        return (lambda y, p: float(metric(y, p))), None, name
    if isinstance(metric, str) and metric in _METRICS:
        function, greater_is_better = _METRICS[metric]
        if function is None:
            return _accuracy, greater_is_better, metric
        return _regression_score(function), greater_is_better, metric
    raise ValueError(
        f"`metric` must be one of {sorted(_METRICS)} or a callable "
        f"metric(y_true, y_pred). Got metric={metric!r}."
    )


def _regression_score(function):
    def score(y_true, y_pred):
        y_true = np.asarray(y_true, dtype=np.float64)
        y_pred = np.asarray(y_pred, dtype=np.float64)
        if y_pred.size != y_true.size:
            raise ValueError(
                f"Predictions must match y's size. Got predictions of shape "
                f"{y_pred.shape} for targets of shape {y_true.shape}."
            )
        return function(y_true, y_pred.reshape(y_true.shape))

    return score


def _check_models(models) -> dict:
    if not isinstance(models, Mapping) or not models:
        raise TypeError(
            "`models` must be a non-empty dict of name to model factory or "
            f"estimator. Got models={models!r}."
        )
    for name, spec in models.items():
        if not isinstance(name, str):
            raise TypeError(f"`models` keys must be str. Got key {name!r}.")
        if isinstance(spec, keras.Model):
            raise TypeError(
                f"`models[{name!r}]` must be a factory or an estimator, not a "
                "built keras.Model: each condition trains a fresh model. Pass "
                "`lambda: compile_model(build_rnn(...))` instead."
            )
        if not (_is_estimator(spec) or callable(spec)):
            raise TypeError(
                f"`models[{name!r}]` must be a callable returning a compiled "
                "keras.Model or an estimator with fit, predict and get_params. "
                f"Got models[{name!r}]={spec!r}."
            )
    return dict(models)


def _check_windows(name: str, X) -> np.ndarray:
    X = as_float_array(name, X, ndim=(2, 3))
    if X.ndim == 2:
        X = X[:, :, None]
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(
            f"`{name}` must hold at least one window of one step. Got {name} "
            f"with shape {X.shape}."
        )
    return X


def _check_targets(name: str, y, X: np.ndarray, x_name: str) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim == 0 or len(y) != len(X):
        raise ValueError(
            f"`{name}` must have one row per window of {x_name} ({len(X)}). "
            f"Got {name} with shape {y.shape}."
        )
    return y


def _check_fit_kwargs(fit_kwargs) -> dict:
    if fit_kwargs is None:
        return {}
    if not isinstance(fit_kwargs, Mapping):
        raise TypeError(
            f"`fit_kwargs` must be a dict or None. Got fit_kwargs={fit_kwargs!r}."
        )
    return dict(fit_kwargs)


def _check_lengths(lengths, n_features: int) -> dict:
    if lengths is None:
        return {}
    if not isinstance(lengths, Mapping):
        raise TypeError(
            "`lengths` must be a dict of name to (X, y) or None. Got "
            f"lengths={lengths!r}."
        )
    checked = {}
    for name, pair in lengths.items():
        if not isinstance(name, str) or name in (*CONDITIONS, "not_scored"):
            raise ValueError(
                "`lengths` keys must be str other than "
                f"{[*CONDITIONS, 'not_scored']}. Got key {name!r}."
            )
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise TypeError(
                f"`lengths[{name!r}]` must be a pair (X, y). Got "
                f"lengths[{name!r}]={pair!r}."
            )
        x_name = f"lengths[{name!r}][0]"
        X = _check_windows(x_name, pair[0])
        if X.shape[2] != n_features:
            raise ValueError(
                f"`lengths[{name!r}][0]` must have {n_features} features like "
                f"X_train. Got shape {X.shape}."
            )
        y = _check_targets(f"lengths[{name!r}][1]", pair[1], X, x_name)
        checked[name] = (X, y)
    return checked
