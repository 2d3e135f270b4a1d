"""Keras model builders of tsrnn.nn.builders (tiny models, no real training)."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from tsrnn.nn.builders import (
    build_dense,
    build_rnn,
    build_segrnn,
    build_seq2seq,
    default_segment_length,
)
from tsrnn.nn.compile import compile_model
from tsrnn.nn.layers import SegmentRNN


def _windows(batch, steps, n_features, seed=0):
    return np.random.default_rng(seed).standard_normal((batch, steps, n_features))


def _out(model, inputs):
    if isinstance(inputs, list):
        inputs = [tf.convert_to_tensor(x) for x in inputs]
    return np.asarray(model(inputs, training=False))


# ---------------------------------------------------------------- output shapes

PROBLEMS = {
    # name: (build_rnn kwargs, expected output shape for batch 2, timesteps 7)
    "many_to_one_vector": (dict(output_shape=3), (2, 3)),
    "many_to_one_horizon": (dict(output_shape=(4, 2)), (2, 4, 2)),
    "many_to_many_aligned": (dict(output_shape=2, return_sequences=True), (2, 7, 2)),
    "classification": (dict(output_shape=5, output_activation="softmax"), (2, 5)),
}


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("units", [4, [6, 4]], ids=["one_layer", "two_layers"])
@pytest.mark.parametrize("cell", ["rnn", "LSTM", "gru"])
def test_build_rnn_output_shape_for_every_cell_depth_direction_and_problem(
    cell, units, bidirectional, problem
):
    kwargs, expected = PROBLEMS[problem]
    model = build_rnn(
        (7, 3), cell=cell, units=units, bidirectional=bidirectional, **kwargs
    )
    y = _out(model, _windows(2, 7, 3))
    assert y.shape == expected
    assert model.output_shape == (None, *expected[1:])
    n_recurrent = sum(
        isinstance(layer, keras.layers.RNN | keras.layers.Bidirectional)
        for layer in model.layers
    )
    assert n_recurrent == (1 if isinstance(units, int) else 2)
    if problem == "classification":
        np.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize(
    ("cell", "layer_class"),
    [
        ("rnn", keras.layers.SimpleRNN),
        ("lstm", keras.layers.LSTM),
        ("GRU", keras.layers.GRU),
    ],
)
def test_build_rnn_uses_the_requested_cell(cell, layer_class):
    model = build_rnn((5, 1), 1, cell=cell, units=4)
    assert [
        type(layer) for layer in model.layers if isinstance(layer, keras.layers.RNN)
    ] == [layer_class]


def test_build_rnn_accepts_windows_of_any_width_when_timesteps_is_none():
    model = build_rnn((None, 2), 1, units=4, seed=0)
    assert _out(model, _windows(2, 5, 2)).shape == (2, 1)
    assert _out(model, _windows(2, 11, 2)).shape == (2, 1)


def test_build_rnn_layer_norm_and_dropout_add_the_layers():
    model = build_rnn(
        (6, 2), 1, units=[4, 4], layer_norm=True, dropout=0.2, recurrent_dropout=0.1
    )
    norms = [
        layer
        for layer in model.layers
        if isinstance(layer, keras.layers.LayerNormalization)
    ]
    assert len(norms) == 2
    rnns = [layer for layer in model.layers if isinstance(layer, keras.layers.RNN)]
    assert [(r.dropout, r.recurrent_dropout) for r in rnns] == [(0.2, 0.1)] * 2


@pytest.mark.parametrize(
    ("output_shape", "expected"), [(2, (3, 2)), ((5, 1), (3, 5, 1))]
)
def test_build_dense_output_shape(output_shape, expected):
    model = build_dense((6, 2), output_shape, units=(8, 4), dropout=0.1, seed=0)
    assert _out(model, _windows(3, 6, 2)).shape == expected
    hidden = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.units for layer in hidden] == [8, 4, int(np.prod(output_shape))]


def test_build_dense_with_no_hidden_units_is_linear_in_the_window():
    model = build_dense((4, 1), 1, units=(), seed=0)
    a, b = _windows(1, 4, 1, seed=1), _windows(1, 4, 1, seed=2)
    zero = _out(model, np.zeros((1, 4, 1)))
    np.testing.assert_allclose(
        _out(model, a + b) - zero,
        (_out(model, a) - zero) + (_out(model, b) - zero),
        atol=1e-5,
    )


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_build_seq2seq_without_future_takes_past_only(cell):
    model = build_seq2seq((10, 3), 4, 2, cell=cell, units=4, seed=0)
    assert len(model.inputs) == 1
    assert _out(model, _windows(2, 10, 3)).shape == (2, 4, 2)


def test_build_seq2seq_with_future_covariates_uses_them_per_step():
    model = build_seq2seq((10, 3), 4, 1, n_future_features=2, units=4, seed=0)
    past, future = _windows(2, 10, 3), _windows(2, 4, 2, seed=1)
    y = _out(model, [past, future])
    assert y.shape == (2, 4, 1)
    changed = future.copy()
    changed[:, 2:] += 1.0  # only steps 2 and 3 change
    y2 = _out(model, [past, changed])
    np.testing.assert_allclose(y2[:, :2], y[:, :2], atol=1e-6)
    assert np.abs(y2[:, 2:] - y[:, 2:]).min() > 1e-6


def test_build_seq2seq_decoder_starts_from_encoder_state():
    model = build_seq2seq((10, 1), 3, 1, n_future_features=1, units=4, seed=0)
    future = np.zeros((1, 3, 1))
    a = _out(model, [_windows(1, 10, 1, seed=1), future])
    b = _out(model, [_windows(1, 10, 1, seed=2), future])
    assert np.abs(a - b).max() > 1e-4


@pytest.mark.parametrize(
    ("input_width", "horizon", "segment_length"),
    [(24, 12, 6), (24, 10, 8), (36, 36, None)],
)
def test_build_segrnn_output_shape(input_width, horizon, segment_length):
    model = build_segrnn(
        input_width, horizon, 3, segment_length=segment_length, units=8, seed=0
    )
    assert _out(model, _windows(2, input_width, 3)).shape == (2, horizon, 3)


def test_build_segrnn_is_channel_independent():
    model = build_segrnn(24, 12, 2, segment_length=6, units=8, seed=0)
    x = _windows(1, 24, 2)
    changed = x.copy()
    changed[..., 1] += np.random.default_rng(1).standard_normal(24)
    y, y2 = _out(model, x), _out(model, changed)
    np.testing.assert_allclose(y2[..., 0], y[..., 0], atol=1e-6)
    assert np.abs(y2[..., 1] - y[..., 1]).max() > 1e-4


def test_build_segrnn_reads_segments_with_the_gru():
    model = build_segrnn(24, 6, 1, segment_length=6, units=8, seed=0)
    layer = model.get_layer("segment_rnn")
    assert isinstance(layer, SegmentRNN)
    assert (layer.n_input_segments, layer.n_output_segments) == (4, 1)
    assert layer.embed.kernel.shape == (6, 8)
    assert layer.project.kernel.shape == (8, 6)


@pytest.mark.parametrize("segment_length", [5, 7, 25])
def test_build_segrnn_raises_ValueError_when_segment_length_does_not_divide_width(
    segment_length,
):
    with pytest.raises(
        ValueError, match=r"`segment_length` must divide input_width=24"
    ):
        build_segrnn(24, 6, 1, segment_length=segment_length, units=8)


def test_build_segrnn_raises_for_non_positive_segment_length():
    with pytest.raises(ValueError, match="segment_length"):
        build_segrnn(24, 6, 1, segment_length=0)


def test_default_segment_length_divides_width_into_several_segments():
    for width in (1, 2, 7, 24, 36, 48, 96, 100, 720):
        length = default_segment_length(width)
        assert width % length == 0
        assert width // length >= 2 or width == 1
    assert default_segment_length(96) == 24
    assert default_segment_length(36) == 12


# ---------------------------------------------------------------- instance norm


@pytest.mark.parametrize(
    "builder",
    [
        lambda: build_rnn((8, 2), (3, 1), units=4, instance_norm=True, seed=0),
        lambda: build_dense((8, 2), (3, 1), units=(4,), instance_norm=True, seed=0),
        lambda: build_segrnn(8, 3, 2, segment_length=4, units=4, seed=0),
    ],
    ids=["rnn", "dense", "segrnn"],
)
def test_instance_norm_shifts_the_forecast_with_the_target_level(builder):
    model = builder()
    x = _windows(2, 8, 2)
    shifted = x.copy()
    shifted[..., 0] += 100.0
    y, y2 = _out(model, x), _out(model, shifted)
    np.testing.assert_allclose(y2[..., 0] - y[..., 0], 100.0, atol=1e-3)


def test_instance_norm_uses_target_index_to_find_the_targets():
    model = build_rnn((8, 3), 1, units=4, instance_norm=True, target_index=[2], seed=0)
    x = _windows(2, 8, 3)
    shifted = x.copy()
    shifted[..., 2] += 10.0
    np.testing.assert_allclose(_out(model, shifted) - _out(model, x), 10.0, atol=1e-3)


def test_instance_norm_in_aligned_mode_keeps_outputs_causal():
    model = build_rnn(
        (8, 1), 1, units=4, return_sequences=True, instance_norm=True, seed=0
    )
    x = _windows(1, 8, 1)
    changed = x.copy()
    changed[:, 5:] += 3.0
    y, y2 = _out(model, x), _out(model, changed)
    np.testing.assert_allclose(y2[:, :5], y[:, :5], atol=1e-6)


def test_seq2seq_instance_norm_shifts_every_decoder_step_with_the_target_level():
    # Targets in column 1 (target_index); the decoder reads known-future inputs,
    # which instance_norm leaves alone.
    model = build_seq2seq(
        (8, 2),
        3,
        1,
        n_future_features=2,
        units=4,
        instance_norm=True,
        target_index=1,
        seed=0,
    )
    x, future = _windows(2, 8, 2), _windows(2, 3, 2, seed=1)
    shifted = x.copy()
    shifted[..., 1] += 100.0
    y, y2 = _out(model, [x, future]), _out(model, [shifted, future])
    np.testing.assert_allclose(y2 - y, 100.0, atol=1e-3)
    # Without instance_norm the same shift does not carry over.
    plain = build_seq2seq((8, 2), 3, 1, n_future_features=2, units=4, seed=0)
    moved = _out(plain, [shifted, future]) - _out(plain, [x, future])
    assert not np.allclose(moved, 100.0, atol=1.0)


def test_seq2seq_instance_norm_rejects_a_classification_head_and_bad_targets():
    with pytest.raises(ValueError, match="`output_activation` must be None"):
        build_seq2seq((8, 1), 3, 2, instance_norm=True, output_activation="softmax")
    with pytest.raises(ValueError, match="`target_index` must be 1 distinct"):
        build_seq2seq((8, 2), 3, 1, instance_norm=True, target_index=[5])


def test_instance_norm_raises_with_a_classification_head():
    with pytest.raises(
        ValueError, match="`output_activation` must be None or 'linear'"
    ):
        build_rnn((8, 1), 3, instance_norm=True, output_activation="softmax")


def test_instance_norm_raises_for_bad_target_index():
    with pytest.raises(ValueError, match="`target_index` must be 1 distinct"):
        build_rnn((8, 2), 1, instance_norm=True, target_index=[5])


# --------------------------------------------------------------------- masking


def _padded(x, pad, where, seed=5):
    garbage = 50 * np.random.default_rng(seed).standard_normal(
        (len(x), pad, x.shape[2])
    )
    real = np.ones((len(x), x.shape[1]), bool)
    fake = np.zeros((len(x), pad), bool)
    if where == "post":
        return np.concatenate([x, garbage], 1), np.concatenate([real, fake], 1)
    return np.concatenate([garbage, x], 1), np.concatenate([fake, real], 1)


@pytest.mark.parametrize(
    ("cell", "units", "bidirectional", "where"),
    [
        ("lstm", 4, False, "post"),
        ("gru", [4, 3], False, "post"),
        ("rnn", [4, 3], True, "post"),
        ("lstm", [4, 3], True, "post"),
        ("lstm", [4, 3], False, "pre"),
        ("gru", 4, False, "pre"),
        ("rnn", 4, False, "pre"),
        ("gru", [4, 3], True, "pre"),
    ],
)
def test_masking_makes_padded_windows_give_the_unpadded_output(
    cell, units, bidirectional, where
):
    model = build_rnn(
        (None, 2),
        (2, 1),
        cell=cell,
        units=units,
        bidirectional=bidirectional,
        layer_norm=True,
        masking=True,
        seed=0,
    )
    x = _windows(3, 6, 2)
    expected = _out(model, [x, np.ones((3, 6), bool)])
    padded, mask = _padded(x, 4, where)
    np.testing.assert_allclose(_out(model, [padded, mask]), expected, atol=1e-5)
    # 0/1 floats work as a mask too.
    got = _out(model, [padded, mask.astype("float32")])
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_masking_without_a_mask_would_see_the_padding():
    model = build_rnn((None, 2), 1, units=4, masking=True, seed=0)
    x = _windows(2, 6, 2)
    padded, _ = _padded(x, 4, "post")
    expected = _out(model, [x, np.ones((2, 6), bool)])
    unmasked = _out(model, [padded, np.ones((2, 10), bool)])
    assert np.abs(unmasked - expected).max() > 1e-3


def test_masking_aligned_outputs_at_real_steps_ignore_post_padding():
    model = build_rnn(
        (None, 2), 2, units=[4, 3], return_sequences=True, masking=True, seed=0
    )
    x = _windows(2, 6, 2)
    padded, mask = _padded(x, 3, "post")
    expected = _out(model, [x, np.ones((2, 6), bool)])
    np.testing.assert_allclose(_out(model, [padded, mask])[:, :6], expected, atol=1e-5)


def test_masking_with_instance_norm_uses_the_last_real_step():
    model = build_rnn((None, 1), 1, units=4, masking=True, instance_norm=True, seed=0)
    x = _windows(2, 6, 1)
    padded, mask = _padded(x, 3, "post")
    expected = _out(model, [x, np.ones((2, 6), bool)])
    np.testing.assert_allclose(_out(model, [padded, mask]), expected, atol=1e-5)


def test_masking_holds_with_the_compiled_xla_predict():
    model = build_rnn((10, 2), 1, units=4, masking=True, seed=0)
    compile_model(model, jit_compile=True)
    x = _windows(2, 6, 2)
    padded, mask = _padded(x, 4, "post")
    full, _ = _padded(x, 4, "post", seed=9)
    expected = model.predict([padded, mask], verbose=0)
    got = model.predict([full, mask], verbose=0)
    np.testing.assert_allclose(got, expected, atol=1e-5)
    assert np.allclose(
        expected, _out(build_rnn((6, 2), 1, units=4, seed=0), x), atol=1e-5
    )


# --------------------------------------------------------------- save and load


def _random(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


MASK = np.array([[1, 1, 1, 1, 0, 0], [0, 1, 1, 1, 1, 1]], bool)
SAVE_CASES = {
    "rnn_masked": (
        lambda: build_rnn(
            (None, 2),
            (3, 1),
            units=[4, 3],
            bidirectional=True,
            layer_norm=True,
            masking=True,
            instance_norm=True,
            seed=0,
        ),
        [_random(2, 6, 2), MASK],
    ),
    "rnn_aligned": (
        lambda: build_rnn((6, 2), 2, cell="gru", units=4, return_sequences=True),
        _random(2, 6, 2),
    ),
    "seq2seq_future": (
        lambda: build_seq2seq((6, 2), 3, 1, n_future_features=2, cell="gru", units=4),
        [_random(2, 6, 2), _random(2, 3, 2, seed=1)],
    ),
    "seq2seq": (lambda: build_seq2seq((6, 2), 3, 2, units=4), _random(2, 6, 2)),
    "seq2seq_instance_norm": (
        lambda: build_seq2seq(
            (6, 2), 3, 1, n_future_features=1, units=4, instance_norm=True
        ),
        [_random(2, 6, 2), _random(2, 3, 1, seed=1)],
    ),
    "segrnn": (
        lambda: build_segrnn(12, 5, 2, segment_length=4, units=6, dropout=0.1),
        _random(2, 12, 2),
    ),
    "dense": (
        lambda: build_dense((6, 2), (3, 1), units=(4,), instance_norm=True),
        _random(2, 6, 2),
    ),
}


@pytest.mark.parametrize("case", sorted(SAVE_CASES))
def test_saved_model_loads_with_identical_outputs(case, tmp_path):
    make, inputs = SAVE_CASES[case]
    model = compile_model(make(), jit_compile=False)
    # As after training: Keras cannot restore an optimizer that was never built.
    model.optimizer.build(model.trainable_variables)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(_out(loaded, inputs), _out(model, inputs), atol=1e-6)
    assert float(loaded.optimizer.clipnorm) == 1.0


# ------------------------------------------------------------------------ seeds


def _weights(model):
    return [np.asarray(w) for w in model.weights]


@pytest.mark.parametrize(
    "make",
    [
        lambda seed: build_rnn(
            (6, 2), (2, 1), units=[4, 3], bidirectional=True, seed=seed
        ),
        lambda seed: build_dense((6, 2), 1, units=(4,), seed=seed),
        lambda seed: build_seq2seq((6, 2), 3, 1, units=4, seed=seed),
        lambda seed: build_segrnn(12, 4, 2, segment_length=4, units=4, seed=seed),
    ],
    ids=["rnn", "dense", "seq2seq", "segrnn"],
)
def test_same_seed_gives_identical_weights_and_another_seed_does_not(make):
    a, b, c = _weights(make(3)), _weights(make(3)), _weights(make(4))
    assert len(a) == len(b)
    for wa, wb in zip(a, b, strict=True):
        np.testing.assert_array_equal(wa, wb)
    assert any(not np.array_equal(wa, wc) for wa, wc in zip(a, c, strict=True))


def test_seeded_bidirectional_directions_start_from_different_weights():
    model = build_rnn((6, 2), 1, units=4, bidirectional=True, seed=0)
    layer = model.get_layer("bidirectional_0")
    forward = np.asarray(layer.forward_layer.cell.kernel)
    backward = np.asarray(layer.backward_layer.cell.kernel)
    assert not np.array_equal(forward, backward)


def test_seeded_weights_differ_between_layers():
    model = build_rnn((6, 4), 4, units=[4, 4], seed=0)
    kernels = [
        np.asarray(layer.cell.recurrent_kernel)
        for layer in model.layers
        if isinstance(layer, keras.layers.RNN)
    ]
    assert not np.array_equal(kernels[0], kernels[1])


# ----------------------------------------------------------------------- errors


@pytest.mark.parametrize("cell", ["transformer", "elman", ""])
def test_build_rnn_raises_ValueError_listing_cells_for_an_unknown_cell(cell):
    with pytest.raises(
        ValueError, match=r"`cell` must be one of \['gru', 'lstm', 'rnn'\]"
    ):
        build_rnn((6, 1), 1, cell=cell)


def test_build_rnn_raises_TypeError_for_a_cell_that_is_not_a_string():
    with pytest.raises(TypeError, match="`cell` must be one of"):
        build_rnn((6, 1), 1, cell=keras.layers.LSTM)


@pytest.mark.parametrize(
    ("units", "error"),
    [
        (0, ValueError),
        (-3, ValueError),
        ([4, 0], ValueError),
        ([], TypeError),
        (2.5, TypeError),
        ([4, 2.0], TypeError),
        (True, TypeError),
        ("64", TypeError),
    ],
)
def test_build_rnn_raises_for_bad_units(units, error):
    with pytest.raises(error, match="`units` must be"):
        build_rnn((6, 1), 1, units=units)


@pytest.mark.parametrize(
    ("output_shape", "error"),
    [
        (0, ValueError),
        ((3,), TypeError),
        ((3, 0), ValueError),
        ("3", TypeError),
        ((2, 1.5), TypeError),
        (None, TypeError),
    ],
)
def test_build_rnn_raises_for_bad_output_shape(output_shape, error):
    with pytest.raises(error, match="`output_shape` must be"):
        build_rnn((6, 1), output_shape)


def test_build_rnn_raises_TypeError_for_a_pair_output_shape_with_return_sequences():
    with pytest.raises(TypeError, match="With return_sequences=True pass an int k"):
        build_rnn((6, 1), (3, 1), return_sequences=True)


@pytest.mark.parametrize("input_shape", [(6,), (6, 1, 1), 6, (0, 1), (6, None)])
def test_build_rnn_raises_for_bad_input_shape(input_shape):
    with pytest.raises((ValueError, TypeError), match="input_shape"):
        build_rnn(input_shape, 1)


@pytest.mark.parametrize("name", ["dropout", "recurrent_dropout"])
@pytest.mark.parametrize("rate", [1.0, -0.1, 2])
def test_build_rnn_raises_ValueError_for_rates_outside_0_1(name, rate):
    with pytest.raises(ValueError, match=f"`{name}` must be a float in"):
        build_rnn((6, 1), 1, **{name: rate})


def test_build_dense_raises_ValueError_for_none_timesteps():
    with pytest.raises(ValueError, match=r"fixed number of timesteps.*input_width"):
        build_dense((None, 2), 1)


def test_build_seq2seq_raises_for_bad_horizon_and_units():
    with pytest.raises(ValueError, match="`horizon` must be a positive integer"):
        build_seq2seq((6, 1), 0, 1)
    with pytest.raises(TypeError, match="`units` must be a positive int"):
        build_seq2seq((6, 1), 3, 1, units=[4, 4])
