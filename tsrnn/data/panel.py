"""Validation at the boundary of the pandas layer: arguments and frames.

Two checks happen once, in :meth:`tsrnn.Windower.fit` and ``transform``, and
produce validated containers that the rest of :mod:`tsrnn.data.windower` trusts:

- :func:`check_spec` turns the ``Windower`` arguments into a :class:`Spec`;
- :func:`read_frame` turns a DataFrame into a :class:`Panel`: one float64 array
  of the value columns with the rows of each series contiguous and in time
  order, on a regular time grid, with missing values handled by the policy.

The caller's DataFrame is only read, never modified.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from tsrnn.core.validation import check_int, infer_freq, message, plain

NAN_POLICIES = ("raise", "drop_windows", "ffill", "interpolate")
FILL_METHODS = ("ffill", "interpolate", "zero")
SCALE_BY = ("global", "series")
# name -> (accessor on a DatetimeIndex, period or None for "days in the month")
CALENDAR = {
    "minute": ("minute", 60),
    "hour": ("hour", 24),
    "dayofweek": ("day_of_week", 7),
    "day": ("day", None),
    "dayofyear": ("day_of_year", None),
    "weekofyear": ("weekofyear", 53),
    "month": ("month", 12),
    "quarter": ("quarter", 4),
}
WIDE_ID = 0


@dataclass(frozen=True)
class Spec:
    """The validated arguments of a ``Windower``."""

    input_width: int
    horizon: int
    stride: int
    gap: int
    target: tuple | None
    past: tuple
    future: tuple
    calendar: tuple
    id_col: object
    time_col: object
    freq: pd.DateOffset | None
    fill_missing: str | None
    nan_policy: str
    scaler: object
    scale_by: str
    val_size: object
    test_size: object
    names_series: bool = True

    @property
    def span(self) -> int:
        return self.input_width + self.gap + self.horizon

    def labels(self, ids):
        """``ids`` for messages about a series, or None when none should be named.

        A wide frame has one series with an internal id; so does a caller (the
        Forecaster) that windows one wide series as a long frame of its own.
        """
        return ids if self.id_col is not None and self.names_series else None

    def series_label(self, ids, k: int) -> str:
        """ " of series 'a'" for series ``k`` of a long frame, else nothing."""
        return _series_label(self.labels(ids), k)


@dataclass(frozen=True)
class Panel:
    """Validated series: ``data[bounds[k]:bounds[k + 1]]`` are the rows of series k.

    ``times`` are datetime64[ns]; for tz-aware input they hold UTC wall time and
    ``tz`` holds the zone. ``data`` columns are ``columns`` (targets, past
    covariates, future covariates) and may hold NaN only under
    ``nan_policy="drop_windows"``.
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

    def local_index(self, times: np.ndarray | None = None) -> pd.DatetimeIndex:
        """``times`` as a DatetimeIndex in the frame's own time zone."""
        index = pd.DatetimeIndex(self.times if times is None else times)
        return (
            index if self.tz is None else index.tz_localize("UTC").tz_convert(self.tz)
        )

    def series(self, k: int) -> slice:
        return slice(int(self.bounds[k]), int(self.bounds[k + 1]))


# --------------------------------------------------------------------- arguments


