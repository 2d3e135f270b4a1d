"""order_sensitivity: a recurrent model uses order, a dense one relearns a permutation.

The synthetic task: windows of i.i.d. Gaussian steps, label 1 when the last step
is above the one before it. Given only the *set* of a window's values, the last
two are an exchangeable pair, so any permutation-invariant statistic scores
exactly chance (0.5); a GRU of 8 units learns the rule in a few epochs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression, SGDRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from tsrnn.nn.builders import build_dense, build_rnn
from tsrnn.nn.compile import compile_model
from tsrnn.order import order_sensitivity

TIMESTEPS = 12
SEEDS = (0, 1, 2)
FIT_KWARGS = {"epochs": 12, "batch_size": 64}


def last_step_rises(n, timesteps, rng):
    X = rng.standard_normal((n, timesteps, 1)).astype("float32")
    return X, (X[:, -1, 0] > X[:, -2, 0]).astype("int64")


def classifiers(seed):
    def gru():
        model = build_rnn((None, 1), 2, cell="gru", units=8, seed=seed)
        return compile_model(
            model, task="classification", learning_rate=1e-2, jit_compile=False
        )

    def dense():
        model = build_dense((TIMESTEPS, 1), 2, units=(8,), seed=seed)
        return compile_model(
            model, task="classification", learning_rate=1e-2, jit_compile=False
        )

    return {"gru": gru, "dense": dense}


def flat_linear(**params):
    flatten = FunctionTransformer(lambda X: X.reshape(len(X), -1))
    return make_pipeline(flatten, LinearRegression(**params))


@pytest.fixture(scope="module")
def tables():
    """The report for three seeds (new data, init and permutations each)."""
    result = {}
    for seed in SEEDS:
        rng = np.random.default_rng(100 + seed)
        X_train, y_train = last_step_rises(400, TIMESTEPS, rng)
        X_test, y_test = last_step_rises(300, TIMESTEPS, rng)
        lengths = {
            "longer": last_step_rises(300, 20, rng),
            "shorter": last_step_rises(300, 6, rng),
        }
        result[seed] = order_sensitivity(
            classifiers(seed),
            X_train,
            y_train,
            X_test,
            y_test,
            metric="accuracy",
            seed=seed,
            fit_kwargs=FIT_KWARGS,
            lengths=lengths,
        )
    return result


@pytest.fixture
def regression_data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((120, 6, 2))
    y = X[:, -1, 0] - 0.5 * X[:, -2, 1]
    return X[:80], y[:80], X[80:], y[80:]


@pytest.mark.parametrize("seed", SEEDS)
def test_recurrent_model_beats_every_shuffled_score_by_a_clear_margin(tables, seed):
    table = tables[seed]
    assert table.loc["gru", "original"] >= 0.85
    best_without_order = table["shuffled_per_window"].max()
    assert best_without_order <= 0.65
    assert table.loc["gru", "original"] - best_without_order >= 0.25


@pytest.mark.parametrize("seed", SEEDS)
def test_dense_model_relearns_a_fixed_permutation(tables, seed):
    dense = tables[seed].loc["dense"]
    assert dense["original"] >= 0.85
    assert abs(dense["fixed_permutation"] - dense["original"]) <= 0.05


def test_fixed_permutation_costs_the_recurrent_model_more_than_the_dense(tables):
    drop = {
        name: np.mean(
            [
                t.loc[name, "original"] - t.loc[name, "fixed_permutation"]
                for t in tables.values()
            ]
        )
        for name in ("gru", "dense")
    }
    assert drop["gru"] >= drop["dense"] + 0.1


@pytest.mark.parametrize("seed", SEEDS)
def test_recurrent_model_scores_other_lengths_and_dense_reports_nan(tables, seed):
    table = tables[seed]
    assert list(table.columns) == [
        "original",
        "fixed_permutation",
        "shuffled_per_window",
        "longer",
        "shorter",
        "not_scored",
    ]
    assert table.loc["gru", "longer"] >= 0.8
    assert table.loc["gru", "shorter"] >= 0.8
    assert table.loc["gru", "not_scored"] == ""
    assert np.isnan(table.loc["dense", "longer"])
    assert np.isnan(table.loc["dense", "shorter"])
    reason = table.loc["dense", "not_scored"]
    assert "longer: the model takes windows of exactly 12 steps, not 20" in reason
    assert "shorter: the model takes windows of exactly 12 steps, not 6" in reason


def test_table_records_metric_seed_and_a_non_identity_permutation(tables):
    table = tables[1]
    assert table.index.name == "model"
    assert list(table.index) == ["gru", "dense"]
    assert table.attrs["metric"] == "accuracy"
    assert table.attrs["greater_is_better"] is True
    assert table.attrs["seed"] == 1
    permutation = table.attrs["permutation"]
    assert sorted(permutation) == list(range(TIMESTEPS))
    assert permutation != list(range(TIMESTEPS))


def test_keras_report_is_identical_on_a_rerun_and_mixes_with_estimators():
    rng = np.random.default_rng(5)
    X, y = last_step_rises(96, TIMESTEPS, rng)
    flatten = FunctionTransformer(lambda X: X.reshape(len(X), -1))
    models = {
        "dense": classifiers(0)["dense"],
        # fit_kwargs go to Keras models only; estimators take fit(X, y).
        "logistic": make_pipeline(flatten, LogisticRegression()),
    }
    kwargs = {"metric": "accuracy", "seed": 3, "fit_kwargs": {"epochs": 1}}
    first = order_sensitivity(models, X[:64], y[:64], X[64:], y[64:], **kwargs)
    second = order_sensitivity(models, X[:64], y[:64], X[64:], y[64:], **kwargs)
    pd.testing.assert_frame_equal(first, second)
    assert first.loc["logistic", "original"] >= 0.85


def test_linear_model_is_unchanged_by_a_fixed_permutation(regression_data):
    table = order_sensitivity({"linear": flat_linear()}, *regression_data)
    assert table.attrs["metric"] == "mse"
    assert table.attrs["greater_is_better"] is False
    assert table.loc["linear", "original"] == pytest.approx(0.0, abs=1e-20)
    assert table.loc["linear", "fixed_permutation"] == pytest.approx(0.0, abs=1e-20)
    assert table.loc["linear", "shuffled_per_window"] > 0.3


def test_estimators_get_the_seed_as_random_state(regression_data):
    model = make_pipeline(
        FunctionTransformer(lambda X: X.reshape(len(X), -1)),
        SGDRegressor(max_iter=5, tol=None),
    )
    runs = [
        order_sensitivity({"sgd": model}, *regression_data, seed=seed)
        for seed in (0, 0, 1)
    ]
    pd.testing.assert_frame_equal(runs[0], runs[1])
    assert (
        not runs[0]
        .drop(columns="not_scored")
        .equals(runs[2].drop(columns="not_scored"))
    )
    assert model.get_params()["sgdregressor__random_state"] is None


def test_estimator_that_rejects_other_lengths_reports_nan_with_reason(
    regression_data,
):
    X_train, y_train, X_test, y_test = regression_data
    longer = (np.concatenate([X_test, X_test], axis=1), y_test)
    table = order_sensitivity(
        {"linear": flat_linear()},
        X_train,
        y_train,
        X_test,
        y_test,
        lengths={"longer": longer},
        metric="mae",
    )
    assert np.isnan(table.loc["linear", "longer"])
    assert table.loc["linear", "not_scored"].startswith(
        "longer: cannot take windows of 12 steps (ValueError:"
    )


def test_callable_metric_gets_raw_predictions(regression_data):
    seen = []

    def worst_error(y_true, y_pred):
        seen.append(np.shape(y_pred))
        return np.max(np.abs(y_true - y_pred))

    table = order_sensitivity(
        {"linear": flat_linear()}, *regression_data, metric=worst_error
    )
    assert seen == [(40,)] * 3
    assert table.attrs["metric"] == "worst_error"
    assert table.attrs["greater_is_better"] is None


def test_two_dimensional_windows_are_one_feature():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((60, 5))
    y = X[:, -1] - X[:, 0]
    table = order_sensitivity({"linear": flat_linear()}, X[:40], y[:40], X[40:], y[40:])
    assert table.loc["linear", "fixed_permutation"] == pytest.approx(0.0, abs=1e-20)


def test_accuracy_reads_probabilities_logits_labels_and_one_hot():
    class Fixed:
        """An estimator whose predictions are fixed scores, whatever the input."""

        def __init__(self, scores=None):
            self.scores = scores

        def get_params(self, deep=True):
            return {"scores": self.scores}

        def set_params(self, **params):
            self.scores = params["scores"]
            return self

        def fit(self, X, y):
            return self

        def predict(self, X):
            return np.asarray(self.scores)

    X = np.zeros((4, 3, 1))
    labels = np.array([0, 1, 1, 0])
    one_hot = np.eye(2)[labels]
    cases = {
        "probabilities": [[0.9, 0.1], [0.2, 0.8], [0.4, 0.6], [0.3, 0.7]],
        "sigmoid": [[0.1], [0.7], [0.2], [0.4]],
        "logits": [[-2.0], [3.0], [-1.0], [-0.5]],
        "labels": [0, 1, 1, 1],
    }
    table = order_sensitivity(
        {name: Fixed(scores) for name, scores in cases.items()},
        X,
        labels,
        X,
        one_hot,
        metric="accuracy",
    )
    assert table["original"].to_dict() == {
        "probabilities": 0.75,
        "sigmoid": 0.75,
        "logits": 0.75,
        "labels": 0.75,
    }


def test_caller_data_is_not_modified(regression_data):
    copies = [np.array(a, copy=True) for a in regression_data]
    longer = np.concatenate([regression_data[2]] * 2, axis=1)
    before = longer.copy()
    order_sensitivity(
        {"linear": flat_linear()},
        *regression_data,
        lengths={"longer": (longer, regression_data[3])},
    )
    for original, copy in zip(regression_data, copies, strict=True):
        np.testing.assert_array_equal(original, copy)
    np.testing.assert_array_equal(longer, before)


def test_raises_TypeError_for_a_built_keras_model(regression_data):
    model = build_dense((6, 2), 1, units=(4,))
    with pytest.raises(TypeError, match=r"not a built keras.Model.*lambda: compile"):
        order_sensitivity({"dense": model}, *regression_data)


def test_raises_TypeError_for_a_model_that_is_neither(regression_data):
    with pytest.raises(TypeError, match=r"`models\['x'\]` must be a callable"):
        order_sensitivity({"x": 3}, *regression_data)
    with pytest.raises(TypeError, match=r"`models` must be a non-empty dict"):
        order_sensitivity({}, *regression_data)


def test_raises_TypeError_when_a_factory_returns_no_keras_model(regression_data):
    with pytest.raises(TypeError, match=r"factory must return a compiled keras"):
        order_sensitivity({"x": lambda: "model"}, *regression_data)


def test_raises_ValueError_when_test_windows_have_another_shape(regression_data):
    X_train, y_train, X_test, y_test = regression_data
    with pytest.raises(ValueError, match=r"`X_test` must have the \(timesteps"):
        order_sensitivity(
            {"linear": flat_linear()}, X_train, y_train, X_test[:, :4], y_test
        )


def test_raises_ValueError_when_targets_do_not_match_windows(regression_data):
    X_train, y_train, X_test, y_test = regression_data
    with pytest.raises(ValueError, match=r"`y_train` must have one row per window"):
        order_sensitivity(
            {"linear": flat_linear()}, X_train, y_train[:5], X_test, y_test
        )


def test_raises_ValueError_for_unknown_metric(regression_data):
    with pytest.raises(ValueError, match=r"`metric` must be one of.*Got metric='r2'"):
        order_sensitivity({"linear": flat_linear()}, *regression_data, metric="r2")


def test_raises_for_bad_lengths(regression_data):
    X_test, y_test = regression_data[2:]
    model = {"linear": flat_linear()}
    with pytest.raises(ValueError, match=r"`lengths` keys must be str other than"):
        order_sensitivity(
            model, *regression_data, lengths={"original": (X_test, y_test)}
        )
    with pytest.raises(ValueError, match=r"must have 2 features like X_train"):
        order_sensitivity(
            model, *regression_data, lengths={"one": (X_test[..., :1], y_test)}
        )
    with pytest.raises(TypeError, match=r"must be a pair \(X, y\)"):
        order_sensitivity(model, *regression_data, lengths={"one": X_test})


def test_raises_for_bad_seed_and_fit_kwargs(regression_data):
    model = {"linear": flat_linear()}
    with pytest.raises(ValueError, match=r"`seed` must be an integer >= 0"):
        order_sensitivity(model, *regression_data, seed=-1)
    with pytest.raises(TypeError, match=r"`fit_kwargs` must be a dict or None"):
        order_sensitivity(model, *regression_data, fit_kwargs=[("epochs", 1)])
