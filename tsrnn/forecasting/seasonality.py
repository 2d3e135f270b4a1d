"""Per-series level and seasonal normalization for global models.

A global model reads windows of hundreds of series at once. Their levels differ
by orders of magnitude and their seasonal shapes differ too, so the network
should see each series on a common scale with its own seasonality taken out
and put back afterwards. This is the idea of ES-RNN (Smyl, winner of M4), which
estimates a level and a seasonal profile per series by exponential smoothing
and feeds the network the normalized, deseasonalized windows.
:class:`SeasonalLog` estimates one profile per series by classical
decomposition, the estimate the M4 Theta benchmark uses;
:class:`SmoothedSeasonalLog` (the recurrent candidates' default since it
scored 5 to 8 % better on the tourism panels' validation folds and the same on
M1; ``benchmarks/RESULTS.md``, ``accuracy_panels``) starts from it and lets it
evolve by exponential smoothing, as ES-RNN's seasonality does. The steps:

1. ``z = log(y + offset)`` (``offset`` 0 for a positive series, 1 when it holds
   zeros), so that a multiplicative seasonality becomes additive; a series
   with negative values is divided by its mean absolute value instead;
2. a 90 % test on the autocorrelation at lag ``season`` (as in the M4 Theta
   benchmark) decides whether the series is seasonal; if it is, the seasonal
   profile is the mean, by position in the season, of ``z`` minus its centred
   moving average of length ``season``, centred to sum to zero (smoothed: the
   profile of the first three seasons, then updated after every row);
3. the network works on ``z`` minus the profile; a forecast gets the profile of
   its steps' positions added back, then the log inverted.

The level is removed per window by the network itself (``instance_norm``: the
change from the window's last value), so the whole normalization adapts to
the most recent data as ES-RNN's smoothed level does.
"""

from __future__ import annotations

import numpy as np

__all__ = ["SeasonalLog", "SmoothedSeasonalLog", "is_seasonal", "seasonal_profile"]

# One-sided 90 % normal quantile of the M4 Theta benchmark's seasonality test.
_Z90 = 1.645


def is_seasonal(y: np.ndarray, season: int) -> bool:
    """Whether ``y`` has a significant autocorrelation at lag ``season``.

    The M4 Theta benchmark's test: the lag-``season`` autocorrelation exceeds
    ``1.645 * sqrt((1 + 2 * sum of squared lower-lag autocorrelations) / n)``.
    Needs three seasons of data; shorter series count as not seasonal.
    """
    y = np.asarray(y, dtype=np.float64)
    n = len(y)
    if season < 2 or n < 3 * season:
        return False
    x = y - y.mean()
    denominator = float(x @ x)
    if denominator == 0:
        return False
    acf = np.array([x[k:] @ x[:-k] for k in range(1, season + 1)]) / denominator
    limit = _Z90 * np.sqrt((1 + 2 * np.sum(acf[:-1] ** 2)) / n)
    return bool(abs(acf[-1]) > limit)


def seasonal_profile(z: np.ndarray, season: int) -> np.ndarray:
    """Additive seasonal profile of ``z``, indexed by position modulo ``season``.

    ``z`` minus its centred moving average (a 2 x ``season`` average for an
    even season), averaged by position, then centred to sum to zero.
    """
    z = np.asarray(z, dtype=np.float64)
    if season % 2:
        weights = np.full(season, 1.0 / season)
    else:
        weights = np.r_[0.5, np.ones(season - 1), 0.5] / season
    half = len(weights) // 2
    trend = np.convolve(z, weights, mode="valid")
    detrended = z[half : half + len(trend)] - trend
    positions = np.arange(half, half + len(trend)) % season
    sums = np.bincount(positions, detrended, season)
    counts = np.bincount(positions, minlength=season)
    profile = sums / np.maximum(counts, 1)
    return profile - profile.mean()


