"""Ancestral sampling that carries the recurrent state (tsrnn.nn.stepping)."""

from __future__ import annotations

import numpy as np
import pytest

from tsrnn.nn.builders import build_rnn
from tsrnn.nn.distributions import build_probabilistic, get_head, sample_paths
from tsrnn.nn.stepping import stepper

WIDTH, STEPS = 10, 4
NETWORKS = {
    "gru": dict(cell="gru", units=6),
    "stacked lstm with layer norm": dict(cell="lstm", units=[6, 4], layer_norm=True),
    "elman": dict(cell="rnn", units=5),
}


def network(distribution="student_t", scaling=True, every_step=False, **options):
    return build_probabilistic(
        build_rnn,
        (WIDTH, 2),
        WIDTH if every_step else 1,
        1,
        distribution=distribution,
        scaling=scaling,
        every_step=every_step,
        seed=0,
        **options,
    )


@pytest.fixture(scope="module")
def windows():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5, WIDTH, 2)) + 3.0
    future = rng.normal(size=(5, STEPS, 1))
    return X, future


def read_whole_sequence(model, X, fed):
    """Mean of the next step by Keras' own RNN layers over window + fed rows.

    The fed rows get the scale of the window, as a carried state sees them.
    """
    scale_layer, inner, params_layer = model.layers[1:]
    scaled, scale = scale_layer(X.astype(np.float32))
    rows = scale_layer.rescale(fed.astype(np.float32), scale)
    x = np.concatenate([np.asarray(scaled), np.asarray(rows)], axis=1)
    for layer in inner.layers[1:]:
        x = layer(x)
    # A last-row network ends in one step, an every-step network in one a row.
    return np.asarray(params_layer([x, scale]))[:, -1, 0, 0]


@pytest.mark.parametrize("options", NETWORKS.values(), ids=NETWORKS.keys())
def test_the_first_step_is_the_networks_forecast_either_way(options, windows):
    X, future = windows
    model = network(**options)
    head = get_head("student_t")
    reread = sample_paths(model, head, X, STEPS, 6, seed=3, future=future)
    carried = sample_paths(
        model, head, X, STEPS, 6, seed=3, future=future, carry_state=True
    )
    assert carried.shape == reread.shape == (5, STEPS, 1, 6)
    np.testing.assert_allclose(carried[:, 0], reread[:, 0], rtol=1e-4, atol=1e-4)
    # Later steps read different inputs (the whole sequence, not the last WIDTH
    # rows), so they differ.
    assert not np.allclose(carried[:, 1:], reread[:, 1:], atol=1e-3)
    mean = sample_paths(
        model, head, X, 1, None, seed=0, future=future[:, :1], carry_state=True
    )
    expected = np.asarray(model(X))[:, 0, 0, 0]
    np.testing.assert_allclose(mean[:, 0, 0], expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("every_step", [False, True], ids=["last row", "every step"])
@pytest.mark.parametrize("scaling", [True, False], ids=["mean scale", "no scale"])
@pytest.mark.parametrize("options", NETWORKS.values(), ids=NETWORKS.keys())
def test_a_carried_state_reads_the_window_and_every_fed_row(
    options, scaling, every_step, windows
):
    """Each step equals Keras reading window + fed rows at the window's scale."""
    X, future = windows
    model = network(
        distribution="normal", scaling=scaling, every_step=every_step, **options
    )
    means = sample_paths(
        model,
        get_head("normal"),
        X,
        STEPS,
        None,
        seed=0,
        future=future,
        carry_state=True,
        every_step=every_step,
    )[..., 0]
    for step in range(1, STEPS):
        fed = np.concatenate([means[:, :step, None], future[:, :step]], axis=2)
        expected = read_whole_sequence(model, X, fed)
        np.testing.assert_allclose(means[:, step], expected, rtol=1e-4, atol=1e-4)


def test_carried_paths_are_seeded(windows):
    X, future = windows
    model, head = network(), get_head("student_t")

    def draw(seed):
        return sample_paths(
            model, head, X, STEPS, 3, seed=seed, future=future, carry_state=True
        )

    assert np.array_equal(draw(1), draw(1))
    assert not np.array_equal(draw(1), draw(2))


def test_counts_are_carried_as_counts(windows):
    X, future = windows
    model = network(distribution="negative_binomial")
    paths = sample_paths(
        model,
        get_head("negative_binomial"),
        np.abs(np.round(X)),
        STEPS,
        4,
        seed=0,
        future=future,
        carry_state=True,
    )
    assert (paths >= 0).all() and np.array_equal(paths, np.round(paths))


def test_a_bidirectional_network_has_no_state_to_carry(windows):
    X, future = windows
    model = network(cell="gru", units=4, bidirectional=True)
    assert stepper(model) is None
    assert stepper(build_rnn((WIDTH, 2), 1, units=4, seed=0)) is None
    with pytest.raises(ValueError, match="`carry_state` must be False"):
        sample_paths(
            model,
            get_head("student_t"),
            X,
            STEPS,
            2,
            seed=0,
            future=future,
            carry_state=True,
        )
    with pytest.raises(ValueError, match="`carry_state` must be True or False"):
        sample_paths(
            network(),
            get_head("student_t"),
            X,
            2,
            2,
            seed=0,
            future=future[:, :2],
            carry_state="yes",
        )
