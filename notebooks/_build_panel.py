"""Build notebook 08 (forecasting a panel of series) with nbformat.

Usage (from the project root)::

    .venv/bin/python notebooks/_build_panel.py            # write, no outputs
    .venv/bin/python notebooks/_build_panel.py --execute  # and run it fully

The full run reads ``tourism_quarterly.csv`` from ``TSRNN_DATA_DIR`` (default
``../shared/data/forecasting``) and fits every candidate on all 427 series.
"""

from __future__ import annotations

from pathlib import Path

from _nbtools import code, md, python_notebook, write_notebook

HERE = Path(__file__).resolve().parent
NAME = "08_forecasting_a_panel.ipynb"


def build():
    cells = [
        md(r"""
# Forecasting a panel of series with `AutoForecaster`

Real forecasting work is rarely one series: it is hundreds of products, stores
or regions, of different lengths, some of them short. This notebook forecasts
the **427 quarterly series of the tourism forecasting competition**
(Athanasopoulos, Hyndman, Song and Wu, 2011) eight quarters ahead, with no
choices to make, and scores the forecasts on the competition's own test part.

`AutoForecaster(horizon)` does what an experienced forecaster would do:

1. fits **candidates**: the simple baselines (naive, seasonal naive, drift,
   seasonal naive with drift), statsforecast's AutoETS and AutoTheta when
   statsforecast is installed, and **global recurrent networks** trained on
   all series at once (a direct GRU on log-deseasonalized, window-normalized
   series, in the manner of ES-RNN, each series' seasonal profile evolving by
   exponential smoothing; a recursive GRU on seasonally differenced logs);
2. scores each on **rolling-origin folds of the training history** (the last
   8 quarters of every series held out, then the 8 before), by MASE;
3. averages every statistical model and network into one equal-weight
   **ensemble**: a combination fixed in advance, not chosen on the folds (a
   choice among many models on a few folds flatters itself there and
   forecasts worse after them). When that average lost to seasonal naive on
   the folds, it takes the best candidates there instead; it never picks
   anything that lost to seasonal naive;
4. refits the members on the whole history and forecasts.

The test part plays no part in any choice: we look at it only at the end.
`TSRNN_FAST=1` (the test-suite's smoke run) uses 30 series and one fold.
"""),
        code("""
%matplotlib inline
import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from tsrnn import AutoForecaster, mase
from tsrnn.datasets import load_panel

FAST = os.environ.get("TSRNN_FAST") == "1"  # CI smoke run: a small panel

panel = load_panel("tourism_quarterly")
if FAST:
    panel = panel[panel["id"].isin(panel["id"].unique()[:30])]
train = panel[panel["split"] == "train"].drop(columns="split")
test = panel[panel["split"] == "test"].drop(columns="split")
lengths = train.groupby("id").size()
print(f"{lengths.size} series, {len(train)} training rows; "
      f"lengths {lengths.min()} to {lengths.max()} quarters")
train.head()
"""),
        md(r"""
## Fit: candidates, folds, ensemble

One call. `season_length` comes from the frequency (quarterly: 4);
`random_state` makes the recurrent networks reproducible; `level=0.9` adds
90 % intervals calibrated on the validation errors. Progress lines go to
stderr: one per candidate and fold.
"""),
        code("""
auto = AutoForecaster(
    8,
    id_col="id",
    time_col="date",
    level=0.9,
    n_folds=1 if FAST else 2,
    n_seeds=1 if FAST else 3,
    random_state=0,
)
auto.fit(train)
print(f"season length {auto.season_length_}, fit in {auto.fit_seconds_:.0f} s")
"""),
        md(r"""
## The leaderboard

Every candidate with its validation MASE and sMAPE (means over series, then
over folds), how many series it had to hand to seasonal naive because they
were too short for its window (`fallback`), its weight in the chosen ensemble
and its fit time. `best` averages every statistical model and network (or, when
that average lost to seasonal naive, is chosen from every candidate); the
other two are chosen from the recurrent networks only (`recurrent`) and from
the statistical models and baselines only (`statistical`): comparing them
shows what the networks add.
"""),
        code("""
auto.leaderboard_.drop(columns="status").round(3)
"""),
        code("""
for name, weights in auto.ensembles_.items():
    print(f"{name:12s}", ", ".join(f"{m} {w:.2f}" for m, w in weights.items()))
"""),
        md(r"""
## Score on the competition's test part

Now, and only now, the test part. MASE scales each series' error by its
in-sample seasonal naive error (season 4), as the competition did.
"""),
        code("""
past = {i: g["value"].to_numpy() for i, g in train.groupby("id", sort=False)}
truth = {i: g["value"].to_numpy() for i, g in test.groupby("id", sort=False)}


def test_mase(forecast):
    return np.mean(
        [mase(truth[i], forecast.loc[i, "value"].to_numpy(), y_train=past[i], period=4)
         for i in truth]
    )


names = [*auto.forecasts_, "seasonal_naive", "naive"]
scores = pd.Series({name: test_mase(auto.predict(ensemble=name)) for name in names})
scores.rename("test MASE").round(3).to_frame()
"""),
        md(r"""
The `recurrent` row is the networks alone; `statistical` is what the
baselines (and statsforecast, when installed) reach without them; `best` is
the average of all models. No ensemble that lost to seasonal naive on the
validation folds is used. When the networks lose there (read their
`mase_fold` columns: a network can win one fold and lose the other by more),
the `recurrent` ensemble is seasonal naive itself, while `best` keeps them in
its average as long as the average as a whole beat seasonal naive: the
leaderboard shows the evidence for either outcome. `benchmarks/RESULTS.md` (section `accuracy_panels`)
has the same comparison on all three competition panels beside
statsforecast's AutoETS, AutoTheta and AutoARIMA, run in the same process.

## Forecasts with 90 % intervals
"""),
        code("""
forecast = auto.predict()
coverage = np.mean([
    ((forecast.loc[i, "value_lower"].to_numpy() <= truth[i])
     & (truth[i] <= forecast.loc[i, "value_upper"].to_numpy())).mean()
    for i in truth
])
print(f"test coverage of the 90 % intervals: {coverage:.1%}")
fig, axes = plt.subplots(2, 2, figsize=(11, 6))
for sid, ax in zip(list(truth)[:4], axes.ravel()):
    history = train[train["id"] == sid].set_index("date")["value"].iloc[-24:]
    future = forecast.loc[sid]
    ax.plot(history.index, history, color="black", label="history")
    ax.plot(future.index, truth[sid], color="tab:green", label="actual")
    ax.plot(future.index, future["value"], color="tab:blue", label="forecast")
    ax.fill_between(future.index, future["value_lower"], future["value_upper"],
                    color="tab:blue", alpha=0.2, label="90 % interval")
    ax.set_title(f"series {sid}")
axes[0, 0].legend(loc="upper left", fontsize=8)
fig.tight_layout()
"""),
        md(r"""
## Quantiles and several interval levels

`predict_quantiles` reads quantiles (or central intervals at several levels)
of an ensemble from its own validation errors: per forecast step, the errors
of every series and fold, each divided by its series' MASE scale, give the
quantiles of the scaled error (split conformal, no distribution assumed).
Their coverage on the test part, which they never saw:
"""),
        code("""
bands = auto.predict_quantiles(level=[50, 80, 95])
actual = test.set_index(["id", "date"])["value"]
bands = bands.loc[actual.index]
pd.Series({
    f"{level} %": ((bands[f"value_lower_{level}"] <= actual)
                   & (actual <= bands[f"value_upper_{level}"])).mean()
    for level in (50, 80, 95)
}).rename("test coverage").round(3).to_frame()
"""),
        md(r"""
## From the command line

The same search, with a holdout report, the leaderboard, the forecasts of
every series (CSV), a plot and the model:

```
tsrnn forecast tourism_quarterly_train.csv --target value --id-col id --horizon 8
```

`--missing ffill|interpolate` fills missing timestamps and values (the
default raises), and `--time-budget SECONDS` bounds the search: the baselines
always run; a candidate whose next fit would not finish in time is skipped
and listed as such.

## What to take away

- Global recurrent networks learn across hundreds of series at once; with
  each series log-transformed, deseasonalized and read relative to its latest
  level, one network serves series of any scale.
- **Combining** models is what makes the result robust: no single model wins
  on every series, and a choice made on a few folds of the history is partly
  luck. The rolling-origin folds check that the combination beats seasonal
  naive, and choose the family ensembles.
- A series too short for a network's window still gets a forecast (the
  candidate's seasonal naive fallback), and the warning and the `fallback`
  column say how many.
"""),
    ]
    return python_notebook(cells)


def main(argv=None) -> int:
    return write_notebook(NAME, build, argv, __doc__.splitlines()[0])


if __name__ == "__main__":
    raise SystemExit(main())
