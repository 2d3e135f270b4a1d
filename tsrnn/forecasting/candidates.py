"""The models an :class:`~tsrnn.forecasting.auto.AutoForecaster` chooses among.

Every candidate forecasts every series of a univariate panel from the end of
its history: ``fit(history)`` on a checked
:class:`~tsrnn.forecasting.history.History`, then ``forecast(steps)`` returns
an array (n_series, steps) in the original units, series in the order of the
history. Three families:

``baseline``
    naive (the last value), seasonal naive (the last season), drift (the line
    through the first and last values) and seasonal naive with drift (the last
    season plus the mean seasonal change per season ahead). Vectorized numpy;
    milliseconds for thousands of series.
``statistical``
    statsforecast's ``AutoETS`` and ``AutoTheta`` when statsforecast is
    installed (``pip install statsforecast``; panels of 100 series or more fit
    on several processes, see :func:`statistical_jobs`), and ``AutoARIMA`` for panels of
    at most ``ARIMA_MAX_SERIES`` series (its search is slow); left out
    otherwise. They fit the last ``max(STATISTICAL_MAX_LENGTH, 20 * season)``
    rows of a series (1,000 rows, or 20 seasons when longer): the rest of a
    very long series barely changes their forecast and costs minutes.
``recurrent``
    global recurrent networks over the whole panel, through
    :class:`~tsrnn.forecasting.forecaster.Forecaster`:

    - ``gru_direct``: every series log-transformed and deseasonalized by a
      seasonal profile that evolves by exponential smoothing
      (:class:`~tsrnn.forecasting.seasonality.SmoothedSeasonalLog`), a GRU reads a
      window in which the level of its last value is subtracted
      (``instance_norm``) and forecasts the whole horizon at once;
    - ``gru_recursive``: ``Log``, seasonal ``Difference`` and per-series
      ``Scale`` transforms, a one-step GRU fed back its own forecasts.

    A series too short for a model's window and horizon is forecast by the
    seasonal naive forecast inside that candidate (counted in
    ``n_fallback_``), so every candidate forecasts every series. A series that
    was too short on every validation fold but is long enough at the refit
    gets the network's forecast, although validation only scored the fallback
    there: measured on validation rows (train rows minus each series' last
    horizon; 2026-12-02), the networks forecast those series better than the
    fallback would (M1 monthly, 158 series: MASE 1.22 against 1.46 for
    ``gru_direct``, 102 series: 1.39 against 1.63 for ``gru_recursive``).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, replace

import numpy as np

from tsrnn.exceptions import DataWarning
from tsrnn.forecasting.seasonality import SeasonalLog, SmoothedSeasonalLog

__all__ = [
    "BASELINES",
    "RECURRENT",
    "STATISTICAL",
    "RecurrentSpec",
    "make_candidate",
    "statistical_available",
]


def series_values(history) -> list:
    """Each series' target values (1-D float64 arrays, views of the panel)."""
    bounds = history.panel.bounds
    column = history.panel.data[:, 0].astype(np.float64)
    return [column[bounds[k] : bounds[k + 1]] for k in range(len(bounds) - 1)]


def seasonal_naive(series, season: int, steps: int) -> np.ndarray:
    """The last season repeated (the last value when shorter than a season)."""
    out = np.empty((len(series), steps))
    for k, y in enumerate(series):
        last = y[-season:] if len(y) >= season else y[-1:]
        out[k] = np.resize(last, steps)
    return out


# ---------------------------------------------------------------- baselines


class _Local:
    """A model fitted per series at forecast time: ``fit`` keeps the values."""

    family = ""

    def __init__(self, name: str, season: int):
        self.name = name
        self.season = season
        self.n_fallback_ = 0

    def fit(self, history):
        self.series_ = series_values(history)
        return self


class _Baseline(_Local):
    family = "baseline"

    def forecast(self, steps: int) -> np.ndarray:
        m = self.season
        ahead = np.arange(1, steps + 1)
        if self.name == "seasonal_naive":
            return seasonal_naive(self.series_, m, steps)
        out = np.empty((len(self.series_), steps))
        for k, y in enumerate(self.series_):
            if self.name == "naive":
                out[k] = y[-1]
            elif self.name == "drift":
                slope = (y[-1] - y[0]) / (len(y) - 1) if len(y) > 1 else 0.0
                out[k] = y[-1] + slope * ahead
            else:  # seasonal naive with drift
                if len(y) > m:
                    change = float(np.mean(y[m:] - y[:-m]))
                    seasons = (ahead - 1) // m + 1
                    out[k] = np.resize(y[-m:], steps) + change * seasons
                else:
                    out[k] = seasonal_naive([y], m, steps)[0]
        return out


