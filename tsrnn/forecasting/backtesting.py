"""Backtesting (historical forecasts) and hyperparameter search over time-ordered folds.

The folds are a :class:`~tsrnn.forecasting.folds.TimeSeriesFold` (expanding or
sliding, ``step``, ``n_folds``, ``refit``), passed as ``cv=``; the flat
arguments ``n_folds=...`` build one. A backtest reads the history once
(:meth:`Forecaster.read`), then for each fold fits a clone on the fold's rows
(``Forecaster.fit``) and forecasts after its cutoff
(``Forecaster.forecast_paths``): public methods only, so any forecaster with
``read``/``fit``/``forecast_paths`` can be backtested. With ``refit=False`` the
model fitted at the first cutoff forecasts every fold in one batched call.

:func:`grid_search` runs a backtest for every point of a parameter grid on the
same folds and returns a table sorted by score: the pandas-first alternative to
``GridSearchCV(..., cv=TimeSeriesSplit())``, which splits rows of ``X`` and
cannot pass a history of timestamps to a forecaster.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import ParameterGrid

from tsrnn.core.validation import message
from tsrnn.evaluation import metrics as _metrics
from tsrnn.forecasting.folds import TimeSeriesFold

__all__ = ["BacktestResult", "backtest", "grid_search"]

METRICS = {
    "mae": _metrics.mae,
    "rmse": _metrics.rmse,
    "mape": _metrics.mape,
    "smape": _metrics.smape,
}


@dataclass(frozen=True)
class BacktestResult:
    """What :func:`backtest` returns.

    Attributes
    ----------
    forecasts : DataFrame
        One row per fold, series, forecast step and target: ``fold``,
        ``cutoff`` (last training timestamp), ``series`` (long histories
        only), ``time``, ``step`` (1-based), ``target``, ``y_true``,
        ``y_pred`` and, with intervals, ``lower`` and ``upper``.
    metrics : DataFrame
        One row per fold (indexed by ``fold``): ``cutoff`` then one column per
        metric (and ``coverage`` with intervals).
    """

    forecasts: pd.DataFrame
    metrics: pd.DataFrame

    def score(self, metric: str = "mae") -> float:
        """Metric over all forecasts of all folds pooled together."""
        return _score(self.forecasts, metric)


def backtest(
    forecaster,
    y,
    *,
    covariates=None,
    cv=None,
    n_folds=5,
    step=None,
    window="expanding",
    window_size=None,
    refit=True,
    metrics=("mae", "rmse", "smape"),
) -> BacktestResult:
    """Historical forecasts of ``forecaster`` over time-ordered folds.

    Parameters
    ----------
    forecaster : Forecaster
        Cloned for every fit; the given one is left untouched.
    y : Series or DataFrame
        The full history, in the layout ``forecaster.fit`` takes. Not modified.
    covariates : DataFrame, default=None
        As in ``Forecaster.fit``; must cover the whole history.
    cv : TimeSeriesFold, default=None
        The folds. ``None`` builds ``TimeSeriesFold(n_folds, step, window,
        window_size, refit)`` from the next arguments (give one or the other).
    n_folds, step, window, window_size, refit
        See :class:`~tsrnn.forecasting.folds.TimeSeriesFold`.
    metrics : sequence of str, default=("mae", "rmse", "smape")
        Any of ``"mae"``, ``"rmse"``, ``"mape"``, ``"smape"``.

    Returns
    -------
    BacktestResult

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sklearn.linear_model import Ridge
    >>> from tsrnn.forecasting.forecaster import Forecaster
    >>> from tsrnn.forecasting.folds import TimeSeriesFold
    >>> index = pd.date_range("2024-01-01", periods=80, freq="D")
    >>> y = pd.Series(np.sin(np.arange(80) / 3), index=index, name="y")
    >>> forecaster = Forecaster(Ridge(), input_width=10, horizon=5)
    >>> result = backtest(forecaster, y, cv=TimeSeriesFold(n_folds=3))
    >>> result.metrics.index.tolist(), result.metrics.columns.tolist()
    ([0, 1, 2], ['cutoff', 'mae', 'rmse', 'smape'])
    >>> result.forecasts["cutoff"].lt(result.forecasts["time"]).all()
    np.True_
    """
    flat = TimeSeriesFold(n_folds, step, window, window_size, refit)
    if cv is None:
        cv = flat
    elif flat != TimeSeriesFold():
        raise ValueError(
            "`cv` must be the only description of the folds. Got cv and "
            "n_folds/step/window/window_size/refit too. Put them in "
            "TimeSeriesFold(...)."
        )
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise ValueError(
            f"`metrics` must be names from {list(METRICS)}. Got unknown {unknown}."
        )
    history = clone(forecaster).read(y, covariates)
    folds = cv.split(history.lengths, forecaster.horizon, history.ids)
    # One model per refit; the folds it serves are forecast in one call.
    jobs = []
    for fold in folds:
        if fold.refit:
            model = clone(forecaster).fit(history.cut(fold.start, fold.end))
            jobs.append((model, []))
        jobs[-1][1].append(fold)
    parts = []
    for model, group in jobs:
        origins = [[int(f.end[k]) for f in group] for k in range(len(history.ids))]
        paths = model.forecast_paths(history, origins, strict=False)
        # Forecasts come rank by rank, every series at each: rank r is fold r.
        fold = np.repeat([f.index for f in group], len(history.ids))
        parts.append(_rows(paths, fold))
    forecasts = pd.concat(parts, ignore_index=True)
    if not history.long:
        forecasts = forecasts.drop(columns="series")
    names = list(metrics) + (["coverage"] if "lower" in forecasts else [])
    table = forecasts.groupby("fold").apply(
        lambda part: pd.Series(
            {"cutoff": part["cutoff"].iloc[0]}
            | {name: _score(part, name) for name in names}
        ),
        include_groups=False,
    )
    return BacktestResult(forecasts=forecasts, metrics=table)


def _rows(paths, fold) -> pd.DataFrame:
    """The long table of ``paths``: one row per forecast, target and step."""
    m, steps, n_targets = paths.values.shape
    targets = list(paths.history.targets)

    def spread(per_forecast):  # (m,) -> (m * n_targets * steps,)
        return np.repeat(np.asarray(per_forecast), n_targets * steps)

    def flat(array):  # (m, steps, n_targets) -> forecast, target, step order
        return np.transpose(array, (0, 2, 1)).reshape(-1)

    times = paths.local_times().to_numpy().reshape(m, 1, steps)
    table = {
        "fold": spread(fold),
        "cutoff": spread(paths.cutoff()),
        "series": spread(paths.series),
        "time": np.broadcast_to(times, (m, n_targets, steps)).reshape(-1),
        "step": np.tile(np.arange(1, steps + 1), m * n_targets),
        "target": np.tile(np.repeat(np.array(targets, dtype=object), steps), m),
        "y_true": flat(paths.actual()),
        "y_pred": flat(paths.values),
    }
    if paths.lower is not None:
        table["lower"] = flat(paths.lower)
        table["upper"] = flat(paths.upper)
    return pd.DataFrame(table)


def _score(forecasts: pd.DataFrame, metric: str) -> float:
    if metric == "coverage":
        return _metrics.interval_coverage(
            forecasts["y_true"], forecasts["lower"], forecasts["upper"]
        )
    return METRICS[metric](forecasts["y_true"], forecasts["y_pred"])


def grid_search(
    forecaster, param_grid, y, *, covariates=None, metric="mae", **backtest_options
) -> pd.DataFrame:
    """Backtest every combination of ``param_grid``; a table sorted by score.

    Parameters
    ----------
    forecaster : Forecaster
        Template; each candidate is ``clone(forecaster).set_params(**params)``,
        so nested names such as ``estimator__alpha`` work.
    param_grid : dict or list of dict
        As in :class:`sklearn.model_selection.ParameterGrid`.
    y, covariates : see :func:`backtest`.
    metric : str, default="mae"
        Lower is better; scored over all folds pooled.
    **backtest_options
        ``cv`` (a :class:`~tsrnn.forecasting.folds.TimeSeriesFold`), or
        ``n_folds``, ``step``, ``window``, ``window_size``, ``refit``: every
        candidate is scored on the same folds.

    Returns
    -------
    DataFrame
        One row per candidate, best first: ``params`` (a dict), one column per
        parameter, ``metric`` (the score) and ``rank``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sklearn.linear_model import Ridge
    >>> from tsrnn.forecasting.forecaster import Forecaster
    >>> index = pd.date_range("2024-01-01", periods=80, freq="D")
    >>> y = pd.Series(np.sin(np.arange(80) / 3), index=index, name="y")
    >>> table = grid_search(
    ...     Forecaster(Ridge(), input_width=10, horizon=5),
    ...     {"estimator__alpha": [0.01, 100.0]}, y, n_folds=3)
    >>> table["estimator__alpha"].tolist()
    [0.01, 100.0]
    """
    if metric not in METRICS:
        raise ValueError(message("metric", f"one of {list(METRICS)}", metric))
    records = []
    for params in ParameterGrid(param_grid):
        candidate = clone(forecaster).set_params(**params)
        result = backtest(
            candidate, y, covariates=covariates, metrics=(metric,), **backtest_options
        )
        records.append({"params": params, **params, metric: result.score(metric)})
    table = pd.DataFrame(records).sort_values(metric, kind="stable")
    table["rank"] = np.arange(1, len(table) + 1)
    return table.reset_index(drop=True)
