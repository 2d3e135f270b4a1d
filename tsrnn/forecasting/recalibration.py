"""Conformal recalibration of sampled quantiles, from a held-out tail.

A network that forecasts a distribution is often miscalibrated out of sample:
its 80 % band covers 62 % of the future on one panel and 93 % on another
(``benchmarks/RESULTS.md``, ``probabilistic_panels``). With
``Forecaster(recalibrate=True)`` the forecaster measures this on its own
history and corrects the quantiles of :meth:`tsrnn.Forecaster.predict_quantiles`
by conformalized quantile regression (CQR; Romano, Patterson and Candès,
2019), one correction per quantile level and forecast step:

1. A clone is fitted on the history less its last ``calibration_size`` rows
   per series (the calibration tail), exactly as the forecaster itself is
   fitted on all of it. Series with fewer than ``input_width + horizon`` rows
   (plus the lags of a ``Difference``) before the tail take no part; they are
   still fitted and forecast.
2. From every origin of the tail whose ``horizon`` steps are all observed,
   the clone samples :data:`CALIBRATION_PATHS` paths and reads their
   quantiles at the levels of :data:`GRID`. For each observed value ``y``
   and level ``g`` the score is ``(y - q_g) / s``: the miss of the quantile,
   in the *level space* of the target (after ``Log`` and ``Scale``, before a
   ``Difference`` is undone, as for :mod:`tsrnn.forecasting.intervals`) and
   in units of ``s``, the spread of the paths there (the distance between
   their quartiles), so that series of every size, and models of every
   spread, pool together.
3. The correction of level ``g`` at step ``h`` is the split-conformal
   quantile of the scores of that step, pooled over series and origins: the
   ``ceil((n + 1) g)``-th smallest of the ``n`` scores for ``g >= 0.5``, the
   ``floor((n + 1) g)``-th for ``g < 0.5`` (the largest or smallest score
   where that rank falls outside ``1 ... n``). With exchangeable scores, the
   new value lies below the corrected upper quantile with probability at
   least ``g`` and below the corrected lower one with probability at most
   ``g``: a central interval covers at least its nominal share, whatever the
   network's spread was.
4. :meth:`~tsrnn.Forecaster.predict_quantiles` adds ``correction * s`` to
   each sampled quantile in the level space (the correction interpolated
   between the levels of :data:`GRID`, ``s`` the spread of the forecast's
   own paths) and maps it back; quantiles are then sorted so they never
   cross.

Corrections are additive in the level space, in units of the paths' own
spread: a model whose bands are twice too wide gets them halved, as a
remapping of quantile levels would, but a band that must reach beyond the
paths is extended by a multiple of their spread instead of being read from
the few most extreme draws (which a heavy tail through ``exp`` makes
enormous). Measured on an undertrained network in
``tests/forecasting/test_recalibration.py``, and on real panels in
``benchmarks/RESULTS.md`` (``calibration_backtest``). The corrections
restore the calibration of each step pooled over series, not of each
series, and of the quantiles and intervals only: the paths of
:meth:`tsrnn.Forecaster.sample` are the network's own draws.
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
    "GRID",
    "MIN_SCORES",
    "calibrate",
    "conformal_corrections",
    "corrected_quantiles",
    "tail_rows",
]

#: Paths sampled per calibration origin.
CALIBRATION_PATHS = 200
#: Quantile levels that get their own correction; others are interpolated.
GRID = (
    0.005,
    0.01,
    0.025,
    *(round(0.05 * i, 2) for i in range(1, 20)),
    0.975,
    0.99,
    0.995,
)
#: Scores per step that the default tail aims at: enough for the level 0.975
#: of the 95 % interval to have a conformal rank inside the scores.
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
    """Conformal corrections from the calibration tail of a checked ``history``.

    ``forecaster`` is the forecaster whose clone calibrates (its parameters
    only are read); ``need`` is the fewest rows a fit needs.

    Returns
    -------
    ndarray of shape (len(GRID), horizon, n_targets)
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
    chains = head._chains
    ks = np.arange(keep.size, dtype=np.int64)
    scores = []
    for j in range(size - horizon + 1):
        origins = ends + j
        # One origin per series and call: each series keeps its own id.
        paths = draw_paths(
            head,
            whole,
            CALIBRATION_PATHS,
            horizon,
            random_state=j,
            origins=(ks, origins),
        )
        found = np.quantile(paths.values, GRID, axis=-1)  # (g, m, h, k)
        level = _level(chains, found, whole, ks)
        actual = chains.to_level(_observed(whole, origins, horizon), whole, ks)
        spread = level[GRID.index(0.75)] - level[GRID.index(0.25)]
        scores.append((actual - level) / _positive(spread))
    return conformal_corrections(np.concatenate(scores, axis=1), GRID)


