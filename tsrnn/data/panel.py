"""The validated container of the data layer: :class:`Panel` and :func:`read_frame`.

:func:`read_frame` checks a DataFrame once and returns a :class:`Panel`: one
float64 array of the value columns with the rows of each series contiguous
and in time order, on a regular time grid, with missing values handled by the
policy. :class:`tsrnn.Windower` trusts a Panel and never re-parses it; a
caller that already holds checked series (the Forecaster) builds one with
:meth:`Panel.from_blocks` instead of writing a DataFrame to be read again.

The caller's DataFrame is only read, never modified.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from tsrnn.core.validation import infer_freq, message
from tsrnn.data.spec import WIDE_ID, Spec
from tsrnn.data.timestamps import (
    check_order,
    label_of,
    local_index,
    read_timestamps,
)

__all__ = ["Panel", "read_data", "read_frame", "resolve_columns"]


@dataclass(frozen=True)
class Panel:
    """Validated series: ``data[bounds[k]:bounds[k + 1]]`` are the rows of series k.

    ``times`` are datetime64[ns]; for tz-aware input they hold UTC wall time and
    ``tz`` holds the zone. ``data`` columns are ``columns`` (targets, past
    covariates, future covariates) and may hold NaN only under
    ``nan_policy="drop_windows"``. ``id_name`` is None for one wide series,
    whose id (``0``) is internal and never named in messages.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> panel = Panel.from_blocks(
    ...     ["a", "b"],
    ...     [pd.date_range("2024-01-01", periods=3), pd.date_range("2024-02-01",
    ...                                                           periods=2)],
    ...     [np.arange(3.0)[:, None], np.arange(2.0)[:, None]],
    ...     columns=["y"], freq="D", id_name="id", time_name="time")
    >>> panel.bounds.tolist(), panel.data[:, 0].tolist()
    ([0, 3, 5], [0.0, 1.0, 2.0, 0.0, 1.0])
    >>> panel.take([1, 0], [3, 1]).data[:, 0].tolist()
    [1.0, 2.0, 0.0]
    >>> panel.take(0, 1, series=[1]).ids.tolist()
    ['b']
    """

    ids: np.ndarray
    bounds: np.ndarray
    times: np.ndarray
    data: np.ndarray
    columns: tuple
    tz: object
    freq: pd.DateOffset
    id_name: object
    time_name: object

    @classmethod
    def from_blocks(
        cls,
        ids,
        times_per_series,
        data_per_series,
        columns,
        freq,
        tz=None,
        id_name=None,
        time_name=None,
    ) -> Panel:
        """A Panel from series already checked by the caller (not re-checked).

        Parameters
        ----------
        ids : sequence
            Series ids, in the order of the other arguments.
        times_per_series : sequence of DatetimeIndex or datetime64 arrays
            Timestamps of each series, increasing on the grid of ``freq``.
            Tz-aware ones are converted to ``tz``; naive ones are read as
            UTC wall time when ``tz`` is set.
        data_per_series : sequence of arrays of shape (n_k, len(columns))
            Values of each series, in the order of ``columns``.
        columns : sequence of str
            Targets, then past covariates, then future covariates.
        freq : str or DateOffset
            Frequency of every series.
        tz : tzinfo or str, default=None
            Time zone of the timestamps.
        id_name, time_name : str, default=None
            Names of the id and time columns; ``id_name=None`` marks one
            wide series whose id is never named in messages.

        Returns
        -------
        Panel
        """
        width = len(columns)
        blocks = [
            np.asarray(block, dtype=np.float64).reshape(-1, width)
            for block in data_per_series
        ]
        stamps = [_as_utc_times(times) for times in times_per_series]
        lengths = [len(block) for block in blocks]
        if [len(times) for times in stamps] != lengths or len(ids) != len(blocks):
            raise ValueError(
                message(
                    "times_per_series",
                    "one timestamp per row of data_per_series, for each of `ids`",
                    f"<{[len(times) for times in stamps]} timestamps>",
                    f"The data has {lengths} rows for {len(ids)} ids.",
                )
            )
        values = np.asarray(ids)
        return cls(
            ids=values.astype(object) if values.dtype.kind in "OTU" else values,
            bounds=np.r_[0, np.cumsum(lengths)].astype(np.int64),
            times=np.concatenate(stamps) if stamps else np.empty(0, "M8[ns]"),
            data=np.concatenate(blocks) if blocks else np.empty((0, width)),
            columns=tuple(columns),
            tz=tz,
            freq=to_offset(freq),
            id_name=id_name,
            time_name=time_name,
        )

    def take(self, lo, hi, *, series=None) -> Panel:
        """Rows ``[lo[i], hi[i])`` of each series (rows relative to the series).

        A series may be left with no rows; windowing skips it.

        Parameters
        ----------
        lo, hi : int or array-like of int
            One entry per kept series (a number applies to all).
        series : array-like of int, default=None
            Positions in ``ids`` of the series to keep, in this order; None
            keeps every series.

        Returns
        -------
        Panel
        """
        whole = series is None and np.array_equal(np.asarray(lo), 0)
        if whole and np.array_equal(np.asarray(hi), np.diff(self.bounds)):
            return self  # every row (panels are immutable: no copy needed)
        keep = np.arange(len(self.ids)) if series is None else np.asarray(series)
        first = self.bounds[keep]
        lo = first + np.broadcast_to(np.asarray(lo, dtype=np.int64), keep.shape)
        hi = first + np.broadcast_to(np.asarray(hi, dtype=np.int64), keep.shape)
        rows = ragged_range(lo, hi)
        return replace(
            self,
            ids=self.ids[keep],
            bounds=np.r_[0, np.cumsum(hi - lo)].astype(np.int64),
            times=self.times[rows],
            data=self.data[rows],
        )

    def local_index(self, times: np.ndarray | None = None) -> pd.DatetimeIndex:
        """``times`` as a DatetimeIndex in the frame's own time zone."""
        return local_index(self.times if times is None else times, self.tz)

    def series(self, k: int) -> slice:
        """Rows of series ``k`` in ``times`` and ``data``."""
        return slice(int(self.bounds[k]), int(self.bounds[k + 1]))

    def label(self, k: int) -> str:
        """`` of series 'a'`` for series ``k`` in messages; nothing when wide."""
        return label_of(None if self.id_name is None else self.ids, k)

    def after(self, last, count: int) -> np.ndarray:
        """The ``count`` timestamps after ``last`` on the grid (as ``times``)."""
        local = self.local_index(np.array([last]))[0]
        future = pd.date_range(local, periods=count + 1, freq=self.freq)[1:]
        if self.tz is not None:
            future = future.tz_convert("UTC").tz_localize(None)
        return future.as_unit("ns").to_numpy()


