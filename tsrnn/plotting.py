"""Figures for forecasts, backtests, training curves and windows (matplotlib).

Every function returns the ``matplotlib.figure.Figure`` it drew on and never calls
``plt.show()``, so figures work the same in notebooks, scripts and tests. Pass ``ax``
to draw into an existing axes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "plot_backtest",
    "plot_fan",
    "plot_forecast",
    "plot_history",
    "plot_paths",
    "plot_windows",
]

_HISTORY = "#4c72b0"
_ACTUAL = "#222222"
_FORECAST = "#dd8452"
_TARGET = "#55a868"


def _axes(ax, figsize):
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    # A bare Figure (not pyplot) so that library code never touches global state.
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def _as_series(name: str, data, column=None) -> pd.Series:
    if isinstance(data, pd.Series):
        return data
    if isinstance(data, pd.DataFrame):
        if column is None:
            if data.shape[1] != 1:
                raise ValueError(
                    f"`{name}` has {data.shape[1]} columns; pass `target=` to choose "
                    f"one. Got columns {list(data.columns)!r}."
                )
            column = data.columns[0]
        if column not in data.columns:
            raise ValueError(
                f"`target` must be a column of `{name}`. Got target={column!r}; "
                f"columns are {list(data.columns)!r}."
            )
        return data[column]
    raise TypeError(
        f"`{name}` must be a pandas Series or DataFrame. Got {type(data).__name__}."
    )


def _interval_columns(forecast: pd.DataFrame, target) -> tuple[str | None, str | None]:
    """Find the lower/upper bound columns of a forecast frame, if any."""
    lower = upper = None
    for column in forecast.columns:
        text = str(column).lower()
        if target is not None and not text.startswith(str(target).lower()):
            continue
        if text.endswith("lower") or text.startswith("lower"):
            lower = column
        elif text.endswith("upper") or text.startswith("upper"):
            upper = column
    return lower, upper


def plot_forecast(
    history,
    forecast,
    actuals=None,
    *,
    target=None,
    lower=None,
    upper=None,
    last=None,
    ax=None,
    title=None,
):
    """Plot history, optional actuals, the point forecast and its interval band.

    Parameters
    ----------
    history : Series or DataFrame
        Observed values before the forecast, indexed by time.
    forecast : Series or DataFrame
        Forecast indexed by the future timestamps. Interval bounds are read from
        columns named like ``"<target>_lower"``/``"<target>_upper"`` (or
        ``lower``/``upper``) unless ``lower`` and ``upper`` name them.
    actuals : Series or DataFrame, optional
        True values over the forecast period, when known (backtests, holdouts).
    target : str, optional
        Column to plot when the inputs have several.
    last : int, optional
        Show only the last ``last`` points of the history.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.date_range("2020-01", periods=12, freq="MS")
    >>> past = pd.Series(range(12), index=t, name="y")
    >>> future = pd.DataFrame(
    ...     {"y": [12.0, 13.0], "y_lower": [11.0, 11.5], "y_upper": [13.0, 14.5]},
    ...     index=pd.date_range("2021-01", periods=2, freq="MS"),
    ... )
    >>> fig = plot_forecast(past, future, target="y")
    >>> len(fig.axes[0].lines)
    2
    """
    past = _as_series("history", history, target)
    name = target if target is not None else past.name
    if isinstance(forecast, pd.Series):
        point, frame = forecast, forecast.to_frame()
    else:
        column = name if name in forecast.columns else None
        frame = forecast
        if column is None:
            bounds = _interval_columns(forecast, None)
            column = next(c for c in forecast.columns if c not in bounds)
        point = forecast[column]
    if lower is None and upper is None:
        lower, upper = _interval_columns(frame, name if name in frame.columns else None)
    if last is not None:
        past = past.iloc[-last:]
    fig, ax = _axes(ax, (9, 4))
    ax.plot(past.index, past.to_numpy(), color=_HISTORY, label="history")
    if actuals is not None:
        truth = _as_series("actuals", actuals, target)
        ax.plot(truth.index, truth.to_numpy(), color=_ACTUAL, label="actual")
    ax.plot(point.index, point.to_numpy(), color=_FORECAST, label="forecast")
    if lower is not None and upper is not None:
        ax.fill_between(
            frame.index,
            frame[lower].to_numpy(dtype=float),
            frame[upper].to_numpy(dtype=float),
            color=_FORECAST,
            alpha=0.25,
            label="interval",
        )
    default = "Forecast" if name is None else f"Forecast of {name}"
    ax.set_title(title or default)
    ax.legend(loc="upper left")
    return fig


def plot_backtest(
    history, result, *, target=None, series=None, fold_col="fold", ax=None, title=None
):
    """Plot the series and the forecasts of every backtest fold, one color per fold.

    Parameters
    ----------
    history : Series or DataFrame
        The whole observed series (one column per target).
    result : BacktestResult or DataFrame
        What :func:`tsrnn.backtest` returns, or its ``forecasts`` frame (long:
        ``fold``, ``time``, ``target``, ``y_pred`` and, with intervals, ``lower``
        and ``upper``; ``series`` for many series). A wide frame indexed by time
        with a ``fold_col`` column and the point forecast in ``target`` works too.
    target : str, optional
        Target to draw when the backtest has several.
    series : optional
        Series id to draw when the backtest covers several series.

    Returns
    -------
    matplotlib.figure.Figure
    """
    forecasts = getattr(result, "forecasts", result)
    if not isinstance(forecasts, pd.DataFrame):
        raise TypeError(
            "`result` must be a BacktestResult or its `forecasts` DataFrame. "
            f"Got {type(result).__name__}."
        )
    if fold_col not in forecasts.columns:
        raise ValueError(
            f"`result` must have a `{fold_col}` column naming each fold. "
            f"Got columns {list(forecasts.columns)!r}. Pass `fold_col=`."
        )
    if {"time", "y_pred"} <= set(forecasts.columns):
        forecasts, target = _backtest_rows(forecasts, target, series)
        points = forecasts.set_index("time")
        column = "y_pred"
    else:
        points = forecasts
        column = target if target in forecasts.columns else None
        if column is None:
            numeric = forecasts.drop(columns=[fold_col]).select_dtypes("number")
            column = numeric.columns[0]
    truth = _as_series("history", history, target)
    fig, ax = _axes(ax, (10, 4))
    ax.plot(truth.index, truth.to_numpy(), color=_ACTUAL, label="actual", lw=1)
    folds = points.groupby(fold_col, sort=True)
    for color, (fold, part) in zip(_cycle(folds.ngroups), folds, strict=True):
        ax.plot(part.index, part[column].to_numpy(), color=color, label=f"fold {fold}")
        if {"lower", "upper"} <= set(part.columns):
            ax.fill_between(
                part.index,
                part["lower"].to_numpy(dtype=float),
                part["upper"].to_numpy(dtype=float),
                color=color,
                alpha=0.2,
            )
    ax.set_title(title or "Backtest forecasts")
    ax.legend(loc="upper left", ncols=2, fontsize="small")
    return fig


def _backtest_rows(forecasts: pd.DataFrame, target, series):
    """Rows of one target (and one series) from a backtest's long forecasts."""
    if "series" in forecasts.columns:
        ids = forecasts["series"].unique()
        if series is None and len(ids) > 1:
            raise ValueError(
                f"`series` must name one of the backtest's series {list(ids)!r} "
                "when it covers several. Got series=None."
            )
        chosen = ids[0] if series is None else series
        forecasts = forecasts[forecasts["series"] == chosen]
    targets = forecasts["target"].unique()
    if target is None:
        if len(targets) > 1:
            raise ValueError(
                f"`target` must name one of {list(targets)!r} when the backtest "
                "has several targets. Got target=None."
            )
        target = targets[0]
    elif target not in targets:
        raise ValueError(
            f"`target` must be one of the backtest's targets {list(targets)!r}. "
            f"Got target={target!r}."
        )
    return forecasts[forecasts["target"] == target], target


