"""Checks of quantile levels and interval levels, shared by every layer.

A quantile level is a probability in (0, 1); a list of them must be strictly
increasing. An interval level is a coverage in percent, in (0, 100): ``level=80``
is the central 80 % interval between the quantiles 0.1 and 0.9.
"""

from __future__ import annotations

import numbers

import numpy as np

from tsrnn.core.validation import message

__all__ = ["check_levels", "check_quantiles", "level_quantiles", "requested_quantiles"]


def check_quantiles(quantiles, name: str = "quantiles") -> np.ndarray:
    """``quantiles`` as a 1-D float64 array, strictly increasing inside (0, 1).

    Examples
    --------
    >>> check_quantiles([0.1, 0.5, 0.9]).tolist()
    [0.1, 0.5, 0.9]
    >>> check_quantiles([0.9, 0.1])
    Traceback (most recent call last):
    ...
    ValueError: `quantiles` must be strictly increasing. Got quantiles=[0.9, 0.1]. ...
    """
    values = np.asarray(quantiles)
    shown = values.tolist() if values.ndim else quantiles
    if values.dtype.kind not in "fiu" or values.ndim > 1:
        raise TypeError(message(name, "a number or a list of numbers in (0, 1)", shown))
    values = np.atleast_1d(values).astype(np.float64)
    if values.size == 0:
        raise ValueError(message(name, "a non-empty list of numbers in (0, 1)", shown))
    if not np.all((values > 0) & (values < 1)):
        raise ValueError(
            message(
                name,
                "strictly between 0 and 1",
                shown,
                "Quantile levels are probabilities: 0.9, not 90.",
            )
        )
    if np.any(np.diff(values) <= 0):
        raise ValueError(
            message(
                name,
                "strictly increasing",
                shown,
                "Sort them and drop duplicates, e.g. sorted(set(quantiles)).",
            )
        )
    return values


def check_levels(level, name: str = "level") -> list[float]:
    """Interval coverages in percent, each in (0, 100), as a list of floats.

    Examples
    --------
    >>> check_levels([80, 95])
    [80.0, 95.0]
    >>> check_levels(100)
    Traceback (most recent call last):
    ...
    ValueError: `level` must be in percent, strictly between 0 and 100. ...
    """
    items = level if isinstance(level, list | tuple | np.ndarray) else [level]
    if len(items) == 0:
        raise ValueError(message(name, "a non-empty list of percents", list(items)))
    out = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, numbers.Real):
            raise TypeError(message(name, "a number or a list of numbers", level))
        if not 0 < item < 100:
            raise ValueError(
                message(
                    name,
                    "in percent, strictly between 0 and 100",
                    level,
                    "Example: level=[80, 95] for the 80 % and 95 % intervals.",
                )
            )
        out.append(float(item))
    return out


def level_quantiles(level: float) -> tuple[float, float]:
    """The lower and upper quantile of the central ``level`` % interval.

    >>> level_quantiles(80)
    (0.1, 0.9)
    """
    alpha = 1.0 - level / 100.0
    return round(alpha / 2, 12), round(1.0 - alpha / 2, 12)


def requested_quantiles(quantiles=None, level=None) -> tuple[np.ndarray, list[str]]:
    """Probabilities and column suffixes for exactly one of ``quantiles``, ``level``.

    ``quantiles`` gives suffixes ``q{q}``; ``level`` (percent) gives, per level,
    ``lower_{level}`` and ``upper_{level}`` at its central pair of quantiles.

    >>> requested_quantiles(level=[80])
    (array([0.1, 0.9]), ['lower_80', 'upper_80'])
    """
    if (quantiles is None) == (level is None):
        raise ValueError(
            "Exactly one of `quantiles` and `level` must be given. Got "
            f"quantiles={quantiles!r} and level={level!r}."
        )
    if quantiles is not None:
        probabilities = check_quantiles(quantiles)
        return probabilities, [f"q{q:g}" for q in probabilities]
    probabilities, names = [], []
    for percent in check_levels(level):
        probabilities += level_quantiles(percent)
        names += [f"lower_{percent:g}", f"upper_{percent:g}"]
    return np.array(probabilities), names
