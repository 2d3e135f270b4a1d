"""Interval calibration over rolling origins on M1 monthly and tourism monthly.

The calibration evidence of issue 14 asks for coverage over rolling-origin
backtests, not one origin. Origins: the end of each series' train rows
(forecasting the competition test part) and ``1, 2`` horizons before it
(forecasting the last train rows). Each origin refits every method on the rows
before it only; series with fewer than ``input_width + 1 + season`` rows before
an origin are left out of that origin for every method (counted in the table).

Methods, as in ``probabilistic_panels.py``:

- tsrnn: the global ``Forecaster`` with a Student-t head, quantiles of 500
  sampled paths (``predict_quantiles(calibrated=False)``);
- tsrnn recalibrated: the same fitted forecaster (``recalibrate=True``),
  quantiles recalibrated by split conformal from the PIT of its held-out tail;
- statsforecast ``AutoETS``: its Gaussian intervals.

``calibration_backtest_auto`` repeats the protocol for the
``AutoForecaster``'s quantiles (``predict_quantiles``, split conformal from its
own validation errors; the defaults of ``accuracy_panels.py``), refitted at
every origin on every series' rows before it, beside AutoETS on the same
series. A separate section because its six fits take about 20 minutes.

Run: ``python -m benchmarks --only calibration_backtest`` (``--quick``: 12
series a panel, one epoch, 50 paths, two origins; figures mean nothing);
``--only calibration_backtest_auto``.
"""

from __future__ import annotations

import time

from benchmarks import register
from benchmarks._common import load_average, progress, quiet_tensorflow
from benchmarks.accuracy_panels import load, peers_available
from benchmarks.probabilistic_panels import (
    CRPS_QUANTILES,
    DATASETS,
    N_PATHS,
    OPTIONS,
    QUICK_SERIES,
    SEASONS,
    auto_quantiles,
    ets_quantiles,
    make_forecaster,
    msis_mean,
    scores,
)

BACK = (2, 1, 0)  # origins, in horizons before the end of the train rows


def cut(train, ids, actual, back: int, horizon: int):
    """Rows before an origin ``back`` horizons before the test part, and the next h."""
    import numpy as np

    if back == 0:
        return train, actual
    position = train.groupby("id", sort=False).cumcount(ascending=False)
    kept = train[position >= back * horizon].reset_index(drop=True)
    window = (position < back * horizon) & (position >= (back - 1) * horizon)
    grouped = train[window].groupby("id", sort=False)["value"]
    future = grouped.apply(lambda v: v.to_numpy()).reindex(ids)
    full = np.array([isinstance(v, np.ndarray) and len(v) == horizon for v in future])
    values = np.full((len(ids), horizon), np.nan)
    if full.any():
        values[full] = np.stack(list(future[full]))
    return kept, values


def tsrnn_quantiles(train, ids, dataset, quick: bool) -> dict:
    """Raw and recalibrated quantiles ``(n, h, q)`` and 95 % bounds, one fit."""
    import numpy as np

    forecaster = make_forecaster(dataset, quick, recalibrate=True)
    n_paths = 50 if quick else N_PATHS
    start = time.perf_counter()
    forecaster.fit(train[train["id"].isin(ids)])
    seconds = time.perf_counter() - start
    out = {}
    for name, calibrated in (("tsrnn", False), ("tsrnn recalibrated", True)):
        grid = forecaster.predict_quantiles(
            list(CRPS_QUANTILES),
            n_paths=n_paths,
            random_state=0,
            calibrated=calibrated,
        )
        bounds = forecaster.predict_quantiles(
            level=[95], n_paths=n_paths, random_state=0, calibrated=calibrated
        )
        names = [f"value_q{q:g}" for q in CRPS_QUANTILES]
        edges = ["value_lower_95", "value_upper_95"]
        quantiles = np.stack([grid.loc[i, names].to_numpy() for i in ids])
        pairs = np.stack([bounds.loc[i, edges].to_numpy() for i in ids])
        out[name] = (quantiles, pairs[..., 0], pairs[..., 1])
    return out, seconds


def auto_method(train, ids, dataset, quick: bool) -> tuple[dict, float]:
    """The AutoForecaster's quantiles and 95 % bounds, fitted on all of ``train``.

    Series with a single row before an early origin are left out of its fit
    (``AutoForecaster`` refuses them with a clear error); they are never scored.
    """
    sizes = train.groupby("id", sort=False)["value"].transform("size")
    train = train[sizes >= 2]
    quantiles, lower, upper, seconds = auto_quantiles(train, ids, dataset, quick)
    return {"tsrnn AutoForecaster": (quantiles, lower, upper)}, seconds


