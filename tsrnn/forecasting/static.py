"""Static covariates and series identity: what a global model knows of each series.

A global model reads every series of a panel through one network, so two
series whose recent values look alike get the same forecast. Static covariates
(one value per series: a region's population, a product's category, one-hot
encoded, or the series' own identity) tell them apart. They are appended to
every row of the series' windows and are known at every future step.

``Forecaster.fit(y, static_covariates=frame)``
    ``frame`` has one row per series, indexed by the series ids or with the
    ``id_col`` column; its columns are numeric (bool counts). One-hot encode
    categories first: ``pd.get_dummies(frame, dtype=float)``. The columns are
    standardized across the series seen in fit (mean 0, standard deviation 1;
    a column equal for all series becomes 0), so values of any magnitude feed
    a network well. ``predict`` reuses each series' values from fit; a new
    history may bring new values for its series with
    ``predict(history, static_covariates=frame)`` (a what-if forecast).
``Forecaster(series_identity=True)``
    Adds one-hot columns ``series=<id>``, one per series that gives training
    windows. For a recurrent network this *is* a learned embedding of each
    series: the one-hot row picks one column of the input kernel, a learned
    vector added to the input projection of every step (the same as an
    embedding table of ``3 * units`` dimensions for a GRU). A series too short
    to train on gets all-zero identity columns (no learned offset), and a
    series not seen in fit cannot be forecast with its identity. One column
    per series makes the first layer's input projection grow with the panel,
    and every training window carries the columns on each row: a fit whose
    static columns would take more than ``MAX_BYTES`` (1 GiB) of windows
    raises before it starts. For hundreds of long series, stream windows with
    ``ParquetWindower.dataset(series_index=True)`` to a model with an
    embedding layer instead.

How the strategies read them: the recursive and seq2seq strategies take them
as known-future inputs (every fed-back row and the decoder carry them); the
direct strategy as past covariates over the window (a 3-D network's dense head
reads no horizon inputs, and static values over the horizon are those of the
window). See :class:`~tsrnn.forecasting.history.History` for the container.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tsrnn.core.validation import plain
from tsrnn.forecasting.history import check_columns

__all__ = [
    "IDENTITY_PREFIX",
    "MAX_BYTES",
    "check_size",
    "identity",
    "n_identity",
    "read_table",
    "rows_for",
    "standardizer",
]

IDENTITY_PREFIX = "series="
# Most bytes the static columns may add to the training windows (float64,
# windows x input_width x static columns): 1 GiB. The windows are materialized
# a few times over in fitting, so more runs out of memory on a laptop; raise it
# on a machine with the memory.
MAX_BYTES = 2**30


def read_table(frame, *, id_col, taken=(), expected=None) -> pd.DataFrame:
    """The checked static covariates: float columns indexed by series id.

    ``taken`` are column names already used by the history (targets and
    covariates); ``expected`` the static columns seen in fit, when
    predicting. Returns a new frame; ``frame`` is not modified.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            "`static_covariates` must be a pandas DataFrame with one row per "
            f"series. Got static_covariates of type {type(frame).__name__}."
        )
    table = frame.set_index(id_col) if id_col in frame.columns else frame
    if len(table) == 0 or len(table.columns) == 0:
        raise ValueError(
            "`static_covariates` must have rows and columns. Got a frame of "
            f"shape {frame.shape}."
        )
    repeated = table.index[table.index.duplicated()].unique().tolist()
    if repeated:
        raise ValueError(
            "`static_covariates` must have one row per series. Got more than one "
            f"row for series {[plain(r) for r in repeated[:3]]}. Keep one row "
            "each (index or id column)."
        )
    text = [
        c
        for c in table.columns
        if not (
            pd.api.types.is_numeric_dtype(table[c].dtype)
            or pd.api.types.is_bool_dtype(table[c].dtype)
        )
    ]
    if text:
        raise ValueError(
            f"`static_covariates` must have numeric columns. Got {text} of "
            "another dtype. One-hot encode them first: "
            "pd.get_dummies(static_covariates, columns=[...], dtype=float)."
        )
    clash = [
        c for c in table.columns if c in taken or str(c).startswith(IDENTITY_PREFIX)
    ]
    if clash:
        raise ValueError(
            f"`static_covariates` must have new column names. Got {clash}, "
            "already targets or covariates of the history, or starting with "
            f"{IDENTITY_PREFIX!r} (series_identity's columns). Rename them."
        )
    if expected is not None:
        check_columns("static_covariates", list(table.columns), expected, exact=True)
    values = table.to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        row, column = (int(i[0]) for i in np.nonzero(bad))
        raise ValueError(
            "`static_covariates` must hold finite numbers. Got "
            f"{values[row, column]} for series {plain(table.index[row])!r} in "
            f"column {table.columns[column]!r}. Fill it."
        )
    return pd.DataFrame(values, index=table.index.copy(), columns=table.columns)


