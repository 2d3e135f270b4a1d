"""Sequence scores as an anomaly score: injected spikes in the airline series.

A worked example of :meth:`tsrnn.Forecaster.sequence_scores`. The model, a
``RNNRegressor(distribution="normal")`` rolled one step at a time, is fitted
on the clean monthly airline series (1949-1960, 144 months). ``N_ANOMALIES``
months after the first two years are then multiplied by ``1 +- SIZE`` (seeded
draws of position and sign), and every month of the spiked series is scored
by its negative log-likelihood given the ``input_width`` months before it.

Reported: ROC AUC of the scores for the injected months against all other
scored months (1.0: every spike ranks above every normal month), how many
spikes are among the ``N_ANOMALIES`` highest scores, and the same for the
absolute one-step error of the point forecast (the mean of the distribution),
the score a point model would give. A spike also raises the scores of the
months whose windows contain it, and, through ``Difference(12)``, of the month
a year later: those count as false alarms here.

Run: ``python -m benchmarks --only anomaly_scores`` (``--quick``: 2 epochs, one
seed).
"""

from __future__ import annotations

from benchmarks import register
from benchmarks._common import data_dir, load_average, quiet_tensorflow

N_ANOMALIES = 6
SIZE = 0.15
SEEDS = (0, 1, 2)
OPTIONS = {"units": 16, "epochs": 150, "batch_size": 16, "learning_rate": 0.005}


def airline():
    import pandas as pd

    frame = pd.read_csv(
        data_dir("forecasting") / "airline.csv", parse_dates=["Date"], index_col="Date"
    )
    return frame["Passengers"].astype(float).asfreq("MS")


def one_run(series, seed: int, quick: bool) -> dict:
    import numpy as np
    from sklearn.metrics import roc_auc_score

    from tsrnn import Difference, Forecaster, Log, RNNRegressor, Scale

    options = {**OPTIONS, "epochs": 2} if quick else OPTIONS
    forecaster = Forecaster(
        RNNRegressor(
            distribution="normal", jit_compile=False, random_state=seed, **options
        ),
        input_width=12,
        strategy="recursive",
        transforms=[Log(), Difference(12), Scale()],
    ).fit(series)
    rng = np.random.default_rng(seed)
    where = np.sort(rng.choice(np.arange(36, len(series)), N_ANOMALIES, False))
    spiked = series.copy()
    spiked.iloc[where] *= 1 + SIZE * rng.choice([-1.0, 1.0], N_ANOMALIES)
    scores = forecaster.sequence_scores(spiked)["Passengers"]
    labels = scores.index.isin(series.index[where])
    # The point forecast's one-step absolute error, from the same windows.
    history = forecaster.read(spiked)
    first = len(spiked) - len(scores)
    paths = forecaster.forecast_paths(history, [range(first, len(spiked))], 1)
    error = np.abs(spiked.loc[scores.index].to_numpy() - paths.values[:, 0, 0])
    top = np.argsort(-scores.to_numpy())[:N_ANOMALIES]
    top_error = np.argsort(-error)[:N_ANOMALIES]
    return {
        "auc": roc_auc_score(labels, scores.to_numpy()),
        "hits": int(labels[top].sum()),
        "auc_error": roc_auc_score(labels, error),
        "hits_error": int(labels[top_error].sum()),
        "scored": len(scores),
    }


@register("anomaly_scores")
def run(quick: bool = False) -> str:
    """ROC AUC of Forecaster.sequence_scores for injected airline spikes."""
    import numpy as np

    quiet_tensorflow()
    series = airline()
    options = {**OPTIONS, "epochs": 2} if quick else OPTIONS
    lines = [
        "Monthly airline passengers, 144 months; "
        "`Forecaster(RNNRegressor(distribution='normal', "
        + ", ".join(f"{k}={v!r}" for k, v in options.items())
        + "), input_width=12, strategy='recursive', transforms=[Log(), "
        f"Difference(12), Scale()])` (every_step='auto', the default: trained "
        "on the next month after every month of the window) fitted on the "
        f"clean series; {N_ANOMALIES} "
        f"months after the first 36 multiplied by 1 +- {SIZE} (seeded). "
        f"Load average at start {load_average()}."
        + (" QUICK RUN: figures mean nothing." if quick else ""),
        "",
        "| seed | months scored | ROC AUC, sequence score | spikes in top "
        f"{N_ANOMALIES} | ROC AUC, abs. one-step error | spikes in top "
        f"{N_ANOMALIES} |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    seeds = SEEDS[:1] if quick else SEEDS
    results = [one_run(series, seed, quick) for seed in seeds]
    for seed, r in zip(seeds, results, strict=True):
        lines.append(
            f"| {seed} | {r['scored']} | {r['auc']:.3f} | {r['hits']} | "
            f"{r['auc_error']:.3f} | {r['hits_error']} |"
        )
    lines.append(
        f"| mean | | {np.mean([r['auc'] for r in results]):.3f} | "
        f"{np.mean([r['hits'] for r in results]):.1f} | "
        f"{np.mean([r['auc_error'] for r in results]):.3f} | "
        f"{np.mean([r['hits_error'] for r in results]):.1f} |"
    )
    return "\n".join(lines) + "\n"