def check_spec(params: dict, *, names_series: bool = True) -> Spec:
    """Validate the arguments of a ``Windower`` (its ``get_params()``).

    ``names_series=False`` keeps the series ids of a long frame out of error
    messages (for a caller whose id column is its own, not the user's).
    """
    p = params
    input_width = check_int("input_width", p["input_width"])
    horizon = check_int("horizon", p["horizon"])
    stride = check_int("stride", p["stride"])
    gap = check_int("gap", p["gap"], minimum=0)
    target = None if p["target"] is None else _names("target", p["target"])
    past = _names("past_covariates", p["past_covariates"], empty=True)
    future = _names("future_covariates", p["future_covariates"], empty=True)
    calendar = _names("calendar", p["calendar"], empty=True)
    for name in calendar:
        if name not in CALENDAR:
            raise ValueError(
                message("calendar", f"a list of names from {list(CALENDAR)}", name)
            )
    _no_overlap({"target": target or (), "past_covariates": past, "future": future})
    freq = p["freq"]
    if freq is not None:
        try:
            freq = to_offset(freq)
        except (ValueError, TypeError) as error:
            raise ValueError(
                message("freq", "a pandas frequency such as 'h', 'D' or 'MS'", freq)
            ) from error
    for name, allowed in (
        ("fill_missing", (None, *FILL_METHODS)),
        ("nan_policy", NAN_POLICIES),
        ("scale_by", SCALE_BY),
    ):
        if p[name] not in allowed:
            raise ValueError(message(name, f"one of {list(allowed)}", p[name]))
    scaler = p["scaler"]
    if scaler is not None and not all(
        callable(getattr(scaler, m, None)) for m in ("fit", "transform")
    ):
        raise TypeError(
            message(
                "scaler",
                "a scikit-learn transformer (with fit, transform, inverse_transform)",
                scaler,
                "Pass e.g. sklearn.preprocessing.StandardScaler().",
            )
        )
    if scaler is not None and not callable(getattr(scaler, "inverse_transform", None)):
        raise TypeError(
            message(
                "scaler",
                "invertible (have inverse_transform) so predictions map back",
                scaler,
            )
        )
    return Spec(
        input_width=input_width,
        horizon=horizon,
        stride=stride,
        gap=gap,
        target=target,
        past=past,
        future=future,
        calendar=calendar,
        id_col=p["id_col"],
        time_col=p["time_col"],
        freq=freq,
        fill_missing=p["fill_missing"],
        nan_policy=p["nan_policy"],
        scaler=scaler,
        scale_by=p["scale_by"],
        val_size=_split_size("val_size", p["val_size"]),
        test_size=_split_size("test_size", p["test_size"]),
        names_series=names_series,
    )


def _names(name: str, value, *, empty: bool = False) -> tuple:
    if empty and value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list | tuple | pd.Index) or not (len(value) or empty):
        raise TypeError(
            message(name, "a column name or a non-empty list of column names", value)
        )
    names = tuple(value)
    if len(set(names)) != len(names):
        raise ValueError(message(name, "a list without repeated names", value))
    return names


def _no_overlap(groups: dict) -> None:
    seen: dict = {}
    for group, names in groups.items():
        for column in names:
            if column in seen:
                raise ValueError(
                    f"Column {column!r} is listed in both `{seen[column]}` and "
                    f"`{group}`. A column plays one role; list it only once."
                )
            seen[column] = group


def _split_size(name: str, value):
    """None, a fraction in (0, 1), a positive row count, or a pd.Timestamp."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError(message(name, "a fraction, a row count or a timestamp", value))
    if isinstance(value, numbers.Integral):
        return check_int(name, value)
    if isinstance(value, numbers.Real):
        if not 0.0 < value < 1.0:
            raise ValueError(
                message(name, "a fraction strictly between 0 and 1", value)
            )
        return float(value)
    if isinstance(value, str | datetime | date | np.datetime64 | pd.Timestamp):
        try:
            return pd.Timestamp(value)
        except (ValueError, TypeError) as error:
            raise ValueError(message(name, "a parseable timestamp", value)) from error
    raise TypeError(
        message(
            name,
            "a fraction in (0, 1), a number of rows, or a timestamp",
            value,
            "Example: test_size=0.2, test_size=36 or test_size='1958-01-01'.",
        )
    )


# ------------------------------------------------------------------------ frames


def read_frame(frame, spec: Spec, *, columns=None, freq=None, tz=False) -> Panel:
    """Validate ``frame`` and return its series as a :class:`Panel`.

    At fit time ``columns``/``freq`` are None and are resolved from the frame;
    at transform time they are the fitted ones and ``tz`` is the fitted zone
    (``False`` means "not fitted yet").
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            message("frame", "a pandas DataFrame", type(frame).__name__)
            + " Wrap arrays with pd.DataFrame(..., index=pd.date_range(...))."
        )
    if len(frame) == 0:
        raise ValueError("`frame` must have rows. Got an empty DataFrame.")
    if not frame.columns.is_unique:
        repeated = frame.columns[frame.columns.duplicated()].unique().tolist()
        raise ValueError(
            f"`frame` must have unique column names. Got repeated {repeated}."
        )
    for name in ("id_col", "time_col"):
        column = getattr(spec, name)
        if column is not None and column not in frame.columns:
            raise ValueError(
                message(name, "a column of `frame`", column)
                + f" Available columns: {frame.columns.tolist()}."
            )
    index, time_name = read_timestamps(frame, spec.time_col)
    if tz is not False and (index.tz is None) != (tz is None):
        raise ValueError(
            "Timestamps must be all tz-aware or all tz-naive: tz-aware and naive "
            f"cannot mix. The Windower was fitted on tz={tz} data; got "
            f"tz={index.tz}. Convert with .dt.tz_localize or .dt.tz_convert."
        )
    tz = index.tz
    codes, ids, id_name = _series_codes(frame, spec.id_col)
    if columns is None:
        columns = resolve_columns(frame, spec)
    values = _numeric(frame, columns)

    order = np.argsort(codes, kind="stable")
    codes = codes[order]
    utc = index if tz is None else index.tz_convert("UTC").tz_localize(None)
    times = utc.as_unit("ns").to_numpy()[order]
    values = values[order]
    bounds = np.searchsorted(codes, np.arange(len(ids) + 1)).astype(np.int64)
    labels = spec.labels(ids)
    _check_order(times, bounds, labels, tz)

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


