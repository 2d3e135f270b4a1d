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
many files there are. Its arguments are those of :class:`tsrnn.Windower`, and
so are its splits, context rows, length checks, calendar features and gather
(:mod:`tsrnn.data.splits`, :mod:`tsrnn.data.calendar`,
:func:`tsrnn.data.tfdata.gather_windows`): with ``scale_by`` set its windows
are those of a ``Windower(scaler=StandardScaler())`` on the same rows, and
the statistics never see a validation or test row.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import tensorflow as tf
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from tsrnn.core.validation import check_int, message
from tsrnn.data.calendar import calendar_columns, calendar_features
from tsrnn.data.parquet_files import file_label, file_targets, list_files, read_file
from tsrnn.data.spec import check_spec
from tsrnn.data.splits import (
    check_lengths,
    check_split_order,
    check_split_rows,
    cut_series,
    split_names,
    split_rows,
    split_starts,
)
from tsrnn.data.tfdata import gather_windows
from tsrnn.data.timestamps import local_index, stamp

__all__ = ["ParquetWindower"]

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
    """Stream windows of a panel stored as Parquet files into ``tf.data``.

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
        Target columns; they come first in ``X`` and form ``y``. ``None``
        takes every numeric value column of the first file that is not a
        covariate.
    past_covariates : list of str, default=None
        Inputs known only up to the end of the input window.
    future_covariates : list of str, default=None
        Inputs known over the horizon too (planned values); they appear in
        ``X`` and, with ``dataset(include_future=True)``, over the horizon
        in ``X_future``.
    calendar : list of str, default=None
        Calendar features from the timestamps, as in :class:`tsrnn.Windower`:
        ``{name}_sin``/``{name}_cos`` pairs, known-future, not scaled.
    id_col : str, default=None
        Series id column. A series must lie whole in one file. ``None`` reads
        one series (then ``path`` must be a single file).
    time_col : str, default=None
        Timestamp column; ``None`` uses the DatetimeIndex stored with the
        files (``frame.to_parquet`` keeps it). Each series must be regularly
        spaced; rows may come in any order and are sorted by time within
        their series.
    scale_by : {"series", "global", None}, default="series"
        Standardize targets and covariates with the mean and standard
        deviation of each series' training rows (``"series"``), of all
        training rows (``"global"``), or not at all.
    val_size, test_size : float, int or Timestamp, default=None
        Size of the validation / test split of each series, as in
        :class:`tsrnn.Windower`: a fraction of its rows (rounded up), a number
        of rows, or the timestamp at which the split begins.

    Attributes
    ----------
    files_ : list of Path
        The Parquet files, in sorted order.
    series_ids_ : ndarray
        Series ids, by file and then in order of first appearance (``[0]``
        without ``id_col``).
    columns_ : tuple of str
        Columns of ``X``: targets, past covariates, future covariates,
        calendar features.
    target_columns_, future_columns_ : tuple of str
        Columns of ``y``; known-future columns (of ``X_future``).
    tz_ : tzinfo or None
        Time zone of the timestamps.
    mean_, scale_ : ndarray of shape (n_series, n_data_columns)
        Standardization of each series over targets and covariates (every
        row equal for ``"global"``; zeros and ones for ``scale_by=None``).
    n_windows_ : dict
        ``split -> number of windows`` over all files.

    Examples
    --------
    >>> import tempfile, numpy as np, pandas as pd
    >>> folder = tempfile.mkdtemp()
    >>> for name, sid in (("a.parquet", "a"), ("b.parquet", "b")):
    ...     pd.DataFrame({"id": sid, "time": pd.date_range("2024", periods=10),
    ...                   "y": np.arange(10.0)}).to_parquet(f"{folder}/{name}")
    >>> windower = ParquetWindower(4, 2, target="y", id_col="id", time_col="time",
    ...                            test_size=3, scale_by=None).fit(folder)
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
        stride=1,
        gap=0,
        target=None,
        past_covariates=None,
        future_covariates=None,
        calendar=None,
        id_col=None,
        time_col=None,
        scale_by="series",
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
        self.scale_by = scale_by
        self.val_size = val_size
        self.test_size = test_size

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
        params = self.get_params()
        # Every argument but scale_by is one of tsrnn.Windower, checked alike.
        spec = check_spec({k: v for k, v in params.items() if k != "scale_by"})
        if self.scale_by not in ("series", "global", None):
            raise ValueError(
                message("scale_by", "'series', 'global' or None", self.scale_by)
            )
        for name in ("id_col", "time_col"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise TypeError(message(name, "a column name (str) or None", value))
        files = list_files(path)
        if spec.id_col is None and len(files) > 1:
            raise ValueError(
                message(
                    "id_col",
                    "a column name when `path` holds several files (without it "
                    "the data is one series, in one file)",
                    None,
                )
            )
        target = (
            spec.target if spec.target is not None else file_targets(files[0], spec)
        )
        self._spec = spec
        self._data_columns = (*target, *spec.past, *spec.future)
        self.tz_ = False  # not seen yet
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
                entry = self._describe(sid, file, index, times)
                series[sid] = entry
                train = values[: entry.val]
                counts.append(len(train))
                sums.append((train.mean(axis=0), train.var(axis=0)))
        if not series:
            raise ValueError(
                f"`path` must hold at least one row. Got path={str(path)!r} with "
                "empty Parquet files."
            )
        check_split_order(spec)
        calendar = calendar_columns(spec.calendar)
        self.files_ = files
        self.columns_ = (*self._data_columns, *calendar)
        self.n_targets_ = len(target)
        self.target_columns_ = tuple(target)
        self.future_columns_ = (*spec.future, *calendar)
        self.series_ids_ = np.array(list(series), dtype=object)
        self._series = series
        self._row = {sid: k for k, sid in enumerate(series)}
        self.mean_, self.scale_ = _standardization(self.scale_by, sums, counts)
        self.n_windows_ = {
            name: sum(self._count(entry, name) for entry in series.values())
            for name in split_names(spec)
        }
        return self

    def _label(self, sid) -> str:
        return file_label(self._spec, sid)

    def _read(self, file: Path):
        """``(series id, times, values)`` of each series of ``file`` (checked)."""
        self.tz_, series = read_file(file, self._spec, self._data_columns, self.tz_)
        return series

    def _describe(self, sid, file, index, times) -> _Series:
        spec = self._spec
        label = self._label(sid)
        steps = np.diff(times)
        step = steps[0] if len(steps) else np.timedelta64(0, "ns")
        irregular = np.flatnonzero(steps != step)
        if len(steps) and (step <= np.timedelta64(0, "ns") or irregular.size):
            at = times[irregular[0] + 1] if irregular.size else times[1]
            raise ValueError(
                f"Timestamps{label} in {file.name} must be unique and regularly "
                f"spaced. Got {stamp(at, self.tz_)} after {pd.Timedelta(step)} "
                "steps. Fill the missing rows (e.g. with "
                "tsrnn.Windower(fill_missing=...)) before writing the files."
            )
        n = len(times)
        where = f" in {file.name}"
        check_lengths([n], spec.span, spec, lambda _: label, "", where)
        val, test = cut_series(times, spec, self.tz_, label)
        for name in split_names(spec):
            lo, hi = split_rows(name, n, val, test, spec)
            check_split_rows(name, lo, hi, spec, lambda _: label, where)
        return _Series(index, n, val, test, times[-1], step)

    # ------------------------------------------------------------ windows

    def _rows(self, entry: _Series, split: str) -> tuple[int, int]:
        """Rows ``[lo, hi)`` of a series that the windows of ``split`` cover."""
        return split_rows(split, entry.length, entry.val, entry.test, self._spec)

    def _count(self, entry, split) -> int:
        lo, hi = self._rows(entry, split)
        return len(split_starts(hi - lo, self._spec))

    def _inputs(self, sid, times, values) -> np.ndarray:
        """Scaled targets and covariates of some rows, then their calendar features."""
        k = self._row[sid]
        scaled = (values - self.mean_[k]) / self.scale_[k]
        if not self._spec.calendar:
            return scaled
        calendar = calendar_features(local_index(times, self.tz_), self._spec.calendar)
        return np.hstack([scaled, calendar])

    def _load(self, file_index, split):
        """Scaled rows of one file's series and the start row of each window."""
        file = self.files_[int(file_index)]
        blocks, starts, rows = [], [], []
        offset = 0
        for sid, times, values in self._read(file):
            entry = self._series.get(sid)
            if entry is None or entry.file != int(file_index):
                raise ValueError(
                    f"The Parquet files must not change after fit. Got rows"
                    f"{self._label(sid)} in {file.name}, unseen in fit. Refit the "
                    "ParquetWindower."
                )
            lo, hi = self._rows(entry, split)
            block = self._inputs(sid, times[lo:hi], values[lo:hi])
            starts_k = split_starts(hi - lo, self._spec)
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
        include_future=False,
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
        include_future : bool, default=False
            Yield ``((X, X_future), y)`` where ``X_future`` holds the
            known-future columns (``future_columns_``) over the horizon rows,
            shape (batch, horizon, n_future), as :func:`tsrnn.make_dataset`
            does for a WindowSet.
        series_index : bool, default=False
            Yield ``((X, series), y)`` where ``series`` (int32, shape
            (batch,)) is the row of the window's series in ``series_ids_``:
            the input of an embedding of series identity in a global model;
            with ``include_future``, ``((X, X_future, series), y)``.
        num_shards, shard_index : int, default=1, 0
            Read only the files ``shard_index, shard_index + num_shards, ...``
            (one shard per worker of a multi-worker job).

        Returns
        -------
        tf.data.Dataset
            float32 ``X`` of shape (batch, input_width, n_columns) and ``y`` of
            shape (batch, horizon, n_targets), scaled: the windows of
            :class:`tsrnn.Windower` over the same rows.
        """
        check_is_fitted(self, "files_")
        if split not in self.n_windows_:
            raise ValueError(
                message(
                    "split",
                    f"one of {list(self.n_windows_)}",
                    split,
                    "Set val_size/test_size before fit for those splits.",
                )
            )
        batch_size = check_int("batch_size", batch_size)
        cycle_length = check_int("cycle_length", cycle_length)
        shuffle_buffer = check_int("shuffle_buffer", shuffle_buffer)
        num_shards = check_int("num_shards", num_shards)
        shard_index = check_int("shard_index", shard_index, minimum=0)
        if shard_index >= num_shards:
            raise ValueError(
                message("shard_index", f"below num_shards={num_shards}", shard_index)
            )
        if seed is not None:
            seed = check_int("seed", seed, minimum=0)
        for name, value in (
            ("shuffle", shuffle),
            ("drop_remainder", drop_remainder),
            ("include_future", include_future),
            ("series_index", series_index),
        ):
            if not isinstance(value, bool):
                raise TypeError(message(name, "True or False", value))
        width = len(self.columns_)
        n_future = len(self.future_columns_)
        if include_future and not n_future:
            raise ValueError(
                message(
                    "include_future",
                    "False when the ParquetWindower has no future_covariates or "
                    "calendar",
                    include_future,
                )
            )
        spec = self._spec
        columns = {
            "input_width": spec.input_width,
            "horizon": spec.horizon,
            "gap": spec.gap,
            "target_columns": slice(0, self.n_targets_),
            "future_columns": slice(width - n_future, width)
            if include_future
            else None,
        }
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
                X, y = gather_windows(values, tf.gather(starts, chunk), **columns)
                if series_index:
                    series = tf.cast(tf.gather(rows, chunk), tf.int32)
                    X = (*X, series) if include_future else (X, series)
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
        width = self._spec.input_width
        blocks = []
        for sid, times, values in self._read(file):
            if sid not in self._series:
                raise ValueError(
                    f"The Parquet files must not change after fit. Got rows"
                    f"{self._label(sid)} in {file.name}, unseen in fit. Refit the "
                    "ParquetWindower."
                )
            blocks.append(self._inputs(sid, times[-width:], values[-width:]))
        if not blocks:
            return np.empty((0, width, len(self.columns_)), np.float32)
        return np.stack(blocks).astype(np.float32)

    def predict(self, model, *, batch_size=1024) -> pd.DataFrame:
        """Forecast the ``horizon`` rows after the end of every series.

        Reads one file at a time, takes the last ``input_width`` rows of each
        series, runs ``model`` on them and undoes the scaling. The model
        reads ``X`` only (the future covariates after the files' last rows
        are not in the files).

        Parameters
        ----------
        model : keras.Model
            Maps (batch, input_width, n_columns) to (batch, horizon, n_targets)
            (or (batch, horizon * n_targets)).
        batch_size : int, default=1024

        Returns
        -------
        pandas.DataFrame
            Long frame: the id column (``"series"`` without ``id_col``), the
            time column (``"time"`` without ``time_col``; UTC wall time for
            tz-aware data), one column per target.
        """
        check_is_fitted(self, "files_")
        batch_size = check_int("batch_size", batch_size)
        spec = self._spec
        horizon = spec.horizon
        id_name = spec.id_col if spec.id_col is not None else "series"
        time_name = spec.time_col if spec.time_col is not None else "time"
        parts = []
        n_targets = self.n_targets_
        for index in range(len(self.files_)):
            X = self._last_inputs(index)
            if not len(X):
                continue
            sids = [sid for sid, e in self._series.items() if e.file == index]
            y = np.asarray(model.predict(X, batch_size=batch_size, verbose=0))
            y = y.reshape(len(X), horizon, n_targets)
            rows = np.array([self._row[sid] for sid in sids])
            mean = self.mean_[rows, None, :n_targets]
            y = y * self.scale_[rows, None, :n_targets] + mean
            after = np.arange(1, horizon + 1) + spec.gap
            times = np.stack(
                [self._series[s].last_time + after * self._series[s].step for s in sids]
            )
            frame = pd.DataFrame(
                y.reshape(-1, n_targets), columns=list(self.target_columns_)
            )
            frame.insert(0, time_name, times.reshape(-1))
            frame.insert(0, id_name, np.repeat(np.array(sids, dtype=object), horizon))
            parts.append(frame)
        return pd.concat(parts, ignore_index=True)


# ------------------------------------------------------------------ helpers


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
