"""Determinism and persistence: same seed, same predictions, in this process and
in a new one; saved models load back identical; unsafe archives are refused."""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from tsrnn import RNNRegressor

# Executed here and in a fresh interpreter: the fits must agree bit for bit.
FITS = textwrap.dedent(
    """
    import numpy as np
    import pandas as pd
    from tsrnn import Forecaster, RNNClassifier, RNNRegressor, make_windows

    def fit_all():
        tiny = dict(units=4, epochs=2, jit_compile=False, learning_rate=0.01)
        series = np.sin(np.arange(80) / 4) + 0.1 * np.cos(np.arange(80) * 1.3)
        X, y = make_windows(series, 10, 1)
        X, y = X[:, :, 0], y[:, 0, 0]
        labels = np.where(np.diff(series)[9 : 9 + len(X)] > 0, "up", "down")
        index = pd.date_range("2024-01-01", periods=80, freq="D", name="day")
        history = pd.Series(series + 5, index=index, name="load")
        regressor = RNNRegressor(dropout=0.1, random_state=7, **tiny).fit(X, y)
        classifier = RNNClassifier(random_state=7, **tiny).fit(X, labels)
        forecaster = Forecaster(
            RNNRegressor(random_state=7, **tiny), input_width=10, horizon=3
        ).fit(history)
        predictions = {
            "regressor": regressor.predict(X),
            "classifier": classifier.predict_proba(X),
            "forecaster": forecaster.predict().to_numpy(),
        }
        return predictions, (regressor, classifier, forecaster), X
    """
)

CHILD = FITS + textwrap.dedent(
    """
    import pickle, sys
    from pathlib import Path
    folder = Path(sys.argv[1])
    out, _, X = fit_all()
    out["saved_regressor"] = RNNRegressor.load(folder / "regressor").predict(X)
    with open(folder / "forecaster.pkl", "rb") as file:
        out["pickled_forecaster"] = pickle.load(file).predict().to_numpy()
    np.savez(folder / "child.npz", **out)
    """
)


@pytest.fixture(scope="module")
def fits():
    namespace: dict = {}
    exec(FITS, namespace)
    return namespace["fit_all"]


@pytest.fixture(scope="module")
def first(fits):
    return fits()


def test_same_random_state_gives_identical_predictions_in_a_second_fit(fits, first):
    second, _, _ = fits()
    for name, expected in first[0].items():
        np.testing.assert_array_equal(second[name], expected, err_msg=name)


def test_same_random_state_and_saved_models_agree_in_a_new_process(first, tmp_path):
    expected, (regressor, _, forecaster), _ = first
    regressor.save(tmp_path / "regressor")
    with open(tmp_path / "forecaster.pkl", "wb") as file:
        pickle.dump(forecaster, file)
    subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path)], check=True, timeout=300
    )
    child = np.load(tmp_path / "child.npz")
    for name in expected:
        np.testing.assert_array_equal(child[name], expected[name], err_msg=name)
    np.testing.assert_array_equal(child["saved_regressor"], expected["regressor"])
    np.testing.assert_array_equal(child["pickled_forecaster"], expected["forecaster"])


def test_load_refuses_an_archive_with_a_lambda_layer_in_safe_mode(tmp_path):
    X = np.random.default_rng(0).normal(size=(16, 6))
    RNNRegressor(units=4, epochs=1, jit_compile=False, random_state=0).fit(
        X, X.sum(axis=1)
    ).save(tmp_path / "model")
    marker = tmp_path / "code-ran"

    def touch(x):
        marker.touch()
        return x

    # An attacker's archive: the same folder, with a network whose Lambda layer
    # runs arbitrary Python when deserialized.
    inputs = keras.Input((6, 1))
    outputs = keras.layers.Lambda(lambda x: touch(x) * 2)(inputs)
    evil = keras.Model(inputs, keras.layers.Flatten()(outputs))
    evil.save(tmp_path / "evil.keras")
    marker.unlink()
    shutil.copy(tmp_path / "evil.keras", tmp_path / "model" / "model.keras")
    with pytest.raises(ValueError, match=r"(?s)Lambda.*safe_mode"):
        RNNRegressor.load(tmp_path / "model")
    assert not marker.exists()
