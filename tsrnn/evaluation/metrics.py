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

from tsrnn.core.validation import as_float_array, check_int

__all__ = ["interval_coverage", "mae", "mape", "mase", "rmse", "smape"]


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
    train = _as_values("y_train", y_train)
    if train.shape[0] <= period:
        raise ValueError(
            f"`y_train` must have more than period={period} rows for MASE. Got "
            f"y_train with {train.shape[0]} rows. Pass a longer history or a "
            "smaller period."
        )
    scale = _mean_abs(
        _errors(train[period:], train[:-period], ("y_train[t]", "y_train[t - period]"))
    )
    if scale == 0:
        raise ValueError(
            f"`y_train` must vary at lag period={period} for MASE (its seasonal "
            "naive error is the denominator). Got a y_train whose seasonal naive "
            "error is 0. Use mae instead."
        )
    return _mean_abs(_errors(y_true, y_pred)) / scale


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
    return float(np.mean((y_true >= lower) & (y_true <= upper)))
