"""The validated arguments of a windower: :class:`Spec` and :func:`check_spec`.

Both windowers (:class:`tsrnn.Windower` in memory and
:class:`tsrnn.data.parquet.ParquetWindower` out of core) check their arguments
once, in ``fit``, with :func:`check_spec`; the rest of the data layer reads the
resulting frozen :class:`Spec` and never re-checks an argument.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from tsrnn.core.validation import check_int, message
from tsrnn.data.calendar import CALENDAR

__all__ = ["FILL_METHODS", "NAN_POLICIES", "SCALE_BY", "WIDE_ID", "Spec", "check_spec"]

NAN_POLICIES = ("raise", "drop_windows", "ffill", "interpolate")
FILL_METHODS = ("ffill", "interpolate", "zero")
SCALE_BY = ("global", "series")
# The internal id of the one series of a wide frame.
WIDE_ID = 0


@dataclass(frozen=True)
class Spec:
    """The validated arguments of a windower.

    Examples
    --------
    >>> spec = check_spec({"input_width": 4, "horizon": 2, "gap": 1})
    >>> spec.span, spec.context, spec.target, spec.past
    (7, 5, None, ())
    """

    input_width: int
    horizon: int
    stride: int
    gap: int
    target: tuple | None
    past: tuple
    future: tuple
    calendar: tuple
    id_col: object
    time_col: object
    freq: pd.DateOffset | None
    fill_missing: str | None
    nan_policy: str
    scaler: object
    scale_by: str
    val_size: object
    test_size: object

    @property
    def span(self) -> int:
        """Rows of one window: ``input_width + gap + horizon``."""
        return self.input_width + self.gap + self.horizon

    @property
    def context(self) -> int:
        """Rows before a split that its first window reads: ``input_width + gap``."""
        return self.input_width + self.gap


# The defaults of tsrnn.Windower, for a caller that sets only some arguments
# (the ParquetWindower has no freq, fill_missing, nan_policy or scaler).
_DEFAULTS = {
    "horizon": 1,
    "stride": 1,
    "gap": 0,
    "target": None,
    "past_covariates": None,
    "future_covariates": None,
    "calendar": None,
    "id_col": None,
    "time_col": None,
    "freq": None,
    "fill_missing": None,
    "nan_policy": "raise",
    "scaler": None,
    "scale_by": "global",
    "val_size": None,
    "test_size": None,
}


def check_spec(params: dict) -> Spec:
    """Validate the arguments of a windower (its ``get_params()``).

    Arguments missing from ``params`` take the defaults of :class:`tsrnn.Windower`.
    """
    p = {**_DEFAULTS, **params}
    input_width = check_int("input_width", p["input_width"])
    horizon = check_int("horizon", p["horizon"])
    stride = check_int("stride", p["stride"])
    gap = check_int("gap", p["gap"], minimum=0)
    target = None if p["target"] is None else _names("target", p["target"])
    past = _names("past_covariates", p["past_covariates"], empty=True)
    future = _names("future_covariates", p["future_covariates"], empty=True)
    calendar = _names("calendar", p["calendar"], empty=True)
    for name in calendar:
        if name not in CALENDAR:
            raise ValueError(
                message("calendar", f"a list of names from {list(CALENDAR)}", name)
            )
    _no_overlap({"target": target or (), "past_covariates": past, "future": future})
    freq = p["freq"]
    if freq is not None:
        try:
            freq = to_offset(freq)
        except (ValueError, TypeError) as error:
            raise ValueError(
                message("freq", "a pandas frequency such as 'h', 'D' or 'MS'", freq)
            ) from error
    for name, allowed in (
        ("fill_missing", (None, *FILL_METHODS)),
        ("nan_policy", NAN_POLICIES),
        ("scale_by", SCALE_BY),
    ):
        if p[name] not in allowed:
            raise ValueError(message(name, f"one of {list(allowed)}", p[name]))
    scaler = p["scaler"]
    if scaler is not None and not all(
        callable(getattr(scaler, m, None)) for m in ("fit", "transform")
    ):
        raise TypeError(
            message(
                "scaler",
                "a scikit-learn transformer (with fit, transform, inverse_transform)",
                scaler,
                "Pass e.g. sklearn.preprocessing.StandardScaler().",
            )
        )
    if scaler is not None and not callable(getattr(scaler, "inverse_transform", None)):
        raise TypeError(
            message(
                "scaler",
                "invertible (have inverse_transform) so predictions map back",
                scaler,
            )
        )
    return Spec(
        input_width=input_width,
        horizon=horizon,
        stride=stride,
        gap=gap,
        target=target,
        past=past,
        future=future,
        calendar=calendar,
        id_col=p["id_col"],
        time_col=p["time_col"],
        freq=freq,
        fill_missing=p["fill_missing"],
        nan_policy=p["nan_policy"],
        scaler=scaler,
        scale_by=p["scale_by"],
        val_size=_split_size("val_size", p["val_size"]),
        test_size=_split_size("test_size", p["test_size"]),
    )


def _names(name: str, value, *, empty: bool = False) -> tuple:
    if empty and value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list | tuple | pd.Index) or not (len(value) or empty):
        raise TypeError(
            message(name, "a column name or a non-empty list of column names", value)
        )
    names = tuple(value)
    if len(set(names)) != len(names):
        raise ValueError(message(name, "a list without repeated names", value))
    return names


def _no_overlap(groups: dict) -> None:
    seen: dict = {}
    for group, names in groups.items():
        for column in names:
            if column in seen:
                raise ValueError(
                    f"Column {column!r} is listed in both `{seen[column]}` and "
                    f"`{group}`. A column plays one role; list it only once."
                )
            seen[column] = group


def _split_size(name: str, value):
    """None, a fraction in (0, 1), a positive row count, or a pd.Timestamp."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError(message(name, "a fraction, a row count or a timestamp", value))
    if isinstance(value, numbers.Integral):
        return check_int(name, value)
    if isinstance(value, numbers.Real):
        if not 0.0 < value < 1.0:
            raise ValueError(
                message(name, "a fraction strictly between 0 and 1", value)
            )
        return float(value)
    if isinstance(value, str | datetime | date | np.datetime64 | pd.Timestamp):
        try:
            return pd.Timestamp(value)
        except (ValueError, TypeError) as error:
            raise ValueError(message(name, "a parseable timestamp", value)) from error
    raise TypeError(
        message(
            name,
            "a fraction in (0, 1), a number of rows, or a timestamp",
            value,
            "Example: test_size=0.2, test_size=36 or test_size='1958-01-01'.",
        )
    )
