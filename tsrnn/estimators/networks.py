"""The Keras networks the estimators train, built from their parameters.

Private to the estimator classes: each one's ``_build_network`` names its
network here and passes what its parameters mean for it (head, targets,
per-step outputs), then compiles it for its task.
"""

from __future__ import annotations

from tsrnn.nn.builders import build_dense, build_rnn
from tsrnn.nn.ensemble import average_models
from tsrnn.nn.fcn import build_rnn_fcn

__all__ = ["average_models", "dense_network", "recurrent_network", "rnn_fcn_network"]


def recurrent_network(
    estimator,
    values_shape,
    output_shape,
    *,
    masking,
    seed,
    output_activation=None,
    return_sequences=False,
    instance_norm=False,
):
    """:func:`tsrnn.build_rnn` with the recurrent settings of ``estimator``.

    ``estimator`` is an RNN estimator (``cell``, ``units``, ``bidirectional``,
    ``dropout``, ``recurrent_dropout``, ``layer_norm``); masked networks accept
    windows of any width.
    """
    return build_rnn(
        _input_shape(values_shape, masking),
        output_shape,
        **_recurrent_settings(estimator),
        layer_norm=estimator.layer_norm,
        return_sequences=return_sequences,
        masking=masking,
        output_activation=output_activation,
        instance_norm=instance_norm,
        seed=seed,
    )


def rnn_fcn_network(
    estimator,
    values_shape,
    output_shape,
    *,
    masking,
    seed,
    squeeze_excite,
    branch_dropout,
    segment_length,
    output_activation,
):
    """:func:`tsrnn.build_rnn_fcn` with the settings of an RNN-FCN ``estimator``.

    ``estimator`` has the recurrent settings of :func:`recurrent_network` and
    ``filters``, ``kernel_sizes`` and ``attention``; ``squeeze_excite``,
    ``branch_dropout`` and ``segment_length`` are resolved by the caller.
    """
    return build_rnn_fcn(
        _input_shape(values_shape, masking),
        output_shape,
        **_recurrent_settings(estimator),
        filters=estimator.filters,
        kernel_sizes=estimator.kernel_sizes,
        squeeze_excite=squeeze_excite,
        attention=estimator.attention,
        branch_dropout=branch_dropout,
        segment_length=segment_length,
        masking=masking,
        output_activation=output_activation,
        seed=seed,
    )


def _input_shape(values_shape, masking: bool) -> tuple:
    """(steps, n_features) of one window; masked networks take any width."""
    return (None if masking else values_shape[1], values_shape[2])


def _recurrent_settings(estimator) -> dict:
    """The recurrent-layer parameters every RNN estimator shares."""
    return dict(
        cell=estimator.cell,
        units=estimator.units,
        bidirectional=estimator.bidirectional,
        dropout=estimator.dropout,
        recurrent_dropout=estimator.recurrent_dropout,
    )


def dense_network(estimator, values_shape, output_shape, *, seed, output_activation):
    """:func:`tsrnn.build_dense` with the ``units`` and ``dropout`` of ``estimator``."""
    return build_dense(
        values_shape[1:],
        output_shape,
        units=estimator.units,
        dropout=estimator.dropout,
        output_activation=output_activation,
        seed=seed,
    )