def plot_history(history, *, metrics=None, ax=None, title=None, log=False):
    """Plot training curves (loss and any other metric per epoch).

    Parameters
    ----------
    history : dict, keras History or fitted estimator
        A mapping of metric name to per-epoch values, a ``keras.callbacks.History``
        (its ``.history``) or an estimator with a ``history_`` attribute.
    metrics : list of str, optional
        Which curves to draw; default all.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_history({"loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.7, 0.6]})
    >>> [line.get_label() for line in fig.axes[0].lines]
    ['loss', 'val_loss']
    """
    curves = getattr(history, "history_", None)
    if curves is None:
        curves = getattr(history, "history", history)
    if not isinstance(curves, dict) or not curves:
        raise TypeError(
            "`history` must be a non-empty dict of per-epoch values, a keras History "
            f"or a fitted estimator with `history_`. Got {type(history).__name__}."
        )
    names = list(curves) if metrics is None else list(metrics)
    missing = [n for n in names if n not in curves]
    if missing:
        raise ValueError(
            f"`metrics` must name recorded curves {list(curves)!r}. Got {missing!r}."
        )
    fig, ax = _axes(ax, (7, 4))
    for name in names:
        values = np.asarray(curves[name], dtype=float)
        ax.plot(np.arange(1, len(values) + 1), values, marker="o", ms=3, label=name)
    ax.set_xlabel("epoch")
    if log:
        ax.set_yscale("log")
    ax.set_title(title or "Training history")
    ax.legend()
    return fig


