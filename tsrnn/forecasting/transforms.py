"""Target transforms with exact inversion of forecasts: log, differencing, scaling.

A forecaster transforms the target history before cutting windows, the model
learns and forecasts in the transformed space, and the forecast is mapped back
to the original scale. A list of transforms is applied in order and inverted in
reverse order::

    original --Log--> log level --Difference(12)--> yearly change --Scale--> z
    forecast z  --unscale-->  --cumulative sum from the last 12 log values-->  --exp-->

Each transform works on one series at a time: a DataFrame with a time index and
one column per target. ``fit`` learns what it needs (the mean of :class:`Scale`,
nothing for :class:`Log`), ``transform`` maps a history (a :class:`Difference`
drops its first ``lag`` rows, which have no predecessor), and
``inverse_forecast`` maps values that continue a history back to the original
scale, using the last observed values where it needs them.

This module imports only numpy, pandas and scikit-learn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone

from tsrnn.core.validation import check_int

__all__ = [
    "Difference",
    "Log",
    "Scale",
    "TargetTransform",
    "TransformChain",
]


class TargetTransform(BaseEstimator):
    """Base class of target transforms; see the module docstring for the contract.

    Subclasses set ``elementwise`` (True when each value maps on its own, through
    an increasing function, so that interval bounds map exactly) and implement
    ``_forward``/``_backward`` (elementwise) or override ``transform`` and
    ``inverse_forecast``.
    """

    elementwise = True

    def fit(self, frame: pd.DataFrame):
        """Learn the transform from one series' history; return ``self``."""
        self.n_lost_ = 0
        return self

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Map a history to the transformed space (a new frame)."""
        return frame.apply(self._forward) if len(frame) else frame.copy()

    def inverse_forecast(self, values: pd.DataFrame, history: pd.DataFrame):
        """Map transformed values that follow ``history`` back to the original scale.

        ``history`` is the original-scale series the values continue; elementwise
        transforms ignore it.
        """
        return values.apply(self._backward) if len(values) else values.copy()

    def _forward(self, column: pd.Series) -> pd.Series:  # pragma: no cover
        raise NotImplementedError

    def _backward(self, column: pd.Series) -> pd.Series:  # pragma: no cover
        raise NotImplementedError


class Log(TargetTransform):
    """Natural logarithm ``log(y + offset)``; inverted by ``exp(z) - offset``.

    Turns multiplicative seasonality (airline passengers) into additive
    seasonality and makes prediction intervals grow with the level.

    Parameters
    ----------
    offset : float, default=0.0
        Added before the logarithm; ``y + offset`` must be positive everywhere.

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.DataFrame({"y": [1.0, 10.0, 100.0]})
    >>> Log().fit(y).transform(y)["y"].round(3).tolist()
    [0.0, 2.303, 4.605]
    """

    def __init__(self, offset: float = 0.0):
        self.offset = offset

    def fit(self, frame: pd.DataFrame):
        self._check_positive(frame)
        return super().fit(frame)

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        self._check_positive(frame)
        return super().transform(frame)

    def _check_positive(self, frame: pd.DataFrame) -> None:
        bad = frame.to_numpy(dtype=float) + self.offset <= 0
        if bad.any():
            row, col = np.argwhere(bad)[0]
            column, label = frame.columns[col], frame.index[row]
            raise ValueError(
                f"`{column}` must be > {0 - self.offset:g} everywhere for Log(offset="
                f"{self.offset}). Got {column}={float(frame.iat[row, col])!r} at "
                f"{label}. "
                "Pass Log(offset=...) large enough to make every value positive, "
                "or drop the Log transform."
            )

    def _forward(self, column):
        return np.log(column + self.offset)

    def _backward(self, column):
        return np.exp(column) - self.offset


class Scale(TargetTransform):
    """Standardize with the history's mean and standard deviation.

    A constant history is only centered (its scale is taken as 1).

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.DataFrame({"y": [1.0, 2.0, 3.0]})
    >>> Scale().fit(y).transform(y)["y"].round(4).tolist()
    [-1.2247, 0.0, 1.2247]
    """

    def fit(self, frame: pd.DataFrame):
        self.mean_ = frame.mean().to_numpy(dtype=float)
        std = frame.std(ddof=0).to_numpy(dtype=float)
        self.scale_ = np.where(std > 0, std, 1.0)
        return super().fit(frame)

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        return (frame - self.mean_) / self.scale_

    def inverse_forecast(self, values: pd.DataFrame, history: pd.DataFrame):
        return values * self.scale_ + self.mean_


class Difference(TargetTransform):
    """Differences at a lag: ``z[t] = y[t] - y[t - lag]``.

    ``lag=1`` removes a trend; ``lag=12`` on monthly data (``lag=24`` on hourly
    data, ...) is seasonal differencing. The first ``lag`` rows have no
    predecessor and are dropped from the transformed history. A forecast is
    inverted by the cumulative sum from the last ``lag`` observed values:
    ``y[T + h] = z[T + h] + y[T + h - lag]``.

    Parameters
    ----------
    lag : int, default=1
        Distance, in rows, between a value and the value it is compared to.

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.DataFrame({"y": [1.0, 2.0, 4.0, 7.0]})
    >>> Difference().fit(y).transform(y)["y"].tolist()
    [1.0, 2.0, 3.0]
    >>> future = pd.DataFrame({"y": [4.0, 5.0]}, index=[4, 5])
    >>> Difference().fit(y).inverse_forecast(future, history=y)["y"].tolist()
    [11.0, 16.0]
    """

    elementwise = False

    def __init__(self, lag: int = 1):
        self.lag = lag

    def fit(self, frame: pd.DataFrame):
        lag = check_int("lag", self.lag)
        if len(frame) <= lag:
            raise ValueError(
                f"`history` must have more than lag={lag} rows for Difference. Got "
                f"{len(frame)} rows. Use a smaller lag or a longer history."
            )
        super().fit(frame)
        self.n_lost_ = lag
        return self

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        return (frame - frame.shift(self.lag)).iloc[self.lag :]

    def inverse_forecast(self, values: pd.DataFrame, history: pd.DataFrame):
        lag = self.lag
        if len(history) < lag:
            raise ValueError(
                f"`history` must have at least lag={lag} rows to invert a "
                f"Difference. Got {len(history)} rows."
            )
        z = values.to_numpy(dtype=float)
        out = np.empty((len(z) + lag, z.shape[1]))
        out[:lag] = history.to_numpy(dtype=float)[-lag:]
        for step in range(len(z)):
            out[lag + step] = z[step] + out[step]
        return pd.DataFrame(out[lag:], index=values.index, columns=values.columns)


class TransformChain:
    """A list of target transforms fitted on one series, applied in order.

    Not a public estimator: the forecaster clones the user's transforms and fits
    one chain per series.

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.DataFrame({"y": [1.0, 2.0, 4.0, 8.0, 16.0]})
    >>> chain = TransformChain([Log(), Difference()]).fit(y.iloc[:3])
    >>> z = chain.transform(y).iloc[2:]        # the last two, in the log-change space
    >>> chain.inverse_forecast(z, history=y.iloc[:3])["y"].round(9).tolist()
    [8.0, 16.0]
    """

    def __init__(self, transforms):
        self.transforms = [clone(t) for t in transforms]

    def fit(self, frame: pd.DataFrame) -> TransformChain:
        for transform in self.transforms:
            frame = transform.fit(frame).transform(frame)
        self.n_lost_ = sum(t.n_lost_ for t in self.transforms)
        return self

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        for transform in self.transforms:
            frame = transform.transform(frame)
        return frame

    def inverse_forecast(
        self, values: pd.DataFrame, history: pd.DataFrame
    ) -> pd.DataFrame:
        """Map forecasts in the transformed space back to the original scale."""
        if not self.transforms:
            return values
        histories = [history]
        for transform in self.transforms[:-1]:
            histories.append(transform.transform(histories[-1]))
        for transform, past in zip(
            reversed(self.transforms), reversed(histories), strict=True
        ):
            values = transform.inverse_forecast(values, past)
        return values

    @property
    def n_elementwise(self) -> int:
        """How many leading transforms are elementwise and increasing."""
        count = 0
        for transform in self.transforms:
            if not transform.elementwise:
                break
            count += 1
        return count

    def to_level(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Apply the leading elementwise transforms: the space of the intervals."""
        for transform in self.transforms[: self.n_elementwise]:
            frame = transform.transform(frame)
        return frame

    def from_level(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Invert :meth:`to_level` (exact, and monotone, so bounds stay ordered)."""
        for transform in reversed(self.transforms[: self.n_elementwise]):
            frame = transform.inverse_forecast(frame, frame)
        return frame


def check_transforms(transforms) -> list:
    """Validate the ``transforms`` argument of a forecaster; return a list."""
    if transforms is None:
        return []
    if isinstance(transforms, TargetTransform):
        return [transforms]
    if not isinstance(transforms, list | tuple) or not all(
        isinstance(t, TargetTransform) for t in transforms
    ):
        raise TypeError(
            "`transforms` must be None, a transform or a list of transforms from "
            "tsrnn.forecasting.transforms (Log, Difference, Scale). Got "
            f"transforms={transforms!r}."
        )
    return list(transforms)
