"""Sequence scores: how unlikely each observed step was under a fitted forecaster.

A forecaster whose estimator forecasts a distribution
(``RNNRegressor(distribution=...)``) gives, for every window of a history, the
predictive distribution of the step after it. The negative log-likelihood of
the value actually observed there is a per-step *sequence score*: large where
the model found the step surprising. Read as an anomaly score it flags spikes,
level shifts and dropouts without labels, relative to what the history around
them made likely (a high-variance season scores its swings lower than a calm
one).

Scores are in nats, in the units the model was trained in (after the
forecaster's transforms and scaler): compare them within a series, or across
series that share those units.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tsrnn.forecasting.sampling import check_probabilistic

__all__ = ["sequence_scores"]


def sequence_scores(forecaster, history) -> pd.DataFrame:
    """Per-step negative log-likelihood of ``history`` under ``forecaster``.

    ``forecaster`` is fitted; ``history`` is a checked History in its layout,
    long enough for one window per series. Every window (at the forecaster's
    ``stride``) scores the first step after it (``gap`` steps later with a
    gap); the first ``input_width`` rows of each series have no score.

    Returns
    -------
    DataFrame
        Indexed by the scored timestamps (a MultiIndex (series, time) for many
        series), one column per target.
    """
    estimator = forecaster.estimator_
    check_probabilistic(estimator, "score a history")
    body = forecaster._chains.transform(history)
    windows = forecaster.windower_.transform(body)
    X = windows.X.astype(np.float64)
    y = windows.y.astype(np.float64)
    n_targets = len(windows.target_index)
    likelihood = estimator.log_likelihood(X, y)
    nll = -likelihood.reshape(len(X), -1, n_targets)[:, 0]
    panel = history.panel
    times = panel.local_index(windows.target_time[:, 0])
    if history.long:
        index = pd.MultiIndex.from_arrays(
            [windows.series_id, times], names=[forecaster.id_col, panel.time_name]
        )
    else:
        index = pd.DatetimeIndex(times, name=panel.time_name)
    columns = {name: nll[:, j] for j, name in enumerate(history.targets)}
    return pd.DataFrame(columns, index=index)
