"""Out-of-core windows: train and predict from a directory of Parquet files.

A long-format panel (one row per series and timestamp) that does not fit in
memory is kept on disk as Parquet files, one or many series per file, each
series whole in one file. :class:`ParquetWindower` reads it twice:

* :meth:`~ParquetWindower.fit` makes one streaming pass, a file at a time: it
  checks every series (sorted, regular, finite), finds each series' split cuts
  and computes the scaling statistics over the training rows only;
* :meth:`~ParquetWindower.dataset` streams batches through ``tf.data``::

      files (shuffled per epoch)  ->  interleave `cycle_length` files
        each file: read, scale, windows per series (never across series)
      -> unbatch -> shuffle buffer (windows of several files) -> batch

so the memory held is ``cycle_length`` files plus the shuffle buffer, however
many files there are. Splits, scaling and windows are those of
:class:`tsrnn.Windower` with ``scaler=StandardScaler()``: validation and test
windows take their ``input_width + gap`` rows of context, and the statistics
never see a validation or test row.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import tensorflow as tf
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from tsrnn.core.validation import check_int
from tsrnn.data.windows import window_span, window_starts

__all__ = ["ParquetWindower"]

_SPLITS = ("train", "val", "test")
_CHUNK = 64  # windows gathered per step inside a file, before unbatching


@dataclass(frozen=True)
class _Series:
    """Where a series lies and where its splits begin (rows relative to it)."""

    file: int
    length: int
    val: int  # first validation row (== test when there is no validation split)
    test: int  # first test row (== length when there is no test split)
    last_time: np.datetime64
    step: np.timedelta64


class ParquetWindower(BaseEstimator):
    """Stream windows of a long panel stored as Parquet files into ``tf.data``.

    Parameters
    ----------
    input_width : int
        Rows in each input window.
    horizon : int, default=1
        Rows in each target window.
    target : str or list of str
        Target columns; they come first in ``X`` and form ``y``.
    covariates : list of str, default=None
        Past covariates: further input columns, not predicted.
    id_col : str, default="id"
        Series id column. A series must lie whole in one file.
    time_col : str, default="time"
        Timestamp column. Each series must be regularly spaced; rows may come
        in any order and are sorted by time within their series.
    stride : int, default=1
        Rows between the starts of consecutive windows of one series.
    gap : int, default=0
        Rows skipped between the last input row and the first target row.
    val_size, test_size : float, int or Timestamp, default=None
        Size of the validation / test split of each series, as in
        :class:`tsrnn.Windower`: a fraction of its rows (rounded up), a number
        of rows, or the timestamp at which the split begins.
    scale_by : {"series", "global", None}, default="series"
        Standardize targets and covariates with the mean and standard
        deviation of each series' training rows (``"series"``), of all
        training rows (``"global"``), or not at all.

    Attributes
    ----------
    files_ : list of Path
        The Parquet files, in sorted order.
    series_ids_ : ndarray
        Series ids, by file and then in order of first appearance.
    columns_ : tuple of str
        Columns of ``X``: targets, then covariates.
    mean_, scale_ : ndarray of shape (n_series, n_columns)
        Standardization of each series (every row equal for ``"global"``;
        zeros and ones for ``scale_by=None``).
    n_windows_ : dict
        ``split -> number of windows`` over all files.

    Examples
    --------
    >>> import tempfile, numpy as np, pandas as pd
    >>> folder = tempfile.mkdtemp()
    >>> for name, sid in (("a.parquet", "a"), ("b.parquet", "b")):
    ...     pd.DataFrame({"id": sid, "time": pd.date_range("2024", periods=10),
    ...                   "y": np.arange(10.0)}).to_parquet(f"{folder}/{name}")
    >>> windower = ParquetWindower(4, 2, target="y", test_size=3,
    ...                            scale_by=None).fit(folder)
    >>> windower.n_windows_
    {'train': 4, 'test': 4}
    >>> X, y = next(iter(windower.dataset("test", batch_size=8)))
    >>> X.numpy()[:2, :, 0].tolist(), y.numpy()[:2, :, 0].tolist()
    ([[3.0, 4.0, 5.0, 6.0], [4.0, 5.0, 6.0, 7.0]], [[7.0, 8.0], [8.0, 9.0]])
    """

    def __init__(
        self,
        input_width,
        horizon=1,
        *,
        target,
        covariates=None,
        id_col="id",
        time_col="time",
        stride=1,
        gap=0,
        val_size=None,
        test_size=None,
        scale_by="series",
    ):
        self.input_width = input_width
        self.horizon = horizon
        self.target = target
        self.covariates = covariates
        self.id_col = id_col
        self.time_col = time_col
        self.stride = stride
        self.gap = gap
        self.val_size = val_size
        self.test_size = test_size
        self.scale_by = scale_by

    # ------------------------------------------------------------------ fit

    def fit(self, path) -> ParquetWindower:
        """One streaming pass over ``path``: check the series, cut, scale.

        Parameters
        ----------
        path : str, Path or list of them
            A directory (its ``*.parquet`` files, sorted by name) or a list of
            Parquet files.

        Returns
        -------
        self
        """
        self._check_params()
        files = _list_files(path)
        targets = _names("target", self.target, required=True)
        covariates = _names("covariates", self.covariates, required=False)
        columns = (*targets, *covariates)
        self._read_columns = (self.id_col, self.time_col, *columns)
        span = window_span(self.input_width, self.horizon, gap=self.gap)
        series: dict = {}
        sums, counts = [], []
        for index, file in enumerate(files):
            for sid, times, values in self._read(file):
                if sid in series:
                    other = files[series[sid].file]
                    raise ValueError(
                        f"Series {sid!r} must lie whole in one file. Got it in "
                        f"{other.name} and {file.name}. Write each series to one file."
                    )
                entry = self._describe(sid, file, index, times, span)
                series[sid] = entry
                train = values[: entry.val]
                counts.append(len(train))
                sums.append((train.mean(axis=0), train.var(axis=0)))
        if not series:
            raise ValueError(
                f"`path` must hold at least one row. Got path={str(path)!r} with "
                "empty Parquet files."
            )
        self.files_ = files
        self.columns_ = columns
        self.n_targets_ = len(targets)
        self.series_ids_ = np.array(list(series), dtype=object)
        self._series = series
        self._row = {sid: k for k, sid in enumerate(series)}
        self.mean_, self.scale_ = _standardization(self.scale_by, sums, counts)
        self.n_windows_ = {
            name: sum(self._count(entry, name) for entry in series.values())
            for name in self._splits()
        }
        return self

    def _check_params(self):
        check_int("input_width", self.input_width)
        check_int("horizon", self.horizon)
        check_int("stride", self.stride)
        check_int("gap", self.gap, minimum=0)
        if self.scale_by not in ("series", "global", None):
            raise ValueError(
                "`scale_by` must be 'series', 'global' or None. Got "
                f"scale_by={self.scale_by!r}."
            )
        for name in ("id_col", "time_col"):
            value = getattr(self, name)
            if not isinstance(value, str):
                raise TypeError(
                    f"`{name}` must be a column name (str). Got {name}={value!r}."
                )
        for name in ("val_size", "test_size"):
            size = getattr(self, name)
            if size is None or isinstance(size, pd.Timestamp):
                continue
            if isinstance(size, numbers.Integral) and not isinstance(size, bool):
                if size >= 1:
                    continue
            elif isinstance(size, numbers.Real) and 0 < size < 1:
                continue
            raise ValueError(
                f"`{name}` must be a fraction in (0, 1), a positive number of rows "
                f"or a pandas Timestamp. Got {name}={size!r}."
            )

    def _read(self, file: Path):
        """``(series id, times, values)`` of each series of ``file``, time-sorted."""
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(file, columns=list(self._read_columns))
        except (KeyError, ValueError) as error:
            schema = pq.read_schema(file).names
            missing = [c for c in self._read_columns if c not in schema]
            if not missing:
                raise
            raise ValueError(
                f"Columns {missing} must be in every Parquet file. Got columns "
                f"{schema} in {file.name}. Check `target`, `covariates`, `id_col` "
                "and `time_col`."
            ) from error
        frame = table.to_pandas()
        times = pd.to_datetime(frame[self.time_col])
        if getattr(times.dt, "tz", None) is not None:
            times = times.dt.tz_convert("UTC").dt.tz_localize(None)
        times = times.to_numpy(dtype="datetime64[ns]")
        values = np.empty((len(frame), len(self._read_columns) - 2))
        for j, name in enumerate(self._read_columns[2:]):
            column = frame[name]
            if not pd.api.types.is_numeric_dtype(column):
                raise TypeError(
                    f"Column {name!r} must be numeric. Got dtype {column.dtype} in "
                    f"{file.name}. Convert it before writing the files."
                )
            values[:, j] = column.to_numpy(dtype=np.float64, na_value=np.nan)
        ids = frame[self.id_col].to_numpy()
        codes, uniques = pd.factorize(ids)
        # Stable sort: series in order of first appearance, rows by time.
        order = np.lexsort((times, codes))
        codes, times, values = codes[order], times[order], values[order]
        bounds = np.r_[0, np.flatnonzero(np.diff(codes)) + 1, len(codes)]
        bad = ~np.isfinite(values)
        if bad.any():
            row, col = np.argwhere(bad)[0]
            raise ValueError(
                f"Column {self._read_columns[2 + col]!r} must hold finite values. "
                f"Got {values[row, col]!r} at {pd.Timestamp(times[row])} in series "
                f"{uniques[codes[row]]!r} of {file.name}. Fill or drop the gaps "
                "before writing the files."
            )
        for k in range(len(bounds) - 1):
            lo, hi = bounds[k], bounds[k + 1]
            yield _key(uniques[codes[lo]]), times[lo:hi], values[lo:hi]

    def _describe(self, sid, file, index, times, span) -> _Series:
        steps = np.diff(times)
        step = steps[0] if len(steps) else np.timedelta64(0, "ns")
        irregular = np.flatnonzero(steps != step)
        if len(steps) and (step <= np.timedelta64(0, "ns") or irregular.size):
            at = times[irregular[0] + 1] if irregular.size else times[1]
            raise ValueError(
                f"Timestamps of series {sid!r} in {file.name} must be unique and "
                f"regularly spaced. Got {pd.Timestamp(at)} after "
                f"{pd.Timedelta(step)} steps. Fill the missing rows (e.g. with "
                "tsrnn.Windower(fill_missing=...)) before writing the files."
            )
        n = len(times)
        test = _cut("test_size", self.test_size, times, n, n, sid)
        val = _cut("val_size", self.val_size, times, n, test, sid)
        entry = _Series(index, n, val, test, times[-1], step)
        context = self.input_width + self.gap
        needs = {"training": val}
        for name, size, lo, hi in (
            ("val", self.val_size, val, test),
            ("test", self.test_size, test, n),
        ):
            if size is not None and hi > lo:
                needs[f"{name} (with context)"] = hi - max(lo - context, 0)
        for what, rows in needs.items():
            if rows < span:
                raise ValueError(
                    f"The {what} rows of series {sid!r} must number at least "
                    f"input_width + gap + horizon = {span}. Got {rows} rows in "
                    f"{file.name}. Use a shorter input_width or horizon, smaller "
                    "val_size/test_size, or drop that series."
                )
        return entry

    # ------------------------------------------------------------ windows

    def _splits(self):
        return [
            name
            for name, size in zip(
                _SPLITS, (0, self.val_size, self.test_size), strict=True
            )
            if size is not None
        ]

    def _rows(self, entry: _Series, split: str) -> tuple[int, int]:
        """Rows ``[lo, hi)`` of a series that the windows of ``split`` cover."""
        context = self.input_width + self.gap
        if split == "train":
            return 0, entry.val
        lo, hi = (
            (entry.val, entry.test) if split == "val" else (entry.test, entry.length)
        )
        return (max(lo - context, 0), hi) if hi > lo else (hi, hi)

    def _count(self, entry, split) -> int:
        lo, hi = self._rows(entry, split)
        return len(self._starts(hi - lo))

    def _starts(self, length):
        return window_starts(
            length, self.input_width, self.horizon, stride=self.stride, gap=self.gap
        )

    def _load(self, file_index, split):
        """Scaled rows of one file's series and the start row of each window."""
        file = self.files_[int(file_index)]
        blocks, starts, rows = [], [], []
        offset = 0
        for sid, _, values in self._read(file):
            entry = self._series.get(sid)
            if entry is None or entry.file != int(file_index):
                raise ValueError(
                    f"The Parquet files must not change after fit. Got series {sid!r} "
                    f"in {file.name}, unseen in fit. Refit the ParquetWindower."
                )
            lo, hi = self._rows(entry, split)
            block = self._scale(values[lo:hi], sid)
            starts_k = self._starts(hi - lo)
            blocks.append(block)
            starts.append(starts_k + offset)
            rows.append(np.full(len(starts_k), self._row[sid], dtype=np.int64))
            offset += len(block)
        width = len(self.columns_)
        values = (
            np.concatenate(blocks).astype(np.float32)
            if blocks
            else np.empty((0, width), np.float32)
        )
        return (
            values,
            np.concatenate(starts) if starts else np.empty(0, np.int64),
            np.concatenate(rows) if rows else np.empty(0, np.int64),
        )

    def _scale(self, values, sid):
        k = self._row[sid]
        return (values - self.mean_[k]) / self.scale_[k]

    def dataset(
        self,
        split="train",
        *,
        batch_size=256,
        shuffle=False,
        seed=None,
        cycle_length=4,
        shuffle_buffer=10_000,
        drop_remainder=False,
        series_index=False,
        num_shards=1,
        shard_index=0,
    ) -> tf.data.Dataset:
        """Batches ``(X, y)`` of one split, streamed file by file.

        Parameters
        ----------
        split : {"train", "val", "test"}, default="train"
        batch_size : int, default=256
        shuffle : bool, default=False
            Shuffle the files each epoch, each file's windows, and the windows
            of ``cycle_length`` files together in a buffer of
            ``shuffle_buffer`` windows. Without it: file order, then series
            order, then window order, as for prediction.
        seed : int, optional
            Makes the order identical on a re-run.
        cycle_length : int, default=4
            Files read and mixed at a time; with the buffer it bounds memory.
        shuffle_buffer : int, default=10000
            Windows in the shuffle buffer.
        drop_remainder : bool, default=False
        series_index : bool, default=False
            Yield ``((X, series), y)`` where ``series`` (int32, shape
            (batch,)) is the row of the window's series in ``series_ids_``:
            the input of an embedding of series identity in a global model.
        num_shards, shard_index : int, default=1, 0
            Read only the files ``shard_index, shard_index + num_shards, ...``
            (one shard per worker of a multi-worker job).

        Returns
        -------
        tf.data.Dataset
            float32 ``X`` of shape (batch, input_width, n_columns) and ``y`` of
            shape (batch, horizon, n_targets), scaled.
        """
        check_is_fitted(self, "files_")
        if split not in self.n_windows_:
            raise ValueError(
                f"`split` must be one of {list(self.n_windows_)}. Got split={split!r}."
                " Set val_size/test_size before fit for those splits."
            )
        batch_size = check_int("batch_size", batch_size)
        cycle_length = check_int("cycle_length", cycle_length)
        shuffle_buffer = check_int("shuffle_buffer", shuffle_buffer)
        num_shards = check_int("num_shards", num_shards)
        shard_index = check_int("shard_index", shard_index, minimum=0)
        if shard_index >= num_shards:
            raise ValueError(
                f"`shard_index` must be below num_shards={num_shards}. Got "
                f"shard_index={shard_index}."
            )
        if seed is not None:
            seed = check_int("seed", seed, minimum=0)
        for name, value in (
            ("shuffle", shuffle),
            ("drop_remainder", drop_remainder),
            ("series_index", series_index),
        ):
            if not isinstance(value, bool):
                raise TypeError(
                    f"`{name}` must be True or False. Got {name}={value!r}."
                )
        width = len(self.columns_)
        n_targets = self.n_targets_
        inputs = tf.range(self.input_width, dtype=tf.int64)
        ahead = tf.range(self.horizon, dtype=tf.int64) + self.input_width + self.gap
        base_seed = 0 if seed is None else seed

        def load(file_index):
            values, starts, rows = tf.numpy_function(
                lambda i: self._load(i, split),
                [file_index],
                [tf.float32, tf.int64, tf.int64],
                stateful=False,
            )
            values.set_shape([None, width])
            starts.set_shape([None])
            rows.set_shape([None])
            order = tf.range(tf.size(starts, out_type=tf.int64))
            if shuffle:
                order = tf.random.experimental.stateless_shuffle(
                    order, tf.stack([tf.constant(base_seed, tf.int64), file_index])
                )

            def gather(chunk):
                first = tf.gather(starts, chunk)[:, None]
                X = tf.gather(values, first + inputs)
                y = tf.gather(values, first + ahead)[..., :n_targets]
                if series_index:
                    return (X, tf.cast(tf.gather(rows, chunk), tf.int32)), y
                return X, y

            return tf.data.Dataset.from_tensor_slices(order).batch(_CHUNK).map(gather)

        files = tf.data.Dataset.range(len(self.files_))
        if num_shards > 1:
            files = files.shard(num_shards, shard_index)
        if shuffle:
            files = files.shuffle(len(self.files_), seed=seed)
        if shuffle:
            dataset = files.interleave(
                load,
                cycle_length=cycle_length,
                block_length=1,
                num_parallel_calls=min(cycle_length, 2),
                deterministic=True,
            )
            dataset = dataset.unbatch().shuffle(shuffle_buffer, seed=seed)
        else:
            dataset = files.flat_map(load).unbatch()
        # A known length lets Keras show progress and size epochs, and lets
        # every worker of a distributed job agree on the steps.
        count = sum(
            self._count(entry, split)
            for entry in self._series.values()
            if entry.file % num_shards == shard_index
        )
        n_batches = count // batch_size if drop_remainder else -(-count // batch_size)
        dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
        dataset = dataset.apply(tf.data.experimental.assert_cardinality(n_batches))
        return dataset.prefetch(2)

    # ---------------------------------------------------------- prediction

    def _last_inputs(self, file_index):
        file = self.files_[int(file_index)]
        blocks = []
        for sid, _, values in self._read(file):
            if sid not in self._series:
                raise ValueError(
                    f"The Parquet files must not change after fit. Got series {sid!r} "
                    f"in {file.name}, unseen in fit. Refit the ParquetWindower."
                )
            blocks.append(self._scale(values[-self.input_width :], sid))
        if not blocks:
            return np.empty((0, self.input_width, len(self.columns_)), np.float32)
        return np.stack(blocks).astype(np.float32)

    def predict(self, model, *, batch_size=1024) -> pd.DataFrame:
        """Forecast the ``horizon`` rows after the end of every series.

        Reads one file at a time, takes the last ``input_width`` rows of each
        series, runs ``model`` on them and undoes the scaling.

        Parameters
        ----------
        model : keras.Model
            Maps (batch, input_width, n_columns) to (batch, horizon, n_targets)
            (or (batch, horizon * n_targets)).
        batch_size : int, default=1024

        Returns
        -------
        pandas.DataFrame
            Long frame: ``id_col``, ``time_col``, one column per target.
        """
        check_is_fitted(self, "files_")
        batch_size = check_int("batch_size", batch_size)
        parts = []
        n_targets = self.n_targets_
        for index in range(len(self.files_)):
            X = self._last_inputs(index)
            if not len(X):
                continue
            sids = [sid for sid, e in self._series.items() if e.file == index]
            y = np.asarray(model.predict(X, batch_size=batch_size, verbose=0))
            y = y.reshape(len(X), self.horizon, n_targets)
            rows = np.array([self._row[sid] for sid in sids])
            mean = self.mean_[rows, None, :n_targets]
            y = y * self.scale_[rows, None, :n_targets] + mean
            after = np.arange(1, self.horizon + 1) + self.gap
            times = np.stack(
                [self._series[s].last_time + after * self._series[s].step for s in sids]
            )
            frame = pd.DataFrame(
                y.reshape(-1, n_targets), columns=list(self.columns_[:n_targets])
            )
            frame.insert(0, self.time_col, times.reshape(-1))
            frame.insert(
                0, self.id_col, np.repeat(np.array(sids, dtype=object), self.horizon)
            )
            parts.append(frame)
        return pd.concat(parts, ignore_index=True)


