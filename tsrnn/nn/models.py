"""Keras 3 model builders: recurrent, dense, encoder-decoder and SegRNN networks.

Every builder returns an uncompiled functional ``keras.Model`` that reads windows
(batch, timesteps, n_features) made by :func:`tsrnn.make_windows`; pass it to
:func:`compile_model` for the optimizer, loss and metrics of a task.
:func:`recursive_predict` rolls a one-step model forward over a longer horizon.

Output shapes, named after the problem they solve:

- many-to-one, ``output_shape=k``: (batch, k), one vector per window (a one-step
  forecast of k targets, or class scores with ``output_activation="softmax"``);
- many-to-one, ``output_shape=(horizon, n_targets)``: (batch, horizon, n_targets),
  a direct multi-step forecast (one Dense of ``horizon * n_targets`` units);
- many-to-many aligned, ``return_sequences=True``: (batch, timesteps, k), one
  output per input step.
"""

from __future__ import annotations

import numbers
import weakref

import keras
import numpy as np
import tensorflow as tf

from tsrnn.core.validation import as_float_array, check_int, message
from tsrnn.nn.layers import (
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
    "compile_model",
    "recursive_predict",
]

CELLS = {
    "rnn": keras.layers.SimpleRNN,
    "lstm": keras.layers.LSTM,
    "gru": keras.layers.GRU,
}
TASKS = ("regression", "classification", "binary")
SEGMENT_LENGTHS = (24, 12, 8, 6, 4, 3, 2)


# --------------------------------------------------------------------- checks


def _check_cell(cell):
    if not isinstance(cell, str):
        raise TypeError(message("cell", f"one of {sorted(CELLS)}", cell, ""))
    key = cell.lower()
    if key not in CELLS:
        raise ValueError(
            message(
                "cell",
                f"one of {sorted(CELLS)} (case-insensitive)",
                cell,
                "'rnn' is the Elman network (SimpleRNN).",
            )
        )
    return CELLS[key]


def _check_units(units, *, allow_empty=False):
    fix = "Pass a positive int, or a list of positive ints to stack layers."
    if isinstance(units, numbers.Integral) and not isinstance(units, bool):
        return [check_int("units", units, fix=fix)]
    if not isinstance(units, list | tuple) or (not units and not allow_empty):
        raise TypeError(
            message("units", "a positive int or a non-empty list of them", units, fix)
        )
    for value in units:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(message("units", "a list of positive ints", units, fix))
        if value < 1:
            raise ValueError(message("units", "a list of positive ints", units, fix))
    return [int(value) for value in units]


