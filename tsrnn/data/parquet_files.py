"""Parquet files of a panel: listed, read and checked one file at a time.

The reading half of :class:`tsrnn.data.parquet.ParquetWindower`: each file is
read whole (it bounds the memory held), its timestamps and values checked,
and its series returned sorted by time, so that the windower never holds more
than a few files.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd

from tsrnn.data.panel import numeric_targets, series_codes
from tsrnn.data.spec import Spec
from tsrnn.data.timestamps import label_of, read_timestamps, stamp

__all__ = ["file_label", "file_targets", "list_files", "read_file"]


def list_files(path) -> list[Path]:
    """The Parquet files of ``path``: a directory (sorted), a file, or a list."""
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


def file_targets(file: Path, spec: Spec) -> tuple:
    """``target=None``: the numeric value columns of ``file`` (not covariates)."""
    import pyarrow.parquet as pq

    empty = pq.read_schema(file).empty_table().to_pandas()
    return numeric_targets(empty, spec)


def read_file(file: Path, spec: Spec, columns: tuple, tz=False):
    """The series of one Parquet file, checked: ``(tz, [(id, times, values)])``.

    ``columns`` are the value columns to read (targets, then covariates);
    ``tz`` the time zone of the files read before (``False``: none yet), which
    this file must share. ``times`` are datetime64[ns] (UTC wall time for
    tz-aware data) in increasing order; ``values`` float64. Series come in
    order of first appearance; rows may come in any order in the file.
    """
    import pyarrow.parquet as pq

    keys = [c for c in (spec.id_col, spec.time_col) if c is not None]
    wanted = [*keys, *columns]
    try:
        table = pq.read_table(
            file, columns=wanted, use_pandas_metadata=spec.time_col is None
        )
    except (KeyError, ValueError) as error:
        schema = pq.read_schema(file).names
        missing = [c for c in wanted if c not in schema]
        if not missing:
            raise
        raise ValueError(
            f"Columns {missing} must be in every Parquet file. Got columns "
            f"{schema} in {file.name}. Check `target`, `past_covariates`, "
            "`future_covariates`, `id_col` and `time_col`."
        ) from error
    frame = table.to_pandas()
    tz, times = _times(frame, spec.time_col, file, tz)
    values = np.empty((len(frame), len(columns)))
    for j, name in enumerate(columns):
        column = frame[name]
        if not pd.api.types.is_numeric_dtype(column):
            raise TypeError(
                f"Column {name!r} must be numeric. Got dtype {column.dtype} in "
                f"{file.name}. Convert it before writing the files."
            )
        values[:, j] = column.to_numpy(dtype=np.float64, na_value=np.nan)
    codes, uniques, _ = series_codes(frame, spec.id_col)
    # Stable sort: series in order of first appearance, rows by time.
    order = np.lexsort((times, codes))
    codes, times, values = codes[order], times[order], values[order]
    bounds = np.r_[0, np.flatnonzero(np.diff(codes)) + 1, len(codes)]
    bad = ~np.isfinite(values)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        label = file_label(spec, _key(uniques[codes[row]]))
        raise ValueError(
            f"Column {columns[col]!r} must hold finite values. Got "
            f"{values[row, col]!r} at {stamp(times[row], tz)}, in the rows{label} "
            f"of {file.name}. Fill or drop the gaps before writing the files."
        )
    series = [
        (_key(uniques[codes[lo]]), times[lo:hi], values[lo:hi])
        for lo, hi in pairwise(bounds)
        if hi > lo
    ]
    return tz, series


def file_label(spec: Spec, sid) -> str:
    """`` of series 'a'`` in messages; nothing without ``id_col`` (one series)."""
    return label_of(None if spec.id_col is None else [sid], 0)


def _times(frame: pd.DataFrame, time_col, file: Path, tz):
    """The zone and the timestamps of ``frame`` as UTC wall time."""
    try:
        index, _ = read_timestamps(frame, time_col)
    except (TypeError, ValueError) as error:
        raise type(error)(f"{error} (In {file.name}.)") from error
    if tz is not False and str(index.tz) != str(tz):
        raise ValueError(
            "Timestamps must share one time zone in every file (tz-aware and "
            f"naive cannot mix). Got tz={index.tz} in {file.name} and "
            f"tz={tz} before. Convert them before writing the files."
        )
    if index.tz is not None:
        utc = index.tz_convert("UTC").tz_localize(None)
    else:
        utc = index
    return index.tz, utc.as_unit("ns").to_numpy()


def _key(sid):
    # numpy scalars from pandas become plain Python values, so that ids compare
    # and print the same whichever file they came from.
    return sid.item() if isinstance(sid, np.generic) else sid
