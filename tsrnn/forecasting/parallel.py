"""Embarrassingly parallel work (per-series models, folds, grids) on joblib backends.

tsrnn hands independent tasks to joblib, so they run wherever joblib runs them:
local processes (``backend="loky"``), or a Dask cluster (``backend="dask"``,
with a ``distributed.Client`` connected in the calling process; install the
``scale`` extra, ``pip install tsrnn[scale]``), or Ray (``backend="ray"`` after
``ray.util.joblib.register_ray()``). Each task is pickled to its worker: pass
estimators and frames, not open files or live Keras models built elsewhere.
"""

from __future__ import annotations

import pandas as pd
from joblib import Parallel, delayed, parallel_config
from sklearn.base import clone

__all__ = ["fit_per_series", "map_tasks"]


def map_tasks(function, tasks, *, backend="loky", n_jobs=-1) -> list:
    """``[function(task) for task in tasks]``, run in parallel by joblib.

    Parameters
    ----------
    function : callable
        Picklable (a module-level function or a picklable object).
    tasks : iterable
    backend : str, default="loky"
        A joblib backend: ``"sequential"``, ``"loky"``, ``"threading"``,
        ``"dask"`` (needs a connected ``distributed.Client``), ``"ray"``.
    n_jobs : int, default=-1
        Parallel tasks; ``-1`` uses every worker the backend offers.

    Returns
    -------
    list
        The results, in the order of ``tasks``.

    Examples
    --------
    >>> map_tasks(abs, [-1, 2, -3], backend="sequential")
    [1, 2, 3]
    """
    if not callable(function):
        raise TypeError(f"`function` must be callable. Got function={function!r}.")
    if not isinstance(backend, str):
        raise TypeError(
            f"`backend` must be the name of a joblib backend. Got backend={backend!r}."
        )
    if backend == "dask":
        _check_dask_client()
    tasks = list(tasks)
    with parallel_config(backend=backend, n_jobs=n_jobs):
        return Parallel()(delayed(function)(task) for task in tasks)


def _check_dask_client() -> None:
    try:
        from distributed import get_client
    except ImportError as error:
        raise ImportError(
            "`backend='dask'` needs dask.distributed. Install it with "
            "pip install 'tsrnn[scale]' (or 'dask[distributed]>=2024.1')."
        ) from error
    try:
        get_client()
    except ValueError as error:
        raise ValueError(
            "`backend='dask'` needs a connected distributed.Client. Got none. "
            "Create one first: client = distributed.Client(scheduler_address) "
            "(or distributed.Client(distributed.LocalCluster()))."
        ) from error


def _fit_one(job):
    forecaster, series = job
    return forecaster.fit(series)


def fit_per_series(
    forecaster, frame, *, id_col, time_col=None, backend="loky", n_jobs=-1
) -> dict:
    """Fit one clone of ``forecaster`` per series of a long frame, in parallel.

    Parameters
    ----------
    forecaster : tsrnn.Forecaster or estimator with ``fit(frame)``
        Cloned for each series (unfitted clones: its settings, not its state).
    frame : pandas.DataFrame
        Long frame with an ``id_col`` column. Each series is passed to ``fit``
        without ``id_col``, indexed by ``time_col`` when given.
    id_col : str
    time_col : str, optional
    backend, n_jobs
        As in :func:`map_tasks`.

    Returns
    -------
    dict
        ``series id -> fitted clone``, in order of first appearance.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sklearn.linear_model import Ridge
    >>> from tsrnn import Forecaster
    >>> time = pd.date_range("2024-01-01", periods=40, freq="D")
    >>> frame = pd.concat([pd.DataFrame({"id": k, "time": time,
    ...     "y": np.sin(np.arange(40) / (k + 2))}) for k in range(2)])
    >>> models = fit_per_series(Forecaster(Ridge(), input_width=8), frame,
    ...                         id_col="id", time_col="time", backend="sequential")
    >>> sorted(models), len(models[1].predict())
    ([0, 1], 1)
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"`frame` must be a pandas DataFrame. Got {type(frame).__name__}."
        )
    for name, column in (("id_col", id_col), ("time_col", time_col)):
        if column is not None and column not in frame.columns:
            raise ValueError(
                f"`{name}` must name a column of `frame`. Got {name}={column!r}; "
                f"the columns are {list(frame.columns)}."
            )
    jobs, ids = [], []
    for sid, part in frame.groupby(id_col, sort=False):
        series = part.drop(columns=[id_col])
        if time_col is not None:
            series = series.set_index(time_col)
        jobs.append((clone(forecaster), series))
        ids.append(sid)
    fitted = map_tasks(_fit_one, jobs, backend=backend, n_jobs=n_jobs)
    return dict(zip(ids, fitted, strict=True))