def evaluate(dataset, quick: bool, method=tsrnn_quantiles) -> tuple[list[str], dict]:
    import numpy as np

    train, ids, actual = load(dataset, QUICK_SERIES if quick else None)
    need = SEASONS * dataset.season + 1 + dataset.season
    lines = []
    pooled: dict[str, dict[str, list]] = {}
    for back in BACK[1:] if quick else BACK:
        rows, future = cut(train, ids, actual, back, dataset.horizon)
        grouped = dict(tuple(rows.groupby("id", sort=False)["value"]))
        past = [grouped[i].to_numpy() if i in grouped else np.empty(0) for i in ids]
        keep = np.array([len(h) >= need for h in past]) & np.isfinite(future).all(1)
        kept_ids, kept_future = ids[keep], future[keep]
        kept_past = [h for h, k in zip(past, keep, strict=True) if k]
        results, seconds = method(rows, kept_ids, dataset, quick)
        progress(f"calibration_backtest: {dataset.name} -{back}h tsrnn {seconds:.0f} s")
        if peers_available():
            *ets, _ = ets_quantiles(rows, kept_ids, dataset)
            results["AutoETS"] = tuple(ets)
        label = "test part" if back == 0 else f"{back} h before the test part"
        for name, (quantiles, lo95, hi95) in results.items():
            row = scores(kept_future, quantiles, lo95, hi95)
            row["msis"] = msis_mean(kept_past, kept_future, lo95, hi95, dataset.season)
            for key in ("coverage80", "coverage95", "msis", "wql"):
                pooled.setdefault(name, {}).setdefault(key, []).append(row[key])
            lines.append(
                f"| {label} | {len(kept_ids)} | {name} | {row['coverage80']:.3f} | "
                f"{row['coverage95']:.3f} | {row['width80']:.3f} | "
                f"{row['width95']:.3f} | {row['msis']:.2f} | {row['wql']:.4f} |"
            )
    return lines, pooled


@register("calibration_backtest")
def run(quick: bool = False) -> str:
    """Coverage of tsrnn's sampled, recalibrated and AutoETS intervals, 3 origins."""
    quiet_tensorflow()
    options = {**OPTIONS, "epochs": 1, "units": 8} if quick else OPTIONS
    lines = [
        "Rolling origins: the end of the train rows (scored on the competition "
        "test part) and 1 and 2 horizons before it (scored on the last train "
        "rows); every method refitted on the rows before each origin. tsrnn: "
        "`RNNRegressor(distribution='student_t', "
        + ", ".join(f"{k}={v!r}" for k, v in options.items())
        + f", random_state=0)`, input_width={SEASONS} seasons, "
        "strategy='recursive', transforms=[Log(offset=1.0), Difference(season), "
        "Scale()], recalibrate=True (one fit gives both tsrnn rows: "
        "`predict_quantiles(calibrated=False)` and the default), "
        f"{50 if quick else N_PATHS} paths. AutoETS: statsforecast's Gaussian "
        f"intervals. Load average at start {load_average()}."
        + (" QUICK RUN: figures mean nothing." if quick else ""),
        "",
    ]
    return _tables(lines, quick, tsrnn_quantiles)


@register("calibration_backtest_auto")
def run_auto(quick: bool = False) -> str:
    """Coverage of the AutoForecaster's conformal quantiles and AutoETS, 3 origins."""
    quiet_tensorflow()
    lines = [
        "Rolling origins as in `calibration_backtest`: the end of the train rows "
        "(scored on the competition test part) and 1 and 2 horizons before it "
        "(scored on the last train rows). At each origin `AutoForecaster(h, "
        "id_col='id', time_col='date', season_length=season, random_state=0)` "
        "is refitted on every series' rows before it (its defaults: 2 folds, 3 "
        "seeds per recurrent member) and gives `predict_quantiles` of its best "
        "ensemble: split conformal from that ensemble's own validation errors, "
        "per forecast step, scaled by each series' MASE scale. Scored on the "
        "series with at least input_width + 1 + season rows before the origin "
        "(as in `calibration_backtest`, so the series sets match). AutoETS: "
        f"statsforecast's Gaussian intervals. Load average at start {load_average()}."
        + (" QUICK RUN: figures mean nothing." if quick else ""),
        "",
    ]
    return _tables(lines, quick, auto_method)


def _tables(lines: list, quick: bool, method) -> str:
    for dataset in DATASETS:
        rows, pooled = evaluate(dataset, quick, method)
        lines += [
            f"**{dataset.name}**, h={dataset.horizon}.",
            "",
            "| origin | series | method | coverage 80 % | coverage 95 % | "
            "width 80 % / mean abs y | width 95 % / mean abs y | MSIS 95 % | wQL |",
            "|---|---:|---|---:|---:|---:|---:|---:|---:|",
            *rows,
            "",
            "Mean over the origins (goal: coverage within 3 points of nominal):",
            "",
            "| method | coverage 80 % | coverage 95 % | MSIS 95 % | wQL |",
            "|---|---:|---:|---:|---:|",
        ]
        for name, values in pooled.items():
            mean = {key: sum(v) / len(v) for key, v in values.items()}
            lines.append(
                f"| {name} | {mean['coverage80']:.3f} | {mean['coverage95']:.3f} | "
                f"{mean['msis']:.2f} | {mean['wql']:.4f} |"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
