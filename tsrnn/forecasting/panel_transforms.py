"""Target transforms of every series of a panel at once: :class:`SeriesTransforms`.

A forecaster fits its ``transforms`` (:class:`~tsrnn.forecasting.transforms.Log`,
``Scale``, ``Difference``) once per series. Doing that with one pandas chain per
series costs milliseconds a series, which dominates a forecast of thousands of
series; :class:`SeriesTransforms` does the same arithmetic on the panel's
arrays for all series together (per-series statistics by ``np.bincount``,
differences by index arithmetic, inversions over all forecasts at once).
Transforms it does not know (a user's own ``TargetTransform`` subclass) run
through the per-series :class:`~tsrnn.forecasting.transforms.TransformChain`,
with the same results and the old speed.

Series are matched by id: a history given to ``predict`` may hold the fitted
series in any order, or a subset of them.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from tsrnn.core.validation import check_int, plain
from tsrnn.forecasting.transforms import Difference, Log, Scale, TransformChain

__all__ = ["SeriesTransforms"]


class SeriesTransforms:
    """The forecaster's target transforms, fitted per series of a history.

    Parameters
    ----------
    transforms : list of TargetTransform
        In the order they apply.
    """

    def __init__(self, transforms):
        self.transforms = list(transforms)

    @property
    def n_lost(self) -> int:
        """Rows a series loses to differencing (its first ``sum(lag)`` rows)."""
        lags = (t.lag for t in self.transforms if isinstance(t, Difference))
        return sum(check_int("lag", lag) for lag in lags)

    @property
    def vectorized(self) -> bool:
        return all(type(t) in (Log, Scale, Difference) for t in self.transforms)

    def fit(self, history) -> SeriesTransforms:
        self.ids_ = {sid: k for k, sid in enumerate(history.ids.tolist())}
        if self.vectorized:
            self.stages_ = []
            values, bounds = _targets(history)
            rows = np.arange(len(values))
            for transform in self.transforms:
                stage = _stage(transform)
                self.stages_.append(stage)
                stage.fit(values, bounds, _locator(history, rows))
                values, bounds, rows = stage.forward(values, bounds, rows)
        else:
            targets = list(history.targets)
            self.chains_ = [
                TransformChain(self.transforms).fit(history.frame(k, targets))
                for k in range(len(history.ids))
            ]
        return self

    def positions(self, history, ks=None) -> np.ndarray:
        """Fitted positions of the series ``ks`` of ``history`` (all when None)."""
        ids = history.ids if ks is None else history.ids[np.asarray(ks)]
        out = np.empty(len(ids), dtype=np.int64)
        for i, sid in enumerate(ids.tolist()):
            if sid not in self.ids_:
                raise ValueError(
                    f"`history` must hold only series seen in fit. Got series "
                    f"{plain(sid)!r}, which the forecaster was not fitted on. Refit "
                    "with it, or leave it out."
                )
            out[i] = self.ids_[sid]
        return out

    def transform(self, history):
        """The history's panel in the transformed space (lagged rows dropped)."""
        lengths = history.lengths
        body = history.panel.take(self.n_lost, lengths)
        data = body.data.copy()
        n_targets = history.n_targets
        if self.vectorized:
            values, bounds = _targets(history)
            series = self.positions(history)
            rows = np.arange(len(values))
            for stage in self.stages_:
                values, bounds, rows = stage.forward(
                    values, bounds, rows, series=series
                )
            data[:, :n_targets] = values
        else:
            targets = list(history.targets)
            for k, fitted in enumerate(self.positions(history)):
                frame = history.frame(k, targets)
                data[body.series(k), :n_targets] = self.chains_[fitted].transform(frame)
        return replace(body, data=data)

    def inverse(self, z, history, ks, origins) -> np.ndarray:
        """Forecasts ``z`` (m, steps, n_targets) back in the original units.

        Forecast ``i`` continues the first ``origins[i]`` rows of series
        ``ks[i]`` of ``history`` (the rows a ``Difference`` sums from).
        """
        z = np.asarray(z, dtype=np.float64)
        ks, origins = np.asarray(ks), np.asarray(origins)
        fitted = self.positions(history, ks)
        if not self.vectorized:
            return (
                np.stack(
                    [
                        self._chain_inverse(z[i], history, k, p, fitted[i])
                        for i, (k, p) in enumerate(zip(ks, origins, strict=True))
                    ]
                )
                if len(z)
                else z
            )
        if not self.stages_:
            return z
        tails = [_tails(history, ks, origins, self.n_lost)]
        for stage in self.stages_[:-1]:
            tails.append(stage.forward_block(tails[-1], fitted))
        for stage, past in zip(reversed(self.stages_), reversed(tails), strict=True):
            z = stage.inverse_block(z, past, fitted)
        return z

    def to_level(self, values, history, ks) -> np.ndarray:
        """The leading elementwise transforms of series ``ks[i]``: interval space."""
        return self._level(values, history, ks, forward=True)

    def from_level(self, values, history, ks) -> np.ndarray:
        """Invert :meth:`to_level` (exact and monotone, so bounds stay ordered)."""
        return self._level(values, history, ks, forward=False)

    # ------------------------------------------------------------ internals

    def _level(self, values, history, ks, *, forward: bool) -> np.ndarray:
        values = np.asarray(values, dtype=np.float64)
        fitted = self.positions(history, ks)
        if not self.vectorized:
            method = "to_level" if forward else "from_level"
            return (
                np.stack(
                    [
                        getattr(self.chains_[f], method)(pd.DataFrame(block)).to_numpy()
                        for f, block in zip(fitted, values, strict=True)
                    ]
                )
                if len(values)
                else values
            )
        leading = []
        for stage in self.stages_:
            if not stage.elementwise:
                break
            leading.append(stage)
        if forward:
            for stage in leading:
                values = stage.forward_block(values, fitted)
        else:
            for stage in reversed(leading):
                values = stage.inverse_block(values, values, fitted)
        return values

    def _chain_inverse(self, z, history, k, p, fitted) -> np.ndarray:
        targets = list(history.targets)
        past = history.frame(k, targets).iloc[:p]
        frame = pd.DataFrame(z, columns=targets)
        return self.chains_[fitted].inverse_forecast(frame, past).to_numpy()


