"""Probabilistic accuracy on M1 monthly and tourism monthly, against AutoETS.

Protocol: the competition test part of each series (the ``split`` column; see
``accuracy_panels.py``), one forecast of ``h`` steps from the end of each
series' train rows. Both methods are scored on the same series: those long
enough for the tsrnn forecaster (``input_width + 1 + season`` train rows); the
others are left out of both and counted in the note.

- tsrnn: one global ``Forecaster(RNNRegressor(distribution=..., cell="gru",
  units=32), input_width=2 seasons, strategy="recursive",
  transforms=[Log(offset=1.0), Difference(season), Scale()])``; ``N_PATHS``
  paths per series by ancestral sampling (``Forecaster.sample``), quantiles
  and intervals read from them.
- tsrnn ``AutoForecaster`` (the defaults of ``accuracy_panels.py``, fitted on
  every series' train rows): ``predict_quantiles`` of its chosen ensemble,
  split-conformal from its own rolling-origin validation errors (no sampling).
- statsforecast ``AutoETS(season_length)``: its Gaussian prediction intervals at
  the levels 10, 20, ..., 90 and 95 (quantile ``q < 0.5`` is the lower bound
  of level ``100 (1 - 2q)``; 0.5 is its point forecast).

Scores (``tsrnn.metrics``), pooled over all series and steps of a panel:

- coverage of the central 80 % and 95 % intervals (goal: within 3 points);
- relative width: mean width over mean ``|y|``;
- MSIS at 95 % (M4's; seasonal in-sample scale), mean over series;
- wQL: weighted quantile loss over the levels 0.1, ..., 0.9;
- wCRPS: CRPS from the 19 quantiles 0.05, ..., 0.95 (twice their mean pinball
  loss) over mean ``|y|``, the same grid for both methods.

Run: ``python -m benchmarks --only probabilistic_panels`` (``--quick``: 12
series a panel, one epoch, 50 paths; figures mean nothing).
"""

from __future__ import annotations

import time

from benchmarks import register
from benchmarks._common import load_average, progress, quiet_tensorflow
from benchmarks.accuracy_panels import (
    Dataset,
    histories,
    load,
    peers_available,
    tsrnn_forecasts,
)

QUICK_SERIES = 12
N_PATHS = 500
DATASETS = (
    Dataset("M1 monthly", "m1_monthly.csv", 12, 18),
    Dataset("tourism monthly", "tourism_monthly.csv", 12, 24),
)
DISTRIBUTION = "student_t"
OPTIONS = {"cell": "gru", "units": 32, "epochs": 20, "batch_size": 128}
SEASONS = 2
WQL_QUANTILES = tuple(round(0.1 * i, 2) for i in range(1, 10))
CRPS_QUANTILES = tuple(round(0.05 * i, 2) for i in range(1, 20))


def make_forecaster(dataset: Dataset, quick: bool, recalibrate: bool = False):
    """The benchmark's global sampled forecaster (unfitted)."""
    from tsrnn import Difference, Forecaster, Log, RNNRegressor, Scale

    options = {**OPTIONS, "epochs": 1, "units": 8} if quick else OPTIONS
    season = dataset.season
    return Forecaster(
        RNNRegressor(
            distribution=DISTRIBUTION, jit_compile=False, random_state=0, **options
        ),
        input_width=SEASONS * season,
        horizon=dataset.horizon,
        strategy="recursive",
        transforms=[Log(offset=1.0), Difference(season), Scale()],
        id_col="id",
        time_col="date",
        recalibrate=recalibrate,
    )


def tsrnn_paths(train, ids, dataset: Dataset, quick: bool):
    """Sampled paths ``(n, h, n_paths)`` of the series in ``ids``, and seconds."""
    n_paths = 50 if quick else N_PATHS
    forecaster = make_forecaster(dataset, quick)
    start = time.perf_counter()
    forecaster.fit(train[train["id"].isin(ids)])
    fitted = time.perf_counter() - start
    paths = forecaster.sample(n_paths, random_state=0)
    sampled = time.perf_counter() - start - fitted
    order = {sid: i for i, sid in enumerate(forecaster.series_ids_)}
    values = paths["value"].to_numpy().reshape(len(order), n_paths, dataset.horizon)
    values = values[[order[i] for i in ids]]
    return values.transpose(0, 2, 1), fitted, sampled