def resolve_columns(frame: pd.DataFrame, spec: Spec) -> tuple:
    """Targets, then past covariates, then future covariates (all numeric)."""
    reserved = {spec.id_col, spec.time_col}
    available = [c for c in frame.columns if c not in reserved]
    covariates = (*spec.past, *spec.future)
    for name, group in (
        ("target", spec.target or ()),
        ("past_covariates", spec.past),
        ("future_covariates", spec.future),
    ):
        missing = [c for c in group if c not in available]
        if missing:
            raise ValueError(
                message(name, "columns of `frame`", list(group))
                + f" Missing: {missing}. Available value columns: {available}."
            )
    target = spec.target
    if target is None:
        target = tuple(
            c for c in available if c not in covariates and _is_numeric(frame[c].dtype)
        )
        if not target:
            raise ValueError(
                message("target", "given when no value column is numeric", None)
                + f" Value columns: {available}. Name the target column(s)."
            )
    return (*target, *covariates)


def _is_numeric(dtype) -> bool:
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(
        dtype
    )


def _numeric(frame: pd.DataFrame, columns) -> np.ndarray:
    for column in columns:
        if column not in frame.columns:
            raise ValueError(
                f"Column {column!r} must be in `frame`: the Windower was fitted with "
                f"columns {list(columns)}. Got frame columns {frame.columns.tolist()}."
            )
        dtype = frame[column].dtype
        if not _is_numeric(dtype):
            raise TypeError(
                f"Column {column!r} must be numeric. Got dtype {dtype}. Convert it "
                "with pd.to_numeric or leave it out of target/covariates."
            )
    return frame[list(columns)].to_numpy(dtype=np.float64, na_value=np.nan)


def read_timestamps(
    frame: pd.DataFrame, time_col, name: str = "frame"
) -> tuple[pd.DatetimeIndex, object]:
    """The timestamps of ``frame`` (its ``time_col`` or its DatetimeIndex), checked.

    ``name`` is the argument the caller passed ``frame`` as, for messages.
    Returns the DatetimeIndex and the name of the time column or index.
    """
    if time_col is None:
        raw, label = frame.index, frame.index.name
        where = f"the index of `{name}`"
        if not isinstance(raw, pd.DatetimeIndex):
            _refuse_mixed_tz(raw, where)
            raise TypeError(
                message(f"{name}.index", "a DatetimeIndex", type(raw).__name__)
                + f" Set one with {name}.set_index(pd.to_datetime({name}['date'])) "
                "or pass time_col='date'."
            )
    else:
        raw, label = frame[time_col], time_col
        where = f"column {time_col!r}"
    if pd.api.types.is_numeric_dtype(raw.dtype) or pd.api.types.is_bool_dtype(
        raw.dtype
    ):
        raise TypeError(
            f"{where} must hold timestamps. Got dtype {raw.dtype}. Convert it "
            "with pd.to_datetime."
        )
    if not isinstance(raw.dtype, pd.DatetimeTZDtype) and raw.dtype.kind != "M":
        try:
            raw = pd.to_datetime(raw)
        except (ValueError, TypeError) as error:
            _refuse_mixed_tz(raw, where)
            raise ValueError(
                f"{where} must hold timestamps, all tz-aware or all tz-naive "
                f"(they cannot mix). Got values that pd.to_datetime cannot read: "
                f"{error}. Parse them yourself with pd.to_datetime(..., format=...)."
            ) from error
    index = pd.DatetimeIndex(raw)
    if index.hasnans:
        row = int(np.flatnonzero(index.isna())[0])
        raise ValueError(
            f"{where} must not hold missing timestamps. Got NaT at row {row}. "
            "Drop or fill those rows first."
        )
    return index, label


