"""One-hot series identity lets a global model tell series apart."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge

from tsrnn import Forecaster
from tsrnn.data.identity import series_covariates


@pytest.fixture
def opposite_drifts() -> pd.DataFrame:
    """Two series over the same values, one rising by 1 a day, one falling by 1."""
    rng = np.random.default_rng(0)
    time = pd.date_range("2024-01-01", periods=80, freq="D")
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "id": sid,
                    "time": time,
                    "y": 40
                    + slope * (np.arange(80) - 40)
                    + 0.01 * rng.standard_normal(80),
                }
            )
            for sid, slope in (("up", 1.0), ("down", -1.0))
        ],
        ignore_index=True,
    )


def test_a_global_model_with_series_identity_forecasts_each_series_own_step(
    opposite_drifts,
):
    covariates = series_covariates(
        opposite_drifts, id_col="id", time_col="time", horizon=1
    )
    names = ["is_up", "is_down"]
    common = {"input_width": 1, "id_col": "id", "time_col": "time"}
    blind = Forecaster(Ridge(alpha=1e-6), **common).fit(opposite_drifts)
    aware = Forecaster(Ridge(alpha=1e-6), future_covariates=names, **common).fit(
        opposite_drifts, covariates=covariates
    )
    last = opposite_drifts.groupby("id", sort=False)["y"].last()
    expected = np.array([last["up"] + 1, last["down"] - 1])
    blind_error = np.abs(blind.predict()["y"].to_numpy() - expected)
    aware_error = np.abs(
        aware.predict(covariates=covariates)["y"].to_numpy() - expected
    )
    assert aware_error.max() < 0.1
    assert blind_error.min() > 0.5  # without identity it cannot know the sign
    # The built-in option does the same with no covariate frame to build.
    built_in = Forecaster(Ridge(alpha=1e-6), series_identity=True, **common)
    forecast = built_in.fit(opposite_drifts).predict()["y"].to_numpy()
    assert np.abs(forecast - expected).max() < 0.1


def test_series_covariates_are_one_hot_and_extend_each_series(opposite_drifts):
    before = opposite_drifts.copy()
    covariates = series_covariates(
        opposite_drifts, id_col="id", time_col="time", horizon=3
    )
    pd.testing.assert_frame_equal(opposite_drifts, before)
    assert covariates.groupby("id").size().to_dict() == {"up": 83, "down": 83}
    np.testing.assert_array_equal(covariates[["is_up", "is_down"]].sum(axis=1), 1.0)
    up = covariates[covariates["id"] == "up"]
    assert (up["is_up"] == 1.0).all()
    assert up["time"].iloc[-1] == pd.Timestamp("2024-03-23")


def test_series_covariates_raises_ValueError_when_a_name_exists(opposite_drifts):
    with pytest.raises(ValueError, match=r"`prefix` must give new column names"):
        series_covariates(
            opposite_drifts.assign(is_up=0.0), id_col="id", time_col="time"
        )


def test_series_covariates_raises_ValueError_for_a_missing_time_column(
    opposite_drifts,
):
    with pytest.raises(ValueError, match=r"`time_col` must name a column"):
        series_covariates(opposite_drifts, id_col="id", time_col="date")
