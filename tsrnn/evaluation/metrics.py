"""Forecast accuracy metrics on numpy arrays or pandas objects.

Every metric averages over all elements it is given (time steps, series and
columns alike) and returns a Python ``float``. Percentage metrics return
fractions, not percents: a MAPE of ``0.1319`` is 13.19 %.

Inputs are checked before anything is computed: both arguments must have the
same shape (pandas objects must also share their index), hold numbers and be
finite. This module imports only numpy and pandas.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tsrnn.core.quantiles import check_levels, check_quantiles
from tsrnn.core.validation import as_float_array, check_int, message

__all__ = [
    "crps_from_quantiles",
    "crps_from_samples",
    "interval_coverage",
    "mae",
    "mape",
    "mase",
    "mean_interval_width",
    "msis",
    "pinball_loss",
    "rmse",
    "smape",
    "weighted_quantile_loss",
]


def _as_values(name: str, data) -> np.ndarray:
    if isinstance(data, pd.DataFrame | pd.Series):
        data = data.to_numpy()
    array = as_float_array(name, data, ndim=None)
    if array.size == 0:
        raise ValueError(
            f"`{name}` must not be empty. Got {name} with shape {array.shape}."
        )
    finite = np.isfinite(array)
    if not finite.all():
        position = tuple(int(i) for i in np.argwhere(~finite)[0])
        raise ValueError(
            f"`{name}` must be finite. Got {name} with value "
            f"{array[position]!r} at position {position}. Drop or fill missing "
            "values before scoring."
        )
    return array


def _check_pair(names: tuple[str, ...], *data) -> list[np.ndarray]:
    """Convert arrays that must match in shape (and index, when pandas)."""
    first_pandas = None
    for name, item in zip(names, data, strict=True):
        if isinstance(item, pd.DataFrame | pd.Series):
            if first_pandas is None:
                first_pandas = (name, item)
            elif not item.index.equals(first_pandas[1].index):
                raise ValueError(
                    f"`{name}` must share the index of `{first_pandas[0]}`. Got "
                    f"{name} indexed {item.index[:3].tolist()}... and "
                    f"{first_pandas[0]} indexed {first_pandas[1].index[:3].tolist()}"
                    "... Align them first, e.g. `y_pred.reindex(y_true.index)`."
                )
    arrays = [_as_values(name, item) for name, item in zip(names, data, strict=True)]
    shape = arrays[0].shape
    for name, array in zip(names[1:], arrays[1:], strict=True):
        if array.shape != shape:
            raise ValueError(
                f"`{name}` must have the shape of `{names[0]}`. Got "
                f"{names[0]} with shape {shape} and {name} with shape "
                f"{array.shape}."
            )
    return arrays


def _errors(
    y_true: np.ndarray, y_pred: np.ndarray, names=("y_true", "y_pred")
) -> np.ndarray:
    """``y_true - y_pred``, refusing a difference too large for float64."""
    with np.errstate(over="ignore", invalid="ignore"):
        error = y_true - y_pred
    overflow = ~np.isfinite(error)
    if overflow.any():
        position = tuple(int(i) for i in np.argwhere(overflow)[0])
        first, second = names
        a, b = float(y_true[position]), float(y_pred[position])
        raise ValueError(
            f"`{first} - {second}` must be finite in float64. Got {first}={a!r} "
            f"and {second}={b!r} at position {position}, whose difference "
            "overflows. Rescale the data (divide every argument by the same "
            "constant) before scoring."
        )
    return error


def _mean_abs(values: np.ndarray) -> float:
    """``mean(|values|)``, scaled by the largest value when the sum overflows."""
    with np.errstate(over="ignore"):
        plain = float(np.mean(np.abs(values)))
    if np.isfinite(plain):
        return plain
    largest = float(np.max(np.abs(values)))
    return largest * float(np.mean(np.abs(values) / largest))


def _root_mean_square(values: np.ndarray) -> float:
    """``sqrt(mean(values ** 2))``, scaled by the largest value on overflow."""
    with np.errstate(over="ignore"):
        plain = float(np.sqrt(np.mean(values**2)))
    if np.isfinite(plain):
        return plain
    largest = float(np.max(np.abs(values)))
    return largest * float(np.sqrt(np.mean((values / largest) ** 2)))


def mae(y_true, y_pred) -> float:
    """Mean absolute error.

    Examples
    --------
    >>> mae([1.0, 2.0, 3.0], [1.5, 2.0, 2.0])
    0.5
    """
    y_true, y_pred = _check_pair(("y_true", "y_pred"), y_true, y_pred)
    return _mean_abs(_errors(y_true, y_pred))


def rmse(y_true, y_pred) -> float:
    """Root mean squared error.

    Examples
    --------
    >>> rmse([0.0, 0.0], [3.0, 4.0])  # sqrt((9 + 16) / 2)
    3.5355339059327378
    """
    y_true, y_pred = _check_pair(("y_true", "y_pred"), y_true, y_pred)
    return _root_mean_square(_errors(y_true, y_pred))


def mape(y_true, y_pred) -> float:
    """Mean absolute percentage error, as a fraction: ``mean(|y - y_hat| / |y|)``.

    Raises
    ------
    ValueError
        If ``y_true`` holds a zero (the percentage is undefined there); the
        message names the first position. Use :func:`smape` or :func:`mase`.

    Examples
    --------
    >>> mape([100.0, 200.0], [110.0, 180.0])
    0.1
    """
    y_true, y_pred = _check_pair(("y_true", "y_pred"), y_true, y_pred)
    zero = y_true == 0
    if zero.any():
        position = tuple(int(i) for i in np.argwhere(zero)[0])
        raise ValueError(
            "`y_true` must be non-zero everywhere for MAPE (it divides by y_true). "
            f"Got y_true == 0 at position {position}. Use smape or mase instead."
        )
    with np.errstate(over="ignore"):
        ratio = _errors(y_true, y_pred) / y_true
    overflow = ~np.isfinite(ratio)
    if overflow.any():
        position = tuple(int(i) for i in np.argwhere(overflow)[0])
        a, b = float(y_true[position]), float(y_pred[position])
        raise ValueError(
            "`(y_true - y_pred) / y_true` must be finite in float64 for MAPE. Got "
            f"y_true={a!r} and y_pred={b!r} at position {position}. Use smape or "
            "mase, which stay bounded."
        )
    return _mean_abs(ratio)


def smape(y_true, y_pred) -> float:
    """Symmetric MAPE, a fraction in [0, 2]: ``mean(2|e| / (|y| + |y_hat|))``.

    A term where both ``y`` and ``y_hat`` are 0 is a perfect forecast and counts 0.

    Examples
    --------
    >>> smape([100.0, 0.0], [100.0, 0.0])
    0.0
    >>> round(smape([100.0], [120.0]), 6)  # 2 * 20 / 220
    0.181818
    """
    y_true, y_pred = _check_pair(("y_true", "y_pred"), y_true, y_pred)
    # Each term is scale-free: dividing y and y_hat by the larger of the two
    # keeps |y - y_hat| and |y| + |y_hat| finite for any finite input.
    scale = np.maximum(np.abs(y_true), np.abs(y_pred))
    nonzero = scale != 0
    a = np.divide(y_true, scale, out=np.zeros_like(y_true), where=nonzero)
    b = np.divide(y_pred, scale, out=np.zeros_like(y_pred), where=nonzero)
    denominator = np.abs(a) + np.abs(b)
    error = 2.0 * np.abs(a - b)
    terms = np.divide(
        error, denominator, out=np.zeros_like(error), where=denominator != 0
    )
    return float(np.mean(terms))


def mase(y_true, y_pred, *, y_train, period: int = 1) -> float:
    """Mean absolute scaled error (Hyndman & Koehler, 2006).

    The MAE of the forecast divided by the in-sample MAE of the seasonal naive
    forecast on ``y_train``: ``mean |y_train[t] - y_train[t - period]|``. Below 1
    means better than the seasonal naive forecast was in-sample.

    Parameters
    ----------
    y_true, y_pred : array-like
        Actual and forecast values, same shape.
    y_train : array-like of shape (T,) or (T, k)
        The history the forecast was made from, in time order (rows are time).
    period : int, default=1
        Seasonal period of the naive scale (1: the naive forecast; 12: monthly data
        with a yearly season).

    Raises
    ------
    ValueError
        If ``y_train`` has no more than ``period`` rows or is constant at lag
        ``period`` (the scale would be zero).

    Examples
    --------
    >>> mase([5.0, 6.0], [5.5, 6.5], y_train=[1.0, 2.0, 3.0, 4.0])
    0.5
    """
    period = check_int("period", period)
    y_true, y_pred = _check_pair(("y_true", "y_pred"), y_true, y_pred)
    scale = _seasonal_scale(y_train, period, "MASE", "Use mae instead.")
    return _mean_abs(_errors(y_true, y_pred)) / scale


def _seasonal_scale(y_train, period: int, metric: str, fix: str) -> float:
    """In-sample MAE of the seasonal naive forecast of ``y_train``."""
    train = _as_values("y_train", y_train)
    if train.shape[0] <= period:
        raise ValueError(
            f"`y_train` must have more than period={period} rows for {metric}. Got "
            f"y_train with {train.shape[0]} rows. Pass a longer history or a "
            "smaller period."
        )
    scale = _mean_abs(
        _errors(train[period:], train[:-period], ("y_train[t]", "y_train[t - period]"))
    )
    if scale == 0:
        raise ValueError(
            f"`y_train` must vary at lag period={period} for {metric} (its seasonal "
            "naive error is the denominator). Got a y_train whose seasonal naive "
            f"error is 0. {fix}"
        )
    return scale


def interval_coverage(y_true, lower, upper) -> float:
    """Fraction of ``y_true`` values inside the closed interval ``[lower, upper]``.

    A well calibrated 90 % prediction interval covers about 0.9 of the actuals.

    Raises
    ------
    ValueError
        On a shape mismatch or if some ``lower`` exceeds its ``upper``.

    Examples
    --------
    >>> interval_coverage([1.0, 2.0, 3.0, 4.0], [0, 0, 0, 0], [2, 2, 2, 2])
    0.5
    """
    y_true, lower, upper = _check_bounds(y_true, lower, upper)
    return float(np.mean((y_true >= lower) & (y_true <= upper)))


def _check_bounds(y_true, lower, upper) -> list[np.ndarray]:
    y_true, lower, upper = _check_pair(
        ("y_true", "lower", "upper"), y_true, lower, upper
    )
    crossed = lower > upper
    if crossed.any():
        position = tuple(int(i) for i in np.argwhere(crossed)[0])
        raise ValueError(
            "`lower` must be <= `upper` everywhere. Got lower="
            f"{lower[position]!r} > upper={upper[position]!r} at position "
            f"{position}. Check that the bounds are not swapped."
        )
    return [y_true, lower, upper]


# ------------------------------------------------------------ probabilistic
#
# Quantile forecasts and samples carry one more axis than ``y_true``, last:
# ``y_quantiles[..., j]`` is the forecast quantile ``quantiles[j]`` and
# ``samples[..., i]`` the ``i``-th draw of the predictive distribution.


def _check_draws(y_true, draws, name: str, size: int | None = None):
    """``y_true`` and ``draws`` (shape ``y_true.shape + (m,)``) as float arrays."""
    y_true = _as_values("y_true", y_true)
    if isinstance(draws, pd.DataFrame | pd.Series):
        draws = draws.to_numpy()
    draws = _as_values(name, draws)
    if draws.shape[:-1] != y_true.shape or (
        size is not None and draws.shape[-1] != size
    ):
        last = "m" if size is None else size
        raise ValueError(
            f"`{name}` must have shape y_true.shape + ({last},) = "
            f"{(*y_true.shape, last)}. Got {name} with shape {draws.shape}. Put "
            f"the {'quantiles' if size else 'samples'} on the last axis."
        )
    return y_true, draws


def _pinball(y_true, y_quantiles, quantiles) -> np.ndarray:
    """Pinball losses of every quantile, shape ``y_quantiles.shape``."""
    error = _errors(y_true[..., np.newaxis], y_quantiles, ("y_true", "y_quantiles"))
    return np.maximum(quantiles * error, (quantiles - 1.0) * error)


def pinball_loss(y_true, y_quantiles, quantiles) -> float:
    """Mean pinball (quantile) loss over every value and every quantile.

    For the quantile level ``q`` and the error ``e = y - y_hat_q`` the loss is
    ``q * e`` when ``e >= 0`` and ``(q - 1) * e`` otherwise: minimized in
    expectation by the true ``q``-quantile.

    Parameters
    ----------
    y_true : array-like of shape S
        Actual values.
    y_quantiles : array-like of shape S + (n_quantiles,)
        Forecast quantiles, ``y_quantiles[..., j]`` at level ``quantiles[j]``.
    quantiles : float or sequence of float
        Strictly increasing levels in (0, 1).

    Returns
    -------
    float

    Examples
    --------
    >>> round(pinball_loss([10.0], [[8.0, 12.0]], [0.1, 0.9]), 12)  # 0.1 * 2
    0.2
    """
    quantiles = check_quantiles(quantiles)
    y_true, y_quantiles = _check_draws(
        y_true, y_quantiles, "y_quantiles", len(quantiles)
    )
    return float(np.mean(_pinball(y_true, y_quantiles, quantiles)))


def weighted_quantile_loss(y_true, y_quantiles, quantiles) -> float:
    """Weighted quantile loss (wQL), the scale-free measure of GluonTS and M5.

    ``mean over q of 2 * sum(pinball_q) / sum(|y|)``: the pinball losses of each
    level summed over every value, divided by the total absolute actual, then
    averaged over the levels. At the single level 0.5 it is the weighted
    absolute percentage error (WAPE).

    Parameters
    ----------
    y_true, y_quantiles, quantiles
        As in :func:`pinball_loss`.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``y_true`` is zero everywhere (the weight is undefined).

    Examples
    --------
    >>> weighted_quantile_loss([10.0, 30.0], [[9.0], [33.0]], [0.5])  # 2 * 2 / 40
    0.1
    """
    quantiles = check_quantiles(quantiles)
    y_true, y_quantiles = _check_draws(
        y_true, y_quantiles, "y_quantiles", len(quantiles)
    )
    total = float(np.sum(np.abs(y_true)))
    if total == 0:
        raise ValueError(
            "`y_true` must not be zero everywhere for the weighted quantile loss "
            "(it divides by sum(|y_true|)). Got y_true == 0 everywhere. Use "
            "pinball_loss instead."
        )
    losses = _pinball(y_true, y_quantiles, quantiles)
    per_level = losses.reshape(-1, len(quantiles)).sum(axis=0)
    return float(np.mean(2.0 * per_level / total))


def crps_from_samples(y_true, samples) -> float:
    """Mean continuous ranked probability score of a sampled forecast.

    For each value, ``E|X - y| - E|X - X'| / 2`` with ``X, X'`` drawn from the
    empirical distribution of its ``m`` samples (the energy form; exact for
    that distribution). Lower is better; for a point forecast (all samples
    equal) it is the absolute error, so it compares with :func:`mae`.

    Parameters
    ----------
    y_true : array-like of shape S
    samples : array-like of shape S + (m,)
        ``m`` draws of the predictive distribution of every value.

    Returns
    -------
    float

    Examples
    --------
    >>> crps_from_samples([0.0], [[-1.0, 1.0]])  # 1 - 2 / 4
    0.5
    >>> rng = np.random.default_rng(0)
    >>> samples = rng.standard_normal((1, 20_000))  # CRPS of N(0, 1) at 0: 0.234
    >>> round(crps_from_samples([0.0], samples), 1)
    0.2
    """
    y_true, samples = _check_draws(y_true, samples, "samples")
    m = samples.shape[-1]
    draws = np.sort(samples, axis=-1)
    spread = np.mean(np.abs(draws - y_true[..., np.newaxis]), axis=-1)
    # sum_ij |x_i - x_j| = 2 * sum_i (2i - m - 1) x_(i) for sorted x, i = 1..m.
    weights = 2.0 * np.arange(1, m + 1) - m - 1
    pairs = 2.0 * np.sum(weights * draws, axis=-1) / m**2
    return float(np.mean(spread - 0.5 * pairs))


def crps_from_quantiles(y_true, y_quantiles, quantiles) -> float:
    """CRPS approximated from forecast quantiles: twice their mean pinball loss.

    The CRPS is the integral of twice the pinball loss over all levels in
    (0, 1); averaging over an evenly spread grid of levels (0.05, 0.15, ...,
    0.95, or 0.01 ... 0.99) approximates it, the closer the denser the grid.
    With the levels 0.1, ..., 0.9 it is the "mean weighted quantile loss"
    numerator of GluonTS before weighting.

    Parameters
    ----------
    y_true, y_quantiles, quantiles
        As in :func:`pinball_loss`.

    Returns
    -------
    float

    Examples
    --------
    >>> crps_from_quantiles([0.0], [[-1.0, 0.0, 1.0]], [0.25, 0.5, 0.75])
    0.3333333333333333
    """
    return 2.0 * pinball_loss(y_true, y_quantiles, quantiles)


def mean_interval_width(lower, upper) -> float:
    """Mean width ``upper - lower`` of prediction intervals.

    Report it beside :func:`interval_coverage`: a wide interval covers easily.

    Examples
    --------
    >>> mean_interval_width([0.0, 1.0], [2.0, 5.0])
    3.0
    """
    _, lower, upper = _check_bounds(lower, lower, upper)
    return _mean_abs(_errors(upper, lower, ("upper", "lower")))


def msis(y_true, lower, upper, *, y_train, level: float = 95, period: int = 1) -> float:
    """Mean scaled interval score (MSIS), the interval measure of the M4 competition.

    With ``a = 1 - level / 100``, each value scores the width ``U - L`` plus
    ``2 / a`` times how far ``y`` falls outside ``[L, U]``; the mean score is
    divided by the in-sample MAE of the seasonal naive forecast of ``y_train``
    (as in :func:`mase`). Lower is better; it rewards narrow intervals that
    still cover.

    Parameters
    ----------
    y_true, lower, upper : array-like
        Actual values and interval bounds, same shape.
    y_train : array-like of shape (T,) or (T, k)
        The history the forecast was made from, rows in time order.
    level : float, default=95
        Nominal coverage of the interval, in percent (M4 used 95).
    period : int, default=1
        Seasonal period of the scale (12 for monthly data, as in M4).

    Returns
    -------
    float

    Examples
    --------
    >>> # width 2, y=4 lies 1 above: 2 + 2 / 0.05 * 1 = 42; naive MAE 1
    >>> round(msis([4.0], [1.0], [3.0], y_train=[1.0, 2.0, 3.0], level=95), 9)
    42.0
    """
    if isinstance(level, list | tuple | np.ndarray):
        raise TypeError(message("level", "one number in percent", level))
    (level,) = check_levels(level)
    period = check_int("period", period)
    y_true, lower, upper = _check_bounds(y_true, lower, upper)
    alpha = 1.0 - level / 100.0
    below = np.maximum(lower - y_true, 0.0)
    above = np.maximum(y_true - upper, 0.0)
    score = (upper - lower) + (2.0 / alpha) * (below + above)
    scale = _seasonal_scale(y_train, period, "MSIS", "Use mean_interval_width.")
    return float(np.mean(score)) / scale