def plot_windows(
    input_width, horizon=1, *, stride=1, gap=0, n_windows=4, length=None, ax=None
):
    """Draw which rows are inputs and which are targets for the first windows.

    Each row of the picture is one window; each column one time step. Blue cells
    are inputs, green cells targets, grey cells the gap.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_windows(6, 2, stride=2, gap=1, n_windows=3)
    >>> fig.axes[0].get_ylabel()
    'window'
    """
    from matplotlib.patches import Rectangle

    from tsrnn.data.windows import window_span, window_starts

    span = window_span(input_width, horizon, gap=gap)
    if length is None:
        length = span + stride * (n_windows - 1)
    starts = window_starts(length, input_width, horizon, stride=stride, gap=gap)
    starts = starts[:n_windows]
    fig, ax = _axes(ax, (max(6, 0.35 * length), 0.6 * len(starts) + 1.2))
    parts = (
        (0, input_width, _HISTORY, "input"),
        (input_width, gap, "#bbbbbb", "gap"),
        (input_width + gap, horizon, _TARGET, "target"),
    )
    labelled = set()
    for row, start in enumerate(starts):
        for offset, width, color, label in parts:
            if width == 0:
                continue
            ax.add_patch(
                Rectangle(
                    (start + offset, row - 0.4),
                    width,
                    0.8,
                    color=color,
                    label=None if label in labelled else label,
                )
            )
            labelled.add(label)
    ax.set_xlim(0, length)
    ax.set_ylim(len(starts) - 0.5, -0.5)
    ax.set_xlabel("time step (row)")
    ax.set_ylabel("window")
    ax.set_yticks(range(len(starts)))
    ax.set_title(
        f"input_width={input_width}, horizon={horizon}, stride={stride}, gap={gap}"
    )
    ax.legend(loc="upper right", fontsize="small")
    return fig


def _paths_by_time(paths: pd.DataFrame, target, series) -> pd.DataFrame:
    """A sample frame (``Forecaster.sample``) as one column per path, by time."""
    if "path" not in paths.columns:
        raise ValueError(
            "`paths` must be the long frame of Forecaster.sample, with a 'path' "
            f"column. Got columns {list(paths.columns)!r}."
        )
    position = paths.columns.get_loc("path")
    time_col = paths.columns[position - 1]
    id_col = paths.columns[position - 2] if position >= 2 else None
    values = [c for c in paths.columns[position + 1 :]]
    if target is None:
        if len(values) != 1:
            raise ValueError(
                f"`paths` has {len(values)} targets; pass `target=` to choose one. "
                f"Got targets {values!r}."
            )
        target = values[0]
    elif target not in values:
        raise ValueError(
            f"`target` must be a target column of `paths`. Got target={target!r}; "
            f"targets are {values!r}."
        )
    if id_col is not None:
        ids = paths[id_col].unique()
        if series is None:
            if len(ids) != 1:
                raise ValueError(
                    f"`paths` holds {len(ids)} series; pass `series=` to choose "
                    f"one. Got ids {list(ids[:5])!r}..."
                )
            series = ids[0]
        elif series not in set(ids):
            raise ValueError(
                f"`series` must be an id of `paths`. Got series={series!r}; ids "
                f"are {list(ids[:5])!r}..."
            )
        paths = paths[paths[id_col] == series]
    return paths.pivot(index=time_col, columns="path", values=target)