# ---------------------------------------------------------------- stages


class _Log:
    elementwise = True

    def __init__(self, offset):
        self.offset = float(offset)

    def fit(self, values, bounds, where) -> None:
        bad = values + self.offset <= 0
        if bad.any():
            row, col = (int(i) for i in np.argwhere(bad)[0])
            column, label, stamp = where(row, col)
            raise ValueError(
                f"`{column}` must be > {0 - self.offset:g} everywhere for Log(offset="
                f"{self.offset}). Got {column}={float(values[row, col])!r}{label} "
                f"at {stamp}. Pass Log(offset=...) large enough to make every "
                "value positive, or drop the Log transform."
            )

    def forward(self, values, bounds, rows, series=None):
        return np.log(values + self.offset), bounds, rows

    def forward_block(self, block, fitted):
        return np.log(block + self.offset)

    def inverse_block(self, z, past, fitted):
        return np.exp(z) - self.offset


class _Scale:
    elementwise = True

    def fit(self, values, bounds, where) -> None:
        n = len(bounds) - 1
        series = np.repeat(np.arange(n), np.diff(bounds))
        known = ~np.isnan(values)
        counts = _series_sums(series, known, n)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.mean_ = _series_sums(series, np.where(known, values, 0.0), n) / counts
            deviation = np.where(known, values - self.mean_[series], 0.0) ** 2
            std = np.sqrt(_series_sums(series, deviation, n) / counts)
        self.scale_ = np.where(std > 0, std, 1.0)

    def forward(self, values, bounds, rows, series=None):
        positions = np.repeat(
            np.arange(len(bounds) - 1) if series is None else series, np.diff(bounds)
        )
        return (values - self.mean_[positions]) / self.scale_[positions], bounds, rows

    def forward_block(self, block, fitted):
        return (block - self.mean_[fitted, None]) / self.scale_[fitted, None]

    def inverse_block(self, z, past, fitted):
        return z * self.scale_[fitted, None] + self.mean_[fitted, None]


class _Difference:
    elementwise = False

    def __init__(self, lag):
        self.lag = check_int("lag", lag)

    def fit(self, values, bounds, where) -> None:
        lengths = np.diff(bounds)
        short = np.flatnonzero(lengths <= self.lag)
        if short.size:
            raise ValueError(
                f"`history` must have more than lag={self.lag} rows for Difference. "
                f"Got {int(lengths[short[0]])} rows. Use a smaller lag or a longer "
                "history."
            )

    def forward(self, values, bounds, rows, series=None):
        lengths = np.diff(bounds)
        position = np.arange(len(values)) - np.repeat(bounds[:-1], lengths)
        keep = np.flatnonzero(position >= self.lag)
        new_bounds = np.r_[0, np.cumsum(lengths - self.lag)].astype(np.int64)
        return values[keep] - values[keep - self.lag], new_bounds, rows[keep]

    def forward_block(self, block, fitted):
        return block[:, self.lag :] - block[:, : -self.lag]

    def inverse_block(self, z, past, fitted):
        lag, steps = self.lag, z.shape[1]
        out = np.empty((len(z), lag + steps, z.shape[2]))
        out[:, :lag] = past[:, -lag:]
        for step in range(steps):
            out[:, lag + step] = z[:, step] + out[:, step]
        return out[:, lag:]


def _series_sums(series, values, n: int) -> np.ndarray:
    """Column sums of ``values`` per series, shape (n, columns)."""
    return np.stack(
        [np.bincount(series, values[:, j], n) for j in range(values.shape[1])], 1
    )


def _stage(transform):
    if isinstance(transform, Log):
        return _Log(transform.offset)
    if isinstance(transform, Scale):
        return _Scale()
    return _Difference(transform.lag)


def _targets(history):
    """Target values (rows, n_targets) of every series and the panel bounds."""
    return history.panel.data[:, : history.n_targets].astype(np.float64), (
        history.panel.bounds
    )


def _tails(history, ks, origins, length: int) -> np.ndarray:
    """The last ``length`` target rows before each origin, (m, length, n_targets)."""
    start = history.panel.bounds[ks] + origins - length
    rows = start[:, None] + np.arange(length)
    return history.panel.data[rows, : history.n_targets].astype(np.float64)


def _locator(history, rows: np.ndarray):
    """``where(r, c)``: column, series label and time of current row ``r``.

    ``rows`` maps the rows a stage sees to panel rows (differencing drops some).
    """

    def where(r: int, col: int):
        row = int(rows[r])
        k = int(np.searchsorted(history.panel.bounds, row, side="right") - 1)
        stamp = history.panel.local_index(history.panel.times[row : row + 1])[0]
        return history.targets[col], history.label(k), stamp

    return where
