"""Step a probabilistic recurrent network one row at a time, carrying its state.

A many-to-one network reads its whole window for every output, so rolling it
forward (ancestral sampling) re-reads the window at every step: ``width``
recurrent steps per forecast step, for every path. Carrying the state instead
reads each window once, for all paths of a series together, and then one new
row per step and path, as DeepAR forecasts (Salinas et al. 2020): the state
after the window is the starting state of every path, and the window scale of
:class:`~tsrnn.nn.distributions.MeanScale` stays the one of the observed
window (DeepAR's scale of the conditioning range).

The first step is the network's forecast from the window, exactly. Later steps
differ from re-reading: the network sees the whole window plus the rows fed
since, not the last ``width`` rows, at the observed window's scale.

:func:`stepper` takes a network apart for this; it accepts the networks of
:func:`~tsrnn.nn.distributions.build_probabilistic` around
:func:`~tsrnn.nn.builders.build_rnn` with one-directional recurrent layers
(bidirectional ones read the window backwards and have no state to carry).
"""

from __future__ import annotations

from dataclasses import dataclass

import keras

__all__ = ["Stepper", "stepper"]

_BETWEEN = (keras.layers.LayerNormalization,)
_HEAD = (keras.layers.Dense, keras.layers.Reshape)


@dataclass(frozen=True)
class Stepper:
    """The layers of a probabilistic recurrent network, in the order a row meets them.

    Attributes
    ----------
    scale : MeanScale or UnitScale
        Scales the window and gives its scale; ``scale.rescale`` scales new rows.
    cells : tuple of keras cells
        One per recurrent layer, bottom first.
    between : tuple of tuples of layers
        Layers applied to each recurrent layer's output (layer normalization).
    head : tuple of layers
        From the last recurrent output to the raw parameters (Dense, Reshape).
    params : DistributionParams
    """

    scale: keras.layers.Layer
    cells: tuple
    between: tuple
    head: tuple
    params: keras.layers.Layer

    def initial_states(self, batch):
        """Zero states of every cell for ``batch`` rows."""
        return [list(cell.get_initial_state(batch)) for cell in self.cells]

    def step(self, row, states):
        """One scaled row ``(batch, n_inputs)`` through the cells: output, states."""
        x = row
        new_states = []
        for cell, between, state in zip(self.cells, self.between, states, strict=True):
            x, state = cell(x, state, training=False)
            new_states.append(
                list(state) if isinstance(state, list | tuple) else [state]
            )
            for layer in between:
                x = layer(x, training=False)
        return x, new_states

    def distribution(self, output, scale):
        """Parameters ``(batch, n_targets, n_params)`` of the next step."""
        raw = output
        for layer in self.head:
            raw = layer(raw)
        if len(raw.shape) == 2:  # an every-step network: no reshape to one step
            raw = raw[:, None, :]
        return self.params([raw, scale])[:, 0]


def stepper(model) -> Stepper | None:
    """The :class:`Stepper` of ``model``, or None when its state cannot be carried.

    ``model`` is a network of :func:`tsrnn.nn.distributions.build_probabilistic`
    around :func:`tsrnn.nn.builders.build_rnn`: window scaling, a chain of
    one-directional recurrent layers (optionally each followed by layer
    normalization), a Dense head and the distribution parameters. Anything
    else (bidirectional layers, other builders) gives None.
    """
    from tsrnn.nn.distributions import DistributionParams, MeanScale, UnitScale

    outer = [layer for layer in model.layers if not _is_input(layer)]
    if len(outer) != 3:
        return None
    scale, inner, params = outer
    if not (
        isinstance(scale, MeanScale | UnitScale)
        and isinstance(inner, keras.Model)
        and isinstance(params, DistributionParams)
    ):
        return None
    cells, between, head = [], [], []
    for layer in inner.layers:
        if _is_input(layer):
            continue
        if isinstance(layer, keras.layers.RNN) and not head:
            if layer.go_backwards or getattr(layer, "stateful", False):
                return None
            cells.append(layer.cell)
            between.append([])
        elif isinstance(layer, _BETWEEN) and cells and not head:
            between[-1].append(layer)
        elif isinstance(layer, _HEAD) and cells:
            head.append(layer)
        else:
            return None
    if not head:
        return None
    return Stepper(
        scale, tuple(cells), tuple(tuple(b) for b in between), tuple(head), params
    )


def _is_input(layer) -> bool:
    return isinstance(layer, keras.layers.InputLayer)
