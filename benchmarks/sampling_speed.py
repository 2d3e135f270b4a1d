"""Ancestral sampling: 1,000 paths of 24 steps for 1,000 series, two samplers.

The panel: the train rows of M1 monthly and tourism monthly (983 real monthly
series, ``auto_fit_time.panel``). Each series' last ``HORIZON`` train rows are
held out as a **validation** part (the competition test part is not read).
The series with enough rows for the forecaster below (``MIN_ROWS``) train one
global ``Forecaster(RNNRegressor(distribution="student_t", cell="gru",
units=32, epochs=20, batch_size=128), input_width=24, strategy="recursive",
transforms=[Log(offset=1.0), Difference(12), Scale()])``, the setup of
``probabilistic_panels``, on the rest.

Two ways to feed a draw back (``Forecaster.sample(carry_state=...)``):

- re-read: append the draw to the window and read the whole window again
  (24 recurrent steps per forecast step and path);
- carry state: read each series' window once and carry the recurrent state
  forward one row per step and path, at the window's scale (DeepAR's way).

Measured in the same process:

- **speed**: ``RNNRegressor.sample_recursive`` over 1,000 windows (the
  panel's last windows, repeated to 1,000) x ``N_PATHS`` paths x 24 steps,
  the model part; and ``Forecaster.sample`` end to end (windows, model,
  inverse transforms, the long frame) for every series of the panel;
- **validation accuracy** of both samplers' paths on the held-out rows:
  coverage of the 80 % and 95 % intervals, wQL and wCRPS (as in
  ``probabilistic_panels``). The default sampler is chosen on these.

Goal (issue #14): 1,000 paths of 24 steps for 1,000 series in under 10 s on
2 cores. Run: ``python -m benchmarks --only sampling_speed`` (``--quick``: 30
series, one epoch, 50 paths; figures mean nothing).
"""

from __future__ import annotations

import time

from benchmarks import register
from benchmarks._common import load_average, progress, quiet_tensorflow
from benchmarks.auto_fit_time import panel
from benchmarks.probabilistic_panels import CRPS_QUANTILES, scores

HORIZON = 24
SEASON = 12
WIDTH = 2 * SEASON
MIN_ROWS = WIDTH + SEASON + 1 + HORIZON
N_SERIES = 1000
N_PATHS = 1000
QUICK_SERIES = 30
OPTIONS = {"cell": "gru", "units": 32, "epochs": 20, "batch_size": 128}
SAMPLERS = {"re-read": False, "carry state": True}
# every_step of the network: trained after the last row only, or every row.
NETWORKS = {"last row": False, "every step": True}
SCORED_PATHS = 200


def split(frame, quick: bool):
    """Fit rows and held-out ``(n, HORIZON)`` values of the long-enough series."""
    import numpy as np

    sizes = frame.groupby("id", sort=False).size()
    ids = sizes.index[sizes >= MIN_ROWS].to_numpy()
    ids = ids[:QUICK_SERIES] if quick else ids
    rows = frame[frame["id"].isin(ids)]
    position = rows.groupby("id", sort=False).cumcount()
    last = rows["id"].map(sizes) - HORIZON
    fit = rows[position < last]
    held = rows[position >= last]
    actual = np.stack(
        [g["value"].to_numpy() for _, g in held.groupby("id", sort=False)]
    )
    return fit, ids, actual, len(sizes)


def forecaster(quick: bool, every_step: bool):
    from tsrnn import Difference, Forecaster, Log, RNNRegressor, Scale

    options = {**OPTIONS, "epochs": 1, "units": 8} if quick else OPTIONS
    return Forecaster(
        RNNRegressor(
            distribution="student_t",
            every_step=every_step,
            jit_compile=False,
            random_state=0,
            **options,
        ),
        input_width=WIDTH,
        horizon=HORIZON,
        strategy="recursive",
        transforms=[Log(offset=1.0), Difference(SEASON), Scale()],
        id_col="id",
        time_col="date",
    )


def model_seconds(fitted, n_paths: int, carry_state: bool) -> float:
    """Seconds of ``sample_recursive`` over ``N_SERIES`` last windows."""
    import numpy as np

    history = fitted.history_
    ks = np.arange(len(history.ids))
    windows, _ = fitted.origin_windows(
        history, ks, np.asarray(history.lengths), HORIZON
    )
    X = np.resize(windows.X, (N_SERIES, *windows.X.shape[1:])).astype(np.float64)
    estimator = fitted.estimator_
    sample = estimator.sample_recursive
    options = dict(target_index=windows.target_index, carry_state=carry_state)
    sample(X[:2], 2, 2, random_state=0, **options)  # trace once
    start = time.perf_counter()
    sample(X, HORIZON, n_paths, random_state=0, **options)
    return time.perf_counter() - start


