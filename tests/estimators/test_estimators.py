"""Behaviour of the scikit-learn estimators (tiny networks; real data in `slow`)."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from tsrnn import (
    DenseClassifier,
    DenseRegressor,
    RNNClassifier,
    RNNRegressor,
    make_windows,
    recursive_predict,
)
from tsrnn.datasets import read_ts
from tsrnn.estimators import ForecastingTags, forecasting_tags
from tsrnn.estimators.callbacks import TrainingMonitor
from tsrnn.estimators.record import FitRecord
from tsrnn.exceptions import TrainingError, TrainingWarning

FAST = dict(epochs=2, learning_rate=0.01, jit_compile=False, random_state=0)


def rnn_regressor(**kw):
    return RNNRegressor(**{"units": 4, **FAST, **kw})


def rnn_classifier(**kw):
    # The plain recurrent network; the RNN-FCN family has test_rnn_fcn.py.
    return RNNClassifier(**{"architecture": "rnn", "units": 4, **FAST, **kw})


def dense_regressor(**kw):
    return DenseRegressor(**{"units": (4,), **FAST, **kw})


@pytest.fixture
def windows():
    """Windows of a noisy sine: X (48, 12), next value y (48,)."""
    rng = np.random.default_rng(0)
    series = np.sin(np.arange(60) / 4) + 0.05 * rng.standard_normal(60)
    X, y = make_windows(series, 12, 1)
    return X[:, :, 0], y[:, 0, 0]


@pytest.fixture
def labelled():
    """Two classes of sequences: rising (label 'up') and falling ('down')."""
    rng = np.random.default_rng(1)
    slope = np.where(rng.random(60) < 0.5, 1.0, -1.0)
    X = slope[:, None] * np.linspace(0, 1, 10) + 0.3 * rng.standard_normal((60, 10))
    return X, np.where(slope > 0, "up", "down")


# ------------------------------------------------------------------ input shapes


def test_2d_X_is_read_as_univariate_sequences(windows):
    X, y = windows
    flat = rnn_regressor().fit(X, y)
    cube = rnn_regressor().fit(X[:, :, np.newaxis], y)
    np.testing.assert_array_equal(flat.predict(X), cube.predict(X[:, :, None]))
    assert flat.n_features_in_ == 12  # columns of a 2-D X: its timesteps
    assert cube.n_features_in_ == 1  # features per step of a 3-D X


def test_3d_X_with_several_features_per_step(windows):
    X, y = windows
    X3 = np.stack([X, X**2, -X], axis=-1)
    model = rnn_regressor().fit(X3, y)
    assert model.n_features_in_ == 3
    assert model.predict(X3).shape == (len(X),)


@pytest.mark.parametrize(
    ("y_shape", "expected"),
    [((), (48,)), ((2,), (48, 2)), ((3, 2), (48, 3, 2))],
    ids=["(n,)", "(n,k)", "(n,horizon,k)"],
)
@pytest.mark.parametrize("factory", [rnn_regressor, dense_regressor])
def test_regressor_predicts_the_shape_of_y(windows, y_shape, expected, factory):
    X, y = windows
    target = np.broadcast_to(y.reshape((-1,) + (1,) * len(y_shape)), (48, *y_shape))
    prediction = factory().fit(X, target).predict(X)
    assert prediction.shape == expected
    assert prediction.dtype == np.float64


def test_many_to_many_gives_one_output_per_step(windows):
    X, _ = windows
    y = np.stack([np.cumsum(X, axis=1), X], axis=-1)  # (n, timesteps, 2)
    model = rnn_regressor(return_sequences=True).fit(X, y)
    assert model.predict(X).shape == (48, 12, 2)
    per_step = rnn_regressor(return_sequences=True).fit(X, y[:, :, 0])
    assert per_step.predict(X).shape == (48, 12)
    assert np.isfinite(per_step.score(X, y[:, :, 0]))


def test_many_to_many_rejects_y_with_other_timesteps(windows):
    X, _ = windows
    with pytest.raises(ValueError, match="timesteps=12"):
        rnn_regressor(return_sequences=True).fit(X, np.zeros((48, 5, 1)))


def test_score_of_multistep_regressor_is_r2_over_all_outputs(windows):
    X, y = windows
    target = np.stack([y, 2 * y], axis=1)[:, :, None]
    model = rnn_regressor().fit(X, target)
    flat_pred = model.predict(X).reshape(48, -1)
    from sklearn.metrics import r2_score

    assert model.score(X, target) == pytest.approx(
        r2_score(target.reshape(48, -1), flat_pred)
    )


# -------------------------------------------------------------------- classifier


def test_classifier_takes_string_labels_and_probabilities_sum_to_one(labelled):
    X, y = labelled
    model = rnn_classifier(epochs=5).fit(X, y)
    proba = model.predict_proba(X)
    assert model.classes_.tolist() == ["down", "up"]
    assert proba.shape == (60, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(model.predict(X), model.classes_[proba.argmax(1)])
    assert set(model.predict(X)) <= {"down", "up"}


def test_class_weight_shifts_predictions_towards_the_heavy_class(labelled):
    X, y = labelled
    plain = rnn_classifier().fit(X, y).predict_proba(X)[:, 1]
    heavy = rnn_classifier(class_weight={"up": 50.0, "down": 1.0}).fit(X, y)
    assert heavy.predict_proba(X)[:, 1].mean() > plain.mean() + 0.05


def test_sample_weight_changes_the_fit(labelled):
    X, y = labelled
    plain = rnn_classifier(epochs=5).fit(X, y).predict_proba(X)[:, 1]
    weights = np.where(y == "down", 50.0, 1.0)
    weighted = rnn_classifier(epochs=5).fit(X, y, sample_weight=weights)
    assert weighted.predict_proba(X)[:, 1].mean() < plain.mean() - 0.05


def test_classifier_rejects_a_single_class(labelled):
    X, _ = labelled
    with pytest.raises(ValueError, match="at least 2 classes"):
        rnn_classifier().fit(X, np.full(60, "up"))


@pytest.fixture(scope="module")
def vowels(shared_data):
    X, y = read_ts(shared_data / "classification" / "JapaneseVowels_TRAIN.ts")
    return X[::3], y[::3]  # 90 utterances, every class


def test_classifier_pads_and_masks_unequal_length_sequences(vowels):
    X, y = vowels
    assert len({len(x) for x in X}) > 1
    model = rnn_classifier(units=8, epochs=3).fit(X, y)
    assert model.n_features_in_ == 12
    proba = model.predict_proba(X)
    assert proba.shape == (90, 9)
    # Padding must not reach the network: alone or padded in a batch with
    # longer sequences, a sequence gets the same probabilities.
    shortest = int(np.argmin([len(x) for x in X]))
    alone = model.predict_proba([X[shortest], X[shortest]])[0]
    np.testing.assert_allclose(alone, proba[shortest], rtol=1e-5, atol=1e-6)


def test_dense_estimators_reject_unequal_length_sequences(vowels):
    X, y = vowels
    with pytest.raises(ValueError, match="sequences of one length"):
        DenseClassifier(units=(4,), **FAST).fit(X, y)


# ----------------------------------------------------------- sklearn contract


def test_clone_keeps_every_setting():
    settings = dict(
        distribute="mirrored",
        architecture="rnn",
        filters=(4, 8),
        kernel_sizes=(3, 3),
        squeeze_excite=False,
        attention=False,
        branch_dropout=0.5,
        segment_length=4,
        normalize=False,
        n_estimators=2,
        lr_patience=3,
        cell="gru",
        units=[6, 3],
        bidirectional=True,
        dropout=0.1,
        recurrent_dropout=0.2,
        layer_norm=True,
        class_weight="balanced",
        epochs=7,
        batch_size=5,
        learning_rate=0.3,
        clipnorm=None,
        early_stopping=True,
        validation_fraction=0.3,
        patience=2,
        warm_start=True,
        jit_compile=False,
        random_state=11,
        verbose=2,
    )
    model = RNNClassifier(**settings)
    assert clone(model).get_params() == settings
    assert set(settings) == set(RNNClassifier().get_params())


def test_fit_twice_with_same_random_state_gives_identical_predictions(windows):
    X, y = windows
    first = rnn_regressor(dropout=0.2, random_state=3).fit(X, y).predict(X)
    second = rnn_regressor(dropout=0.2, random_state=3).fit(X, y).predict(X)
    other = rnn_regressor(dropout=0.2, random_state=4).fit(X, y).predict(X)
    np.testing.assert_array_equal(first, second)
    assert not np.allclose(first, other)


def test_fit_does_not_reseed_the_global_numpy_generator(windows):
    X, y = windows
    np.random.seed(123)
    expected = np.random.random(3)
    np.random.seed(123)
    rnn_regressor(epochs=1).fit(X, y)
    np.testing.assert_array_equal(np.random.random(3), expected)


def test_fit_and_predict_never_modify_the_callers_data(labelled, vowels):
    X, y = labelled
    weights = np.linspace(0.5, 1.5, 60)
    copies = X.copy(), y.copy(), weights.copy()
    model = rnn_classifier(epochs=1).fit(X, y, sample_weight=weights)
    model.predict_proba(X)
    for original, copy in zip((X, y, weights), copies, strict=True):
        np.testing.assert_array_equal(original, copy)
    sequences, labels = vowels
    saved = [s.copy() for s in sequences]
    rnn_classifier(epochs=1).fit(sequences, labels).predict(sequences)
    for sequence, copy in zip(sequences, saved, strict=True):
        np.testing.assert_array_equal(sequence, copy)


def test_predict_before_fit_raises_NotFittedError(windows):
    with pytest.raises(NotFittedError):
        rnn_regressor().predict(windows[0])


def test_predict_raises_ValueError_on_feature_count_mismatch(windows):
    X, y = windows
    flat = rnn_regressor(epochs=1).fit(X, y)
    with pytest.raises(ValueError, match="X has 11 features"):
        flat.predict(X[:, :11])
    cube = rnn_regressor(epochs=1).fit(np.stack([X, X], -1), y)
    with pytest.raises(ValueError, match=r"X has 3 features per step.*expecting 2"):
        cube.predict(np.stack([X, X, X], -1))
    with pytest.raises(ValueError, match="3-D"):
        cube.predict(X)


def test_dataframe_X_records_feature_names(windows):
    X, y = windows
    frame = pd.DataFrame(X, columns=[f"lag_{i}" for i in range(12, 0, -1)])
    model = rnn_regressor(epochs=1).fit(frame, y)
    assert model.feature_names_in_.tolist() == list(frame.columns)
    plain = rnn_regressor(epochs=1).fit(X, y)
    np.testing.assert_array_equal(model.predict(frame), plain.predict(X))


def test_fit_rejects_bad_settings_with_the_argument_name(windows):
    X, y = windows
    with pytest.raises(ValueError, match="`validation_fraction` must be a float"):
        rnn_regressor(early_stopping=True, validation_fraction=1.5).fit(X, y)
    with pytest.raises(TypeError, match="`epochs` must be a positive integer"):
        rnn_regressor(epochs=2.5).fit(X, y)


# ------------------------------------------------------------------- training


def test_warm_start_continues_training_the_same_network(windows):
    X, y = windows
    model = rnn_regressor(warm_start=True, epochs=3)
    model.fit(X, y)
    network = model.model_
    model.fit(X, y)
    assert model.model_ is network
    assert model.n_iter_ == 6
    assert len(model.history_["loss"]) == 6
    assert model.history_["loss"][-1] < model.history_["loss"][0]
    cold = rnn_regressor(epochs=3).fit(X, y).fit(X, y)
    assert cold.n_iter_ == 3 and len(cold.history_["loss"]) == 3


def test_warm_start_rejects_targets_of_another_shape(windows):
    X, y = windows
    model = rnn_regressor(warm_start=True, epochs=1).fit(X, y)
    with pytest.raises(ValueError, match="warm_start"):
        model.fit(X, np.stack([y, y], axis=1))


def test_early_stopping_validates_on_the_last_rows_and_restores_the_best(windows):
    X, y = windows
    y = y.copy()
    y[-12:] += 5.0  # the tail differs: its loss cannot be the head's
    model = rnn_regressor(early_stopping=True, validation_fraction=0.25, epochs=4).fit(
        X, y
    )
    tail_mse = np.mean((model.predict(X[-12:]) - y[-12:]) ** 2)
    head_mse = np.mean((model.predict(X[:12]) - y[:12]) ** 2)
    assert len(model.history_["val_loss"]) == model.n_iter_
    # restore_best_weights: the final network scores the best validation loss.
    assert tail_mse == pytest.approx(min(model.history_["val_loss"]), rel=1e-4)
    assert head_mse != pytest.approx(tail_mse, rel=0.1)


def test_nan_loss_raises_TrainingError_and_keeps_finite_weights(windows):
    X, _ = windows
    y = np.full(len(X), 1e30)  # squared in float32: infinite loss
    model = rnn_regressor(epochs=3)
    with pytest.raises(TrainingError, match="NaN or infinite"):
        model.fit(X, y)
    assert np.isfinite(model.predict(X)).all()
    assert model.n_iter_ == 1


def test_keyboard_interrupt_keeps_weights_and_warns(windows, monkeypatch):
    X, y = windows
    original = TrainingMonitor.on_epoch_end

    def interrupt_after_two(self, epoch, logs=None):
        original(self, epoch, logs)
        if self.epochs_run == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(TrainingMonitor, "on_epoch_end", interrupt_after_two)
    model = rnn_regressor(epochs=5)
    with pytest.warns(TrainingWarning, match="interrupted after 2"):
        model.fit(X, y)
    assert model.n_iter_ == 2
    assert np.isfinite(model.predict(X)).all()


def test_verbose_zero_prints_nothing(windows, capsys):
    X, y = windows
    rnn_regressor(epochs=1).fit(X, y).predict(X)
    assert capsys.readouterr().out == ""


# ---------------------------------------------------------------- persistence


_CHILD = textwrap.dedent(
    """
    import pickle, sys
    from pathlib import Path
    import joblib, numpy as np
    from tsrnn import RNNClassifier, RNNRegressor

    folder = Path(sys.argv[1])
    X = np.load(folder / "X.npy")
    out = {}
    with open(folder / "model.pkl", "rb") as f:
        out["pickle"] = pickle.load(f).predict_proba(X)
    out["joblib"] = joblib.load(folder / "model.joblib").predict_proba(X)
    out["saved"] = RNNClassifier.load(folder / "saved").predict_proba(X)
    params = RNNClassifier.load(folder / "saved").get_params()
    y = np.load(folder / "y.npy")
    out["refit"] = RNNClassifier(**params).fit(X, y).predict_proba(X)
    np.savez(folder / "child.npz", **out)
    """
)


def test_pickle_joblib_and_save_load_predict_identically_in_a_new_process(
    labelled, tmp_path
):
    X, y = labelled
    model = rnn_classifier(units=[4, 3], dropout=0.1, epochs=2).fit(X, y)
    expected = model.predict_proba(X)
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "y.npy", y)
    with open(tmp_path / "model.pkl", "wb") as f:
        pickle.dump(model, f)
    joblib.dump(model, tmp_path / "model.joblib")
    model.save(tmp_path / "saved")
    assert (tmp_path / "saved" / "model.keras").is_file()

    subprocess.run(
        [sys.executable, "-c", _CHILD, str(tmp_path)], check=True, timeout=300
    )
    child = np.load(tmp_path / "child.npz")
    for route in ("pickle", "joblib", "saved", "refit"):
        np.testing.assert_array_equal(child[route], expected, err_msg=route)


def test_save_load_restores_settings_and_fitted_attributes(windows, tmp_path):
    X, y = windows
    model = dense_regressor(units=(5, 3), early_stopping=True).fit(X, y)
    model.save(tmp_path)
    loaded = DenseRegressor.load(tmp_path)
    assert loaded.get_params() == model.get_params()
    assert loaded.units == (5, 3)
    assert loaded.history_ == model.history_
    assert loaded.n_features_in_ == 12
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    with pytest.raises(TypeError, match=r"DenseRegressor\.load"):
        RNNRegressor.load(tmp_path)


def test_pickled_estimator_can_keep_training(windows):
    X, y = windows
    model = rnn_regressor(warm_start=True).fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    restored.fit(X, y)
    assert restored.n_iter_ == 4


# -------------------------------------------------------------- real data


@pytest.mark.slow
def test_rnn_classifier_learns_gunpoint(shared_data):
    folder = shared_data / "classification"
    X_train, y_train = read_ts(folder / "GunPoint_TRAIN.ts")
    X_test, y_test = read_ts(folder / "GunPoint_TEST.ts")
    model = RNNClassifier(
        architecture="rnn",
        cell="gru",
        units=32,
        bidirectional=True,
        epochs=120,
        batch_size=10,
        learning_rate=0.005,
        random_state=0,
    ).fit(X_train, y_train)
    assert model.score(X_test, y_test) >= 0.85


@pytest.mark.slow
def test_rnn_regressor_beats_last_value_on_airline(airline_csv):
    series = np.log(pd.read_csv(airline_csv)["Passengers"].to_numpy(float))
    train_end = len(series) - 36
    mean, std = series[:train_end].mean(), series[:train_end].std()
    scaled = (series - mean) / std
    X, y = make_windows(scaled, 12, 1)
    y = y[:, :, 0]
    target_row = np.arange(len(X)) + 12  # row of each window's target
    train, test = target_row < train_end, target_row >= train_end
    model = RNNRegressor(
        units=16,
        instance_norm=True,
        epochs=150,
        batch_size=16,
        learning_rate=0.01,
        random_state=0,
    ).fit(X[train], y[train, 0])
    rmse = np.sqrt(np.mean((model.predict(X[test]) - y[test, 0]) ** 2))
    naive = np.sqrt(np.mean((X[test, -1, 0] - y[test, 0]) ** 2))
    assert rmse < 0.8 * naive


def test_predict_on_sequences_longer_than_the_fitted_windows_raises(windows):
    # Shorter ones are padded and masked (tests/estimators/test_short_inputs.py).
    X, y = windows
    model = rnn_regressor(epochs=1).fit(X[:, :, np.newaxis], y)
    longer = np.concatenate([X[1], X[1]])[:, np.newaxis]
    with pytest.raises(ValueError, match="fitted on sequences of one length"):
        model.predict([X[0, :, np.newaxis], longer])


def test_network_fitted_on_unequal_lengths_predicts_equal_lengths_too(windows):
    X, y = windows
    sequences = [row[: 6 + i % 6] for i, row in enumerate(X)]  # univariate
    model = rnn_regressor(epochs=1).fit(sequences, y)
    same_length = [row[:8] for row in X[:4]]
    assert model.predict(same_length).shape == (4,)


# ------------------------------------------------------------ encoder-decoder


@pytest.fixture(scope="module")
def horizon_windows():
    """Windows of a noisy sine: X (45, 12, 1), next 4 values Y (45, 4, 1), and a
    known-future input F (45, 4, 2) over those 4 steps."""
    rng = np.random.default_rng(2)
    series = np.sin(np.arange(60) / 4) + 0.05 * rng.standard_normal(60)
    X, Y = make_windows(series, 12, 4)
    F = np.stack([np.cos(np.arange(60) / 4), np.arange(60) / 60], axis=-1)
    rows = np.arange(len(X))[:, None] + 12 + np.arange(4)
    return X, Y, F[rows]


@pytest.fixture(scope="module")
def seq2seq_model(horizon_windows):
    """An encoder-decoder fitted once with X_future (tests must not refit it)."""
    X, Y, F = horizon_windows
    return rnn_regressor(architecture="seq2seq", warm_start=True).fit(X, Y, X_future=F)


def test_seq2seq_decoder_reads_x_future_over_the_horizon(
    horizon_windows, seq2seq_model
):
    X, Y, F = horizon_windows
    model = seq2seq_model
    assert [tuple(t.shape) for t in model.model_.inputs] == [
        (None, 12, 1),
        (None, 4, 2),
    ]
    prediction = model.predict(X, X_future=F)
    assert prediction.shape == (len(X), 4, 1)
    moved = F.copy()
    moved[:, 2:] += 1.0  # other known-future values from step 3 on
    changed = model.predict(X, X_future=moved)
    # The decoder is causal: steps before the change keep their forecast.
    np.testing.assert_allclose(changed[:, :2], prediction[:, :2], rtol=1e-5)
    assert not np.allclose(changed[:, 2:], prediction[:, 2:])
    assert np.isfinite(model.score(X, Y, X_future=F))


def test_seq2seq_without_x_future_repeats_the_context(horizon_windows):
    X, Y, _ = horizon_windows
    model = rnn_regressor(architecture="seq2seq", cell="gru").fit(X, Y[..., 0])
    assert len(model.model_.inputs) == 1
    # y of shape (n, 4) is one step of 4 targets: (n, horizon, k) is multi-step.
    assert model.model_.output_shape == (None, 1, 4)
    assert model.predict(X).shape == (len(X), 4)


def test_seq2seq_x_future_errors_name_the_rule(horizon_windows, seq2seq_model):
    X, Y, F = horizon_windows
    with pytest.raises(ValueError, match="`X_future` must be given"):
        seq2seq_model.predict(X)
    with pytest.raises(ValueError, match=r"X_future has 1 features per step"):
        seq2seq_model.predict(X, X_future=F[..., :1])
    with pytest.raises(ValueError, match=r"of shape \(n, horizon, n_future_features"):
        rnn_regressor(architecture="seq2seq").fit(X, Y, X_future=F[:, :3])
    with pytest.raises(ValueError, match="`X_future` must be None unless"):
        rnn_regressor().fit(X, Y, X_future=F)


@pytest.mark.parametrize(
    ("settings", "error", "match"),
    [
        (dict(architecture="transformer"), ValueError, "`architecture` must be one"),
        (dict(bidirectional=True), ValueError, "`bidirectional` must be False"),
        (dict(return_sequences=True), ValueError, "`return_sequences` must be"),
        (dict(units=[4, 2]), TypeError, "`units` must be one int"),
    ],
)
def test_seq2seq_rejects_settings_it_cannot_honour(
    horizon_windows, settings, error, match
):
    X, Y, _ = horizon_windows
    with pytest.raises(error, match=match):
        rnn_regressor(**{"architecture": "seq2seq", **settings}).fit(X, Y)


def test_seq2seq_save_load_and_warm_start(horizon_windows, seq2seq_model, tmp_path):
    X, Y, F = horizon_windows
    seq2seq_model.save(tmp_path)
    loaded = RNNRegressor.load(tmp_path)
    np.testing.assert_array_equal(
        loaded.predict(X, X_future=F), seq2seq_model.predict(X, X_future=F)
    )
    model = pickle.loads(pickle.dumps(seq2seq_model))
    model.fit(X, Y, X_future=F)
    assert model.n_iter_ == 4 and len(model.history_["loss"]) == 4
    with pytest.raises(ValueError, match="`X_future` must keep its width"):
        model.fit(X, Y, X_future=F[..., :1])


def test_seq2seq_instance_norm_forecasts_move_with_the_level_and_survive_save(
    horizon_windows, tmp_path
):
    X, Y, F = horizon_windows
    model = rnn_regressor(architecture="seq2seq", instance_norm=True)
    model.fit(X, Y, X_future=F)
    assert "add_level" in [layer.name for layer in model.model_.layers]
    prediction = model.predict(X, X_future=F)
    # Learned as the change from the last value: a level shift of the inputs
    # moves every step of the forecast by the same amount.
    np.testing.assert_allclose(
        model.predict(X + 50.0, X_future=F) - prediction, 50.0, atol=1e-3
    )
    model.save(tmp_path)
    loaded = RNNRegressor.load(tmp_path)
    assert loaded.get_params()["instance_norm"] is True
    np.testing.assert_array_equal(loaded.predict(X, X_future=F), prediction)


def test_verbose_1_draws_one_progress_line_per_fit_on_a_terminal(capfd, monkeypatch):
    from tsrnn.estimators import callbacks

    monkeypatch.setattr(callbacks, "_is_terminal", lambda stream: True)
    X = np.sin(np.arange(40, dtype=float))[np.arange(30)[:, None] + np.arange(6)]
    y = X[:, -1]
    RNNRegressor(units=2, epochs=3, jit_compile=False, random_state=0, verbose=1).fit(
        X, y
    )
    err = capfd.readouterr().err
    assert err.count("epoch 3/3") == 1 and err.endswith("\n")
    assert "\n" not in err.rstrip("\n").split("epoch 1/3")[-1]


def test_verbose_1_writes_plain_lines_when_stderr_is_not_a_terminal(capfd):
    X = np.sin(np.arange(40, dtype=float))[np.arange(30)[:, None] + np.arange(6)]
    y = X[:, -1]
    RNNRegressor(units=2, epochs=25, jit_compile=False, random_state=0, verbose=1).fit(
        X, y
    )
    err = capfd.readouterr().err
    lines = [line for line in err.splitlines() if "epoch" in line]
    # A line at every tenth of the epochs (3, 6, ..., 24) and at the last.
    assert [line.split()[1] for line in lines] == [
        f"{n}/25" for n in (3, 6, 9, 12, 15, 18, 21, 24, 25)
    ]
    assert "\r" not in err


def test_distribute_mirrored_trains_the_same_network_within_tolerance(windows):
    X, y = windows
    plain = rnn_regressor(random_state=0).fit(X, y)
    mirrored = rnn_regressor(random_state=0, distribute="mirrored").fit(X, y)
    # One replica: the same steps, up to how the strategy reduces a last
    # partial batch.
    np.testing.assert_allclose(mirrored.predict(X), plain.predict(X), atol=2e-2)
    again = pickle.loads(pickle.dumps(mirrored))
    np.testing.assert_array_equal(again.predict(X), mirrored.predict(X))


def test_fit_raises_ValueError_for_an_unknown_distribute(windows):
    X, y = windows
    with pytest.raises(ValueError, match="`distribute` must be None"):
        rnn_regressor(distribute="ray").fit(X, y)


# ------------------------------------------------------- forecasting capabilities


@pytest.mark.parametrize(
    ("estimator", "expected"),
    [
        (RNNRegressor(), ForecastingTags(True, False, True, short_inputs=True)),
        (RNNRegressor(architecture="seq2seq"), ForecastingTags(True, True, False)),
        (DenseRegressor(), ForecastingTags(True, False, True)),
        (RNNClassifier(), ForecastingTags(True, False, False)),
        (DenseClassifier(), ForecastingTags(True, False, False)),
        (Ridge(), ForecastingTags(False, False, False)),
        (make_pipeline(StandardScaler(), Ridge()), ForecastingTags()),
    ],
    ids=[
        "rnn",
        "seq2seq",
        "dense",
        "rnn-classifier",
        "dense-classifier",
        "ridge",
        "pipeline",
    ],
)
def test_forecasting_tags_are_declared_per_class_and_architecture(estimator, expected):
    assert forecasting_tags(estimator) == expected


def test_forecasting_tags_follow_set_params_and_read_three_d_tags_of_others():
    model = RNNRegressor()
    model.set_params(architecture="seq2seq")
    assert forecasting_tags(model).future_inputs
    assert not forecasting_tags(model).recursive

    class ThreeD(Ridge):
        def __sklearn_tags__(self):
            tags = super().__sklearn_tags__()
            tags.input_tags.three_d_array = True
            return tags

    assert forecasting_tags(ThreeD()) == ForecastingTags(three_d_input=True)
    assert forecasting_tags(object()) == ForecastingTags()


@pytest.fixture(scope="module")
def covariate_windows():
    """Windows (40, 8, 3): a target in column 2, covariates in 0 and 1, and the
    covariates' next 5 values (40, 5, 2)."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((40, 8, 3))
    return X, X[:, -1, 2] * 0.5, rng.standard_normal((40, 5, 2))


