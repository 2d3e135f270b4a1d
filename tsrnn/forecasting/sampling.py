"""Sampled futures of a fitted forecaster, and quantiles read from them.

A forecaster whose estimator forecasts a predictive distribution (declared by
``forecasting_tags(estimator).probabilistic``, e.g.
``RNNRegressor(distribution="normal")``) can draw whole future paths:

- ``strategy="recursive"``: ancestral sampling. Each step is drawn from the
  distribution the one-step network predicts and fed back as the next input,
  for every series and every path at once in one traced loop
  (``estimator.sample_recursive``), so a path's steps depend on each other as
  the data's do.
- ``strategy="direct"``: each step drawn from its own forecast distribution
  (``estimator.sample``); steps are independent given the history.

Draws are made in the model's units and mapped back through the forecaster's
scaler and target transforms path by path, so a ``Log`` transform gives
log-normal paths and a ``Difference`` transform sums each path's own steps:
quantiles of the paths are quantiles of the forecast in original units.

:func:`sample_frame` returns the long frame of :meth:`tsrnn.Forecaster.sample`;
:func:`quantile_frame` the quantiles (or central intervals) of the paths in the
layout of :meth:`tsrnn.Forecaster.predict`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from tsrnn.core.quantiles import requested_quantiles
from tsrnn.core.validation import check_int, message
from tsrnn.estimators.capabilities import forecasting_tags

__all__ = [
    "Paths",
    "check_probabilistic",
    "draw_paths",
    "quantile_frame",
    "sample_frame",
]

PATH_COLUMN = "path"
TIME_COLUMN = "time"  # for a history whose DatetimeIndex has no name


@dataclass(frozen=True)
class Paths:
    """Sampled paths of every series, in original units.

    Attributes
    ----------
    history : History
    ks : ndarray of int, shape (n,)
        Series position of each forecast.
    times : ndarray of datetime64, shape (n, steps)
    values : ndarray of shape (n, steps, n_targets, n_paths)
    """

    history: object
    ks: np.ndarray
    times: np.ndarray
    values: np.ndarray


def draw_paths(
    forecaster,
    history,
    n_paths,
    steps,
    random_state,
    carry_state="auto",
    origins=None,
) -> Paths:
    """Sample ``n_paths`` futures of ``steps`` after the end of every series.

    ``forecaster`` is fitted; ``history`` is a checked History in its layout.
    ``carry_state`` is passed to ``estimator.sample_recursive`` (recursive
    strategy; the direct strategy's steps are drawn independently).
    ``origins`` ``(ks, ps)``: sample after the first ``ps[i]`` rows of series
    ``ks[i]`` instead (one draw per origin, all in one call).
    """
    estimator = forecaster.estimator_
    check_probabilistic(estimator, "sample futures")
    strategy = forecaster._strategy
    if strategy.name not in ("direct", "recursive"):
        raise ValueError(
            message(
                "strategy",
                "'direct' or 'recursive' to sample futures",
                strategy.name,
                "An encoder-decoder has no distribution head.",
            )
        )
    n_paths = check_int("n_paths", n_paths)
    seed = int(check_random_state(random_state).randint(0, 2**31 - 1))
    if origins is None:
        ks = np.arange(len(history.ids), dtype=np.int64)
        ps = np.asarray(history.lengths, dtype=np.int64)
    else:
        ks, ps = (np.asarray(a, dtype=np.int64) for a in origins)
    windows = _origin_windows(forecaster, history, ks, ps, steps)
    X = windows.X.astype(np.float64)
    if strategy.name == "recursive":
        future = windows.X_future
        raw = estimator.sample_recursive(
            X,
            steps,
            n_paths,
            target_index=windows.target_index,
            future=None if future is None else future.astype(np.float64),
            random_state=seed,
            carry_state=carry_state,
        )
    else:
        raw = estimator.sample(X, n_paths, random_state=seed)
        raw = raw.reshape(len(X), -1, len(windows.target_index), n_paths)[:, :steps]
    n, _, n_targets, _ = raw.shape
    # One row per (series, path): every path is mapped back on its own.
    rows = np.moveaxis(raw, -1, 1).reshape(n * n_paths, steps, n_targets)
    series_of_row = np.repeat(np.arange(n), n_paths)
    scaled = windows.inverse_transform_y(
        rows, series_id=np.asarray(windows.series_id)[series_of_row]
    )
    values = forecaster._chains.inverse(
        scaled, history, ks[series_of_row], ps[series_of_row]
    )
    values = np.moveaxis(values.reshape(n, n_paths, steps, n_targets), 1, -1)
    return Paths(history, ks, windows.target_time[:, :steps], values)


def check_probabilistic(estimator, purpose: str) -> None:
    """Raise unless ``estimator`` forecasts a distribution (for ``purpose``)."""
    if not forecasting_tags(estimator).probabilistic:
        raise TypeError(
            f"`estimator` must forecast a distribution to {purpose}. Got "
            f"{type(estimator).__name__} without one. Use "
            "RNNRegressor(distribution='normal') (or 'student_t', "
            "'negative_binomial'), or quantiles=[...] with strategy='direct'."
        )


def _origin_windows(forecaster, history, ks, ps, steps):
    """The last windows before the origins ``ps`` of the series ``ks``."""
    windows, pads = forecaster.origin_windows(history, ks, ps, steps)
    if pads is not None:
        k = int(ks[np.flatnonzero(pads)[0]])
        raise ValueError(
            f"The history{history.label(k)} must have at least input_width rows "
            "to sample from it. Sample the series long enough, or forecast the "
            "short ones with predict."
        )
    return windows


def sample_frame(paths: Paths, id_name=None) -> pd.DataFrame:
    """The long frame of :meth:`tsrnn.Forecaster.sample`.

    One row per series, path and step: the series id (many series only, named
    ``id_name``), the timestamp (named as in the history, or ``time``), ``path``
    (0 ... n_paths - 1), then one column per target.
    """
    history = paths.history
    n, steps, _, n_paths = paths.values.shape
    panel = history.panel
    times = panel.local_index(np.repeat(paths.times[:, None, :], n_paths, 1).ravel())
    columns = {}
    if history.long:
        # Index.take copies typed values (an Arrow take for string ids): 3x
        # faster than a repeated object array for millions of rows.
        ids = pd.Index(history.ids[paths.ks])
        columns[id_name] = ids.take(np.repeat(np.arange(n), n_paths * steps))
    columns[TIME_COLUMN if panel.time_name is None else panel.time_name] = times
    columns[PATH_COLUMN] = np.tile(np.repeat(np.arange(n_paths), steps), n)
    ordered = np.moveaxis(paths.values, -1, 1)  # (n, n_paths, steps, k)
    for j, target in enumerate(history.targets):
        columns[target] = ordered[..., j].ravel()
    return pd.DataFrame(columns)


def quantile_frame(
    paths: Paths, *, quantiles=None, level=None, id_name=None, adjust=None
) -> pd.DataFrame:
    """Quantiles or central intervals of the paths, laid out as ``predict``.

    Indexed by the future timestamps (a MultiIndex (series, time) for many
    series). With ``quantiles``: the mean path of each target, then a column
    ``{target}_q{q}`` per level; with ``level`` (percent): the mean, then
    ``{target}_lower_{level}`` and ``{target}_upper_{level}`` per level.
    ``adjust(probabilities, quantiles, values)``: a function that corrects
    the quantiles (q, n, steps, n_targets) of the paths ``values``; see
    :mod:`tsrnn.forecasting.recalibration`.
    """
    probabilities, names = requested_quantiles(quantiles, level)
    history = paths.history
    values = paths.values
    steps = values.shape[1]
    columns = {}
    mean = values.mean(axis=-1)
    found = np.quantile(values, probabilities, axis=-1)  # (q, n, steps, k)
    if adjust is not None:
        found = adjust(probabilities, found, values)
    for j, target in enumerate(history.targets):
        columns[target] = mean[..., j].ravel()
    for j, target in enumerate(history.targets):
        for i, name in enumerate(names):
            columns[f"{target}_{name}"] = found[i, ..., j].ravel()
    panel = history.panel
    times = panel.local_index(paths.times.ravel())
    if history.long:
        index = pd.MultiIndex.from_arrays(
            [np.repeat(history.ids[paths.ks], steps), times],
            names=[id_name, panel.time_name],
        )
    else:
        index = pd.DatetimeIndex(times, name=panel.time_name)
    return pd.DataFrame(columns, index=index)
