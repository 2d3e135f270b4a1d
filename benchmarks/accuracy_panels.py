"""Panel accuracy: M1 monthly, tourism monthly and quarterly, against statsforecast.

Protocol (``shared/data/PROVENANCE.md``): the ``split`` column marks each
series' competition test part (the last 18 months of M1 monthly, 24 months of
tourism monthly, 8 quarters of tourism quarterly); every method is fitted on
the train rows only and forecasts the test part in one go from the end of each
series' train rows. The ``date`` column is synthetic (every series starts at
2000-01-01), so it gives the spacing and nothing else: no calendar features.

Scores, means over series of each series' score over its horizon:

- sMAPE, in percent: ``200 |y - f| / (|y| + |f|)`` (``100 * tsrnn.smape``);
- MASE: MAE over the in-sample MAE of the seasonal naive forecast on the train
  rows, season 12 (monthly) or 4 (quarterly) (``tsrnn.mase``);
- MAPE (tourism only), in percent: ``100 |y - f| / |y|``. It divides by the
  actual test value; a test value of 0 would be left out of its series' mean
  and counted in the table's note. The tourism files hold zeros in train rows
  only (574 monthly, 24 quarterly values), which MAPE never divides by, so no
  test value is left out today.

Methods, all run in this process on the same rows:

- statsforecast (``pip install tsrnn[bench]``): ``SeasonalNaive``,
  ``AutoETS``, ``AutoTheta`` and ``AutoARIMA`` with ``season_length`` 12 or 4,
  one ``StatsForecast(..., n_jobs=1)`` call per model so that each has its own
  fit+predict time. ``AutoARIMA`` uses the stepwise search with the
  approximation switched on for series longer than 150 observations, the rule
  of R's ``auto.arima`` default (365 of the 366 tourism monthly series; no M1
  or tourism quarterly series); exact fitting of the tourism monthly series
  took about 5 s a series, 30 minutes in all. Without statsforecast the
  peer rows are left out with a note and a seasonal naive computed here
  stands in.
- tsrnn: ``AutoForecaster(h, id_col="id", time_col="date",
  season_length=season, random_state=0)`` with its defaults, fitted once per
  panel on the train rows: it chooses and combines its candidates on two
  rolling-origin folds cut from the end of the train rows (the test part plays
  no part), then refits the members. One fit gives three rows: the chosen
  ensemble (``best``), the ensemble chosen from its recurrent networks only
  (``recurrent``) and from its baselines and statsforecast models only
  (``statistical``). Its AutoETS / AutoTheta candidates are statsforecast's,
  so without statsforecast ``best`` draws on baselines and networks only.

How the recurrent candidates' settings were chosen (``--validate``): each
variant in ``VARIANTS`` was fitted (seed 0) on every series' train rows minus
their last ``h`` and scored on those ``h`` rows, a validation split of the
training part; ``VALIDATION`` records the figures and ``VALIDATION_NOTE``
the choices made from them (not every variant ran on every panel: the 2 cores
were shared). The test rows played no part.

``accuracy_panels_tuned`` repeats the protocol with ``AutoForecaster(...,
n_trials=10)``: one more recurrent candidate whose design Optuna searches on
the validation folds (:mod:`tsrnn.forecasting.tuning`), beside statsforecast's
SeasonalNaive, AutoETS and AutoTheta.

Run: ``python -m benchmarks --only accuracy_panels`` (``--quick``: 6 series a
panel, baselines and networks only, one fold, a few training steps: a smoke
check whose figures mean nothing); ``python -m benchmarks.accuracy_panels
--validate [--variants NAME,NAME]`` recomputes validation figures.
"""

from __future__ import annotations

import argparse
import time
import warnings
from dataclasses import dataclass

from benchmarks import register
from benchmarks._common import (
    data_dir,
    load_average,
    progress,
    quiet_tensorflow,
    training_steps,
)

QUICK_SERIES = 6
GOAL = 0.03  # tsrnn's MASE at least 3 % below the best statsforecast model's
ARIMA_APPROXIMATION_LENGTH = 150  # R auto.arima's default rule
MISSING = "statsforecast not installed: pip install tsrnn[bench]"


@dataclass(frozen=True)
class Dataset:
    name: str
    file: str
    season: int
    horizon: int
    mape: bool = False  # report MAPE (the tourism competition and airline did)


