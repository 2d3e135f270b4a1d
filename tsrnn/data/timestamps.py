"""Timestamps of a frame: read, checked for mixed time zones, and ordered.

Shared by :func:`tsrnn.data.panel.read_frame` (every series of a frame),
:func:`tsrnn.data.future.read_future`, the Parquet reader and the Forecaster
(one series at a time), so that every caller raises the same messages.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from tsrnn.core.validation import message, series_label

__all__ = [
    "check_order",
    "check_series_times",
    "label_of",
    "local_index",
    "read_timestamps",
    "stamp",
]


def label_of(ids, k: int) -> str:
    """`` of series 'a'`` for series ``k`` of ``ids``; nothing when ``ids`` is None.

    ``ids`` is None for one wide series, whose id is internal.

    >>> label_of(["a", "b"], 1), label_of(None, 0)
    (" of series 'b'", '')
    """
    return "" if ids is None else series_label(ids[k])


def local_index(times: np.ndarray, tz) -> pd.DatetimeIndex:
    """datetime64[ns] ``times`` (UTC wall time when ``tz`` is set) in the zone ``tz``.

    >>> local_index(np.array(["2024-01-01T12:00"], "M8[ns]"), "Europe/Paris")[0]
    Timestamp('2024-01-01 13:00:00+0100', tz='Europe/Paris')
    """
    index = pd.DatetimeIndex(times)
    return index if tz is None else index.tz_localize("UTC").tz_convert(tz)


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
    check_order(times, bounds, None if label is None else [label], tz)


def check_order(times, bounds, ids, tz) -> None:
    """Raise unless ``times`` strictly increase within each series.

    ``times`` are datetime64[ns] (UTC wall time when ``tz`` is set); series k
    holds rows ``bounds[k]:bounds[k + 1]``; ``ids`` name the series in messages
    (None: one wide series, named nowhere).
    """
    diffs = np.diff(times)
    bad = diffs <= np.timedelta64(0, "ns")
    # A step from one series to the next is not an ordering error.
    bad[bounds[1:-1] - 1] = False
    if not bad.any():
        return
    row = int(np.flatnonzero(bad)[0]) + 1
    k = int(np.searchsorted(bounds, row, side="right") - 1)
    when = stamp(times[row], tz)
    if diffs[row - 1] == np.timedelta64(0, "ns"):
        raise ValueError(
            f"Timestamps{label_of(ids, k)} must be unique. Got duplicate "
            f"timestamp {when}. Aggregate or drop duplicates first, e.g. "
            "frame.groupby(...).mean() or frame.drop_duplicates(...)."
        )
    raise ValueError(
        f"Timestamps{label_of(ids, k)} must be sorted in increasing order. "
        f"Got {when} after {stamp(times[row - 1], tz)}. Sort first: "
        "frame.sort_index() (wide) or frame.sort_values([id_col, time_col]) (long)."
    )


def stamp(value, tz) -> str:
    """``value`` (UTC wall time when ``tz`` is set) as text in the zone ``tz``."""
    stamp = pd.Timestamp(value)
    return str(stamp if tz is None else stamp.tz_localize("UTC").tz_convert(tz))