BASELINES = ("naive", "seasonal_naive", "drift", "seasonal_naive_drift")


# -------------------------------------------------------------- statistical

STATISTICAL = ("auto_ets", "auto_theta", "auto_arima")
# AutoARIMA joins the default search of panels up to this many series (its
# stepwise search takes about a second a series, three fits per candidate).
ARIMA_MAX_SERIES = 50
ARIMA_APPROXIMATION_LENGTH = 150
# Shortest series given to statsforecast (shorter ones fail in AutoETS).
MIN_STATISTICAL = 6
# Series per statsforecast worker process: panels of at least twice this many
# series run on several processes (up to the CPU count). The forecasts are the
# same; one AutoETS fit of M1 monthly's 617 series took 31 s on one process
# and 16 s on two, on 2 cores, TensorFlow loaded (a small panel would spend
# more on starting processes than it saves).
SERIES_PER_JOB = 50


def statistical_jobs(n_series: int) -> int:
    """Worker processes of a statsforecast fit of ``n_series`` series."""
    import os

    return max(1, min(os.cpu_count() or 1, n_series // SERIES_PER_JOB))


# Longest history given to statsforecast: the last max(this, 20 seasons) rows.
# Older rows barely move an exponential-smoothing or Theta fit, and the whole
# of a long hourly series (17,000 rows) makes one AutoTheta fit take minutes.
STATISTICAL_MAX_LENGTH = 1000


def statistical_available() -> bool:
    """Whether statsforecast (the optional statistical candidates) imports."""
    try:
        import statsforecast  # noqa: F401
    except ImportError:
        return False
    return True


class _Statistical(_Local):
    family = "statistical"

    def forecast(self, steps: int) -> np.ndarray:
        import warnings

        import pandas as pd
        from statsforecast import StatsForecast
        from statsforecast.models import AutoARIMA, AutoETS, AutoTheta, Naive

        steps = int(steps)
        out = seasonal_naive(self.series_, self.season, steps)
        # statsforecast fails on tiny series ("tiny datasets"); those keep the
        # seasonal naive forecast, and a series on which the model fails gets
        # statsforecast's naive fallback.
        fit = [k for k, y in enumerate(self.series_) if len(y) >= MIN_STATISTICAL]
        self.n_fallback_ = len(self.series_) - len(fit)
        if not fit:
            return out
        keep = max(STATISTICAL_MAX_LENGTH, 20 * self.season)
        recent = [self.series_[k][-keep:] for k in fit]
        lengths = [len(y) for y in recent]
        frame = pd.DataFrame(
            {
                "unique_id": np.repeat(np.arange(len(fit)), lengths),
                "ds": np.concatenate([np.arange(1, n + 1) for n in lengths]),
                "y": np.concatenate(recent),
            }
        )
        if self.name == "auto_arima":
            # R auto.arima's default: the approximation for long series.
            model = AutoARIMA(
                season_length=self.season,
                approximation=max(lengths) > ARIMA_APPROXIMATION_LENGTH,
            )
        else:
            made = {"auto_ets": AutoETS, "auto_theta": AutoTheta}[self.name]
            model = made(season_length=self.season)
        engine = StatsForecast(
            models=[model],
            freq=1,
            n_jobs=statistical_jobs(len(fit)),
            fallback_model=Naive(),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = engine.forecast(df=frame, h=steps)
        values = result[result.columns[-1]].to_numpy(dtype=np.float64)
        values = values.reshape(len(fit), steps)
        good = np.isfinite(values).all(axis=1)
        self.n_fallback_ += int((~good).sum())
        rows = np.asarray(fit)
        out[rows[good]] = values[good]
        return out


# ---------------------------------------------------------------- recurrent


@dataclass(frozen=True)
class RecurrentSpec:
    """One recurrent candidate's design (see the module docstring).

    ``width`` is the input width in steps; ``None`` ties it to the season and
    horizon (:func:`input_width`), ``seasons`` seasons at most. ``units`` are
    the GRU's units; ``steps`` its training budget in gradient steps (``None``:
    ``TRAINING_STEPS``). ``deseasonalize`` (direct) takes each series' seasonal
    profile out (:class:`~tsrnn.forecasting.seasonality.SeasonalLog`).
    ``pad_seasons`` (direct): series too short to train on but with at least
    that many seasons of rows (and 2 rows) are forecast from their rows, padded
    and masked; ``None`` leaves them to the seasonal naive fallback. ``cell``
    is the recurrent cell (``"gru"`` or ``"lstm"``), ``learning_rate`` Adam's,
    and ``budget`` multiplies the training steps (the tuned candidate of
    :mod:`tsrnn.forecasting.tuning` searches these). ``identity`` adds each
    series' one-hot identity (``Forecaster(series_identity=True)``).
    ``seasonality`` (direct) is ``"smoothed"`` (a profile that evolves by
    exponential smoothing, ``SmoothedSeasonalLog``; the default, chosen on
    validation) or ``"classical"`` (one profile per series,
    :class:`~tsrnn.forecasting.seasonality.SeasonalLog`).
    """

    name: str
    strategy: str  # "direct" or "recursive"
    cell: str = "gru"
    units: int = 32
    width: int | None = None
    seasons: int = 2
    deseasonalize: bool = True
    steps: int | None = None
    pad_seasons: float | None = None
    batch: int | None = None
    level: str = "last"
    learning_rate: float = 1e-3
    budget: float = 1.0
    identity: bool = False
    seasonality: str = "smoothed"


RECURRENT = (
    RecurrentSpec("gru_direct", "direct"),
    RecurrentSpec("gru_recursive", "recursive"),
)

# Gradient steps a recurrent candidate trains for (the epochs follow from the
# number of windows), within these epoch bounds.
TRAINING_STEPS = 2000
# "auto": no XLA on CPU (tsrnn.nn.compile._auto_jit: compiling per network and
# batch shape costs more than it saves over a fit), Keras's choice on a GPU.
JIT_COMPILE = "auto"
EPOCHS = (5, 60)


def input_width(spec: RecurrentSpec, season: int, horizon: int, lengths) -> int:
    """Input width tied to the season, the horizon and the history lengths.

    Two seasons, at least ``1.25 * horizon`` for the direct strategy (which
    needs room to see the pattern it extends) and at least ``2 * horizon`` for
    the recursive strategy on data without a season (``season`` 1, where two
    "seasons" of 2 steps would leave the network 4 steps; two horizons
    forecast better on the validation rows of four groups of non-seasonal
    series, ``benchmarks/nonseasonal_width.py``), shortened, down to one
    season, until at least 80 % of the series are long enough to train on.
    """
    if spec.width is not None:
        return spec.width
    m = max(season, 2)
    width = spec.seasons * m
    if spec.strategy == "direct":
        width = max(width, math.ceil(1.25 * horizon))
    elif season == 1:
        width = max(width, 2 * horizon)
    lengths = np.asarray(lengths)
    while width > m:
        need = _need(spec, width, season, horizon)
        if np.mean(lengths >= need) >= 0.8:
            break
        width -= 1
    return width


def _need(spec: RecurrentSpec, width: int, season: int, horizon: int) -> int:
    """History rows a series needs to train the candidate."""
    if spec.strategy == "direct":
        return width + horizon
    return width + 1 + (season if season > 1 else 0)


class _Recurrent:
    family = "recurrent"

    def __init__(self, spec: RecurrentSpec, season, horizon, seeds):
        self.name = spec.name
        self.spec = spec
        self.season = season
        self.horizon = horizon
        self.seeds = list(seeds)

    def fit(self, history):
        from tsrnn.estimators.regressors import RNNRegressor
        from tsrnn.forecasting.forecaster import Forecaster
        from tsrnn.forecasting.transforms import Difference, Log, Scale

        spec, season, horizon = self.spec, self.season, self.horizon
        self.series_ = series_values(history)
        lengths = history.lengths
        self.width_ = input_width(spec, season, horizon, lengths)
        need = _need(spec, self.width_, season, horizon)
        # Series too short to train on are forecast from their own rows, padded
        # and masked (the direct strategy), down to ``pad_seasons`` seasons.
        fewest = need
        if spec.pad_seasons is not None:
            fewest = min(need, max(2, math.ceil(spec.pad_seasons * season)))
        if not (lengths >= need).any():
            fewest = need
        self.trained_ = np.flatnonzero(lengths >= fewest)
        self.n_fallback_ = len(lengths) - len(self.trained_)
        self.forecasters_ = []
        if not len(self.trained_):
            return self
        kept = history.panel.take(0, lengths[self.trained_], series=self.trained_)
        transforms = None
        if spec.strategy == "direct":
            normalizer = (
                SmoothedSeasonalLog if spec.seasonality == "smoothed" else SeasonalLog
            )
            self.normalizer_ = normalizer(season if spec.deseasonalize else 1).fit(
                [self.series_[k] for k in self.trained_]
            )
            data = kept.data.copy()
            data[:, 0] = np.concatenate(
                self.normalizer_.transform([self.series_[k] for k in self.trained_])
            )
            kept = replace(kept, data=data)
        else:
            # Log needs values above -offset; a panel with negative values
            # gets the differences and scale only.
            low = min(float(np.min(self.series_[k])) for k in self.trained_)
            transforms = [Log(offset=1.0)] if low >= 0 else []
            if season > 1:
                transforms.append(Difference(season))
            transforms.append(Scale())
        self.history_ = replace(history, panel=kept, timelines=None)
        windows = int(np.sum(np.maximum(lengths[self.trained_] - need + 1, 0)))
        # The batch grows with the data. Large panels train on batches of 512
        # for half the steps: the same windows seen as 256 x TRAINING_STEPS,
        # 1.3x to 1.7x faster, and the same validation MASE on tourism
        # quarterly (benchmarks/RESULTS.md, accuracy_panels).
        batch, steps = (64 if windows < 2_000 else 128), TRAINING_STEPS
        if windows >= 20_000:
            batch, steps = 512, TRAINING_STEPS // 2
        batch, steps = spec.batch or batch, spec.steps or steps
        steps = max(1, round(steps * spec.budget))
        epochs = int(np.clip(round(steps * batch / windows), *EPOCHS))
        for seed in self.seeds:
            estimator = RNNRegressor(
                cell=spec.cell,
                units=spec.units,
                instance_norm=(spec.level if spec.level == "mean" else True)
                if spec.strategy == "direct"
                else False,
                epochs=epochs,
                batch_size=batch,
                learning_rate=spec.learning_rate,
                jit_compile=JIT_COMPILE,
                random_state=seed,
            )
            forecaster = Forecaster(
                estimator,
                input_width=self.width_,
                horizon=horizon if spec.strategy == "direct" else 1,
                strategy=spec.strategy,
                transforms=transforms,
                id_col=history.panel.id_name,
                time_col=history.panel.time_name,
                series_identity=spec.identity,
            )
            with warnings.catch_warnings():
                # The short series are counted by the leaderboard instead.
                warnings.simplefilter("ignore", DataWarning)
                self.forecasters_.append(forecaster.fit(self.history_))
        return self

    def forecast(self, steps: int) -> np.ndarray:
        out = seasonal_naive(self.series_, self.season, steps)
        if not self.forecasters_:
            return out
        lengths = self.history_.lengths
        origins = [[n] for n in lengths]
        runs = [
            f.forecast_paths(self.history_, origins, steps).values[..., 0]
            for f in self.forecasters_
        ]
        # Seeds are averaged where the model works (the deseasonalized log
        # space of the direct candidate, which the normalizer then inverts).
        forecast = np.mean(runs, axis=0)
        if self.spec.strategy == "direct":
            forecast = self.normalizer_.inverse(forecast, lengths)
        out[self.trained_] = forecast
        return out


def make_candidate(name: str, season: int, horizon: int, seeds=(0,), spec=None):
    """A fresh candidate by name (see the module docstring).

    ``spec`` builds a recurrent candidate of that design under ``name``
    (the tuned candidate).
    """
    if spec is not None:
        return _Recurrent(replace(spec, name=name), season, horizon, seeds)
    if name in BASELINES:
        return _Baseline(name, season)
    if name in STATISTICAL:
        return _Statistical(name, season)
    for spec in RECURRENT:
        if spec.name == name:
            return _Recurrent(spec, season, horizon, seeds)
    raise ValueError(f"Unknown candidate {name!r}.")