@pytest.mark.parametrize("factory", [rnn_regressor, dense_regressor])
def test_predict_recursive_equals_recursive_predict_on_the_fitted_network(
    covariate_windows, factory
):
    X, y, future = covariate_windows
    model = factory(epochs=1).fit(X, y)
    got = model.predict_recursive(X, 5, target_index=[2], future=future)
    expected = recursive_predict(model.model_, X, 5, target_index=[2], future=future)
    assert got.shape == (40, 5, 1)
    np.testing.assert_array_equal(got, expected)
    # One step ahead is the ordinary prediction.
    np.testing.assert_allclose(got[:, 0, 0], model.predict(X), rtol=1e-5, atol=1e-6)


def test_predict_recursive_raises_NotFittedError_before_fit(covariate_windows):
    X, _, future = covariate_windows
    with pytest.raises(NotFittedError):
        rnn_regressor().predict_recursive(X, 5, target_index=[2], future=future)
    with pytest.raises(NotFittedError):
        dense_regressor().predict_recursive(X, 5, target_index=[2], future=future)


def test_predict_recursive_checks_its_input(covariate_windows):
    X, y, future = covariate_windows
    model = dense_regressor(epochs=1).fit(X, y)
    with pytest.raises(ValueError, match="X has 2 features per step"):
        model.predict_recursive(X[:, :, :2], 5, target_index=[1])
    with pytest.raises(ValueError, match="`future` is required"):
        model.predict_recursive(X, 5, target_index=[2])
    with pytest.raises(ValueError, match="`target_index` must be"):
        model.predict_recursive(X, 5, target_index=[3], future=future)


