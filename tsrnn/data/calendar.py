"""Calendar features: each as a sin/cos pair of its position in its cycle.

A feature such as the hour of the day is cyclic: hour 23 is as close to hour 0
as hour 1 is. Encoding it as the angle ``2 * pi * value / period`` and giving
both its sine and cosine keeps that closeness and puts every column in
[-1, 1], so calendar features need no scaling. They are computed from the
timestamps alone, hence known over any horizon (known-future inputs).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["CALENDAR", "calendar_columns", "calendar_features"]

# name -> (accessor on a DatetimeIndex, period or None for "days in the month")
CALENDAR = {
    "minute": ("minute", 60),
    "hour": ("hour", 24),
    "dayofweek": ("day_of_week", 7),
    "day": ("day", None),
    "dayofyear": ("day_of_year", None),
    "weekofyear": ("weekofyear", 53),
    "month": ("month", 12),
    "quarter": ("quarter", 4),
}


def calendar_columns(names) -> tuple:
    """Column names of the features ``names``: a ``{name}_sin``, ``{name}_cos`` pair.

    >>> calendar_columns(["hour", "month"])
    ('hour_sin', 'hour_cos', 'month_sin', 'month_cos')
    """
    return tuple(f"{name}_{part}" for name in names for part in ("sin", "cos"))


def calendar_features(index: pd.DatetimeIndex, names) -> np.ndarray:
    """sin/cos pairs of each calendar feature, shape (len(index), 2 * len(names)).

    ``index`` holds the timestamps in the data's own time zone, so that
    ``"hour"`` is the local hour. Values count from 0 (January is month 0).

    >>> index = pd.date_range("2024-01-01", periods=3, freq="6h")
    >>> calendar_features(index, ["hour"]).round(3).tolist()
    [[0.0, 1.0], [1.0, 0.0], [0.0, -1.0]]
    """
    columns = []
    for name in names:
        if name == "weekofyear":
            value = index.isocalendar().week.to_numpy(dtype=np.float64) - 1
            period = 53.0
        else:
            accessor, period = CALENDAR[name]
            value = getattr(index, accessor).to_numpy(dtype=np.float64)
            if name == "day":
                value, period = value - 1, index.days_in_month.to_numpy(np.float64)
            elif name == "dayofyear":
                value = value - 1
                period = 365.0 + index.is_leap_year.astype(np.float64)
            elif name in ("month", "quarter"):
                value = value - 1
        angle = 2 * np.pi * value / period
        columns += [np.sin(angle), np.cos(angle)]
    if not columns:
        return np.empty((len(index), 0))
    return np.column_stack(columns)
