"""Forecaster.sequence_scores: per-step negative log-likelihood of a history."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge
from sklearn.metrics import roc_auc_score

from tsrnn import Forecaster, RNNRegressor


@pytest.fixture(scope="module")
def seasonal():
    index = pd.date_range("2024-01-01", periods=400, freq="h", name="time")
    t = np.arange(400)
    noise = 0.1 * np.random.default_rng(0).standard_normal(400)
    return pd.Series(10 + np.sin(2 * np.pi * t / 24) + noise, index=index, name="v")


@pytest.fixture(scope="module")
def fitted(seasonal):
    model = RNNRegressor(
        distribution="normal",
        units=8,
        epochs=15,
        batch_size=32,
        learning_rate=0.01,
        jit_compile=False,
        random_state=0,
    )
    return Forecaster(model, input_width=24, strategy="recursive").fit(seasonal)


def test_scores_rise_where_anomalies_are_injected(fitted, seasonal):
    spiked = seasonal.copy()
    where = [100, 180, 260, 330]
    spiked.iloc[where] += np.array([3.0, -3.0, 2.5, -2.5])
    scores = fitted.sequence_scores(spiked)["v"]
    labels = scores.index.isin(seasonal.index[where])
    assert roc_auc_score(labels, scores) > 0.95
    clean = fitted.sequence_scores()["v"]
    assert (scores[labels].to_numpy() > clean[labels].to_numpy() + 2).all()


def test_scores_are_indexed_by_the_scored_timestamps(fitted, seasonal):
    scores = fitted.sequence_scores()
    assert scores.columns.tolist() == ["v"]
    assert scores.index.equals(seasonal.index[24:])
    assert np.isfinite(scores["v"]).all()


def test_scoring_does_not_modify_the_history(fitted, seasonal):
    before = seasonal.copy()
    fitted.sequence_scores(seasonal)
    pd.testing.assert_series_equal(seasonal, before)


def test_scoring_raises_on_a_history_shorter_than_one_window(fitted, seasonal):
    with pytest.raises(ValueError, match="must have at least input_width"):
        fitted.sequence_scores(seasonal.iloc[:20])


def test_scoring_needs_a_distribution(seasonal):
    forecaster = Forecaster(Ridge(), input_width=24).fit(seasonal)
    with pytest.raises(TypeError, match="must forecast a distribution"):
        forecaster.sequence_scores()
