"""Time-ordered folds for backtests and search: :class:`TimeSeriesFold`.

Fold ``i`` of ``n_folds`` cuts every series at a *cutoff*: the model is fitted
on the rows up to and including the cutoff (all of them with
``window="expanding"``, the last ``window_size`` with ``"sliding"``) and
forecasts the ``horizon`` rows after it, which are then scored. Cutoffs count
from the end of each series: the last fold forecasts the last ``horizon`` rows,
and each earlier fold is ``step`` rows earlier::

    rows:  0 ........................................ T
    fold 0 [ train            ] cutoff [ forecast ]
    fold 1 [ train                 ] cutoff [ forecast ]     (step rows later)
    last   [ train                              ] cutoff [ forecast ]

So no fold ever trains on its own future. With ``refit=False`` the model is
fitted once, at the first cutoff, and later folds only forecast from the newer
data. The same object is passed as ``cv=`` to :func:`tsrnn.backtest` and
:func:`tsrnn.grid_search`, in the manner of skforecast's ``TimeSeriesFold``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tsrnn.core.validation import check_int, message, series_label

__all__ = ["Fold", "TimeSeriesFold"]

WINDOWS = ("expanding", "sliding")


@dataclass(frozen=True)
class Fold:
    """One fold, per series: train on rows ``[start, end)``, forecast after ``end``."""

    index: int
    start: np.ndarray
    end: np.ndarray
    refit: bool


@dataclass(frozen=True)
class TimeSeriesFold:
    """Expanding or sliding time-ordered folds; see the module docstring.

    Parameters
    ----------
    n_folds : int, default=5
    step : int, default=None
        Rows between consecutive cutoffs; ``None`` uses the horizon
        (non-overlapping forecasts).
    window : {"expanding", "sliding"}, default="expanding"
    window_size : int, default=None
        Training rows per fold with ``window="sliding"``; ``None`` uses the
        rows before the first cutoff (of the shortest series).
    refit : bool, default=True
        Refit at every fold, or fit once at the first cutoff.

    Examples
    --------
    >>> folds = TimeSeriesFold(n_folds=3, step=2).split([20], horizon=4)
    >>> [(int(f.start[0]), int(f.end[0])) for f in folds]
    [(0, 12), (0, 14), (0, 16)]
    >>> folds = TimeSeriesFold(3, step=2, window="sliding").split([20], horizon=4)
    >>> [(int(f.start[0]), int(f.end[0])) for f in folds]
    [(0, 12), (2, 14), (4, 16)]
    """

    n_folds: int = 5
    step: int | None = None
    window: str = "expanding"
    window_size: int | None = None
    refit: bool = True

    def split(self, lengths, horizon: int, ids=None) -> list[Fold]:
        """The folds of series of ``lengths`` rows, forecasting ``horizon`` steps.

        ``ids`` (the series ids of a long panel) only name a short series in
        the error.
        """
        n_folds = check_int("n_folds", self.n_folds)
        horizon = check_int("horizon", horizon)
        step = horizon if self.step is None else check_int("step", self.step)
        if self.window not in WINDOWS:
            raise ValueError(message("window", "'expanding' or 'sliding'", self.window))
        lengths = np.asarray(lengths, dtype=np.int64)
        first = lengths - horizon - (n_folds - 1) * step
        if (first < 1).any():
            k = int(np.flatnonzero(first < 1)[0])
            label = "" if ids is None else series_label(ids[k])
            raise ValueError(
                f"`n_folds` must leave training rows: {n_folds} folds of step "
                f"{step} and horizon {horizon} need more than "
                f"{horizon + (n_folds - 1) * step} rows. Got {int(lengths[k])} rows"
                f"{label}. Use fewer folds or a smaller step."
            )
        size = None
        if self.window == "sliding":
            size = int(first.min()) if self.window_size is None else self.window_size
            size = check_int("window_size", size)
        folds = []
        for index in range(n_folds):
            end = first + index * step
            start = np.zeros_like(end) if size is None else np.maximum(0, end - size)
            folds.append(Fold(index, start, end, refit=self.refit or index == 0))
        return folds
