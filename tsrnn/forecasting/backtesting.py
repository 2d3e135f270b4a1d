"""Backtesting (historical forecasts) and hyperparameter search over time-ordered folds.

Fold ``i`` of ``n_folds`` cuts every series at a *cutoff*: the model is fitted
on the rows up to and including the cutoff (all of them with
``window="expanding"``, the last ``window_size`` with ``"sliding"``) and
forecasts the ``horizon`` rows after it, which are then scored. Cutoffs count
from the end of each series: the last fold forecasts the last ``horizon`` rows,
and each earlier fold is ``step`` rows earlier::

    rows:  0 ........................................ T
    fold 0 [ train            ] cutoff [ forecast ]
    fold 1 [ train                 ] cutoff [ forecast ]     (step rows later)
    last   [ train                              ] cutoff [ forecast ]

So no fold ever trains on its own future. With ``refit=False`` the model is
fitted once, at the first cutoff, and later folds only forecast from the newer
data (``Forecaster.predict(history=...)``).

:func:`grid_search` runs a backtest for every point of a parameter grid and
returns a table sorted by score: the pandas-first alternative to
``GridSearchCV(..., cv=TimeSeriesSplit())``, which splits rows of ``X`` and
cannot pass a history of timestamps to a forecaster.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import ParameterGrid

from tsrnn.core.validation import check_int
from tsrnn.evaluation import metrics as _metrics

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
    n_folds=5,
    step=None,
    window="expanding",
    window_size=None,
    refit=True,
    metrics=("mae", "rmse", "smape"),
) -> BacktestResult:
    """Historical forecasts of ``forecaster`` over ``n_folds`` time-ordered folds.

    Parameters
    ----------
    forecaster : Forecaster
        Cloned for every fit; the given one is left untouched.
    y : Series or DataFrame
        The full history, in the layout ``forecaster.fit`` takes. Not modified.
    covariates : DataFrame, default=None
        As in ``Forecaster.fit``; must cover the whole history.
    n_folds : int, default=5
    step : int, default=None
        Rows between consecutive cutoffs; ``None`` uses the forecaster's
        horizon (non-overlapping forecasts).
    window : {"expanding", "sliding"}, default="expanding"
    window_size : int, default=None
        Training rows per fold with ``window="sliding"``; ``None`` uses the
        rows before the first cutoff.
    refit : bool, default=True
        Refit at every fold, or fit once at the first cutoff.
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
    >>> index = pd.date_range("2024-01-01", periods=80, freq="D")
    >>> y = pd.Series(np.sin(np.arange(80) / 3), index=index, name="y")
    >>> result = backtest(Forecaster(Ridge(), input_width=10, horizon=5), y, n_folds=3)
    >>> result.metrics.index.tolist(), result.metrics.columns.tolist()
    ([0, 1, 2], ['cutoff', 'mae', 'rmse', 'smape'])
    >>> result.forecasts["cutoff"].lt(result.forecasts["time"]).all()
    np.True_
    """
    n_folds = check_int("n_folds", n_folds)
    horizon = check_int("horizon", forecaster.horizon)
    step = horizon if step is None else check_int("step", step)
    if window not in ("expanding", "sliding"):
        raise ValueError(
            f"`window` must be 'expanding' or 'sliding'. Got window={window!r}."
        )
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise ValueError(
            f"`metrics` must be names from {list(METRICS)}. Got unknown {unknown}."
        )
    base = clone(forecaster)
    history = base._read(y, covariates, fitting=True)
    first = {}
    for sid, frame in history.series.items():
        cut = len(frame) - horizon - (n_folds - 1) * step
        if cut < 1:
            raise ValueError(
                f"`n_folds` must leave training rows: {n_folds} folds of step "
                f"{step} and horizon {horizon} need more than "
                f"{horizon + (n_folds - 1) * step} rows. Got {len(frame)} rows"
                f"{' in series ' + repr(sid) if history.long else ''}. Use fewer "
                "folds or a smaller step."
            )
        first[sid] = cut
    size = None
    if window == "sliding":
        size = min(first.values()) if window_size is None else window_size
        size = check_int("window_size", size)

    def train_part(fold):
        series = {}
        for sid, frame in history.series.items():
            end = first[sid] + fold * step
            start = 0 if size is None else max(0, end - size)
            series[sid] = frame.iloc[start:end]
        return history.__class__(**{**history.__dict__, "series": series})

    rows = []
    model = None
    for fold in range(n_folds):
        if refit or model is None:
            model = clone(forecaster)._fit_from(train_part(fold))
            if model._level is not None:
                model.interval_width_ = model._calibrate(train_part(fold))
        origins = {sid: [first[sid] + fold * step] for sid in history.series}
        for sid, p, path in model._forecast(history, origins, horizon, strict=False):
            frame = model._to_frame([(sid, p, path)], _single(history))
            actual = history.series[sid][list(model.target_columns_)]
            cutoff = actual.index[p - 1]
            for target in model.target_columns_:
                part = pd.DataFrame(
                    {
                        "fold": fold,
                        "cutoff": cutoff,
                        "series": sid,
                        "time": frame.index,
                        "step": np.arange(1, horizon + 1),
                        "target": target,
                        "y_true": actual[target].reindex(frame.index).to_numpy(),
                        "y_pred": frame[target].to_numpy(),
                    }
                )
                if model.interval_width_ is not None:
                    part["lower"] = frame[f"{target}_lower"].to_numpy()
                    part["upper"] = frame[f"{target}_upper"].to_numpy()
                rows.append(part)
    forecasts = pd.concat(rows, ignore_index=True)
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


def _single(history):
    return history.__class__(**{**history.__dict__, "long": False})


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
        ``n_folds``, ``step``, ``window``, ``window_size``, ``refit``.

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
        raise ValueError(
            f"`metric` must be one of {list(METRICS)}. Got metric={metric!r}."
        )
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
