"""Custom Keras layers used by the model builders of :mod:`tsrnn.nn.builders`.

Every layer is registered under the ``"tsrnn"`` package and implements
``get_config``, so a model that uses it saves to and loads from a ``.keras`` file
(``keras.saving.load_model``) once ``tsrnn.nn.layers`` has been imported.

- :class:`InstanceNorm` and :class:`AddLevel`: per-window instance normalization
  (RevIN without the learnable affine part): subtract a reference value of each
  window from the target features, add it back to the forecast.
- :class:`SegmentRNN`: the segment-wise GRU of SegRNN (Lin et al. 2023) with
  parallel (PMF) or recurrent (RMF) multi-step decoding.
"""

from __future__ import annotations

import math

import keras
import numpy as np
from keras import ops

__all__ = ["DECODERS", "AddLevel", "InstanceNorm", "SegmentRNN", "seed_stream"]

# Decoders of SegmentRNN: parallel and recurrent multi-step forecasting.
DECODERS = ("pmf", "rmf")


def seed_stream(seed):
    """Yield ``seed, seed + 1, ...`` (or ``None`` forever when ``seed`` is None).

    Each weight gets its own seed: a seeded Keras initializer returns the same
    values at every call, so sharing one would make weights identical.
    """
    while True:
        yield seed
        if seed is not None:
            seed += 1


def glorot(seed):
    """``glorot_uniform`` (the Keras default kernel initializer), seeded."""
    return keras.initializers.GlorotUniform(seed=seed)


def orthogonal(seed):
    """``orthogonal`` (the Keras default recurrent initializer), seeded."""
    return keras.initializers.Orthogonal(seed=seed)


@keras.saving.register_keras_serializable(package="tsrnn")
class InstanceNorm(keras.layers.Layer):
    """Subtract a per-window reference value from the target features.

    Called on ``values`` (batch, timesteps, n_features), or on ``[values, mask]``
    with ``mask`` (batch, timesteps) True at real steps, it returns
    ``[normalized, level]``: ``normalized`` equals ``values`` with ``level``
    subtracted from the columns ``target_index`` at every step, and ``level``
    (batch, n_targets) holds the reference value of each window. Feed ``level``
    to :class:`AddLevel` to put it back on the forecast.

    Parameters
    ----------
    target_index : sequence of int
        Columns of ``values`` that hold the targets, in output order.
    reference : {"last", "first", "mean"}, default="last"
        Which step gives the level: the last real step (forecasting: the most
        recent value, what a naive forecast predicts), the first real step
        (used for aligned many-to-many outputs, so that the output at step t does
        not see inputs after t), or the mean of the real steps (RevIN's
        instance mean, less noisy than one value). With a mask, padded steps
        are skipped.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[[1.0, 10.0], [3.0, 20.0]]])
    >>> normalized, level = InstanceNorm([0])(x)
    >>> np.asarray(normalized)[0].tolist(), np.asarray(level).tolist()
    ([[-2.0, 10.0], [0.0, 20.0]], [[3.0]])
    """

    def __init__(self, target_index, reference="last", **kwargs):
        super().__init__(**kwargs)
        if reference not in ("last", "first", "mean"):
            raise ValueError(
                "`reference` must be 'last', 'first' or 'mean'. Got "
                f"reference={reference!r}."
            )
        self.target_index = [int(i) for i in target_index]
        self.reference = reference

    def call(self, inputs):
        if isinstance(inputs, list | tuple):
            values, mask = inputs
        else:
            values, mask = inputs, None
        targets = ops.take(values, self.target_index, axis=-1)
        if self.reference == "mean":
            if mask is None:
                level = ops.mean(targets, axis=1)
            else:
                real = ops.expand_dims(ops.cast(mask, "bool"), -1)
                # A where-select: padded garbage may be inf/NaN.
                total = ops.sum(ops.where(real, targets, ops.zeros_like(targets)), 1)
                count = ops.sum(ops.cast(real, targets.dtype), 1)
                level = total / ops.maximum(count, 1.0)
        elif mask is None:
            level = targets[:, -1, :] if self.reference == "last" else targets[:, 0]
        else:
            steps = ops.shape(values)[1]
            positions = ops.expand_dims(ops.arange(steps, dtype="int32"), 0)
            real = ops.cast(mask, "bool")
            if self.reference == "last":
                index = ops.max(ops.where(real, positions, -1), axis=1)
                index = ops.maximum(index, 0)  # all-padded window: use step 0
            else:
                index = ops.min(ops.where(real, positions, steps), axis=1)
                index = ops.minimum(index, steps - 1)
            # A where-select, not a one-hot product: padded garbage may be inf/NaN.
            chosen = ops.equal(positions, ops.expand_dims(index, 1))
            chosen = ops.expand_dims(chosen, -1)
            level = ops.sum(ops.where(chosen, targets, ops.zeros_like(targets)), 1)
        n_features = values.shape[-1]
        scatter = np.zeros((len(self.target_index), n_features), dtype="float32")
        scatter[np.arange(len(self.target_index)), self.target_index] = 1.0
        offset = ops.matmul(level, ops.cast(scatter, level.dtype))
        return [values - ops.expand_dims(offset, 1), level]

    def compute_output_shape(self, input_shape):
        shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        return [tuple(shape), (shape[0], len(self.target_index))]

    def get_config(self):
        config = super().get_config()
        config.update(target_index=self.target_index, reference=self.reference)
        return config


