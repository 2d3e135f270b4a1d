"""Keras 3 model builders: recurrent, dense, encoder-decoder and SegRNN networks.

Every builder returns an uncompiled functional ``keras.Model`` that reads windows
(batch, timesteps, n_features) made by :func:`tsrnn.make_windows`; pass it to
:func:`tsrnn.compile_model` for the optimizer, loss and metrics of a task, and
roll a one-step model over a longer horizon with :func:`tsrnn.recursive_predict`.

Output shapes, named after the problem they solve:

- many-to-one, ``output_shape=k``: (batch, k), one vector per window (a one-step
  forecast of k targets, or class scores with ``output_activation="softmax"``);
- many-to-one, ``output_shape=(horizon, n_targets)``: (batch, horizon, n_targets),
  a direct multi-step forecast (one Dense of ``horizon * n_targets`` units);
- many-to-many aligned, ``return_sequences=True``: (batch, timesteps, k), one
  output per input step.
"""

from __future__ import annotations

import keras
import numpy as np

from tsrnn.core.validation import check_int, message
from tsrnn.nn.checks import (
    check_cell,
    check_input_shape,
    check_linear_activation,
    check_output_shape,
    check_rate,
    check_target_index,
    check_units,
)
from tsrnn.nn.layers import (
    DECODERS,
    AddLevel,
    InstanceNorm,
    SegmentRNN,
    glorot,
    orthogonal,
    seed_stream,
)

__all__ = [
    "build_dense",
    "build_rnn",
    "build_segrnn",
    "build_seq2seq",
    "default_segment_length",
]

SEGMENT_LENGTHS = (24, 12, 8, 6, 4, 3, 2)


def _recurrent(cell_cls, units, seeds, **kwargs):
    return cell_cls(
        units,
        kernel_initializer=glorot(next(seeds)),
        recurrent_initializer=orthogonal(next(seeds)),
        seed=next(seeds),
        **kwargs,
    )


def _head(x, output_shape, output_activation, seeds):
    size = int(np.prod(output_shape))
    x = keras.layers.Dense(
        size,
        activation=output_activation,
        kernel_initializer=glorot(next(seeds)),
        name="head",
    )(x)
    if len(output_shape) == 2:
        x = keras.layers.Reshape(output_shape, name="head_reshape")(x)
    return x


# --------------------------------------------------------------------- builders


