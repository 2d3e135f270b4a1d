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
from every origin of the tail); :func:`add_bounds` turns half-widths into the
``{target}_lower`` / ``{target}_upper`` columns of a forecast.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from sklearn.base import clone

from tsrnn.core.validation import check_int

__all__ = [
    "add_bounds",
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


def calibrate(forecaster, history, calibration_size, need: int, chains) -> dict:
    """Conformal half-widths of a forecaster just fitted on ``history``.

    A clone fitted on the head of the history calibrates; the forecaster keeps
    the model fitted on all of it. ``need`` is the fewest rows a fit needs,
    ``chains[k]`` the fitted transforms of series ``k`` (their level space).

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
    widths = conformal_widths(
        forecaster,
        history,
        size,
        level,
        [chains[k].to_level for k in range(len(history.ids))],
    )
    return {history.ids[k]: width for k, width in widths.items()}


def conformal_widths(forecaster, history, size: int, level: float, to_level) -> dict:
    """Split-conformal half-widths of ``forecaster`` over a checked history.

    A clone without intervals is fitted on ``history`` less its last ``size``
    rows per series and forecasts ``forecaster.horizon`` steps from every origin
    of that tail; errors are measured in the level space (``to_level[k]`` maps
    a frame of series ``k`` there).

    Returns
    -------
    dict
        ``series position k -> ndarray (horizon, n_targets)``.
    """
    lengths = history.lengths
    head = clone(forecaster).set_params(level=None).fit(history.cut(0, lengths - size))
    origins = [range(n - size, n) for n in lengths]
    paths = head.forecast_paths(history, origins, strict=False)
    targets = list(history.targets)
    errors: dict = {k: [] for k in range(len(lengths))}
    frames = {}
    for path in paths:
        if path.k not in frames:
            frames[path.k] = history.frame(path.k, targets)
        actual = frames[path.k].reindex(path.frame.index)
        level_space = to_level[path.k]
        gap = np.abs(level_space(actual) - level_space(path.frame[targets]))
        errors[path.k].append(gap.to_numpy(dtype=float))
    return {k: conformal_quantiles(np.stack(e), level) for k, e in errors.items()}


def add_bounds(frame, width: np.ndarray, targets, to_level, from_level):
    """``frame`` with ``{target}_lower`` and ``{target}_upper`` columns added.

    The half-widths ``width`` (steps, n_targets) are applied in the level space
    and mapped back, so bounds stay ordered and exact under ``Log``/``Scale``.
    """
    width = width[: len(frame)]
    center = to_level(frame[list(targets)])
    lower = from_level(center - width)
    upper = from_level(center + width)
    out = frame.copy()
    for name in targets:
        out[f"{name}_lower"] = lower[name].to_numpy()
        out[f"{name}_upper"] = upper[name].to_numpy()
    return out
