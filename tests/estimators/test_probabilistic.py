"""Distribution and quantile heads of RNNRegressor (tiny networks)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from scipy import stats
from sklearn.exceptions import NotFittedError

from tsrnn import RNNRegressor, make_windows
from tsrnn.estimators import forecasting_tags

FAST = dict(units=4, epochs=2, learning_rate=0.01, jit_compile=False, random_state=0)


def windows_of(series, width=8, horizon=1):
    X, y = make_windows(series[:, None], width, horizon)
    return X, y[:, :, 0] if horizon > 1 else y[:, 0, 0]


@pytest.fixture(scope="module")
def normal_iid():
    """Windows of an i.i.d. N(3, 2^2) series, the next value as target."""
    series = 3.0 + 2.0 * np.random.default_rng(0).standard_normal(900)
    return windows_of(series)


# A normal head small and fast enough to learn N(3, 2^2) from normal_iid.
NORMAL = dict(
    distribution="normal",
    units=2,
    batch_size=64,
    learning_rate=0.02,
    jit_compile=False,
    random_state=0,
)


@pytest.fixture(scope="module")
def fitted_normal(normal_iid):
    X, y = normal_iid
    return RNNRegressor(epochs=30, **NORMAL).fit(X, y)


def test_a_normal_head_recovers_the_quantiles_of_its_data(fitted_normal, normal_iid):
    X, _ = normal_iid
    levels = [0.1, 0.5, 0.9]
    expected = 3.0 + 2.0 * stats.norm.ppf(levels)
    learned = fitted_normal.predict_quantiles(X[:200], levels).mean(axis=0)
    np.testing.assert_allclose(learned, expected, atol=0.3)
    samples = fitted_normal.sample(X[:200], 200, random_state=0)
    assert samples.shape == (200, 200)
    np.testing.assert_allclose(np.quantile(samples, levels), expected, atol=0.4)


def test_predict_is_the_mean_of_the_distribution(fitted_normal, normal_iid):
    X, _ = normal_iid
    params = fitted_normal.predict_params(X[:5])
    assert params.shape == (5, 1, 1, 2)
    np.testing.assert_allclose(fitted_normal.predict(X[:5]), params[:, 0, 0, 0])
    assert (params[..., 1] > 0).all()


def test_log_likelihood_is_the_normal_log_density(fitted_normal, normal_iid):
    X, y = normal_iid
    params = fitted_normal.predict_params(X[:4])[:, 0, 0]
    expected = stats.norm.logpdf(y[:4], params[:, 0], params[:, 1])
    np.testing.assert_allclose(fitted_normal.log_likelihood(X[:4], y[:4]), expected)


def test_log_likelihood_drops_at_an_injected_outlier(fitted_normal, normal_iid):
    X, y = normal_iid
    spiked = y[:50].copy()
    spiked[20] += 15.0
    scores = fitted_normal.log_likelihood(X[:50], spiked)
    assert int(np.argmin(scores)) == 20


def test_sampling_is_deterministic_with_random_state(fitted_normal, normal_iid):
    X, _ = normal_iid
    a = fitted_normal.sample(X[:3], 10, random_state=7)
    b = fitted_normal.sample(X[:3], 10, random_state=7)
    c = fitted_normal.sample(X[:3], 10, random_state=8)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    p = fitted_normal.sample_recursive(X[:3], 5, 4, target_index=[0], random_state=3)
    q = fitted_normal.sample_recursive(X[:3], 5, 4, target_index=[0], random_state=3)
    assert p.shape == (3, 5, 1, 4)
    assert np.array_equal(p, q)


def test_ancestral_sampling_feeds_each_draw_back(fitted_normal, normal_iid):
    X, _ = normal_iid
    paths = fitted_normal.sample_recursive(
        X[:1], 3, 2, target_index=[0], random_state=0
    )
    # Two paths from one window share the first step's distribution, not its draw,
    # and the second step of each path is conditioned on its own first draw.
    assert paths[0, 0, 0, 0] != paths[0, 0, 0, 1]
    window = np.concatenate([X[:1, 1:, 0], paths[:1, :1, 0, 0]], axis=1)[..., None]
    mean_after = fitted_normal.predict(window)
    mean_fed = fitted_normal.predict_recursive(X[:1], 2, target_index=[0])
    assert mean_fed.shape == (1, 2, 1)
    assert mean_after.shape == (1,)


def test_inputs_are_not_modified(normal_iid):
    X, y = normal_iid
    X, y = X[:40].copy(), y[:40].copy()
    X0, y0 = X.copy(), y.copy()
    model = RNNRegressor(distribution="student_t", **FAST).fit(X, y)
    model.sample(X, 3, random_state=0)
    model.log_likelihood(X, y)
    model.sample_recursive(X, 2, 2, target_index=[0], random_state=0)
    assert np.array_equal(X, X0) and np.array_equal(y, y0)


def test_student_t_has_three_parameters_with_df_above_two(normal_iid):
    X, y = normal_iid
    model = RNNRegressor(distribution="student_t", **FAST).fit(X[:64], y[:64])
    params = model.predict_params(X[:3])
    assert params.shape == (3, 1, 1, 3) and (params[..., 2] > 2).all()


def test_negative_binomial_fits_counts_and_draws_integers():
    counts = np.random.default_rng(1).poisson(4.0, 300).astype(float)
    X, y = windows_of(counts)
    model = RNNRegressor(distribution="negative_binomial", **FAST).fit(X, y)
    draws = model.sample(X[:5], 20, random_state=0)
    assert (draws >= 0).all() and np.array_equal(draws, np.round(draws))
    assert np.isfinite(model.log_likelihood(X[:5], y[:5])).all()


@pytest.mark.parametrize("bad", [-1.0, 2.5])
def test_negative_binomial_refuses_negative_or_fractional_targets(bad):
    X = np.ones((10, 4, 1))
    y = np.arange(10.0)
    y[3] = bad
    model = RNNRegressor(distribution="negative_binomial", **FAST)
    with pytest.raises(
        ValueError, match=r"non-negative integer counts.*position \(3,\)"
    ):
        model.fit(X, y)


def test_a_quantile_head_forecasts_non_crossing_quantiles_of_every_step():
    series = np.random.default_rng(2).normal(10.0, 1.0, 300)
    X, Y = windows_of(series, horizon=3)
    model = RNNRegressor(quantiles=[0.1, 0.5, 0.9], **FAST).fit(X, Y[..., None])
    params = model.predict_params(X[:4])
    assert params.shape == (4, 3, 1, 3)
    assert (np.diff(params, axis=-1) > 0).all()
    assert model.predict(X[:4]).shape == (4, 3, 1)
    np.testing.assert_allclose(model.predict(X[:4]), params[..., 1])
    q = model.predict_quantiles(X[:4], [0.25, 0.75])
    assert q.shape == (4, 3, 1, 2) and (q[..., 0] <= q[..., 1]).all()
    assert model.sample(X[:2], 6, random_state=0).shape == (2, 3, 1, 6)


def test_a_multi_step_distribution_samples_every_step():
    series = np.random.default_rng(3).normal(5.0, 1.0, 200)
    X, Y = windows_of(series, horizon=4)
    model = RNNRegressor(distribution="normal", **FAST).fit(X, Y[..., None])
    assert model.predict(X[:2]).shape == (2, 4, 1)
    assert model.sample(X[:2], 5, random_state=0).shape == (2, 4, 1, 5)
    assert model.predict_quantiles(X[:2], 0.5).shape == (2, 4, 1, 1)
    with pytest.raises(ValueError, match="needs a one-step model"):
        model.sample_recursive(X[:2], 3, 2, target_index=[0])


def test_tags_declare_a_probabilistic_estimator():
    assert forecasting_tags(RNNRegressor(distribution="normal")).probabilistic
    assert not forecasting_tags(RNNRegressor()).probabilistic
    assert forecasting_tags(RNNRegressor(quantiles=[0.1, 0.9])).probabilistic


def test_a_fitted_head_survives_pickling(normal_iid):
    X, y = normal_iid
    model = RNNRegressor(distribution="normal", **FAST).fit(X[:64], y[:64])
    clone = pickle.loads(pickle.dumps(model))
    np.testing.assert_allclose(clone.predict_params(X[:3]), model.predict_params(X[:3]))


def test_bad_settings_raise_clear_errors(normal_iid):
    X, y = normal_iid
    X, y = X[:20], y[:20]
    with pytest.raises(ValueError, match="`distribution` must be one of"):
        RNNRegressor(distribution="gamma", **FAST).fit(X, y)
    with pytest.raises(ValueError, match="`quantiles` must be strictly between"):
        RNNRegressor(quantiles=[0.1, 90], **FAST).fit(X, y)
    with pytest.raises(ValueError, match="`quantiles` must be strictly increasing"):
        RNNRegressor(quantiles=[0.9, 0.1], **FAST).fit(X, y)
    with pytest.raises(ValueError, match="`quantiles` must be None when distribution"):
        RNNRegressor(distribution="normal", quantiles=[0.5], **FAST).fit(X, y)
    with pytest.raises(ValueError, match="`return_sequences` must be False"):
        RNNRegressor(distribution="normal", return_sequences=True, **FAST).fit(X, y)
    with pytest.raises(ValueError, match="`architecture` must be 'rnn'"):
        RNNRegressor(distribution="normal", architecture="seq2seq", **FAST).fit(X, y)


def test_probabilistic_methods_raise_on_bad_calls(normal_iid):
    X, y = normal_iid
    with pytest.raises(NotFittedError):
        RNNRegressor(distribution="normal").sample(X, 2)
    point = RNNRegressor(**FAST).fit(X[:20], y[:20])
    with pytest.raises(ValueError, match="`sample` needs a predictive distribution"):
        point.sample(X[:2], 2)
    model = RNNRegressor(distribution="normal", **FAST).fit(X[:20], y[:20])
    with pytest.raises(ValueError, match="`n_paths` must be"):
        model.sample(X[:2], 0)
    with pytest.raises(ValueError, match="`quantiles` must be strictly between"):
        model.predict_quantiles(X[:2], [0.0, 0.5])
    with pytest.raises(ValueError, match=r"`y` must have shape \(2,\)"):
        model.log_likelihood(X[:2], y[:3])


def test_targets_that_are_not_inputs_are_forecast_without_scaling():
    X = np.random.default_rng(4).normal(size=(40, 6, 1))
    y = np.random.default_rng(5).normal(size=(40, 3))
    model = RNNRegressor(distribution="normal", **FAST).fit(X, y)
    assert model.predict(X[:2]).shape == (2, 3)
    assert model.sample(X[:2], 4, random_state=0).shape == (2, 3, 4)


def test_an_every_step_head_learns_the_next_row_after_every_row(normal_iid):
    X, y = normal_iid
    model = RNNRegressor(every_step=True, epochs=10, **NORMAL).fit(X, y)
    # One forecast after each of the 8 rows; predictions read the last one.
    assert model.model_.output_shape == (None, 8, 1, 2)
    params = model.predict_params(X[:5])
    assert params.shape == (5, 1, 1, 2)
    np.testing.assert_allclose(model.predict(X[:5]), params[:, 0, 0, 0])
    np.testing.assert_allclose(
        params, np.asarray(model.model_(X[:5]))[:, -1:], rtol=1e-5, atol=1e-6
    )
    levels = [0.1, 0.5, 0.9]
    expected = 3.0 + 2.0 * stats.norm.ppf(levels)
    learned = model.predict_quantiles(X[:200], levels).mean(axis=0)
    np.testing.assert_allclose(learned, expected, atol=0.3)
    # Both samplers start from the same forecast; a carried state is seeded.
    reread = model.sample_recursive(X[:3], 4, 5, target_index=[0], random_state=1)
    carried = model.sample_recursive(
        X[:3], 4, 5, target_index=[0], random_state=1, carry_state=True
    )
    np.testing.assert_allclose(carried[:, 0], reread[:, 0], rtol=1e-4, atol=1e-4)
    again = model.sample_recursive(
        X[:3], 4, 5, target_index=[0], random_state=1, carry_state=True
    )
    assert np.array_equal(carried, again)
    assert model.log_likelihood(X[:3], y[:3]).shape == (3,)


def test_every_step_targets_are_the_next_rows_then_y():
    X = np.arange(2 * 4 * 2, dtype=float).reshape(2, 4, 2)
    y = np.array([100.0, 200.0])
    model = RNNRegressor(distribution="normal")
    targets = y.reshape(2, 1, 1).astype(np.float32)
    expanded, shape = model._expand_targets(X, targets, (1, 1, 2))
    assert shape == (4, 1, 2)
    np.testing.assert_array_equal(expanded[..., 0], [[2, 4, 6, 100], [10, 12, 14, 200]])


def test_every_step_refuses_what_it_cannot_train(normal_iid):
    X, y = normal_iid
    X, y = X[:20], y[:20]
    with pytest.raises(
        ValueError, match="`every_step` must be 'auto' or False without"
    ):
        RNNRegressor(every_step=True, **FAST).fit(X, y)
    with pytest.raises(
        ValueError, match="`every_step` must be 'auto' or False with quantiles"
    ):
        RNNRegressor(quantiles=[0.1, 0.9], every_step=True, **FAST).fit(X, y)
    with pytest.raises(ValueError, match="`every_step` must be 'auto', True or False"):
        RNNRegressor(distribution="normal", every_step="yes", **FAST).fit(X, y)
    with pytest.raises(
        ValueError, match="`every_step` must be 'auto' or False with bi"
    ):
        RNNRegressor(
            distribution="normal", every_step=True, bidirectional=True, **FAST
        ).fit(X, y)
    both_ways = RNNRegressor(distribution="normal", bidirectional=True, **FAST)
    assert not both_ways.fit(X, y).every_step_
    Y = np.stack([y, y], axis=1)[..., None]
    with pytest.raises(ValueError, match="`y` must be one step of targets"):
        RNNRegressor(distribution="normal", every_step=True, **FAST).fit(X, Y)
    wide = np.random.default_rng(5).normal(size=(20, 3))
    with pytest.raises(ValueError, match="`y` must be one step of targets"):
        RNNRegressor(distribution="normal", every_step=True, **FAST).fit(X, wide)


def test_a_head_pickled_or_saved_before_every_step_loads_as_last_row(
    normal_iid, tmp_path
):
    """Estimators from before every_step keep describing their network."""
    import json

    X, y = normal_iid
    model = RNNRegressor(distribution="normal", every_step=False, **FAST)
    model.fit(X[:64], y[:64])
    state = model.__getstate__()
    del state["every_step"], state["every_step_"]
    old = RNNRegressor.__new__(RNNRegressor)
    old.__setstate__(state)
    assert old.get_params()["every_step"] is False
    np.testing.assert_allclose(old.predict(X[:3]), model.predict(X[:3]))
    folder = model.save(tmp_path / "model")
    document = json.loads((folder / "estimator.json").read_text())
    del document["params"]["every_step"]
    (folder / "estimator.json").write_text(json.dumps(document))
    loaded = RNNRegressor.load(folder)
    assert loaded.get_params()["every_step"] is False
    np.testing.assert_allclose(loaded.predict(X[:3]), model.predict(X[:3]))