def auto_quantiles(train, ids, dataset: Dataset, quick: bool):
    """AutoForecaster quantiles ``(n, h, q)`` at ``CRPS_QUANTILES``, 95 % bounds."""
    import numpy as np

    _, auto, seconds = tsrnn_forecasts(train, dataset, quick)
    start = time.perf_counter()
    grid = auto.predict_quantiles(list(CRPS_QUANTILES))
    bounds = auto.predict_quantiles(level=[95])
    seconds += time.perf_counter() - start

    def gather(frame, names):
        return np.stack([frame.loc[i, names].to_numpy() for i in ids])

    names = [f"value_q{q:g}" for q in CRPS_QUANTILES]
    lower, upper = gather(bounds, ["value_lower_95", "value_upper_95"]).transpose(
        2, 0, 1
    )
    return gather(grid, names), lower, upper, seconds


def ets_quantiles(train, ids, dataset: Dataset):
    """AutoETS quantiles ``(n, h, q)`` at ``CRPS_QUANTILES``, its 95 % bounds."""
    import numpy as np
    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    rows = train[train["id"].isin(ids)]
    frame = pd.DataFrame(
        {
            "unique_id": rows["id"],
            "ds": rows.groupby("id", sort=False).cumcount() + 1,
            "y": rows["value"].astype(float),
        }
    )
    levels = sorted({round(100 * abs(1 - 2 * q)) for q in CRPS_QUANTILES} - {0})
    levels = sorted({*levels, 95})
    start = time.perf_counter()
    sf = StatsForecast(models=[AutoETS(season_length=dataset.season)], freq=1, n_jobs=1)
    out = sf.forecast(df=frame, h=dataset.horizon, level=levels)
    seconds = time.perf_counter() - start
    if "unique_id" not in out.columns:
        out = out.reset_index()
    columns = []
    for q in CRPS_QUANTILES:
        level = round(100 * abs(1 - 2 * q))
        if level == 0:
            columns.append("AutoETS")
        else:
            columns.append(f"AutoETS-{'lo' if q < 0.5 else 'hi'}-{level}")
    grouped = out.groupby("unique_id", sort=False)

    def gather(names):
        return np.stack([grouped.get_group(i)[names].to_numpy() for i in ids])

    bounds = gather(["AutoETS-lo-95", "AutoETS-hi-95"])
    return gather(columns), bounds[..., 0], bounds[..., 1], seconds


def scores(actual, quantiles, lower95, upper95) -> dict:
    """Coverage, width, wQL and wCRPS from quantiles at CRPS_QUANTILES."""
    import numpy as np

    from tsrnn import metrics

    grid = list(CRPS_QUANTILES)
    scale = float(np.mean(np.abs(actual)))
    bounds = {
        80: (quantiles[..., grid.index(0.1)], quantiles[..., grid.index(0.9)]),
        95: (lower95, upper95),
    }
    out = {}
    for level, (lower, upper) in bounds.items():
        out[f"coverage{level}"] = metrics.interval_coverage(actual, lower, upper)
        out[f"width{level}"] = metrics.mean_interval_width(lower, upper) / scale
    wql_index = [grid.index(q) for q in WQL_QUANTILES]
    out["wql"] = metrics.weighted_quantile_loss(
        actual, quantiles[..., wql_index], WQL_QUANTILES
    )
    out["wcrps"] = metrics.crps_from_quantiles(actual, quantiles, grid) / scale
    return out