def conformal_corrections(scores: np.ndarray, levels) -> np.ndarray:
    """Split-conformal quantile of the scores of each level, step and target.

    ``scores`` (len(levels), n, steps, n_targets), NaN ignored. For level
    ``g >= 0.5`` the ``ceil((n + 1) g)``-th smallest score of the step, for
    ``g < 0.5`` the ``floor((n + 1) g)``-th; a rank outside ``1 ... n`` takes
    the nearest end (the largest or smallest score).

    >>> scores = np.arange(1.0, 20.0).reshape(1, 19, 1, 1)   # 19 scores 1 ... 19
    >>> conformal_corrections(np.repeat(scores, 3, axis=0), [0.1, 0.5, 0.9]).ravel()
    array([ 2., 10., 18.])
    """
    levels = np.asarray(levels, dtype=np.float64)[:, None, None]
    counts = np.isfinite(scores).sum(axis=1)  # (g, steps, k)
    ranks = np.where(
        levels >= 0.5,
        np.ceil((counts + 1) * levels),
        np.floor((counts + 1) * levels),
    ).astype(np.int64)
    index = np.clip(ranks, 1, np.maximum(counts, 1)) - 1
    ordered = np.sort(scores, axis=1)  # NaN last
    found = np.take_along_axis(ordered, index[:, None], axis=1)[:, 0]
    return np.where(counts > 0, found, 0.0)


def corrected_quantiles(corrections, chains, history, ks, probabilities, found, paths):
    """Sampled quantiles ``found`` (q, n, steps, k) with the corrections added.

    ``probabilities`` are the levels of ``found``, ``paths`` (n, steps, k,
    n_paths) the draws they were read from; forecast ``i`` is of series
    ``ks[i]`` of ``history``.
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    steps = found.shape[2]
    shift = np.stack(
        [
            [np.interp(probabilities, GRID, column) for column in step.T]
            for step in corrections[:, :steps].transpose(1, 0, 2)
        ]
    )  # (steps, k, q)
    shift = np.moveaxis(shift, -1, 0)  # (q, steps, k)
    quartiles = np.quantile(paths, [0.25, 0.75], axis=-1)
    quartiles = _level(chains, quartiles, history, ks)
    spread = _positive(quartiles[1] - quartiles[0])
    level = _level(chains, found, history, ks) + shift[:, None] * spread
    back = _level(chains, level, history, ks, inverse=True)
    # Corrections interpolated between levels may cross: sort them back.
    order = np.argsort(probabilities, kind="stable")
    back[order] = np.sort(back[order], axis=0)
    return back


def _positive(spread: np.ndarray) -> np.ndarray:
    """Spreads (n, steps, k) with the zero or undefined ones replaced.

    A spread of zero (paths that all agree, as counts can) takes the median of
    the positive spreads of its step and target, or 1 if there is none.
    """
    good = np.isfinite(spread) & (spread > 0)
    fallback = np.ones(spread.shape[1:])
    for index in np.ndindex(*spread.shape[1:]):
        column, ok = spread[(slice(None), *index)], good[(slice(None), *index)]
        if ok.any():
            fallback[index] = np.median(column[ok])
    return np.where(good, spread, fallback)


def _level(chains, found, history, ks, *, inverse=False) -> np.ndarray:
    """Quantiles (q, n, steps, k) of the series ``ks`` to the level space.

    ``inverse``: back from it.
    """
    q, n = found.shape[:2]
    tiled = np.tile(np.asarray(ks), q)
    method = chains.from_level if inverse else chains.to_level
    level = method(found.reshape(q * n, *found.shape[2:]), history, tiled)
    return level.reshape(found.shape)


def _observed(history, starts, steps: int) -> np.ndarray:
    """Targets of rows ``[starts[k], starts[k] + steps)`` of every series."""
    panel = history.panel
    rows = panel.bounds[:-1, None] + starts[:, None] + np.arange(steps)
    return panel.data[rows][..., : history.n_targets]