DATASETS = (
    Dataset("M1 monthly", "m1_monthly.csv", 12, 18),
    Dataset("tourism monthly", "tourism_monthly.csv", 12, 24, mape=True),
    Dataset("tourism quarterly", "tourism_quarterly.csv", 4, 8, mape=True),
)
# Single series (``accuracy_single_series``). Airline: PROVENANCE.md's protocol
# (the last 36 months held out). Sunspots: no published protocol; we hold out
# the last 11 years (one solar cycle), and the season comes from the yearly
# frequency (1), as a user's AutoForecaster would take it.
SINGLE = (
    Dataset("airline", "airline.csv", 12, 36, mape=True),
    Dataset("sunspots yearly", "sunspots_yearly.csv", 1, 11),
)

# Recurrent-candidate variants compared on validation (``--validate``):
# RecurrentSpec options. Defaults: the direct and the recursive GRU below.
VARIANTS = {
    "direct, classical profile (the default until 2026-12-02)": {
        "strategy": "direct",
        "seasonality": "classical",
    },
    "direct, classical, batch 256 x 2000 steps on large panels": {
        "strategy": "direct",
        "seasonality": "classical",
        "batch": 256,
        "steps": 2000,
    },
    "direct, no deseasonalization": {"strategy": "direct", "deseasonalize": False},
    "direct, classical, 3 seasons": {
        "strategy": "direct",
        "seasonality": "classical",
        "seasons": 3,
    },
    "direct, classical, 64 units, 4000 steps": {
        "strategy": "direct",
        "seasonality": "classical",
        "units": 64,
        "steps": 4000,
    },
    "direct, classical, short series padded": {
        "strategy": "direct",
        "seasonality": "classical",
        "pad_seasons": 0,
    },
    "recursive (default)": {"strategy": "recursive"},
    "recursive, batch 256 x 2000 steps on large panels": {
        "strategy": "recursive",
        "batch": 256,
        "steps": 2000,
    },
    "direct, classical, with series identity": {
        "strategy": "direct",
        "seasonality": "classical",
        "identity": True,
    },
    "direct, smoothed seasonality (default)": {
        "strategy": "direct",
        "seasonality": "smoothed",
    },
    "recursive with series identity": {"strategy": "recursive", "identity": True},
}
# Measured with ``--validate`` (seed 0), 2026-12-01, while other jobs shared the
# 2 cores: validation MASE per panel (M1 monthly, tourism monthly, tourism
# quarterly) and series that took the candidate's seasonal naive fallback;
# None where the variant was not run (time). On M1 (fewer than 20,000 windows)
# the batch variants are the default. References on the same split:
# seasonal naive 1.556 / 1.995 / 2.111, AutoETS 1.265 / 1.925 / 1.982,
# AutoTheta 1.332 / 1.937 / 1.923.
VALIDATION: dict[str, tuple] = {
    "direct, classical profile (the default until 2026-12-02)": (
        (1.3001, 139),
        None,
        (1.7908, 1),
    ),
    "direct, classical, batch 256 x 2000 steps on large panels": (
        (1.3001, 139),
        (1.8066, 1),
        (1.8079, 1),
    ),
    "direct, no deseasonalization": ((1.4349, 139), (2.2099, 1), None),
    "direct, classical, 3 seasons": ((1.3001, 139), (1.8030, 1), None),
    "direct, classical, 64 units, 4000 steps": ((1.2754, 139), None, None),
    "direct, classical, short series padded": ((1.3307, 0), None, None),
    "recursive (default)": ((1.3195, 122), None, (1.8258, 0)),
    "recursive, batch 256 x 2000 steps on large panels": (
        (1.3195, 122),
        (1.7708, 0),
        (1.8232, 0),
    ),
    # Tourism monthly: its 366 identity columns on every row of its windows
    # took the run past 24 GB (killed); static.MAX_BYTES now refuses it.
    "direct, classical, with series identity": ((1.333, 139), None, (1.9327, 1)),
    "recursive with series identity": ((1.365, 122), None, (1.8873, 0)),
    "direct, smoothed seasonality (default)": (
        (1.3025, 139),
        (1.6671, 1),
        (1.7123, 1),
    ),
}
VALIDATION_NOTE = (
    "The choices: deseasonalize (a clear win where measured); 2 seasons of "
    "input (3 seasons: the same MASE on tourism monthly, 1.5x the fit time; on "
    "M1 the 80 % rule shortens both to one season); M1's short series left to "
    "seasonal naive rather than padded (padding scored worse on M1); 32 units "
    "and 2,000 steps (64 units and 4,000 steps: 1.9 % better on M1 but 2.7x "
    "the fit time, not measured elsewhere); batches of 512 for 1,000 steps on "
    "panels of 20,000 windows or more (the same MASE as 256 x 2,000 on tourism "
    "quarterly, 1.3x to 1.7x faster). No series identity "
    "(Forecaster(series_identity=True)): it made both networks worse on M1 "
    "(+2.5 % and +3.5 % MASE) and on tourism quarterly (+6.9 % and +3.5 %), "
    "and on tourism monthly its one-hot columns would not fit in memory. "
    "A seasonal profile that evolves by exponential smoothing "
    "(SmoothedSeasonalLog, ES-RNN's idea) instead of one classical profile per "
    "series: 7.7 % and 5.3 % better on tourism monthly and quarterly, the same "
    "on M1 (+0.2 %); on the earlier validation fold (h rows before these) "
    "7.0 % and 8.1 % better on tourism and the same on M1 (+0.1 %). It is the "
    "default since 2026-12-02; the variants marked classical were measured "
    "before with the classical profile."
)
QUICK_STEPS = 20  # recurrent training steps in --quick runs (figures mean nothing)