class SeasonalLog:
    """Log (or scale) and deseasonalize every series; invert forecasts exactly.

    Parameters
    ----------
    season : int
        Season length; 1 turns the seasonal part off.

    Attributes
    ----------
    offset_ : ndarray (n_series,)
        Added before the log; NaN for a series divided by ``scale_`` instead.
    scale_ : ndarray (n_series,)
        Mean absolute value of a series with negative values (1 otherwise).
    profile_ : ndarray (n_series, season)
        Seasonal profile in the log space (zeros for a non-seasonal series).
    seasonal_ : ndarray of bool (n_series,)

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(48)
    >>> y = 100 * np.exp(0.2 * np.sin(2 * np.pi * t / 12) + 0.005 * t)
    >>> norm = SeasonalLog(12).fit([y])
    >>> bool(norm.seasonal_[0]), (norm.profile_[0, :4].round(2) + 0.0).tolist()
    (True, [0.0, 0.1, 0.17, 0.2])
    >>> z = norm.transform([y])[0]
    >>> np.allclose(norm.inverse(z[None, -3:], [45]), y[None, -3:])
    True
    """

    def __init__(self, season: int):
        self.season = season

    def fit(self, series) -> SeasonalLog:
        n = len(series)
        self.offset_ = np.zeros(n)
        self.scale_ = np.ones(n)
        self.profile_ = np.zeros((n, max(self.season, 1)))
        self.seasonal_ = np.zeros(n, dtype=bool)
        for k, y in enumerate(series):
            y = np.asarray(y, dtype=np.float64)
            low = float(np.min(y))
            if low > 0:
                z = np.log(y)
            elif low >= 0:
                self.offset_[k] = 1.0
                z = np.log1p(y)
            else:
                self.offset_[k] = np.nan
                self.scale_[k] = float(np.mean(np.abs(y))) or 1.0
                z = y / self.scale_[k]
            if self.season > 1 and is_seasonal(z, self.season):
                self.seasonal_[k] = True
                self.profile_[k] = seasonal_profile(z, self.season)
        return self

    def transform(self, series) -> list:
        """The normalized, deseasonalized values of each series (new arrays)."""
        return [
            self._to_log(k, np.asarray(y, dtype=np.float64)) - self._seasonal(k, len(y))
            for k, y in enumerate(series)
        ]

    def inverse(self, z, origins, ks=None) -> np.ndarray:
        """Forecasts ``z`` (m, steps) after ``origins[i]`` rows of series ``ks[i]``."""
        z = np.asarray(z, dtype=np.float64)
        ks = np.arange(len(z)) if ks is None else np.asarray(ks)
        level = z + self._ahead(ks, np.asarray(origins), z.shape[1])
        offset = self.offset_[ks, None]
        logged = ~np.isnan(offset)
        with np.errstate(over="ignore"):
            out = np.exp(np.clip(level, None, 700)) - np.where(logged, offset, 0.0)
        return np.where(logged, out, level * self.scale_[ks, None])

    def _seasonal(self, k: int, n: int) -> np.ndarray:
        """The seasonal part of the first ``n`` rows of series ``k``."""
        return self.profile_[k, np.arange(n) % self.profile_.shape[1]]

    def _ahead(self, ks, origins, steps: int) -> np.ndarray:
        """The seasonal part of ``steps`` after ``origins[i]`` rows of ``ks[i]``."""
        season = self.profile_.shape[1]
        positions = (origins[:, None] + np.arange(steps)) % season
        return self.profile_[ks[:, None], positions]

    def _to_log(self, k: int, y: np.ndarray) -> np.ndarray:
        if np.isnan(self.offset_[k]):
            return y / self.scale_[k]
        return np.log(y + self.offset_[k])


# The smoothing grids of SmoothedSeasonalLog: level and seasonal weights.
ALPHAS = (0.05, 0.1, 0.2, 0.3)
GAMMAS = (0.02, 0.05, 0.1, 0.2, 0.35)


