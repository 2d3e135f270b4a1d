"""Argument checks of the Keras model builders, one per kind of argument.

Each check takes what the caller passed and returns it normalized (a cell class,
a list of units, a shape tuple) or raises with the error template of STYLE.md.
The builders of :mod:`tsrnn.nn.builders` and :func:`tsrnn.recursive_predict` call
them once, at their public entry, and hand checked values to private code.
"""

from __future__ import annotations

import numbers

import keras

from tsrnn.core.validation import check_int, message

__all__ = [
    "CELLS",
    "check_cell",
    "check_input_shape",
    "check_linear_activation",
    "check_output_shape",
    "check_rate",
    "check_target_index",
    "check_units",
]

CELLS = {
    "rnn": keras.layers.SimpleRNN,
    "lstm": keras.layers.LSTM,
    "gru": keras.layers.GRU,
}


def check_cell(cell):
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


def check_units(units, *, allow_empty=False):
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


def check_rate(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(message(name, "a float in [0, 1)", value, ""))
    if not 0.0 <= value < 1.0:
        raise ValueError(message(name, "a float in [0, 1)", value, ""))
    return float(value)


def check_input_shape(input_shape, *, allow_none_steps=True, name="input_shape"):
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


def check_output_shape(output_shape, *, allow_tuple=True):
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


def check_target_index(target_index, n_targets, n_features):
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


def check_linear_activation(output_activation):
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
