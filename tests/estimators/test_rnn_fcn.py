"""RNNClassifier's RNN-FCN architectures, training defaults and seed ensembles."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from tsrnn import RNNClassifier
from tsrnn.datasets import read_ts
from tsrnn.estimators.classifiers import (
    GRADIENT_STEPS,
    MAX_EPOCHS,
    MAX_RECURRENT_STEPS,
    MIN_EPOCHS,
)

TINY = dict(
    units=4,
    filters=(4, 4),
    kernel_sizes=(3, 2),
    epochs=2,
    learning_rate=0.01,
    jit_compile=False,
    random_state=0,
)


def fcn(**kw):
    return RNNClassifier(**{**TINY, **kw})


@pytest.fixture
def labelled():
    """Two classes of univariate sequences: rising ('up') and falling ('down')."""
    rng = np.random.default_rng(1)
    slope = np.where(rng.random(40) < 0.5, 1.0, -1.0)
    X = slope[:, None] * np.linspace(0, 1, 10) + 0.3 * rng.standard_normal((40, 10))
    return X, np.where(slope > 0, "up", "down")


@pytest.fixture
def ragged():
    """Sequences of 5 to 11 steps with 2 features, in three classes."""
    rng = np.random.default_rng(2)
    X = [rng.standard_normal((int(n), 2)) for n in rng.integers(5, 12, size=30)]
    return X, np.arange(30) % 3


@pytest.mark.parametrize(
    "options",
    [
        {},
        dict(cell="lstm"),
        dict(squeeze_excite=True, attention=True),
        dict(branch_dropout=0.8),
    ],
    ids=["gru_fcn", "lstm_fcn", "mgru_fcn_attention", "branch_dropout"],
)
def test_rnn_fcn_predicts_probabilities_of_the_fitted_classes(labelled, options):
    X, y = labelled
    model = fcn(**options).fit(X, y)
    proba = model.predict_proba(X)
    assert proba.shape == (40, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert set(model.predict(X)) <= {"down", "up"}


def test_default_architecture_is_gru_fcn_with_the_papers_convolutions():
    model = RNNClassifier()
    assert (model.architecture, model.cell) == ("rnn_fcn", "gru")
    assert (model.filters, model.kernel_sizes) == ((128, 256, 128), (8, 5, 3))


def test_branch_dropout_auto_is_the_papers_rate_on_the_recurrent_branch_only(
    labelled,
):
    X, y = labelled
    network = fcn().fit(X, y).model_
    assert network.get_layer("branch_dropout").rate == 0.8
    without = fcn(branch_dropout=0.0).fit(X, y).model_
    assert not any(isinstance(layer, keras.layers.Dropout) for layer in without.layers)
    # "auto" with the recurrent network alone: no convolutional branch to join.
    plain = fcn(architecture="rnn").fit(X, y).model_
    assert not any(isinstance(layer, keras.layers.Dropout) for layer in plain.layers)


def test_squeeze_excite_auto_is_on_for_multivariate_series_only(labelled, ragged):
    X, y = labelled
    univariate = fcn().fit(X, y).model_
    multivariate = fcn().fit(*ragged).model_
    assert univariate.name == "gru_fcn"
    assert multivariate.name == "mgru_fcn"
    assert any("squeeze_excite" in layer.name for layer in multivariate.layers)


def test_padding_of_unequal_lengths_changes_no_prediction(ragged):
    X, y = ragged
    model = fcn(squeeze_excite=True, attention=True).fit(X, y)
    shortest = min(X, key=len)
    alone = model.predict_proba([shortest, shortest[:-1]])[0]
    # Beside the longest sequence the shortest one is padded by 6 steps.
    beside = model.predict_proba([shortest, max(X, key=len)])[0]
    np.testing.assert_allclose(alone, beside, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("steps", "expected"),
    [(10, 1), (MAX_RECURRENT_STEPS, 1), (MAX_RECURRENT_STEPS + 1, 2), (427, 3)],
)
def test_auto_segments_keep_the_recurrent_branch_within_its_steps(steps, expected):
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((6, steps)), np.arange(6) % 2
    model = fcn(epochs=1).fit(X, y)
    assert model.segment_length_ == expected
    recurrent = model.model_.get_layer("gru_0")
    assert recurrent.input.shape[1] == -(-steps // expected) <= MAX_RECURRENT_STEPS
    # The convolutional branch still reads every timestep.
    assert model.model_.get_layer("conv_0").input.shape[1] == steps


def test_segments_of_unequal_lengths_change_no_prediction(ragged):
    X, y = ragged
    model = fcn(segment_length=3, attention=True).fit(X, y)
    assert model.segment_length_ == 3
    shortest = min(X, key=len)
    alone = model.predict_proba([shortest, shortest[:-1]])[0]
    beside = model.predict_proba([shortest, max(X, key=len)])[0]
    np.testing.assert_allclose(alone, beside, rtol=1e-5, atol=1e-6)
    # The plain recurrent network reads every timestep.
    assert fcn(architecture="rnn").fit(X, y).segment_length_ == 1


def test_same_random_state_gives_identical_fits(ragged):
    X, y = ragged
    first = fcn(random_state=3).fit(X, y).predict_proba(X)
    second = fcn(random_state=3).fit(X, y).predict_proba(X)
    other = fcn(random_state=4).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(first, second)
    assert not np.allclose(first, other)


def test_save_load_round_trip_of_an_ensemble_predicts_identically(ragged, tmp_path):
    X, y = ragged
    model = fcn(n_estimators=2, attention=True).fit(X, y)
    model.save(tmp_path)
    loaded = RNNClassifier.load(tmp_path)
    assert loaded.get_params() == model.get_params()
    assert loaded.normalize_ is False
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_ensemble_averages_the_probabilities_of_its_members(labelled):
    X, y = labelled
    model = fcn(n_estimators=3).fit(X, y)
    members = [model.model_.get_layer(f"member_{i}") for i in range(3)]
    inputs = model._validate_predict_input(X)[0]
    each = [np.asarray(member(inputs, training=False)) for member in members]
    assert not np.allclose(each[0], each[1])  # different seeds
    np.testing.assert_allclose(
        model.predict_proba(X), np.mean(each, axis=0), rtol=1e-5, atol=1e-6
    )
    assert len(model.history_["loss"]) == model.n_iter_ == 2


@pytest.mark.parametrize(
    ("n_train", "batch_size", "expected"),
    [
        (50, 32, min(MAX_EPOCHS, GRADIENT_STEPS // 2)),  # 2 steps per epoch
        (270, 32, -(-GRADIENT_STEPS // 9)),  # 9 steps per epoch
        (100_000, 32, MIN_EPOCHS),
        (10, 32, MAX_EPOCHS),
    ],
)
def test_auto_epochs_spend_a_budget_of_gradient_steps(n_train, batch_size, expected):
    model = RNNClassifier(batch_size=batch_size)
    assert model._n_epochs(n_train) == expected
    assert RNNClassifier(epochs=7)._n_epochs(n_train) == 7


def test_learning_rate_halves_when_the_training_loss_stalls(labelled):
    X, y = labelled
    # A rate this high makes the loss bounce; patience 1 halves it at once.
    model = fcn(epochs=6, learning_rate=5.0, clipnorm=None, lr_patience=1)
    model.fit(X, np.where(np.arange(40) % 2, "a", "b"))
    rate = float(keras.ops.convert_to_numpy(model.model_.optimizer.learning_rate))
    assert rate < 5.0
    constant = fcn(epochs=3, lr_patience=None).fit(X, y)
    rate = float(keras.ops.convert_to_numpy(constant.model_.optimizer.learning_rate))
    assert rate == pytest.approx(0.01)


def test_normalized_series_predict_the_same_after_shift_and_scale(labelled):
    X, y = labelled
    model = fcn().fit(X, y)
    assert model.normalize_ is True  # "auto" on univariate series
    moved = 3.0 * X + 10.0
    np.testing.assert_allclose(
        model.predict_proba(moved), model.predict_proba(X), rtol=1e-4, atol=1e-5
    )
    raw = fcn(normalize=False).fit(X, y)
    assert raw.normalize_ is False
    assert not np.allclose(raw.predict_proba(moved), raw.predict_proba(X))


def test_multivariate_series_are_not_normalized_by_default(ragged):
    assert fcn().fit(*ragged).normalize_ is False
    assert fcn(normalize=True).fit(*ragged).normalize_ is True


def test_fit_does_not_modify_the_callers_series(ragged):
    X, y = ragged
    X32 = [x.astype(np.float32) for x in X]
    copies = [x.copy() for x in X32]
    fcn(normalize=True).fit(X32, y).predict(X32)
    for x, copy in zip(X32, copies, strict=True):
        np.testing.assert_array_equal(x, copy)
    cube = np.stack([x[:5] for x in X32])
    before = cube.copy()
    fcn(normalize=True).fit(cube, y).predict(cube)
    np.testing.assert_array_equal(cube, before)


def test_plain_rnn_architecture_is_still_available(labelled):
    X, y = labelled
    model = fcn(architecture="rnn", layer_norm=True).fit(X, y)
    assert not any(
        isinstance(layer, keras.layers.Conv1D) for layer in model.model_.layers
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        (
            dict(architecture="lstm_fcn"),
            ValueError,
            r"`architecture` must be one of \['rnn', 'rnn_fcn'\]\. "
            r"Got architecture='lstm_fcn'",
        ),
        (dict(epochs="many"), TypeError, r"`epochs` must be a positive integer or"),
        (dict(n_estimators=0), ValueError, r"`n_estimators` must be a positive int"),
        (dict(normalize="yes"), ValueError, r"`normalize` must be True, False or"),
        (dict(lr_patience=0), ValueError, r"`lr_patience` must be a positive int"),
        (
            dict(architecture="rnn", attention=True),
            ValueError,
            r"`attention` must be False with architecture='rnn'.*"
            r"set architecture='rnn_fcn'",
        ),
        (
            dict(architecture="rnn", branch_dropout=0.8),
            ValueError,
            r"`branch_dropout` must be 'auto' or 0.0 with architecture='rnn'",
        ),
        (
            dict(branch_dropout=1.0),
            ValueError,
            r"`branch_dropout` must be a float in \[0, 1\) or 'auto'",
        ),
        (
            dict(architecture="rnn", segment_length=2),
            ValueError,
            r"`segment_length` must be 'auto' or 1 with architecture='rnn'",
        ),
        (
            dict(segment_length=0),
            ValueError,
            r"`segment_length` must be a positive integer or 'auto'",
        ),
        (
            dict(architecture="rnn", squeeze_excite=True),
            ValueError,
            r"`squeeze_excite` must be 'auto' or False with architecture='rnn'",
        ),
        (
            dict(layer_norm=True),
            ValueError,
            r"`layer_norm` must be False with architecture='rnn_fcn'",
        ),
        (
            dict(n_estimators=2, warm_start=True),
            ValueError,
            r"`warm_start` must be False with n_estimators > 1",
        ),
    ],
)
def test_bad_settings_raise_at_fit_with_the_parameter_named(
    labelled, kwargs, error, pattern
):
    with pytest.raises(error, match=pattern):
        fcn(**kwargs).fit(*labelled)


@pytest.mark.slow
def test_default_rnn_classifier_learns_italy_power_demand(shared_data):
    folder = shared_data / "classification"
    X_train, y_train = read_ts(folder / "ItalyPowerDemand_TRAIN.ts")
    X_test, y_test = read_ts(folder / "ItalyPowerDemand_TEST.ts")
    model = RNNClassifier(random_state=0).fit(X_train, y_train)
    assert model.score(X_test, y_test) >= 0.94