def build_rnn(
    input_shape,
    output_shape,
    *,
    cell="lstm",
    units=64,
    bidirectional=False,
    dropout=0.0,
    recurrent_dropout=0.0,
    layer_norm=False,
    return_sequences=False,
    masking=False,
    output_activation=None,
    instance_norm=False,
    target_index=None,
    seed=None,
    name=None,
):
    """Build a recurrent network (Elman RNN, LSTM or GRU), stacked or not.

    Parameters
    ----------
    input_shape : tuple (timesteps or None, n_features)
        Shape of one window. ``None`` timesteps accepts windows of any width.
    output_shape : int or tuple (horizon, n_targets)
        Many-to-one: an int k gives outputs (batch, k); a pair gives
        (batch, horizon, n_targets) (direct multi-step forecast). With
        ``return_sequences=True`` it must be an int k: (batch, timesteps, k).
    cell : {"rnn", "lstm", "gru"}, default="lstm"
        Case-insensitive. "rnn" is the Elman network
        ``s_t = tanh(U x_t + W s_{t-1} + b)`` (``keras.layers.SimpleRNN``).
    units : int or list of int, default=64
        Units of the recurrent layer; a list stacks layers (a deep RNN): every
        layer but the last returns its whole sequence to the next one.
    bidirectional : bool, default=False
        Wrap every recurrent layer in ``keras.layers.Bidirectional`` (outputs of
        both directions concatenated). With ``return_sequences=True`` the output
        at step t then sees the whole window, not only steps up to t.
    dropout, recurrent_dropout : float, default=0.0
        Dropout rates on the inputs and on the recurrent state of every recurrent
        layer. ``recurrent_dropout > 0`` turns XLA and cuDNN off (slower).
    layer_norm : bool, default=False
        Add ``LayerNormalization`` after every recurrent layer.
    return_sequences : bool, default=False
        False: many-to-one (the final state feeds a Dense head). True: many-to-many
        aligned (a Dense applied at every step).
    masking : bool, default=False
        If True the model takes two inputs ``[values, mask]``: ``values``
        (batch, timesteps, n_features) and ``mask`` (batch, timesteps), True (or
        1) at real steps. Padded steps leave the recurrent state unchanged, so a
        padded window (pre- or post-padding, any padding values) gives the output
        of the unpadded one. With ``return_sequences=True`` the mask is carried to
        the output, so Keras losses ignore padded steps.
    output_activation : str or None, default=None
        Activation of the head: None for regression, "softmax" with
        ``output_shape=n_classes`` or "sigmoid" with ``output_shape=1`` for
        classification.
    instance_norm : bool or "mean", default=False
        Per-window normalization for forecasting (RevIN without the learnable
        affine part, as in SegRNN): subtract each window's last value of the
        target features (the last *real* step under masking) from those input
        features, and add it back to every output. The network then learns the
        change from the last observation, which helps on long horizons and
        drifting levels. ``"mean"`` subtracts the window's mean instead (of its
        real steps), a steadier level for noisy series. With
        ``return_sequences=True`` the window's first value is used instead, so
        the output at step t depends only on steps up to t (``"mean"`` would
        let it see later steps and is refused). Needs a linear head.
    target_index : int, sequence of int or None, default=None
        Input columns holding the targets, in output order (used by
        ``instance_norm``). None: the first ``n_targets`` columns, where
        ``n_targets`` is ``output_shape`` (int) or ``output_shape[1]``.
    seed : int or None, default=None
        Seeds every initializer and dropout: two builds with the same seed have
        identical weights.
    name : str or None, default=None
        Model name; None gives e.g. ``"lstm"``.

    Returns
    -------
    keras.Model
        Uncompiled; see :func:`compile_model`.

    Examples
    --------
    >>> import numpy as np
    >>> model = build_rnn((24, 3), (6, 1), cell="gru", units=[8, 4], seed=0)
    >>> model.output_shape
    (None, 6, 1)
    >>> model.predict(np.zeros((2, 24, 3)), verbose=0).shape
    (2, 6, 1)
    """
    cell_cls = check_cell(cell)
    steps, n_features = check_input_shape(input_shape)
    output_shape = check_output_shape(output_shape, allow_tuple=not return_sequences)
    layer_units = check_units(units)
    dropout = check_rate("dropout", dropout)
    recurrent_dropout = check_rate("recurrent_dropout", recurrent_dropout)
    seeds = seed_stream(seed)

    values = keras.Input((steps, n_features), name="values")
    inputs = values
    mask = None
    if masking:
        mask = keras.Input((steps,), dtype="bool", name="mask")
        inputs = [values, mask]
    x = values
    if instance_norm:
        check_linear_activation(output_activation)
        targets = check_target_index(target_index, output_shape[-1], n_features)
        if instance_norm == "mean" and return_sequences:
            raise ValueError(
                "`instance_norm` must be True, not 'mean', with "
                "return_sequences=True: the window mean would let the output at "
                "step t see later steps. Got instance_norm='mean'."
            )
        reference = "first" if return_sequences else "last"
        if instance_norm == "mean":
            reference = "mean"
        norm = InstanceNorm(targets, reference=reference, name="instance_norm")
        x, level = norm([values, mask] if masking else values)

    for depth, size in enumerate(layer_units):
        sequences = return_sequences or depth < len(layer_units) - 1
        options = dict(
            return_sequences=sequences,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
        )
        layer = _recurrent(
            cell_cls, size, seeds, name=f"{cell.lower()}_{depth}", **options
        )
        if bidirectional:
            backward = _recurrent(
                cell_cls,
                size,
                seeds,
                go_backwards=True,
                name=f"{cell.lower()}_{depth}_backward",
                **options,
            )
            layer = keras.layers.Bidirectional(
                layer, backward_layer=backward, name=f"bidirectional_{depth}"
            )
        # Later layers get the mask through Keras mask propagation.
        x = layer(x, mask=mask) if depth == 0 and mask is not None else layer(x)
        if layer_norm:
            x = keras.layers.LayerNormalization(name=f"layer_norm_{depth}")(x)

    outputs = _head(x, output_shape, output_activation, seeds)
    if instance_norm:
        outputs = AddLevel(name="add_level")([outputs, level])
    return keras.Model(inputs, outputs, name=name or cell.lower())