def _refuse_mixed_tz(values, where: str) -> None:
    """Raise, naming the first of each kind, if ``values`` mix aware and naive times.

    Only called once reading ``values`` as timestamps has failed, so the loop
    over Python objects costs nothing on valid input.
    """
    first: dict = {}
    for row, value in enumerate(values):
        if not isinstance(value, str | datetime | np.datetime64):
            continue
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, TypeError):
            continue
        if stamp is pd.NaT:
            continue
        first.setdefault("aware" if stamp.tz is not None else "naive", (row, stamp))
        if len(first) == 2:
            break
    if len(first) < 2:
        return
    (row_a, aware), (row_n, naive) = first["aware"], first["naive"]
    raise ValueError(
        f"{where} must hold timestamps, all tz-aware or all tz-naive: they cannot "
        f"mix. Got tz-aware {aware} at row {row_a} and naive {naive} at row "
        f"{row_n}. Make them one kind: localize the naive ones "
        "(pd.to_datetime(naive).tz_localize(zone)), or read all as UTC and convert "
        "(pd.to_datetime(values, utc=True).tz_convert(zone))."
    )


def check_series_times(index: pd.DatetimeIndex, label=None) -> None:
    """Raise as :func:`read_frame` does unless ``index`` strictly increases.

    For callers that hold one series at a time (the Forecaster): the same
    duplicate and ordering messages. ``label`` is the series id of a long
    frame, None for a wide one (then no series is named).
    """
    tz = index.tz
    utc = index if tz is None else index.tz_convert("UTC").tz_localize(None)
    times = utc.as_unit("ns").to_numpy()
    bounds = np.array([0, len(times)], dtype=np.int64)
    _check_order(times, bounds, None if label is None else [label], tz)


def _series_codes(frame: pd.DataFrame, id_col):
    if id_col is None:
        return np.zeros(len(frame), dtype=np.int64), np.array([WIDE_ID]), "series"
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


def _series_label(labels, k: int) -> str:
    """ " of series 'a'" in long format; nothing for a wide frame (labels None)."""
    return "" if labels is None else f" of series {plain(labels[k])!r}"


def _check_order(times, bounds, ids, tz) -> None:
    diffs = np.diff(times)
    bad = diffs <= np.timedelta64(0, "ns")
    # A step from one series to the next is not an ordering error.
    bad[bounds[1:-1] - 1] = False
    if not bad.any():
        return
    row = int(np.flatnonzero(bad)[0]) + 1
    k = int(np.searchsorted(bounds, row, side="right") - 1)
    stamp = _stamp(times[row], tz)
    if diffs[row - 1] == np.timedelta64(0, "ns"):
        raise ValueError(
            f"Timestamps{_series_label(ids, k)} must be unique. Got duplicate "
            f"timestamp {stamp}. Aggregate or drop duplicates first, e.g. "
            "frame.groupby(...).mean() or frame.drop_duplicates(...)."
        )
    raise ValueError(
        f"Timestamps{_series_label(ids, k)} must be sorted in increasing order. "
        f"Got {stamp} after {_stamp(times[row - 1], tz)}. Sort first: "
        "frame.sort_index() (wide) or frame.sort_values([id_col, time_col]) (long)."
    )


