"""Forecaster(recalibrate=True): conformal recalibration of sampled quantiles."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import Ridge

from tsrnn import Forecaster, RNNRegressor
from tsrnn.forecasting.recalibration import (
    CALIBRATION_PATHS,
    GRID,
    conformal_corrections,
)
from tsrnn.forecasting.transforms import Difference, Log, Scale

N_SERIES, LENGTH, WIDTH, HORIZON = 300, 60, 8, 3


def iid_panel(rows: int, seed: int) -> pd.DataFrame:
    """N_SERIES daily series of i.i.d. N(10, 1) values: every step has that law."""
    index = pd.date_range("2024-01-01", periods=rows, freq="D")
    values = 10.0 + np.random.default_rng(seed).standard_normal((N_SERIES, rows))
    return pd.DataFrame(
        {
            "id": np.repeat([f"s{i:03d}" for i in range(N_SERIES)], rows),
            "time": np.tile(index, N_SERIES),
            "v": values.ravel(),
        }
    )


@pytest.fixture(scope="module")
def undertrained():
    """A normal head trained one epoch on an i.i.d. panel: its spread is wrong."""
    model = RNNRegressor(
        distribution="normal",
        units=4,
        epochs=1,
        batch_size=256,
        jit_compile=False,
        random_state=0,
    )
    forecaster = Forecaster(
        model,
        input_width=WIDTH,
        horizon=HORIZON,
        strategy="recursive",
        id_col="id",
        time_col="time",
        recalibrate=True,
    )
    history = iid_panel(LENGTH + HORIZON, seed=0)
    ends = history.groupby("id").cumcount() < LENGTH
    forecaster.fit(history[ends])
    return forecaster, history[~ends]


def coverage(bands, future, level):
    actual = future.set_index(["id", "time"])["v"].reindex(bands.index)
    lower, upper = bands[f"v_lower_{level}"], bands[f"v_upper_{level}"]
    return float(((actual >= lower) & (actual <= upper)).mean())


def test_recalibrated_intervals_cover_their_level_where_the_paths_do_not(undertrained):
    forecaster, future = undertrained
    levels = [50, 80, 95]
    raw = forecaster.predict_quantiles(level=levels, random_state=0, calibrated=False)
    fixed = forecaster.predict_quantiles(level=levels, random_state=0)
    # 300 series x 3 steps of i.i.d. values: coverage is known within ~0.03.
    for level in (50, 80):  # one epoch: far too wide
        assert coverage(raw, future, level) > level / 100 + 0.15
    for level in (50, 80, 95):
        assert abs(coverage(fixed, future, level) - level / 100) < 0.06
    assert forecaster.quantile_corrections_.shape == (len(GRID), HORIZON, 1)


def test_calibrated_false_reads_the_paths_own_quantiles(undertrained):
    forecaster, _ = undertrained
    raw = forecaster.predict_quantiles(
        [0.1, 0.9], n_paths=300, random_state=3, calibrated=False
    )
    paths = forecaster.sample(300, random_state=3)
    by_step = paths.groupby(["id", "time"])["v"].quantile([0.1, 0.9]).unstack()
    np.testing.assert_allclose(raw["v_q0.1"], by_step[0.1].to_numpy())
    np.testing.assert_allclose(raw["v_q0.9"], by_step[0.9].to_numpy())


def test_corrections_come_from_a_clone_that_never_saw_the_tail(monthly_panel):
    """Real tourism series: the corrections are those of a model fitted on the head."""
    model = RNNRegressor(
        distribution="student_t", units=4, epochs=2, jit_compile=False, random_state=0
    )
    forecaster = Forecaster(
        model,
        input_width=12,
        horizon=6,
        strategy="recursive",
        transforms=[Log(offset=1.0), Difference(12), Scale()],
        id_col="id",
        time_col="date",
        calibration_size=6,
        recalibrate=True,
    )
    before = monthly_panel.copy()
    forecaster.fit(monthly_panel)
    pd.testing.assert_frame_equal(monthly_panel, before)
    head_rows = monthly_panel.groupby("id").cumcount(ascending=False) >= 6
    head = clone(forecaster).set_params(recalibrate=False)
    head.fit(monthly_panel[head_rows])
    paths = head.sample(CALIBRATION_PATHS, random_state=0)["value"].to_numpy()
    found = np.quantile(paths.reshape(8, CALIBRATION_PATHS, 6), GRID, axis=1)
    tail = monthly_panel[~head_rows]["value"].to_numpy().reshape(8, 6)
    # In the level space of Log(offset=1.0) then Scale(), log(1 + y) up to an
    # affine map, which the ratio to the paths' quartile distance cancels.
    level = np.log1p(found)
    spread = level[GRID.index(0.75)] - level[GRID.index(0.25)]
    scores = ((np.log1p(tail) - level) / spread)[..., None]
    expected = conformal_corrections(scores, GRID)[..., 0]
    np.testing.assert_allclose(forecaster.quantile_corrections_[..., 0], expected)


def test_corrections_follow_the_conformal_ranks_of_the_scores():
    scores = np.arange(1.0, 20.0)[None, :, None, None]  # 19 scores 1 ... 19
    levels = [0.025, 0.1, 0.5, 0.9, 0.975]
    found = conformal_corrections(np.repeat(scores, 5, axis=0), levels).ravel()
    # ranks floor(20 q) below the median, ceil(20 q) from it; 0 takes the
    # smallest score and 20 > 19 the largest.
    np.testing.assert_allclose(found, [1.0, 2.0, 10.0, 18.0, 19.0])
    with_nan = np.concatenate([scores, np.full((1, 5, 1, 1), np.nan)], axis=1)
    np.testing.assert_allclose(
        conformal_corrections(np.repeat(with_nan, 5, axis=0), levels).ravel(), found
    )


def test_recalibrate_errors(undertrained, monthly_panel):
    forecaster, _ = undertrained
    with pytest.raises(ValueError, match="`horizon` must be at most 3"):
        forecaster.predict_quantiles(level=[80], horizon=5)
    point = Forecaster(
        Ridge(),
        input_width=8,
        horizon=2,
        id_col="id",
        time_col="date",
        recalibrate=True,
    )
    with pytest.raises(TypeError, match="forecast a distribution to recalibrate"):
        point.fit(monthly_panel)
    short = iid_panel(40, seed=1)
    decoder = Forecaster(
        RNNRegressor(architecture="seq2seq", distribution="normal"),
        strategy="seq2seq",
        id_col="id",
        time_col="time",
        recalibrate=True,
    )
    with pytest.raises(ValueError, match="'direct' or 'recursive' with recalibrate"):
        decoder.fit(short)
    with pytest.raises(TypeError, match="`recalibrate` must be True or False"):
        clone(forecaster).set_params(recalibrate="yes").fit(short)
    with pytest.raises(ValueError, match="`calibration_size` must be at least horizon"):
        clone(forecaster).set_params(calibration_size=2).fit(short)
    with pytest.raises(ValueError, match="rows before its calibration tail"):
        clone(forecaster).set_params(calibration_size=35).fit(short)


def test_a_direct_quantile_head_is_recalibrated_and_survives_pickling(monthly_panel):
    import pickle

    model = RNNRegressor(
        quantiles=[0.1, 0.5, 0.9], units=4, epochs=2, jit_compile=False, random_state=0
    )
    forecaster = Forecaster(
        model,
        input_width=12,
        horizon=4,
        transforms=[Log(offset=1.0), Scale()],
        id_col="id",
        time_col="date",
        recalibrate=True,
    ).fit(monthly_panel)
    # 8 series, so ceil(39 / 8) = 5 origins of 4 steps in a tail of 8 rows.
    assert forecaster.quantile_corrections_.shape == (len(GRID), 4, 1)
    fixed = forecaster.predict_quantiles(level=[80], random_state=0)
    raw = forecaster.predict_quantiles(level=[80], random_state=0, calibrated=False)
    assert not np.allclose(fixed["value_lower_80"], raw["value_lower_80"])
    assert (fixed["value_lower_80"] <= fixed["value_upper_80"]).all()
    restored = pickle.loads(pickle.dumps(forecaster))
    pd.testing.assert_frame_equal(
        restored.predict_quantiles(level=[80], random_state=0), fixed
    )
