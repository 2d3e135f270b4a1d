"""The caller's history, read once into a checked container.

:func:`read_history` turns the ``y`` (and ``covariates``) a user hands to
:class:`~tsrnn.Forecaster` into a :class:`History`: a data-layer
:class:`~tsrnn.data.panel.Panel` holding the targets, then the covariates, of
every series over the history rows, plus the whole covariate timeline of each
series (rows after the history are the known-future values). All checks
(layout, numbers, order, duplicates, the time grid, missing values) are those
of :func:`tsrnn.data.panel.read_frame`, done once here. The forecaster, its
strategies, the intervals and the backtests then work on the History only: the
panel goes to the :class:`~tsrnn.Windower` as it is, never re-parsed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from tsrnn.core.validation import plain, series_label
from tsrnn.data import panel as panels
from tsrnn.data.spec import check_spec

__all__ = ["History", "Layout", "attach_covariates", "attach_static", "read_history"]


@dataclass(frozen=True)
class Layout:
    """How the caller's frames are laid out and read (the Forecaster's options)."""

    id_col: object = None
    time_col: object = None
    freq: object = None
    fill_missing: str | None = None
    nan_policy: str = "raise"

    @property
    def long(self) -> bool:
        return self.id_col is not None


@dataclass(frozen=True)
class History:
    """Targets and covariates of every series, checked, in one panel.

    Attributes
    ----------
    panel : tsrnn.data.panel.Panel
        Columns: the targets, then the covariates, over the history rows.
    n_targets : int
    timelines : tuple or None
        Per series, ``(times, values)`` of every covariate row the caller gave
        (datetime64[ns] in the panel's UTC wall time, float64 values): the
        history rows and the known-future rows after them.
    long : bool
        Whether the caller's frame was long (many series, named by ``id_col``).
    n_static : int
        The last ``n_static`` columns are static covariates: one value per
        series on every row, known at every future step too (see
        :mod:`tsrnn.forecasting.static`); they have no timeline.
    static_scaling : tuple or None
        ``(center, scale)`` of the static columns: the panel holds
        ``(value - center) / scale``.
    """

    panel: panels.Panel
    n_targets: int
    timelines: tuple | None
    long: bool
    n_static: int = 0
    static_scaling: tuple | None = None

    @property
    def targets(self) -> tuple:
        return self.panel.columns[: self.n_targets]

    @property
    def covariates(self) -> tuple:
        """Every input column that is not a target: dynamic, then static."""
        return self.panel.columns[self.n_targets :]

    @property
    def dynamic(self) -> tuple:
        """Covariates that vary in time (the columns of the caller's covariates)."""
        return self.covariates[: len(self.covariates) - self.n_static]

    @property
    def static(self) -> tuple:
        """Static covariates: one value per series, on every row."""
        return self.covariates[len(self.covariates) - self.n_static :]

    def static_values(self) -> np.ndarray:
        """(n_series, n_static) standardized static values, one row per series."""
        first = self.panel.data[self.panel.bounds[:-1]]
        return first[:, first.shape[1] - self.n_static :]

    @property
    def ids(self) -> np.ndarray:
        return self.panel.ids

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.panel.bounds)

    def label(self, k: int) -> str:
        """`` of series 'a'`` for series ``k`` of a long history, else nothing."""
        return series_label(self.panel.ids[k], named=self.long)

    def times(self, k: int) -> pd.DatetimeIndex:
        """Timestamps of series ``k`` in the caller's time zone."""
        return self.panel.local_index(self.panel.times[self.panel.series(k)])

    def frame(self, k: int, columns=None) -> pd.DataFrame:
        """Series ``k`` as a DataFrame indexed by its timestamps (a new frame)."""
        rows = self.panel.data[self.panel.series(k)]
        frame = pd.DataFrame(rows, index=self.times(k), columns=list(self.columns))
        frame.index.name = self.panel.time_name
        return frame if columns is None else frame[list(columns)]

    @property
    def columns(self) -> tuple:
        return self.panel.columns

    def cut(self, start, end, *, series=None) -> History:
        """Rows ``[start[i], end[i])`` of each series (the timelines are kept).

        ``series``: positions of the series to keep, in this order (``None``:
        all); ``start`` and ``end`` then have one entry per kept series.
        """
        panel = self.panel.take(start, end, series=series)
        timelines = self.timelines
        if series is not None and timelines is not None:
            timelines = tuple(timelines[k] for k in np.asarray(series).tolist())
        return replace(self, panel=panel, timelines=timelines)

    def known_inputs(
        self, members, columns, ahead: int, steps: int, *, strict: bool, gap: int = 0
    ) -> dict:
        """Values of covariates ``columns`` over the steps after each origin.

        ``members`` are ``(k, p)`` pairs: series position and origin (forecast
        from the first ``p`` rows). The ``ahead`` steps start ``gap + 1`` steps
        after row ``p - 1``. With ``strict`` the first ``steps`` must be known
        (else the error names the first missing timestamp); later steps, and
        with ``strict=False`` any unknown step, repeat the last known value.

        Returns
        -------
        dict
            ``series id -> ndarray (ahead, len(columns))``.
        """
        static = [self.static.index(c) if c in self.static else -1 for c in columns]
        static = np.array(static, dtype=int)
        is_static = static >= 0
        dynamic = [c for c, s in zip(columns, is_static, strict=True) if not s]
        index = [self.covariates.index(c) for c in dynamic]
        out = {}
        for k, p in members:
            # Static columns hold the series' one value at every step.
            row = self.panel.data[self.panel.bounds[k]]
            block = np.empty((ahead, len(columns)))
            block[:, is_static] = row[len(row) - self.n_static + static[is_static]]
            if dynamic:
                block[:, ~is_static] = self._known_block(
                    k, p, dynamic, index, ahead, steps, strict=strict, gap=gap
                )
            out[self.ids[k]] = block
        return out

    def _known_block(self, k, p, columns, index, ahead, steps, *, strict, gap):
        """Values of the dynamic covariates ``columns`` (positions ``index``)."""
        stamp = self.panel.times[self.panel.bounds[k] + p - 1]
        local = self.panel.local_index(np.array([stamp]))[0]
        grid = pd.date_range(local, periods=gap + ahead + 1, freq=self.panel.freq)
        grid = grid[1 + gap :]
        utc = grid if grid.tz is None else grid.tz_convert("UTC").tz_localize(None)
        wanted = utc.as_unit("ns").to_numpy()
        times, values = self.timelines[k]
        pos, found = _find(times, wanted)
        block = np.where(found[:, None], values[pos][:, index], np.nan)
        missing = np.isnan(block[:steps]).any(axis=1)
        if strict and missing.any():
            raise ValueError(
                f"`covariates` must cover the {steps} forecast steps"
                f"{self.label(k)} for the future covariates {list(columns)}. "
                f"Got no value at {grid[int(np.flatnonzero(missing)[0])]}. "
                f"Pass covariates up to {grid[steps - 1]} to predict."
            )
        last = self.panel.data[self.panel.bounds[k] + p - 1]
        last = last[[self.n_targets + c for c in index]]
        filled = pd.DataFrame(np.vstack([last, block])).ffill().to_numpy()
        return filled[1:]


def read_history(
    y, covariates, layout: Layout, *, target=None, future_covariates=(), fitted=None
) -> History:
    """Check ``y`` and ``covariates`` once; the :class:`History` they describe.

    ``fitted`` is None while fitting (targets resolved from ``target``) and
    the History seen in fit when forecasting from a new history (its targets,
    covariates, frequency and time zone are then required).
    """
    frame = _as_frame(y, layout)
    value_columns = [
        c for c in frame.columns if c not in (layout.id_col, layout.time_col)
    ]
    if fitted is None:
        targets = _resolve_targets(frame, target, value_columns)
    else:
        targets = fitted.targets
        check_columns("y", value_columns, list(targets), exact=target is None)
    spec = _spec(layout, targets)
    if fitted is None:
        panel = panels.read_frame(frame, spec, name="y", sort_series=layout.long)
    else:
        panel = panels.read_frame(
            frame,
            spec,
            columns=targets,
            freq=fitted.panel.freq,
            tz=fitted.panel.tz,
            name="y",
            sort_series=layout.long,
        )
    history = History(
        panel=panel, n_targets=len(targets), timelines=None, long=layout.long
    )
    if covariates is not None:
        expected = None if fitted is None else fitted.dynamic
        return attach_covariates(
            history, covariates, layout, expected=expected, future=future_covariates
        )
    if fitted is not None and fitted.dynamic:
        raise ValueError(
            "`covariates` must be given: the forecaster was fitted with "
            f"covariates {list(fitted.dynamic)}. Pass "
            "predict(..., covariates=frame) with these columns."
        )
    if fitted is None and future_covariates:
        raise ValueError(
            "`covariates` must be given when future_covariates is set. Got "
            f"future_covariates={list(future_covariates)!r} and no covariates."
        )
    return history


def attach_covariates(
    history: History, covariates, layout: Layout, *, expected=None, future=()
) -> History:
    """``history`` (its targets) joined with ``covariates`` by series and time.

    Every history row needs a value of every covariate; rows after the history
    are kept as the known future. ``expected`` are the covariate columns seen in
    fit (None while fitting, then ``future`` must name covariates). Static
    columns of ``history`` are kept, after the new ones.
    """
    if not isinstance(covariates, pd.DataFrame):
        raise TypeError(
            "`covariates` must be a pandas DataFrame. Got covariates of type "
            f"{type(covariates).__name__}."
        )
    targets = history.targets
    static = history.static
    columns = [
        c for c in covariates.columns if c not in (layout.id_col, layout.time_col)
    ]
    if expected is None:
        clash = [c for c in columns if c in targets]
        if clash:
            raise ValueError(
                f"`covariates` must not repeat target columns. Got {clash} in "
                "both. Drop them from covariates."
            )
        unknown = [c for c in future if c not in columns]
        if unknown:
            raise ValueError(
                f"`future_covariates` must name columns of `covariates`. Got "
                f"{unknown} missing; columns: {columns}."
            )
    else:
        check_columns("covariates", columns, list(expected), exact=True)
        columns = list(expected)
    base = history.panel
    # NaN is allowed while reading: only the rows a forecast reads must be
    # known, and the join below names the first one that is not.
    spec = _spec(replace(layout, nan_policy="drop_windows"), tuple(columns))
    read = panels.read_frame(
        covariates,
        spec,
        columns=tuple(columns),
        freq=base.freq,
        tz=base.tz,
        name="covariates",
        sort_series=layout.long,
    )
    where = {sid: k for k, sid in enumerate(read.ids.tolist())}
    blocks, timelines = [], []
    for k, sid in enumerate(base.ids.tolist()):
        j = where.get(sid)
        if j is None:
            raise ValueError(
                "`covariates` must cover every series. Got no rows for series "
                f"{plain(sid)!r}. Add its rows."
            )
        times, values = read.times[read.series(j)], read.data[read.series(j)]
        wanted = base.times[base.series(k)]
        pos, found = _find(times, wanted)
        ok = found & ~np.isnan(values[pos]).any(axis=1)
        if not ok.all():
            stamp = history.times(k)[int(np.flatnonzero(~ok)[0])]
            raise ValueError(
                f"`covariates` must cover the history{history.label(k)}. Got no "
                f"value at {stamp}. Pass covariates for every history timestamp."
            )
        rows = base.data[base.series(k)]
        kept = rows[:, rows.shape[1] - len(static) :]
        blocks.append(np.hstack([rows[:, : len(targets)], values[pos], kept]))
        timelines.append((times, values))
    panel = replace(
        base,
        data=np.concatenate(blocks),
        columns=(*targets, *columns, *static),
    )
    return replace(history, panel=panel, timelines=tuple(timelines))


def attach_static(history: History, names, values, scaling) -> History:
    """``history`` with static columns ``names`` appended on every row.

    ``values`` (n_series, len(names)) are the raw values of each series (in the
    order of ``history.ids``); ``scaling`` ``(center, scale)`` standardizes them.
    Replaces static columns ``history`` already had.
    """
    center, scale = (np.asarray(a, dtype=np.float64) for a in scaling)
    standardized = (np.asarray(values, dtype=np.float64) - center) / scale
    base = history.panel
    kept = base.data[:, : base.data.shape[1] - history.n_static]
    rows = np.repeat(standardized, np.diff(base.bounds), axis=0)
    panel = replace(
        base,
        data=np.hstack([kept, rows]),
        columns=(*base.columns[: kept.shape[1]], *names),
    )
    return replace(
        history, panel=panel, n_static=len(names), static_scaling=(center, scale)
    )


def _find(times: np.ndarray, wanted: np.ndarray):
    """Positions of ``wanted`` in the sorted ``times``, and which are there."""
    pos = np.searchsorted(times, wanted).clip(0, len(times) - 1)
    return pos, times[pos] == wanted


def check_columns(name, got, expected, *, exact: bool) -> None:
    """Raise unless ``got`` holds ``expected`` in order (and nothing else if exact)."""
    missing = [c for c in expected if c not in got]
    if missing:
        raise ValueError(
            f"`{name}` must have the columns seen in fit, {expected}. Got "
            f"columns {got}; missing {missing}. Pass a frame with these columns."
        )
    present = [c for c in got if c in expected]
    if present != list(expected) or (exact and len(got) != len(expected)):
        raise ValueError(
            f"`{name}` must have the columns seen in fit, in the same order: "
            f"{expected}. Got {got}. Select them with {name}[{expected}]."
        )


def _as_frame(y, layout: Layout) -> pd.DataFrame:
    if isinstance(y, pd.Series):
        if layout.long:
            raise TypeError(
                f"`y` must be a long DataFrame when id_col={layout.id_col!r}. Got "
                "a Series. Pass the long frame, or id_col=None."
            )
        return y.to_frame(y.name if y.name is not None else "y")
    if isinstance(y, pd.DataFrame):
        return y
    raise TypeError(
        "`y` must be a pandas Series or DataFrame with timestamps. Got "
        f"y of type {type(y).__name__}. Wrap arrays with "
        "pd.Series(values, index=pd.date_range(...))."
    )


def _resolve_targets(frame, target, value_columns) -> tuple:
    if target is None:
        numeric = tuple(
            c for c in value_columns if pd.api.types.is_numeric_dtype(frame[c].dtype)
        )
        if not numeric:
            raise ValueError(
                "`target` must be given when `y` has no numeric column. Got "
                f"columns {value_columns}."
            )
        return numeric
    targets = [target] if isinstance(target, str) else list(target)
    missing = [c for c in targets if c not in value_columns]
    if missing:
        raise ValueError(
            f"`target` must name columns of `y`. Got target={target!r}; "
            f"missing {missing}. Columns: {value_columns}."
        )
    return tuple(targets)


def _spec(layout: Layout, columns: tuple):
    """The data-layer spec that reads ``columns`` of a frame in ``layout``."""
    return check_spec(
        {
            "input_width": 1,
            "target": list(columns),
            "id_col": layout.id_col,
            "time_col": layout.time_col,
            "freq": layout.freq,
            "fill_missing": layout.fill_missing,
            "nan_policy": layout.nan_policy,
        }
    )
