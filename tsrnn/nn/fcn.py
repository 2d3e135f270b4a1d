"""RNN-FCN classifiers: LSTM-FCN, GRU-FCN, MLSTM-FCN (Karim et al. 2017, 2019).

:func:`build_rnn_fcn` puts a fully convolutional branch beside a recurrent one
and classifies from both::

    values ──> [mask] ──> conv 128x8 ─ BN ─ ReLU ─ [SE] ──> conv 256x5 ─ BN ─ ReLU
      │          ─ [SE] ──> conv 128x3 ─ BN ─ ReLU ──> global average pool ──────────┐
      └──> LSTM or GRU (time order) ──> last state or attention pooling ─ [dropout] ─┴─>
                                                          concatenate ─> dense head

What the recurrent branch sees differs from the papers' reference code: that code
fed the recurrent layer the series transposed (a "dimension shuffle": one step of
``timesteps`` values per channel). Here the recurrent branch reads the series in
time order, one step per timestep with all channels, exactly like the
convolutional branch and :func:`tsrnn.build_rnn`; or, with ``segment_length``
k > 1, one step per k consecutive timesteps (:class:`Segments`, all k x channels
values of the segment, segments in time order), which makes a long series' k
times fewer recurrent steps. Checkpoints are never chosen on a test set (the
reference code did).

Unequal lengths: with ``masking=True`` padded steps are set to zero before every
convolution, batch-norm statistics and the pooled means use real steps only and
the recurrent layer skips padded steps, so a padded sequence (pre- or post-padded,
any padding values) is classified as the unpadded one.

The layers are registered under the ``"tsrnn"`` package, so models save to and
load from ``.keras`` files once this module has been imported.
"""

from __future__ import annotations

import keras
from keras import ops

from tsrnn.core.validation import check_int, message
from tsrnn.nn.checks import (
    check_cell,
    check_input_shape,
    check_output_shape,
    check_rate,
    check_units,
)
from tsrnn.nn.layers import glorot, orthogonal, seed_stream

__all__ = [
    "CONV_FILTERS",
    "CONV_KERNELS",
    "AttentionPooling",
    "Segments",
    "SqueezeExcite",
    "ZeroPadded",
    "build_rnn_fcn",
]

# The convolutional branch of FCN (Wang et al. 2017), kept by LSTM-FCN.
CONV_FILTERS = (128, 256, 128)
CONV_KERNELS = (8, 5, 3)
# Squeeze-and-excite reduction ratio of MLSTM-FCN.
SE_RATIO = 16


def _masked_mean(x, mask):
    """Mean over the steps of ``x`` (batch, steps, channels) where ``mask`` is True."""
    if mask is None:
        return ops.mean(x, axis=1)
    real = ops.expand_dims(ops.cast(mask, "bool"), -1)
    total = ops.sum(ops.where(real, x, ops.zeros_like(x)), axis=1)
    count = ops.sum(ops.cast(real, x.dtype), axis=1)
    return total / ops.maximum(count, 1.0)


