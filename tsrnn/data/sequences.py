"""Pad variable-length sequences into one array, with an explicit mask.

Recurrent models take a batch as one ``(n, timesteps, channels)`` array, but
real sequences (utterances, sessions, JapaneseVowels) differ in length.
:func:`pad_sequences` fills the gaps with ``value`` and returns a boolean mask
that is True on real steps, so that a model never has to guess which steps are
padding from their values (a real 0.0 and a padded 0.0 look the same)::

    lengths 3, 5, 2 with maxlen=4, padding="post", truncating="post"

    X[0]  [ a a a . ]      mask[0]  [ T T T F ]
    X[1]  [ b b b b ]      mask[1]  [ T T T T ]   (5th step cut: truncating="post")
    X[2]  [ c c . . ]      mask[2]  [ T T F F ]
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np

from tsrnn.core.validation import check_int

__all__ = ["pad_sequences"]

_SIDES = ("pre", "post")


def pad_sequences(
    sequences,
    *,
    maxlen: int | None = None,
    padding: str = "post",
    truncating: str = "post",
    value: float = 0.0,
    dtype="float32",
) -> tuple[np.ndarray, np.ndarray]:
    """Pad (and if needed truncate) sequences to one length; return data and mask.

    Parameters
    ----------
    sequences : list of array-like
        Each item has shape ``(length_i, channels)`` or ``(length_i,)`` (one
        channel). Every item needs at least one step and the same number of
        channels. The inputs are copied, never modified; values are kept as
        they are (NaN included: a model's own input check rejects them), but a
        finite value that ``dtype`` cannot hold raises instead of becoming inf.
    maxlen : int or None, default=None
        Length of the output. None uses the longest sequence.
    padding : {"post", "pre"}, default="post"
        Put the padding after ("post") or before ("pre") the real steps.
    truncating : {"post", "pre"}, default="post"
        For sequences longer than ``maxlen``: drop the steps at the end
        ("post", keep the first ``maxlen``) or at the start ("pre", keep the
        last ``maxlen``).
    value : float, default=0.0
        Fill value of the padded steps.
    dtype : str or numpy dtype, default="float32"
        Numeric dtype of ``X`` (floating or integer).

    Returns
    -------
    X : ndarray of shape (n, maxlen, channels)
        The padded sequences.
    mask : ndarray of bool, shape (n, maxlen)
        True on real steps, False on padding; ``X[i][mask[i]]`` is sequence
        ``i`` (after truncation).

    Examples
    --------
    >>> import numpy as np
    >>> X, mask = pad_sequences([np.array([1.0, 2.0, 3.0]), np.array([4.0])])
    >>> X[:, :, 0]
    array([[1., 2., 3.],
           [4., 0., 0.]], dtype=float32)
    >>> mask
    array([[ True,  True,  True],
           [ True, False, False]])
    >>> X, mask = pad_sequences([[1, 2, 3], [4]], maxlen=2, padding="pre",
    ...                         truncating="pre", value=-1)
    >>> X[:, :, 0]
    array([[ 2.,  3.],
           [-1.,  4.]], dtype=float32)
    """
    padding = _check_side("padding", padding)
    truncating = _check_side("truncating", truncating)
    dtype = _check_dtype(dtype)
    value = _check_value(value, dtype)
    arrays = _as_sequence_arrays(sequences, dtype)
    lengths = np.array([len(a) for a in arrays])
    if maxlen is None:
        maxlen = int(lengths.max())
    else:
        maxlen = check_int(
            "maxlen", maxlen, fix="Pass None to use the longest sequence."
        )

    n, channels = len(arrays), arrays[0].shape[1]
    X = np.full((n, maxlen, channels), value, dtype=dtype)
    mask = np.zeros((n, maxlen), dtype=bool)
    for i, array in enumerate(arrays):
        if len(array) > maxlen:
            array = array[:maxlen] if truncating == "post" else array[-maxlen:]
        steps = slice(0, len(array)) if padding == "post" else slice(-len(array), None)
        X[i, steps] = array
        mask[i, steps] = True
    return X, mask


def _check_side(name: str, side) -> str:
    if not isinstance(side, str) or side not in _SIDES:
        raise ValueError(
            f"`{name}` must be 'pre' or 'post'. Got {name}={side!r}. "
            f"Use {name}='post' to act on the end of each sequence, "
            f"{name}='pre' to act on its start."
        )
    return side


def _check_dtype(dtype) -> np.dtype:
    try:
        resolved = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(
            f"`dtype` must be a numeric numpy dtype. Got dtype={dtype!r}."
        ) from exc
    if resolved.kind not in "iuf":
        raise TypeError(
            f"`dtype` must be a floating or integer dtype. Got dtype={dtype!r}. "
            "Use dtype='float32' (the default) for model input."
        )
    return resolved


def _check_value(value, dtype: np.dtype):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`value` must be a real number. Got value={value!r}.")
    if dtype.kind in "iu" and not float(value).is_integer():
        raise ValueError(
            f"`value` must be an integer when dtype is {dtype}. Got value={value!r}. "
            "Pass an integer fill value or a floating dtype."
        )
    return value


def _as_sequence_arrays(sequences, dtype: np.dtype) -> list[np.ndarray]:
    if isinstance(sequences, str | bytes) or not isinstance(sequences, Iterable):
        raise TypeError(
            "`sequences` must be a list of arrays of shape (length, channels) "
            f"or (length,). Got sequences of type {type(sequences).__name__}."
        )
    items = list(sequences)
    if not items:
        raise ValueError(
            "`sequences` must hold at least one sequence. Got sequences=[]."
        )
    arrays = []
    for i, item in enumerate(items):
        array = np.asarray(item)
        name = f"sequences[{i}]"
        if array.dtype.kind not in "biuf":
            raise TypeError(
                f"`{name}` must hold numbers. Got {name} with dtype {array.dtype}."
            )
        if array.ndim == 1:
            array = array[:, np.newaxis]
        elif array.ndim != 2:
            raise ValueError(
                f"`{name}` must be 1-D (length,) or 2-D (length, channels). "
                f"Got {name} with shape {array.shape}."
            )
        if len(array) == 0:
            raise ValueError(
                f"`{name}` must have at least one time step. "
                f"Got {name} with shape {np.shape(item)}."
            )
        if arrays and array.shape[1] != arrays[0].shape[1]:
            raise ValueError(
                f"`{name}` must have the same number of channels as sequences[0] "
                f"({arrays[0].shape[1]}). Got {name} with shape {np.shape(item)}."
            )
        if not np.can_cast(array.dtype, dtype, casting="same_kind"):
            raise TypeError(
                f"`{name}` has dtype {array.dtype}, which cannot be stored as "
                f"{dtype} without losing the fractional part. Pass a floating "
                "`dtype` such as 'float32'."
            )
        if dtype.kind == "f" and array.dtype.kind == "f":
            limit = np.finfo(dtype).max
            overflow = (np.abs(array) > limit) & np.isfinite(array)
            if overflow.any():
                step, channel = (int(i) for i in np.argwhere(overflow)[0])
                raise ValueError(
                    f"`{name}` must fit in {dtype} (|value| <= {limit:.4g}). Got "
                    f"{float(array[step, channel])!r} at step {step}, channel "
                    f"{channel}. Rescale the sequences or pass a wider `dtype` "
                    "such as 'float64'."
                )
        arrays.append(array)
    return arrays
