"""Forecasts with no choices to make: :class:`AutoForecaster`.

``AutoForecaster(horizon).fit(history).predict()`` forecasts every series of a
panel (or one series) with the best of several models, chosen and combined on
the training history alone:

1. **Candidates** (:mod:`tsrnn.forecasting.candidates`): the simple baselines
   (naive, seasonal naive, drift, seasonal naive with drift), statsforecast's
   AutoETS and AutoTheta when statsforecast is installed, and global recurrent
   networks over the whole panel (a direct GRU on log-deseasonalized,
   window-normalized series; a recursive GRU on seasonally differenced logs).
2. **Rolling-origin validation**: ``n_folds`` folds cut from the end of every
   series, fold ``f`` holding out the ``horizon`` steps after its first
   ``length - f * horizon`` rows. Each candidate is fitted on each fold's rows
   and scored by MASE (scaled by the fold's own in-sample seasonal naive
   error) and sMAPE. The test part of a benchmark, or the future, plays no
   part.
3. **Ensembles**: ``"best"`` is the equal-weight combination of every
   statistical and recurrent model, when that combination beats seasonal
   naive on validation. It is fixed in advance rather than chosen on the
   folds: an ensemble chosen among many on a few folds looks better there
   than it forecasts after them, and on validation rows of the M1 and tourism
   panels and of single series the combination forecast better than the
   ensemble the folds chose (``benchmarks/combination_study.py``). Otherwise,
   and for the two family ensembles, the candidates that beat seasonal naive
   on validation are taken in order of validation MASE; the mean of the best
   ``k`` (``k`` = 1 ... 5) is scored on the same folds, and the best
   combination wins. Seasonal naive wins when nothing beats it: the chosen
   forecast never lost to seasonal naive on validation. Three ensembles are
   chosen: ``"best"``, ``"recurrent"`` from the recurrent networks only and
   ``"statistical"`` from the baselines and statsforecast models, so the
   networks' share of the result is measured.
   With ``n_trials`` (and Optuna installed), a further recurrent candidate,
   ``recurrent_tuned``, has its design searched by Optuna on the same folds
   (:mod:`tsrnn.forecasting.tuning`) and competes like the others.
4. **Refit** of the members on the whole history (recurrent members with
   ``n_seeds`` seeds, averaged), and the forecast.

Prediction intervals (``level``) come from the validation errors of the
chosen ensemble: per forecast step, the ``level`` quantile of the absolute
error divided by each series' MASE scale, times the series' scale.
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from tsrnn.core.quantiles import requested_quantiles
from tsrnn.core.validation import check_int, message
from tsrnn.evaluation.baselines import period_of_freq
from tsrnn.exceptions import DataWarning, TrainingWarning
from tsrnn.forecasting import candidates as _candidates
from tsrnn.forecasting import tuning as _tuning
from tsrnn.forecasting.forecasts import Forecasts
from tsrnn.forecasting.history import History, Layout, read_history
from tsrnn.forecasting.selection import (
    FAMILIES,
    choose_ensembles,
    error_quantiles,
    interval_quantiles,
    leaderboard,
    mase_scale,
    score_folds,
)

__all__ = ["AutoForecaster"]


class AutoForecaster(BaseEstimator):
    """Choose and combine forecasting models on the history; forecast every series.

    Parameters
    ----------
    horizon : int
        Steps to forecast.
    id_col : str, default=None
        Series id column of a long history; ``None`` reads one series (a
        Series, or a DataFrame with one target column).
    time_col : str, default=None
        Timestamp column; ``None`` uses the DatetimeIndex.
    target : str, default=None
        Target column; ``None`` takes the only numeric column that is neither
        ``id_col`` nor ``time_col``.
    season_length : int, default=None
        Steps in a season; ``None`` takes it from the frequency (12 for
        monthly, 4 for quarterly, 7 for daily, 24 for hourly; see
        :func:`tsrnn.infer_period`), 1 when the frequency has no season.
    level : float, default=None
        Coverage of prediction intervals (0.9: 90 %); ``None``: point
        forecasts only.
    time_budget : float, default=None
        Seconds the search may take. The baselines always run (milliseconds);
        a statistical or recurrent candidate whose next fit is not expected to
        finish within the budget is skipped, with a warning, and listed as
        skipped in ``leaderboard_``. ``None``: no limit.
    models : list of str, default=None
        Families (``"baseline"``, ``"statistical"``, ``"recurrent"``) or
        candidate names (``"gru_direct"``, ``"auto_ets"``, ...) to consider;
        ``None`` takes every available one (AutoARIMA only in panels of at
        most 50 series: name ``"auto_arima"`` to search it in larger ones).
        Naive and seasonal naive are always candidates: they are the forecasts
        to beat.
    n_folds : int, default=2
        Validation folds (origins ``horizon`` steps apart). A series too short
        for a fold (fewer than 2 rows before its origin) sits that fold out.
    n_seeds : int, default=3
        Seeds of each recurrent member in the final refit (averaged).
    n_trials : int, default=0
        Optuna trials of a hyperparameter search for one more recurrent
        candidate, ``recurrent_tuned`` (cell, units, input width, strategy,
        normalization, learning rate, training steps; see
        :mod:`tsrnn.forecasting.tuning`). Each trial costs up to ``n_folds``
        network fits (fewer when pruned). Needs Optuna
        (``pip install "tsrnn[tune]"``) and the recurrent family in
        ``models``; ``time_budget`` also bounds it. 0: the fixed candidates
        only.
    freq : str, default=None
        Frequency; ``None`` infers it.
    fill_missing : {None, "ffill", "interpolate", "zero"}, default=None
        Missing timestamps raise unless set; see :class:`tsrnn.Windower`.
    nan_policy : {"raise", "ffill", "interpolate"}, default="raise"
        NaN values raise unless filled.
    random_state : int, default=None
        Seeds the recurrent candidates; the same value gives the same forecasts.
    verbose : int, default=1
        1 writes a line per candidate and fold to stderr; 0 is silent.

    Attributes
    ----------
    leaderboard_ : DataFrame
        One row per candidate and per ensemble, best validation MASE first:
        ``family``, ``mase``, ``smape`` (means over folds), ``mase_fold{f}``,
        ``fallback`` (series a candidate forecast by seasonal naive because
        they were too short for it), ``weight`` (in the best ensemble),
        ``seconds`` (fit and forecast, folds and refit) and ``status``.
    ensembles_ : dict
        ``name -> {member: weight}`` for ``"best"``, ``"recurrent"`` and
        ``"statistical"`` (a name is missing when its pool is empty).
    season_length_ : int
    history_ : History
    forecasts_ : dict
        ``name -> ndarray (n_series, horizon)``: each ensemble's forecast.
    member_forecasts_ : dict
        ``candidate -> ndarray (n_series, horizon)``: the forecast of each
        ensemble member and of every baseline after the refit.
    tuning_ : DataFrame or None
        With ``n_trials``: one row per Optuna trial (``source`` "search", or
        the fixed candidate that seeded the search), its ``state``, mean
        validation ``mase``, parameters and ``seconds``. ``None`` otherwise.
    tuned_params_ : dict or None
        The design of ``recurrent_tuned`` (the best completed trial of the
        search); ``None`` without ``n_trials`` or when no trial completed.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> t = np.arange(60)
    >>> y = pd.Series(100 + 10 * np.sin(2 * np.pi * t / 12) + t,
    ...               index=pd.date_range("2015-01-01", periods=60, freq="MS"))
    >>> auto = AutoForecaster(6, models=["baseline"], verbose=0).fit(y)
    >>> auto.predict().shape
    (6, 1)
    >>> auto.leaderboard_.index[0]
    'ensemble: best'
    """

    def __init__(
        self,
        horizon,
        *,
        id_col=None,
        time_col=None,
        target=None,
        season_length=None,
        level=None,
        time_budget=None,
        models=None,
        n_folds=2,
        n_seeds=3,
        n_trials=0,
        freq=None,
        fill_missing=None,
        nan_policy="raise",
        random_state=None,
        verbose=1,
    ):
        self.horizon = horizon
        self.id_col = id_col
        self.time_col = time_col
        self.target = target
        self.season_length = season_length
        self.level = level
        self.time_budget = time_budget
        self.models = models
        self.n_folds = n_folds
        self.n_seeds = n_seeds
        self.n_trials = n_trials
        self.freq = freq
        self.fill_missing = fill_missing
        self.nan_policy = nan_policy
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ public

    def fit(self, y):
        """Search, choose, refit; return ``self``.

        Parameters
        ----------
        y : Series or DataFrame
            One series (a Series, or a DataFrame with a DatetimeIndex or
            ``time_col``) or a long frame of many series (``id_col``). Not
            modified.
        """
        start = time.perf_counter()
        horizon = self._check_params()
        history = self._read(y)
        lengths = history.lengths
        season = self._season(history)
        names = self._candidate_names(len(history.lengths))
        recurrent = {spec.name for spec in _candidates.RECURRENT}
        if self.n_trials and not recurrent & set(names):
            raise ValueError(
                f"n_trials={self.n_trials} tunes a recurrent candidate, but "
                f"models={self.models!r} leaves the recurrent family out. Add "
                "'recurrent' to models or set n_trials=0."
            )
        folds = self._folds(history, horizon, season)
        seeds = self._seeds()

        records, fold_forecasts = self._search(names, folds, season, seeds, start)
        self._tune(records, fold_forecasts, folds, season, seeds, start)
        failed = {n: r["status"] for n, r in records.items() if "failed" in r["status"]}
        if failed:
            warnings.warn(
                f"candidates failed and were left out: {failed}",
                TrainingWarning,
                stacklevel=2,
            )
        skipped = [n for n, r in records.items() if "skipped" in r["status"]]
        if skipped:
            warnings.warn(
                f"time_budget={self.time_budget!r} s ran out: candidates "
                f"{skipped} were skipped. Raise time_budget to consider them.",
                TrainingWarning,
                stacklevel=2,
            )

        scores = {
            name: score_folds(forecasts, folds)
            for name, forecasts in fold_forecasts.items()
        }
        families = {name: records[name]["family"] for name in fold_forecasts}
        self.ensembles_, ensemble_scores = choose_ensembles(
            scores, fold_forecasts, families, folds
        )

        # The baselines are always refitted (milliseconds), so that predict can
        # return them for comparison (the CLI never writes a forecast that lost
        # to one of them on its holdout).
        members = sorted(
            {m for ens in self.ensembles_.values() for m in ens}
            | set(_candidates.BASELINES)
        )
        final = self._refit(members, history, season, seeds, records)
        self.member_forecasts_ = final
        self.forecasts_ = {
            ens: sum(w * final[m] for m, w in weights.items())
            for ens, weights in self.ensembles_.items()
        }
        self._signed_errors = {
            name: ensemble_scores[name]["signed"] for name in self.ensembles_
        }
        self._intervals = None
        if self.level is not None:
            self._intervals = interval_quantiles(
                ensemble_scores["best"]["errors"], float(self.level)
            )
        self.leaderboard_ = leaderboard(
            records, scores, ensemble_scores, self.ensembles_, len(folds)
        )
        self.season_length_ = season
        self.history_ = history
        self.n_series_ = len(lengths)
        self._scale = mase_scale(_candidates.series_values(history), season)
        self.fit_seconds_ = time.perf_counter() - start
        self._say(f"done in {self.fit_seconds_:.1f} s")
        return self

    def predict(self, *, ensemble="best", quantiles=None, level=None):
        """Forecast the ``horizon`` steps after every series' history.

        Parameters
        ----------
        ensemble : str, default="best"
            Which chosen ensemble forecasts: ``"best"``, ``"recurrent"`` or
            ``"statistical"`` (see ``ensembles_``), or the name of one
            refitted model of ``member_forecasts_`` (an ensemble member or a
            baseline) to see it alone.
        quantiles : sequence of float, default=None
            Also the columns ``{target}_q{q}`` of these levels in (0, 1),
            strictly increasing, as :meth:`predict_quantiles` gives them (an
            ensemble only).
        level : float or sequence of float, default=None
            Likewise, central intervals in percent, e.g. ``[80, 95]``: columns
            ``{target}_lower_{level}`` and ``{target}_upper_{level}``. Give at
            most one of ``quantiles`` and ``level``. (The constructor's
            ``level``, a fraction, sets ``{target}_lower`` and
            ``{target}_upper`` instead.)

        Returns
        -------
        DataFrame
            As :meth:`tsrnn.Forecaster.predict`: indexed by the future
            timestamps (a MultiIndex (series, time) for many series); the
            target column, then ``{target}_lower`` and ``{target}_upper`` when
            ``level`` is set (from the ``"best"`` ensemble's validation errors),
            then the columns of ``quantiles`` or ``level``.
        """
        check_is_fitted(self, "forecasts_")
        if quantiles is not None or level is not None:
            bands = self.predict_quantiles(quantiles, level=level, ensemble=ensemble)
            frame = self.predict(ensemble=ensemble)
            return frame.join(bands.drop(columns=list(self.history_.targets)))
        known = {**self.member_forecasts_, **self.forecasts_}
        if not isinstance(ensemble, str) or ensemble not in known:
            raise ValueError(
                message(
                    "ensemble",
                    f"one of {sorted(known)}",
                    ensemble,
                    "The recurrent ensemble is missing when models leaves the "
                    "recurrent family out or the time budget skipped it.",
                )
            )
        history = self.history_
        values = known[ensemble]
        lower = upper = None
        if self._intervals is not None:
            half = self._intervals[None, :] * self._scale[:, None]
            lower, upper = (values - half)[..., None], (values + half)[..., None]
        lengths = history.lengths
        forecasts = Forecasts(
            history,
            np.arange(len(lengths)),
            lengths,
            _future_times(history, values.shape[1]),
            values[..., None],
            lower,
            upper,
        )
        return forecasts.to_frame(self.id_col)

    def predict_quantiles(self, quantiles=None, *, level=None, ensemble="best"):
        """Quantiles or central intervals of an ensemble's forecast.

        Read from the ensemble's own rolling-origin validation errors (split
        conformal, per forecast step): the errors ``actual - forecast`` of
        every series and fold, each divided by its series' MASE scale, give
        per step the quantiles of the scaled error; a series' quantile is its
        forecast plus that quantile times its own scale. No distributional
        assumption; a series whose history has no negative value gets no
        negative quantile. With few errors per step (one series, few folds)
        the outer quantiles are the widest errors seen: raise ``n_folds``.

        Parameters
        ----------
        quantiles : sequence of float, default=None
            Levels in (0, 1), strictly increasing: columns ``{target}_q{q}``.
        level : float or sequence of float, default=None
            Central interval coverages in percent, e.g. ``[80, 95]``: columns
            ``{target}_lower_{level}`` and ``{target}_upper_{level}``. Give
            exactly one of ``quantiles`` and ``level``.
        ensemble : str, default="best"
            ``"best"``, ``"recurrent"`` or ``"statistical"`` (see
            ``ensembles_``).

        Returns
        -------
        DataFrame
            Indexed as :meth:`predict`: the point forecast, then the quantile
            or interval columns.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> t = np.arange(72)
        >>> y = pd.Series(100 + 10 * np.sin(2 * np.pi * t / 12) + t,
        ...               index=pd.date_range("2015-01-01", periods=72, freq="MS"),
        ...               name="sales")
        >>> auto = AutoForecaster(6, models=["baseline"], n_folds=3,
        ...                       verbose=0).fit(y)
        >>> auto.predict_quantiles(level=[80]).columns.tolist()
        ['sales', 'sales_lower_80', 'sales_upper_80']
        """
        check_is_fitted(self, "forecasts_")
        if not isinstance(ensemble, str) or ensemble not in self._signed_errors:
            raise ValueError(
                message(
                    "ensemble",
                    f"one of {sorted(self._signed_errors)} for quantiles (they "
                    "come from an ensemble's validation errors)",
                    ensemble,
                )
            )
        probabilities, names = requested_quantiles(quantiles, level)
        order = np.argsort(probabilities, kind="stable")
        offsets = np.empty((len(probabilities), self._horizon))
        offsets[order] = error_quantiles(
            self._signed_errors[ensemble], probabilities[order]
        )
        point = self.forecasts_[ensemble]
        found = point[None] + offsets[:, None, :] * self._scale[None, :, None]
        floor = np.array(
            [np.min(y) >= 0 for y in _candidates.series_values(self.history_)]
        )
        found[:, floor] = np.maximum(found[:, floor], 0.0)
        frame = self.predict(ensemble=ensemble)
        target = self.history_.targets[0]
        frame = frame[[target]].copy()
        for name, values in zip(names, found, strict=True):
            frame[f"{target}_{name}"] = values.ravel()
        return frame

    # ------------------------------------------------------------- internals

    def _search(self, names, folds, season: int, seeds, start) -> tuple:
        """Fit and forecast every candidate on every fold; records, forecasts."""
        horizon = self._horizon
        records, fold_forecasts = {}, {}
        for name in names:
            candidate = _candidates.make_candidate(name, season, horizon, seeds[:1])
            record = {"family": candidate.family, "seconds": 0.0, "fallback": 0}
            record["status"] = ""
            records[name] = record
            forecasts = []
            for f, (cut, _actual, _scale) in enumerate(folds, start=1):
                if not self._affordable(candidate.family, record, f, start):
                    record["status"] = "skipped: time budget"
                    break
                began = time.perf_counter()
                model = _candidates.make_candidate(name, season, horizon, seeds[:1])
                try:
                    forecasts.append(model.fit(cut).forecast(horizon))
                except Exception as error:
                    # A statistical or recurrent candidate that fails on this
                    # data is left out, with its error; a baseline never fails.
                    if candidate.family == "baseline":
                        raise
                    record["status"] = f"failed: {type(error).__name__}: {error}"
                    break
                record["seconds"] += time.perf_counter() - began
                record["fallback"] = max(record["fallback"], model.n_fallback_)
                self._say(
                    f"{name}: fold {f}/{len(folds)} {time.perf_counter() - began:.1f} s"
                )
            else:
                record["status"] = "scored"
                fold_forecasts[name] = forecasts
        return records, fold_forecasts

    def _tune(self, records, fold_forecasts, folds, season: int, seeds, start):
        """The Optuna search for ``recurrent_tuned`` (adds it when found)."""
        self.tuning_ = self.tuned_params_ = None
        self._specs = {}
        if not self.n_trials:
            return
        family = {name: r["family"] for name, r in records.items()}
        known = {
            name: score_folds(fold_forecasts[name], folds)["folds"]
            for name in fold_forecasts
            if family[name] == "recurrent"
        }
        deadline = None
        if self.time_budget is not None:
            deadline = start + self.time_budget
        result = _tuning.tune_recurrent(
            folds,
            season,
            self._horizon,
            n_trials=self.n_trials,
            seed=seeds[0],
            known=known,
            deadline=deadline,
            say=self._say,
        )
        self.tuning_ = result.trials
        record = {"family": "recurrent", "seconds": result.seconds}
        record["fallback"] = result.fallback
        records[_tuning.NAME] = record
        if result.spec is None:
            if result.stopped:
                record["status"] = "skipped: time budget"
            else:
                record["status"] = "failed: no trial completed: " + "; ".join(
                    sorted(set(result.errors))
                )
            return
        record["status"] = "scored"
        fold_forecasts[_tuning.NAME] = result.forecasts
        self._specs[_tuning.NAME] = result.spec
        self.tuned_params_ = _tuning.params_of(result.spec)

    def _refit(self, members, history, season: int, seeds, records) -> dict:
        """Each member refitted on the whole history: ``name -> (n, horizon)``."""
        horizon = self._horizon
        lengths = history.lengths
        final = {}
        for name in members:
            began = time.perf_counter()
            model = _candidates.make_candidate(
                name,
                season,
                horizon,
                seeds[: max(1, self.n_seeds)],
                spec=self._specs.get(name),
            )
            final[name] = model.fit(history).forecast(horizon)
            if name not in records:  # a baseline kept for comparison only
                continue
            record = records[name]
            record["seconds"] += time.perf_counter() - began
            record["fallback"] = max(record["fallback"], model.n_fallback_)
            self._say(f"{name}: refit on the whole history")
            if model.n_fallback_ and model.family == "recurrent":
                warnings.warn(
                    f"{model.n_fallback_} of {len(lengths)} series are too short "
                    f"for {name} (input width {model.width_} + its horizon); "
                    "they get its seasonal naive forecast.",
                    DataWarning,
                    stacklevel=3,
                )
        return final

    def _check_params(self) -> int:
        horizon = self._horizon = check_int("horizon", self.horizon)
        check_int("n_folds", self.n_folds)
        check_int("n_seeds", self.n_seeds)
        check_int("n_trials", self.n_trials, minimum=0)
        if self.n_trials and not _tuning.optuna_available():
            raise ValueError(
                f"n_trials={self.n_trials} searches a recurrent candidate with "
                "Optuna, which is not installed. Install it (pip install "
                '"tsrnn[tune]" or pip install optuna) or set n_trials=0.'
            )
        if self.season_length is not None:
            check_int("season_length", self.season_length)
        if self.time_budget is not None and not (
            isinstance(self.time_budget, int | float)
            and not isinstance(self.time_budget, bool)
            and self.time_budget > 0
        ):
            raise ValueError(
                message(
                    "time_budget",
                    "a positive number of seconds or None",
                    self.time_budget,
                )
            )
        if self.level is not None and not (
            isinstance(self.level, float) and 0 < self.level < 1
        ):
            raise ValueError(
                message(
                    "level",
                    "a float in (0, 1), the coverage of the intervals",
                    self.level,
                    "Example: level=0.9 for 90 % intervals.",
                )
            )
        if self.nan_policy not in ("raise", "ffill", "interpolate"):
            raise ValueError(
                message(
                    "nan_policy",
                    "one of 'raise', 'ffill', 'interpolate'",
                    self.nan_policy,
                )
            )
        return horizon

    def _read(self, y) -> History:
        if isinstance(y, History):
            history = y
        else:
            history = read_history(
                y,
                None,
                Layout(
                    id_col=self.id_col,
                    time_col=self.time_col,
                    freq=self.freq,
                    fill_missing=self.fill_missing,
                    nan_policy=self.nan_policy,
                ),
                target=self.target,
            )
        if history.n_targets != 1:
            raise ValueError(
                message(
                    "target",
                    "one column: AutoForecaster forecasts one target per series",
                    list(history.targets),
                    "Name the column to forecast with target=...",
                )
            )
        short = np.flatnonzero(history.lengths < 2)
        if short.size:
            k = int(short[0])
            raise ValueError(
                f"Every series must have at least 2 rows. Got "
                f"{int(history.lengths[k])} row{history.label(k)} ({short.size} "
                "such series). Leave them out or forecast them by hand (their "
                "only value repeated is the naive forecast)."
            )
        return history

    def _season(self, history) -> int:
        if self.season_length is not None:
            return int(self.season_length)
        return period_of_freq(history.panel.freq) or 1

    def _candidate_names(self, n_series: int) -> list:
        statistical = []
        installed = _candidates.statistical_available()
        if installed:
            statistical = [
                name
                for name in _candidates.STATISTICAL
                if name != "auto_arima" or n_series <= _candidates.ARIMA_MAX_SERIES
            ]
        available = {
            "baseline": list(_candidates.BASELINES),
            "statistical": statistical,
            "recurrent": [spec.name for spec in _candidates.RECURRENT],
        }
        every = [name for family in FAMILIES for name in available[family]]
        if self.models is None:
            chosen = every
        else:
            wanted = [self.models] if isinstance(self.models, str) else self.models
            chosen = []
            known = (
                set(FAMILIES)
                | set(_candidates.BASELINES)
                | set(_candidates.STATISTICAL)
                | {spec.name for spec in _candidates.RECURRENT}
            )
            for item in wanted:
                if item not in known:
                    raise ValueError(
                        message(
                            "models",
                            f"a list of families {list(FAMILIES)} or candidate "
                            f"names {sorted(known - set(FAMILIES))}",
                            self.models,
                        )
                    )
                if item in _candidates.STATISTICAL and not installed:
                    raise ValueError(
                        f"`models` names {item!r}, which needs statsforecast. "
                        "Install it (pip install statsforecast) or leave it out."
                    )
                chosen += available.get(item, [item])
        chosen += ["naive", "seasonal_naive"]
        order = [
            *_candidates.BASELINES,
            *_candidates.STATISTICAL,
            *(spec.name for spec in _candidates.RECURRENT),
        ]
        return [name for name in order if name in chosen]

    def _folds(self, history, horizon: int, season: int) -> list:
        """``(history cut, actual (n_f, h), MASE scale (n_f,))`` per fold."""
        lengths = history.lengths
        values = _candidates.series_values(history)
        folds = []
        for f in range(1, self.n_folds + 1):
            origin = lengths - f * horizon
            keep = np.flatnonzero(origin >= 2)
            if not keep.size:
                break
            cut = History(
                panel=history.panel.take(0, origin[keep], series=keep),
                n_targets=1,
                timelines=None,
                long=history.long,
            )
            actual = np.stack(
                [values[k][origin[k] : origin[k] + horizon] for k in keep]
            )
            scale = mase_scale(_candidates.series_values(cut), season)
            folds.append((cut, actual, scale))
        if not folds:
            longest = int(lengths.max())
            raise ValueError(
                message(
                    "horizon",
                    f"at most {longest - 2} for this history: validation holds "
                    "out the last horizon steps of a series and needs 2 rows "
                    f"before them; the longest series has {longest} rows",
                    horizon,
                    "Forecast fewer steps, or give a longer history.",
                )
            )
        return folds

    def _seeds(self) -> list:
        if self.random_state is None:
            return [None] * max(1, self.n_seeds)
        seed = check_int("random_state", self.random_state, minimum=0)
        sequence = np.random.SeedSequence(seed)
        return [int(s) for s in sequence.generate_state(max(1, self.n_seeds))]

    def _affordable(self, family, record, fold, start) -> bool:
        if self.time_budget is None or family == "baseline":
            return True
        # The next fold is expected to take as long as the candidate's last.
        spent = time.perf_counter() - start
        expected = record["seconds"] / (fold - 1) if fold > 1 else 0.0
        return spent < self.time_budget and spent + expected <= self.time_budget

    def _say(self, line: str) -> None:
        if self.verbose:
            sys.stderr.write(f"AutoForecaster: {line}\n")
            sys.stderr.flush()


def _future_times(history, steps: int) -> np.ndarray:
    """Timestamps of the ``steps`` after each series' last row, (n, steps)."""
    panel = history.panel
    last = panel.times[panel.bounds[1:] - 1]
    out = np.empty((len(last), steps), dtype="M8[ns]")
    unique, inverse = np.unique(last, return_inverse=True)
    for u, stamp in enumerate(unique):
        out[inverse == u] = panel.after(stamp, steps)
    return out
