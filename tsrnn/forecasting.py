"""Pandas in, pandas out: :class:`Forecaster` wraps any regressor into a forecaster.

``Forecaster(estimator, input_width, horizon)`` takes a history (a Series, a
wide DataFrame with a DatetimeIndex, or a long frame of many series), cuts it
into windows with :class:`tsrnn.Windower`, fits ``estimator`` on them, and
forecasts the ``horizon`` steps after the history as a DataFrame indexed by
the future timestamps. A user never writes window code.

Estimators
    tsrnn estimators (``RNNRegressor``, ``DenseRegressor``: their scikit-learn
    tags declare 3-D input) get windows ``X`` of shape (n, input_width, C) and
    targets (n, horizon, k). Any other scikit-learn regressor (``Ridge`` is the
    linear baseline) gets flattened windows (n, input_width * C) and targets
    (n, horizon * k); a regressor without multi-output support is wrapped in
    ``MultiOutputRegressor``.

Strategies
    ``"direct"``: one model forecasts all ``horizon`` steps at once (a longer
    horizon needs a refit). ``"recursive"``: a one-step model is rolled forward,
    feeding back its own forecasts, for any horizon (Keras estimators roll with
    :func:`tsrnn.recursive_predict`, others with the same loop in numpy).
    ``tsrnn.estimators`` exposes no encoder-decoder option yet, so there is no
    ``"seq2seq"`` strategy; an RNN with the direct strategy is the multi-output
    model (its last state feeds a dense head over all steps).

Covariates
    ``fit(y, covariates=frame)`` joins ``frame`` to the history by timestamp (and
    series). ``future_covariates`` name the columns known in advance: the model
    sees them over the horizon too (as extra time steps, flagged by an indicator
    column, for 3-D estimators; as extra features for flat ones), so
    ``predict`` needs them over the horizon. Other columns are past covariates,
    seen up to the forecast origin only.

Outputs
    ``predict`` returns one row per future timestamp. A single series is
    indexed by its timestamps; many series by a MultiIndex (series id, time),
    named after ``id_col`` and the time column. Columns are the targets, then,
    when ``level`` is set, ``{target}_lower`` and ``{target}_upper``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.multioutput import MultiOutputRegressor
from sklearn.utils import get_tags
from sklearn.utils.validation import check_is_fitted

from ._validation import check_int
from .frames import Windower
from .intervals import check_level, conformal_quantiles, min_calibration_size
from .transforms import TransformChain, check_transforms

__all__ = ["Forecaster"]

STRATEGIES = ("direct", "recursive")
WIDE = 0


@dataclass
class _History:
    """The caller's history split by series: ``sid -> frame`` (time index)."""

    series: dict
    targets: tuple
    covariates: tuple
    time_name: object
    long: bool
    future: dict | None = None