def msis_mean(past, actual, lower, upper, season: int) -> float:
    """Mean over series of MSIS at 95 % (series without a scale left out)."""
    import numpy as np

    from tsrnn import metrics

    values = []
    for history, y, lo, hi in zip(past, actual, lower, upper, strict=True):
        try:
            values.append(
                metrics.msis(y, lo, hi, y_train=history, level=95, period=season)
            )
        except ValueError:
            continue
    return float(np.mean(values))


def evaluate(dataset: Dataset, quick: bool) -> list[str]:
    import numpy as np

    train, ids, actual = load(dataset, QUICK_SERIES if quick else None)
    past = histories(train, ids)
    need = SEASONS * dataset.season + 1 + dataset.season
    keep = np.array([len(h) >= need for h in past])
    ids, actual = ids[keep], actual[keep]
    past = [h for h, k in zip(past, keep, strict=True) if k]
    paths, fitted, sampled = tsrnn_paths(train, ids, dataset, quick)
    progress(
        f"probabilistic_panels: {dataset.name} tsrnn fit {fitted:.0f} s, "
        f"sample {sampled:.0f} s"
    )
    mine = np.quantile(paths, CRPS_QUANTILES, axis=-1).transpose(1, 2, 0)
    lo95, hi95 = np.quantile(paths, [0.025, 0.975], axis=-1)
    results = {"tsrnn": (mine, lo95, hi95, fitted + sampled)}
    *auto, seconds = auto_quantiles(train, ids, dataset, quick)
    progress(f"probabilistic_panels: {dataset.name} AutoForecaster {seconds:.0f} s")
    results["tsrnn AutoForecaster"] = (*auto, seconds)
    if peers_available():
        *ets, seconds = ets_quantiles(train, ids, dataset)
        progress(f"probabilistic_panels: {dataset.name} AutoETS {seconds:.0f} s")
        results["AutoETS"] = (*ets, seconds)
    lines = [
        f"**{dataset.name}**, h={dataset.horizon}: {len(ids)} series scored "
        f"({int((~keep).sum())} too short for input_width + 1 + season rows left "
        "out of both).",
        "",
        "| method | coverage 80 % | coverage 95 % | width 80 % / mean abs y | "
        "width 95 % / mean abs y | MSIS 95 % | wQL | wCRPS | seconds |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, (quantiles, lo95, hi95, seconds) in results.items():
        row = scores(actual, quantiles, lo95, hi95)
        row["msis"] = msis_mean(past, actual, lo95, hi95, dataset.season)
        lines.append(
            f"| {name} | {row['coverage80']:.3f} | {row['coverage95']:.3f} | "
            f"{row['width80']:.3f} | {row['width95']:.3f} | {row['msis']:.2f} | "
            f"{row['wql']:.4f} | {row['wcrps']:.4f} | {seconds:.0f} |"
        )
    return lines


@register("probabilistic_panels")
def run(quick: bool = False) -> str:
    """Coverage, width, MSIS, wQL and CRPS of tsrnn's sampled paths and AutoETS."""
    quiet_tensorflow()
    options = {**OPTIONS, "epochs": 1, "units": 8} if quick else OPTIONS
    lines = [
        "Competition test parts, fitted on train rows only; one forecast of h "
        "steps from the end of each series' train part. tsrnn: "
        f"`RNNRegressor(distribution={DISTRIBUTION!r}, "
        + ", ".join(f"{k}={v!r}" for k, v in options.items())
        + f", random_state=0)`, input_width={SEASONS} seasons, "
        "strategy='recursive', transforms=[Log(offset=1.0), Difference(season), "
        f"Scale()], {50 if quick else N_PATHS} sampled paths per series "
        "(Forecaster.sample; the defaults every_step='auto' and "
        "carry_state='auto': trained on the next row after every row, sampled "
        "with a carried state, DeepAR's way). AutoETS: statsforecast's Gaussian "
        "intervals. "
        f"Load average at start {load_average()}."
        + (" QUICK RUN: figures mean nothing." if quick else ""),
        "",
    ]
    for dataset in DATASETS:
        lines += [*evaluate(dataset, quick), ""]
    return "\n".join(lines).rstrip() + "\n"
