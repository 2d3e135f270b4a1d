"""Conformal recalibration of sampled quantiles, from the PIT of a held-out tail.

A network that forecasts a distribution is often miscalibrated out of sample:
its 80 % band covers 62 % of the future on one panel and 93 % on another
(``benchmarks/RESULTS.md``, ``probabilistic_panels``). With
``Forecaster(recalibrate=True)`` the forecaster measures this on its own
history and corrects the quantiles of :meth:`tsrnn.Forecaster.predict_quantiles`:

1. A clone is fitted on the history less its last ``calibration_size`` rows
   per series (the calibration tail), exactly as the forecaster itself is
   fitted on all of it.
2. From every origin of the tail whose ``horizon`` steps are all observed,
   the clone samples :data:`CALIBRATION_PATHS` paths, and each observed step
   gets its probability integral transform (PIT): the fraction of paths below
   the value (ties count half). A calibrated model gives uniform PIT values.
3. At prediction, quantile ``q`` of step ``h`` is read from the paths at the
   level ``q'`` found among the PIT values of step ``h`` (pooled over series
   and origins) by the rank of split-conformal prediction: the
   ``ceil((n + 1) q)``-th smallest of the ``n`` values for ``q >= 0.5``, the
   ``floor((n + 1) q)``-th for ``q < 0.5``. With exchangeable PIT values, the
   new value lies below the recalibrated upper quantile with probability at
   least ``q``, and below the recalibrated lower one with probability at most
   ``q``: the central ``1 - 2q`` interval covers at least its nominal share,
   whatever the network's spread was.

This is the quantile recalibration of Kuleshov et al. (2018, "Accurate
uncertainties for deep learning using calibrated regression") with the
finite-sample ranks of split-conformal prediction. It corrects the marginal
calibration of each step (pooled over series), not the calibration of each
series. It recalibrates quantiles and intervals, not the paths of
:meth:`tsrnn.Forecaster.sample`, whose joint law it cannot correct.
"""

from __future__ import annotations

import math

import numpy as np
from sklearn.base import clone

from tsrnn.core.validation import check_int
from tsrnn.forecasting.intervals import min_calibration_size
from tsrnn.forecasting.sampling import draw_paths

__all__ = [
    "CALIBRATION_PATHS",
    "MIN_SCORES",
    "calibrate",
    "pit_values",
    "recalibrated_levels",
    "tail_rows",
]

#: Paths sampled per calibration origin (a PIT resolution of 1/200).
CALIBRATION_PATHS = 200
#: PIT values per step that the default tail aims at: enough for the
#: quantile 0.975 of the 95 % interval to have a finite conformal rank.
MIN_SCORES = min_calibration_size(0.975)


def tail_rows(calibration_size, horizon: int, n_series: int) -> int:
    """Rows of the calibration tail: the given size, or the default one.

    The default gives every series ``ceil(MIN_SCORES / n_series)`` origins
    with all ``horizon`` steps observed: one for a panel of 39 series or more,
    39 for one series.

    >>> tail_rows(None, 18, 500), tail_rows(None, 12, 1)
    (18, 50)
    """
    if calibration_size is None:
        return horizon + math.ceil(MIN_SCORES / n_series) - 1
    size = check_int("calibration_size", calibration_size)
    if size < horizon:
        raise ValueError(
            f"`calibration_size` must be at least horizon = {horizon} with "
            "recalibrate=True (the tail must hold one whole forecast). Got "
            f"calibration_size={size}. Raise it, or leave it None."
        )
    return size


def calibrate(forecaster, history, calibration_size, need: int) -> np.ndarray:
    """PIT values of the calibration tail of a checked ``history``.

    ``forecaster`` is the (unfitted or fitted) forecaster whose clone
    calibrates; ``need`` is the fewest rows a fit needs. Series too short to
    leave ``need`` rows before the tail are left out of the calibration (they
    are still fitted and forecast by the forecaster itself).

    Returns
    -------
    ndarray of shape (n_scores, horizon, n_targets)
        NaN where the observed value was NaN.
    """
    horizon = check_int("horizon", forecaster.horizon)
    lengths = history.lengths
    size = tail_rows(calibration_size, horizon, len(lengths))
    keep = np.flatnonzero(lengths - size >= need)
    if keep.size == 0:
        k = int(np.argmax(lengths))
        raise ValueError(
            "recalibrate=True needs a series with at least input_width + horizon"
            f" = {need} rows before its calibration tail of {size} rows. The "
            f"longest{history.label(k)} has {int(lengths[k])} rows. Lower "
            "calibration_size or input_width, or pass a longer history."
        )
    whole = history.cut(0, lengths[keep], series=keep)
    ends = lengths[keep] - size
    head = clone(forecaster).set_params(level=None, recalibrate=False)
    head.fit(whole.cut(0, ends))
    ks = np.arange(keep.size, dtype=np.int64)
    scores = []
    for j in range(size - horizon + 1):
        # One origin per series and call: each series keeps its own id.
        paths = draw_paths(
            head,
            whole,
            CALIBRATION_PATHS,
            horizon,
            random_state=j,
            origins=(ks, ends + j),
        )
        scores.append(pit_values(paths.values, _observed(whole, ends + j, horizon)))
    return np.concatenate(scores)


def _observed(history, starts, steps: int) -> np.ndarray:
    """Targets of rows ``[starts[k], starts[k] + steps)`` of every series."""
    panel = history.panel
    rows = panel.bounds[:-1, None] + starts[:, None] + np.arange(steps)
    return panel.data[rows][..., : history.n_targets]


def pit_values(paths: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """Share of paths below each observed value, ties counted half.

    ``paths`` (n, steps, n_targets, n_paths), ``actual`` (n, steps,
    n_targets); NaN where ``actual`` is NaN.

    >>> paths = np.arange(10.0).reshape(1, 1, 1, 10)
    >>> pit_values(paths, np.array([[[4.0]]])).item()
    0.45
    """
    below = (paths < actual[..., None]).mean(axis=-1)
    tied = (paths == actual[..., None]).mean(axis=-1)
    return np.where(np.isnan(actual), np.nan, below + tied / 2)


def recalibrated_levels(pit: np.ndarray, probabilities) -> np.ndarray:
    """Levels to read from the paths for each probability, step and target.

    ``pit`` (n_scores, steps, n_targets), NaN ignored. Returns an array of
    shape (len(probabilities), steps, n_targets): for ``q >= 0.5`` the
    ``ceil((n + 1) q)``-th smallest PIT value of the step (1.0, the largest
    path, when that rank exceeds ``n``), for ``q < 0.5`` the
    ``floor((n + 1) q)``-th (0.0 when it is below 1).

    Values that fall among the lower paths (the paths run high) move every
    quantile down:

    >>> pit = np.linspace(0.01, 0.6, 19)[:, None, None]
    >>> recalibrated_levels(pit, [0.1, 0.5, 0.9])[:, 0, 0].round(3).tolist()
    [0.043, 0.305, 0.567]
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    ordered = np.sort(pit, axis=0)  # NaN last
    counts = np.isfinite(pit).sum(axis=0)  # (steps, n_targets)
    q = probabilities[:, None, None]
    ranks = np.where(
        q >= 0.5, np.ceil((counts + 1) * q), np.floor((counts + 1) * q)
    ).astype(np.int64)
    index = np.clip(ranks - 1, 0, max(len(pit) - 1, 0))
    found = np.take_along_axis(ordered[None], index[:, None], axis=1)[:, 0]
    return np.where(ranks < 1, 0.0, np.where(ranks > counts, 1.0, found))