def _as_utc_times(times) -> np.ndarray:
    index = pd.DatetimeIndex(times)
    if index.tz is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    return index.as_unit("ns").to_numpy()


# ------------------------------------------------------------------------ frames


def read_data(data, spec: Spec, *, columns=None, freq=None, tz=False) -> Panel:
    """``data`` as a :class:`Panel`: a DataFrame is read, a Panel is trusted.

    A Panel is not re-checked, only compared with what the windower needs: its
    ``columns`` must be the targets, then the past covariates, then the future
    covariates of ``spec`` (``columns`` once fitted); once fitted, its ``freq``
    and ``tz`` must be the fitted ones. Arguments as for :func:`read_frame`.
    """
    if not isinstance(data, Panel):
        return read_frame(data, spec, columns=columns, freq=freq, tz=tz)
    if columns is None:
        covariates = (*spec.past, *spec.future)
        target = spec.target
        if target is None:
            target = tuple(c for c in data.columns if c not in covariates)
        columns = (*target, *covariates)
        freq = spec.freq
    if tuple(data.columns) != tuple(columns) or len(columns) == len(spec.past) + len(
        spec.future
    ):
        raise ValueError(
            message(
                "panel.columns",
                f"the columns the Windower needs, in order: targets, past "
                f"covariates, future covariates ({list(columns)})",
                list(data.columns),
                "Build the Panel with those columns or change target/covariates.",
            )
        )
    if freq is not None and data.freq != freq:
        raise ValueError(
            message(
                "panel.freq",
                f"the frequency of the Windower ({freq.freqstr!r})",
                data.freq.freqstr,
            )
        )
    if tz is not False and str(data.tz) != str(tz):
        raise ValueError(
            message(
                "panel.tz",
                f"the time zone the Windower was fitted on (tz={tz})",
                str(data.tz),
                "Convert the timestamps to that zone first.",
            )
        )
    return data


