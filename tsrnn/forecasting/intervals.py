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

This module imports only numpy.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["check_level", "conformal_quantiles", "min_calibration_size"]


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
