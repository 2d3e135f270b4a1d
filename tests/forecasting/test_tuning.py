"""AutoForecaster(n_trials=...): the Optuna search for a tuned recurrent candidate."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from tsrnn import AutoForecaster
from tsrnn.exceptions import TrainingWarning
from tsrnn.forecasting import candidates, tuning

pytest.importorskip(
    "optuna", reason="the tune extra (Optuna) is not installed: pip install optuna"
)


@pytest.fixture(scope="module")
def quarterly(quarterly_train) -> pd.DataFrame:
    """12 real tourism quarterly series (train rows): id, date, value."""
    ids = quarterly_train["id"].drop_duplicates().to_numpy()[:12]
    return quarterly_train[quarterly_train["id"].isin(ids)].copy()


def _auto(**options) -> AutoForecaster:
    settings = dict(id_col="id", time_col="date", verbose=0, n_folds=2)
    return AutoForecaster(8, **{**settings, **options})


def _tuned_wins(monkeypatch):
    """Make the tuned candidate the chosen ensemble, to check its refit."""
    from tsrnn.forecasting import auto as module

    def chosen(scores, fold_forecasts, families, folds):
        return {"best": {tuning.NAME: 1.0}}, {"best": scores[tuning.NAME]}

    monkeypatch.setattr(module, "choose_ensembles", chosen)


def test_the_tuned_candidate_is_the_best_searched_design_and_is_refitted(
    quarterly, small_training, monkeypatch
):
    _tuned_wins(monkeypatch)
    before = quarterly.copy()
    auto = _auto(models=["gru_direct"], n_trials=3, n_seeds=2, random_state=1)
    auto.fit(quarterly)
    pd.testing.assert_frame_equal(quarterly, before)
    trials = auto.tuning_
    # The fixed recurrent candidate seeds the search; three trials follow.
    assert list(trials["source"]) == ["gru_direct", "search", "search", "search"]
    assert trials.loc[0, "mase"] == pytest.approx(
        auto.leaderboard_.loc["gru_direct", "mase"]
    )
    done = trials[(trials["source"] == "search") & (trials["state"] == "complete")]
    assert len(done) >= 1
    board = auto.leaderboard_.loc[tuning.NAME]
    assert board["family"] == "recurrent" and board["status"] == "scored"
    assert board["mase"] == pytest.approx(done["mase"].min())
    best = done.loc[done["mase"].idxmin()]
    for key, value in auto.tuned_params_.items():
        assert best[key] == value
    # The refit is the tuned design with n_seeds seeds, averaged.
    spec = candidates.RecurrentSpec("x", **auto.tuned_params_)
    seeds = auto._seeds()
    expected = (
        candidates.make_candidate("x", 4, 8, seeds=seeds[:2], spec=spec)
        .fit(auto.history_)
        .forecast(8)
    )
    np.testing.assert_allclose(auto.forecasts_["best"], expected, rtol=1e-6)
    assert np.isfinite(auto.predict()["value"]).all()
    again = pickle.loads(pickle.dumps(auto))
    pd.testing.assert_frame_equal(again.predict(), auto.predict())


def test_the_search_is_reproducible_with_random_state(quarterly, small_training):
    options = dict(models=["baseline", "gru_recursive"], n_trials=2, random_state=4)
    first = _auto(**options).fit(quarterly)
    second = _auto(**options).fit(quarterly)
    columns = [c for c in first.tuning_ if c != "seconds"]
    pd.testing.assert_frame_equal(first.tuning_[columns], second.tuning_[columns])
    assert first.tuned_params_ == second.tuned_params_
    pd.testing.assert_frame_equal(
        first.leaderboard_.drop(columns="seconds"),
        second.leaderboard_.drop(columns="seconds"),
    )


def test_designs_come_from_the_documented_space():
    import optuna

    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    strategies = set()
    for _ in range(30):
        spec = tuning.suggest(study.ask())
        strategies.add(spec.strategy)
        assert spec.name == tuning.NAME
        assert spec.cell in ("gru", "lstm") and spec.units in (16, 32, 64)
        assert 1 <= spec.seasons <= 3 and spec.budget in (0.5, 1.0, 2.0)
        assert 3e-4 <= spec.learning_rate <= 3e-3
        assert tuning.params_of(spec).keys() >= {"strategy", "cell", "units"}
        if spec.strategy == "recursive":
            assert "level" not in tuning.params_of(spec)
    assert strategies == {"direct", "recursive"}


def test_a_spent_time_budget_skips_the_search_with_a_warning(quarterly, small_training):
    with pytest.warns(TrainingWarning, match="time_budget"):
        auto = _auto(models=["baseline", "gru_direct"], n_trials=3, time_budget=1e-9)
        auto.fit(quarterly)
    assert auto.leaderboard_.loc[tuning.NAME, "status"] == "skipped: time budget"
    assert auto.tuned_params_ is None
    assert (auto.tuning_["source"] == "search").sum() == 1  # stopped at once


def test_failing_trials_are_reported_and_left_out(quarterly, monkeypatch):
    def broken(self, history):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(candidates._Recurrent, "fit", broken)
    with pytest.warns(TrainingWarning, match="candidates failed"):
        auto = _auto(models=["baseline", "gru_direct"], n_trials=2).fit(quarterly)
    status = auto.leaderboard_.loc[tuning.NAME, "status"]
    assert status == "failed: no trial completed: RuntimeError: out of memory"
    assert set(auto.tuning_["state"]) == {"fail"}
    assert "recurrent" not in auto.ensembles_


def test_bad_tuning_requests_raise_clear_errors(quarterly, monkeypatch):
    with pytest.raises(ValueError, match="leaves the recurrent family out"):
        _auto(models=["baseline"], n_trials=2).fit(quarterly)
    with pytest.raises(ValueError, match="`n_trials` must be an integer >= 0"):
        _auto(n_trials=-1).fit(quarterly)
    monkeypatch.setattr(tuning, "optuna_available", lambda: False)
    with pytest.raises(ValueError, match="Optuna, which is not installed"):
        _auto(n_trials=2).fit(quarterly)
    auto = _auto(models=["baseline"], n_trials=0).fit(quarterly)
    assert auto.tuning_ is None and auto.tuned_params_ is None