# ------------------------------------------------------------------ helpers


def _list_files(path) -> list[Path]:
    if isinstance(path, str | Path):
        root = Path(path)
        if root.is_dir():
            files = sorted(root.glob("*.parquet"))
        elif root.is_file():
            files = [root]
        else:
            raise ValueError(
                f"`path` must be a directory of Parquet files or a file. Got "
                f"path={str(path)!r}, which does not exist."
            )
    elif isinstance(path, list | tuple):
        files = [Path(p) for p in path]
        missing = [str(f) for f in files if not f.is_file()]
        if missing:
            raise ValueError(
                f"`path` must list existing files. Got missing files {missing[:3]}."
            )
    else:
        raise TypeError(
            f"`path` must be a directory, a file or a list of files. Got path={path!r}."
        )
    if not files:
        raise ValueError(
            f"`path` must hold at least one *.parquet file. Got path={str(path)!r} "
            "with none."
        )
    return files


def _names(name, value, *, required):
    if value is None and not required:
        return ()
    values = [value] if isinstance(value, str) else value
    if (
        not isinstance(values, list | tuple)
        or (required and not values)
        or not all(isinstance(v, str) for v in values)
    ):
        raise TypeError(
            f"`{name}` must be a column name or a list of column names. Got "
            f"{name}={value!r}."
        )
    return tuple(values)


