"""Known-future covariates over the forecast steps, read from a ``future`` frame.

Forecasting from the end of a series needs the planned values of its future
covariates over the steps after it. :func:`read_future` checks the caller's
``future`` frame against the fitted panel (same layout, same grid, every
step covered, finite values) and returns one array per series.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tsrnn.core.validation import message
from tsrnn.data.panel import Panel, numeric_values, series_codes
from tsrnn.data.spec import WIDE_ID, Spec
from tsrnn.data.timestamps import read_timestamps, stamp

__all__ = ["read_future"]


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
    values = numeric_values(future, columns)
    if spec.id_col is None:
        groups = {WIDE_ID: np.arange(len(future))}
    else:
        codes, ids, _ = series_codes(future, spec.id_col)
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
        label = panel.label(k)
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
                f"{stamp(repeated, panel.tz)} more than once."
            )
        off_grid = ~np.isin(stamps, after)
        if off_grid.any():
            raise ValueError(
                f"Timestamps of `future`{label} must lie on the fitted grid of "
                f"frequency {panel.freq.freqstr!r} after the last row. Got "
                f"{stamp(stamps[np.flatnonzero(off_grid)[0]], panel.tz)}, which "
                "is off the grid. Resample `future` to the frame's frequency."
            )
        uncovered = ~np.isin(wanted, stamps)
        if uncovered.any():
            raise ValueError(
                f"`future` must cover the {len(wanted)} forecast steps{label}. Got "
                f"no row at {stamp(wanted[np.flatnonzero(uncovered)[0]], panel.tz)}."
                f" Pass future covariates up to {stamp(wanted[-1], panel.tz)}."
            )
        block = values[rows[np.searchsorted(stamps, wanted)]]
        bad = ~np.isfinite(block)
        if bad.any():
            row, col = (int(i) for i in np.argwhere(bad)[0])
            raise ValueError(
                f"`future` values must be finite numbers. Got "
                f"{float(block[row, col])!r} in column {columns[col]!r}{label} at "
                f"{stamp(wanted[row], panel.tz)}. Fill in the planned values."
            )
        out[sid] = block
    return out