def load(dataset: Dataset, n_series: int | None = None):
    """Train rows (long: id, date, value) and test values ``(n, h)``, same order."""
    import numpy as np
    import pandas as pd

    frame = pd.read_csv(data_dir("forecasting") / dataset.file)
    if "split" not in frame.columns:  # one series: time, then value
        time_col, value_col = frame.columns[:2]
        stamps = frame[time_col].astype(str)
        frame = pd.DataFrame(
            {
                "id": dataset.name,
                "date": pd.to_datetime(
                    stamps, format="%Y" if len(stamps[0]) == 4 else None
                ),
                "value": frame[value_col].astype(float),
                "split": ["train"] * (len(frame) - dataset.horizon)
                + ["test"] * dataset.horizon,
            }
        )
    ids = frame["id"].drop_duplicates().to_numpy()[:n_series]
    frame = frame[frame["id"].isin(ids)]
    frame = frame.assign(date=pd.to_datetime(frame["date"]))
    train = frame.loc[frame["split"] == "train", ["id", "date", "value"]]
    test = frame[frame["split"] == "test"]
    # Test dates differ between series; keep each series' h values in order.
    actual = (
        test.groupby("id", sort=False)["value"]
        .apply(lambda v: v.to_numpy())
        .reindex(ids)
    )
    assert all(len(values) == dataset.horizon for values in actual)
    return train.reset_index(drop=True), ids, np.stack(list(actual))


def holdout(train, horizon: int):
    """The train rows minus each series' last ``horizon``, and those values."""
    import numpy as np

    position = train.groupby("id", sort=False).cumcount(ascending=False)
    kept = train[position >= horizon].reset_index(drop=True)
    held = train[position < horizon].groupby("id", sort=False)["value"]
    ids = train["id"].drop_duplicates().to_numpy()
    actual = held.apply(lambda v: v.to_numpy()).reindex(ids)
    return kept, np.stack(list(actual))


def histories(train, ids) -> list:
    """Each series' train values, in the order of ``ids``."""
    grouped = train.groupby("id", sort=False)["value"]
    return [grouped.get_group(i).to_numpy() for i in ids]


def score(past, actual, forecast, season: int) -> dict:
    """Means over series of sMAPE %, MASE and MAPE % (MAPE over non-zero actuals)."""
    import numpy as np

    from tsrnn import mape, mase, smape

    smapes, mases, mapes, zeros, unscaled = [], [], [], 0, 0
    for history, y, f in zip(past, actual, forecast, strict=True):
        smapes.append(100 * smape(y, f))
        try:
            mases.append(mase(y, f, y_train=history, period=season))
        except ValueError:  # no in-sample seasonal change: no MASE scale
            unscaled += 1
        nonzero = y != 0
        zeros += int((~nonzero).sum())
        if nonzero.any():
            mapes.append(100 * mape(y[nonzero], f[nonzero]))
    return {
        "smape": float(np.mean(smapes)),
        "mase": float(np.mean(mases)),
        "mape": float(np.mean(mapes)),
        "zeros": zeros,
        "unscaled": unscaled,
    }