def plot_fan(
    history,
    forecast,
    *,
    target=None,
    series=None,
    level=(50, 80, 95),
    last=None,
    ax=None,
    title=None,
):
    """Fan chart: the history, the median forecast and nested interval bands.

    Parameters
    ----------
    history : Series or DataFrame
        Observed values before the forecast, indexed by time (one series).
    forecast : DataFrame
        Either the sampled paths of :meth:`tsrnn.Forecaster.sample` (bands are
        their central quantiles at each ``level``), or the frame of
        :meth:`tsrnn.Forecaster.predict_quantiles` with ``level=...``
        (columns ``{target}_lower_{level}`` and ``{target}_upper_{level}``;
        the point column is drawn as the center line).
    target : str, optional
        Target to plot when there are several.
    series : hashable, optional
        Series id of the paths when they hold several series.
    level : sequence of float, default=(50, 80, 95)
        Coverages in percent, drawn from the widest (lightest) band to the
        narrowest. Sampled paths only: a quantile frame shows its own levels.
    last : int, optional
        Show only the last ``last`` points of the history.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> t = pd.date_range("2020-01", periods=12, freq="MS", name="time")
    >>> past = pd.Series(np.arange(12.0), index=t, name="y")
    >>> future = pd.date_range("2021-01", periods=3, freq="MS")
    >>> rng = np.random.default_rng(0)
    >>> paths = pd.DataFrame({"time": np.tile(future, 50),
    ...                       "path": np.repeat(np.arange(50), 3),
    ...                       "y": 12 + rng.normal(size=150).cumsum()})
    >>> fig = plot_fan(past, paths)
    >>> len(fig.axes[0].collections)  # one band per level
    3
    """
    from tsrnn.core.quantiles import check_levels, level_quantiles

    past = _as_series("history", history, target)
    name = target if target is not None else past.name
    bands = []
    if isinstance(forecast, pd.DataFrame) and "path" in forecast.columns:
        wide = _paths_by_time(forecast, target, series)
        center = wide.median(axis=1)
        for percent in sorted(check_levels(list(level)), reverse=True):
            low, high = level_quantiles(percent)
            bands.append(
                (percent, wide.quantile(low, axis=1), wide.quantile(high, axis=1))
            )
    else:
        if not isinstance(forecast, pd.DataFrame):
            raise TypeError(
                "`forecast` must be a DataFrame of sampled paths or of quantiles. "
                f"Got {type(forecast).__name__}."
            )
        prefix = "" if name is None else f"{name}_"
        found = {}
        for column in forecast.columns:
            text = str(column)
            for side in ("lower", "upper"):
                head = f"{prefix}{side}_"
                if text.startswith(head):
                    found.setdefault(float(text[len(head) :]), {})[side] = column
        if not found:
            raise ValueError(
                "`forecast` must hold columns '{target}_lower_{level}' and "
                f"'{{target}}_upper_{{level}}' (Forecaster.predict_quantiles(level="
                f"...)). Got columns {list(forecast.columns)!r}."
            )
        point = name if name in forecast.columns else forecast.columns[0]
        center = forecast[point]
        for percent in sorted(found, reverse=True):
            columns = found[percent]
            bands.append(
                (percent, forecast[columns["lower"]], forecast[columns["upper"]])
            )
    if last is not None:
        past = past.iloc[-last:]
    fig, ax = _axes(ax, (9, 4))
    ax.plot(past.index, past.to_numpy(), color=_HISTORY, label="history")
    for rank, (percent, lower, upper) in enumerate(bands):
        ax.fill_between(
            lower.index,
            lower.to_numpy(dtype=float),
            upper.to_numpy(dtype=float),
            color=_FORECAST,
            alpha=0.15 + 0.5 * rank / max(1, len(bands)),
            linewidth=0,
            label=f"{percent:g} %",
        )
    ax.plot(center.index, center.to_numpy(dtype=float), color=_FORECAST, label="median")
    default = "Forecast distribution" if name is None else f"Forecast of {name}"
    ax.set_title(title or default)
    ax.legend(loc="upper left")
    return fig


def plot_paths(
    history,
    paths,
    *,
    target=None,
    series=None,
    n_paths=10,
    last=None,
    ax=None,
    title=None,
):
    """Plot the history and a handful of sampled future paths.

    Parameters
    ----------
    history : Series or DataFrame
        Observed values before the forecast, indexed by time (one series).
    paths : DataFrame
        The long frame of :meth:`tsrnn.Forecaster.sample`.
    target, series : optional
        As in :func:`plot_fan`.
    n_paths : int, default=10
        The first ``n_paths`` paths are drawn.
    last : int, optional
        Show only the last ``last`` points of the history.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> t = pd.date_range("2020-01", periods=12, freq="MS", name="time")
    >>> past = pd.Series(np.arange(12.0), index=t, name="y")
    >>> future = pd.date_range("2021-01", periods=3, freq="MS")
    >>> paths = pd.DataFrame({"time": np.tile(future, 20),
    ...                       "path": np.repeat(np.arange(20), 3),
    ...                       "y": np.arange(60.0)})
    >>> len(plot_paths(past, paths, n_paths=5).axes[0].lines)  # history + 5
    6
    """
    from tsrnn.core.validation import check_int

    n_paths = check_int("n_paths", n_paths)
    past = _as_series("history", history, target)
    wide = _paths_by_time(paths, target, series)
    if last is not None:
        past = past.iloc[-last:]
    fig, ax = _axes(ax, (9, 4))
    ax.plot(past.index, past.to_numpy(), color=_HISTORY, label="history")
    colors = _cycle(min(n_paths, wide.shape[1]))
    for i, path in enumerate(wide.columns[:n_paths]):
        ax.plot(
            wide.index,
            wide[path].to_numpy(dtype=float),
            color=colors[i],
            linewidth=0.8,
            alpha=0.8,
            label="sampled paths" if i == 0 else None,
        )
    name = target if target is not None else past.name
    default = "Sampled futures" if name is None else f"Sampled futures of {name}"
    ax.set_title(title or default)
    ax.legend(loc="upper left")
    return fig


def _cycle(count: int):
    from matplotlib import colormaps

    cmap = colormaps["viridis"]
    return [cmap(i / max(1, count - 1)) for i in range(count)]