def _check_rate(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(message(name, "a float in [0, 1)", value, ""))
    if not 0.0 <= value < 1.0:
        raise ValueError(message(name, "a float in [0, 1)", value, ""))
    return float(value)


def _check_input_shape(input_shape, *, allow_none_steps=True, name="input_shape"):
    fix = "Pass (timesteps, n_features), e.g. (48, 3)."
    if not isinstance(input_shape, list | tuple) or len(input_shape) != 2:
        raise ValueError(
            message(name, "a pair (timesteps, n_features)", input_shape, fix)
        )
    steps, n_features = input_shape
    if steps is None:
        if not allow_none_steps:
            raise ValueError(
                message(
                    name,
                    "a pair with a fixed number of timesteps",
                    input_shape,
                    "This model flattens the window, so it needs the window "
                    "width: pass (input_width, n_features).",
                )
            )
    else:
        steps = check_int(f"{name}[0] (timesteps)", steps, fix=fix)
    n_features = check_int(f"{name}[1] (n_features)", n_features, fix=fix)
    return steps, n_features


def _check_output_shape(output_shape, *, allow_tuple=True):
    fix = (
        "Pass an int k for (batch, k) outputs or a pair (horizon, n_targets) "
        "for direct multi-step forecasts."
        if allow_tuple
        else "With return_sequences=True pass an int k: the output is "
        "(batch, timesteps, k)."
    )
    if isinstance(output_shape, numbers.Integral) and not isinstance(
        output_shape, bool
    ):
        return (check_int("output_shape", output_shape, fix=fix),)
    rule = "a positive int or a pair (horizon, n_targets) of positive ints"
    if not allow_tuple:
        raise TypeError(message("output_shape", "a positive int", output_shape, fix))
    if not isinstance(output_shape, list | tuple) or len(output_shape) != 2:
        raise TypeError(message("output_shape", rule, output_shape, fix))
    for value in output_shape:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(message("output_shape", rule, output_shape, fix))
        if value < 1:
            raise ValueError(message("output_shape", rule, output_shape, fix))
    return tuple(int(value) for value in output_shape)


def _check_target_index(target_index, n_targets, n_features):
    if target_index is None:
        if n_targets > n_features:
            raise ValueError(
                f"`target_index` is needed: the output has {n_targets} targets but "
                f"the input only {n_features} features. Got target_index=None."
            )
        return list(range(n_targets))
    index = (
        [target_index]
        if isinstance(target_index, numbers.Integral)
        else list(target_index)
    )
    rule = f"{n_targets} distinct feature positions in [0, {n_features})"
    if (
        len(index) != n_targets
        or len(set(index)) != len(index)
        or any(
            isinstance(i, bool) or not isinstance(i, numbers.Integral) for i in index
        )
        or any(not 0 <= i < n_features for i in index)
    ):
        raise ValueError(
            message(
                "target_index",
                rule,
                target_index,
                "List the input columns that hold the targets, in output order.",
            )
        )
    return [int(i) for i in index]


def _check_linear_activation(output_activation):
    if output_activation not in (None, "linear"):
        raise ValueError(
            message(
                "output_activation",
                "None or 'linear' when instance_norm=True",
                output_activation,
                "Instance normalization adds the window's level back to the "
                "output, which only makes sense for regression.",
            )
        )


# ------------------------------------------------------------- building blocks


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
    instance_norm : bool, default=False
        Per-window normalization for forecasting (RevIN without the learnable
        affine part, as in SegRNN): subtract each window's last value of the
        target features (the last *real* step under masking) from those input
        features, and add it back to every output. The network then learns the
        change from the last observation, which helps on long horizons and
        drifting levels. With ``return_sequences=True`` the window's first value
        is used instead, so the output at step t depends only on steps up to t.
        Needs a linear head.
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
    cell_cls = _check_cell(cell)
    steps, n_features = _check_input_shape(input_shape)
    output_shape = _check_output_shape(output_shape, allow_tuple=not return_sequences)
    layer_units = _check_units(units)
    dropout = _check_rate("dropout", dropout)
    recurrent_dropout = _check_rate("recurrent_dropout", recurrent_dropout)
    seeds = seed_stream(seed)

    values = keras.Input((steps, n_features), name="values")
    inputs = values
    mask = None
    if masking:
        mask = keras.Input((steps,), dtype="bool", name="mask")
        inputs = [values, mask]
    x = values
    if instance_norm:
        _check_linear_activation(output_activation)
        targets = _check_target_index(target_index, output_shape[-1], n_features)
        reference = "first" if return_sequences else "last"
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
    steps, n_features = _check_input_shape(input_shape, allow_none_steps=False)
    output_shape = _check_output_shape(output_shape)
    layer_units = _check_units(units, allow_empty=True)
    dropout = _check_rate("dropout", dropout)
    seeds = seed_stream(seed)

    values = keras.Input((steps, n_features), name="values")
    x = values
    if instance_norm:
        _check_linear_activation(output_activation)
        targets = _check_target_index(target_index, output_shape[-1], n_features)
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
    cell_cls = _check_cell(cell)
    steps, n_features = _check_input_shape(input_shape)
    horizon = check_int("horizon", horizon)
    n_targets = check_int("n_targets", n_targets)
    n_future_features = check_int("n_future_features", n_future_features, minimum=0)
    size = _check_units(units)
    if len(size) != 1:
        raise TypeError(message("units", "a positive int", units, ""))
    dropout = _check_rate("dropout", dropout)
    seeds = seed_stream(seed)

    past = keras.Input((steps, n_features), name="past")
    encoded = past
    if instance_norm:
        _check_linear_activation(output_activation)
        targets = _check_target_index(target_index, n_targets, n_features)
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
    instance_norm=True,
    seed=None,
    name=None,
):
    """Build a SegRNN network (Lin et al. 2023) for long-horizon forecasting.

    Channel-independent: each of the ``n_features`` series is forecast from its
    own past by shared weights. Each window is cut into segments of
    ``segment_length`` steps; each segment is embedded (``Dense(units, relu)``)
    and a GRU reads the ``input_width // segment_length`` segments, so it iterates
    over a few segments instead of every step. All output segments are decoded in
    parallel: each is one GRU step from the encoder's final state, fed a learned
    position embedding and a learned channel embedding, and projected to
    ``segment_length`` values (see :class:`tsrnn.nn.layers.SegmentRNN`).

    Parameters
    ----------
    input_width, horizon, n_features : int
        Input (batch, input_width, n_features), output (batch, horizon,
        n_features).
    segment_length : int or None, default=None
        Must divide ``input_width``. None: :func:`default_segment_length`.
        ``horizon`` needs no divisibility: the last segment is cut.
    units : int, default=64
        Embedding and GRU size.
    dropout : float, default=0.0
        Dropout before the output projection.
    instance_norm : bool, default=True
        Subtract each channel's last value from its window, add it back to its
        forecast (as SegRNN does).
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
    """
    input_width = check_int("input_width", input_width)
    horizon = check_int("horizon", horizon)
    n_features = check_int("n_features", n_features)
    units = check_int("units", units)
    dropout = _check_rate("dropout", dropout)
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
        x, level = InstanceNorm(range(n_features), name="instance_norm")(values)
    outputs = SegmentRNN(
        input_width,
        horizon,
        n_features,
        segment_length,
        units,
        dropout=dropout,
        seed=seed,
        name="segment_rnn",
    )(x)
    if instance_norm:
        outputs = AddLevel(name="add_level")([outputs, level])
    return keras.Model(values, outputs, name=name or "segrnn")