class Forecaster(BaseEstimator):
    """Forecast the next ``horizon`` steps of one or many series with a regressor.

    Parameters
    ----------
    estimator : regressor
        A tsrnn estimator (``RNNRegressor``, ``DenseRegressor``) or any
        scikit-learn regressor (fitted on flattened windows). Cloned in ``fit``.
    input_width : int, default=24
        Past steps the model reads for each forecast.
    horizon : int, default=1
        Steps forecast by ``predict`` (and, for ``strategy="direct"``, the most
        it can forecast without a refit).
    strategy : {"direct", "recursive"}, default="direct"
        Multi-step strategy; see the module docstring.
    transforms : transform or list of transforms, default=None
        Target transforms from :mod:`tsrnn.transforms` (``Log``, ``Difference``,
        ``Scale``), fitted per series and applied in order; forecasts and
        interval bounds are mapped back exactly.
    target : str or list of str, default=None
        Target columns; ``None`` takes every numeric column of the history that
        is not a covariate (the name of a Series).
    future_covariates : list of str, default=None
        Columns of ``covariates`` known over the horizon. The other columns of
        ``covariates`` are past covariates.
    id_col : str, default=None
        Series id column of a long history; ``None`` reads one (wide) series.
    time_col : str, default=None
        Timestamp column; ``None`` uses the DatetimeIndex.
    freq : str, default=None
        Frequency; ``None`` infers it.
    scaler : scikit-learn transformer, default=None
        Scales model inputs and targets column-wise (fitted on training rows);
        e.g. ``StandardScaler()`` for neural networks with covariates.
    level : float, default=None
        Coverage of split-conformal prediction intervals (0.9: 90 %); ``None``
        gives point forecasts only. See :mod:`tsrnn.intervals`.
    calibration_size : int, default=None
        Rows at the end of each series held out to calibrate the intervals
        (the model is then refitted on everything). ``None``: ``horizon`` plus
        twice the fewest errors the conformal quantile needs, plus one (55
        for ``horizon=36, level=0.9``).

    Attributes
    ----------
    estimator_ : regressor
        The fitted clone of ``estimator``.
    windower_ : Windower
        Fitted on the transformed history.
    target_columns_ : tuple of str
    covariate_columns_ : tuple of str
        Columns of ``covariates`` seen in fit, in order.
    series_ids_ : list
        Series ids (``[0]`` for one wide series).
    freq_ : pandas.DateOffset
    interval_width_ : dict or None
        ``series id -> ndarray (horizon, n_targets)``: conformal half-widths in
        the level space of each series.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sklearn.linear_model import Ridge
    >>> index = pd.date_range("2024-01-01", periods=60, freq="D")
    >>> y = pd.Series(np.sin(np.arange(60) / 3) + 5, index=index, name="load")
    >>> forecaster = Forecaster(Ridge(), input_width=12, horizon=3).fit(y)
    >>> forecast = forecaster.predict()
    >>> forecast.index.strftime("%Y-%m-%d").tolist(), forecast.columns.tolist()
    (['2024-03-01', '2024-03-02', '2024-03-03'], ['load'])
    """

    def __init__(
        self,
        estimator,
        input_width=24,
        horizon=1,
        *,
        strategy="direct",
        transforms=None,
        target=None,
        future_covariates=None,
        id_col=None,
        time_col=None,
        freq=None,
        scaler=None,
        level=None,
        calibration_size=None,
    ):
        self.estimator = estimator
        self.input_width = input_width
        self.horizon = horizon
        self.strategy = strategy
        self.transforms = transforms
        self.target = target
        self.future_covariates = future_covariates
        self.id_col = id_col
        self.time_col = time_col
        self.freq = freq
        self.scaler = scaler
        self.level = level
        self.calibration_size = calibration_size

    # ------------------------------------------------------------------ public

    def fit(self, y, covariates=None):
        """Fit on the whole history ``y`` (and ``covariates``); return ``self``.

        Parameters
        ----------
        y : Series, DataFrame
            A Series or wide DataFrame with a DatetimeIndex (or ``time_col``),
            or a long frame with ``id_col`` and ``time_col``. Not modified.
        covariates : DataFrame, default=None
            Extra inputs on the same time grid (long, with ``id_col``, for a long
            history); rows beyond the history are ignored here. Not modified.
        """
        self._check_params()
        history = self._read(y, covariates, fitting=True)
        self.target_columns_ = history.targets
        self.covariate_columns_ = history.covariates
        self.series_ids_ = list(history.series)
        self._long = history.long
        self._time_name = history.time_name
        self._chains = {}
        self._fit_on(history)
        self.interval_width_ = None
        if self._level is not None:
            self.interval_width_ = self._calibrate(history)
        self.history_ = history
        return self

    def predict(self, horizon=None, *, covariates=None, history=None):
        """Forecast the ``horizon`` steps after the end of the history.

        Parameters
        ----------
        horizon : int, default=None
            Steps to forecast; ``None`` uses ``self.horizon``. The direct
            strategy cannot forecast beyond the horizon it was fitted for.
        covariates : DataFrame, default=None
            Future covariates over the forecast steps (and past covariates over
            the history, when ``history`` is given). Not modified.
        history : Series or DataFrame, default=None
            Forecast from the end of this history (same layout and columns as
            in fit) instead of the fitted one, without refitting.

        Returns
        -------
        DataFrame
            Indexed by the future timestamps (MultiIndex (series, time) for many
            series); columns: the targets, then ``{target}_lower`` and
            ``{target}_upper`` when ``level`` is set.
        """
        check_is_fitted(self, "estimator_")
        steps = self.horizon if horizon is None else horizon
        steps = check_int("horizon", steps)
        if self.strategy == "direct" and steps > self._horizon:
            raise ValueError(
                f"`horizon` must be at most {self._horizon}, the horizon this "
                f"direct forecaster was fitted for. Got horizon={steps}. Refit with "
                f"Forecaster(..., horizon={steps}) or use strategy='recursive'."
            )
        if history is None:
            base = self.history_
            if covariates is not None:
                base = self._with_covariates(base, covariates, fitting=False)
        else:
            base = self._read(history, covariates, fitting=False)
        origins = {sid: [len(_series_of(base, sid))] for sid in base.series}
        paths = self._forecast(base, origins, steps)
        return self._to_frame(paths, base)

    # ------------------------------------------------------------ fitting core

    def _check_params(self):
        self._width = check_int("input_width", self.input_width)
        self._horizon = check_int("horizon", self.horizon)
        if self.strategy not in STRATEGIES:
            raise ValueError(
                f"`strategy` must be one of {list(STRATEGIES)}. Got "
                f"strategy={self.strategy!r}. (No encoder-decoder strategy: the "
                "tsrnn estimators have no seq2seq option yet.)"
            )
        self._transforms = check_transforms(self.transforms)
        self._level = check_level(self.level)
        if self.estimator is None or not callable(getattr(self.estimator, "fit", None)):
            raise TypeError(
                "`estimator` must be a regressor with fit and predict. Got "
                f"estimator={self.estimator!r}. Example: Forecaster(Ridge(), ...)."
            )

    @property
    def _train_horizon(self) -> int:
        return 1 if self.strategy == "recursive" else self._horizon

    def _fit_on(self, history: _History) -> None:
        """Fit transforms, windower and estimator on ``history``."""
        lost = 0
        for sid, frame in history.series.items():
            chain = TransformChain(self._transforms)
            need = self._width + self._train_horizon
            n_lost = _n_lost(self._transforms)
            if len(frame) < need + n_lost:
                raise ValueError(
                    f"The history{_label(sid, history)} must have at least "
                    f"input_width + horizon{' + lags of Difference' if n_lost else ''}"
                    f" = {need + n_lost} rows. Got {len(frame)} rows. Use a shorter "
                    "input_width or horizon, or a longer history."
                )
            self._chains[sid] = chain.fit(frame[list(history.targets)])
            lost = chain.n_lost_
        self._n_lost = lost
        self.windower_ = Windower(
            self._width,
            self._train_horizon,
            target=list(history.targets),
            past_covariates=list(self._past(history)) or None,
            future_covariates=list(self._future(history)) or None,
            id_col=_ID if history.long else None,
            time_col=None,
            freq=self.freq,
            scaler=self.scaler,
        )
        frame = self._windower_frame(self._transformed(history))
        windows = self.windower_.fit(frame).transform(frame)
        self.freq_ = self.windower_.freq_
        if self.strategy == "recursive" and self._past(history):
            raise ValueError(
                "`covariates` must hold only future covariates with "
                "strategy='recursive' (past covariates are unknown beyond the "
                f"history). Got past covariates {list(self._past(history))}. List "
                "them in future_covariates if they are known in advance, or use "
                "strategy='direct'."
            )
        estimator = clone(self.estimator)
        self._three_d = _supports_3d(estimator)
        features = self._features(windows, np.arange(len(windows)))
        targets = windows.y.astype(np.float64)
        if self._three_d:
            estimator.fit(features, targets)
        else:
            flat = targets.reshape(len(targets), -1)
            if flat.shape[1] == 1:
                flat = flat[:, 0]
            elif not get_tags(estimator).target_tags.multi_output:
                estimator = MultiOutputRegressor(estimator)
            estimator.fit(features, flat)
        self.estimator_ = estimator
        self.n_features_in_ = windows.X.shape[-1]

    def _past(self, history) -> tuple:
        future = set(self._future(history))
        return tuple(c for c in history.covariates if c not in future)

    def _future(self, history) -> tuple:
        return tuple(self.future_covariates or ())

    def _transformed(self, history: _History) -> dict:
        """Per series: transformed targets with the covariates of the same rows."""
        out = {}
        for sid, frame in history.series.items():
            targets = self._chains[sid].transform(frame[list(history.targets)])
            covariates = frame.loc[targets.index, list(history.covariates)]
            out[sid] = pd.concat([targets, covariates], axis=1)
        return out

    def _windower_frame(self, series: dict) -> pd.DataFrame:
        if not self._long:
            return series[WIDE]
        parts = [frame.assign(**{_ID: sid}) for sid, frame in series.items()]
        return pd.concat(parts)

    def _features(self, windows, rows) -> np.ndarray:
        X = windows.X[rows].astype(np.float64)
        future = None
        if self.strategy == "direct" and windows.X_future is not None:
            future = windows.X_future[rows].astype(np.float64)
        if self._three_d:
            if future is None:
                return X
            # Known-future inputs as extra time steps after the window: the
            # future columns hold their values, the others 0, and a last column
            # flags the future steps.
            n, steps = len(X), future.shape[1]
            ahead = np.zeros((n, steps, X.shape[2]))
            ahead[:, :, windows.future_index] = future
            flag = np.concatenate(
                [np.zeros((n, X.shape[1], 1)), np.ones((n, steps, 1))], axis=1
            )
            return np.concatenate([np.concatenate([X, ahead], axis=1), flag], axis=2)
        flat = X.reshape(len(X), -1)
        if future is None:
            return flat
        return np.hstack([flat, future.reshape(len(future), -1)])

    # ----------------------------------------------------------- forecasting

    def _forecast(
        self, history: _History, origins: dict, steps: int, *, strict=True
    ) -> list:
        """Forecast ``steps`` from each origin (rows of the original history).

        ``origins`` maps a series id to row counts ``p``: forecast from the
        history's first ``p`` rows. Returns a list of ``(sid, p, times, values)``
        with values of shape (steps, n_targets) in the original scale.
        """
        extended = {}
        for sid, frame in history.series.items():
            extended[sid] = self._extend(history, sid, frame, steps, strict=strict)
        windows = self.windower_.transform(self._windower_frame(extended))
        first = {}
        for i, sid in enumerate(windows.series_id.tolist()):
            first.setdefault(sid, i)
        rows, keys = [], []
        for sid, counts in origins.items():
            for p in counts:
                rows.append(first[sid] + p - self._n_lost - self._width)
                keys.append((sid, p))
        rows = np.asarray(rows, dtype=np.int64)
        if self.strategy == "direct":
            raw = self._predict_model(self._features(windows, rows))
            raw = raw.reshape(len(rows), self._horizon, -1)[:, :steps]
        else:
            raw = self._roll(windows, rows, steps)
        ids = windows.series_id[rows]
        scaled_back = windows.inverse_transform_y(raw, series_id=ids)
        if scaled_back.ndim == 2:
            scaled_back = scaled_back[..., None]
        paths = []
        freq = self.freq_
        for (sid, p), values in zip(keys, scaled_back, strict=True):
            past = history.series[sid].iloc[:p][list(self.target_columns_)]
            times = pd.date_range(past.index[-1], periods=steps + 1, freq=freq)[1:]
            frame = pd.DataFrame(
                values, index=times, columns=list(self.target_columns_)
            )
            paths.append((sid, p, self._chains[sid].inverse_forecast(frame, past)))
        return paths

    def _predict_model(self, features) -> np.ndarray:
        return np.asarray(self.estimator_.predict(features), dtype=np.float64)

    def _roll(self, windows, rows, steps) -> np.ndarray:
        """Recursive forecasts (len(rows), steps, n_targets) in scaled units."""
        width = self._width
        targets = windows.target_index
        starts = windows.starts[rows]
        ahead = windows.values[starts[:, None] + width + np.arange(steps)]
        model = getattr(self.estimator_, "model_", None)
        if (
            self._three_d
            and model is not None
            and len(getattr(model, "inputs", ())) == 1
        ):
            from .models import recursive_predict

            others = np.setdiff1d(np.arange(windows.values.shape[1]), targets)
            X = windows.X[rows]
            return recursive_predict(
                model, X, steps, target_index=targets, future=ahead[:, :, others]
            )
        window = windows.X[rows].astype(np.float64)
        out = np.empty((len(rows), steps, len(targets)))
        for step in range(steps):
            features = window if self._three_d else window.reshape(len(window), -1)
            pred = self._predict_model(features).reshape(len(rows), -1)
            out[:, step] = pred
            row = ahead[:, step].astype(np.float64)
            row[:, targets] = pred
            window = np.concatenate([window[:, 1:], row[:, None]], axis=1)
        return out

    def _extend(
        self, history: _History, sid, frame, steps: int, *, strict=True
    ) -> pd.DataFrame:
        """Transformed series plus ``steps`` rows after its end, for windowing.

        The new rows carry the future covariates (which must be known there) and
        placeholders (the last value) for targets and past covariates, which no
        forecast reads.
        """
        targets = self._chains[sid].transform(frame[list(history.targets)])
        body = pd.concat(
            [targets, frame.loc[targets.index, list(history.covariates)]], axis=1
        )
        extra = max(steps, self._train_horizon)
        times = pd.date_range(frame.index[-1], periods=extra + 1, freq=self.freq_)[1:]
        tail = pd.DataFrame(
            np.repeat(body.iloc[-1:].to_numpy(dtype=float), extra, axis=0),
            index=times,
            columns=body.columns,
        )
        future = list(self._future(history))
        if future:
            known = history.future.get(sid) if history.future else None
            needed = times[:steps]
            values = None if known is None else known.reindex(needed)[future]
            if not strict:
                # Calibration forecasts only score steps inside the history;
                # the steps after it keep placeholders.
                if values is not None:
                    tail.loc[needed, future] = values.fillna(tail.loc[needed, future])
                return pd.concat([body, tail])
            if values is None or values.isna().any().any():
                missing = (
                    needed if values is None else needed[values.isna().any(axis=1)]
                )
                raise ValueError(
                    f"`covariates` must cover the {steps} forecast steps"
                    f"{_label(sid, history)} for the future covariates {future}. "
                    f"Got no value at {missing[0]}. Pass covariates up to "
                    f"{needed[-1]} to predict."
                )
            tail.loc[needed, future] = values.to_numpy(dtype=float)
        return pd.concat([body, tail])

    # --------------------------------------------------------------- intervals

    def _calibrate(self, history: _History) -> dict:
        """Conformal half-widths from a model fitted without the calibration tail."""
        size = self.calibration_size
        if size is None:
            size = self._horizon + 2 * min_calibration_size(self._level) + 1
        size = check_int("calibration_size", size)
        head = {}
        for sid, frame in history.series.items():
            if len(frame) - size < self._width + self._train_horizon + self._n_lost:
                raise ValueError(
                    f"`calibration_size` must leave at least input_width + horizon"
                    f" = {self._width + self._train_horizon + self._n_lost} rows of "
                    f"the history{_label(sid, history)} for training. Got "
                    f"calibration_size={size} with {len(frame)} rows. Lower "
                    "calibration_size or input_width, or pass a longer history."
                )
            head[sid] = frame.iloc[: len(frame) - size]
        model = clone(self).set_params(level=None)
        model._fit_from(replace(history, series=head))
        origins = {
            sid: list(range(len(f) - size, len(f))) for sid, f in history.series.items()
        }
        paths = model._forecast(history, origins, self._horizon, strict=False)
        errors = {sid: [] for sid in history.series}
        for sid, _, path in paths:
            frame = history.series[sid][list(self.target_columns_)]
            actual = frame.reindex(path.index)
            chain = self._chains[sid]
            gap = np.abs(chain.to_level(actual) - chain.to_level(path))
            errors[sid].append(gap.to_numpy(dtype=float))
        return {
            sid: conformal_quantiles(np.stack(e), self._level)
            for sid, e in errors.items()
        }

    def _fit_from(self, history: _History):
        """Fit on an already validated history (used for calibration)."""
        self._check_params()
        self.target_columns_ = history.targets
        self.covariate_columns_ = history.covariates
        self.series_ids_ = list(history.series)
        self._long = history.long
        self._time_name = history.time_name
        self._chains = {}
        self._fit_on(history)
        self.interval_width_ = None
        self.history_ = history
        return self

    def _to_frame(self, paths: list, history: _History) -> pd.DataFrame:
        parts = []
        for sid, _, path in paths:
            frame = path.copy()
            if self.interval_width_ is not None:
                width = self.interval_width_[sid][: len(path)]
                chain = self._chains[sid]
                center = chain.to_level(path)
                lower = chain.from_level(center - width)
                upper = chain.from_level(center + width)
                for name in self.target_columns_:
                    frame[f"{name}_lower"] = lower[name].to_numpy()
                    frame[f"{name}_upper"] = upper[name].to_numpy()
            frame.index.name = history.time_name
            parts.append((sid, frame))
        if not history.long:
            return parts[0][1]
        return pd.concat(
            {sid: frame for sid, frame in parts}, names=[self.id_col, history.time_name]
        )

    # -------------------------------------------------------------------- input

    def _read(self, y, covariates, *, fitting: bool) -> _History:
        """Validate the caller's history and split it by series (copies)."""
        if isinstance(y, pd.Series):
            if self.id_col is not None:
                raise TypeError(
                    f"`y` must be a long DataFrame when id_col={self.id_col!r}. Got "
                    "a Series. Pass the long frame, or id_col=None."
                )
            frame = y.to_frame(y.name if y.name is not None else "y")
        elif isinstance(y, pd.DataFrame):
            frame = y
        else:
            raise TypeError(
                "`y` must be a pandas Series or DataFrame with timestamps. Got "
                f"y of type {type(y).__name__}. Wrap arrays with "
                "pd.Series(values, index=pd.date_range(...))."
            )
        long = self.id_col is not None
        for name in ("id_col", "time_col"):
            column = getattr(self, name)
            if column is not None and column not in frame.columns:
                raise ValueError(
                    f"`{name}` must be a column of `y`. Got {name}={column!r}. "
                    f"Columns: {frame.columns.tolist()}."
                )
        if self.time_col is not None:
            times = pd.DatetimeIndex(pd.to_datetime(frame[self.time_col]))
            time_name = self.time_col
        elif isinstance(frame.index, pd.DatetimeIndex):
            times = frame.index
            time_name = frame.index.name if frame.index.name is not None else "time"
        else:
            raise TypeError(
                "`y` must have a DatetimeIndex or a time column (time_col=...). Got "
                f"an index of type {type(frame.index).__name__}. Use "
                "y.set_index(pd.to_datetime(...)) or pass time_col."
            )
        value_columns = [
            c for c in frame.columns if c not in (self.id_col, self.time_col)
        ]
        if fitting:
            targets = self._resolve_targets(frame, value_columns)
        else:
            targets = self.target_columns_
            self._check_columns(
                "y", value_columns, list(targets), exact=self.target is None
            )
        data = frame[list(targets)].set_axis(times, axis=0)
        for column in targets:
            if not pd.api.types.is_numeric_dtype(data[column].dtype):
                raise TypeError(
                    f"`{column}` must be a numeric target column. Got dtype "
                    f"{data[column].dtype}. Convert it with pd.to_numeric."
                )
        data = data.astype(float)
        if long:
            ids = frame[self.id_col].to_numpy()
            series = {
                sid: part.sort_index() for sid, part in data.groupby(ids, sort=False)
            }
        else:
            series = {WIDE: data}
        history = _History(
            series=series,
            targets=tuple(targets),
            covariates=(),
            time_name=time_name,
            long=long,
        )
        if covariates is not None:
            history = self._with_covariates(history, covariates, fitting=fitting)
        elif not fitting and self.covariate_columns_:
            raise ValueError(
                "`covariates` must be given: the forecaster was fitted with "
                f"covariates {list(self.covariate_columns_)}. Pass "
                "predict(..., covariates=frame) with these columns."
            )
        elif fitting and self.future_covariates:
            raise ValueError(
                "`covariates` must be given when future_covariates is set. Got "
                f"future_covariates={self.future_covariates!r} and no covariates."
            )
        return history

    def _resolve_targets(self, frame, value_columns) -> list:
        if self.target is None:
            targets = [
                c
                for c in value_columns
                if pd.api.types.is_numeric_dtype(frame[c].dtype)
            ]
            if not targets:
                raise ValueError(
                    "`target` must be given when `y` has no numeric column. Got "
                    f"columns {value_columns}."
                )
            return targets
        targets = [self.target] if isinstance(self.target, str) else list(self.target)
        missing = [c for c in targets if c not in value_columns]
        if missing:
            raise ValueError(
                f"`target` must name columns of `y`. Got target={self.target!r}; "
                f"missing {missing}. Columns: {value_columns}."
            )
        return targets

    def _check_columns(self, name, got, expected, *, exact: bool) -> None:
        missing = [c for c in expected if c not in got]
        if missing:
            raise ValueError(
                f"`{name}` must have the columns seen in fit, {expected}. Got "
                f"columns {got}; missing {missing}. Pass a frame with these columns."
            )
        present = [c for c in got if c in expected]
        if present != list(expected) or (exact and len(got) != len(expected)):
            raise ValueError(
                f"`{name}` must have the columns seen in fit, in the same order: "
                f"{expected}. Got {got}. Select them with {name}[{expected}]."
            )

    def _with_covariates(self, history: _History, covariates, *, fitting: bool):
        if not isinstance(covariates, pd.DataFrame):
            raise TypeError(
                "`covariates` must be a pandas DataFrame. Got covariates of type "
                f"{type(covariates).__name__}."
            )
        reserved = (self.id_col, self.time_col)
        columns = [c for c in covariates.columns if c not in reserved]
        if fitting:
            clash = [c for c in columns if c in history.targets]
            if clash:
                raise ValueError(
                    f"`covariates` must not repeat target columns. Got {clash} in "
                    "both. Drop them from covariates."
                )
            future = list(self.future_covariates or [])
            unknown = [c for c in future if c not in columns]
            if unknown:
                raise ValueError(
                    f"`future_covariates` must name columns of `covariates`. Got "
                    f"{unknown} missing; columns: {columns}."
                )
        else:
            self._check_columns(
                "covariates", columns, list(self.covariate_columns_), exact=True
            )
            columns = list(self.covariate_columns_)
        if self.time_col is not None:
            times = pd.DatetimeIndex(pd.to_datetime(covariates[self.time_col]))
        elif isinstance(covariates.index, pd.DatetimeIndex):
            times = covariates.index
        else:
            raise TypeError(
                "`covariates` must have a DatetimeIndex or the time column "
                f"{self.time_col!r}. Got an index of type "
                f"{type(covariates.index).__name__}."
            )
        values = covariates[columns].set_axis(times, axis=0).astype(float)
        if history.long:
            groups = dict(tuple(values.groupby(covariates[self.id_col].to_numpy())))
        else:
            groups = {WIDE: values}
        series, known = {}, {}
        for sid, frame in history.series.items():
            cov = groups.get(sid)
            if cov is None:
                raise ValueError(
                    f"`covariates` must cover every series. Got no rows for series "
                    f"{sid!r}. Add its rows."
                )
            cov = cov.sort_index()
            if not cov.index.is_unique:
                repeated = cov.index[cov.index.duplicated()][0]
                raise ValueError(
                    "`covariates` must have one row per timestamp"
                    f"{_label(sid, history)}. Got {repeated} more than once."
                )
            joined = cov.reindex(frame.index)
            if joined.isna().any().any():
                where = joined.index[joined.isna().any(axis=1)][0]
                raise ValueError(
                    f"`covariates` must cover the history{_label(sid, history)}. Got "
                    f"no value at {where}. Pass covariates for every history "
                    "timestamp."
                )
            series[sid] = pd.concat([frame[list(history.targets)], joined], axis=1)
            known[sid] = cov
        return replace(history, series=series, covariates=tuple(columns), future=known)


_ID = "__series__"


def _series_of(history: _History, sid) -> pd.DataFrame:
    return history.series[sid]


def _label(sid, history: _History) -> str:
    return f" of series {sid!r}" if history.long else ""


def _n_lost(transforms) -> int:
    return sum(check_int("lag", t.lag) for t in transforms if hasattr(t, "lag"))


def _supports_3d(estimator) -> bool:
    try:
        return bool(get_tags(estimator).input_tags.three_d_array)
    except (AttributeError, TypeError, ValueError):
        return False