def tsrnn_forecasts(train, dataset: Dataset, quick: bool, n_trials: int = 0):
    """AutoForecaster's three ensembles ``{name: (n, h)}``, the fit, its seconds."""
    import numpy as np

    from tsrnn import AutoForecaster

    options = {"n_trials": n_trials} if n_trials else {}
    if quick:
        options |= {"n_folds": 1, "n_seeds": 1, "models": ["baseline", "recurrent"]}
    start = time.perf_counter()
    with training_steps(QUICK_STEPS if quick else None), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # short-series notes; counted below
        auto = AutoForecaster(
            dataset.horizon,
            id_col="id",
            time_col="date",
            season_length=dataset.season,
            random_state=0,
            verbose=0,
            **options,
        ).fit(train)
    seconds = time.perf_counter() - start
    ids = train["id"].drop_duplicates().to_numpy()
    forecasts = {}
    for name in auto.forecasts_:
        frame = auto.predict(ensemble=name)["value"]
        forecasts[name] = np.stack([frame.loc[i].to_numpy() for i in ids])
    return forecasts, auto, seconds


def peers_available() -> bool:
    try:
        import statsforecast  # noqa: F401
    except ImportError:
        return False
    return True


def peer_forecasts(train, ids, dataset: Dataset, names=None) -> dict:
    """``model name -> (forecasts (n, h), seconds)`` from statsforecast.

    ``names`` runs those models only (default: all four).
    """
    import numpy as np
    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta, SeasonalNaive

    season, horizon = dataset.season, dataset.horizon
    # Integer time steps: the dates carry spacing only.
    frame = pd.DataFrame(
        {
            "unique_id": train["id"],
            "ds": train.groupby("id", sort=False).cumcount() + 1,
            "y": train["value"].astype(float),
        }
    )
    lengths = frame.groupby("unique_id", sort=False).size()
    long = set(lengths.index[lengths > ARIMA_APPROXIMATION_LENGTH])
    models = {
        "SeasonalNaive": [(SeasonalNaive(season), None)],
        "AutoETS": [(AutoETS(season_length=season), None)],
        "AutoTheta": [(AutoTheta(season_length=season), None)],
        "AutoARIMA": [
            (AutoARIMA(season_length=season), False),
            (AutoARIMA(season_length=season, approximation=True), True),
        ],
    }
    results = {}
    for name, parts in models.items():
        if names is not None and name not in names:
            continue
        start = time.perf_counter()
        pieces = []
        for model, is_long in parts:
            rows = frame
            if is_long is not None:
                rows = frame[frame["unique_id"].isin(long) == is_long]
            if rows.empty:
                continue
            sf = StatsForecast(models=[model], freq=1, n_jobs=1)
            with warnings.catch_warnings():
                # AutoARIMA's optimizer notes, one per troublesome candidate order.
                warnings.filterwarnings(
                    "ignore", "possible convergence problem", UserWarning
                )
                pieces.append(sf.forecast(df=rows, h=horizon))
        seconds = time.perf_counter() - start
        out = pd.concat(pieces)
        values = out.groupby("unique_id", sort=False)[out.columns[-1]]
        forecast = np.stack([values.get_group(i).to_numpy() for i in ids])
        results[name] = (forecast, seconds)
        progress(f"accuracy_panels: {dataset.name} {name} {seconds:.1f} s")
    return results


def _row(name, scores, seconds, n, mape_column):
    cells = [name, f"{scores['smape']:.2f}", f"{scores['mase']:.3f}"]
    if mape_column:
        cells.append(f"{scores['mape']:.2f}")
    cells += [f"{seconds:.1f}" if seconds == seconds else "(same fit)", str(n)]
    return "| " + " | ".join(cells) + " |"