# ------------------------------------------------------------------ compiling


def _output_activation(model):
    for layer in reversed(model.layers):
        activation = getattr(layer, "activation", None)
        if activation is not None:
            return getattr(activation, "__name__", str(activation))
    return None


def _auto_jit(model):
    """Resolve ``jit_compile="auto"``: XLA only where it pays.

    Measured on this project's 2-core CPU machine (TF 2.21, Keras 3.15, shared
    with other jobs), LSTM(64) -> Dense(1), windows 48 x 4, batch 256:

    - steady-state training epoch of 16 full batches, no validation: 0.52 s
      without XLA, 0.39 s with XLA (GRU 0.63 s vs 0.54 s; with a mask 0.60 s vs
      0.51 s; with ``recurrent_dropout=0.1`` XLA was slower, 0.64 s vs 0.53 s);
    - a realistic fit (4096 windows, ``validation_split=0.1``, so a partial last
      batch, 8 epochs) then predict: 5.7-6.2 s without XLA, 9.5-10.1 s with
      XLA. XLA compiles the train, test and predict functions once per batch
      shape (3-4 s for the first epoch), and under load the later epochs were
      no faster (0.45-0.55 s vs 0.5-0.6 s).

    So on CPU "auto" means no XLA; on GPU Keras's own "auto" decides (it turns
    XLA off where cuDNN kernels run). Recurrent dropout always turns it off.
    """
    for layer in model._flatten_layers():
        if getattr(layer, "recurrent_dropout", 0):
            return False
    if tf.config.list_physical_devices("GPU"):
        return "auto"
    return False


