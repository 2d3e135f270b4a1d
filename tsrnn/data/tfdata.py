"""tf.data pipelines over overlapping windows, gathered batch by batch.

The windows are never materialized. The series is held once, as a float32
tensor of shape (rows, columns); the dataset yields batches of window start
rows and a map gathers the rows of each batch::

    starts    [s0, s1, ..., s255]                       one batch of start rows
    X rows    starts[:, None] + range(input_width)
    y rows    starts[:, None] + input_width + gap + range(horizon)
    X = gather(series, X rows)     -> (batch, input_width, n_inputs)
    y = gather(series, y rows)     -> (batch, horizon, n_targets)

so memory grows with the series length, not with ``windows x input_width``.
Training order (``shuffle=True``) is a permutation of every window, drawn
anew each epoch and reproducible with ``seed``; otherwise the order is window
order. The window arithmetic is that of :mod:`tsrnn.data.windows`.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from tsrnn.core.validation import (
    FLOAT32_RULE,
    as_float_array,
    beyond_float32,
    check_int,
    plain,
)
from tsrnn.data.windows import make_windows, n_windows, target_columns

__all__ = ["gather_windows", "make_dataset"]

_INT32_LIMIT = 2**31 - 1
_PREFETCH = 2


@dataclass(frozen=True)
class _Plan:
    """Everything the pipeline needs, validated: which rows and columns to gather."""

    values: np.ndarray  # (rows, columns) float32
    starts: np.ndarray | None  # start row of each window, or None for i * stride
    stride: int
    count: int
    input_width: int
    horizon: int
    gap: int
    input_columns: slice | np.ndarray
    target_columns: slice | np.ndarray | None  # None: no y (unsupervised)
    future_columns: slice | np.ndarray | None  # None: no X_future


def make_dataset(
    data,
    input_width: int | None = None,
    horizon: int = 1,
    *,
    stride: int = 1,
    gap: int = 0,
    targets=None,
    batch_size: int = 256,
    shuffle: bool = False,
    seed: int | None = None,
    drop_remainder: bool = False,
    include_future: bool = False,
    prefetch: bool = True,
) -> tf.data.Dataset:
    """Batches of overlapping windows as a ``tf.data.Dataset``, without copying windows.

    Parameters
    ----------
    data : array-like of shape (T,) or (T, F), or WindowSet
        Rows in time order (1-D input is one feature), or a ``WindowSet`` from
        :class:`tsrnn.Windower`, which fixes the windows and column roles itself.
    input_width : int, optional
        Rows in each input window. Required for arrays; for a ``WindowSet`` it
        may be left out or must equal the set's own value (likewise ``horizon``
        and ``gap`` when changed from their defaults; ``stride`` and ``targets``
        cannot be set for a ``WindowSet``).
    horizon : int, default=1
        Rows in each target window.
    stride : int, default=1
        Rows between the starts of consecutive windows.
    gap : int, default=0
        Rows skipped between the last input row and the first target row.
    targets : int, list of int, slice or None, default=None
        Columns of ``data`` that form ``y``; ``None`` takes every column.
    batch_size : int, default=256
        Windows per batch; the last batch is smaller unless ``drop_remainder``.
    shuffle : bool, default=False
        Visit the windows in a new random order each epoch (for training).
        Without it the order is window order (for evaluation and prediction).
        The dataset does the shuffling, so train a Keras model on it with
        ``model.fit(dataset, shuffle=False)``: Keras ignores its own
        ``shuffle`` for a ``tf.data.Dataset`` and warns when it is left at
        its default (True).
    seed : int, optional
        Makes the sequence of epoch orders identical on a re-run.
    drop_remainder : bool, default=False
        Leave out the last batch when it holds fewer than ``batch_size`` windows.
    include_future : bool, default=False
        For a ``WindowSet`` with known-future columns, yield
        ``((X, X_future), y)`` where ``X_future`` holds those columns over the
        horizon rows, shape (batch, horizon, n_future).
    prefetch : bool, default=True
        Prepare the next two batches while the current one is consumed.

    Returns
    -------
    tf.data.Dataset
        Yields float32 ``(X, y)`` with shapes (batch, input_width, F) and
        (batch, horizon, n_targets), the values of :func:`tsrnn.make_windows`;
        ``((X, X_future), y)`` with ``include_future``; ``X`` alone for a
        ``WindowSet`` without target columns.

    Raises
    ------
    ValueError
        For the bad values :func:`tsrnn.make_windows` rejects, window
        arguments that conflict with a ``WindowSet``, or ``drop_remainder``
        with fewer windows than ``batch_size``.
    TypeError
        For arguments of the wrong type.

    Examples
    --------
    >>> import numpy as np
    >>> ds = make_dataset(np.arange(10), input_width=4, horizon=2, stride=3,
    ...                   batch_size=8)
    >>> X, y = next(iter(ds))
    >>> X.numpy()[..., 0]
    array([[0., 1., 2., 3.],
           [3., 4., 5., 6.]], dtype=float32)
    >>> y.numpy()[..., 0]
    array([[4., 5.],
           [7., 8.]], dtype=float32)
    """
    batch_size = check_int("batch_size", batch_size)
    if seed is not None:
        seed = check_int("seed", seed, minimum=0)
    for name, value in (
        ("shuffle", shuffle),
        ("drop_remainder", drop_remainder),
        ("include_future", include_future),
        ("prefetch", prefetch),
    ):
        if not isinstance(value, bool | np.bool_):
            raise TypeError(f"`{name}` must be True or False. Got {name}={value!r}.")
    if _is_window_set(data):
        plan = _plan_window_set(
            data, input_width, horizon, stride, gap, targets, include_future
        )
    else:
        plan = _plan_array(data, input_width, horizon, stride, gap, targets)
        if include_future:
            raise ValueError(
                "`include_future` must be False when `data` is an array. Got "
                "include_future=True. Known-future columns come from a WindowSet "
                "(tsrnn.Windower with `future_covariates` or `calendar`)."
            )
    if drop_remainder and plan.count < batch_size:
        raise ValueError(
            f"`batch_size` must be at most the number of windows ({plan.count}) "
            f"when drop_remainder=True. Got batch_size={batch_size}. Use a smaller "
            "batch_size or drop_remainder=False."
        )
    return _build(plan, batch_size, shuffle, seed, drop_remainder, prefetch)


def _is_window_set(data) -> bool:
    # Duck-typed so that this module does not depend on tsrnn.data.windower.
    return all(
        hasattr(data, name) for name in ("values", "starts", "target_index")
    ) and not isinstance(data, np.ndarray)


def _plan_array(data, input_width, horizon, stride, gap, targets) -> _Plan:
    if input_width is None:
        raise TypeError(
            "`input_width` must be a positive integer when `data` is an array. "
            "Got input_width=None."
        )
    array = as_float_array("data", data, ndim=(1, 2))
    if array.ndim == 1:
        array = array[:, None]
    # make_windows validates every argument and the data (finite, long enough);
    # it returns views, so nothing window-sized is allocated here.
    make_windows(array, input_width, horizon, stride=stride, gap=gap, targets=targets)
    return _Plan(
        values=_as_float32(array),
        starts=None,
        stride=stride,
        count=n_windows(len(array), input_width, horizon, stride=stride, gap=gap),
        input_width=input_width,
        horizon=horizon,
        gap=gap,
        input_columns=slice(None),
        target_columns=target_columns(targets, array.shape[1]),
        future_columns=None,
    )


def _as_float32(array: np.ndarray) -> np.ndarray:
    """``array`` as float32, refusing finite values that float32 turns into inf."""
    if array.dtype == np.float32:
        return array
    where = beyond_float32(array)
    if where is not None:
        row, column = where
        raise ValueError(
            f"`data` must fit in float32 ({FLOAT32_RULE}), the dtype of the "
            f"pipeline. Got data with value {float(array[row, column])!r} at row "
            f"{row}, column {column}. Rescale the data first (e.g. divide by a "
            "constant or use a StandardScaler)."
        )
    return np.asarray(array, dtype=np.float32)


def _plan_window_set(
    window_set, input_width, horizon, stride, gap, targets, include_future
) -> _Plan:
    own = {
        "input_width": check_int("WindowSet.input_width", window_set.input_width),
        "horizon": check_int("WindowSet.horizon", window_set.horizon),
        "gap": check_int("WindowSet.gap", window_set.gap, minimum=0),
    }
    asked = {"input_width": input_width, "horizon": horizon, "gap": gap}
    defaults = {"input_width": None, "horizon": 1, "gap": 0}
    for name, value in asked.items():
        if value != defaults[name] and value != own[name]:
            raise ValueError(
                f"`{name}` must be left out or equal the WindowSet's {name}="
                f"{own[name]} when `data` is a WindowSet. Got {name}={plain(value)!r}. "
                "Make a new WindowSet with the Windower to change the windows."
            )
    if stride != 1 or targets is not None:
        name, value = ("stride", stride) if stride != 1 else ("targets", targets)
        raise ValueError(
            f"`{name}` must be left out when `data` is a WindowSet: the WindowSet "
            f"fixes its windows and target columns. Got {name}={plain(value)!r}."
        )
    values = np.asarray(window_set.values)
    if values.ndim != 2 or values.dtype.kind not in "fiu":
        raise TypeError(
            "`WindowSet.values` must be a 2-D numeric array. Got values with "
            f"shape {values.shape} and dtype {values.dtype}."
        )
    values = values.astype(np.float32, copy=False)
    rows, n_columns = values.shape
    starts = np.asarray(window_set.starts)
    if starts.ndim != 1 or starts.size == 0 or starts.dtype.kind not in "iu":
        raise ValueError(
            "`WindowSet.starts` must be a non-empty 1-D integer array. Got starts "
            f"with shape {starts.shape} and dtype {starts.dtype}."
        )
    span = own["input_width"] + own["gap"] + own["horizon"]
    if starts.min() < 0 or starts.max() > rows - span:
        raise ValueError(
            f"`WindowSet.starts` must lie in [0, {rows - span}] so that each window "
            f"of {span} rows fits in the {rows} rows of `values`. Got starts from "
            f"{starts.min()} to {starts.max()}."
        )
    future = _index(window_set, "future_index", n_columns, allow_empty=True)
    return _Plan(
        values=values,
        starts=starts,
        stride=1,
        count=len(starts),
        input_width=own["input_width"],
        horizon=own["horizon"],
        gap=own["gap"],
        input_columns=_index(window_set, "input_index", n_columns),
        target_columns=_index(window_set, "target_index", n_columns, allow_empty=True),
        future_columns=future if include_future else None,
    )


def _index(window_set, name, n_columns, *, allow_empty=False):
    """A WindowSet column index as a slice when contiguous; None when empty."""
    raw = getattr(window_set, name, ())
    columns = np.asarray(raw if raw is not None else (), dtype=object)
    if columns.size == 0 and allow_empty:
        return None
    if (
        columns.ndim == 1
        and columns.size
        and all(
            isinstance(c, numbers.Integral) and not isinstance(c, bool) for c in columns
        )
    ):
        columns = columns.astype(np.int64)
        if columns.min() >= 0 and columns.max() < n_columns:
            if np.all(np.diff(columns) == 1):
                return slice(int(columns[0]), int(columns[-1]) + 1)
            return columns
    raise ValueError(
        f"`WindowSet.{name}` must be a non-empty list of column numbers in "
        f"[0, {n_columns}). Got {name}={raw!r}."
    )


def gather_windows(
    series,
    starts,
    *,
    input_width: int,
    horizon: int,
    gap: int = 0,
    input_columns=slice(None),
    target_columns=None,
    future_columns=None,
):
    """Gather the windows that start at rows ``starts`` of ``series`` (tensors).

    The one gather of the data layer, used by :func:`make_dataset` and by
    :meth:`tsrnn.data.parquet.ParquetWindower.dataset`. Columns are slices or
    integer arrays; ``target_columns=None`` gives no ``y`` and
    ``future_columns=None`` no ``X_future``.

    Returns
    -------
    ``X``, ``(X, X_future)``, ``(X, y)`` or ``((X, X_future), y)``
        ``X`` of shape (batch, input_width, n_inputs); ``X_future`` and ``y``
        over the ``horizon`` rows after ``gap``.

    Examples
    --------
    >>> series = tf.reshape(tf.range(20.0), (10, 2))
    >>> X, y = gather_windows(series, tf.constant([0, 5]), input_width=3,
    ...                       horizon=2, target_columns=slice(0, 1))
    >>> X.numpy()[:, :, 0].tolist(), y.numpy()[:, :, 0].tolist()
    ([[0.0, 2.0, 4.0], [10.0, 12.0, 14.0]], [[6.0, 8.0], [16.0, 18.0]])
    """
    starts = starts[:, None]
    X = _take(
        tf.gather(series, starts + tf.range(input_width, dtype=starts.dtype)),
        input_columns,
    )
    if target_columns is None and future_columns is None:
        return X
    ahead_steps = tf.range(horizon, dtype=starts.dtype) + (input_width + gap)
    ahead = tf.gather(series, starts + ahead_steps)
    if future_columns is not None:
        X = (X, _take(ahead, future_columns))
    if target_columns is None:
        return X
    return X, _take(ahead, target_columns)


def _take(batch, columns):
    if isinstance(columns, slice):
        return batch if columns == slice(None) else batch[..., columns]
    return tf.gather(batch, columns, axis=-1)


def _build(plan: _Plan, batch_size, shuffle, seed, drop_remainder, prefetch):
    rows = len(plan.values)
    dtype = tf.int32 if rows < _INT32_LIMIT else tf.int64
    # One copy of the series, shared by every batch; gathers index its rows.
    series = tf.convert_to_tensor(plan.values)
    count = plan.count
    n_batches = count // batch_size if drop_remainder else -(-count // batch_size)
    window_starts = (
        None if plan.starts is None else tf.constant(plan.starts, dtype=dtype)
    )
    size = tf.constant(batch_size, dtype)
    total = tf.constant(count, dtype)

    def bounds(i):
        low = tf.cast(i, dtype) * size
        return low, tf.minimum(low + size, total)

    def gather(index):
        if drop_remainder:
            index.set_shape([batch_size])
        if window_starts is None:
            starts = index * plan.stride if plan.stride != 1 else index
        else:
            starts = tf.gather(window_starts, index)
        return gather_windows(
            series,
            starts,
            input_width=plan.input_width,
            horizon=plan.horizon,
            gap=plan.gap,
            input_columns=plan.input_columns,
            target_columns=plan.target_columns,
            future_columns=plan.future_columns,
        )

    def batches(order=None):
        # Slicing the batch of window numbers and gathering its rows in one
        # parallel map costs one tf.data stage per batch instead of two.
        def window_batch(i):
            low, high = bounds(i)
            return gather(tf.range(low, high) if order is None else order[low:high])

        return tf.data.Dataset.range(n_batches).map(
            window_batch, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True
        )

    if shuffle:
        # A fresh permutation of every window per epoch, drawn from a seeded
        # stream that restarts with each new dataset: a re-run repeats the epochs.
        def epoch(draw):
            seed_pair = tf.stack([draw, tf.constant(0, tf.int64)])
            return batches(
                tf.random.experimental.stateless_shuffle(tf.range(total), seed_pair)
            )

        dataset = (
            tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
            .take(1)
            .flat_map(epoch)
            .apply(tf.data.experimental.assert_cardinality(n_batches))
        )
    else:
        dataset = batches()
    if prefetch:
        # Two batches keep a training step fed; an AUTOTUNE buffer was no faster
        # and grew the peak memory by tens of MB (benchmarks/RESULTS.md).
        dataset = dataset.prefetch(_PREFETCH)
    return dataset
