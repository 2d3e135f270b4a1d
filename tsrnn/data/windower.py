"""From pandas frames to windows: columns, splits, scaling, and back to time.

A :class:`Windower` reads either a *wide* frame (one series: a DatetimeIndex or
a ``time_col`` column, one column per variable) or a *long* frame (many series:
an ``id_col`` column, a ``time_col`` column or a DatetimeIndex, one column per
variable), or a :class:`~tsrnn.data.panel.Panel` already read from one, and
returns :class:`~tsrnn.data.windowset.WindowSet` objects: one contiguous
float32 array of rows plus the row at which each window starts, so that
windows are cheap to gather and never copied until asked for.

Splits are chronological *within each series* (:mod:`tsrnn.data.splits`): no
training target reaches the validation or test rows, and the first validation
target is the first validation row.

Columns of ``WindowSet.values`` are, in this order: targets, past covariates,
future covariates, calendar features. The scaler (a clone of the one given) is
fitted on the training rows only and applied to all but the calendar features,
which are sin/cos pairs already in [-1, 1].
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import check_is_fitted

from tsrnn.core.validation import FLOAT32_RULE, beyond_float32, check_int, message
from tsrnn.data.calendar import calendar_columns, calendar_features
from tsrnn.data.future import read_future
from tsrnn.data.panel import Panel, read_data
from tsrnn.data.spec import check_spec
from tsrnn.data.splits import (
    check_lengths,
    check_split_order,
    check_split_rows,
    cut_series,
    split_rows,
)
from tsrnn.data.windowset import WindowSet
from tsrnn.exceptions import DataWarning

__all__ = ["WindowSet", "Windower"]


class Windower(BaseEstimator):
    """Cut wide or long DataFrames into forecasting windows, split and scaled.

    ``__init__`` only stores its arguments; :meth:`fit` validates them and the
    frame, learns the columns, the frequency and the scaler (on training rows
    only). :meth:`split` and :meth:`transform` then produce :class:`WindowSet`
    objects. The caller's DataFrame is never modified. Each method also takes
    a :class:`tsrnn.data.panel.Panel` (from :func:`tsrnn.data.panel.read_frame`
    or :meth:`~tsrnn.data.panel.Panel.from_blocks`), already checked: it is not
    parsed again, only its columns, frequency and time zone are compared with
    what the Windower needs.

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

        ``frame`` is a DataFrame or an already checked :class:`Panel`. The
        scaler sees only the training rows of each series (the rows before
        the validation cut, or the test cut when there is no validation split).
        """
        spec = check_spec(self.get_params())
        panel = read_data(frame, spec)
        data_columns = panel.columns
        n_targets = len(data_columns) - len(spec.past) - len(spec.future)
        calendar = calendar_columns(spec.calendar)
        clash = set(calendar) & set(data_columns)
        if clash:
            raise ValueError(
                f"Calendar columns {sorted(clash)} must not already be in `frame`. "
                "Rename those columns or leave them out of `calendar`."
            )
        lengths = np.diff(panel.bounds)
        check_lengths(lengths, spec.span, spec, panel.label)
        cuts = _cuts(panel, spec)
        check_split_rows("train", 0, cuts[:, 0], spec, panel.label)

        self._spec = spec
        self._n_targets = n_targets
        self._data_columns = data_columns
        self.columns_ = (*data_columns, *calendar)
        self.target_columns_ = data_columns[:n_targets]
        self.input_columns_ = self.columns_
        self.future_columns_ = (*spec.future, *calendar)
        self.calendar_columns_ = calendar
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

        ``frame`` is a DataFrame or a :class:`Panel`. Returns
        ``{"train": ..., "val": ..., "test": ...}``; ``"val"`` and ``"test"``
        only when ``val_size`` / ``test_size`` are set. Validation and test
        windows take the ``input_width + gap`` rows before their split as
        context, so their first target is the split's first row.
        """
        panel = self._read(frame)
        spec = self._spec
        cuts = _cuts(panel, spec)
        n = np.diff(panel.bounds)
        out = {}
        for name, size in (
            ("train", 0),
            ("val", spec.val_size),
            ("test", spec.test_size),
        ):
            if size is None:
                continue
            lo, hi = split_rows(name, n, cuts[:, 0], cuts[:, 1], spec)
            check_split_rows(name, lo, hi, spec, panel.label)
            out[name] = self._windows(panel, lo, hi, name)
        return out

    def fit_split(self, frame) -> dict[str, WindowSet]:
        """``fit(frame).split(frame)``."""
        return self.fit(frame).split(frame)

    def transform(self, frame, *, last_only=False, horizon=None, future=None):
        """All windows of ``frame`` (no split), scaled with the fitted scaler.

        Parameters
        ----------
        frame : DataFrame or Panel
            Same layout and columns as the frame given to ``fit`` (a Panel must
            have the fitted columns, frequency and time zone).
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
        future : DataFrame or dict, default=None
            With ``last_only``: the future covariates over the forecast steps,
            in the layout of ``frame`` (``id_col``, ``time_col`` or a
            DatetimeIndex). Every series needs a row at each of the ``horizon``
            target timestamps (on the fitted frequency); rows up to the end of
            ``frame`` and after the last step are ignored, so the whole
            covariate table may be passed. Scaled like the fitted columns and
            returned in ``X_future``. ``None`` leaves them NaN. Not modified.
            A dict ``{series id: array of shape (horizon, n_future_covariates)}``
            gives those values directly (already checked by the caller), one
            row per target step, in the order of ``future_covariates``.

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
        >>> ws = windower.transform(frame, last_only=True,
        ...                         future={0: np.array([[5.0], [6.0]])})
        >>> ws.X_future[0, :, 0].tolist()
        [5.0, 6.0]
        """
        panel = self._read(frame)
        spec = self._spec
        n = np.diff(panel.bounds)
        if not last_only:
            for name, value in (("horizon", horizon), ("future", future)):
                if value is not None:
                    raise ValueError(
                        message(
                            name,
                            "None unless last_only=True (it describes the steps "
                            "after the end of frame)",
                            value if name == "horizon" else "<DataFrame>",
                            "Pass last_only=True to forecast from the end.",
                        )
                    )
            check_lengths(n, spec.span, spec, panel.label)
            return self._windows(panel, 0 * n, n, "transformed")
        steps = spec.horizon if horizon is None else check_int("horizon", horizon)
        check_lengths(n, spec.input_width, spec, panel.label)
        known = None
        if isinstance(future, dict):
            missing = [sid for sid in panel.ids.tolist() if sid not in future]
            if missing:
                raise ValueError(
                    message(
                        "future",
                        "a dict with the future covariates of every series",
                        f"<dict without series {missing[0]!r}>",
                    )
                )
            known = future
        elif future is not None:
            grid = {
                sid: panel.after(panel.times[panel.bounds[k + 1] - 1], spec.gap + steps)
                for k, sid in enumerate(panel.ids)
            }
            known = read_future(future, spec, panel, grid, spec.gap)
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

    def _read(self, frame) -> Panel:
        check_is_fitted(self, "columns_")
        return read_data(
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
        extra = spec.gap + horizon if extend else 0
        n_future = len(spec.future)
        n_data = len(self._data_columns)
        # Every series at once: the rows of series k go to one block of the
        # output, followed by ``extra`` rows past its end when extending.
        lo, hi = np.asarray(lo, dtype=np.int64), np.asarray(hi, dtype=np.int64)
        kept = np.flatnonzero(hi > lo)
        if kept.size == 0:
            raise ValueError(
                f"The {name} split must hold rows of at least one series. Got none: "
                "every series ends before it begins. Move the split timestamp "
                "earlier or leave val_size/test_size out."
            )
        lengths = (hi - lo)[kept]
        sizes = lengths + extra
        ends = np.cumsum(sizes)
        offsets = ends - sizes
        source = _ragged(panel.bounds[kept] + lo[kept], lengths)
        target = _ragged(offsets, lengths)
        data = np.full((int(ends[-1]), panel.data.shape[1]), np.nan)
        data[target] = panel.data[source]
        stamps = np.empty(int(ends[-1]), dtype="datetime64[ns]")
        stamps[target] = panel.times[source]
        if extend:
            tails = _ragged(offsets + lengths, np.full(len(kept), extra))
            last = panel.times[panel.bounds[kept] + hi[kept] - 1]
            stamps[tails] = _after_each(panel, last, extra).ravel()
            if known is not None:
                future = _ragged(
                    offsets + lengths + spec.gap, np.full(len(kept), horizon)
                )
                values = np.stack([known[sid] for sid in panel.ids[kept].tolist()])
                data[future, n_data - n_future :] = values.reshape(-1, n_future)
            counts = np.ones(len(kept), dtype=np.int64)
            starts = offsets.copy()
        else:
            counts = np.maximum(0, (lengths - spec.span) // spec.stride + 1)
            starts = _ragged(offsets, counts, step=spec.stride)
        data = self._scale_blocks(data, panel.ids[kept], offsets, sizes)
        calendar = calendar_features(panel.local_index(stamps), spec.calendar)
        _check_float32(data, stamps, ends, kept, panel, spec, self._data_columns)
        values = np.ascontiguousarray(np.hstack([data, calendar]), dtype=np.float32)
        series_id = np.repeat(panel.ids[kept], counts)
        first_target = starts[:, None] + spec.input_width + spec.gap
        target_time = stamps[first_target + np.arange(horizon)]
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
            id_name=panel.id_name if panel.id_name is not None else "series",
            time_name=panel.time_name if panel.time_name is not None else "time",
        )

    def _scale_blocks(self, data, ids, offsets, sizes) -> np.ndarray:
        """``data`` scaled: in one call (global), or block by block per series."""
        if self._spec.scaler is None:
            return data
        if self.scaler_ is not None:
            return np.asarray(self.scaler_.transform(data), dtype=np.float64)
        out = np.empty_like(data)
        for sid, start, size in zip(ids.tolist(), offsets, sizes, strict=True):
            if sid not in self.scalers_:
                raise ValueError(
                    message(
                        "series id",
                        "one seen in fit (scale_by='series')",
                        sid,
                        "Refit with this series or use scale_by='global'.",
                    )
                )
            rows = slice(int(start), int(start + size))
            out[rows] = self.scalers_[sid].transform(data[rows])
        return out

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


def _check_float32(data, stamps, ends, kept, panel, spec, columns) -> None:
    """Refuse finite (scaled) values that the float32 of the windows makes inf."""
    where = beyond_float32(data)
    if where is None:
        return
    row, col = where
    k = int(kept[int(np.searchsorted(ends, row, side="right"))])
    scaled = "scaled value" if spec.scaler is not None else "value"
    stamp = panel.local_index(stamps[row : row + 1])[0]
    raise ValueError(
        f"Values must fit in float32 ({FLOAT32_RULE}), the dtype of the windows. "
        f"Got {scaled} {float(data[row, col])!r} in column {columns[col]!r}"
        f"{panel.label(k)} at {stamp}. Rescale that column first "
        "(e.g. divide it by a constant) or pass a scaler such as "
        "scaler=StandardScaler()."
    )


def _ragged(starts, counts, step: int = 1) -> np.ndarray:
    """``concat(starts[i] + step * arange(counts[i]))`` without a Python loop."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    within = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(np.asarray(starts, dtype=np.int64), counts) + step * within


def _after_each(panel: Panel, last: np.ndarray, count: int) -> np.ndarray:
    """The ``count`` grid timestamps after each of ``last``, shape (n, count).

    Panels mostly end on a few dates, so the grid is built once per date.
    """
    out = np.empty((len(last), count), dtype="datetime64[ns]")
    unique, inverse = np.unique(last, return_inverse=True)
    for j, stamp in enumerate(unique):
        out[inverse == j] = panel.after(stamp, count)
    return out


def _cuts(panel: Panel, spec) -> np.ndarray:
    """Per series, the relative rows ``(v, t)`` where validation and test begin."""
    cuts = np.empty((len(panel.ids), 2), dtype=np.int64)
    for k in range(len(panel.ids)):
        cuts[k] = cut_series(
            panel.times[panel.series(k)], spec, panel.tz, panel.label(k)
        )
    check_split_order(spec)
    return cuts


def _fit_scaler(scaler, rows: np.ndarray):
    fitted = clone(scaler).fit(rows)
    out = np.asarray(fitted.transform(rows[:1]))
    if out.shape != (1, rows.shape[1]):
        raise ValueError(
            message(
                "scaler",
                "a column-wise transformer (one output column per input)",
                scaler,
                "Use e.g. StandardScaler, MinMaxScaler or RobustScaler.",
            )
        )
    return fitted