def read_frame(
    frame,
    spec: Spec,
    *,
    columns=None,
    freq=None,
    tz=False,
    name="frame",
    sort_series=False,
) -> Panel:
    """Validate ``frame`` and return its series as a :class:`Panel`.

    At fit time ``columns``/``freq`` are None and are resolved from the frame;
    at transform time they are the fitted ones and ``tz`` is the fitted zone
    (``False`` means "not fitted yet"). ``name`` is the argument the caller
    passed ``frame`` as, for messages. ``sort_series=True`` puts the rows of
    each series of a long frame in time order first (the Forecaster's reading:
    a long frame's rows may come in any order); otherwise unsorted rows raise.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            message(name, "a pandas DataFrame", type(frame).__name__)
            + " Wrap arrays with pd.DataFrame(..., index=pd.date_range(...))."
        )
    if len(frame) == 0:
        raise ValueError(f"`{name}` must have rows. Got an empty DataFrame.")
    if not frame.columns.is_unique:
        repeated = frame.columns[frame.columns.duplicated()].unique().tolist()
        raise ValueError(
            f"`{name}` must have unique column names. Got repeated {repeated}."
        )
    for key in ("id_col", "time_col"):
        column = getattr(spec, key)
        if column is not None and column not in frame.columns:
            raise ValueError(
                message(key, f"a column of `{name}`", column)
                + f" Available columns: {frame.columns.tolist()}."
            )
    index, time_name = read_timestamps(frame, spec.time_col, name=name)
    if tz is not False and (index.tz is None) != (tz is None):
        raise ValueError(
            "Timestamps must be all tz-aware or all tz-naive: tz-aware and naive "
            f"cannot mix. The Windower was fitted on tz={tz} data; got "
            f"tz={index.tz}. Convert with .dt.tz_localize or .dt.tz_convert."
        )
    tz = index.tz
    codes, ids, id_name = series_codes(frame, spec.id_col)
    if columns is None:
        columns = resolve_columns(frame, spec, name=name)
    values = numeric_values(frame, columns, name=name)

    utc = index if tz is None else index.tz_convert("UTC").tz_localize(None)
    times = utc.as_unit("ns").to_numpy()
    if sort_series:
        order = np.lexsort((times, codes))
    else:
        order = np.argsort(codes, kind="stable")
    codes = codes[order]
    times = times[order]
    values = values[order]
    bounds = np.searchsorted(codes, np.arange(len(ids) + 1)).astype(np.int64)
    labels = ids if spec.id_col is not None else None
    check_order(times, bounds, labels, tz)

    local = pd.DatetimeIndex(times)
    if tz is not None:
        local = local.tz_localize("UTC").tz_convert(tz)
    freq = freq if freq is not None else spec.freq
    if freq is None:
        freq = _infer_freq(local, bounds, labels)
    local, values, bounds = _regularize(local, values, bounds, labels, freq, spec)
    if tz is None:
        times = local.as_unit("ns").to_numpy()
    else:
        times = local.tz_convert("UTC").tz_localize(None).as_unit("ns").to_numpy()
    values = _missing_values(values, bounds, local, labels, columns, spec.nan_policy)
    return Panel(
        ids=ids,
        bounds=bounds,
        times=times,
        data=values,
        columns=tuple(columns),
        tz=tz,
        freq=freq,
        id_name=id_name,
        time_name=time_name,
    )


def resolve_columns(frame: pd.DataFrame, spec: Spec, *, name="frame") -> tuple:
    """Targets, then past covariates, then future covariates (all numeric)."""
    reserved = {spec.id_col, spec.time_col}
    available = [c for c in frame.columns if c not in reserved]
    covariates = (*spec.past, *spec.future)
    for key, group in (
        ("target", spec.target or ()),
        ("past_covariates", spec.past),
        ("future_covariates", spec.future),
    ):
        missing = [c for c in group if c not in available]
        if missing:
            raise ValueError(
                message(key, f"columns of `{name}`", list(group))
                + f" Missing: {missing}. Available value columns: {available}."
            )
    target = spec.target if spec.target is not None else numeric_targets(frame, spec)
    return (*target, *covariates)


def numeric_targets(frame: pd.DataFrame, spec: Spec) -> tuple:
    """The targets when ``target=None``: numeric value columns, not covariates."""
    reserved = {spec.id_col, spec.time_col, *spec.past, *spec.future}
    available = [c for c in frame.columns if c not in {spec.id_col, spec.time_col}]
    target = tuple(
        c for c in available if c not in reserved and is_numeric(frame[c].dtype)
    )
    if not target:
        raise ValueError(
            message("target", "given when no value column is numeric", None)
            + f" Value columns: {available}. Name the target column(s)."
        )
    return target


def is_numeric(dtype) -> bool:
    """Whether a column of ``dtype`` holds real numbers (bool included)."""
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(
        dtype
    )


def numeric_values(frame: pd.DataFrame, columns, *, name="frame") -> np.ndarray:
    """``columns`` of ``frame`` as float64 (NaN for missing), checked numeric."""
    for column in columns:
        if column not in frame.columns:
            raise ValueError(
                f"Column {column!r} must be in `{name}`: the Windower was fitted with "
                f"columns {list(columns)}. Got frame columns {frame.columns.tolist()}."
            )
        dtype = frame[column].dtype
        if not is_numeric(dtype):
            raise TypeError(
                f"Column {column!r} must be numeric. Got dtype {dtype}. Convert it "
                "with pd.to_numeric or leave it out of target/covariates."
            )
    return frame[list(columns)].to_numpy(dtype=np.float64, na_value=np.nan)


def series_codes(frame: pd.DataFrame, id_col):
    """Series number of each row, the ids, and the id column (None when wide)."""
    if id_col is None:
        return np.zeros(len(frame), dtype=np.int64), np.array([WIDE_ID]), None
    codes, uniques = pd.factorize(frame[id_col], sort=False, use_na_sentinel=True)
    if (codes < 0).any():
        row = int(np.flatnonzero(codes < 0)[0])
        raise ValueError(
            f"Column {id_col!r} (`id_col`) must not hold missing series ids. Got a "
            f"missing id at row {row}. Drop those rows or fill the ids."
        )
    ids = np.asarray(uniques.to_numpy())
    if ids.dtype.kind in "OTU":
        ids = ids.astype(object)
    return codes.astype(np.int64), ids, id_col


def _infer_one(index: pd.DatetimeIndex):
    return infer_freq(index)


def _infer_freq(local, bounds, ids) -> pd.DateOffset:
    found = {}
    for k in range(len(bounds) - 1):
        offset = _infer_one(local[bounds[k] : bounds[k + 1]])
        if offset is not None:
            found.setdefault(offset, k)
    if len(found) > 1:
        (a, ka), (b, kb) = list(found.items())[:2]
        raise ValueError(
            "All series must share one frequency. Got "
            f"{a.freqstr!r}{label_of(ids, ka)} and {b.freqstr!r}"
            f"{label_of(ids, kb)}. Resample them to one frequency first."
        )
    if found:
        return next(iter(found))
    # No series is regular: the most common step is the best guess; it is
    # only used when fill_missing is set, otherwise _regularize raises.
    diffs = np.diff(local.asi8)
    inside = np.ones(len(diffs), dtype=bool)
    inside[bounds[1:-1] - 1] = False
    diffs = diffs[inside & (diffs > 0)]
    if diffs.size == 0:
        raise ValueError(
            message("freq", "given when no series has 2 or more rows", None)
        )
    steps, counts = np.unique(diffs, return_counts=True)
    return to_offset(pd.Timedelta(int(steps[np.argmax(counts)]), "ns"))


def _regularize(local, values, bounds, ids, freq, spec: Spec):
    """Check each series lies on the ``freq`` grid; reindex gaps if asked."""
    pieces, new_values, new_bounds = [], [], [0]
    changed = False
    for k in range(len(bounds) - 1):
        part = local[bounds[k] : bounds[k + 1]]
        block = values[bounds[k] : bounds[k + 1]]
        grid = pd.date_range(part[0], part[-1], freq=freq)
        if len(grid) != len(part) or not grid.equals(part):
            off_grid = ~part.isin(grid)
            if off_grid.any():
                stamp = part[int(np.flatnonzero(off_grid)[0])]
                raise ValueError(
                    f"Timestamps{label_of(ids, k)} must lie on one regular grid "
                    f"of frequency {freq.freqstr!r}. Got {stamp}, which is off the "
                    f"grid that starts at {part[0]}. Pass the right `freq` or "
                    "resample the frame first (frame.resample(...).mean())."
                )
            missing = grid[~grid.isin(part)]
            if spec.fill_missing is None:
                raise ValueError(
                    f"Timestamps{label_of(ids, k)} must be regularly spaced "
                    f"at frequency {freq.freqstr!r}. Got {len(missing)} missing "
                    f"timestamps, the first at {missing[0]}. Pass "
                    "fill_missing='ffill', 'interpolate' or 'zero' to reindex and "
                    f"fill, or freq=... if {freq.freqstr!r} is wrong."
                )
            block = _fill_gaps(part, block, grid, spec.fill_missing)
            part, changed = grid, True
        pieces.append(part)
        new_values.append(block)
        new_bounds.append(new_bounds[-1] + len(part))
    if not changed:
        return local, values, bounds
    return (
        pieces[0].append(pieces[1:]) if len(pieces) > 1 else pieces[0],
        np.concatenate(new_values),
        np.asarray(new_bounds, dtype=np.int64),
    )


def _fill_gaps(part, block, grid, method) -> np.ndarray:
    """Values on ``grid``; only the inserted rows are filled, never existing NaN."""
    frame = pd.DataFrame(block, index=part).reindex(grid)
    inserted = ~grid.isin(part)
    if method == "zero":
        filled = frame.fillna(0.0)
    elif method == "ffill":
        filled = frame.ffill()
    else:
        filled = frame.interpolate(method="time", limit_area="inside")
    out = frame.to_numpy(copy=True)
    out[inserted] = filled.to_numpy()[inserted]
    return out


def _missing_values(values, bounds, local, ids, columns, policy) -> np.ndarray:
    """Reject inf always and NaN under "raise"; fill NaN under ffill/interpolate."""
    infinite = np.isinf(values)
    if infinite.any():
        _raise_at(infinite, values, bounds, local, ids, columns, "finite", policy)
    missing = np.isnan(values)
    if not missing.any() or policy == "drop_windows":
        return values
    if policy == "raise":
        _raise_at(missing, values, bounds, local, ids, columns, "free of NaN", policy)
    frame = pd.DataFrame(values)
    n_series = len(bounds) - 1
    codes = np.repeat(np.arange(n_series), np.diff(bounds))
    if policy == "ffill":
        filled = frame.groupby(codes).ffill()
    else:
        parts = [
            frame.iloc[bounds[k] : bounds[k + 1]].interpolate(
                method="linear", limit_area="inside"
            )
            for k in range(n_series)
        ]
        filled = pd.concat(parts)
    out = filled.to_numpy(dtype=np.float64)
    left = np.isnan(out)
    if left.any():
        _raise_at(left, out, bounds, local, ids, columns, "fillable", policy)
    return out


def _raise_at(mask, values, bounds, local, ids, columns, rule, policy) -> None:
    row, col = (int(i) for i in np.argwhere(mask)[0])
    k = int(np.searchsorted(bounds, row, side="right") - 1)
    where = f"column {columns[col]!r}{label_of(ids, k)} at {local[row]}"
    if rule == "finite":
        raise ValueError(
            f"Values must be finite. Got {float(values[row, col])!r} in {where}. "
            "Replace inf with NaN (frame.replace([np.inf, -np.inf], np.nan)) "
            "and choose a `nan_policy`."
        )
    if rule == "fillable":
        raise ValueError(
            f"`nan_policy`={policy!r} must leave no NaN. Got a NaN it cannot fill in "
            f"{where} (NaN at the start of a series has no earlier value; "
            "'interpolate' also needs a later one). Trim those rows or use "
            "nan_policy='drop_windows'."
        )
    raise ValueError(
        f"Values must not be NaN with nan_policy='raise'. Got NaN in {where}. "
        "Pass nan_policy='drop_windows' to drop the windows that touch NaN, or "
        "'ffill' / 'interpolate' to fill them."
    )


def ragged_range(lo, hi) -> np.ndarray:
    """``np.arange(lo[i], hi[i])`` for every ``i``, concatenated (int64).

    An empty range where ``hi[i] <= lo[i]``. One pass of array arithmetic, no
    Python loop over the ranges.

    Examples
    --------
    >>> ragged_range(np.array([0, 10, 5]), np.array([2, 13, 5])).tolist()
    [0, 1, 10, 11, 12]
    """
    lo = np.asarray(lo, dtype=np.int64)
    lengths = np.maximum(np.asarray(hi, dtype=np.int64) - lo, 0)
    ends = np.cumsum(lengths)
    return np.arange(int(ends[-1]) if ends.size else 0, dtype=np.int64) + np.repeat(
        lo - (ends - lengths), lengths
    )
