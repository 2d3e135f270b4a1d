"""AutoForecaster's wall time on a panel of 1,500 monthly series.

The panel: the train rows of M1 monthly (617 series) and tourism monthly (366
series) together, 983 real monthly series of 12 to 309 rows, ids prefixed by
their source; the shared data holds no larger monthly panel, so 517 of them
(evenly spread over the file order, so both sources in proportion) are
added again under new ids (suffix ``:copy``) to reach the 1,500 series of the
issue's goal. The copies add rows, windows and statsforecast fits like new
series of the same sizes would; this is a timing benchmark, and its forecasts
are not scored.
``AutoForecaster(18, id_col="id", time_col="date", random_state=0)``
with its defaults fits (the search over two folds, the refit of its members)
and forecasts every series; in the same run, statsforecast's AutoETS fits and
forecasts the same panel (one ``StatsForecast`` call on as many processes as
AutoForecaster gives its own statsforecast candidates, ``statistical_jobs``),
the statistical model a forecaster would otherwise run, as the peer for the
ratio.
The issue's goal: ~1,500 monthly series in under 10 minutes on 2 cores.

``fit_overhead`` fits each recurrent candidate once on the same panel and
splits its time into tracing and setup (the first epoch's excess over the
median epoch, and the time outside Keras' ``fit``) and training.

Run: ``python -m benchmarks --only auto_fit_time`` (``--quick``: 20 series,
baselines and networks only, a few training steps); ``--only fit_overhead``.
"""

from __future__ import annotations

import time
import warnings

from benchmarks import register
from benchmarks._common import (
    data_dir,
    load_average,
    progress,
    quiet_tensorflow,
    training_steps,
)

HORIZON = 18
QUICK_SERIES = 20
GOAL_SERIES = 1500
QUICK_STEPS = 20  # recurrent training steps in --quick runs


def panel(quick: bool):
    """Train rows of M1 monthly and tourism monthly: long id, date, value."""
    import pandas as pd

    parts = []
    for name in ("m1_monthly", "tourism_monthly"):
        frame = pd.read_csv(data_dir("forecasting") / f"{name}.csv")
        frame = frame[frame["split"] == "train"]
        parts.append(frame.assign(id=name + ":" + frame["id"].astype(str)))
    frame = pd.concat(parts, ignore_index=True)
    if quick:
        frame = frame[frame["id"].isin(frame["id"].unique()[:QUICK_SERIES])]
    return frame.assign(date=pd.to_datetime(frame["date"]))[["id", "date", "value"]]


def goal_panel(quick: bool):
    """``panel`` grown to ``GOAL_SERIES`` series by copies under new ids."""
    import numpy as np
    import pandas as pd

    frame = panel(quick)
    ids = frame["id"].unique()
    extra = GOAL_SERIES - len(ids)
    if quick or extra <= 0:
        return frame
    # Evenly spread over the file order, so both sources are copied in
    # proportion (distinct positions while extra <= len(ids)).
    picked = ids[np.linspace(0, len(ids) - 1, min(extra, len(ids))).round().astype(int)]
    copies = frame[frame["id"].isin(picked)]
    copies = copies.assign(id=copies["id"] + ":copy")
    return pd.concat([frame, copies], ignore_index=True)