def build_dense(
    input_shape,
    output_shape,
    *,
    units=(64,),
    dropout=0.0,
    output_activation=None,
    instance_norm=False,
    target_index=None,
    seed=None,
    name=None,
):
    """Build a fully connected baseline that reads the flattened window.

    It has the heads of :func:`build_rnn` (many-to-one) and no notion of order:
    comparing it with a recurrent model shows what the recurrence adds.

    Parameters
    ----------
    input_shape : tuple (timesteps, n_features)
        ``timesteps`` must be fixed (the window is flattened).
    output_shape : int or tuple (horizon, n_targets)
        As in :func:`build_rnn` (many-to-one).
    units : int or sequence of int, default=(64,)
        Hidden ReLU layers; an empty tuple gives a linear model of the window.
    dropout : float, default=0.0
        Dropout after every hidden layer.
    output_activation : str or None, default=None
        As in :func:`build_rnn`.
    instance_norm, target_index : default=False, None
        As in :func:`build_rnn` (last value of the window).
    seed : int or None, default=None
        Seeds initializers and dropout.
    name : str or None, default=None
        Model name (default ``"dense"``).

    Returns
    -------
    keras.Model

    Examples
    --------
    >>> build_dense((24, 2), 3, units=(8,), seed=0).output_shape
    (None, 3)
    """
    steps, n_features = check_input_shape(input_shape, allow_none_steps=False)
    output_shape = check_output_shape(output_shape)
    layer_units = check_units(units, allow_empty=True)
    dropout = check_rate("dropout", dropout)
    seeds = seed_stream(seed)

    values = keras.Input((steps, n_features), name="values")
    x = values
    if instance_norm:
        check_linear_activation(output_activation)
        targets = check_target_index(target_index, output_shape[-1], n_features)
        x, level = InstanceNorm(targets, name="instance_norm")(values)
    x = keras.layers.Flatten(name="flatten")(x)
    for depth, size in enumerate(layer_units):
        x = keras.layers.Dense(
            size,
            activation="relu",
            kernel_initializer=glorot(next(seeds)),
            name=f"dense_{depth}",
        )(x)
        if dropout:
            x = keras.layers.Dropout(
                dropout, seed=next(seeds), name=f"dropout_{depth}"
            )(x)
    outputs = _head(x, output_shape, output_activation, seeds)
    if instance_norm:
        outputs = AddLevel(name="add_level")([outputs, level])
    return keras.Model(values, outputs, name=name or "dense")


