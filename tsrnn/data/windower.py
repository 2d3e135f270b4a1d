"""From pandas frames to windows: columns, splits, scaling, and back to time.

A :class:`Windower` reads either a *wide* frame (one series: a DatetimeIndex or
a ``time_col`` column, one column per variable) or a *long* frame (many series:
an ``id_col`` column, a ``time_col`` column or a DatetimeIndex, one column per
variable) and returns :class:`WindowSet` objects: one contiguous float32 array of
rows plus the row at which each window starts, so that windows are cheap to
gather and never copied until asked for.

Splits are chronological *within each series*. With ``n`` rows in a series,
``val_size``/``test_size`` cut it into::

    rows:   0 ..................... v .............. t ............. n
            [        train        ) [      val     ) [     test     )
    val windows read the  input_width + gap  rows before v as context,
    test windows the ones before t; every target of a split lies in it.

so no training target reaches the validation or test rows, and the first
validation target is row ``v``. A size is a fraction of each series' rows
(rounded up, as in scikit-learn), a number of rows per series, or a timestamp at
which the split begins (the same instant for every series).

Columns of ``WindowSet.values`` are, in this order: targets, past covariates,
future covariates, calendar features. The scaler (a clone of the one given) is
fitted on the training rows only and applied to all but the calendar features,
which are sin/cos pairs already in [-1, 1].
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import check_is_fitted

from tsrnn.core.validation import FLOAT32_RULE, beyond_float32, check_int
from tsrnn.data import panel as checks
from tsrnn.data.windows import window_starts
from tsrnn.exceptions import DataWarning

__all__ = ["WindowSet", "Windower"]


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
                checks.message(
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
                    checks.message(
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
                    raise ValueError(
                        checks.message("series_id", "a series seen in fit", sid)
                    )
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
                checks.message(
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


class Windower(BaseEstimator):
    """Cut wide or long DataFrames into forecasting windows, split and scaled.

    ``__init__`` only stores its arguments; :meth:`fit` validates them and the
    frame, learns the columns, the frequency and the scaler (on training rows
    only). :meth:`split` and :meth:`transform` then produce :class:`WindowSet`
    objects. The caller's DataFrame is never modified.

    Parameters
    ----------
    input_width : int
        Rows in each input window.
    horizon : int, default=1
        Rows in each target window.
    stride : int, default=1
        Rows between the starts of consecutive windows of one series.
    gap : int, default=0
        Rows skipped between the last input row and the first target row.
    target : str or list of str, default=None
        Target columns. ``None`` takes every numeric value column that is not a
        covariate (non-numeric columns are then left out).
    past_covariates : list of str, default=None
        Inputs known only up to the end of the input window.
    future_covariates : list of str, default=None
        Inputs known over the horizon too (planned values); they appear in
        ``X`` and, over the horizon, in ``X_future``. Other columns are ignored.
    calendar : list of str, default=None
        Calendar features from the timestamps (in the frame's own time zone),
        each as a ``{name}_sin``/``{name}_cos`` pair: any of ``"minute"``,
        ``"hour"``, ``"dayofweek"``, ``"day"``, ``"dayofyear"``,
        ``"weekofyear"``, ``"month"``, ``"quarter"``. They are known-future.
    id_col : str, default=None
        Series id column of a long frame; ``None`` reads one wide series.
    time_col : str, default=None
        Timestamp column; ``None`` uses the DatetimeIndex. Text timestamps are
        parsed with ``pd.to_datetime``. Timestamps must be all tz-aware or all
        naive: they cannot mix, neither within a frame nor between ``fit`` and
        ``transform``.
    freq : str or DateOffset, default=None
        Frequency of the series; ``None`` infers it (every series must agree).
    fill_missing : {None, "ffill", "interpolate", "zero"}, default=None
        Irregular spacing raises unless set: then each series is reindexed to
        ``freq`` and only the inserted rows are filled.
    nan_policy : {"raise", "drop_windows", "ffill", "interpolate"}, default="raise"
        NaN in a used column: raise (naming the column and first timestamp);
        ``"drop_windows"`` keeps every row but drops the windows whose input
        rows, target rows or future-covariate rows touch a NaN, and reports how
        many in a :class:`tsrnn.exceptions.DataWarning`; ``"ffill"`` and
        ``"interpolate"`` fill within each series (NaN they cannot fill, at the
        edges of a series, raise). Note that interpolation reads the next
        observed value, which may lie in a later split. Infinite values always
        raise.
    scaler : scikit-learn transformer, default=None
        Column-wise transformer (``StandardScaler``, ``MinMaxScaler``, ...),
        cloned, fitted on the training rows of targets and covariates.
    scale_by : {"global", "series"}, default="global"
        One scaler for all series, or one per series (each fitted on that
        series' training rows).
    val_size, test_size : float, int, str or Timestamp, default=None
        Size of the validation / test split of each series: a fraction of its
        rows (rounded up), a number of rows, or the timestamp at which the split
        begins. Test rows come last, validation rows just before them.

    Attributes
    ----------
    columns_ : tuple of str
        Columns of ``WindowSet.values``: targets, past covariates, future
        covariates, calendar features.
    target_columns_, input_columns_, future_columns_ : tuple of str
        Targets; inputs (every column); known-future columns (future covariates
        and calendar features).
    freq_ : pandas.DateOffset
    tz_ : tzinfo or None
    series_ids_ : ndarray
        Series ids in order of first appearance (``[0]`` for a wide frame).
    scaler_ : transformer or None
        Fitted clone of ``scaler`` (``scale_by="global"``).
    scalers_ : dict
        ``series id -> fitted clone`` (``scale_by="series"``; else empty).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> frame = pd.DataFrame(
    ...     {"y": np.arange(20.0)}, index=pd.date_range("2024-01-01", periods=20))
    >>> sets = Windower(input_width=4, horizon=2, test_size=5).fit_split(frame)
    >>> len(sets["train"]), len(sets["test"])
    (10, 4)
    >>> sets["test"].X[0, :, 0].tolist(), sets["test"].y[0, :, 0].tolist()
    ([11.0, 12.0, 13.0, 14.0], [15.0, 16.0])
    """

    # Whether messages name the series of a long frame; a caller whose id column
    # is internal (the Forecaster on one wide series) subclasses with False.
    _names_series = True

    def __init__(
        self,
        input_width,
        horizon=1,
        *,
        stride=1,
        gap=0,
        target=None,
        past_covariates=None,
        future_covariates=None,
        calendar=None,
        id_col=None,
        time_col=None,
        freq=None,
        fill_missing=None,
        nan_policy="raise",
        scaler=None,
        scale_by="global",
        val_size=None,
        test_size=None,
    ):
        self.input_width = input_width
        self.horizon = horizon
        self.stride = stride
        self.gap = gap
        self.target = target
        self.past_covariates = past_covariates
        self.future_covariates = future_covariates
        self.calendar = calendar
        self.id_col = id_col
        self.time_col = time_col
        self.freq = freq
        self.fill_missing = fill_missing
        self.nan_policy = nan_policy
        self.scaler = scaler
        self.scale_by = scale_by
        self.val_size = val_size
        self.test_size = test_size

    # ------------------------------------------------------------------ public

    def fit(self, frame) -> Windower:
        """Validate ``frame``, learn columns and frequency, fit the scaler.

        The scaler sees only the training rows of each series (the rows before
        the validation cut, or the test cut when there is no validation split).
        """
        spec = checks.check_spec(self.get_params(), names_series=self._names_series)
        panel = checks.read_frame(frame, spec)
        data_columns = panel.columns
        n_targets = (
            len(spec.target)
            if spec.target
            else (len(data_columns) - len(spec.past) - len(spec.future))
        )
        calendar_columns = tuple(
            f"{name}_{part}" for name in spec.calendar for part in ("sin", "cos")
        )
        clash = set(calendar_columns) & set(data_columns)
        if clash:
            raise ValueError(
                f"Calendar columns {sorted(clash)} must not already be in `frame`. "
                "Rename those columns or leave them out of `calendar`."
            )
        lengths = np.diff(panel.bounds)
        _check_lengths(lengths, spec.span, panel, "", spec)
        cuts = _cuts(panel, spec)
        _check_lengths(cuts[:, 0], spec.span, panel, "training ", spec)

        self._spec = spec
        self._n_targets = n_targets
        self._data_columns = data_columns
        self.columns_ = (*data_columns, *calendar_columns)
        self.target_columns_ = data_columns[:n_targets]
        self.input_columns_ = self.columns_
        self.future_columns_ = (*spec.future, *calendar_columns)
        self.calendar_columns_ = calendar_columns
        self.freq_ = panel.freq
        self.tz_ = panel.tz
        self.series_ids_ = panel.ids
        self.scaler_, self.scalers_ = None, {}
        if spec.scaler is not None:
            train = [
                panel.data[panel.bounds[k] : panel.bounds[k] + cuts[k, 0]]
                for k in range(len(panel.ids))
            ]
            if spec.scale_by == "global":
                self.scaler_ = _fit_scaler(spec.scaler, np.concatenate(train))
            else:
                self.scalers_ = {
                    sid: _fit_scaler(spec.scaler, rows)
                    for sid, rows in zip(panel.ids, train, strict=True)
                }
        return self

    def split(self, frame) -> dict[str, WindowSet]:
        """Chronological splits of ``frame`` with the fitted columns and scaler.

        Returns ``{"train": ..., "val": ..., "test": ...}``; ``"val"`` and
        ``"test"`` only when ``val_size`` / ``test_size`` are set. Validation
        and test windows take the ``input_width + gap`` rows before their split
        as context, so their first target is the split's first row.
        """
        panel = self._read(frame)
        spec = self._spec
        cuts = _cuts(panel, spec)
        _check_lengths(cuts[:, 0], spec.span, panel, "training ", spec)
        n = np.diff(panel.bounds)
        context = spec.input_width + spec.gap
        out = {"train": self._windows(panel, 0 * n, cuts[:, 0], "train")}
        for name, size, (lo, hi) in (
            ("val", spec.val_size, (cuts[:, 0], cuts[:, 1])),
            ("test", spec.test_size, (cuts[:, 1], n)),
        ):
            if size is not None:
                own = hi - lo
                start = np.maximum(lo - context, 0)
                # A series with no rows in this split contributes no windows;
                # one with some rows must have room for a window.
                have = np.where(own > 0, hi - start, spec.span)
                _check_lengths(have, spec.span, panel, f"{name} (with context) ", spec)
                out[name] = self._windows(panel, np.where(own > 0, start, hi), hi, name)
        return out

    def fit_split(self, frame) -> dict[str, WindowSet]:
        """``fit(frame).split(frame)``."""
        return self.fit(frame).split(frame)

    def transform(self, frame, *, last_only=False, horizon=None, future=None):
        """All windows of ``frame`` (no split), scaled with the fitted scaler.

        Parameters
        ----------
        frame : DataFrame
            Same layout and columns as the frame given to ``fit``.
        last_only : bool, default=False
            Keep one window per series whose inputs are the last
            ``input_width`` rows, for forecasting from the end: its targets
            are the ``gap + horizon`` steps after the data, ``target_time``
            holds their timestamps, calendar features are computed for them,
            and their target and past-covariate values are NaN (unknown).
        horizon : int, default=None
            With ``last_only``: steps after the end to cover (``None``: the
            fitted horizon). A one-step model rolled forward over more steps
            needs the known-future columns of all of them.
        future : DataFrame, default=None
            With ``last_only``: the future covariates over the forecast steps,
            in the layout of ``frame`` (``id_col``, ``time_col`` or a
            DatetimeIndex). Every series needs a row at each of the ``horizon``
            target timestamps (on the fitted frequency); rows up to the end of
            ``frame`` and after the last step are ignored, so the whole
            covariate table may be passed. Scaled like the fitted columns and
            returned in ``X_future``. ``None`` leaves them NaN. Not modified.

        Returns
        -------
        WindowSet

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> index = pd.date_range("2024-01-01", periods=10, freq="D")
        >>> frame = pd.DataFrame({"y": np.arange(10.0), "plan": np.ones(10)}, index)
        >>> windower = Windower(4, 2, future_covariates=["plan"]).fit(frame)
        >>> plan = pd.DataFrame(
        ...     {"plan": [5.0, 6.0]}, pd.date_range("2024-01-11", periods=2))
        >>> ws = windower.transform(frame, last_only=True, future=plan)
        >>> ws.X[0, :, 0].tolist(), ws.X_future[0, :, 0].tolist()
        ([6.0, 7.0, 8.0, 9.0], [5.0, 6.0])
        """
        panel = self._read(frame)
        spec = self._spec
        n = np.diff(panel.bounds)
        if not last_only:
            for name, value in (("horizon", horizon), ("future", future)):
                if value is not None:
                    raise ValueError(
                        checks.message(
                            name,
                            "None unless last_only=True (it describes the steps "
                            "after the end of frame)",
                            value if name == "horizon" else "<DataFrame>",
                            "Pass last_only=True to forecast from the end.",
                        )
                    )
            _check_lengths(n, spec.span, panel, "", spec)
            return self._windows(panel, 0 * n, n, "transformed")
        steps = spec.horizon if horizon is None else check_int("horizon", horizon)
        _check_lengths(n, spec.input_width, panel, "", spec)
        known = None
        if future is not None:
            grid = {
                sid: _after(
                    panel, panel.times[panel.bounds[k + 1] - 1], spec.gap + steps
                )
                for k, sid in enumerate(panel.ids)
            }
            known = checks.read_future(future, spec, panel, grid, spec.gap)
        return self._windows(
            panel,
            n - spec.input_width,
            n,
            "last",
            extend=True,
            horizon=steps,
            known=known,
        )

    # ---------------------------------------------------------------- internal

    def _read(self, frame) -> checks.Panel:
        check_is_fitted(self, "columns_")
        return checks.read_frame(
            frame, self._spec, columns=self._data_columns, freq=self.freq_, tz=self.tz_
        )

    def _windows(
        self, panel, lo, hi, name, *, extend=False, horizon=None, known=None
    ) -> WindowSet:
        """WindowSet over rows [lo[k], hi[k]) of each series k (relative rows).

        With ``extend``, ``gap + horizon`` rows follow each series' last row:
        NaN, except the future covariates of ``known`` (``sid -> values`` over
        the ``horizon`` target rows).
        """
        spec = self._spec
        horizon = spec.horizon if horizon is None else horizon
        blocks, times, ids, starts, target_time = [], [], [], [], []
        kept = []  # series of each block
        offset = 0
        extra = spec.gap + horizon if extend else 0
        n_future = len(spec.future)
        n_data = len(self._data_columns)
        for k, sid in enumerate(panel.ids):
            first = int(panel.bounds[k])
            rows = slice(first + int(lo[k]), first + int(hi[k]))
            length = rows.stop - rows.start
            if length == 0:
                continue
            data = panel.data[rows]
            stamps = panel.times[rows]
            if extend:
                stamps = np.concatenate([stamps, _after(panel, stamps[-1], extra)])
                tail = np.full((extra, data.shape[1]), np.nan)
                if known is not None:
                    tail[spec.gap :, n_data - n_future :] = known[sid]
                data = np.vstack([data, tail])
                starts_k = np.zeros(1, dtype=np.int64)
            else:
                starts_k = window_starts(
                    length,
                    spec.input_width,
                    horizon,
                    stride=spec.stride,
                    gap=spec.gap,
                )
            blocks.append(self._scale(data, sid))
            kept.append(k)
            times.append(stamps)
            first_target = starts_k[:, None] + spec.input_width + spec.gap
            target_time.append(stamps[first_target + np.arange(horizon)])
            starts.append(starts_k + offset)
            ids.append(np.repeat(panel.ids[k : k + 1], len(starts_k)))
            offset += len(data)
        if not blocks:
            raise ValueError(
                f"The {name} split must hold rows of at least one series. Got none: "
                "every series ends before it begins. Move the split timestamp "
                "earlier or leave val_size/test_size out."
            )
        data = np.concatenate(blocks)
        stamps = np.concatenate(times)
        calendar = _calendar(panel.local_index(stamps), spec.calendar)
        _check_float32(data, stamps, blocks, kept, panel, spec, self._data_columns)
        values = np.ascontiguousarray(np.hstack([data, calendar]), dtype=np.float32)
        starts = np.concatenate(starts)
        series_id = np.concatenate(ids)
        target_time = np.concatenate(target_time)
        if spec.nan_policy == "drop_windows" and not extend:
            keep = self._clean_windows(data, starts)
            dropped = int((~keep).sum())
            if dropped == len(keep):
                raise ValueError(
                    f"The {name} windows must not all touch NaN. Got 0 of "
                    f"{len(keep)} windows left by nan_policy='drop_windows'. Fill "
                    "the NaN (nan_policy='ffill' or 'interpolate') or use more data."
                )
            if dropped:
                warnings.warn(
                    f"nan_policy='drop_windows' dropped {dropped} of {len(keep)} "
                    f"{name} windows whose inputs or targets touch NaN.",
                    DataWarning,
                    stacklevel=3,
                )
                starts, series_id = starts[keep], series_id[keep]
                target_time = target_time[keep]
        n_cal = len(self.calendar_columns_)
        return WindowSet(
            values=values,
            starts=starts.astype(np.int64),
            input_width=spec.input_width,
            horizon=horizon,
            gap=spec.gap,
            input_index=np.arange(n_data + n_cal),
            target_index=np.arange(self._n_targets),
            future_index=np.arange(n_data - n_future, n_data + n_cal),
            columns=self.columns_,
            series_id=series_id,
            target_time=target_time.astype("datetime64[ns]"),
            scaler=self.scalers_ if self.scalers_ else self.scaler_,
            n_scaled=n_data if spec.scaler is not None else 0,
            tz=panel.tz,
            id_name=panel.id_name,
            time_name=panel.time_name if panel.time_name is not None else "time",
        )

    def _scale(self, data: np.ndarray, sid) -> np.ndarray:
        if self._spec.scaler is None:
            return data
        if self.scaler_ is not None:
            scaler = self.scaler_
        elif sid in self.scalers_:
            scaler = self.scalers_[sid]
        else:
            raise ValueError(
                checks.message(
                    "series id",
                    "one seen in fit (scale_by='series')",
                    sid,
                    "Refit with this series or use scale_by='global'.",
                )
            )
        return np.asarray(scaler.transform(data), dtype=np.float64)

    def _clean_windows(self, data: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """Windows whose input rows and target/future rows hold no NaN."""
        spec = self._spec
        missing = np.isnan(data)
        n_past_end = self._n_targets + len(spec.past)
        horizon_cols = np.r_[
            np.arange(self._n_targets), np.arange(n_past_end, data.shape[1])
        ]
        bad_in = np.r_[0, np.cumsum(missing.any(axis=1))]
        bad_out = np.r_[0, np.cumsum(missing[:, horizon_cols].any(axis=1))]
        first = starts + spec.input_width + spec.gap
        ok_in = bad_in[starts + spec.input_width] == bad_in[starts]
        ok_out = bad_out[first + spec.horizon] == bad_out[first]
        return ok_in & ok_out


# ------------------------------------------------------------------ helpers


def _check_lengths(lengths, need: int, panel, what: str, spec) -> None:
    """Raise naming the first series whose ``lengths`` entry is below ``need``."""
    short = np.flatnonzero(np.asarray(lengths) < need)
    if short.size == 0:
        return
    k = int(short[0])
    label = spec.series_label(panel.ids, k)
    raise ValueError(
        f"The {what}rows{label} must number at least input_width + gap + horizon "
        f"= {need}. Got {int(lengths[k])} rows. Use a shorter input_width or "
        "horizon, smaller val_size/test_size, or drop that series."
        if need == spec.span
        else f"The rows{label} must number at least input_width = {need} to "
        f"forecast from the end. Got {int(lengths[k])} rows."
    )


def _check_float32(data, stamps, blocks, kept, panel, spec, columns) -> None:
    """Refuse finite (scaled) values that the float32 of the windows makes inf."""
    where = beyond_float32(data)
    if where is None:
        return
    row, col = where
    ends = np.cumsum([len(block) for block in blocks])
    k = kept[int(np.searchsorted(ends, row, side="right"))]
    scaled = "scaled value" if spec.scaler is not None else "value"
    stamp = panel.local_index(stamps[row : row + 1])[0]
    raise ValueError(
        f"Values must fit in float32 ({FLOAT32_RULE}), the dtype of the windows. "
        f"Got {scaled} {float(data[row, col])!r} in column {columns[col]!r}"
        f"{spec.series_label(panel.ids, k)} at {stamp}. Rescale that column first "
        "(e.g. divide it by a constant) or pass a scaler such as "
        "scaler=StandardScaler()."
    )


def _cuts(panel, spec) -> np.ndarray:
    """Per series, the relative rows ``(v, t)`` where validation and test begin."""
    n_series = len(panel.ids)
    cuts = np.empty((n_series, 2), dtype=np.int64)
    for k in range(n_series):
        times = panel.times[panel.series(k)]
        n = len(times)
        label = spec.series_label(panel.ids, k)
        test = _cut("test_size", spec.test_size, times, n, n, label, panel.tz)
        val = _cut("val_size", spec.val_size, times, n, test, label, panel.tz)
        cuts[k] = val, test
    if (
        isinstance(spec.val_size, pd.Timestamp)
        and isinstance(spec.test_size, pd.Timestamp)
        and spec.val_size > spec.test_size
    ):
        raise ValueError(
            checks.message(
                "val_size",
                f"a timestamp before test_size={spec.test_size}",
                spec.val_size,
                "Validation rows come before the test rows.",
            )
        )
    return cuts


def _cut(name, size, times, n: int, end: int, label: str, tz) -> int:
    """First row of a split that ends at row ``end`` of a series of ``n`` rows."""
    if size is None:
        return end
    if isinstance(size, pd.Timestamp):
        if (size.tz is None) != (tz is None):
            raise ValueError(
                checks.message(
                    name,
                    "tz-aware exactly when the data is (they cannot mix)",
                    size,
                    f"The data has tz={tz}.",
                )
            )
        if size.tz is not None:
            size = size.tz_convert("UTC").tz_localize(None)
        return min(int(np.searchsorted(times, size.as_unit("ns").to_datetime64())), end)
    rows = size if isinstance(size, int) else math.ceil(size * n)
    if rows > end:
        raise ValueError(
            checks.message(
                name,
                f"at most the {end} rows left{label}",
                size,
                "Use a smaller split.",
            )
        )
    return end - rows


def _fit_scaler(scaler, rows: np.ndarray):
    fitted = clone(scaler).fit(rows)
    out = np.asarray(fitted.transform(rows[:1]))
    if out.shape != (1, rows.shape[1]):
        raise ValueError(
            checks.message(
                "scaler",
                "a column-wise transformer (one output column per input)",
                scaler,
                "Use e.g. StandardScaler, MinMaxScaler or RobustScaler.",
            )
        )
    return fitted


def _after(panel, last, count: int) -> np.ndarray:
    """The ``count`` timestamps after ``last`` on the fitted grid."""
    local = panel.local_index(np.array([last]))[0]
    future = pd.date_range(local, periods=count + 1, freq=panel.freq)[1:]
    if panel.tz is not None:
        future = future.tz_convert("UTC").tz_localize(None)
    return future.as_unit("ns").to_numpy()


def _calendar(index: pd.DatetimeIndex, names) -> np.ndarray:
    """sin/cos pairs of each calendar feature, shape (len(index), 2 * len(names))."""
    columns = []
    for name in names:
        if name == "weekofyear":
            value = index.isocalendar().week.to_numpy(dtype=np.float64) - 1
            period = 53.0
        else:
            accessor = checks.CALENDAR[name][0]
            value = getattr(index, accessor).to_numpy(dtype=np.float64)
            if name == "day":
                value, period = value - 1, index.days_in_month.to_numpy(np.float64)
            elif name == "dayofyear":
                value = value - 1
                period = 365.0 + index.is_leap_year.astype(np.float64)
            elif name in ("month", "quarter"):
                value, period = value - 1, checks.CALENDAR[name][1]
            else:
                period = checks.CALENDAR[name][1]
        angle = 2 * np.pi * value / period
        columns += [np.sin(angle), np.cos(angle)]
    if not columns:
        return np.empty((len(index), 0))
    return np.column_stack(columns)
