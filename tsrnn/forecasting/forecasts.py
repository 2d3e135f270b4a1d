"""Many forecasts as arrays, and the frames users see: :class:`Forecasts`.

:meth:`tsrnn.Forecaster.forecast_paths` forecasts from many origins of many
series at once and returns one :class:`Forecasts`: forecast ``i`` continues the
first ``origin[i]`` rows of series ``k[i]`` of a checked history, with its values
(m, steps, n_targets) in original units, their timestamps and, with intervals,
lower and upper bounds. Intervals, backtests and ``predict`` read the arrays;
:meth:`Forecasts.to_frame` builds the output DataFrame in one step (no frame
per series).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Forecasts"]


@dataclass(frozen=True)
class Forecasts:
    """Forecasts from many origins of a checked history.

    Attributes
    ----------
    history : History
        The history the forecasts continue.
    k : ndarray of int, shape (m,)
        Series position of each forecast in ``history``.
    origin : ndarray of int, shape (m,)
        Rows of that series the forecast starts after.
    times : ndarray of datetime64[ns], shape (m, steps)
        Timestamps of the steps (the panel's UTC wall time).
    values : ndarray, shape (m, steps, n_targets)
    lower, upper : ndarray or None
        Interval bounds, in the shape of ``values``.
    gap : int
        Steps skipped between the origin and the first forecast step.
    """

    history: object
    k: np.ndarray
    origin: np.ndarray
    times: np.ndarray
    values: np.ndarray
    lower: np.ndarray | None = None
    upper: np.ndarray | None = None
    gap: int = 0

    def __len__(self) -> int:
        return len(self.k)

    @property
    def series(self) -> np.ndarray:
        """Series id of each forecast."""
        return self.history.ids[self.k]

    @property
    def steps(self) -> int:
        return self.values.shape[1]

    def actual(self) -> np.ndarray:
        """Observed targets at the forecast steps (NaN past the history's end)."""
        panel = self.history.panel
        rows = self.row_after()
        inside = rows < panel.bounds[self.k + 1][:, None]
        safe = np.where(inside, rows, 0)
        values = panel.data[safe, : self.history.n_targets].astype(np.float64)
        values[~inside] = np.nan
        return values

    def row_after(self) -> np.ndarray:
        """Panel row of each step (may lie past its series), shape (m, steps)."""
        start = self.history.panel.bounds[self.k] + self.origin + self.gap
        return start[:, None] + np.arange(self.steps)

    def cutoff(self) -> pd.DatetimeIndex:
        """Timestamp of the last history row each forecast reads."""
        panel = self.history.panel
        return panel.local_index(panel.times[panel.bounds[self.k] + self.origin - 1])

    def local_times(self) -> pd.DatetimeIndex:
        """All step timestamps, forecast by forecast, in the caller's time zone."""
        return self.history.panel.local_index(self.times.ravel())

    def to_frame(self, id_name=None) -> pd.DataFrame:
        """One row per forecast step, as :meth:`tsrnn.Forecaster.predict` returns.

        A single series (a wide history) is indexed by its timestamps; many by
        a MultiIndex (series id, time). Columns: the targets, then
        ``{target}_lower`` and ``{target}_upper`` for each target.
        """
        history = self.history
        targets = list(history.targets)
        columns = {name: self.values[..., j].ravel() for j, name in enumerate(targets)}
        if self.lower is not None:
            for j, name in enumerate(targets):
                columns[f"{name}_lower"] = self.lower[..., j].ravel()
                columns[f"{name}_upper"] = self.upper[..., j].ravel()
        times = self.local_times()
        time_name = history.panel.time_name
        if history.long:
            index = pd.MultiIndex.from_arrays(
                [np.repeat(self.series, self.steps), times], names=[id_name, time_name]
            )
        else:
            index = pd.DatetimeIndex(times, name=time_name)
        return pd.DataFrame(columns, index=index)