def build_seq2seq(
    input_shape,
    horizon,
    n_targets,
    *,
    n_future_features=0,
    cell="lstm",
    units=64,
    dropout=0.0,
    output_activation=None,
    instance_norm=False,
    target_index=None,
    seed=None,
    name=None,
):
    """Build an encoder-decoder network for multi-step forecasts.

    The encoder reads the window; its final state initializes a decoder of the
    same cell type that runs over the ``horizon`` future steps. With
    ``n_future_features > 0`` the model takes ``[past, future]`` and the decoder
    reads the known-future covariates of each future step (``future``:
    (batch, horizon, n_future_features)); otherwise it takes ``past`` alone and
    the decoder reads the encoder's final output repeated at every step. A Dense
    layer turns every decoder step into ``n_targets`` values.

    Parameters
    ----------
    input_shape : tuple (timesteps or None, n_features)
        Shape of the past window.
    horizon, n_targets : int
        Output (batch, horizon, n_targets).
    n_future_features : int, default=0
        Width of the known-future covariates (calendar features, planned values).
    cell : {"rnn", "lstm", "gru"}, default="lstm"
    units : int, default=64
        Units of encoder and decoder.
    dropout : float, default=0.0
        Input dropout of encoder and decoder.
    output_activation : str or None, default=None
    instance_norm : bool, default=False
        As in :func:`build_rnn`: subtract each window's last value of the
        target features from those past features before the encoder, and add
        it back to every decoder step, so the network learns the change from
        the last observation. The known-future inputs are left as they are.
        Needs a linear head.
    target_index : int, sequence of int or None, default=None
        Columns of the past window holding the ``n_targets`` targets, in
        output order (used by ``instance_norm``); None: the first
        ``n_targets`` columns.
    seed : int or None, default=None
    name : str or None, default=None
        Model name (default ``"seq2seq"``).

    Returns
    -------
    keras.Model

    Examples
    --------
    >>> model = build_seq2seq((24, 2), 6, 1, n_future_features=3, units=8)
    >>> [tuple(t.shape) for t in model.inputs], model.output_shape
    ([(None, 24, 2), (None, 6, 3)], (None, 6, 1))
    """
    cell_cls = check_cell(cell)
    steps, n_features = check_input_shape(input_shape)
    horizon = check_int("horizon", horizon)
    n_targets = check_int("n_targets", n_targets)
    n_future_features = check_int("n_future_features", n_future_features, minimum=0)
    size = check_units(units)
    if len(size) != 1:
        raise TypeError(message("units", "a positive int", units, ""))
    dropout = check_rate("dropout", dropout)
    seeds = seed_stream(seed)

    past = keras.Input((steps, n_features), name="past")
    encoded = past
    if instance_norm:
        check_linear_activation(output_activation)
        targets = check_target_index(target_index, n_targets, n_features)
        encoded, level = InstanceNorm(targets, name="instance_norm")(past)
    encoder = _recurrent(
        cell_cls, size[0], seeds, return_state=True, dropout=dropout, name="encoder"
    )
    context, *states = encoder(encoded)
    if n_future_features:
        future = keras.Input((horizon, n_future_features), name="future")
        inputs = [past, future]
        decoder_input = future
    else:
        inputs = past
        decoder_input = keras.layers.RepeatVector(horizon, name="repeat_context")(
            context
        )
    decoder = _recurrent(
        cell_cls, size[0], seeds, return_sequences=True, dropout=dropout, name="decoder"
    )
    x = decoder(decoder_input, initial_state=states)
    outputs = keras.layers.Dense(
        n_targets,
        activation=output_activation,
        kernel_initializer=glorot(next(seeds)),
        name="head",
    )(x)
    if instance_norm:
        outputs = AddLevel(name="add_level")([outputs, level])
    return keras.Model(inputs, outputs, name=name or "seq2seq")


def default_segment_length(input_width):
    """Segment length used by :func:`build_segrnn` when none is given.

    The first of 24, 12, 8, 6, 4, 3, 2 that divides ``input_width`` into at least
    two segments (24 suits hourly data: one day per segment), else 1.

    Examples
    --------
    >>> [default_segment_length(w) for w in (96, 36, 7)]
    [24, 12, 1]
    """
    for length in SEGMENT_LENGTHS:
        if input_width % length == 0 and input_width // length >= 2:
            return length
    return 1


