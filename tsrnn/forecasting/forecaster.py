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
    horizon needs a refit); an RNN's last state feeds a dense head over all
    steps. ``"recursive"``: a one-step model is rolled forward, feeding back
    its own forecasts, for any horizon (Keras estimators roll with
    :func:`tsrnn.recursive_predict`, others with the same loop in numpy).
    ``"seq2seq"``: an encoder-decoder (``RNNRegressor(architecture="seq2seq")``)
    whose encoder reads the window and whose decoder runs over the ``horizon``
    steps, reading the known-future inputs of each step (future covariates and
    calendar features) or, without any, the encoder's last output.

Covariates
    ``fit(y, covariates=frame)`` joins ``frame`` to the history by timestamp (and
    series). ``future_covariates`` name the columns known in advance; with
    ``calendar`` they are the *known-future* inputs, which the model reads over
    the horizon too: flat regressors as extra features, the encoder-decoder in
    its decoder, the recursive strategy in each new row. A 3-D estimator with
    the direct strategy has no way to read them, so that combination raises.
    ``predict`` needs the future covariates over the horizon (``covariates``
    with rows after the history, passed to :meth:`tsrnn.Windower.transform` as
    ``future``). Other columns are past covariates, seen up to the forecast
    origin only.

Pipelines
    ``predict``'s first argument is the history to forecast from, so a
    forecaster can end a scikit-learn ``Pipeline`` of row-wise preprocessing
    steps that output pandas (``set_output(transform="pandas")``):
    ``pipeline.fit(history)`` fits them and the forecaster on the transformed
    history, ``pipeline.predict(history)`` forecasts the steps after it.

Outputs
    ``predict`` returns one row per future timestamp. A single series is
    indexed by its timestamps; many series by a MultiIndex (series id, time),
    named after ``id_col`` and the time column. Columns are the targets, then,
    when ``level`` is set, ``{target}_lower`` and ``{target}_upper``.
