"""Overlapping windows over a numpy array: the index arithmetic every layer uses.

A window is an input slice followed, after an optional ``gap``, by a target
slice. With ``T`` rows, window ``i`` starts at row ``s = i * stride``::

    rows:     0   1   2   3   4   5   6   7   8   9 ...            T-1
    window 0  [ X X X X ] g g [ y y ]
              s=0       s+input_width  s+input_width+gap  ..+horizon
    window 1      [ X X X X ] g g [ y y ]            (stride=1)
    ...
    last                          [ X X X X ] g g [ y y ]
                                                      ^ row <= T-1

    X[i] = data[s : s + input_width]
    y[i] = data[s + input_width + gap : s + input_width + gap + horizon]

so a window spans ``input_width + gap + horizon`` rows and there are
``(T - span) // stride + 1`` windows. Targets always come strictly after the
inputs: ``gap=0`` means the first target is the row right after the last input.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from tsrnn.core.validation import as_float_array, check_int

__all__ = [
    "make_windows",
    "n_windows",
    "target_columns",
    "window_span",
    "window_starts",
]


def window_span(input_width: int, horizon: int = 1, *, gap: int = 0) -> int:
    """Rows covered by one window: ``input_width + gap + horizon``.

    >>> window_span(24, 12, gap=2)
    38
    """
    input_width = check_int("input_width", input_width)
    horizon = check_int("horizon", horizon)
    gap = check_int("gap", gap, minimum=0)
    return input_width + gap + horizon


def n_windows(
    length: int, input_width: int, horizon: int = 1, *, stride: int = 1, gap: int = 0
) -> int:
    """Number of complete windows in a series of ``length`` rows (0 if too short).

    >>> n_windows(10, 4, 2)
    5
    >>> n_windows(10, 4, 2, stride=2)
    3
    >>> n_windows(5, 4, 2)
    0
    """
    span = window_span(input_width, horizon, gap=gap)
    stride = check_int("stride", stride)
    length = check_int("length", length, minimum=0)
    return max(0, (length - span) // stride + 1)


def window_starts(
    length: int, input_width: int, horizon: int = 1, *, stride: int = 1, gap: int = 0
) -> np.ndarray:
    """Row at which each window's input begins, as an int64 array.

    >>> window_starts(10, 4, 2, stride=2)
    array([0, 2, 4])
    """
    count = n_windows(length, input_width, horizon, stride=stride, gap=gap)
    return np.arange(count, dtype=np.int64) * stride


def target_columns(targets, n_features: int):
    """Normalize ``targets`` to a slice (view-friendly) or an int array."""
    if targets is None:
        return slice(None)
    if isinstance(targets, slice):
        if not range(n_features)[targets]:
            raise ValueError(
                f"`targets` must select at least one of the {n_features} columns of "
                f"`data`. Got targets={targets!r}, which selects none."
            )
        return targets
    columns = np.atleast_1d(np.asarray(targets))
    if columns.dtype.kind not in "iu" or columns.ndim != 1 or columns.size == 0:
        raise TypeError(
            "`targets` must be None, a column index, a list of column indices or a "
            f"slice. Got targets={targets!r}."
        )
    bad = columns[(columns < -n_features) | (columns >= n_features)]
    if bad.size:
        raise ValueError(
            f"`targets` must index one of the {n_features} columns of `data`. "
            f"Got targets={targets!r}; out of range: {bad.tolist()}."
        )
    columns = columns % n_features
    if columns.size == 1 or np.all(np.diff(columns) == 1):
        return slice(int(columns[0]), int(columns[-1]) + 1)
    return columns


def make_windows(
    data,
    input_width: int,
    horizon: int = 1,
    *,
    stride: int = 1,
    gap: int = 0,
    targets=None,
) -> tuple[np.ndarray, np.ndarray]:
    """Cut ``data`` into overlapping input windows ``X`` and target windows ``y``.

    Parameters
    ----------
    data : array-like of shape (T,) or (T, F)
        Rows in time order. 1-D input is read as one feature.
    input_width : int
        Rows in each input window.
    horizon : int, default=1
        Rows in each target window.
    stride : int, default=1
        Rows between the starts of consecutive windows.
    gap : int, default=0
        Rows skipped between the last input row and the first target row.
    targets : int, list of int, slice or None, default=None
        Columns of ``data`` that form ``y``. ``None`` takes every column.

    Returns
    -------
    X : ndarray of shape (n, input_width, F)
    y : ndarray of shape (n, horizon, n_targets)
        Read-only views into ``data`` (no copy) whenever ``data`` is a float array
        and the target columns are contiguous; see the module docstring for the
        index arithmetic.

    Raises
    ------
    ValueError
        If ``data`` is shorter than one window, holds NaN or inf, or a width is
        not a positive integer.

    Examples
    --------
    >>> import numpy as np
    >>> X, y = make_windows(np.arange(10), input_width=4, horizon=2, stride=3)
    >>> X[..., 0]
    array([[0., 1., 2., 3.],
           [3., 4., 5., 6.]])
    >>> y[..., 0]
    array([[4., 5.],
           [7., 8.]])
    """
    array = as_float_array("data", data, ndim=(1, 2))
    if array.ndim == 1:
        array = array[:, None]
    length, n_features = array.shape
    count = n_windows(length, input_width, horizon, stride=stride, gap=gap)
    if count == 0:
        raise ValueError(
            "`data` must have at least input_width + gap + horizon = "
            f"{input_width + gap + horizon} rows. Got data with {length} rows. "
            "Use a shorter input_width or horizon, or more data."
        )
    _check_finite(array)
    columns = target_columns(targets, n_features)
    last = (count - 1) * stride + 1
    X = sliding_window_view(array, input_width, axis=0)[:last:stride]
    offset = input_width + gap
    target_array = array[offset:, columns]
    y = sliding_window_view(target_array, horizon, axis=0)[:last:stride]
    # sliding_window_view puts the window axis last: (n, F, width) -> (n, width, F).
    return X.transpose(0, 2, 1), y.transpose(0, 2, 1)


def _check_finite(array: np.ndarray) -> None:
    finite = np.isfinite(array)
    if finite.all():
        return
    row, column = np.argwhere(~finite)[0]
    raise ValueError(
        "`data` must be finite. Got data with value "
        f"{float(array[row, column])!r} at row {row}, column {column}. "
        "Fill or drop missing values first (the pandas layer has `nan_policy`)."
    )