def compile_model(
    model,
    *,
    task="regression",
    loss=None,
    learning_rate=1e-3,
    clipnorm=1.0,
    jit_compile="auto",
    metrics=None,
):
    """Compile ``model`` with Adam, gradient clipping and the loss of ``task``.

    Parameters
    ----------
    model : keras.Model
        Compiled in place and returned.
    task : {"regression", "classification", "binary"}, default="regression"
        Default loss and metrics: regression -> MSE (metric MAE);
        classification -> sparse categorical cross-entropy on integer labels
        (metric accuracy); binary -> binary cross-entropy on 0/1 labels (metric
        accuracy). Cross-entropies read logits unless the model's head ends in a
        softmax or sigmoid.
    loss : str, keras.losses.Loss or None, default=None
        Overrides the task's loss.
    learning_rate : float, default=1e-3
    clipnorm : float or None, default=1.0
        Gradient clipping by norm (RNNs can have exploding gradients); None
        turns it off.
    jit_compile : bool or "auto", default="auto"
        XLA compilation. "auto": off on CPU (measured: the compile time
        outweighs the gain, see ``_auto_jit``) and with recurrent dropout;
        on GPU, Keras's choice.
    metrics : list or None, default=None
        Overrides the task's metrics.

    Returns
    -------
    keras.Model

    Examples
    --------
    >>> model = compile_model(build_rnn((8, 1), 1, units=4), learning_rate=0.01)
    >>> float(model.optimizer.clipnorm)
    1.0
    """
    if task not in TASKS:
        raise ValueError(message("task", f"one of {list(TASKS)}", task, ""))
    if jit_compile not in (True, False, "auto"):
        raise ValueError(
            message("jit_compile", "True, False or 'auto'", jit_compile, "")
        )
    if clipnorm is not None and (
        isinstance(clipnorm, bool)
        or not isinstance(clipnorm, numbers.Real)
        or clipnorm <= 0
    ):
        raise ValueError(message("clipnorm", "a positive float or None", clipnorm, ""))
    from_logits = _output_activation(model) not in ("softmax", "sigmoid")
    if loss is None:
        loss = {
            "regression": keras.losses.MeanSquaredError(),
            "classification": keras.losses.SparseCategoricalCrossentropy(
                from_logits=from_logits
            ),
            "binary": keras.losses.BinaryCrossentropy(from_logits=from_logits),
        }[task]
    if metrics is None:
        metrics = {
            "regression": ["mae"],
            "classification": ["accuracy"],
            "binary": [
                keras.metrics.BinaryAccuracy(threshold=0.0 if from_logits else 0.5)
            ],
        }[task]
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate, clipnorm=clipnorm)
    if jit_compile == "auto":
        jit_compile = _auto_jit(model)
    model.compile(
        optimizer=optimizer, loss=loss, metrics=metrics, jit_compile=jit_compile
    )
    return model


# ----------------------------------------------------------------- forecasting