"""

from __future__ import annotations

import inspect
import numbers
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.multioutput import MultiOutputRegressor
from sklearn.utils import get_tags
from sklearn.utils.validation import check_is_fitted

from tsrnn.core.validation import check_int, plain
from tsrnn.data.panel import check_series_times, read_timestamps
from tsrnn.data.windower import Windower
from tsrnn.forecasting.intervals import (
    check_level,
    conformal_quantiles,
    min_calibration_size,
)
from tsrnn.forecasting.transforms import TransformChain, check_transforms

__all__ = ["Forecaster"]

STRATEGIES = ("direct", "recursive", "seq2seq")
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
    strategy : {"direct", "recursive", "seq2seq"}, default="direct"
        Multi-step strategy; see the module docstring. ``"seq2seq"`` needs an
        encoder-decoder estimator: ``RNNRegressor(architecture="seq2seq")``.
    transforms : transform or list of transforms, default=None
        Target transforms from :mod:`tsrnn.forecasting.transforms` (``Log``,
        ``Difference``,
        ``Scale``), fitted per series and applied in order; forecasts and
        interval bounds are mapped back exactly.
    target : str or list of str, default=None
        Target columns; ``None`` takes every numeric column of the history that
        is not a covariate (the name of a Series).
    future_covariates : list of str, default=None
        Columns of ``covariates`` known over the horizon. The other columns of
        ``covariates`` are past covariates.
    calendar : list of str, default=None
        Calendar features of the timestamps (``"hour"``, ``"dayofweek"``,
        ``"month"``, ...; see :class:`tsrnn.Windower`), known-future by
        nature: the model reads them over the window and the horizon.
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
        gives point forecasts only. See :mod:`tsrnn.forecasting.intervals`.
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

    Behind row-wise preprocessing in a scikit-learn pipeline (the forecast
    starts after the history given to ``predict``):

    >>> from sklearn.impute import SimpleImputer
    >>> from sklearn.pipeline import Pipeline
    >>> gappy = y.mask(y.index.day == 10).to_frame()  # NaN on the 10th
    >>> pipeline = Pipeline([
    ...     ("impute", SimpleImputer().set_output(transform="pandas")),
    ...     ("forecast", Forecaster(Ridge(), input_width=12, horizon=3)),
    ... ]).fit(gappy)
    >>> pipeline.predict(gappy.iloc[:40]).index[0].strftime("%Y-%m-%d")
    '2024-02-10'
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
        calendar=None,
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
        self.calendar = calendar
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
        self._fit_from(self._read(y, covariates, fitting=True))
        if self._level is not None:
            # Calibration fits a clone on the head of the history; self keeps
            # the model fitted on all of it.
            self.interval_width_ = self._calibrate(self.history_)
        return self

    def predict(self, history=None, *, horizon=None, covariates=None):
        """Forecast the ``horizon`` steps after the end of the history.

        Parameters
        ----------
        history : Series, DataFrame or int, default=None
            ``None``: forecast from the end of the history seen in ``fit``. A
            Series or DataFrame (same layout and columns as in fit): forecast
            from its end instead, without refitting; this is the argument a
            scikit-learn ``Pipeline`` passes after its preprocessing steps.
            An int is read as ``horizon`` (``predict(12)``). Not modified.
        horizon : int, default=None
            Steps to forecast; ``None`` uses ``self.horizon``. The direct and
            seq2seq strategies cannot forecast beyond the horizon they were
            fitted for.
        covariates : DataFrame, default=None
            Future covariates over the forecast steps (and past covariates over
            the history, when ``history`` is given). Not modified.

        Returns
        -------
        DataFrame
            Indexed by the future timestamps (MultiIndex (series, time) for many
            series); columns: the targets, then ``{target}_lower`` and
            ``{target}_upper`` when ``level`` is set.
        """
        check_is_fitted(self, "estimator_")
        if isinstance(history, numbers.Integral) and not isinstance(history, bool):
            if horizon is not None:
                raise TypeError(
                    "`horizon` must be given once. Got predict("
                    f"{history!r}, horizon={horizon!r}). Call predict(horizon=...)."
                )
            history, horizon = None, history
        steps = self.horizon if horizon is None else horizon
        steps = check_int("horizon", steps)
        if self.strategy != "recursive" and steps > self._horizon:
            raise ValueError(
                f"`horizon` must be at most {self._horizon}, the horizon this "
                f"{self.strategy} forecaster was fitted for. Got horizon={steps}. "
                f"Refit with Forecaster(..., horizon={steps}) or use "
                "strategy='recursive'."
            )
        if history is None:
            base = self.history_
            if covariates is not None:
                base = self._with_covariates(base, covariates, fitting=False)
        else:
            base = self._read(history, covariates, fitting=False)
            need = self._width + self._n_lost
            for sid, frame in base.series.items():
                if len(frame) < need:
                    raise ValueError(
                        f"`history`{_label(sid, base)} must have at least "
                        f"input_width{' + lags of Difference' if self._n_lost else ''}"
                        f" = {need} rows to forecast from. Got {len(frame)} rows."
                    )
        origins = {sid: [len(frame)] for sid, frame in base.series.items()}
        paths = self._forecast(base, origins, steps)
        return self._to_frame(paths, base)

    # ------------------------------------------------------------ fitting core

    def _check_params(self):
        self._width = check_int("input_width", self.input_width)
        self._horizon = check_int("horizon", self.horizon)
        if self.strategy not in STRATEGIES:
            raise ValueError(
                f"`strategy` must be one of {list(STRATEGIES)}. Got "
                f"strategy={self.strategy!r}."
            )
        self._transforms = check_transforms(self.transforms)
        self._level = check_level(self.level)
        if self.estimator is None or not callable(getattr(self.estimator, "fit", None)):
            raise TypeError(
                "`estimator` must be a regressor with fit and predict. Got "
                f"estimator={self.estimator!r}. Example: Forecaster(Ridge(), ...)."
            )
        if self.strategy == "seq2seq" and not _is_encoder_decoder(self.estimator):
            raise TypeError(
                "`estimator` must be an encoder-decoder (a fit taking X_future) "
                f"with strategy='seq2seq'. Got estimator={self.estimator!r}. Use "
                "RNNRegressor(architecture='seq2seq', ...), or another strategy."
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
        if self.strategy == "recursive" and self._past(history):
            raise ValueError(
                "`covariates` must hold only future covariates with "
                "strategy='recursive' (past covariates are unknown beyond the "
                f"history). Got past covariates {list(self._past(history))}. List "
                "them in future_covariates if they are known in advance, or use "
                "strategy='direct'."
            )
        # Always a long frame (one id per series, even for one series): forecasts
        # from many origins then window the last rows of each origin as its own
        # series in a single transform call.
        windower = Windower if history.long else _OneSeriesWindower
        self.windower_ = windower(
            self._width,
            self._train_horizon,
            target=list(history.targets),
            past_covariates=list(self._past(history)) or None,
            future_covariates=list(self._future(history)) or None,
            calendar=self.calendar,
            id_col=_ID,
            time_col=None,
            freq=self.freq,
            scaler=self.scaler,
        )
        frame = pd.concat(
            [body.assign(**{_ID: sid}) for sid, body in self._bodies(history).items()]
        )
        windows = self.windower_.fit(frame).transform(frame)
        self.freq_ = self.windower_.freq_
        estimator = clone(self.estimator)
        self._three_d = _supports_3d(estimator)
        known = self.windower_.future_columns_
        if self.strategy == "direct" and self._three_d and known:
            raise ValueError(
                "`strategy` must be 'seq2seq' (or 'recursive') for a 3-D estimator "
                f"with known-future inputs {list(known)}: the direct strategy's "
                "dense head cannot read them over the horizon. Got "
                "strategy='direct'. Use Forecaster(RNNRegressor(architecture="
                "'seq2seq'), strategy='seq2seq', ...), or a flat regressor."
            )
        targets = windows.y.astype(np.float64)
        if self.strategy == "seq2seq":
            estimator.fit(
                windows.X.astype(np.float64), targets, X_future=_future_of(windows)
            )
        elif self._three_d:
            estimator.fit(windows.X.astype(np.float64), targets)
        else:
            flat = targets.reshape(len(targets), -1)
            if flat.shape[1] == 1:
                flat = flat[:, 0]
            elif not get_tags(estimator).target_tags.multi_output:
                estimator = MultiOutputRegressor(estimator)
            estimator.fit(self._flat_features(windows), flat)
        self.estimator_ = estimator
        self.n_features_in_ = windows.X.shape[-1]

    def _past(self, history) -> tuple:
        future = set(self._future(history))
        return tuple(c for c in history.covariates if c not in future)

    def _future(self, history) -> tuple:
        return tuple(self.future_covariates or ())

    def _bodies(self, history: _History) -> dict:
        """Per series: transformed targets with the covariates of the same rows."""
        out = {}
        for sid, frame in history.series.items():
            targets = self._chains[sid].transform(frame[list(history.targets)])
            covariates = frame.loc[targets.index, list(history.covariates)]
            out[sid] = pd.concat([targets, covariates], axis=1)
        return out

    def _flat_features(self, windows) -> np.ndarray:
        """Flattened windows, then the known-future values of the horizon."""
        X = windows.X.astype(np.float64)
        flat = X.reshape(len(X), -1)
        if self.strategy != "direct" or windows.X_future is None:
            return flat
        future = windows.X_future.astype(np.float64)
        return np.hstack([flat, future.reshape(len(future), -1)])

    # ----------------------------------------------------------- forecasting

    def _forecast(
        self, history: _History, origins: dict, steps: int, *, strict=True
    ) -> list:
        """Forecast ``steps`` from each origin (rows of the original history).

        ``origins`` maps a series id to row counts ``p``: forecast from the
        history's first ``p`` rows. The last ``input_width`` transformed rows of
        each origin become one series of a long frame, windowed in one
        :meth:`Windower.transform` call with ``last_only=True`` and the future
        covariates of the steps after the origin as ``future``. Returns a list
        of ``(sid, p, frame)``, frames of ``steps`` rows in the original scale.
        """
        width = self._width
        # The model reads its whole horizon of known-future inputs even when
        # fewer steps are asked; the recursive roll needs one per step.
        ahead = steps if self.strategy == "recursive" else self._horizon
        future_columns = list(self._future(history))
        bodies = self._bodies(history)
        keys, pieces, known = [], [], []
        for sid, counts in origins.items():
            for p in counts:
                code = len(keys)
                keys.append((sid, p))
                end = p - self._n_lost
                pieces.append(bodies[sid].iloc[end - width : end].assign(**{_ID: code}))
                if future_columns:
                    rows = self._future_rows(history, sid, p, ahead, steps, strict)
                    known.append(rows.assign(**{_ID: code}))
        windows = self.windower_.transform(
            pd.concat(pieces),
            last_only=True,
            horizon=ahead,
            future=pd.concat(known) if known else None,
        )
        if self.strategy == "recursive":
            raw = self._roll(windows, steps)
        else:
            if self.strategy == "seq2seq":
                raw = self.estimator_.predict(
                    windows.X.astype(np.float64), X_future=_future_of(windows)
                )
            elif self._three_d:
                raw = self.estimator_.predict(windows.X.astype(np.float64))
            else:
                raw = self.estimator_.predict(self._flat_features(windows))
            raw = np.asarray(raw, dtype=np.float64)
            raw = raw.reshape(len(keys), self._horizon, -1)[:, :steps]
        values = windows.inverse_transform_y(raw)
        if values.ndim == 2:
            values = values[..., None]
        paths = []
        targets = list(self.target_columns_)
        for (sid, p), block in zip(keys, values, strict=True):
            past = history.series[sid].iloc[:p][targets]
            times = pd.date_range(past.index[-1], periods=steps + 1, freq=self.freq_)
            frame = pd.DataFrame(block, index=times[1:], columns=targets)
            paths.append((sid, p, self._chains[sid].inverse_forecast(frame, past)))
        return paths

    def _future_rows(
        self, history: _History, sid, p: int, ahead: int, steps: int, strict: bool
    ) -> pd.DataFrame:
        """Future covariates over the ``ahead`` steps after row ``p`` of ``sid``.

        Values come from the covariates given to fit or predict. The first
        ``steps`` must be known when ``strict``; the others (and, for the
        in-sample forecasts of calibration and backtests, steps after the end
        of the covariates) repeat the last known value: they only feed model
        inputs of steps that are not scored.
        """
        future = list(self._future(history))
        frame = history.series[sid]
        times = pd.date_range(frame.index[p - 1], periods=ahead + 1, freq=self.freq_)
        times = times[1:]
        known = history.future.get(sid) if history.future else None
        values = (
            pd.DataFrame(np.nan, index=times, columns=future)
            if known is None
            else known[future].reindex(times)
        )
        if strict:
            needed = values.iloc[:steps]
            if needed.isna().any().any():
                where = needed.index[needed.isna().any(axis=1)][0]
                raise ValueError(
                    f"`covariates` must cover the {steps} forecast steps"
                    f"{_label(sid, history)} for the future covariates {future}. "
                    f"Got no value at {where}. Pass covariates up to "
                    f"{times[steps - 1]} to predict."
                )
        last = frame[future].iloc[[p - 1]]
        return pd.concat([last, values]).ffill().iloc[1:]

    def _roll(self, windows, steps) -> np.ndarray:
        """Recursive forecasts (n, steps, n_targets) in scaled units."""
        targets = windows.target_index
        future = _future_of(windows)
        model = getattr(self.estimator_, "model_", None)
        if (
            self._three_d
            and model is not None
            and len(getattr(model, "inputs", ())) == 1
        ):
            from tsrnn.nn.models import recursive_predict

            return recursive_predict(
                model, windows.X, steps, target_index=targets, future=future
            )
        window = windows.X.astype(np.float64)
        out = np.empty((len(window), steps, len(targets)))
        for step in range(steps):
            features = window if self._three_d else window.reshape(len(window), -1)
            pred = np.asarray(self.estimator_.predict(features), dtype=np.float64)
            pred = pred.reshape(len(window), -1)
            out[:, step] = pred
            # Recursive forecasters have no past covariates: a new row is the
            # forecast targets plus the known-future columns of that step.
            row = np.zeros((len(window), window.shape[2]))
            row[:, targets] = pred
            if future is not None:
                row[:, windows.future_index] = future[:, step]
            window = np.concatenate([window[:, 1:], row[:, None]], axis=1)
        return out

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
        times, time_name = read_timestamps(frame, self.time_col, name="y")
        if time_name is None:
            time_name = "time"
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
        for sid, part in series.items():
            check_series_times(part.index, sid if long else None)
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
        times, _ = read_timestamps(covariates, self.time_col, name="covariates")
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
                    f"{plain(sid)!r}. Add its rows."
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


class _OneSeriesWindower(Windower):
    """The Windower of a forecaster of one wide series.

    It windows the series as a long frame whose id column (``_ID``) is the
    forecaster's own, so its messages name no series, as for a wide frame.
    """

    _names_series = False


def _future_of(windows):
    """Known-future inputs over the horizon as float64, or None."""
    future = windows.X_future
    return None if future is None else future.astype(np.float64)


def _is_encoder_decoder(estimator) -> bool:
    try:
        takes_future = "X_future" in inspect.signature(estimator.fit).parameters
    except (TypeError, ValueError):
        return False
    return takes_future and getattr(estimator, "architecture", "seq2seq") == "seq2seq"


def _label(sid, history: _History) -> str:
    return f" of series {plain(sid)!r}" if history.long else ""


def _n_lost(transforms) -> int:
    return sum(check_int("lag", t.lag) for t in transforms if hasattr(t, "lag"))


def _supports_3d(estimator) -> bool:
    try:
        return bool(get_tags(estimator).input_tags.three_d_array)
    except (AttributeError, TypeError, ValueError):
        return False