def _key(sid):
    # numpy scalars from pandas become plain Python values, so that ids compare
    # and print the same whichever file they came from.
    return sid.item() if isinstance(sid, np.generic) else sid


def _cut(name, size, times, n, end, sid) -> int:
    """First row of a split that ends at row ``end`` (as tsrnn.Windower)."""
    if size is None:
        return end
    if isinstance(size, pd.Timestamp):
        if size.tz is not None:
            size = size.tz_convert("UTC").tz_localize(None)
        return min(int(np.searchsorted(times, size.as_unit("ns").to_datetime64())), end)
    rows = int(size) if isinstance(size, numbers.Integral) else math.ceil(size * n)
    if rows > end:
        raise ValueError(
            f"`{name}` must be at most the {end} rows left of series {sid!r}. Got "
            f"{name}={size!r}. Use a smaller split."
        )
    return end - rows


def _standardization(scale_by, moments, counts):
    """Per-series mean and scale from per-series training (mean, var, count)."""
    means = np.array([m for m, _ in moments])
    variances = np.array([v for _, v in moments])
    counts = np.asarray(counts, dtype=np.float64)[:, None]
    if scale_by is None:
        return np.zeros_like(means), np.ones_like(means)
    if scale_by == "global":
        total = counts.sum()
        mean = (counts * means).sum(axis=0) / total
        # Chan et al.: within-series plus between-series sums of squares.
        m2 = (counts * variances).sum(axis=0) + (counts * (means - mean) ** 2).sum(
            axis=0
        )
        means = np.broadcast_to(mean, means.shape).copy()
        variances = np.broadcast_to(m2 / total, variances.shape).copy()
    scale = np.sqrt(variances)
    # As StandardScaler: a constant column is centred, not divided by ~0.
    scale[scale < 10 * np.finfo(np.float64).eps * np.maximum(np.abs(means), 1)] = 1.0
    return means, scale