def recursive_predict(model, X, steps, *, target_index=None, future=None):
    """Forecast ``steps`` ahead by feeding a one-step model its own predictions.

    For each window of ``X``: predict the next step, write the prediction into
    the target columns of a new row (the other columns from ``future``), append
    the row, drop the oldest one, and repeat ``steps`` times. The window keeps the
    width the model was trained on, and the weights stay the same.

    Parameters
    ----------
    model : keras.Model
        One input (batch, width, n_features); output (batch, n_targets) or
        (batch, 1, n_targets).
    X : array-like of shape (batch, width, n_features)
        The last observed windows. Not modified.
    steps : int
        Number of steps to forecast.
    target_index : int, sequence of int or None, default=None
        Columns of ``X`` that the model's outputs fill, in output order. None:
        the first ``n_targets`` columns.
    future : array-like of shape (batch, steps, n_features - n_targets) or None
        Values of the non-target columns (known-future covariates), in column
        order, at the time of each forecast step: ``future[:, i]`` goes into the
        row of forecast ``i``. Required when the model has non-target inputs
        (the last row is not used by a one-step model, but keeps the shapes
        aligned with the forecast).

    Returns
    -------
    numpy.ndarray of shape (batch, steps, n_targets)

    Examples
    --------
    >>> import numpy as np
    >>> model = build_rnn((8, 1), 1, units=4, seed=0)
    >>> recursive_predict(model, np.zeros((2, 8, 1)), 5).shape
    (2, 5, 1)
    """
    if len(model.inputs) != 1:
        raise ValueError(
            f"`model` must have one input (the window). Got a model with "
            f"{len(model.inputs)} inputs. Masked or encoder-decoder models "
            "forecast several steps directly; call model.predict instead."
        )
    X = as_float_array("X", X, ndim=(3,))
    steps = check_int("steps", steps)
    width, n_features = X.shape[1:]
    expected = model.inputs[0].shape
    if (expected[1] is not None and expected[1] != width) or expected[2] != n_features:
        raise ValueError(
            f"`X` must be windows of shape (batch, {expected[1]}, {expected[2]}) "
            f"like the model's input. Got X with shape {X.shape}."
        )
    out_shape = model.output_shape
    if (len(out_shape) == 3 and out_shape[1] != 1) or len(out_shape) not in (2, 3):
        raise ValueError(
            "`model` must be a one-step model with output (batch, n_targets) or "
            f"(batch, 1, n_targets). Got output shape {out_shape}."
        )
    n_targets = out_shape[-1]
    targets = _check_target_index(target_index, n_targets, n_features)
    others = [i for i in range(n_features) if i not in targets]
    if others:
        if future is None:
            raise ValueError(
                f"`future` is required: the model reads {len(others)} non-target "
                f"feature(s) (columns {others}) whose future values it cannot "
                "predict. Got future=None. Pass their known future values, shape "
                f"(batch, steps, {len(others)})."
            )
        future = as_float_array("future", future, ndim=(3,))
        if future.shape != (X.shape[0], steps, len(others)):
            raise ValueError(
                f"`future` must have shape {(X.shape[0], steps, len(others))} "
                f"(batch, steps, non-target features). Got future with shape "
                f"{future.shape}."
            )
    # Column permutation that puts [targets, others] back in input order.
    order = tuple(int(i) for i in np.argsort(np.array(targets + others)))
    dtype = model.inputs[0].dtype
    window = tf.convert_to_tensor(X, dtype=dtype)
    if others:
        ahead = tf.convert_to_tensor(future, dtype=dtype)
    else:
        ahead = tf.zeros((X.shape[0], steps, 0), dtype=dtype)
    roll = _rolling_function(model, n_targets, order)
    return roll(window, ahead).numpy()


# One compiled rolling loop per (model, target layout): eager Keras calls cost
# tens of milliseconds per step, a traced loop a fraction of that.
_ROLLS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _rolling_function(model, n_targets: int, order: tuple):
    cache = _ROLLS.setdefault(model, {})
    key = (n_targets, order)
    if key not in cache:
        permutation = tf.constant(order, dtype=tf.int32)

        @tf.function(reduce_retracing=True)
        def roll(window, ahead):
            steps = tf.shape(ahead)[1]
            predictions = tf.TensorArray(window.dtype, size=steps)
            for step in tf.range(steps):
                y = tf.reshape(model(window, training=False), (-1, n_targets))
                y = tf.cast(y, window.dtype)
                predictions = predictions.write(step, y)
                row = tf.concat([y, ahead[:, step]], axis=1)
                row = tf.gather(row, permutation, axis=1)
                window = tf.concat([window[:, 1:], row[:, None, :]], axis=1)
            return tf.transpose(predictions.stack(), (1, 0, 2))

        cache[key] = roll
    return cache[key]