def rows_for(table: pd.DataFrame, ids, fallback=None) -> np.ndarray:
    """The values of series ``ids`` (n, columns), from ``table`` or ``fallback``.

    ``fallback`` is a table of the values seen in fit, read for series that
    ``table`` (None: no new table) leaves out. A series in neither raises.
    """
    ids = pd.Index(ids)
    columns = (table if table is not None else fallback).columns
    out = np.full((len(ids), len(columns)), np.nan)
    found = np.zeros(len(ids), dtype=bool)
    for source in (table, fallback):
        if source is None:
            continue
        pos = source.index.get_indexer(ids)
        take = (pos >= 0) & ~found
        out[take] = source.to_numpy()[pos[take]]
        found |= take
    if not found.all():
        missing = ids[~found].tolist()
        raise ValueError(
            "`static_covariates` must have a row for every series. Got none for "
            f"series {[plain(m) for m in missing[:3]]} ({len(missing)} in all). "
            "Add their rows."
        )
    return out


def check_size(n_windows: int, width: int, names) -> None:
    """Raise when the static columns ``names`` make the windows too large.

    Each static column is repeated on every row of every training window; for
    ``series_identity`` over hundreds of series that is gigabytes.
    """
    size = n_windows * width * len(names) * 8
    if size <= MAX_BYTES:
        return
    identity = n_identity(names)
    raise ValueError(
        f"The static columns must fit in memory: {len(names)} columns "
        f"({identity} of series_identity) repeated on the {width} rows of "
        f"{n_windows:,} training windows take {size / 2**30:.1f} GiB, over "
        f"tsrnn.forecasting.static.MAX_BYTES ({MAX_BYTES / 2**30:.1f} GiB). Leave "
        "series_identity out (or fit fewer series), shorten input_width, or "
        "raise MAX_BYTES on a machine with the memory."
    )


def n_identity(names) -> int:
    """How many of the static columns ``names`` are series_identity's."""
    return sum(str(c).startswith(IDENTITY_PREFIX) for c in names)


def standardizer(values: np.ndarray) -> tuple:
    """``(center, scale)`` standardizing each column over the series seen in fit."""
    center = values.mean(axis=0)
    scale = values.std(axis=0)
    return center, np.where(scale > 0, scale, 1.0)


def identity(ids, known) -> tuple:
    """One-hot identity columns of ``ids`` over the ``known`` series.

    ``known`` are the series given their own column (those that trained);
    a series of ``ids`` not among them gets a row of zeros (the caller decides
    which may). Returns ``(names, values (len(ids), len(known)))``.
    """
    names = tuple(f"{IDENTITY_PREFIX}{plain(k)}" for k in known)
    pos = pd.Index(known).get_indexer(pd.Index(ids))
    values = np.zeros((len(pos), len(names)))
    hit = pos >= 0
    values[np.flatnonzero(hit), pos[hit]] = 1.0
    return names, values