def validation_scores(fitted, ids, actual, n_paths: int, carry_state: bool):
    """Scores of ``n_paths`` sampled paths on the held-out rows; seconds."""
    import numpy as np

    start = time.perf_counter()
    frame = fitted.sample(n_paths, random_state=0, carry_state=carry_state)
    seconds = time.perf_counter() - start
    order = {sid: i for i, sid in enumerate(fitted.series_ids_)}
    values = frame["value"].to_numpy().reshape(len(order), n_paths, HORIZON)
    paths = values[[order[i] for i in ids]].transpose(0, 2, 1)
    quantiles = np.quantile(paths, CRPS_QUANTILES, axis=-1).transpose(1, 2, 0)
    lo95, hi95 = np.quantile(paths, [0.025, 0.975], axis=-1)
    return scores(actual, quantiles, lo95, hi95), seconds


@register("sampling_speed")
def run(quick: bool = False) -> str:
    import warnings

    quiet_tensorflow()
    n_paths = 50 if quick else N_PATHS
    scored_paths = 50 if quick else SCORED_PATHS
    fit_rows, ids, actual, n_total = split(panel(quick), quick)
    start_load = load_average()
    rows = []
    fit_seconds = {}
    for network, every_step in NETWORKS.items():
        model = forecaster(quick, every_step)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(fit_rows)
        fit_seconds[network] = time.perf_counter() - start
        progress(
            f"sampling_speed: {network} fitted {len(ids)} series in "
            f"{fit_seconds[network]:.0f} s"
        )
        for sampler, carry in SAMPLERS.items():
            timed = carry or not every_step  # re-reading costs the same for both
            bare = model_seconds(model, n_paths, carry) if timed else None
            score, _ = validation_scores(model, ids, actual, scored_paths, carry)
            frame_seconds = None
            if carry:
                _, frame_seconds = validation_scores(model, ids, actual, n_paths, carry)
            progress(
                f"sampling_speed: {network}, {sampler}: model "
                f"{_seconds(bare)} s, Forecaster.sample {_seconds(frame_seconds)} s, "
                f"validation wQL {score['wql']:.4f}"
            )
            rows.append((network, sampler, bare, frame_seconds, score))
    reread = rows[0][2]
    lines = [
        f"Panel: {len(ids)} of the {n_total} train series of M1 monthly + tourism "
        f"monthly with at least {MIN_ROWS} rows; the last {HORIZON} rows of each "
        "held out (validation; the competition test part is not read). A global "
        "`Forecaster(RNNRegressor(distribution='student_t', cell='gru', "
        f"units={OPTIONS['units']}, epochs={OPTIONS['epochs']}, every_step=...), "
        f"input_width={WIDTH}, strategy='recursive', transforms=[Log(offset=1.0), "
        f"Difference({SEASON}), Scale()])`, fitted in "
        + ", ".join(f"{s:.0f} s ({name})" for name, s in fit_seconds.items())
        + f". Speed: {n_paths} paths of {HORIZON} steps; validation scores from "
        f"{scored_paths} paths. Load average (1/5/15 min) at start {start_load}, "
        f"at end {load_average()}."
        + (" QUICK RUN: figures meaningless." if quick else ""),
        "",
        f"| network | sampler | model: {N_SERIES} series x {n_paths} paths, s | "
        f"vs re-read | Forecaster.sample, {len(ids)} series x {n_paths} paths "
        "(long frame), s | validation coverage 80 % | coverage 95 % | wQL | "
        "wCRPS |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for network, sampler, bare, frame_seconds, score in rows:
        ratio = "" if bare is None else f"{reread / bare:.1f}x"
        lines.append(
            f"| {network} | {sampler} | {_seconds(bare)} | {ratio} | "
            f"{_seconds(frame_seconds)} | {score['coverage80']:.3f} | "
            f"{score['coverage95']:.3f} | {score['wql']:.4f} | {score['wcrps']:.4f} |"
        )
    best = min(rows, key=lambda row: row[4]["wql"])
    carried = rows[-1][2]
    lines += [
        "",
        f"Goal: the model part under 10 s for {N_SERIES} series x 1,000 paths x "
        f"24 steps: every-step network with a carried state {carried:.1f} s "
        + ("(met)" if carried < 10 and not quick else "(not met)")
        + f", re-read {reread:.1f} s. Lowest validation wQL: {best[0]}, "
        f"{best[1]}.",
    ]
    return "\n".join(lines)


def _seconds(value) -> str:
    return "-" if value is None else f"{value:.1f}"