@keras.saving.register_keras_serializable(package="tsrnn")
class AddLevel(keras.layers.Layer):
    """Add the ``level`` of :class:`InstanceNorm` back to a forecast.

    Called on ``[y, level]``: ``y`` is (batch, n_targets) or
    (batch, steps, n_targets), ``level`` is (batch, n_targets); a 3-D ``y`` gets
    the same level at every step.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.zeros((1, 2, 1))
    >>> np.asarray(AddLevel()([y, np.array([[5.0]])]))[0, :, 0].tolist()
    [5.0, 5.0]
    """

    def call(self, inputs):
        y, level = inputs
        if len(y.shape) == 3:
            level = ops.expand_dims(level, 1)
        return y + ops.cast(level, y.dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])


@keras.saving.register_keras_serializable(package="tsrnn")
class SegmentRNN(keras.layers.Layer):
    """Segment-wise GRU with parallel or recurrent decoding (SegRNN, Lin et al. 2023).

    Channel-independent: every channel of the (batch, input_width, n_features)
    input is forecast by the same weights. Each channel's window is cut into
    ``input_width // segment_length`` segments; each segment is embedded by
    ``Dense(units, relu)`` and a GRU reads the segments. The GRU is shared by
    encoder and decoder, as in the paper. Two decoders:

    - ``"pmf"`` (parallel multi-step forecasting, the paper's choice): every
      output segment is decoded at once. Output segment ``j`` of channel ``c``
      is one GRU step from the encoder's final state whose input is the
      concatenation of a learned position embedding (``j``, ``units // 2``
      values) and a learned channel embedding (``c``, the remaining values);
      without ``channel_embedding`` the position embedding has all ``units``
      values.
    - ``"rmf"`` (recurrent multi-step forecasting): the output segments are
      decoded one after another. The first is read from the encoder's final
      state; each predicted segment is embedded like an input segment and fed
      to the GRU, whose new state gives the next segment. No position or
      channel embedding is used.

    Either way a dropout and a ``Dense(segment_length)`` turn a state into a
    segment's values; the segments are concatenated and cut to ``horizon`` (so
    ``horizon`` need not be a multiple of ``segment_length``). Output (batch,
    horizon, n_features). Normalization is left to :class:`InstanceNorm` around
    this layer.

    Parameters
    ----------
    input_width, horizon, n_features, segment_length, units : int
        ``segment_length`` must divide ``input_width``.
    dropout : float, default=0.0
        Dropout rate before the output projection.
    decoder : {"pmf", "rmf"}, default="pmf"
        Parallel or recurrent decoding, as above.
    channel_embedding : bool, default=True
        Give the PMF decoder a learned embedding of each channel (the paper's
        ``channel_id``). Ignored by ``"rmf"``.
    seed : int or None, default=None
        Seeds the initializers and the dropout.

    Examples
    --------
    >>> import numpy as np
    >>> layer = SegmentRNN(8, 6, 2, segment_length=4, units=4, decoder="rmf", seed=0)
    >>> tuple(layer(np.zeros((3, 8, 2), dtype="float32")).shape)
    (3, 6, 2)
    """

    def __init__(
        self,
        input_width,
        horizon,
        n_features,
        segment_length,
        units,
        dropout=0.0,
        decoder="pmf",
        channel_embedding=True,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if input_width % segment_length:
            raise ValueError(
                "`segment_length` must divide `input_width`. "
                f"Got segment_length={segment_length!r} with "
                f"input_width={input_width!r}."
            )
        if decoder not in DECODERS:
            raise ValueError(
                f"`decoder` must be one of {list(DECODERS)}. Got decoder={decoder!r}."
            )
        self.input_width = int(input_width)
        self.horizon = int(horizon)
        self.n_features = int(n_features)
        self.segment_length = int(segment_length)
        self.units = int(units)
        self.dropout = float(dropout)
        self.decoder = decoder
        self.channel_embedding = bool(channel_embedding)
        self.seed = seed
        self.n_input_segments = self.input_width // self.segment_length
        self.n_output_segments = math.ceil(self.horizon / self.segment_length)
        seeds = seed_stream(seed)
        self.embed = keras.layers.Dense(
            self.units, activation="relu", kernel_initializer=glorot(next(seeds))
        )
        self.gru = keras.layers.GRU(
            self.units,
            return_state=True,
            kernel_initializer=glorot(next(seeds)),
            recurrent_initializer=orthogonal(next(seeds)),
            seed=next(seeds),
        )
        self.drop = keras.layers.Dropout(self.dropout, seed=next(seeds))
        self.project = keras.layers.Dense(
            self.segment_length, kernel_initializer=glorot(next(seeds))
        )
        self._embedding_seeds = (next(seeds), next(seeds))

    def build(self, input_shape):
        if self.decoder == "pmf":
            position_units = self.units // 2 if self.channel_embedding else self.units
            self.position_embedding = self.add_weight(
                shape=(self.n_output_segments, position_units),
                initializer=keras.initializers.RandomNormal(
                    seed=self._embedding_seeds[0]
                ),
                name="position_embedding",
            )
            if self.channel_embedding:
                self.channel_embedding_weights = self.add_weight(
                    shape=(self.n_features, self.units - position_units),
                    initializer=keras.initializers.RandomNormal(
                        seed=self._embedding_seeds[1]
                    ),
                    name="channel_embedding",
                )
        self.embed.build((None, self.n_input_segments, self.segment_length))
        self.gru.build((None, self.n_input_segments, self.units))
        self.drop.build((None, self.units))
        self.project.build((None, self.units))

    def call(self, inputs, training=None):
        channels, n_out = self.n_features, self.n_output_segments
        # (batch, width, channels) -> (batch * channels, segments, segment_length)
        series = ops.transpose(inputs, (0, 2, 1))
        segments = ops.reshape(series, (-1, self.n_input_segments, self.segment_length))
        _, state = self.gru(self.embed(segments), training=training)
        if self.decoder == "pmf":
            values = self._decode_parallel(state, ops.shape(inputs)[0], training)
        else:
            values = self._decode_recurrent(state, training)
        values = ops.reshape(values, (-1, channels, n_out * self.segment_length))
        return ops.transpose(values[:, :, : self.horizon], (0, 2, 1))

    def _decode_parallel(self, state, batch, training):
        """(batch * channels, n_out * segment_length) from the encoder states."""
        channels, n_out = self.n_features, self.n_output_segments
        queries = ops.broadcast_to(
            ops.expand_dims(self.position_embedding, 0),
            (channels, n_out, self.position_embedding.shape[-1]),
        )
        if self.channel_embedding:
            channel = ops.broadcast_to(
                ops.expand_dims(self.channel_embedding_weights, 1),
                (channels, n_out, self.channel_embedding_weights.shape[-1]),
            )
            queries = ops.concatenate([queries, channel], axis=-1)
        queries = ops.tile(ops.expand_dims(queries, 0), (batch, 1, 1, 1))
        queries = ops.reshape(queries, (-1, 1, self.units))
        # Rows of `queries` run over (batch, channel, output segment); repeating
        # each encoder state n_out times in place gives the same order.
        initial = ops.repeat(state, n_out, axis=0)
        decoded, _ = self.gru(queries, initial_state=initial, training=training)
        return self.project(self.drop(decoded, training=training))

    def _decode_recurrent(self, state, training):
        """(batch * channels, n_out * segment_length), one segment per GRU step."""
        outputs = []
        for step in range(self.n_output_segments):
            segment = self.project(self.drop(state, training=training))
            outputs.append(segment)
            if step + 1 < self.n_output_segments:
                embedded = self.embed(ops.expand_dims(segment, 1))
                _, state = self.gru(embedded, initial_state=state, training=training)
        return ops.concatenate(outputs, axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.horizon, self.n_features)

    def get_config(self):
        config = super().get_config()
        config.update(
            input_width=self.input_width,
            horizon=self.horizon,
            n_features=self.n_features,
            segment_length=self.segment_length,
            units=self.units,
            dropout=self.dropout,
            decoder=self.decoder,
            channel_embedding=self.channel_embedding,
            seed=self.seed,
        )
        return config
