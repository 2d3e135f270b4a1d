"""The windowing core: chronological splits per series, their context rows,
their lengths and their window starts.

Shared by :class:`tsrnn.Windower` (series in memory) and
:class:`tsrnn.data.parquet.ParquetWindower` (series read file by file), so that
both cut, check and window every series the same way. With ``n`` rows in a
series, ``val_size``/``test_size`` cut it into::

    rows:   0 ..................... v .............. t ............. n
            [        train        ) [      val     ) [     test     )
    val windows read the  input_width + gap  rows before v as context,
    test windows the ones before t; every target of a split lies in it.

A size is a fraction of each series' rows (rounded up, as in scikit-learn), a
number of rows per series, or a timestamp at which the split begins (the same
instant for every series).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from tsrnn.core.validation import message
from tsrnn.data.spec import Spec
from tsrnn.data.windows import window_starts

__all__ = [
    "SPLITS",
    "check_lengths",
    "check_split_order",
    "check_split_rows",
    "cut_series",
    "split_names",
    "split_rows",
    "split_starts",
]

SPLITS = ("train", "val", "test")


def split_names(spec: Spec) -> list[str]:
    """The splits ``spec`` asks for: always ``"train"``, then val and test if set.

    >>> from tsrnn.data.spec import check_spec
    >>> split_names(check_spec({"input_width": 4, "horizon": 1, "test_size": 3}))
    ['train', 'test']
    """
    sizes = (0, spec.val_size, spec.test_size)
    return [name for name, size in zip(SPLITS, sizes, strict=True) if size is not None]


def cut_series(times: np.ndarray, spec: Spec, tz, label: str = "") -> tuple[int, int]:
    """The rows ``(v, t)`` of one series where validation and test begin.

    ``times`` are the series' datetime64[ns] timestamps (UTC wall time when
    ``tz`` is set); ``label`` names the series in messages. Without a split,
    its cut is the end of the series (``t == n``, ``v == t``).

    >>> from tsrnn.data.spec import check_spec
    >>> spec = check_spec({"input_width": 2, "val_size": 0.2, "test_size": 3})
    >>> times = pd.date_range("2024-01-01", periods=10).to_numpy()
    >>> cut_series(times, spec, None)
    (5, 7)
    """
    n = len(times)
    test = _cut("test_size", spec.test_size, times, n, n, label, tz)
    val = _cut("val_size", spec.val_size, times, n, test, label, tz)
    return val, test


def check_split_order(spec: Spec) -> None:
    """Raise when a validation timestamp comes after the test timestamp."""
    if (
        isinstance(spec.val_size, pd.Timestamp)
        and isinstance(spec.test_size, pd.Timestamp)
        and spec.val_size > spec.test_size
    ):
        raise ValueError(
            message(
                "val_size",
                f"a timestamp before test_size={spec.test_size}",
                spec.val_size,
                "Validation rows come before the test rows.",
            )
        )


def split_rows(name: str, n, v, t, spec: Spec):
    """Rows ``[lo, hi)`` of a series that the windows of split ``name`` read.

    ``n``, ``v`` and ``t`` (rows, validation cut, test cut) are numbers or
    arrays with one entry per series. Validation and test windows take the
    ``input_width + gap`` rows before their split as context; a series with
    no rows in a split gets ``lo == hi`` (no windows).

    >>> from tsrnn.data.spec import check_spec
    >>> spec = check_spec({"input_width": 3, "gap": 1})
    >>> split_rows("train", 20, 12, 16, spec), split_rows("val", 20, 12, 16, spec)
    ((0, 12), (8, 16))
    """
    if name == "train":
        return 0 * n, v
    lo, hi = (v, t) if name == "val" else (t, n)
    start = np.maximum(lo - spec.context, 0)
    lo = np.where(hi > lo, start, hi)
    return (int(lo), hi) if np.ndim(lo) == 0 else (lo, hi)


def check_split_rows(name: str, lo, hi, spec: Spec, label, where: str = "") -> None:
    """Raise unless each series has room for a window in split ``name``.

    A series with no rows in the validation or test split is fine (it gives
    no windows); the training rows must always hold a window. ``label(k)``
    names series ``k``; ``where`` is added to the count (" in a.parquet").
    """
    lengths = np.atleast_1d(np.asarray(hi) - np.asarray(lo))
    what = "training " if name == "train" else f"{name} (with context) "
    if name != "train":
        lengths = np.where(lengths > 0, lengths, spec.span)
    check_lengths(lengths, spec.span, spec, label, what, where)


def check_lengths(lengths, need: int, spec: Spec, label, what="", where="") -> None:
    """Raise naming the first series whose ``lengths`` entry is below ``need``.

    ``need`` is ``spec.span`` (a whole window) or ``spec.input_width`` (inputs
    to forecast from the end); ``label(k)`` names series ``k``.
    """
    short = np.flatnonzero(np.asarray(lengths) < need)
    if short.size == 0:
        return
    k = int(short[0])
    rows = f"{int(lengths[k])} rows{where}"
    if need == spec.span:
        raise ValueError(
            f"The {what}rows{label(k)} must number at least input_width + gap + "
            f"horizon = {need}. Got {rows}. Use a shorter input_width or horizon, "
            "smaller val_size/test_size, or drop that series."
        )
    raise ValueError(
        f"The rows{label(k)} must number at least input_width = {need} to "
        f"forecast from the end. Got {rows}."
    )


def split_starts(length: int, spec: Spec, horizon: int | None = None) -> np.ndarray:
    """Start row of each window over ``length`` rows of one series (and split).

    >>> from tsrnn.data.spec import check_spec
    >>> split_starts(10, check_spec({"input_width": 4, "horizon": 2, "stride": 2}))
    array([0, 2, 4])
    """
    horizon = spec.horizon if horizon is None else horizon
    return window_starts(
        length, spec.input_width, horizon, stride=spec.stride, gap=spec.gap
    )


def _cut(name, size, times, n: int, end: int, label: str, tz) -> int:
    """First row of a split that ends at row ``end`` of a series of ``n`` rows."""
    if size is None:
        return end
    if isinstance(size, pd.Timestamp):
        if (size.tz is None) != (tz is None):
            raise ValueError(
                message(
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
            message(
                name,
                f"at most the {end} rows left{label}",
                size,
                "Use a smaller split.",
            )
        )
    return end - rows