def test_predict_recursive_refuses_an_encoder_decoder(horizon_windows, seq2seq_model):
    X, _, _ = horizon_windows
    with pytest.raises(ValueError, match=r"encoder-decoder.*Call predict"):
        seq2seq_model.predict_recursive(X, 4, target_index=[0])


def test_predict_recursive_refuses_a_network_fitted_on_unequal_lengths():
    sequences = [np.arange(n, dtype=float) / 10 for n in (4, 6, 5, 7)]
    model = rnn_regressor(epochs=1).fit(sequences, [0.1, 0.2, 0.3, 0.4])
    with pytest.raises(ValueError, match="windows of one width"):
        model.predict_recursive(np.zeros((2, 4, 1)), 3, target_index=[0])


# ------------------------------------------------------------------ fit record


def test_fit_record_describes_the_last_fit_and_survives_save_and_pickle(
    windows, tmp_path
):
    X, y = windows
    model = rnn_regressor(epochs=1).fit(X, y)
    assert model._fit_record == FitRecord(ndim=2, masked=False, steps=12, y_shape=())
    model.fit(X[:, :, None], np.stack([y, y], axis=1))
    assert model._fit_record == FitRecord(ndim=3, masked=False, steps=12, y_shape=(2,))
    model.save(tmp_path)
    assert RNNRegressor.load(tmp_path)._fit_record == model._fit_record
    assert pickle.loads(pickle.dumps(model))._fit_record == model._fit_record


def test_fit_record_of_a_seq2seq_fit_keeps_the_decoder_width(seq2seq_model):
    assert seq2seq_model._fit_record.n_future == 2
    assert seq2seq_model._fit_record.y_shape == (4, 1)
