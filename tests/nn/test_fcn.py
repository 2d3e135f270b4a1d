"""The RNN-FCN builder of tsrnn.nn.fcn (LSTM-FCN, GRU-FCN, MLSTM-FCN)."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from tsrnn.nn.fcn import Segments, build_rnn_fcn

TINY = dict(units=4, filters=(4, 6), kernel_sizes=(3, 2), seed=0)
VARIANTS = {
    "lstm_fcn": {},
    "gru_fcn": dict(cell="gru"),
    "mlstm_fcn": dict(squeeze_excite=True),
    "attention_bidirectional": dict(attention=True, bidirectional=True),
    "stacked": dict(units=[4, 3], squeeze_excite=True, attention=True),
    "branch_dropout": dict(attention=True, branch_dropout=0.8),
    "segments": dict(segment_length=3),
    "segments_attention_bidirectional": dict(
        segment_length=4, attention=True, bidirectional=True, units=[4, 3]
    ),
}


def _series(batch, steps, n_features, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((batch, steps, n_features)).astype("float32")


@pytest.mark.parametrize("options", VARIANTS.values(), ids=VARIANTS)
def test_output_is_one_probability_vector_per_series(options):
    model = build_rnn_fcn((12, 3), 5, **{**TINY, **options})
    proba = np.asarray(model(_series(2, 12, 3), training=False))
    assert proba.shape == (2, 5)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)


def test_default_name_says_which_network():
    assert build_rnn_fcn((12, 1), 2, **TINY).name == "lstm_fcn"
    assert build_rnn_fcn((12, 1), 2, **{**TINY, "cell": "gru"}).name == "gru_fcn"
    multivariate = build_rnn_fcn((12, 3), 2, squeeze_excite=True, **TINY)
    assert multivariate.name == "mlstm_fcn"


def test_default_convolution_blocks_are_those_of_lstm_fcn():
    model = build_rnn_fcn((20, 1), 2, units=8, seed=0)
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv1D)]
    assert [c.filters for c in convs] == [128, 256, 128]
    assert [c.kernel_size for c in convs] == [(8,), (5,), (3,)]


def test_recurrent_branch_reads_the_series_in_time_order():
    model = build_rnn_fcn((12, 3), 2, **TINY)
    recurrent = model.get_layer("lstm_0")
    # One step per timestep with every channel: not the transposed input.
    assert tuple(recurrent.input.shape) == (None, 12, 3)


def test_segments_make_fewer_recurrent_steps_of_consecutive_timesteps():
    model = build_rnn_fcn((12, 3), 2, segment_length=5, **TINY)
    # ceil(12 / 5) steps of 5 timesteps x 3 channels; the convolutions read all 12.
    assert tuple(model.get_layer("lstm_0").input.shape) == (None, 3, 15)
    assert tuple(model.get_layer("conv_0").input.shape) == (None, 12, 3)
    x = _series(2, 12, 3)
    segments = np.asarray(Segments(5)(x))
    np.testing.assert_array_equal(segments[:, 0], x[:, :5].reshape(2, 15))
    np.testing.assert_array_equal(segments[:, 2, :6], x[:, 10:].reshape(2, 6))
    np.testing.assert_array_equal(segments[:, 2, 6:], 0.0)


def test_masked_segments_start_at_the_first_real_step_and_skip_padding():
    x = _series(1, 7, 2)
    mask = np.array([[False, True, True, False, True, False, False]])
    segments, real = (np.asarray(a) for a in Segments(2)([x, mask]))
    # The real steps 1, 2 and 4 in order, then zeros; segments of 2 steps.
    expected = np.concatenate([x[0, [1, 2, 4]], np.zeros((5, 2))]).reshape(4, 4)
    np.testing.assert_array_equal(segments[0], expected)
    assert real.tolist() == [[True, True, False, False]]


def test_one_step_segments_are_the_network_without_segments():
    plain = build_rnn_fcn((12, 2), 3, **TINY)
    ones = build_rnn_fcn((12, 2), 3, segment_length=1, **TINY)
    assert [layer.name for layer in ones.layers] == [
        layer.name for layer in plain.layers
    ]
    x = _series(3, 12, 2)
    np.testing.assert_array_equal(
        np.asarray(ones(x, training=False)), np.asarray(plain(x, training=False))
    )


@pytest.mark.parametrize("options", VARIANTS.values(), ids=VARIANTS)
def test_padded_steps_change_no_output_whatever_their_values(options):
    model = build_rnn_fcn((None, 3), 4, masking=True, **{**TINY, **options})
    x = _series(1, 9, 3)
    real = np.ones((1, 9), dtype=bool)
    garbage = np.full((1, 5, 3), np.nan, dtype="float32")
    post = np.concatenate([x, garbage], axis=1)
    pre = np.concatenate([garbage + np.inf, x], axis=1)
    absent = np.zeros((1, 5), dtype=bool)
    expected = np.asarray(model([x, real], training=False))
    for values, mask in (
        (post, np.concatenate([real, absent], axis=1)),
        (pre, np.concatenate([absent, real], axis=1)),
    ):
        got = np.asarray(model([values, mask], training=False))
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_same_seed_gives_identical_weights_and_another_seed_others():
    first = build_rnn_fcn((12, 2), 3, squeeze_excite=True, attention=True, **TINY)
    second = build_rnn_fcn((12, 2), 3, squeeze_excite=True, attention=True, **TINY)
    other = build_rnn_fcn(
        (12, 2), 3, squeeze_excite=True, attention=True, **{**TINY, "seed": 1}
    )
    for a, b in zip(first.get_weights(), second.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert not all(
        np.array_equal(a, b)
        for a, b in zip(first.get_weights(), other.get_weights(), strict=True)
    )


def test_branch_dropout_acts_on_the_recurrent_branch_in_training_only():
    model = build_rnn_fcn((12, 2), 3, branch_dropout=0.8, **TINY)
    dropout = model.get_layer("branch_dropout")
    assert dropout.rate == 0.8
    # It sits between the recurrent branch and the concatenation.
    assert dropout.input is model.get_layer("lstm_0").output
    x = _series(4, 12, 2)
    np.testing.assert_array_equal(
        np.asarray(model(x, training=False)), np.asarray(model(x, training=False))
    )
    assert not np.allclose(
        np.asarray(model(x, training=True)), np.asarray(model(x, training=False))
    )


def test_branch_dropout_leaves_the_other_layers_seeds_as_they_were():
    plain = build_rnn_fcn((12, 2), 3, **TINY)
    with_dropout = build_rnn_fcn((12, 2), 3, branch_dropout=0.5, **TINY)
    for layer in plain.layers:
        if layer.name == "head":
            continue  # its seed follows the dropout's
        for a, b in zip(
            layer.get_weights(),
            with_dropout.get_layer(layer.name).get_weights(),
            strict=True,
        ):
            np.testing.assert_array_equal(a, b)


def test_model_saves_and_loads_with_its_custom_layers(tmp_path):
    model = build_rnn_fcn(
        (None, 2),
        3,
        masking=True,
        squeeze_excite=True,
        attention=True,
        segment_length=2,
        **TINY,
    )
    x, mask = _series(3, 7, 2), np.ones((3, 7), dtype=bool)
    mask[0, 5:] = False
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_array_equal(
        np.asarray(loaded([x, mask], training=False)),
        np.asarray(model([x, mask], training=False)),
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        (dict(kernel_sizes=(3,)), ValueError, r"`kernel_sizes` must be as long as"),
        (dict(kernel_sizes=3), TypeError, r"`kernel_sizes` must be a non-empty"),
        (dict(filters=(4, 0)), ValueError, r"`filters` must be a positive integer"),
        (dict(filters=()), TypeError, r"`filters` must be a non-empty list"),
        (dict(cell="lstmfcn"), ValueError, r"`cell` must be one of"),
        (dict(output_shape=(2, 3)), TypeError, r"`output_shape` must be a positive"),
        (dict(branch_dropout=1.0), ValueError, r"`branch_dropout` must be a float in"),
        (dict(segment_length=0), ValueError, r"`segment_length` must be a positive"),
    ],
)
def test_bad_arguments_raise_with_the_argument_named(kwargs, error, pattern):
    settings = {**TINY, "output_shape": 2, **kwargs}
    output_shape = settings.pop("output_shape")
    with pytest.raises(error, match=pattern):
        build_rnn_fcn((12, 1), output_shape, **settings)
