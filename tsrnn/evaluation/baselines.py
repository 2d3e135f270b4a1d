"""Naive forecasts computed from input windows: the scores any model must beat.

Every function here takes input windows ``X`` as produced by
:func:`tsrnn.make_windows` (shape ``(n, input_width, F)``, or ``(n, input_width)``
read as one feature) and returns forecasts shaped like the matching target
windows ``y``: ``(n, horizon, n_targets)``. ``targets`` selects columns of ``X``
with the same meaning as in :func:`tsrnn.make_windows`, so that::

    X, y = make_windows(data, input_width, horizon, targets=targets)
    y_hat = naive_forecast(X, horizon, targets=targets)   # y_hat.shape == y.shape

With ``s = input_width`` and ``p = period``, forecast step ``h`` (0-based) of
window ``i`` is::

    naive            X[i, s - 1]                  the last value, repeated
    seasonal naive   X[i, s - p + (h mod p)]      the last full season, repeated
    window mean      mean(X[i, 0:s])              the window's mean, repeated

:func:`infer_period` picks ``p`` from a pandas frequency or, failing that, from
the autocorrelation of the data. Everything is numpy; no TensorFlow.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from tsrnn.core.validation import as_float_array, check_int, infer_freq
from tsrnn.data.windows import target_columns

__all__ = [
    "SeasonalNaiveRegressor",
    "infer_period",
    "naive_forecast",
    "period_of_freq",
    "seasonal_naive_forecast",
    "window_mean_forecast",
]

# Seasonal period of one step of a base pandas frequency: the cycle a forecaster
# most often repeats (a day of hours, a week of days, a year of months...).
SEASONAL_PERIODS = {
    "s": 60,  # seconds -> a minute
    "min": 60,  # minutes -> an hour
    "h": 24,  # hours -> a day
    "bh": 8,  # business hours -> a business day (pandas default 09:00-17:00)
    "D": 7,  # days -> a week
    "B": 5,  # business days -> a business week
    "C": 5,  # custom business days -> a business week
    "W": 52,  # weeks -> a year
    "SMS": 24,  # semi-month starts -> a year
    "SME": 24,  # semi-month ends -> a year
    "MS": 12,  # months -> a year
    "ME": 12,
    "BMS": 12,
    "BME": 12,
    "CBMS": 12,
    "CBME": 12,
    "QS": 4,  # quarters -> a year
    "QE": 4,
    "BQS": 4,
    "BQE": 4,
    "YS": 1,  # years: no sub-annual season
    "YE": 1,
    "BYS": 1,
    "BYE": 1,
}

# One-sided significance of the autocorrelation peak, before the Bonferroni
# correction over the lags tested.
_ACF_ALPHA = 0.01


def naive_forecast(X, horizon: int, *, targets=None) -> np.ndarray:
    """Repeat the last input value of each window over the horizon.

    Parameters
    ----------
    X : array-like of shape (n, input_width, F) or (n, input_width)
        Input windows, as returned by :func:`tsrnn.make_windows`.
    horizon : int
        Steps to forecast.
    targets : int, list of int, slice or None, default=None
        Columns of ``X`` to forecast, as in :func:`tsrnn.make_windows`;
        ``None`` forecasts every column.

    Returns
    -------
    ndarray of shape (n, horizon, n_targets)
        A new array (never a view into ``X``).

    Examples
    --------
    >>> import numpy as np
    >>> from tsrnn import make_windows
    >>> X, y = make_windows(np.arange(8), input_width=3, horizon=2, stride=3)
    >>> naive_forecast(X, 2)[..., 0]
    array([[2., 2.],
           [5., 5.]])
    """
    windows, columns, horizon = _prepare(X, horizon, targets)
    last = windows[:, -1:, columns]
    return np.repeat(last, horizon, axis=1)


def seasonal_naive_forecast(
    X, horizon: int, *, period: int | None = None, targets=None
) -> np.ndarray:
    """Repeat the last full season of each window: the value one period earlier.

    Step ``h`` (0-based) of the forecast is ``X[:, input_width - period +
    (h % period)]``, so horizons longer than ``period`` repeat the last season.
    ``period=1`` is the naive forecast.

    Parameters
    ----------
    X : array-like of shape (n, input_width, F) or (n, input_width)
        Input windows, as returned by :func:`tsrnn.make_windows`.
    horizon : int
        Steps to forecast.
    period : int or None, default=None
        Season length in steps, at most ``input_width``. ``None`` infers it from
        the windows with :func:`infer_period` (target columns only), which needs
        windows at least three seasons long; pass it explicitly otherwise.
    targets : int, list of int, slice or None, default=None
        Columns of ``X`` to forecast, as in :func:`tsrnn.make_windows`.

    Returns
    -------
    ndarray of shape (n, horizon, n_targets)

    Raises
    ------
    ValueError
        If ``period`` is larger than ``input_width``.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.arange(8.0).reshape(1, 8)
    >>> seasonal_naive_forecast(X, 5, period=3)[..., 0]
    array([[5., 6., 7., 5., 6.]])
    """
    windows, columns, horizon = _prepare(X, horizon, targets)
    input_width = windows.shape[1]
    if period is None:
        period = infer_period(windows[:, :, columns])
    period = check_int("period", period)
    if period > input_width:
        raise ValueError(
            f"`period` must be at most input_width={input_width} (one season must "
            f"fit in a window). Got period={period!r}. Use windows with "
            f"input_width >= {period} or a shorter period."
        )
    steps = input_width - period + np.arange(horizon) % period
    return windows[:, steps][:, :, columns]


def window_mean_forecast(X, horizon: int, *, targets=None) -> np.ndarray:
    """Repeat the mean of each input window over the horizon.

    Parameters
    ----------
    X : array-like of shape (n, input_width, F) or (n, input_width)
        Input windows, as returned by :func:`tsrnn.make_windows`.
    horizon : int
        Steps to forecast.
    targets : int, list of int, slice or None, default=None
        Columns of ``X`` to forecast, as in :func:`tsrnn.make_windows`.

    Returns
    -------
    ndarray of shape (n, horizon, n_targets)

    Examples
    --------
    >>> import numpy as np
    >>> X = np.stack([np.arange(4.0), 10 * np.arange(4.0)], axis=-1)[None]
    >>> window_mean_forecast(X, 2, targets=1)
    array([[[15.],
            [15.]]])
    """
    windows, columns, horizon = _prepare(X, horizon, targets)
    mean = windows[:, :, columns].mean(axis=1, keepdims=True)
    return np.repeat(mean, horizon, axis=1)


def infer_period(series_or_array, *, max_period: int | None = None) -> int:
    """Infer the seasonal period, in steps, of a series or of input windows.

    **From the frequency.** A pandas Series or DataFrame whose index is a
    DatetimeIndex or PeriodIndex with a known frequency (``index.freq``, else
    ``pd.infer_freq``) gives the period of :data:`SEASONAL_PERIODS`:

    ============================ ======
    frequency                    period
    ============================ ======
    secondly ``s``, minutely     60
    hourly ``h``                 24
    business hourly ``bh``       8
    daily ``D``                  7
    business daily ``B``         5
    weekly ``W-*``               52
    semi-monthly ``SMS``/``SME`` 24
    monthly ``MS``/``ME``/...    12
    quarterly ``QS``/``QE``/...  4
    yearly ``YS``/``YE``/...     1
    ============================ ======

    A multiple of a frequency divides the period when it can (``"2h"`` -> 12,
    ``"15min"`` -> 4); otherwise, or when the frequency is unknown, the period
    comes from the data as below. ``max_period`` does not apply to this
    calendar answer.

    **From the autocorrelation.** Each column (and each window of a 3-D array)
    has its least-squares line removed; the sample autocorrelation ``r_k`` is
    pooled over windows and averaged over columns. The period is the lag
    ``k`` in ``2..max_period`` where ``r_k`` has its highest *local maximum*
    (``r_k > r_{k-1}`` and ``r_k >= r_{k+1}``) among those above a
    significance bound ``z * se``: ``z`` is the one-sided 1% normal quantile
    with a Bonferroni correction over the ``max_period`` lags, and ``se`` is
    Bartlett's standard error ``sqrt((1 + 2 * sum r_j**2) / N)`` summed over the
    lags before the autocorrelation first drops to zero (so that smooth,
    non-seasonal series do not report their noise bumps). ``N`` is the series
    length; for windows it is ``input_width + n_windows - 1``, the length of
    the series that stride-1 windows came from. Returns 1 when no lag passes
    (no seasonality found) or the data are constant.

    Parameters
    ----------
    series_or_array : pandas Series or DataFrame, or array-like
        A series of shape (T,), several aligned series of shape (T, F), or
        input windows of shape (n, input_width, F).
    max_period : int or None, default=None
        Largest period considered by the autocorrelation rule. ``None`` means a
        third of the series (window) length, so that three seasons are seen.

    Returns
    -------
    int
        The period, at least 1.

    Notes
    -----
    The autocorrelation rule finds clear seasons (airline: 12, yearly sunspots:
    10, hourly load: 24). On very noisy seasonal data it can pick a multiple of
    the season; when you know the period, pass it.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> index = pd.date_range("2024-01-01", periods=48, freq="h")
    >>> infer_period(pd.Series(np.zeros(48), index=index))
    24
    >>> t = np.arange(120)
    >>> infer_period(np.sin(2 * np.pi * t / 12) + 0.01 * t)
    12
    >>> infer_period(np.random.default_rng(0).standard_normal(200))
    1
    """
    if max_period is not None:
        max_period = check_int("max_period", max_period)
    if isinstance(series_or_array, pd.Series | pd.DataFrame):
        period = _period_from_index(series_or_array.index)
        if period is not None:
            return period
        values = series_or_array.to_numpy()
    else:
        values = series_or_array
    array = as_float_array("series_or_array", values, ndim=(1, 2, 3))
    if array.ndim == 1:
        array = array[None, :, None]
    elif array.ndim == 2:
        array = array[None]
    if not np.isfinite(array).all():
        raise ValueError(
            "`series_or_array` must be finite. Got series_or_array with NaN or "
            "inf. Fill or drop missing values first."
        )
    return _period_from_acf(array, max_period)


def _period_from_index(index) -> int | None:
    if not isinstance(index, pd.DatetimeIndex | pd.PeriodIndex):
        return None
    freq = index.freq
    if freq is None and isinstance(index, pd.DatetimeIndex) and len(index) >= 3:
        freq = infer_freq(index)
    if freq is None:
        return None
    return period_of_freq(freq)


def period_of_freq(freq) -> int | None:
    """Seasonal period of a pandas frequency (:data:`SEASONAL_PERIODS`), or None.

    >>> period_of_freq("MS"), period_of_freq("2h"), period_of_freq("7min")
    (12, 12, None)
    """
    offset = pd.tseries.frequencies.to_offset(freq)
    base = offset.rule_code.split("-")[0]
    period = SEASONAL_PERIODS.get(base)
    if period is None or offset.n < 1 or period % offset.n:
        return None
    return max(1, period // offset.n)


def _period_from_acf(array: np.ndarray, max_period: int | None) -> int:
    n_series, length, _ = array.shape
    if max_period is None:
        max_period = length // 3
    # One lag past max_period is needed to see a local maximum at max_period.
    last_lag = min(max_period + 1, length - 1)
    if max_period < 2 or last_lag < 3:
        return 1
    centered_time = np.arange(length) - (length - 1) / 2
    residual = array - array.mean(axis=1, keepdims=True)
    slope = np.einsum("t,ntf->nf", centered_time, residual) / np.sum(centered_time**2)
    residual = residual - slope[:, None, :] * centered_time[None, :, None]
    variance = np.sum(residual**2, axis=(0, 1))
    keep = variance > 1e-12 * np.maximum(1.0, np.sum(array**2, axis=(0, 1)))
    if not keep.any():
        return 1
    residual, variance = residual[..., keep], variance[keep]
    acf = np.array(
        [
            np.sum(residual[:, lag:] * residual[:, : length - lag], axis=(0, 1))
            for lag in range(last_lag + 1)
        ]
    )
    acf = (acf / variance).mean(axis=1)
    non_positive = np.flatnonzero(acf[1:] <= 0)
    first_zero = non_positive[0] + 1 if non_positive.size else acf.size
    n_obs = length + n_series - 1
    standard_error = np.sqrt((1 + 2 * np.sum(acf[1:first_zero] ** 2)) / n_obs)
    z = NormalDist().inv_cdf(1 - _ACF_ALPHA / max_period)
    bound = z * standard_error
    best_lag, best_value = 1, -np.inf
    for lag in range(2, min(max_period, last_lag - 1) + 1):
        value = acf[lag]
        is_peak = value > acf[lag - 1] and value >= acf[lag + 1]
        if is_peak and value > bound and value > best_value:
            best_lag, best_value = lag, value
    return best_lag


def _prepare(X, horizon, targets):
    windows = as_float_array("X", X, ndim=(2, 3))
    if windows.ndim == 2:
        windows = windows[:, :, None]
    if windows.shape[1] == 0:
        raise ValueError(
            "`X` must hold at least one time step per window. Got X with shape "
            f"{np.shape(X)}."
        )
    if not np.isfinite(windows).all():
        window, step, column = np.argwhere(~np.isfinite(windows))[0]
        raise ValueError(
            "`X` must be finite. Got X with value "
            f"{windows[window, step, column]!r} in window {window}, step {step}, "
            f"column {column}. Fill or drop missing values before windowing."
        )
    horizon = check_int("horizon", horizon)
    columns = target_columns(targets, windows.shape[2])
    return windows, columns, horizon


class SeasonalNaiveRegressor(RegressorMixin, BaseEstimator):
    """The seasonal naive rule as a regressor, to wrap in a forecaster.

    On flattened windows of the targets (what :class:`tsrnn.Forecaster` feeds a
    flat regressor) it predicts the first row of the window: inside
    ``Forecaster(SeasonalNaiveRegressor(), input_width=p, strategy="recursive")``
    step ``h`` repeats the value ``p`` steps earlier, the last season;
    ``input_width=1`` gives the naive forecast. It learns nothing, so a baseline
    gets the forecaster's timestamps, intervals and persistence for free.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    >>> SeasonalNaiveRegressor().fit(X, np.zeros(2)).predict(X).tolist()
    [1.0, 4.0]
    """

    def fit(self, X, y):
        X = as_float_array("X", X, ndim=(2,))
        y = as_float_array("y", y, ndim=(1, 2))
        self.n_targets_ = 1 if y.ndim == 1 else y.shape[1]
        self.n_features_in_ = X.shape[1]
        return self

    def predict(self, X):
        check_is_fitted(self, "n_targets_")
        X = as_float_array("X", X, ndim=(2,))
        first = X[:, : self.n_targets_]
        return first[:, 0] if self.n_targets_ == 1 else first

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
