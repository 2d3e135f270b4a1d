"""SegRNN options of tsrnn.build_segrnn: decoders, embeddings, normalization."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from tsrnn.nn.builders import build_segrnn
from tsrnn.nn.compile import compile_model
from tsrnn.nn.layers import SegmentRNN

DECODERS = ("pmf", "rmf")


def _windows(batch, steps, n_features, seed=0):
    return np.random.default_rng(seed).standard_normal((batch, steps, n_features))


def _out(model, x):
    return np.asarray(model(tf.convert_to_tensor(x), training=False))


@pytest.mark.parametrize("decoder", DECODERS)
@pytest.mark.parametrize(
    ("input_width", "horizon", "segment_length"),
    [(24, 12, 6), (24, 10, 8), (24, 25, 6), (12, 3, 12)],
)
def test_build_segrnn_output_shape_for_both_decoders(
    decoder, input_width, horizon, segment_length
):
    model = build_segrnn(
        input_width,
        horizon,
        3,
        segment_length=segment_length,
        units=8,
        decoder=decoder,
        seed=0,
    )
    assert _out(model, _windows(2, input_width, 3)).shape == (2, horizon, 3)
    assert model.output_shape == (None, horizon, 3)


def test_pmf_and_rmf_give_equal_output_shapes():
    x = _windows(5, 48, 4)
    shapes = {
        decoder: _out(
            build_segrnn(48, 30, 4, segment_length=12, units=8, decoder=decoder), x
        ).shape
        for decoder in DECODERS
    }
    assert shapes["pmf"] == shapes["rmf"] == (5, 30, 4)


@pytest.mark.parametrize(
    "options",
    [
        dict(decoder="pmf"),
        dict(decoder="pmf", channel_embedding=False),
        dict(decoder="rmf"),
        dict(decoder="rmf", instance_norm="mean"),
        dict(decoder="pmf", instance_norm=False),
    ],
    ids=["pmf", "pmf_no_channel_embedding", "rmf", "rmf_mean_norm", "pmf_no_norm"],
)
def test_a_channel_forecast_does_not_change_when_another_channel_changes(options):
    model = build_segrnn(24, 18, 3, segment_length=6, units=8, seed=0, **options)
    x = _windows(2, 24, 3)
    changed = x.copy()
    changed[..., 1] += 5 * np.random.default_rng(1).standard_normal((2, 24))
    y, y2 = _out(model, x), _out(model, changed)
    np.testing.assert_allclose(y2[..., [0, 2]], y[..., [0, 2]], atol=1e-5)
    assert np.abs(y2[..., 1] - y[..., 1]).max() > 1e-4


def test_channel_embedding_makes_equal_channels_forecast_differently():
    x = np.repeat(_windows(1, 24, 1), 2, axis=-1)
    with_embedding = _out(build_segrnn(24, 6, 2, segment_length=6, units=8, seed=0), x)
    assert np.abs(with_embedding[..., 0] - with_embedding[..., 1]).max() > 1e-4
    without = _out(
        build_segrnn(24, 6, 2, segment_length=6, units=8, channel_embedding=False), x
    )
    np.testing.assert_allclose(without[..., 0], without[..., 1], atol=1e-6)


def test_rmf_decodes_segments_from_the_fed_back_segment_not_from_embeddings():
    model = build_segrnn(24, 18, 2, segment_length=6, units=8, decoder="rmf", seed=0)
    layer = model.get_layer("segment_rnn")
    assert isinstance(layer, SegmentRNN)
    names = {w.name for w in layer.weights}
    assert "position_embedding" not in names and "channel_embedding" not in names
    # The first output segment is read from the encoder state alone: the same
    # projection applied to the GRU's final state over the embedded segments.
    x = _windows(1, 24, 2)
    y = _out(model, x)
    normalized = x[:, :, 0] - x[:, -1:, 0]
    segments = normalized.reshape(1, 4, 6).astype("float32")
    _, state = layer.gru(layer.embed(segments))
    first = np.asarray(layer.project(state))[0] + x[0, -1, 0]
    np.testing.assert_allclose(y[0, :6, 0], first, atol=1e-5)


def test_pmf_position_embedding_takes_every_unit_without_channel_embedding():
    layer = build_segrnn(
        24, 12, 2, segment_length=6, units=8, channel_embedding=False
    ).get_layer("segment_rnn")
    assert tuple(layer.position_embedding.shape) == (2, 8)
    layer = build_segrnn(24, 12, 2, segment_length=6, units=8).get_layer("segment_rnn")
    assert tuple(layer.position_embedding.shape) == (2, 4)
    assert tuple(layer.channel_embedding_weights.shape) == (2, 4)


def test_instance_norm_mean_shifts_the_forecast_with_the_window_level():
    model = build_segrnn(12, 6, 2, segment_length=4, units=4, instance_norm="mean")
    x = _windows(2, 12, 2)
    shifted = x + 50.0
    np.testing.assert_allclose(_out(model, shifted) - _out(model, x), 50.0, atol=1e-3)


@pytest.mark.parametrize("decoder", DECODERS)
def test_same_seed_gives_identical_forecasts_and_another_seed_does_not(decoder):
    x = _windows(2, 24, 2)

    def forecast(seed):
        model = build_segrnn(
            24,
            12,
            2,
            segment_length=6,
            units=8,
            dropout=0.3,
            decoder=decoder,
            seed=seed,
        )
        return _out(model, x)

    np.testing.assert_array_equal(forecast(3), forecast(3))
    assert np.abs(forecast(3) - forecast(4)).max() > 1e-4


@pytest.mark.parametrize(
    "options",
    [
        dict(decoder="rmf", dropout=0.1),
        dict(decoder="pmf", channel_embedding=False, instance_norm="mean"),
    ],
    ids=["rmf", "pmf_no_channel_embedding_mean_norm"],
)
def test_saved_segrnn_loads_with_identical_forecasts(options, tmp_path):
    model = compile_model(
        build_segrnn(12, 10, 2, segment_length=4, units=6, seed=0, **options),
        jit_compile=False,
    )
    model.optimizer.build(model.trainable_variables)
    path = tmp_path / "segrnn.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    x = _windows(3, 12, 2)
    np.testing.assert_allclose(_out(loaded, x), _out(model, x), atol=1e-6)
    layer = loaded.get_layer("segment_rnn")
    assert layer.decoder == options["decoder"]


def test_rmf_trains_one_step_and_changes_its_forecast():
    model = compile_model(
        build_segrnn(12, 8, 2, segment_length=4, units=4, decoder="rmf", seed=0),
        loss="mae",
        jit_compile=False,
    )
    x = _windows(16, 12, 2).astype("float32")
    y = _windows(16, 8, 2, seed=1).astype("float32")
    before = _out(model, x)
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    assert np.abs(_out(model, x) - before).max() > 1e-6


@pytest.mark.parametrize(
    ("options", "match"),
    [
        (dict(decoder="attention"), r"`decoder` must be one of \['pmf', 'rmf'\]"),
        (dict(instance_norm="median"), r"`instance_norm` must be True, False or"),
    ],
)
def test_build_segrnn_raises_ValueError_for_unknown_options(options, match):
    with pytest.raises(ValueError, match=match):
        build_segrnn(24, 6, 1, segment_length=6, units=4, **options)