def evaluate(dataset: Dataset, quick: bool, n_trials: int = 0, peers=None):
    """Markdown lines for one panel: its table, notes and goal lines.

    ``n_trials`` fits ``AutoForecaster(n_trials=...)``; ``peers`` runs those
    statsforecast models only.
    """
    import numpy as np

    from tsrnn.forecasting.candidates import seasonal_naive as repeat_last_season

    quiet_tensorflow()
    train, ids, actual = load(dataset, QUICK_SERIES if quick else None)
    past = histories(train, ids)
    season, horizon = dataset.season, dataset.horizon
    mape_column = dataset.mape
    rows, results = [], {}

    if peers_available():
        found = peer_forecasts(train, ids, dataset, peers)
        for name, (forecast, seconds) in found.items():
            results[name] = score(past, actual, forecast, season)
            rows.append(_row(name, results[name], seconds, len(ids), mape_column))
    else:
        start = time.perf_counter()
        forecast = repeat_last_season(past, season, horizon)
        seconds = time.perf_counter() - start
        naive = score(past, actual, forecast, season)
        rows.append(
            _row("seasonal naive (numpy, here)", naive, seconds, len(ids), mape_column)
        )

    forecasts, auto, seconds = tsrnn_forecasts(train, dataset, quick, n_trials)
    mine = {name: score(past, actual, f, season) for name, f in forecasts.items()}
    progress(f"accuracy_panels: {dataset.name} AutoForecaster {seconds:.1f} s")
    label = "tsrnn AutoForecaster" + (f"(n_trials={n_trials})" if n_trials else "")
    labels = {
        "best": f"{label} (chosen ensemble)",
        "recurrent": f"{label}, recurrent-only ensemble",
        "statistical": f"{label}, statistical-only ensemble",
    }
    for name, label in labels.items():
        if name in mine:
            time_cell = seconds if name == "best" else float("nan")
            rows.append(_row(label, mine[name], time_cell, len(ids), mape_column))

    header = "| method | sMAPE % | MASE |" + (" MAPE % |" if mape_column else "")
    header += " fit+predict, s | series |"
    rule = "|---|---:|---:|" + ("---:|" if mape_column else "") + "---:|---:|"
    lines = [
        f"### {dataset.name} (season {season}, horizon {horizon})",
        "",
        header,
        rule,
        *rows,
        "",
    ]
    board = auto.leaderboard_
    members = "; ".join(
        f"{name}: " + ", ".join(f"{m} {w:.2f}" for m, w in weights.items())
        for name, weights in auto.ensembles_.items()
    )
    lines += [
        f"Ensembles chosen on the validation folds: {members}.",
        "",
        "Validation leaderboard (MASE, mean of the two folds; fallback: series "
        "too short for the candidate, forecast by its seasonal naive; seconds: "
        "folds and refit): "
        + ", ".join(
            f"{name} {row.mase:.3f}"
            + (f" ({row.fallback} fallback)" if row.fallback else "")
            + (f" {row.seconds:.0f} s" if np.isfinite(row.seconds) else "")
            for name, row in board.iterrows()
        )
        + ".",
        "",
    ]
    notes = []
    if mape_column:
        notes.append(f"test values of 0 left out of MAPE: {mine['best']['zeros']}")
    if mine["best"]["unscaled"]:
        notes.append(
            f"{mine['best']['unscaled']} series without MASE (no in-sample "
            "seasonal change)"
        )
    if notes:
        lines += ["Notes: " + "; ".join(notes) + ".", ""]
    if auto.tuning_ is not None:
        lines += [*_tuning_lines(auto), ""]
    if not results:
        lines.append(f"Goals not checked: {MISSING}.")
        return lines
    lines.append(_verdict(results, mine))
    return lines


def _tuning_lines(auto) -> list:
    """What the Optuna search did: trials, states, the best design."""
    from tsrnn.forecasting.tuning import NAME

    trials = auto.tuning_
    searched = trials[trials["source"] == "search"]
    states = searched["state"].value_counts().to_dict()
    fixed = trials[trials["source"] != "search"]
    best = "no trial completed"
    if auto.tuned_params_ is not None:
        board = auto.leaderboard_
        best = (
            f"`{NAME}` validation MASE {board.loc[NAME, 'mase']:.3f} (fixed "
            + ", ".join(f"{r.source} {r.mase:.3f}" for r in fixed.itertuples())
            + f"), weight in the best ensemble {board.loc[NAME, 'weight']:.2f}, "
            + f"search {board.loc[NAME, 'seconds']:.0f} s with its refit; design "
            + ", ".join(
                f"{k}={v:.2g}" if isinstance(v, float) else f"{k}={v}"
                for k, v in auto.tuned_params_.items()
            )
        )
    return [
        f"Optuna search: {len(searched)} trials "
        f"({', '.join(f'{n} {s}' for s, n in sorted(states.items()))}); {best}."
    ]