class _Masked(keras.layers.Layer):
    """A layer that reads the mask as an explicit input and emits none.

    Keras would otherwise warn that an implicit mask (attached to the output
    of a masked batch normalization) is dropped here.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def compute_mask(self, inputs, mask=None):
        return None


@keras.saving.register_keras_serializable(package="tsrnn")
class ZeroPadded(_Masked):
    """Set the padded steps of ``values`` to zero: called on ``[values, mask]``.

    A convolution with ``padding="same"`` then sees at the edge of a padded
    sequence the zeros it would see at the edge of the unpadded one. A
    where-select, not a product: padding values may be inf or NaN.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[[1.0], [np.nan]]])
    >>> np.asarray(ZeroPadded()([x, np.array([[True, False]])]))[0, :, 0].tolist()
    [1.0, 0.0]
    """

    def call(self, inputs):
        values, mask = inputs
        real = ops.expand_dims(ops.cast(mask, "bool"), -1)
        return ops.where(real, values, ops.zeros_like(values))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])


@keras.saving.register_keras_serializable(package="tsrnn")
class SqueezeExcite(_Masked):
    """Squeeze-and-excite block (Hu et al. 2018) over the channels of a sequence.

    Called on ``x`` (batch, steps, channels) or ``[x, mask]``: the mean of each
    channel over the (real) steps goes through ``Dense(channels // ratio, relu)``
    and ``Dense(channels, sigmoid)``, and the result rescales every channel.

    Parameters
    ----------
    ratio : int, default=16
        Reduction ratio of the bottleneck (at least one unit).
    seed : int or None, default=None
        Seeds the two kernels.
    """

    def __init__(self, ratio=SE_RATIO, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.ratio = int(ratio)
        self.seed = seed

    def build(self, input_shape):
        shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        channels = int(shape[-1])
        seeds = seed_stream(self.seed)
        self.squeeze = keras.layers.Dense(
            max(1, channels // self.ratio),
            activation="relu",
            kernel_initializer=keras.initializers.HeNormal(seed=next(seeds)),
            name="squeeze",
        )
        self.excite = keras.layers.Dense(
            channels,
            activation="sigmoid",
            kernel_initializer=keras.initializers.HeNormal(seed=next(seeds)),
            name="excite",
        )
        self.squeeze.build((None, channels))
        self.excite.build((None, max(1, channels // self.ratio)))

    def call(self, inputs):
        x, mask = inputs if isinstance(inputs, list | tuple) else (inputs, None)
        scale = self.excite(self.squeeze(_masked_mean(x, mask)))
        return x * ops.expand_dims(scale, 1)

    def compute_output_shape(self, input_shape):
        shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update(ratio=self.ratio, seed=self.seed)
        return config


@keras.saving.register_keras_serializable(package="tsrnn")
class Segments(_Masked):
    """Consecutive steps joined into segments, for a long series' recurrent branch.

    Called on ``x`` (batch, steps, features) or ``[x, mask]``; returns
    (batch, ceil(steps / length), length * features), each step holding
    ``length`` consecutive steps (all their features, in time order), or
    ``[segments, segment_mask]``. The last segment is completed with zeros. With
    a mask the real steps are first moved to the front (in their order) and
    the padded ones zeroed, so segments start at the first real step whatever
    the padding; a segment is real when any of its steps is. A recurrent layer
    then takes ``length`` times fewer steps, as in SegRNN (Lin et al. 2023).

    Parameters
    ----------
    length : int
        Steps per segment.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(5.0).reshape(1, 5, 1)
    >>> np.asarray(Segments(2)(x))[0].tolist()
    [[0.0, 1.0], [2.0, 3.0], [4.0, 0.0]]
    """

    def __init__(self, length, **kwargs):
        super().__init__(**kwargs)
        self.length = check_int("length", length)

    def call(self, inputs):
        x, mask = inputs if isinstance(inputs, list | tuple) else (inputs, None)
        k = self.length
        steps = ops.shape(x)[1]
        if mask is not None:
            real = ops.cast(mask, "bool")
            # Real steps first, in time order: unique keys, so any sort is stable.
            key = ops.where(real, 0, steps) + ops.expand_dims(ops.arange(steps), 0)
            order = ops.argsort(key, axis=1)
            real = ops.take_along_axis(real, order, axis=1)
            x = ops.take_along_axis(x, ops.expand_dims(order, -1), axis=1)
            x = ops.where(ops.expand_dims(real, -1), x, ops.zeros_like(x))
        extra = (k - steps % k) % k
        x = ops.pad(x, [[0, 0], [0, extra], [0, 0]])
        batch, features = ops.shape(x)[0], x.shape[-1]
        segments = ops.reshape(x, (batch, -1, k * features))
        if mask is None:
            return segments
        real = ops.pad(real, [[0, 0], [0, extra]], constant_values=False)
        return [segments, ops.any(ops.reshape(real, (batch, -1, k)), axis=-1)]

    def compute_output_spec(self, inputs):
        masked = isinstance(inputs, list | tuple)
        x = inputs[0] if masked else inputs
        batch, steps, features = x.shape
        n = None if steps is None else -(-steps // self.length)
        segments = keras.KerasTensor((batch, n, self.length * features), x.dtype)
        if not masked:
            return segments
        return [segments, keras.KerasTensor((batch, n), "bool")]

    def get_config(self):
        config = super().get_config()
        config.update(length=self.length)
        return config


@keras.saving.register_keras_serializable(package="tsrnn")
class AttentionPooling(_Masked):
    """Weighted mean of the recurrent outputs, the weights learned (additive).

    Called on ``h`` (batch, steps, units) or ``[h, mask]``: each step gets the
    score ``v . tanh(W h_t + b)``, the scores of real steps go through a softmax
    over time and the output (batch, units) is the weighted sum of the ``h_t``.
    As in ALSTM-FCN, the classifier then looks at every step, not only the last
    state.

    Parameters
    ----------
    seed : int or None, default=None
        Seeds ``W`` and ``v``.
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed

    def build(self, input_shape):
        shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        units = int(shape[-1])
        seeds = seed_stream(self.seed)
        self.project = keras.layers.Dense(
            units, activation="tanh", kernel_initializer=glorot(next(seeds))
        )
        self.score = keras.layers.Dense(
            1, use_bias=False, kernel_initializer=glorot(next(seeds))
        )
        self.project.build((None, None, units))
        self.score.build((None, None, units))

    def call(self, inputs):
        h, mask = inputs if isinstance(inputs, list | tuple) else (inputs, None)
        scores = self.score(self.project(h))[..., 0]
        if mask is not None:
            real = ops.cast(mask, "bool")
            scores = ops.where(real, scores, ops.full_like(scores, -1e9))
        weights = ops.softmax(scores, axis=1)
        return ops.sum(h * ops.expand_dims(weights, -1), axis=1)

    def compute_output_shape(self, input_shape):
        shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        return (shape[0], shape[-1])

    def get_config(self):
        config = super().get_config()
        config.update(seed=self.seed)
        return config


def _check_blocks(name, values, fix):
    if not isinstance(values, list | tuple) or not values:
        raise TypeError(message(name, "a non-empty list of positive ints", values, fix))
    return [check_int(name, value, fix=fix) for value in values]


def _check_conv(filters, kernel_sizes):
    fix = "Pass one positive int per convolution block, e.g. (128, 256, 128)."
    filters = _check_blocks("filters", filters, fix)
    kernels = _check_blocks("kernel_sizes", kernel_sizes, fix)
    if len(kernels) != len(filters):
        raise ValueError(
            message(
                "kernel_sizes",
                f"as long as filters ({len(filters)} blocks)",
                kernel_sizes,
                "Give every convolution block its number of filters and its "
                "kernel size.",
            )
        )
    return filters, kernels


def build_rnn_fcn(
    input_shape,
    output_shape,
    *,
    cell="lstm",
    units=64,
    bidirectional=False,
    dropout=0.0,
    recurrent_dropout=0.0,
    filters=CONV_FILTERS,
    kernel_sizes=CONV_KERNELS,
    squeeze_excite=False,
    attention=False,
    branch_dropout=0.0,
    segment_length=1,
    masking=False,
    output_activation="softmax",
    seed=None,
    name=None,
):
    """Build an LSTM-FCN, GRU-FCN or MLSTM-FCN network (Karim et al. 2017, 2019).

    A convolutional branch (per block: ``Conv1D`` with ``padding="same"``, batch
    normalization, ReLU; then global average pooling over time) and a recurrent
    branch (an LSTM or GRU reading the series **in time order**, one step per
    timestep or per ``segment_length`` timesteps; the papers' code transposed
    the input instead, see the module docstring) are concatenated and feed a
    Dense head.

    Parameters
    ----------
    input_shape : tuple (timesteps or None, n_features)
        Shape of one series. ``None`` timesteps accepts any length.
    output_shape : int
        Units of the head (``n_classes`` with softmax).
    cell : {"lstm", "gru", "rnn"}, default="lstm"
        "lstm" gives LSTM-FCN, "gru" GRU-FCN.
    units : int or list of int, default=64
        Units of the recurrent layer; a list stacks layers.
    bidirectional : bool, default=False
        Read the series in both directions in the recurrent branch.
    dropout, recurrent_dropout : float, default=0.0
        Dropout on the inputs and on the state of every recurrent layer.
    filters, kernel_sizes : sequence of int, default=(128, 256, 128), (8, 5, 3)
        One convolution block per pair.
    squeeze_excite : bool, default=False
        A squeeze-and-excite block after every convolution block but the last
        (MLSTM-FCN, meant for multivariate series).
    attention : bool, default=False
        Attention pooling over the outputs of the last recurrent layer
        (:class:`AttentionPooling`, ALSTM-FCN) instead of its last state.
    branch_dropout : float, default=0.0
        Dropout on the recurrent branch's output, just before it joins the
        convolutional branch. The papers' networks use 0.8 there.
    segment_length : int, default=1
        Consecutive timesteps the recurrent branch reads as one step
        (:class:`Segments`): ``ceil(timesteps / segment_length)`` recurrent
        steps of ``segment_length * n_features`` values, still in time order.
        Long series train faster (the recurrent steps run one after another);
        the convolutional branch always reads every timestep.
    masking : bool, default=False
        If True the model takes ``[values, mask]``, ``mask`` (batch, timesteps)
        True at real steps; padded steps change no output.
    output_activation : str or None, default="softmax"
        Activation of the head.
    seed : int or None, default=None
        Seeds every initializer and dropout.
    name : str or None, default=None
        Model name; None gives e.g. ``"lstm_fcn"`` or ``"mlstm_fcn"``.

    Returns
    -------
    keras.Model
        Uncompiled; see :func:`tsrnn.compile_model`.

    Examples
    --------
    >>> import numpy as np
    >>> model = build_rnn_fcn((None, 3), 4, units=8, filters=(8, 8),
    ...                       kernel_sizes=(3, 3), masking=True, seed=0)
    >>> x, mask = np.zeros((2, 10, 3)), np.ones((2, 10), dtype=bool)
    >>> model.predict([x, mask], verbose=0).shape
    (2, 4)
    """
    cell_cls = check_cell(cell)
    steps, n_features = check_input_shape(input_shape)
    (n_outputs,) = check_output_shape(output_shape, allow_tuple=False)
    layer_units = check_units(units)
    dropout = check_rate("dropout", dropout)
    recurrent_dropout = check_rate("recurrent_dropout", recurrent_dropout)
    branch_dropout = check_rate("branch_dropout", branch_dropout)
    segment_length = check_int(
        "segment_length", segment_length, fix="Pass 1 to read one timestep a step."
    )
    filters, kernels = _check_conv(filters, kernel_sizes)
    seeds = seed_stream(seed)
    kind = cell.lower()

    values = keras.Input((steps, n_features), name="values")
    inputs, mask = values, None
    if masking:
        mask = keras.Input((steps,), dtype="bool", name="mask")
        inputs = [values, mask]

    # Convolutional branch.
    x = values
    for depth, (size, kernel) in enumerate(zip(filters, kernels, strict=True)):
        if mask is not None:
            x = ZeroPadded(name=f"zero_padded_{depth}")([x, mask])
        x = keras.layers.Conv1D(
            size,
            kernel,
            padding="same",
            kernel_initializer=keras.initializers.HeUniform(seed=next(seeds)),
            name=f"conv_{depth}",
        )(x)
        norm = keras.layers.BatchNormalization(name=f"batch_norm_{depth}")
        x = norm(x, mask=mask) if mask is not None else norm(x)
        x = keras.layers.Activation("relu", name=f"relu_{depth}")(x)
        if squeeze_excite and depth < len(filters) - 1:
            block = SqueezeExcite(seed=next(seeds), name=f"squeeze_excite_{depth}")
            x = block([x, mask] if mask is not None else x)
    pooled = (
        keras.layers.GlobalAveragePooling1D(name="pool")(x, mask=mask)
        if mask is not None
        else keras.layers.GlobalAveragePooling1D(name="pool")(x)
    )

    # Recurrent branch, in time order, one timestep or one segment a step.
    h, h_mask = values, mask
    if segment_length > 1:
        segments = Segments(segment_length, name="segments")
        if mask is None:
            h = segments(values)
        else:
            h, h_mask = segments([values, mask])
    for depth, size in enumerate(layer_units):
        sequences = attention or depth < len(layer_units) - 1
        options = dict(
            return_sequences=sequences,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
        )
        layer = _recurrent(cell_cls, size, seeds, name=f"{kind}_{depth}", **options)
        if bidirectional:
            backward = _recurrent(
                cell_cls,
                size,
                seeds,
                go_backwards=True,
                name=f"{kind}_{depth}_backward",
                **options,
            )
            layer = keras.layers.Bidirectional(
                layer, backward_layer=backward, name=f"bidirectional_{depth}"
            )
        h = layer(h, mask=h_mask) if h_mask is not None else layer(h)
    if attention:
        pool = AttentionPooling(seed=next(seeds), name="attention")
        h = pool([h, h_mask] if h_mask is not None else h)
    if branch_dropout:
        # Drawn only when used, so the other layers' seeds stay as they were.
        h = keras.layers.Dropout(
            branch_dropout, seed=next(seeds), name="branch_dropout"
        )(h)

    x = keras.layers.Concatenate(name="concatenate")([h, pooled])
    outputs = keras.layers.Dense(
        n_outputs,
        activation=output_activation,
        kernel_initializer=glorot(next(seeds)),
        name="head",
    )(x)
    default_name = f"{'m' if squeeze_excite else ''}{kind}_fcn"
    return keras.Model(inputs, outputs, name=name or default_name)


def _recurrent(cell_cls, units, seeds, **kwargs):
    return cell_cls(
        units,
        kernel_initializer=glorot(next(seeds)),
        recurrent_initializer=orthogonal(next(seeds)),
        seed=next(seeds),
        **kwargs,
    )
