"""Multi-step strategies: how a regressor is fitted on windows and forecasts steps.

A :class:`~tsrnn.Forecaster` chooses one strategy object once, from its
``strategy`` argument, and hands it the windows; the strategy knows what the
estimator can do from its declared capabilities
(:func:`tsrnn.estimators.capabilities.forecasting_tags`), never by sniffing it.

``Direct``
    One model forecasts all ``horizon`` steps at once (a longer horizon needs a
    refit). A 3-D estimator (``RNNRegressor``) reads windows (n, input_width,
    C) and its dense head outputs every step; a flat scikit-learn regressor
    reads flattened windows plus the known-future inputs of the horizon.
``Recursive``
    A one-step model rolled forward, feeding back its own forecasts, for any
    number of steps. Estimators that declare ``recursive`` roll in one traced
    loop (``predict_recursive``); others are rolled by the same loop in numpy.
``Seq2Seq``
    An encoder-decoder (``RNNRegressor(architecture="seq2seq")``) whose decoder
    reads the known-future inputs of each step.

Windows come from :class:`tsrnn.WindowSet`; forecasts are returned in the
windows' scaled units, shape (n, steps, n_targets).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.multioutput import MultiOutputRegressor
from sklearn.utils import get_tags

from tsrnn.estimators.capabilities import ForecastingTags

__all__ = ["STRATEGIES", "Direct", "Recursive", "Seq2Seq", "strategy_for"]


class Strategy:
    """What every strategy answers; see the module docstring."""

    name = ""
    reads_future_in_window = True  # flat features append the horizon's known inputs
    pads_short = False  # forecasts series shorter than input_width (predict_short)

    def __init__(self, tags: ForecastingTags):
        self.tags = tags

    def train_horizon(self, horizon: int) -> int:
        """Target steps of the training windows."""
        return horizon

    def max_steps(self, horizon: int) -> int | None:
        """Most steps one forecast may have (None: any)."""
        return horizon

    def ahead(self, steps: int, horizon: int) -> int:
        """Steps of known-future inputs a forecast of ``steps`` reads."""
        return horizon

    def check_inputs(self, future_columns: tuple, past_columns: tuple) -> None:
        """Raise when the estimator cannot read these inputs this way."""

    def fit(self, estimator, windows):
        """Fit a clone of ``estimator`` on ``windows``; return it."""
        estimator = clone(estimator)
        targets = windows.y.astype(np.float64)
        if self.tags.three_d_input:
            return estimator.fit(_inputs(windows), targets)
        flat = targets.reshape(len(targets), -1)
        if flat.shape[1] == 1:
            flat = flat[:, 0]
        elif not get_tags(estimator).target_tags.multi_output:
            estimator = MultiOutputRegressor(estimator)
        return estimator.fit(self._flat(windows), flat)

    def predict(self, estimator, windows, steps: int, horizon: int) -> np.ndarray:
        """Forecasts (n, steps, n_targets) in the windows' scaled units."""
        if self.tags.three_d_input:
            raw = estimator.predict(_inputs(windows))
        else:
            raw = estimator.predict(self._flat(windows))
        raw = np.asarray(raw, dtype=np.float64)
        return raw.reshape(len(windows), horizon, -1)[:, :steps]

    def _flat(self, windows) -> np.ndarray:
        """Flattened windows, then the known-future values of the horizon."""
        X = _inputs(windows)
        flat = X.reshape(len(X), -1)
        future = _future(windows)
        if not self.reads_future_in_window or future is None:
            return flat
        return np.hstack([flat, future.reshape(len(future), -1)])


class Direct(Strategy):
    name = "direct"
    pads_short = True

    def predict_short(self, estimator, sequences, steps: int, horizon: int):
        """Forecasts from inputs shorter than input_width (``short_inputs``)."""
        raw = np.asarray(estimator.predict(sequences), dtype=np.float64)
        return raw.reshape(len(sequences), horizon, -1)[:, :steps]

    def check_inputs(self, future_columns, past_columns) -> None:
        if self.tags.three_d_input and future_columns:
            raise ValueError(
                "`strategy` must be 'seq2seq' (or 'recursive') for a 3-D "
                f"estimator with known-future inputs {list(future_columns)}: the "
                "direct strategy's dense head cannot read them over the horizon. "
                "Got strategy='direct'. Use Forecaster(RNNRegressor(architecture="
                "'seq2seq'), strategy='seq2seq', ...), or a flat regressor."
            )


class Recursive(Strategy):
    name = "recursive"
    reads_future_in_window = False

    def train_horizon(self, horizon: int) -> int:
        return 1

    def max_steps(self, horizon: int) -> int | None:
        return None

    def ahead(self, steps: int, horizon: int) -> int:
        return steps

    def check_inputs(self, future_columns, past_columns) -> None:
        if past_columns:
            raise ValueError(
                "`covariates` must hold only future covariates with "
                "strategy='recursive' (past covariates are unknown beyond the "
                f"history). Got past covariates {list(past_columns)}. List "
                "them in future_covariates if they are known in advance, or use "
                "strategy='direct'."
            )

    def predict(self, estimator, windows, steps: int, horizon: int) -> np.ndarray:
        targets = windows.target_index
        future = _future(windows)
        if self.tags.recursive:
            return estimator.predict_recursive(
                _inputs(windows), steps, target_index=targets, future=future
            )
        window = _inputs(windows)
        out = np.empty((len(window), steps, len(targets)))
        for step in range(steps):
            features = (
                window if self.tags.three_d_input else window.reshape(len(window), -1)
            )
            pred = np.asarray(estimator.predict(features), dtype=np.float64)
            pred = pred.reshape(len(window), -1)
            out[:, step] = pred
            # A new row is the forecast targets plus the known-future columns of
            # that step (a recursive forecaster has no past covariates).
            row = np.zeros((len(window), window.shape[2]))
            row[:, targets] = pred
            if future is not None:
                row[:, windows.future_index] = future[:, step]
            window = np.concatenate([window[:, 1:], row[:, None]], axis=1)
        return out


class Seq2Seq(Strategy):
    name = "seq2seq"

    def fit(self, estimator, windows):
        targets = windows.y.astype(np.float64)
        return clone(estimator).fit(
            _inputs(windows), targets, X_future=_future(windows)
        )

    def predict(self, estimator, windows, steps: int, horizon: int) -> np.ndarray:
        raw = estimator.predict(_inputs(windows), X_future=_future(windows))
        raw = np.asarray(raw, dtype=np.float64)
        return raw.reshape(len(windows), horizon, -1)[:, :steps]


STRATEGIES = {cls.name: cls for cls in (Direct, Recursive, Seq2Seq)}


def strategy_for(name: str, estimator, tags: ForecastingTags) -> Strategy:
    """The strategy object called ``name`` for ``estimator``; raise if unknown."""
    if name not in STRATEGIES:
        raise ValueError(
            f"`strategy` must be one of {list(STRATEGIES)}. Got strategy={name!r}."
        )
    if name == "seq2seq" and not tags.future_inputs:
        raise TypeError(
            "`estimator` must be an encoder-decoder (a fit taking X_future) "
            f"with strategy='seq2seq'. Got estimator={estimator!r}. Use "
            "RNNRegressor(architecture='seq2seq', ...), or another strategy."
        )
    return STRATEGIES[name](tags)


def _inputs(windows) -> np.ndarray:
    return windows.X.astype(np.float64)


def _future(windows):
    """Known-future inputs over the horizon as float64, or None."""
    future = windows.X_future
    return None if future is None else future.astype(np.float64)
