"""Series identity for global models: one-hot static covariates per series.

A global model fits one network over many series. It sees each window's
values, so two series whose recent values look alike get the same forecast.
Appending, to every row, constant columns that say which series it belongs to
(one-hot static covariates) lets the model learn per-series behaviour, and,
because they are constant, they are also known over the forecast horizon.
Pass the result to :class:`tsrnn.Forecaster` as ``covariates`` with its
columns as ``future_covariates``; per-series scaling comes from
``Forecaster(..., scaler=..., scale_by=...)`` or the transforms. For an
embedding of many thousands of series, stream windows with
:meth:`tsrnn.data.parquet.ParquetWindower.dataset` ``(series_index=True)``.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["series_covariates"]


def series_covariates(frame, *, id_col, time_col, horizon=0, freq=None, prefix="is_"):
    """One-hot columns naming each row's series, extended ``horizon`` steps ahead.

    Parameters
    ----------
    frame : pandas.DataFrame
        Long frame with ``id_col`` and ``time_col`` columns. Not modified.
    id_col, time_col : str
    horizon : int, default=0
        Future rows to add per series after its last timestamp (the rows
        ``Forecaster.predict(covariates=...)`` needs for known-future columns).
    freq : str or DateOffset, optional
        Step of the future rows; inferred from each series when left out.
    prefix : str, default="is_"
        Column names are ``f"{prefix}{series id}"``.

    Returns
    -------
    pandas.DataFrame
        ``id_col``, ``time_col`` and one float column per series (1.0 on its
        rows, else 0.0), series in order of first appearance.

    Examples
    --------
    >>> import pandas as pd
    >>> time = pd.date_range("2024-01-01", periods=3, freq="D")
    >>> frame = pd.DataFrame({"id": ["a"] * 3 + ["b"] * 3,
    ...                       "time": time.append(time), "y": 1.0})
    >>> series_covariates(frame, id_col="id", time_col="time", horizon=1)
      id       time  is_a  is_b
    0  a 2024-01-01   1.0   0.0
    1  a 2024-01-02   1.0   0.0
    2  a 2024-01-03   1.0   0.0
    3  a 2024-01-04   1.0   0.0
    4  b 2024-01-01   0.0   1.0
    5  b 2024-01-02   0.0   1.0
    6  b 2024-01-03   0.0   1.0
    7  b 2024-01-04   0.0   1.0
    """
    from tsrnn.core.validation import check_int, infer_freq

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"`frame` must be a pandas DataFrame. Got {type(frame).__name__}."
        )
    for name, column in (("id_col", id_col), ("time_col", time_col)):
        if column not in frame.columns:
            raise ValueError(
                f"`{name}` must name a column of `frame`. Got {name}={column!r}; "
                f"the columns are {list(frame.columns)}."
            )
    horizon = check_int("horizon", horizon, minimum=0)
    ids = pd.unique(frame[id_col])
    names = [f"{prefix}{sid}" for sid in ids]
    clash = [n for n in names if n in frame.columns]
    if clash:
        raise ValueError(
            f"`prefix` must give new column names. Got prefix={prefix!r}, which "
            f"makes {clash[:3]}, already in `frame`. Choose another prefix."
        )
    parts = []
    for sid, part in frame.groupby(id_col, sort=False):
        times = pd.DatetimeIndex(pd.to_datetime(part[time_col])).sort_values()
        if horizon:
            step = freq if freq is not None else infer_freq(times)
            if step is None:
                raise ValueError(
                    f"`freq` must be given: the timestamps of series {sid!r} have "
                    "no regular step to extend by. Pass freq='h' (for example)."
                )
            ahead = pd.date_range(times[-1], periods=horizon + 1, freq=step)[1:]
            times = times.append(ahead)
        block = pd.DataFrame(0.0, index=range(len(times)), columns=names)
        block[f"{prefix}{sid}"] = 1.0
        block.insert(0, time_col, times)
        block.insert(0, id_col, sid)
        parts.append(block)
    return pd.concat(parts, ignore_index=True)