def statsforecast_seconds(frame, jobs: int) -> float | None:
    """AutoETS fit + forecast of ``frame``, or None without statsforecast."""
    try:
        import pandas as pd
        from statsforecast import StatsForecast
        from statsforecast.models import AutoETS
    except ImportError:
        return None
    data = pd.DataFrame(
        {
            "unique_id": frame["id"],
            "ds": frame.groupby("id", sort=False).cumcount() + 1,
            "y": frame["value"].astype(float),
        }
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        StatsForecast(models=[AutoETS(season_length=12)], freq=1, n_jobs=jobs).forecast(
            df=data, h=HORIZON
        )
    return time.perf_counter() - start


@register("auto_fit_time")
def run(quick: bool = False) -> str:
    """AutoForecaster fit + forecast wall time on 1,500 monthly series."""
    from tsrnn import AutoForecaster
    from tsrnn.forecasting import candidates

    quiet_tensorflow()
    frame = goal_panel(quick)
    ids = frame["id"].unique()
    n_series = len(ids)
    n_copies = sum(i.endswith(":copy") for i in ids)
    start_load = load_average()
    options = {}
    if quick:
        options = {"models": ["baseline", "recurrent"], "n_folds": 1, "n_seeds": 1}
    start = time.perf_counter()
    with training_steps(QUICK_STEPS if quick else None), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        auto = AutoForecaster(
            HORIZON,
            id_col="id",
            time_col="date",
            random_state=0,
            verbose=0,
            **options,
        ).fit(frame)
        forecast = auto.predict()
    seconds = time.perf_counter() - start
    progress(f"auto_fit_time: AutoForecaster {seconds:.1f} s")
    assert len(forecast) == n_series * HORIZON
    jobs = candidates.statistical_jobs(n_series)
    peer = statsforecast_seconds(frame, jobs)
    board = auto.leaderboard_
    models = board[board["family"] != "ensemble"]
    parts = models["seconds"]
    unscored = models.loc[models["status"] != "scored", "status"]
    lines = [
        f"{n_series} monthly series: the train rows of M1 monthly and tourism "
        f"monthly ({n_series - n_copies} series, {len(frame):,} rows in all with "
        f"the copies) and {n_copies} of them again under new ids; "
        f"horizon {HORIZON}. Load average (1/5/15 min) at start {start_load}."
        + (" QUICK RUN: figures mean nothing." if quick else ""),
        "",
        "| what | fit + forecast, s | per 1,000 series, s |",
        "|---|---:|---:|",
        f"| tsrnn AutoForecaster (defaults) | {seconds:.1f} | "
        f"{1000 * seconds / n_series:.1f} |",
    ]
    if peer is not None:
        lines.append(
            f"| statsforecast AutoETS, one fit (n_jobs={jobs}, as "
            f"AutoForecaster's own) | {peer:.1f} | "
            f"{1000 * peer / n_series:.1f} |"
        )
    lines += [
        "",
        "Where AutoForecaster's time goes (seconds over both folds and the "
        "refit): "
        + ", ".join(f"{name} {value:.0f}" for name, value in parts.items())
        + ".",
        "",
        "Candidates not scored: "
        + (
            "; ".join(f"{name}: {status}" for name, status in unscored.items())
            if len(unscored)
            else "none (every candidate fitted on every fold)"
        )
        + ". Chosen ensemble: "
        + ", ".join(f"{m} {w:.2f}" for m, w in auto.ensembles_["best"].items())
        + ".",
        "",
    ]
    if peer is not None:
        lines.append(
            f"AutoForecaster takes {seconds / peer:.1f}x one AutoETS fit; it runs "
            "AutoETS itself three times (two folds and the refit) among its "
            "candidates."
        )
    verdict = "met" if seconds < 600 else "not met"
    lines.append(
        f"{n_series:,} series fitted and forecast in {seconds:.0f} s; goal "
        f"'~1,500 monthly series in under 10 minutes on 2 cores': **{verdict}**."
    )
    return "\n".join(lines)


@register("fit_overhead")
def run_overhead(quick: bool = False) -> str:
    """How much of a recurrent candidate's fit is setup and tracing."""
    import keras
    import numpy as np

    from tsrnn import AutoForecaster
    from tsrnn.forecasting import candidates

    quiet_tensorflow()
    frame = panel(quick)
    n_series = frame["id"].nunique()
    start_load = load_average()
    reader = AutoForecaster(
        HORIZON, id_col="id", time_col="date", models=["baseline"], verbose=0
    )
    history = reader.fit(frame).history_
    fits = []

    class EpochTimes(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.began = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.times.append(time.perf_counter() - self.began)

    original = keras.Model.fit

    def timed_fit(model, *args, **kwargs):
        timer = EpochTimes()
        timer.times = []
        kwargs["callbacks"] = [*(kwargs.get("callbacks") or []), timer]
        began = time.perf_counter()
        out = original(model, *args, **kwargs)
        fits.append((time.perf_counter() - began, timer.times))
        return out

    rows = []
    keras.Model.fit = timed_fit
    try:
        with training_steps(QUICK_STEPS if quick else None):
            for spec in candidates.RECURRENT:
                fits.clear()
                began = time.perf_counter()
                model = candidates.make_candidate(spec.name, 12, HORIZON, seeds=[0])
                model.fit(history)
                total = time.perf_counter() - began
                began = time.perf_counter()
                model.forecast(HORIZON)
                forecast = time.perf_counter() - began
                keras_s, epochs = fits[0]
                steady = float(np.median(epochs[1:])) if len(epochs) > 1 else epochs[0]
                rows.append((spec.name, total, keras_s, epochs, steady, forecast))
                progress(f"fit_overhead: {spec.name} {total:.1f} s")
    finally:
        keras.Model.fit = original
    lines = [
        f"One fit (seed 0) of each recurrent candidate of AutoForecaster on the "
        f"{n_series} monthly series of `auto_fit_time`, horizon {HORIZON}, "
        "then its forecast. Tracing and setup: the first epoch's excess over "
        "the median epoch (Keras traces the training step on its first batch; "
        "the tf.data pipeline starts), plus the time outside Keras' `fit` "
        "(transforms, windows, building the network). Load average (1/5/15 "
        f"min) at start {start_load}."
        + (" QUICK RUN: 20 training steps, figures mean nothing." if quick else ""),
        "",
        "| candidate | fit, s | outside Keras fit, s | epochs | first epoch, s "
        "| median epoch, s | tracing and setup, s | share of the fit | forecast, s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, total, keras_s, epochs, steady, forecast in rows:
        setup = (total - keras_s) + max(epochs[0] - steady, 0.0)
        lines.append(
            f"| {name} | {total:.1f} | {total - keras_s:.1f} | {len(epochs)} | "
            f"{epochs[0]:.2f} | {steady:.2f} | {setup:.1f} | "
            f"{setup / total:.0%} | {forecast:.1f} |"
        )
    return "\n".join(lines)
