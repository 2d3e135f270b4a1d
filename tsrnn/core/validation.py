"""Argument checks shared by every layer, with the error template of STYLE.md.

"`{name}` must be {rule}. Got {name}={value!r}." followed by the fix where known.
"""

from __future__ import annotations

import numbers

import numpy as np


def check_int(name: str, value, *, minimum: int = 1, fix: str = "") -> int:
    """Return ``value`` as ``int`` if it is an integer >= ``minimum``, else raise.

    Booleans are rejected: ``horizon=True`` is almost always a mistake.
    """
    rule = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(message(name, rule, value, fix))
    if value < minimum:
        raise ValueError(message(name, rule, value, fix))
    return int(value)


def message(name: str, rule: str, value, fix: str = "") -> str:
    """The one error template of STYLE.md: name, rule, what was received, fix."""
    text = f"`{name}` must be {rule}. Got {name}={plain(value)!r}."
    return f"{text} {fix}" if fix else text


def as_float_array(name: str, data, *, ndim: tuple[int, ...] | None) -> np.ndarray:
    """Convert ``data`` to a floating array without copying when it already is one.

    Integer and boolean input is converted to float64; object or string input
    raises a TypeError naming the argument. ``ndim=None`` accepts any shape.
    """
    array = np.asarray(data)
    if array.dtype.kind in "biu":
        array = array.astype(np.float64)
    elif array.dtype.kind != "f":
        raise TypeError(
            f"`{name}` must hold numbers. Got {name} with dtype {array.dtype}. "
            "Convert text or object columns to numbers first."
        )
    if ndim is not None and array.ndim not in ndim:
        shapes = " or ".join(f"{d}-D" for d in ndim)
        raise ValueError(
            f"`{name}` must be {shapes}. Got {name} with shape {array.shape}."
        )
    return array


def infer_freq(index):
    """The regular frequency of a DatetimeIndex as a DateOffset, or None.

    pandas >= 3.1 warns unless told to return an offset; older pandas has no such
    option and returns a string, which ``to_offset`` accepts too.
    """
    import pandas as pd
    from pandas.tseries.frequencies import to_offset

    if len(index) < 3:
        return None
    try:
        with pd.option_context("future.infer_freq_returns_offset", True):
            found = pd.infer_freq(index)
    except pd.errors.OptionError:
        found = pd.infer_freq(index)
    return None if found is None else to_offset(found)


def plain(value):
    """``value`` with numpy scalars as Python ones, so messages read ``'a'``, ``3``.

    ``repr(np.str_('a'))`` is ``"np.str_('a')"`` under numpy >= 2; error
    messages show what the caller wrote, not how numpy stores it.
    """
    return value.item() if isinstance(value, np.generic) else value


FLOAT32_MAX = float(np.finfo(np.float32).max)
FLOAT32_RULE = f"|x| <= {FLOAT32_MAX:.3g}"


def beyond_float32(array: np.ndarray) -> tuple[int, ...] | None:
    """Index of the first finite value that float32 would turn into inf, or None.

    Shared by every layer that casts float64 data to the float32 of the models,
    so that a finite 1e300 fails loudly instead of becoming inf.
    """
    array = np.asarray(array)
    if array.dtype.kind != "f" or array.dtype.itemsize <= 4:
        return None
    with np.errstate(invalid="ignore"):
        overflow = np.abs(array) > FLOAT32_MAX
    overflow &= np.isfinite(array)
    if not overflow.any():
        return None
    return tuple(int(i) for i in np.argwhere(overflow)[0])


def series_label(sid, *, named: bool = True) -> str:
    """`` of series 'a'`` for messages about one series of a panel, or nothing.

    ``named=False`` (a single wide series, whose id is internal) gives ``""`` so
    that messages never show an id the caller did not write.
    """
    return f" of series {plain(sid)!r}" if named else ""
