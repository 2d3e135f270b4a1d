"""Split-conformal prediction intervals, one width per forecast step.

A model fitted on the history without its last rows (the calibration tail)
forecasts from every origin inside the tail. For forecast step ``h`` the
absolute errors ``|y - y_hat|`` of all origins whose step ``h`` is observed form
a sample of size ``n_h``; the interval half-width for step ``h`` is their
``ceil((n_h + 1) * level) / n_h`` empirical quantile (the finite-sample
correction of split-conformal prediction: with exchangeable errors, the
interval ``y_hat +- width`` covers a new value with probability >= ``level``).

Errors are measured in the *level space* of the target: after the leading
increasing elementwise transforms (:class:`~tsrnn.forecasting.transforms.Log`,
:class:`~tsrnn.forecasting.transforms.Scale`) and after differencing has been undone, so
that bounds map back through ``exp``/unscaling exactly (a log transform gives
intervals that grow with the level) and never go through a cumulative sum,
which would not preserve coverage.

:func:`conformal_widths` runs the whole calibration through a forecaster's
public methods (``fit`` on the head of a checked history, ``forecast_paths``
from every origin of the tail); :func:`bounds` turns half-widths into lower and
upper bounds of many forecasts at once.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from sklearn.base import clone

from tsrnn.core.validation import check_int

__all__ = [
    "bounds",
    "calibrate",
    "calibration_rows",
    "check_level",
    "conformal_quantiles",
    "conformal_widths",
    "min_calibration_size",
]


def check_level(level) -> float | None:
    """Validate an interval ``level`` in (0, 1) (None: no intervals)."""
    if level is None:
        return None
    if isinstance(level, bool) or not isinstance(level, numbers.Real):
        raise TypeError(
            f"`level` must be None or a number in (0, 1). Got level={level!r}. "
            "Example: level=0.9 for 90 % intervals."
        )
    if not 0.0 < level < 1.0:
        raise ValueError(
            f"`level` must be strictly between 0 and 1. Got level={level!r}. "
            "Example: level=0.9 for 90 % intervals (not 90)."
        )
    return float(level)


def min_calibration_size(level: float) -> int:
    """Fewest errors for which the conformal quantile at ``level`` is finite.

    >>> min_calibration_size(0.9)
    9
    >>> min_calibration_size(0.95)
    19
    """
    n = 1
    while math.ceil((n + 1) * level) > n:
        n += 1
    return n


def conformal_quantiles(errors: np.ndarray, level: float) -> np.ndarray:
    """Per-step conformal half-widths from absolute errors.

    Parameters
    ----------
    errors : ndarray of shape (n_origins, horizon, ...)
        Absolute errors; NaN where the step of that origin was not observed.
    level : float
        Nominal coverage in (0, 1).

    Returns
    -------
    ndarray of shape (horizon, ...)
        The ``ceil((n + 1) * level)``-th smallest error of each step, over the
        ``n`` observed errors of that step.

    Raises
    ------
    ValueError
        If some step has fewer than :func:`min_calibration_size` errors (the
        quantile would be infinite); the message says how to get more.

    Examples
    --------
    >>> import numpy as np
    >>> errors = np.arange(1.0, 11.0)[:, None]      # 10 origins, 1 step
    >>> conformal_quantiles(errors, 0.9)             # ceil(11 * 0.9) = 10th
    array([10.])
    >>> conformal_quantiles(errors, 0.5)             # ceil(11 * 0.5) = 6th
    array([6.])
    """
    errors = np.asarray(errors, dtype=float)
    observed = np.isfinite(errors)
    counts = observed.sum(axis=0)
    needed = min_calibration_size(level)
    if counts.min() < needed:
        step = int(np.argwhere(counts < needed)[0][0]) + 1
        raise ValueError(
            f"`calibration_size` must give at least {needed} observed errors per "
            f"forecast step for level={level}. Got {int(counts.min())} errors for "
            f"step {step}. Increase calibration_size (each step h gets "
            "calibration_size - h + 1 errors), shorten the horizon, or lower level."
        )
    ranks = np.ceil((counts + 1) * level).astype(int) - 1
    ordered = np.sort(np.where(observed, errors, np.inf), axis=0)
    return np.take_along_axis(ordered, ranks[None, ...], axis=0)[0]


def calibration_rows(calibration_size, horizon: int, level: float) -> int:
    """Rows of the calibration tail: the given size, or the default one.

    The default is ``horizon`` plus twice the fewest errors the conformal
    quantile needs, plus one (55 for ``horizon=36, level=0.9``).
    """
    if calibration_size is None:
        return horizon + 2 * min_calibration_size(level) + 1
    return check_int("calibration_size", calibration_size)


def calibrate(forecaster, history, calibration_size, need: int, transforms) -> dict:
    """Conformal half-widths of a forecaster just fitted on ``history``.

    A clone fitted on the head of the history calibrates; the forecaster keeps
    the model fitted on all of it. ``need`` is the fewest rows a fit needs;
    ``transforms`` (the forecaster's fitted ``SeriesTransforms``) define each
    series' level space.

    Returns
    -------
    dict
        ``series id -> ndarray (horizon, n_targets)``.
    """
    level = check_level(forecaster.level)
    horizon = check_int("horizon", forecaster.horizon)
    size = calibration_rows(calibration_size, horizon, level)
    short = np.flatnonzero(history.lengths - size < need)
    if short.size:
        k = int(short[0])
        raise ValueError(
            "`calibration_size` must leave at least input_width + horizon"
            f" = {need} rows of the history{history.label(k)} for "
            f"training. Got calibration_size={size} with "
            f"{int(history.lengths[k])} rows. Lower calibration_size or "
            "input_width, or pass a longer history."
        )
    widths = conformal_widths(forecaster, history, size, level, transforms)
    return {history.ids[k]: width for k, width in widths.items()}


def conformal_widths(forecaster, history, size: int, level: float, transforms) -> dict:
    """Split-conformal half-widths of ``forecaster`` over a checked history.

    A clone without intervals is fitted on ``history`` less its last ``size``
    rows per series and forecasts ``forecaster.horizon`` steps from every origin
    of that tail; errors are measured in the level space of ``transforms``.

    Returns
    -------
    dict
        ``series position k -> ndarray (horizon, n_targets)``.
    """
    lengths = history.lengths
    head = clone(forecaster).set_params(level=None).fit(history.cut(0, lengths - size))
    origins = [range(n - size, n) for n in lengths]
    paths = head.forecast_paths(history, origins, strict=False)
    predicted = transforms.to_level(paths.values, history, paths.k)
    actual = transforms.to_level(paths.actual(), history, paths.k)
    errors = np.abs(actual - predicted)
    order = np.argsort(paths.k, kind="stable")
    split = np.flatnonzero(np.diff(paths.k[order])) + 1
    return {
        int(paths.k[rows[0]]): conformal_quantiles(errors[rows], level)
        for rows in np.split(order, split)
    }


def bounds(values, widths: dict, history, ks, transforms):
    """Lower and upper bounds around ``values`` (m, steps, n_targets).

    The half-widths ``widths[series id]`` (horizon, n_targets) of series
    ``ks[i]`` apply in its level space and are mapped back, so bounds stay
    ordered and exact under ``Log``/``Scale``.
    """
    steps = values.shape[1]
    width = np.stack([widths[sid][:steps] for sid in history.ids[ks].tolist()])
    center = transforms.to_level(values, history, ks)
    lower = transforms.from_level(center - width, history, ks)
    upper = transforms.from_level(center + width, history, ks)
    return lower, upper