def _stamp(value, tz) -> str:
    stamp = pd.Timestamp(value)
    return str(stamp if tz is None else stamp.tz_localize("UTC").tz_convert(tz))


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
            f"{a.freqstr!r}{_series_label(ids, ka)} and {b.freqstr!r}"
            f"{_series_label(ids, kb)}. Resample them to one frequency first."
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
                    f"Timestamps{_series_label(ids, k)} must lie on one regular grid "
                    f"of frequency {freq.freqstr!r}. Got {stamp}, which is off the "
                    f"grid that starts at {part[0]}. Pass the right `freq` or "
                    "resample the frame first (frame.resample(...).mean())."
                )
            missing = grid[~grid.isin(part)]
            if spec.fill_missing is None:
                raise ValueError(
                    f"Timestamps{_series_label(ids, k)} must be regularly spaced "
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
    where = f"column {columns[col]!r}{_series_label(ids, k)} at {local[row]}"
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


# ----------------------------------------------------------- known future


def read_future(future, spec: Spec, panel: Panel, grid: dict, skip: int) -> dict:
    """Values of the future covariates over the forecast steps of each series.

    ``grid`` maps a series id to the datetime64[ns] timestamps (UTC wall time
    for tz-aware data) after its last row; all but the first ``skip`` (the
    ``gap`` rows, which no window reads) must be covered. ``future`` is a frame
    in the layout of the fitted frame (``id_col``, ``time_col`` or a
    DatetimeIndex) holding at least ``spec.future``; its rows up to the end of
    each series are ignored, the later ones up to the last grid timestamp must
    lie on the fitted grid.
    Returns ``series id -> ndarray (len(grid[id]) - skip, len(spec.future))``.
    """
    columns = spec.future
    if not columns:
        raise ValueError(
            message(
                "future",
                "None when the Windower has no future_covariates (calendar "
                "features are computed from the timestamps)",
                "<DataFrame>",
                "Leave `future` out, or fit with future_covariates=[...].",
            )
        )
    if not isinstance(future, pd.DataFrame):
        raise TypeError(
            message("future", "a pandas DataFrame", type(future).__name__)
            + f" It holds the future covariates {list(columns)} over the horizon."
        )
    for name in ("id_col", "time_col"):
        column = getattr(spec, name)
        if column is not None and column not in future.columns:
            raise ValueError(
                message(name, "a column of `future`", column)
                + f" Available columns: {future.columns.tolist()}."
            )
    missing = [c for c in columns if c not in future.columns]
    if missing:
        raise ValueError(
            f"`future` must have the future covariates {list(columns)}. Got "
            f"columns {future.columns.tolist()}; missing {missing}."
        )
    index, _ = read_timestamps(future, spec.time_col, name="future")
    if (index.tz is None) != (panel.tz is None):
        raise ValueError(
            "Timestamps of `future` must be tz-aware exactly when the fitted data "
            f"is (they cannot mix). The Windower was fitted on tz={panel.tz} "
            f"data; got tz={index.tz}. Convert with .tz_localize or .tz_convert."
        )
    utc = index if index.tz is None else index.tz_convert("UTC").tz_localize(None)
    times = utc.as_unit("ns").to_numpy()
    values = _numeric(future, columns)
    if spec.id_col is None:
        groups = {WIDE_ID: np.arange(len(future))}
    else:
        codes, ids, _ = _series_codes(future, spec.id_col)
        known = set(panel.ids.tolist())
        unknown = [sid for sid in ids.tolist() if sid not in known]
        if unknown:
            raise ValueError(
                f"`future` must hold only the series of `frame`. Got series "
                f"{unknown[0]!r}, which `frame` lacks. Drop its rows."
            )
        groups = {sid: np.flatnonzero(codes == k) for k, sid in enumerate(ids)}
    out = {}
    for k, sid in enumerate(panel.ids):
        label = spec.series_label(panel.ids, k)
        after = grid[sid]
        wanted = after[skip:]
        rows = groups.get(sid, np.empty(0, dtype=np.int64))
        last = panel.times[panel.bounds[k + 1] - 1]
        rows = rows[(times[rows] > last) & (times[rows] <= after[-1])]
        order = np.argsort(times[rows], kind="stable")
        rows = rows[order]
        stamps = times[rows]
        if len(np.unique(stamps)) != len(stamps):
            repeated = pd.Index(stamps)[pd.Index(stamps).duplicated()][0]
            raise ValueError(
                f"`future` must have one row per timestamp{label}. Got "
                f"{_stamp(repeated, panel.tz)} more than once."
            )
        off_grid = ~np.isin(stamps, after)
        if off_grid.any():
            raise ValueError(
                f"Timestamps of `future`{label} must lie on the fitted grid of "
                f"frequency {panel.freq.freqstr!r} after the last row. Got "
                f"{_stamp(stamps[np.flatnonzero(off_grid)[0]], panel.tz)}, which "
                "is off the grid. Resample `future` to the frame's frequency."
            )
        uncovered = ~np.isin(wanted, stamps)
        if uncovered.any():
            raise ValueError(
                f"`future` must cover the {len(wanted)} forecast steps{label}. Got "
                f"no row at {_stamp(wanted[np.flatnonzero(uncovered)[0]], panel.tz)}."
                f" Pass future covariates up to {_stamp(wanted[-1], panel.tz)}."
            )
        block = values[rows[np.searchsorted(stamps, wanted)]]
        bad = ~np.isfinite(block)
        if bad.any():
            row, col = (int(i) for i in np.argwhere(bad)[0])
            raise ValueError(
                f"`future` values must be finite numbers. Got "
                f"{float(block[row, col])!r} in column {columns[col]!r}{label} at "
                f"{_stamp(wanted[row], panel.tz)}. Fill in the planned values."
            )
        out[sid] = block
    return out
