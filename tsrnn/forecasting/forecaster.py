"""Pandas in, pandas out: :class:`Forecaster` wraps any regressor into a forecaster.

``Forecaster(estimator, input_width, horizon)`` takes a history (a Series, a
wide DataFrame with a DatetimeIndex, or a long frame of many series), reads it
once into a checked :class:`~tsrnn.forecasting.history.History`, cuts it into
windows with :class:`tsrnn.Windower`, fits ``estimator`` on them, and forecasts
the ``horizon`` steps after the history as a DataFrame indexed by the future
timestamps. A user never writes window code.

The route of a DataFrame::

    y, covariates --read_history--> History (one Panel: targets, covariates)
      --per-series transforms (Log, Difference, Scale)--> Panel
      --Windower.fit/transform--> WindowSet --strategy.fit--> estimator_
    predict: last input_width rows of each origin --Windower (last_only)-->
      --strategy.predict--> scaled forecasts --inverse scaler, transforms-->
      --intervals--> DataFrame indexed by the future timestamps

Estimators
    tsrnn estimators (``RNNRegressor``, ``DenseRegressor``) declare that they
    read 3-D windows (n, input_width, C) and targets (n, horizon, k). Any other
    scikit-learn regressor (``Ridge`` is the linear baseline) gets flattened
    windows (n, input_width * C) and targets (n, horizon * k); a regressor
    without multi-output support is wrapped in ``MultiOutputRegressor``.

Strategies
    ``"direct"``, ``"recursive"`` and ``"seq2seq"``: see
    :mod:`tsrnn.forecasting.strategies`.

Covariates
    ``fit(y, covariates=frame)`` joins ``frame`` to the history by timestamp (and
    series). ``future_covariates`` name the columns known in advance; with
    ``calendar`` they are the *known-future* inputs, which the model reads over
    the horizon too: flat regressors as extra features, the encoder-decoder in
    its decoder, the recursive strategy in each new row. A 3-D estimator with
    the direct strategy has no way to read them, so that combination raises.
    ``predict`` needs the future covariates over the horizon (``covariates``
    with rows after the history). Other columns are past covariates, seen up to
    the forecast origin only.

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

import numbers
import warnings
from functools import partial

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from tsrnn.core.quantiles import requested_quantiles
from tsrnn.core.validation import check_int, plain
from tsrnn.data.windower import Windower
from tsrnn.estimators.capabilities import forecasting_tags
from tsrnn.exceptions import DataWarning
from tsrnn.forecasting import intervals, padding, recalibration, static
from tsrnn.forecasting.forecasts import Forecasts
from tsrnn.forecasting.history import (
    History,
    Layout,
    attach_covariates,
    attach_static,
    read_history,
)
from tsrnn.forecasting.panel_transforms import SeriesTransforms
from tsrnn.forecasting.sampling import check_probabilistic
from tsrnn.forecasting.strategies import strategy_for
from tsrnn.forecasting.transforms import Difference, check_transforms

__all__ = ["Forecaster"]


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
        for ``horizon=36, level=0.9``); with ``recalibrate`` alone, as many
        rows as give 39 scores per step (``horizon`` rows for a panel of 39
        series or more, ``horizon + 38`` for one series).
    recalibrate : bool, default=False
        With an estimator that forecasts a distribution: measure in ``fit``
        by how much the sampled quantiles of a clone fitted without the
        calibration tail miss that tail, and correct the quantiles and
        intervals of :meth:`predict_quantiles` by split conformal (CQR), so
        that they cover what they claim on data the model did not see.
        Doubles the fit; see :mod:`tsrnn.forecasting.recalibration`.
    stride : int, default=1
        Rows between the starts of consecutive training windows of a series.
    gap : int, default=0
        Steps skipped between the end of the history and the first forecast
        step (the forecast starts ``gap + 1`` steps after the history). Needs
        the direct or seq2seq strategy and no ``Difference`` transform.
    fill_missing : {None, "ffill", "interpolate", "zero"}, default=None
        Missing timestamps raise unless set; see :class:`tsrnn.Windower`.
    nan_policy : {"raise", "drop_windows", "ffill", "interpolate"}, default="raise"
        NaN in the history; see :class:`tsrnn.Windower`. With
        ``"drop_windows"`` the training windows touching NaN are dropped, and a
        forecast whose input rows hold NaN raises.
    scale_by : {"global", "series"}, default="global"
        With ``scaler``: one scaler for all series, or one per series.
    series_identity : bool, default=False
        Many series only: add one-hot columns ``series=<id>`` saying which
        series each row belongs to, static covariates that let a global
        network learn an embedding of every series. See
        :mod:`tsrnn.forecasting.static`.

    Attributes
    ----------
    estimator_ : regressor
        The fitted clone of ``estimator``.
    windower_ : Windower
        Fitted on the transformed history.
    target_columns_ : tuple of str
    covariate_columns_ : tuple of str
        Columns of ``covariates`` seen in fit, in order.
    static_columns_ : tuple of str
        Static input columns: those of ``static_covariates``, then the
        identity columns of ``series_identity``.
    static_covariates_ : DataFrame or None
        The static covariates seen in fit, one row per series (as given,
        before standardization).
    series_ids_ : list
        Series ids (``[0]`` for one wide series).
    freq_ : pandas.DateOffset
    history_ : tsrnn.forecasting.history.History
        The checked history seen in fit (what ``predict()`` forecasts from).
    interval_width_ : dict or None
        ``series id -> ndarray (horizon, n_targets)``: conformal half-widths in
        the level space of each series.
    quantile_corrections_ : ndarray of shape (n_levels, horizon, n_targets) or None
        With ``recalibrate``: per level of
        :data:`tsrnn.forecasting.recalibration.GRID`, forecast step and target,
        the conformal correction added to a sampled quantile (in the level
        space, in units of the distance between the quartiles of the paths).

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
        recalibrate=False,
        stride=1,
        gap=0,
        fill_missing=None,
        nan_policy="raise",
        scale_by="global",
        series_identity=False,
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
        self.recalibrate = recalibrate
        self.stride = stride
        self.gap = gap
        self.fill_missing = fill_missing
        self.nan_policy = nan_policy
        self.scale_by = scale_by
        self.series_identity = series_identity

    # ------------------------------------------------------------------ public

    def read(self, y, covariates=None, static_covariates=None) -> History:
        """Check ``y`` and the covariates once, as ``fit`` does; the History.

        ``fit``, ``predict`` and :meth:`forecast_paths` accept the returned
        :class:`~tsrnn.forecasting.history.History` in place of frames, so
        backtests cut folds from one reading. No input is modified.
        """
        self._check_params()
        if isinstance(y, History):
            if static_covariates is not None:
                raise TypeError(
                    "`static_covariates` must be given with a frame, not a "
                    "History: a History holds its static covariates already. "
                    "Pass them to read()."
                )
            return self._with_static(y, None)
        if self.id_col is None and isinstance(y, pd.Series | pd.DataFrame):
            # Too short to window: say so before the reader asks for a freq.
            need = self._need_fit(self._n_lost)
            self._check_length([len(y)], "history", need)
        history = read_history(
            y,
            covariates,
            self._layout(),
            target=self.target,
            future_covariates=tuple(self.future_covariates or ()),
        )
        return self._with_static(history, static_covariates)

    def fit(self, y, covariates=None, static_covariates=None):
        """Fit on the whole history ``y`` (and ``covariates``); return ``self``.

        Parameters
        ----------
        y : Series, DataFrame or History
            A Series or wide DataFrame with a DatetimeIndex (or ``time_col``),
            a long frame with ``id_col`` and ``time_col``, or what
            :meth:`read` returned. Not modified.
        covariates : DataFrame, default=None
            Extra inputs on the same time grid (long, with ``id_col``, for a long
            history); rows beyond the history are the known future. Not modified.
        static_covariates : DataFrame, default=None
            Many series only: one row per series (indexed by the series ids,
            or with ``id_col``), numeric columns the model reads on every row
            and every future step; standardized across the series. See
            :mod:`tsrnn.forecasting.static`. Not modified.
        """
        history = self.read(y, covariates, static_covariates)  # checks params
        self._fit_history(history)
        need = self._need_fit(self._n_lost)
        if self._level is not None:
            self.interval_width_ = intervals.calibrate(
                self, history, self.calibration_size, need, self._chains
            )
        if self.recalibrate:
            self.quantile_corrections_ = recalibration.calibrate(
                self, history, self.calibration_size, need
            )
        return self

    def predict(
        self,
        history=None,
        *,
        horizon=None,
        covariates=None,
        static_covariates=None,
        quantiles=None,
        level=None,
        n_paths=1000,
        random_state=None,
    ):
        """Forecast the ``horizon`` steps after the end of the history.

        Parameters
        ----------
        history : Series, DataFrame, History or int, default=None
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
        static_covariates : DataFrame, default=None
            With a ``history``: static covariates of its series, as in
            :meth:`fit` (same columns); series left out keep their values
            from fit. Not modified.
        quantiles : sequence of float, default=None
            With an estimator that forecasts a distribution: also the columns
            ``{target}_q{q}`` of these levels in (0, 1), strictly increasing,
            read from ``n_paths`` sampled paths as :meth:`predict_quantiles`
            reads them (recalibrated with ``recalibrate=True``).
        level : float or sequence of float, default=None
            Likewise, central intervals in percent, e.g. ``[80, 95]``: columns
            ``{target}_lower_{level}`` and ``{target}_upper_{level}``. Give at
            most one of ``quantiles`` and ``level``. (The constructor's
            ``level``, a fraction, sets the split-conformal interval instead.)
        n_paths : int, default=1000
            Paths sampled for ``quantiles`` or ``level``.
        random_state : int, RandomState instance or None, default=None
            Seeds the paths for ``quantiles`` or ``level``.

        Returns
        -------
        DataFrame
            Indexed by the future timestamps (MultiIndex (series, time) for many
            series); columns: the targets, then ``{target}_lower`` and
            ``{target}_upper`` when the constructor's ``level`` is set, then the
            columns of ``quantiles`` or ``level``.
        """
        check_is_fitted(self, "estimator_")
        if isinstance(history, numbers.Integral) and not isinstance(history, bool):
            if horizon is not None:
                raise TypeError(
                    "`horizon` must be given once. Got predict("
                    f"{history!r}, horizon={horizon!r}). Call predict(horizon=...)."
                )
            history, horizon = None, history
        steps = self._steps(horizon)
        if history is None:
            if static_covariates is not None:
                raise ValueError(
                    "`static_covariates` must come with a `history`: the "
                    "history seen in fit keeps the values seen in fit. Pass "
                    "predict(history, static_covariates=...)."
                )
            base = self._base(covariates)
        else:
            base = self._read_new(history, covariates, static_covariates)
        if quantiles is not None or level is not None:
            # Checked before the point forecast, so a bad request costs nothing.
            requested_quantiles(quantiles, level)
            check_probabilistic(self.estimator_, "give quantiles or levels")
        paths = self.forecast_paths(base, base.lengths[:, None], steps)
        frame = paths.to_frame(self.id_col)
        if quantiles is None and level is None:
            return frame
        bands = self._quantile_frame(
            base, steps, quantiles, level, n_paths, random_state, "auto", True
        )
        return frame.join(bands.drop(columns=list(self.target_columns_)))

    def forecast_paths(self, history, origins, steps=None, *, strict=True):
        """Forecasts of ``steps`` from many origins of a checked history.

        The seam that ``predict``, intervals and backtests use: one windowing
        and one model call per origin rank, for all series at once, and array
        arithmetic (no per-series frames) to map the forecasts back.

        Parameters
        ----------
        history : History
            From :meth:`read` (or ``history_``), in the layout seen in fit.
        origins : sequence of sequences of int
            ``origins[k]``: row counts ``p`` of series ``k``; forecast from its
            first ``p`` rows.
        steps : int, default=None
            ``None`` uses ``self.horizon``.
        strict : bool, default=True
            Require the future covariates of every forecast step; with False,
            steps past the end of the covariates repeat the last known value
            (in-sample forecasts whose late steps are not scored).

        Returns
        -------
        Forecasts
            In original units, with interval bounds when ``level`` is set,
            ordered by origin rank, then series.
        """
        check_is_fitted(self, "estimator_")
        steps = self._steps(steps)
        history = self._with_fitted_static(history, None)
        body = self._chains.transform(history)
        all_ks, all_ps, all_ranks = _origin_ranks(origins)
        parts = []
        # Each call windows at most one origin per series, so series keep their
        # own ids (and their own scalers with scale_by="series").
        for rank in range(int(all_ranks.max()) + 1 if all_ranks.size else 0):
            at = all_ranks == rank
            ks, ps = all_ks[at], all_ps[at]
            # Series with fewer rows than input_width (padded and masked) apart.
            short = ps - self._n_lost < self._width
            for group in (np.flatnonzero(~short), np.flatnonzero(short)):
                if group.size:
                    times, values = self._forecast_group(
                        history, body, ks[group], ps[group], steps, strict
                    )
                    ranks = np.full(group.size, rank)
                    parts.append((ks[group], ps[group], times, values, ranks))
        ks, ps, times, values, ranks = (
            np.concatenate([part[i] for part in parts]) for i in range(5)
        )
        # Back to series order within each origin rank (short series apart).
        order = np.lexsort((ks, ranks))
        ks, ps, times, values = ks[order], ps[order], times[order], values[order]
        lower = upper = None
        if self.interval_width_ is not None:
            lower, upper = intervals.bounds(
                values, self.interval_width_, history, ks, self._chains
            )
        return Forecasts(history, ks, ps, times, values, lower, upper, self._gap)

    def origin_windows(self, history, ks, ps, steps, *, strict=True, body=None):
        """The model inputs before origins ``ps[i]`` of series ``ks[i]``.

        The one windowing of forecasts, shared by :meth:`forecast_paths`,
        sampling and scores: the last ``input_width`` transformed rows before
        each origin (a series with fewer is padded; see
        :mod:`tsrnn.forecasting.padding`), scaled, with the known-future
        covariates of the steps ahead.

        Returns
        -------
        (WindowSet, ndarray or None)
            The windows and, when some were padded, every window's pad size.
        """
        if body is None:
            history = self._with_fitted_static(history, None)
            body = self._chains.transform(history)
        ahead = self._strategy.ahead(steps, self._horizon)
        known = None
        columns = self._known_columns()
        if columns:
            known = history.known_inputs(
                list(zip(ks.tolist(), ps.tolist(), strict=True)),
                columns,
                ahead,
                steps,
                strict=strict,
                gap=self._gap,
            )
        ends = ps - self._n_lost
        rows = body.take(np.maximum(ends - self._width, 0), ends, series=ks)
        pads = None
        if (ends < self._width).any():
            rows, pads = padding.left_pad(rows, self._width)
        windows = self.windower_.transform(
            rows, last_only=True, horizon=ahead, future=known
        )
        bad = np.isnan(windows.X).any(axis=(1, 2))
        if bad.any():
            k = int(ks[np.flatnonzero(bad)[0]])
            raise ValueError(
                f"The last input_width rows{history.label(k)} must hold no NaN "
                "to forecast from them. Fill them, or use nan_policy='ffill' "
                "or 'interpolate'."
            )
        return windows, pads

    def _forecast_group(self, history, body, ks, ps, steps, strict):
        """Timestamps and values of forecasts from rows ``[0, ps[i])`` of ``ks[i]``.

        All rows of a group reach input_width, or none do (those are padded and
        masked; see :mod:`tsrnn.forecasting.padding`).
        """
        windows, pads = self.origin_windows(
            history, ks, ps, steps, strict=strict, body=body
        )
        short = pads is not None
        if short:
            raw = self._strategy.predict_short(
                self.estimator_,
                padding.short_sequences(windows, pads),
                steps,
                self._horizon,
            )
        else:
            raw = self._strategy.predict(self.estimator_, windows, steps, self._horizon)
        scaled = windows.inverse_transform_y(raw).reshape(len(ks), steps, -1)
        values = self._chains.inverse(scaled, history, ks, ps)
        return windows.target_time[:, :steps], values

    # ------------------------------------------------------------ fitting core

    def _check_params(self):
        self._width = check_int("input_width", self.input_width)
        self._horizon = check_int("horizon", self.horizon)
        self._gap = check_int("gap", self.gap, minimum=0)
        check_int("stride", self.stride)
        self._transforms = check_transforms(self.transforms)
        self._n_lost = SeriesTransforms(self._transforms).n_lost
        self._level = intervals.check_level(self.level)
        for name in ("recalibrate", "series_identity"):
            if not isinstance(getattr(self, name), bool | np.bool_):
                raise TypeError(
                    f"`{name}` must be True or False. Got "
                    f"{name}={getattr(self, name)!r}."
                )
        if self.estimator is None or not callable(getattr(self.estimator, "fit", None)):
            raise TypeError(
                "`estimator` must be a regressor with fit and predict. Got "
                f"estimator={self.estimator!r}. Example: Forecaster(Ridge(), ...)."
            )
        self._strategy = strategy_for(
            self.strategy, self.estimator, forecasting_tags(self.estimator)
        )
        if self.recalibrate:
            check_probabilistic(self.estimator, "recalibrate its quantiles")
            if self._strategy.name not in ("direct", "recursive"):
                raise ValueError(
                    "`strategy` must be 'direct' or 'recursive' with "
                    f"recalibrate=True. Got strategy={self.strategy!r}: an "
                    "encoder-decoder has no distribution head."
                )
        if self._gap and (
            self._strategy.name == "recursive"
            or any(isinstance(t, Difference) for t in self._transforms)
        ):
            raise ValueError(
                "`gap` must be 0 with strategy='recursive' or a Difference "
                "transform: both need every step between the history and the "
                f"forecast. Got gap={self.gap!r}. Use strategy='direct' without "
                "Difference, or gap=0."
            )

    def _layout(self) -> Layout:
        return Layout(
            id_col=self.id_col,
            time_col=self.time_col,
            freq=self.freq,
            fill_missing=self.fill_missing,
            nan_policy=self.nan_policy,
        )

    def _need_fit(self, n_lost: int) -> int:
        return (
            self._width
            + self._gap
            + self._strategy.train_horizon(self._horizon)
            + n_lost
        )

    def _check_length(self, lengths, what: str, need: int, history=None) -> None:
        short = np.flatnonzero(np.asarray(lengths) < need)
        if short.size == 0:
            return
        k = int(short[0])
        label = "" if history is None else history.label(k)
        lags = (
            " + lags of Difference" if SeriesTransforms(self._transforms).n_lost else ""
        )
        gap = " + gap" if self._gap else ""
        if what == "history":
            raise ValueError(
                f"The history{label} must have at least input_width{gap} + "
                f"horizon{lags} = {need} rows. Got {int(lengths[k])} rows. Use a "
                "shorter input_width or horizon, or a longer history."
            )
        raise ValueError(
            f"`history`{label} must have at least input_width{lags} = {need} "
            f"rows to forecast from. Got {int(lengths[k])} rows."
        )

    def _fit_history(self, history: History) -> None:
        """Fit transforms, windower and estimator on a checked history."""
        need = self._need_fit(self._n_lost)
        self._pads = (
            history.long
            and self._strategy.pads_short
            and forecasting_tags(self.estimator).short_inputs
        )
        training = history
        short = np.flatnonzero(history.lengths < need)
        if self._pads and 0 < short.size < len(history.lengths):
            training = self._without_short(history, short, need)
        else:
            self._check_length(history.lengths, "history", need, history)
        targets = list(history.targets)
        self._chains = SeriesTransforms(self._transforms).fit(history)
        future = tuple(self.future_covariates or ())
        if self._strategy.name != "direct":  # static values are known ahead
            future = (*future, *history.static)
        past = tuple(c for c in history.covariates if c not in future)
        self.windower_ = Windower(
            self._width,
            self._strategy.train_horizon(self._horizon),
            stride=self.stride,
            gap=self._gap,
            target=targets,
            past_covariates=list(past) or None,
            future_covariates=list(future) or None,
            calendar=self.calendar,
            id_col=self.id_col,
            freq=history.panel.freq,
            nan_policy=self.nan_policy,
            scaler=self.scaler,
            scale_by=self.scale_by,
        )
        body = self._chains.transform(training)
        windows = self.windower_.fit(body).transform(body)
        if history.n_static:
            static.check_size(len(windows), self._width, history.static)
        self._strategy.check_inputs(self.windower_.future_columns_, past)
        self.estimator_ = self._strategy.fit(self.estimator, windows)
        self.target_columns_ = history.targets
        self.covariate_columns_ = history.dynamic
        self.static_columns_ = history.static
        self.static_covariates_ = self._static_table(history)
        self.series_ids_ = history.ids.tolist()
        self.freq_ = history.panel.freq
        self.n_features_in_ = windows.X.shape[-1]
        self.interval_width_ = None
        self.quantile_corrections_ = None
        self.history_ = history

    def _without_short(self, history: History, short, need: int) -> History:
        """The series long enough to train on; warn about the others.

        The short ones keep their fitted transforms and are forecast from their
        rows, padded and masked (:mod:`tsrnn.forecasting.padding`).
        """
        if self._level is not None or (
            self.scaler is not None and self.scale_by == "series"
        ):
            k = int(short[0])
            raise ValueError(
                f"The history{history.label(k)} must have at least {need} rows "
                "(input_width + horizon) with level or scale_by='series': "
                f"intervals and per-series scalers are fitted on training "
                f"windows. Got {int(history.lengths[k])} rows ({short.size} "
                "short series). Leave level / scale_by='series' out, or the "
                "short series."
            )
        warnings.warn(
            f"{short.size} of {len(history.lengths)} series are shorter than "
            f"input_width + horizon = {need} rows (first: "
            f"{history.label(int(short[0])).removeprefix(' of ')}): they give no "
            "training windows, and their forecasts read their own rows, padded "
            "and masked.",
            DataWarning,
            stacklevel=4,
        )
        keep = np.setdiff1d(np.arange(len(history.lengths)), short)
        return history.cut(0, history.lengths[keep], series=keep)

    def _read_fitted(self, history, covariates, static_covariates=None) -> History:
        """A history given after fit, checked against the one seen in fit."""
        if isinstance(history, History):
            return self._with_fitted_static(history, static_covariates)
        layout = self._layout()
        base = read_history(
            history, covariates, layout, target=self.target, fitted=self.history_
        )
        return self._with_fitted_static(base, static_covariates)

    def _read_new(self, history, covariates, static_covariates=None) -> History:
        """A history given to ``predict``: read, and long enough to forecast."""
        base = self._read_fitted(history, covariates, static_covariates)
        fewest = (1 if getattr(self, "_pads", False) else self._width) + self._n_lost
        self._check_length(base.lengths, "predict", fewest, base)
        return base

    # ------------------------------------------------------ static covariates

    def _with_static(self, history: History, frame) -> History:
        """``history`` with the static columns of ``frame`` and the identity.

        A History read before keeps its static columns; the identity is added
        when ``series_identity`` asks for it and it has none yet.
        """
        has_identity = static.n_identity(history.static) > 0
        if frame is None and (not self.series_identity or has_identity):
            return history
        if not history.long:
            raise ValueError(
                "`static_covariates` and `series_identity` need many series (a "
                "long frame with id_col): one series has nothing to tell apart. "
                "Leave them out, or pass id_col."
            )
        if frame is not None:
            table = static.read_table(frame, id_col=self.id_col, taken=history.columns)
            names, values = tuple(table.columns), static.rows_for(table, history.ids)
            center, scale = static.standardizer(values)
        elif history.n_static:  # a History read before: kept, with their scaling
            names = history.static
            center, scale = history.static_scaling
            values = history.static_values() * scale + center
        else:
            names, values = (), np.empty((len(history.ids), 0))
            center = scale = np.empty(0)
        if self.series_identity:
            # Only series that give training windows learn their column.
            trained = history.ids[history.lengths >= self._need_fit(self._n_lost)]
            extra, onehot = static.identity(history.ids, trained)
            names += extra
            values = np.hstack([values, onehot])
            center = np.concatenate([center, np.zeros(len(extra))])
            scale = np.concatenate([scale, np.ones(len(extra))])
        return attach_static(history, names, values, (center, scale))

    def _with_fitted_static(self, base: History, frame) -> History:
        """A new history with the static columns of fit (values by series id).

        A History that already holds them is returned as it is.
        """
        fitted = self.history_
        if frame is None and base.static == fitted.static:
            return base
        if not fitted.n_static:
            if frame is not None:
                raise ValueError(
                    "`static_covariates` must have been given in fit to be read "
                    "in predict. Got static covariates for a forecaster fitted "
                    "without them. Refit with fit(..., static_covariates=...)."
                )
            return base
        fitted_table = self.static_covariates_
        user = self.static_columns_[
            : 0 if fitted_table is None else fitted_table.shape[1]
        ]
        values = np.empty((len(base.ids), 0))
        if user:
            table = None
            if frame is not None:
                table = static.read_table(
                    frame, id_col=self.id_col, taken=base.columns, expected=list(user)
                )
            values = static.rows_for(table, base.ids, fitted_table)
        elif frame is not None:
            raise ValueError(
                "`static_covariates` must have been given in fit to be read in "
                "predict: this forecaster's only static columns are its "
                "series_identity. Leave static_covariates out."
            )
        if self.series_identity:
            unseen = ~pd.Index(base.ids).isin(self.series_ids_)
            if unseen.any():
                raise ValueError(
                    "The history must hold only series seen in fit with "
                    "series_identity=True: a new series has no learned identity. "
                    f"Got series {plain(base.ids[np.flatnonzero(unseen)[0]])!r}. "
                    "Refit on a history that includes it."
                )
            # The identity columns of fit: a row of the fitted history's.
            rows = pd.Index(fitted.ids).get_indexer(pd.Index(base.ids))
            values = np.hstack([values, fitted.static_values()[rows, len(user) :]])
        return attach_static(base, self.static_columns_, values, fitted.static_scaling)

    def _static_table(self, history: History):
        """The static covariates of the fitted series as given, or None."""
        n_identity = static.n_identity(history.static) if self.series_identity else 0
        n_user = history.n_static - n_identity
        if not n_user:
            return None
        center, scale = (a[:n_user] for a in history.static_scaling)
        raw = history.static_values()[:, :n_user] * scale + center
        return pd.DataFrame(
            raw,
            index=pd.Index(history.ids, name=self.id_col),
            columns=list(history.static[:n_user]),
        )

    def _known_columns(self) -> list:
        """Covariates read over the forecast steps (calendar columns aside)."""
        windower = self.windower_
        return [
            c for c in windower.future_columns_ if c not in windower.calendar_columns_
        ]

    def _steps(self, horizon) -> int:
        steps = check_int("horizon", self.horizon if horizon is None else horizon)
        most = self._strategy.max_steps(self._horizon)
        if most is not None and steps > most:
            raise ValueError(
                f"`horizon` must be at most {most}, the horizon this "
                f"{self.strategy} forecaster was fitted for. Got horizon={steps}. "
                f"Refit with Forecaster(..., horizon={steps}) or use "
                "strategy='recursive'."
            )
        return steps

    # ------------------------------------------------------- sampled futures

    def sample(
        self,
        n_paths=100,
        *,
        horizon=None,
        covariates=None,
        random_state=None,
        carry_state="auto",
    ):
        """Sample ``n_paths`` future paths after the end of every series.

        Needs an estimator that forecasts a distribution
        (``RNNRegressor(distribution=...)``). With ``strategy="recursive"`` each
        step is drawn and fed back (ancestral sampling, all series and paths in
        one traced loop); with ``"direct"`` every step is drawn from its own
        forecast distribution. Paths are mapped back through the scaler and
        transforms one by one; see :mod:`tsrnn.forecasting.sampling`.

        Parameters
        ----------
        n_paths : int, default=100
        horizon : int, default=None
            Steps of every path; ``None`` uses ``self.horizon``.
        covariates : DataFrame, default=None
            Future covariates over the sampled steps, as in :meth:`predict`.
        random_state : int, RandomState instance or None, default=None
            Seeds the draws: the same seed gives the same paths.
        carry_state : bool or "auto", default="auto"
            Recursive strategy only. False: each step re-reads the rolled
            input window. True: each series' window is read once and the
            recurrent state carried forward one row per step and path, at the
            window's scale, as DeepAR samples (``input_width`` times fewer
            recurrent steps). "auto": True when the network was trained after
            every row (``RNNRegressor(every_step="auto")``, the default with a
            distribution), whose state is made to be carried; False otherwise.
            The first step is the same either way.

        Returns
        -------
        DataFrame
            One row per series, path and step: the series id (``id_col``, many
            series only), the timestamp, ``path`` and one column per target.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from tsrnn import RNNRegressor
        >>> index = pd.date_range("2024-01-01", periods=80, freq="D")
        >>> y = pd.Series(np.sin(np.arange(80) / 3) + 5, index=index, name="load")
        >>> model = RNNRegressor(distribution="normal", units=4, epochs=1,
        ...                      jit_compile=False, random_state=0)
        >>> forecaster = Forecaster(model, input_width=12, horizon=3,
        ...                         strategy="recursive").fit(y)
        >>> paths = forecaster.sample(5, random_state=0)
        >>> paths.shape, paths.columns.tolist()
        ((15, 3), ['time', 'path', 'load'])
        """
        from tsrnn.forecasting.sampling import sample_frame

        return sample_frame(
            self._sampled(n_paths, horizon, covariates, random_state, carry_state),
            self.id_col,
        )

    def predict_quantiles(
        self,
        quantiles=None,
        *,
        level=None,
        n_paths=1000,
        horizon=None,
        covariates=None,
        random_state=None,
        carry_state="auto",
        calibrated=True,
    ):
        """Quantiles or central intervals of the forecast, from sampled paths.

        Parameters
        ----------
        quantiles : sequence of float, default=None
            Levels in (0, 1), strictly increasing: columns ``{target}_q{q}``.
        level : float or sequence of float, default=None
            Central interval coverages in percent, e.g. ``[80, 95]``: columns
            ``{target}_lower_{level}`` and ``{target}_upper_{level}``. Give
            exactly one of ``quantiles`` and ``level``.
        n_paths : int, default=1000
            Paths sampled with :meth:`sample` to read the quantiles from.
        horizon, covariates, random_state, carry_state
            As in :meth:`sample`.
        calibrated : bool, default=True
            With ``recalibrate=True``: read the recalibrated quantiles (False:
            the paths' own). Ignored otherwise.

        Returns
        -------
        DataFrame
            Indexed as :meth:`predict`; the mean of the paths per target, then
            the quantile or interval columns.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from tsrnn import RNNRegressor
        >>> index = pd.date_range("2024-01-01", periods=100, freq="D")
        >>> y = pd.Series(np.sin(np.arange(100) / 3) + 5, index=index, name="load")
        >>> model = RNNRegressor(distribution="normal", units=4, epochs=1,
        ...                      jit_compile=False, random_state=0)
        >>> forecaster = Forecaster(model, input_width=12, horizon=3,
        ...                         strategy="recursive", recalibrate=True).fit(y)
        >>> forecaster.quantile_corrections_.shape  # levels, steps, targets
        (25, 3, 1)
        >>> bands = forecaster.predict_quantiles(level=[80], random_state=0)
        >>> bands.columns.tolist()
        ['load', 'load_lower_80', 'load_upper_80']
        """
        check_is_fitted(self, "estimator_")
        steps = self._steps(horizon)
        return self._quantile_frame(
            self._base(covariates),
            steps,
            quantiles,
            level,
            n_paths,
            random_state,
            carry_state,
            calibrated,
        )

    def _quantile_frame(
        self,
        base,
        steps,
        quantiles,
        level,
        n_paths,
        random_state,
        carry_state,
        calibrated,
    ):
        """:meth:`predict_quantiles` from the end of the checked history ``base``."""
        from tsrnn.forecasting.sampling import draw_paths, quantile_frame

        paths = draw_paths(self, base, n_paths, steps, random_state, carry_state)
        corrections = self.quantile_corrections_ if calibrated else None
        adjust = None
        if corrections is not None:
            if paths.values.shape[1] > corrections.shape[1]:
                raise ValueError(
                    f"`horizon` must be at most {corrections.shape[1]}, the steps "
                    "recalibrated in fit, to read recalibrated quantiles. Got "
                    f"horizon={steps!r}. Pass calibrated=False, or refit with a "
                    "longer horizon."
                )
            adjust = partial(
                recalibration.corrected_quantiles,
                corrections,
                self._chains,
                paths.history,
                paths.ks,
            )
        return quantile_frame(
            paths, quantiles=quantiles, level=level, id_name=self.id_col, adjust=adjust
        )

    def _sampled(self, n_paths, horizon, covariates, random_state, carry_state):
        from tsrnn.forecasting.sampling import draw_paths

        check_is_fitted(self, "estimator_")
        steps = self._steps(horizon)
        base = self._base(covariates)
        return draw_paths(self, base, n_paths, steps, random_state, carry_state)

    def _base(self, covariates) -> History:
        """The history seen in fit, with new future ``covariates`` if given."""
        if covariates is None:
            return self.history_
        return attach_covariates(
            self.history_, covariates, self._layout(), expected=self.covariate_columns_
        )

    def sequence_scores(self, history=None, *, covariates=None):
        """Negative log-likelihood of every observed step: an anomaly score.

        Each window of the history gives the predictive distribution of the
        step after it; the score of that step is ``-log p(observed value)``,
        in nats, in the model's units (after transforms and scaler). High
        scores flag steps the model found unlikely; see
        :mod:`tsrnn.forecasting.scores`. Needs an estimator that forecasts a
        distribution (``RNNRegressor(distribution=...)``).

        Parameters
        ----------
        history : Series, DataFrame or History, default=None
            ``None`` scores the history seen in ``fit``; otherwise a history in
            the same layout, long enough for one window per series. Not
            modified.
        covariates : DataFrame, default=None
            Covariates over ``history``, as in :meth:`predict`.

        Returns
        -------
        DataFrame
            Indexed by the scored timestamps (MultiIndex (series, time) for
            many series); one column per target. The first ``input_width``
            rows of each series have no window before them and no score.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from tsrnn import RNNRegressor
        >>> index = pd.date_range("2024-01-01", periods=80, freq="D")
        >>> y = pd.Series(np.sin(np.arange(80) / 3) + 5, index=index, name="load")
        >>> model = RNNRegressor(distribution="normal", units=4, epochs=1,
        ...                      jit_compile=False, random_state=0)
        >>> forecaster = Forecaster(model, input_width=12, strategy="recursive")
        >>> scores = forecaster.fit(y).sequence_scores()
        >>> len(scores), scores.index[0].strftime("%Y-%m-%d")
        (68, '2024-01-13')
        """
        from tsrnn.forecasting.scores import sequence_scores

        check_is_fitted(self, "estimator_")
        if history is None:
            base = self.history_
        else:
            base = self._read_fitted(history, covariates)
        self._check_length(base.lengths, "history", self._need_fit(self._n_lost), base)
        return sequence_scores(self, base)


def _origin_ranks(origins) -> tuple:
    """``(ks, ps, ranks)``: every origin ``p`` of series ``k``, and its rank.

    The rank of an origin is its place among its series' origins, smallest
    first; ``ks``, ``ps`` and ``ranks`` are int64 arrays ordered by series,
    then rank. Array arithmetic over all series at once; a 2-D integer array
    (as many origins for every series) skips the Python iteration.
    """
    if isinstance(origins, np.ndarray) and origins.ndim == 2:
        n, per = origins.shape
        ps = np.sort(origins.astype(np.int64), axis=1).ravel()
        ks = np.repeat(np.arange(n, dtype=np.int64), per)
        return ks, ps, np.tile(np.arange(per, dtype=np.int64), n)
    counts = np.fromiter((len(o) for o in origins), dtype=np.int64, count=len(origins))
    flat = np.fromiter(
        (int(p) for o in origins for p in o), dtype=np.int64, count=int(counts.sum())
    )
    ks = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    order = np.lexsort((flat, ks))
    ks, ps = ks[order], flat[order]
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return ks, ps, np.arange(len(ks), dtype=np.int64) - starts
