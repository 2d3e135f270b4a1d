"""Windows over one contiguous array, with the series and times they refer to.

A :class:`WindowSet` is what :class:`tsrnn.Windower` returns: one float32
array of rows (every series, one block each) and the row at which each window
starts, so that windows are gathered on demand (``X``, ``y``, ``X_future``, or
batch by batch in :func:`tsrnn.make_dataset`) and never copied until asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from tsrnn.core.validation import message

__all__ = ["WindowSet"]


@dataclass(frozen=True, eq=False)
class WindowSet:
    """Windows over one contiguous array, with the series and times they refer to.

    Window ``i`` reads ``values[starts[i] : starts[i] + input_width]`` as inputs
    and ``values[starts[i] + input_width + gap :][:horizon]`` as targets. Rows of
    different series (and context rows before a split) are concatenated in
    ``values``; no window spans two series.

    Parameters
    ----------
    values : ndarray of shape (rows, C), float32
        Scaled columns of every series, one block per series.
    starts : ndarray of shape (n,), int64
        Row of ``values`` at which each window's input begins.
    input_width, horizon, gap : int
        Window geometry, as in :func:`tsrnn.make_windows`.
    input_index : ndarray of int
        Columns of ``values`` fed as inputs at the ``input_width`` past steps.
    target_index : ndarray of int
        Columns of ``values`` forming ``y``.
    future_index : ndarray of int
        Columns known over the horizon (future covariates, calendar); may be empty.
    columns : tuple of str
        Names of the columns of ``values``.
    series_id : ndarray of shape (n,)
        Series of each window (``0`` for a wide frame).
    target_time : ndarray of shape (n, horizon), datetime64[ns]
        Timestamps the targets refer to (UTC wall time when ``tz`` is set).
    scaler : transformer, dict or None, default=None
        The fitted scaler (a dict ``series id -> scaler`` with
        ``scale_by="series"``) covering the first ``n_scaled`` columns.
    n_scaled : int, default=0
        Number of leading columns of ``values`` the scaler transformed.
    tz : tzinfo or None, default=None
        Time zone of the source frame.
    id_name, time_name : str, default="series", "time"
        Column names used by :meth:`to_frame`.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from tsrnn import Windower
    >>> frame = pd.DataFrame(
    ...     {"y": np.arange(6.0)}, index=pd.date_range("2024-01-01", periods=6))
    >>> ws = Windower(input_width=3, horizon=2).fit(frame).transform(frame)
    >>> len(ws), ws.X[..., 0].tolist(), ws.y[..., 0].tolist()
    (2, [[0.0, 1.0, 2.0], [1.0, 2.0, 3.0]], [[3.0, 4.0], [4.0, 5.0]])
    >>> str(ws.target_time[0, 0])[:10]
    '2024-01-04'
    """

    values: np.ndarray
    starts: np.ndarray
    input_width: int
    horizon: int
    gap: int
    input_index: np.ndarray
    target_index: np.ndarray
    future_index: np.ndarray
    columns: tuple
    series_id: np.ndarray
    target_time: np.ndarray
    scaler: object = None
    n_scaled: int = 0
    tz: object = None
    id_name: object = "series"
    time_name: object = "time"

    def __len__(self) -> int:
        return len(self.starts)

    def _rows(self, offset: int, width: int) -> np.ndarray:
        return self.starts[:, None] + (offset + np.arange(width))

    @cached_property
    def X(self) -> np.ndarray:
        """Inputs, shape (n, input_width, len(input_index)), float32."""
        rows = self._rows(0, self.input_width)
        return self.values[rows[..., None], self.input_index]

    @cached_property
    def y(self) -> np.ndarray:
        """Targets in scaled units, shape (n, horizon, len(target_index)), float32."""
        rows = self._rows(self.input_width + self.gap, self.horizon)
        return self.values[rows[..., None], self.target_index]

    @cached_property
    def X_future(self) -> np.ndarray | None:
        """Known-future columns over the horizon, (n, horizon, F), or None."""
        if len(self.future_index) == 0:
            return None
        rows = self._rows(self.input_width + self.gap, self.horizon)
        return self.values[rows[..., None], self.future_index]

    @property
    def target_columns(self) -> tuple:
        return tuple(self.columns[i] for i in self.target_index)

    def inverse_transform_y(self, y, series_id=None) -> np.ndarray:
        """Map targets (or predictions) from scaled units back to original units.

        Parameters
        ----------
        y : array-like of shape (n, horizon, n_targets), or (n, horizon) for one target
            Values in the scaled units of ``values``.
        series_id : array-like of shape (n,), default=None
            Series of each row of ``y``; only needed with ``scale_by="series"``
            when ``y`` does not line up with this set's windows.

        Returns
        -------
        ndarray of float64 with the shape of ``y``.
        """
        n_targets = len(self.target_index)
        array = np.asarray(y, dtype=np.float64)
        squeeze = array.ndim == 2 and n_targets == 1
        if squeeze:
            array = array[..., None]
        if array.ndim != 3 or array.shape[-1] != n_targets:
            raise ValueError(
                message(
                    "y",
                    f"of shape (n, horizon, {n_targets})"
                    + (" or (n, horizon)" if n_targets == 1 else ""),
                    f"<array of shape {np.shape(y)}>",
                )
            )
        if self.scaler is None:
            out = array.copy()
        elif isinstance(self.scaler, dict):
            ids = self.series_id if series_id is None else np.asarray(series_id)
            if len(ids) != len(array):
                raise ValueError(
                    message(
                        "series_id",
                        f"one id per row of y ({len(array)} rows)",
                        f"<{len(ids)} ids>",
                        "Pass series_id= when y is not aligned with this WindowSet.",
                    )
                )
            out = np.empty_like(array)
            for sid in pd.unique(np.asarray(ids, dtype=object)):
                rows = ids == sid
                if sid not in self.scaler:
                    raise ValueError(message("series_id", "a series seen in fit", sid))
                out[rows] = self._inverse(self.scaler[sid], array[rows])
        else:
            out = self._inverse(self.scaler, array)
        return out[..., 0] if squeeze else out

    def _inverse(self, scaler, array: np.ndarray) -> np.ndarray:
        # Scalers act column by column, so the other scaled columns can be
        # anything; zeros keep the call well defined.
        flat = array.reshape(-1, array.shape[-1])
        full = np.zeros((len(flat), self.n_scaled))
        full[:, self.target_index] = flat
        back = np.asarray(scaler.inverse_transform(full), dtype=np.float64)
        return back[:, self.target_index].reshape(array.shape)

    def to_frame(self, y_pred=None) -> pd.DataFrame:
        """Long DataFrame of predictions in original units, one row per target step.

        Columns are the series id, the timestamp and one column per target; rows
        of window ``i`` are ``i * horizon`` to ``(i + 1) * horizon - 1``, so with
        overlapping windows a timestamp appears once per window covering it.

        Parameters
        ----------
        y_pred : array-like of shape (n, horizon, n_targets), default=None
            Predictions in scaled units; ``None`` uses this set's own targets.
        """
        y_pred = self.y if y_pred is None else y_pred
        shape = np.shape(y_pred)
        if len(shape) < 2 or shape[:2] != (len(self), self.horizon):
            raise ValueError(
                message(
                    "y_pred",
                    f"of shape ({len(self)}, {self.horizon}, {len(self.target_index)})",
                    f"<array of shape {shape}>",
                )
            )
        values = self.inverse_transform_y(y_pred).reshape(len(self) * self.horizon, -1)
        times = pd.DatetimeIndex(self.target_time.ravel())
        if self.tz is not None:
            times = times.tz_localize("UTC").tz_convert(self.tz)
        frame = pd.DataFrame(
            {
                self.id_name: np.repeat(self.series_id, self.horizon),
                self.time_name: times,
            }
        )
        for j, name in enumerate(self.target_columns):
            frame[name] = values[:, j]
        return frame