class SmoothedSeasonalLog(SeasonalLog):
    """:class:`SeasonalLog` whose seasonal profile evolves, as ES-RNN's does.

    For a seasonal series, the profile is updated after every row by additive
    Holt-Winters smoothing in the log space, without trend::

        level_t   = alpha (z_t - s_{t-m}) + (1 - alpha) level_{t-1}
        s_t       = gamma (z_t - level_t) + (1 - gamma) s_{t-m}

    starting from the classical profile of the first three seasons. Row ``t``
    is deseasonalized by ``s_{t-m}``, the estimate known *before* it (so the
    normalization never reads a row's own value), and a forecast after row
    ``p`` gets the latest estimates of its steps' positions added back.
    ``alpha`` and ``gamma`` are chosen per series from ``ALPHAS`` x ``GAMMAS``
    by the one-step errors of the smoothing itself (ES-RNN learns them with the
    network; a grid keeps the fit a few array passes). Non-seasonal series are
    left as :class:`SeasonalLog` leaves them.

    Attributes
    ----------
    before_ : list of ndarray
        Per series, the seasonal estimate each row was deseasonalized by.
    after_ : list of ndarray
        Per series, the estimate of each row's position after that row.
    alpha_, gamma_ : ndarray (n_series,)
        The chosen weights (NaN for a non-seasonal series).

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(96)
    >>> amplitude = np.where(t < 48, 0.1, 0.3)  # the pattern grows
    >>> y = 100 * np.exp(amplitude * np.sin(2 * np.pi * t / 12))
    >>> classical = SeasonalLog(12).fit([y]).profile_[0].max()
    >>> smoothed = SmoothedSeasonalLog(12).fit([y]).after_[0][-12:].max()
    >>> round(float(classical), 2), round(float(smoothed), 2)  # the peak is 0.3
    (0.21, 0.26)
    """

    def fit(self, series) -> SmoothedSeasonalLog:
        super().fit(series)
        season = self.profile_.shape[1]
        n = len(series)
        self.before_ = [np.zeros(len(y)) for y in series]
        self.after_ = [np.zeros(len(y)) for y in series]
        self.alpha_ = np.full(n, np.nan)
        self.gamma_ = np.full(n, np.nan)
        seasonal = np.flatnonzero(self.seasonal_)
        if not seasonal.size:
            return self
        logs = [
            self._to_log(k, np.asarray(series[k], dtype=np.float64)) for k in seasonal
        ]
        initial = np.stack([seasonal_profile(z[: 3 * season], season) for z in logs])
        grid = np.array([(a, g) for a in ALPHAS for g in GAMMAS])
        sse = _smooth(logs, initial, season, grid[:, 0], grid[:, 1])[0]
        best = grid[np.argmin(sse, axis=1)]
        _, before, after = _smooth(
            logs, initial, season, best[:, :1], best[:, 1:], paths=True
        )
        for i, k in enumerate(seasonal.tolist()):
            self.alpha_[k], self.gamma_[k] = best[i]
            self.before_[k], self.after_[k] = before[i], after[i]
        return self

    def _seasonal(self, k: int, n: int) -> np.ndarray:
        if len(self.before_[k]) != n:
            raise ValueError(
                "SmoothedSeasonalLog.transform must get the series it was fitted "
                f"on. Got {n} rows for series {k}, fitted on "
                f"{len(self.before_[k])}. Refit on these series."
            )
        return self.before_[k]

    def _ahead(self, ks, origins, steps: int) -> np.ndarray:
        season = self.profile_.shape[1]
        out = np.zeros((len(ks), steps))
        for i, (k, p) in enumerate(zip(ks.tolist(), origins.tolist(), strict=True)):
            if not self.seasonal_[k]:
                continue
            after = self.after_[k]
            last = min(int(p), len(after)) - 1
            # The latest row at or before ``last`` in the position of each step.
            rows = last - ((last - (int(p) + np.arange(steps))) % season)
            out[i] = np.where(rows >= 0, after[np.maximum(rows, 0)], 0.0)
        return out


def _smooth(logs, initial, season, alpha, gamma, paths=False):
    """Additive seasonal smoothing of every series at once, for each weight.

    ``logs``: n series (log space); ``initial`` (n, season); ``alpha`` and
    ``gamma`` broadcast against (n, G). Returns the one-step squared errors
    (n, G) after the first season and, with ``paths`` (G = 1), each series'
    estimates before and after its rows.
    """
    n = len(logs)
    lengths = np.array([len(z) for z in logs])
    rows = np.full((n, lengths.max()), np.nan)
    for i, z in enumerate(logs):
        rows[i, : len(z)] = z
    width = np.broadcast_shapes(np.shape(alpha), (1,))[-1]
    profile = np.repeat(initial[:, None, :], width, axis=1)  # (n, G, season)
    level = np.repeat(
        np.nanmean(rows[:, :season] - initial, axis=1)[:, None], width, axis=1
    )
    sse = np.zeros((n, width))
    before = np.zeros(rows.shape) if paths else None
    after = np.zeros(rows.shape) if paths else None
    for t in range(rows.shape[1]):
        q = t % season
        live = (t < lengths)[:, None]
        z = rows[:, t : t + 1]
        s = profile[:, :, q].copy()
        if t >= season:
            sse += np.where(live, (z - level - s) ** 2, 0.0)
        new_level = alpha * (z - s) + (1 - alpha) * level
        new_s = gamma * (z - new_level) + (1 - gamma) * s
        level = np.where(live, new_level, level)
        profile[:, :, q] = np.where(live, new_s, s)
        if paths:
            before[:, t] = s[:, 0]
            after[:, t] = profile[:, 0, q]
    if not paths:
        return sse, None, None
    return (
        sse,
        [before[i, : lengths[i]] for i in range(n)],
        [after[i, : lengths[i]] for i in range(n)],
    )