def build_segrnn(
    input_width,
    horizon,
    n_features,
    *,
    segment_length=None,
    units=64,
    dropout=0.0,
    decoder="pmf",
    channel_embedding=True,
    instance_norm=True,
    seed=None,
    name=None,
):
    """Build a SegRNN network (Lin et al. 2023) for long-horizon forecasting.

    Channel-independent: each of the ``n_features`` series is forecast from its
    own past by shared weights. Each window is cut into segments of
    ``segment_length`` steps; each segment is embedded (``Dense(units, relu)``)
    and a GRU reads the ``input_width // segment_length`` segments, so it iterates
    over a few segments instead of every step. The output segments are decoded
    in parallel (``decoder="pmf"``, the paper's choice): each is one GRU step
    from the encoder's final state, fed a learned position embedding and a
    learned channel embedding, and projected to ``segment_length`` values; or
    one after another (``decoder="rmf"``): each predicted segment is embedded
    and fed back to the GRU to give the next (see
    :class:`tsrnn.nn.layers.SegmentRNN`).

    The paper's settings: ``units=512``, ``segment_length=48`` (24 in its later
    scripts), ``dropout=0.5``, ``decoder="pmf"``, ``channel_embedding=True``,
    ``instance_norm=True``, trained with the MAE loss, Adam (lr 1e-3, kept for
    three epochs then multiplied by 0.8 each epoch), batch 256, at most 30
    epochs with early stopping on the validation loss; ``benchmarks/
    long_horizon.py`` trains it that way within a CPU budget.

    Parameters
    ----------
    input_width, horizon, n_features : int
        Input (batch, input_width, n_features), output (batch, horizon,
        n_features).
    segment_length : int or None, default=None
        Must divide ``input_width``. None: :func:`default_segment_length`.
        ``horizon`` needs no divisibility: the last segment is cut.
    units : int, default=64
        Embedding and GRU size (the paper's ``d_model``).
    dropout : float, default=0.0
        Dropout before the output projection.
    decoder : {"pmf", "rmf"}, default="pmf"
        Parallel multi-step forecasting (all output segments at once, each from
        the encoder state and its position) or recurrent multi-step forecasting
        (segment after segment, each predicted segment fed back). PMF is faster
        and, in the paper, more accurate; RMF is the ablation.
    channel_embedding : bool, default=True
        Let the PMF decoder know which channel it forecasts through a learned
        embedding (the paper's ``channel_id``); the weights stay shared, so the
        forecast of one channel still reads that channel's past only. Ignored by
        ``decoder="rmf"``.
    instance_norm : bool or "mean", default=True
        Subtract each channel's last value from its window, add it back to its
        forecast (as SegRNN does). ``"mean"`` subtracts the window's mean
        instead (RevIN's level without its scaling and affine parts).
    seed : int or None, default=None
    name : str or None, default=None
        Model name (default ``"segrnn"``).

    Returns
    -------
    keras.Model

    Examples
    --------
    >>> build_segrnn(48, 12, 2, units=8, seed=0).output_shape
    (None, 12, 2)
    >>> build_segrnn(48, 30, 2, units=8, decoder="rmf", seed=0).output_shape
    (None, 30, 2)
    """
    input_width = check_int("input_width", input_width)
    horizon = check_int("horizon", horizon)
    n_features = check_int("n_features", n_features)
    units = check_int("units", units)
    dropout = check_rate("dropout", dropout)
    if decoder not in DECODERS:
        raise ValueError(message("decoder", f"one of {list(DECODERS)}", decoder, ""))
    if instance_norm not in (True, False, "mean"):
        raise ValueError(
            message("instance_norm", "True, False or 'mean'", instance_norm, "")
        )
    if segment_length is None:
        segment_length = default_segment_length(input_width)
    segment_length = check_int("segment_length", segment_length)
    if input_width % segment_length:
        divisors = [d for d in range(1, input_width + 1) if input_width % d == 0]
        raise ValueError(
            f"`segment_length` must divide input_width={input_width}. "
            f"Got segment_length={segment_length!r}. Choose one of {divisors}."
        )
    values = keras.Input((input_width, n_features), name="values")
    x = values
    if instance_norm:
        reference = "mean" if instance_norm == "mean" else "last"
        norm = InstanceNorm(
            range(n_features), reference=reference, name="instance_norm"
        )
        x, level = norm(values)
    outputs = SegmentRNN(
        input_width,
        horizon,
        n_features,
        segment_length,
        units,
        dropout=dropout,
        decoder=decoder,
        channel_embedding=channel_embedding,
        seed=seed,
        name="segment_rnn",
    )(x)
    if instance_norm:
        outputs = AddLevel(name="add_level")([outputs, level])
    return keras.Model(values, outputs, name=name or "segrnn")