def _verdict(results: dict, mine: dict) -> str:
    best = min(results, key=lambda n: results[n]["mase"])
    best_mase = results[best]["mase"]
    gap = (mine["best"]["mase"] - best_mase) / best_mase
    ets = results["AutoETS"]["mase"]
    beats = "met" if gap <= -GOAL else "not met"
    recurrent = mine.get("recurrent", {}).get("mase", float("nan"))
    over_ets = "met" if recurrent < ets else "not met"
    return (
        f"AutoForecaster MASE {mine['best']['mase']:.3f} vs the best statsforecast "
        f"model ({best}) {best_mase:.3f}: {gap:+.1%}; goal 'beats the best "
        f"statsforecast model on MASE by at least 3 %': **{beats}**. Recurrent-only "
        f"ensemble {recurrent:.3f} vs AutoETS {ets:.3f} "
        f"({(recurrent - ets) / ets:+.1%}); goal 'recurrent-only beats AutoETS': "
        f"**{over_ets}**."
    )


@register("accuracy_single_series")
def run_single(quick: bool = False) -> str:
    """Airline and yearly sunspots: the panel benchmark on one series each."""
    return run(quick, SINGLE, validation=False)


@register("accuracy_panels")
def run(quick: bool = False, datasets=DATASETS, validation: bool = True) -> str:
    """M1 / tourism panels: sMAPE, MASE, MAPE of statsforecast and AutoForecaster."""
    start_load = load_average()
    available = peers_available()
    held = (
        "Competition test parts (the `split` column)"
        if validation
        else "The last h steps held out (airline: the last 36 months, "
        "PROVENANCE.md's protocol; sunspots: the last 11 years, one solar cycle, "
        "our choice: no published protocol)"
    )
    lines = [
        held + ", fitted on train rows only; "
        "one forecast of h steps from the end of each series' train part. "
        "Means over series. statsforecast: one model per call, `n_jobs=1`; "
        "tsrnn: `AutoForecaster(h, id_col='id', time_col='date', "
        "season_length=season, random_state=0)` with its defaults (2 folds, 3 "
        "seeds per recurrent member), one fit per panel; its time covers the "
        "search, the refit and the forecast (TensorFlow's default threads). "
        f"Load average (1/5/15 min) at start {start_load}."
        + (
            " QUICK RUN: 6 series a panel, baselines and networks only, 1 fold, "
            f"{QUICK_STEPS} training steps: figures mean nothing."
            if quick
            else ""
        ),
        "",
    ]
    if available:
        from importlib import metadata

        lines += [
            f"statsforecast {metadata.version('statsforecast')}, pandas "
            f"{metadata.version('pandas')}. AutoARIMA: approximation for series "
            f"longer than {ARIMA_APPROXIMATION_LENGTH} (R auto.arima's default).",
            "",
        ]
    else:
        lines += [f"**{MISSING}**: peer rows left out.", ""]
    for dataset in datasets:
        lines += [*evaluate(dataset, quick), ""]
    if validation and VALIDATION:
        lines += [
            "How the recurrent candidates' defaults were chosen (`--validate`: "
            "train rows minus the last h of each series, scored on those h; "
            "seed 0; MASE, in brackets the series that took the candidate's "
            "seasonal naive fallback; references on the same split: seasonal "
            "naive 1.556 / 1.995 / 2.111, AutoETS 1.265 / 1.925 / 1.982, "
            "AutoTheta 1.332 / 1.937 / 1.923):",
            "",
            "| variant | M1 monthly | tourism monthly | tourism quarterly |",
            "|---|---:|---:|---:|",
        ]
        for name, values in VALIDATION.items():
            cells = " | ".join(
                "not run" if cell is None else f"{cell[0]:.3f} ({cell[1]})"
                for cell in values
            )
            lines.append(f"| {name} | {cells} |")
        lines += ["", VALIDATION_NOTE, ""]
    lines.append(
        "Published reference numbers: `shared/data/PROVENANCE.md` lists none for "
        "these panels (published tables used other implementations); the "
        "same-run statsforecast figures above are the ones that count."
        if validation
        else "Published (PROVENANCE.md, airline MAPE): seasonal naive 0.1319, "
        "AutoARIMA 0.0415, ETS (additive) 0.0511, AutoTheta 0.0541; none for "
        "sunspots. In these two single-series runs AutoForecaster also searches "
        "AutoARIMA (panels of at most 50 series)."
    )
    return "\n".join(lines)


TUNED_TRIALS = 10  # Optuna trials of accuracy_panels_tuned (2 in --quick runs)
TUNED_PEERS = ("SeasonalNaive", "AutoETS", "AutoTheta")


@register("accuracy_panels_tuned")
def run_tuned(quick: bool = False) -> str:
    """The competition panels with ``AutoForecaster(n_trials=10)`` (Optuna)."""
    trials = 2 if quick else TUNED_TRIALS
    start_load = load_average()
    lines = [
        "The protocol of `accuracy_panels` (competition test parts, fitted on "
        "train rows only), with `AutoForecaster(h, id_col='id', "
        f"time_col='date', season_length=season, random_state=0, "
        f"n_trials={trials})`: its fixed candidates plus `recurrent_tuned`, a "
        "recurrent network whose design Optuna searched on the same two "
        "validation folds (TPE, seeded; median pruning after the first fold; "
        "the fixed networks' scores seed the search). statsforecast's "
        f"{', '.join(TUNED_PEERS)} run in the same process (AutoARIMA, 10 "
        "minutes, is in `accuracy_panels`). The fixed candidates are seeded as "
        "there, so the default AutoForecaster's figures of `accuracy_panels` "
        "are its figures on this code (its validation leaderboard repeats). "
        f"Load average (1/5/15 min) at start {start_load}."
        + (
            f" QUICK RUN: {QUICK_SERIES} series a panel, baselines and networks "
            f"only, 1 fold, {QUICK_STEPS} training steps: figures mean nothing."
            if quick
            else ""
        ),
        "",
    ]
    from tsrnn.forecasting.tuning import optuna_available

    if not optuna_available():
        return "\n".join([*lines, "**Optuna not installed** (pip install optuna)."])
    if not peers_available():
        lines += [f"**{MISSING}**: peer rows left out.", ""]
    # Quick runs: the quickest panel only (the smoke test of make test).
    for dataset in DATASETS[-1:] if quick else DATASETS:
        lines += [*evaluate(dataset, quick, trials, TUNED_PEERS), ""]
    return "\n".join(lines)


def validate(names=None) -> dict:
    """``VALIDATION``: per variant and panel, validation MASE and fallbacks."""
    from tsrnn import AutoForecaster
    from tsrnn.forecasting.candidates import RecurrentSpec, _Recurrent

    quiet_tensorflow()
    table = {name: [] for name in names or VARIANTS}
    for dataset in DATASETS:
        train, ids, _ = load(dataset)
        fit_part, actual = holdout(train, dataset.horizon)
        past = histories(fit_part, ids)
        reader = AutoForecaster(dataset.horizon, id_col="id", time_col="date")
        history = reader._read(fit_part)
        for name in table:
            spec = RecurrentSpec(name, **VARIANTS[name])
            model = _Recurrent(spec, dataset.season, dataset.horizon, [0])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                forecast = model.fit(history).forecast(dataset.horizon)
            result = score(past, actual, forecast, dataset.season)
            table[name].append((result["mase"], model.n_fallback_))
            progress(
                f"validate {dataset.name} {name}: MASE {result['mase']:.3f}, "
                f"{model.n_fallback_} fallback"
            )
    return {name: tuple(values) for name, values in table.items()}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--validate", action="store_true", help="recompute VALIDATION and print it"
    )
    parser.add_argument("--variants", help="comma-separated VARIANTS to validate")
    args = parser.parse_args(argv)
    if args.validate:
        names = args.variants.split(",") if args.variants else None
        for name, values in validate(names).items():
            cells = ", ".join(f"({v:.4f}, {n})" for v, n in values)
            print(f"    {name!r}: ({cells}),")
        return
    print(run(args.quick))


if __name__ == "__main__":
    main()
