"""Build the scaling notebook 07 of ``notebooks/`` with nbformat.

Usage (from the project root)::

    .venv/bin/python notebooks/_build_scaling.py            # write, no outputs
    .venv/bin/python notebooks/_build_scaling.py --execute  # and run it fully

``--execute`` runs the notebook in full mode (``TSRNN_FAST`` unset) with
nbclient, as the committed notebook is, then drops the start-up lines that
TensorFlow's C++ runtime writes to stderr before its logging is configured
(``TF_CPP_MIN_LOG_LEVEL`` does not silence them and ipykernel forwards them).
"""

# ruff: noqa: E501  (markdown tables and shell lines in the notebook text)

from __future__ import annotations

from pathlib import Path

from _nbtools import code, md, python_notebook, write_notebook

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NAME = "07_scaling.ipynb"

SETUP = """\
%matplotlib inline
import os

FAST = os.environ.get("TSRNN_FAST") == "1"  # CI smoke run: tiny budgets
"""


def scaling():
    return [
        md(r"""
# Scaling past one machine: what runs where

A forecasting project outgrows one process in three different ways, and each
has its own remedy. tsrnn does not run a cluster of its own; it hands the work
to the engines you already use:

| what outgrows the process | tsrnn piece | runs on |
|---|---|---|
| the **data** (more rows than memory) | `tsrnn.data.parquet.ParquetWindower` | one process, `tf.data` streaming from Parquet files |
| the **number of series** (one model each is too slow) | `Forecaster(..., id_col=...)` + `tsrnn.data.identity.series_covariates` | one process, one global model |
| **independent fits** (per-series models, folds, grids) | `tsrnn.forecasting.parallel.map_tasks`, `fit_per_series` | joblib: local processes, a Dask cluster or Ray |
| **one training job** (too slow on one device) | `RNNRegressor(distribute=...)`, `tsrnn.nn.distributed.fit_distributed` | `tf.distribute`: the GPUs of one machine, or one worker per machine |

Everything below runs on real data, the hourly ETTh1 transformer loads
(2016-07 to 2018-06), with six load channels treated as six separate series.
The models are deliberately tiny: this notebook is about *where* things run,
not about accuracy (notebook 02 is about accuracy on ETTh1). `TSRNN_FAST=1`
(the test-suite) shrinks the data and the epochs further.
"""),
        code(
            SETUP
            + """
import json
import tempfile
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.linear_model import Ridge
from sklearn.preprocessing import StandardScaler

import tsrnn
from tsrnn import Forecaster, RNNRegressor, build_rnn, compile_model

ROWS = 1000 if FAST else 8760     # the last ROWS hours of each series (full: 1 year)
STRIDE = 8 if FAST else 1         # out-of-core training windows: every STRIDE-th
EPOCHS = 1 if FAST else 3
plt.rcParams["figure.dpi"] = 80
"""
        ),
        md(r"""
## 0. The data: a long panel

`load_etth1()` reads `ETTh1.csv` from the folder named by the environment
variable `TSRNN_DATA_DIR` (or downloads it once). We keep the six load
channels (HUFL ... LULL, not the oil temperature) and reshape the wide table
into the **long** format every scaling tool here reads: one row per series and
timestamp, columns `id`, `time`, `value`.
"""),
        code("""
etth1 = tsrnn.datasets.load_etth1()
wide = etth1.iloc[-ROWS:, :6]
long = (
    wide.rename_axis("time").reset_index()
    .melt(id_vars="time", var_name="id", value_name="value")
    [["id", "time", "value"]]
)
print(f"{long['id'].nunique()} series x {ROWS} hours = {len(long)} rows, "
      f"{long['time'].min():%Y-%m-%d} .. {long['time'].max():%Y-%m-%d %H:%M}")
long.head(3)
"""),
        md(r"""
## 1. Out-of-core: more data than memory

When the panel does not fit in memory, write it as **Parquet files**, each
series whole in one file (several series per file is fine), and let
`ParquetWindower` stream windows from them. Here: three files of two series
each, in a temporary folder. (Six series of a year of hours obviously fit in
memory; the point is that the code below does not care how many files there
are.)
"""),
        code("""
folder = Path(tempfile.mkdtemp(prefix="tsrnn-panel-"))
groups = [["HUFL", "HULL"], ["MUFL", "MULL"], ["LUFL", "LULL"]]
for k, ids in enumerate(groups):
    long[long["id"].isin(ids)].to_parquet(folder / f"part-{k}.parquet", index=False)
for path in sorted(folder.iterdir()):
    print(f"{path.name}: {path.stat().st_size / 1e3:.0f} kB")
"""),
        md(r"""
`fit` makes **one pass** over the files: it checks each series (regular steps,
finite values, long enough), cuts it into train / validation / test (the last
10 % and the 10 % before them, per series) and computes each series' mean and
standard deviation over its **training rows only**. Nothing is kept in memory
but these per-series numbers.
"""),
        code("""
from tsrnn.data.parquet import ParquetWindower

windower = ParquetWindower(
    48, 24, target="value", id_col="id", time_col="time", stride=STRIDE,
    val_size=0.1, test_size=0.1,
).fit(folder)
print("windows per split:", windower.n_windows_)
pd.DataFrame({"mean": windower.mean_[:, 0], "std": windower.scale_[:, 0]},
             index=windower.series_ids_).round(2).T
"""),
        md(r"""
`dataset(split)` is a `tf.data.Dataset` of scaled `(X, y)` batches: 48 past
hours in, the next 24 out. With `shuffle=True` it reads `cycle_length=4` files
at a time, shuffles the file order each epoch, the windows within each file
and the windows of the open files together in a buffer; windows never cross
series. A plain Keras model trains from it like from arrays:
"""),
        code("""
model = compile_model(build_rnn((48, 1), (24, 1), units=16, seed=0))
start = time.perf_counter()
history = model.fit(
    windower.dataset("train", batch_size=64, shuffle=True, seed=0),
    validation_data=windower.dataset("val"),
    epochs=EPOCHS,
    shuffle=False,  # the dataset shuffles; Keras cannot shuffle a stream
    verbose=0,
)
print(f"{EPOCHS} epochs in {time.perf_counter() - start:.1f} s")
pd.DataFrame(history.history).round(3)
"""),
        md(r"""
A sanity check on the test windows (scaled units): the network against
*repeat-last* (every future hour equals the last observed one). Both are
computed from the same stream.
"""),
        code("""
test_mse = model.evaluate(windower.dataset("test"), verbose=0, return_dict=True)["loss"]
naive_errors = [
    np.mean((X.numpy()[:, -1:, :1] - y.numpy()) ** 2, axis=(1, 2))
    for X, y in windower.dataset("test")
]
print(f"test MSE (scaled): LSTM {test_mse:.3f}, "
      f"repeat-last {np.concatenate(naive_errors).mean():.3f}")
"""),
        md(r"""
`predict(model)` reads one file at a time, takes the last 48 hours of every
series, runs the model and **undoes each series' scaling**: the result is a
long frame of dated forecasts, the 24 hours after the data ends.
"""),
        code("""
forecast = windower.predict(model)
print(forecast.shape, "rows:", forecast["id"].nunique(), "series x 24 hours")
forecast.head(3)
"""),
        code("""
fig, axes = plt.subplots(1, 3, figsize=(12, 2.8), sharex=True)
for ax, sid in zip(axes, ["HUFL", "MUFL", "LUFL"]):
    past = long[long["id"] == sid].set_index("time")["value"].iloc[-24 * 5:]
    ahead = forecast[forecast["id"] == sid].set_index("time")["value"]
    ax.plot(past, color="C0", label="history")
    ax.plot(ahead, color="C1", label="forecast")
    ax.set_title(sid)
    ax.tick_params(axis="x", labelrotation=45)
axes[0].legend()
fig.tight_layout()
"""),
        md(r"""
**Memory is bounded by the files open at once, not by the data.** The
benchmark `benchmarks/outofcore_memory.py` (results in
`benchmarks/RESULTS.md`, section `outofcore_memory`) fits, trains and predicts
from Parquet panels of 10,000-hour series, 50 series per file, at three sizes,
each in a fresh process:

* 1x: 16 files, 800 series, 7.2 million training windows, 256 MB of float64
  data: peak RSS 1,346 MB;
* 4x: 64 files, 3,200 series, 28.6 million windows, 1,024 MB: peak RSS 1,363 MB;
* 16x: 256 files, 12,800 series, 114.5 million windows, 4,096 MB of data
  (3.5 GB of Parquet): peak RSS **1,363 MB**.

The data grew 16 times, the peak memory 1.01 times: most of the 1.3 GB is
TensorFlow itself, and the data part is at most `cycle_length` (4) files plus
the shuffle buffer. What this does *not* remove: **a single file must fit in
memory**, and `fit` and `predict` read every file, so their time grows with
the data (35 s and 41 s at 16x on 2 cores, in that benchmark).

For a global model that should know *which* series a window comes from, at
the scale of thousands of series, `dataset(..., series_index=True)` yields
`((X, series_row), y)`, the input of an embedding layer.

## 2. Many series, one model

Fitting one network per series costs one training run per series. A **global
model** trains one network on the windows of all series. `Forecaster` does this
for a long frame when you name `id_col` and `time_col`; each series is
windowed separately and `predict()` forecasts every series in one call.

A global model only sees values, so two series whose recent values look alike
get the same forecast. `series_covariates` adds constant one-hot columns
(`is_HUFL`, ...) that tell the network which series each row belongs to. They
are constant, so reading them over the 48 input hours is enough: we pass them
as ordinary (past) covariates and the direct strategy can use them. (As
*future* covariates they need a decoder that reads them over the horizon:
`strategy="seq2seq"`.)
"""),
        code("""
from tsrnn.data.identity import series_covariates

identity = series_covariates(long, id_col="id", time_col="time")
identity.iloc[[0, ROWS]]  # the first row of HUFL and of HULL
"""),
        code("""
start = time.perf_counter()
global_model = Forecaster(
    RNNRegressor(units=16, epochs=EPOCHS, random_state=0),
    input_width=48, horizon=24, id_col="id", time_col="time",
    scaler=StandardScaler(),
).fit(long, covariates=identity)
all_series = global_model.predict(covariates=identity)  # every series, one call
print(f"fit + predict of {len(global_model.series_ids_)} series: "
      f"{time.perf_counter() - start:.1f} s")
all_series["value"].unstack("id").head(3).round(2)
"""),
        md(r"""
The forecast is indexed by `(id, time)`: 24 hours for each of the six series.
At scale this matters: `benchmarks/global_models.py` (see
`benchmarks/RESULTS.md`) fits one such forecaster over 10,000 series and
forecasts all of them in one `predict()` call in about 15 s, where a
per-series loop would take about 1.6 hours to fit. `tests/test_identity.py`
checks that the identity columns matter: with them, a global model forecasts
two series with the same values but opposite drifts correctly; without them it
cannot.

## 3. Fan-out: many independent fits

Sometimes you do want one model per series, or many folds, or a grid. Those
tasks are independent, so they parallelize trivially: `map_tasks(function,
tasks)` is `[function(t) for t in tasks]` run by joblib, and
`fit_per_series(forecaster, frame, id_col=...)` fits one clone per series that
way. The default backend, `"loky"`, starts local worker processes and needs
nothing installed. Here: a linear (ridge) forecaster per series, on 2
processes, checked against a plain sequential loop.
"""),
        code("""
from tsrnn.forecasting.parallel import fit_per_series, map_tasks

per_series = Forecaster(Ridge(), input_width=48, horizon=24)
start = time.perf_counter()
models = fit_per_series(per_series, long, id_col="id", time_col="time",
                        backend="loky", n_jobs=2)
print(f"{len(models)} fits on 2 loky processes: {time.perf_counter() - start:.1f} s")

sequential = fit_per_series(per_series, long, id_col="id", time_col="time",
                            backend="sequential")
gap = max(
    np.abs(models[s].predict().to_numpy() - sequential[s].predict().to_numpy()).max()
    for s in models
)
print(f"largest difference to the sequential forecasts: {gap:.1e}")
"""),
        md(r"""
`map_tasks` takes any picklable function, e.g. a backtest fold per task. Each
task is pickled to its worker: pass data and estimators, not open files or
live Keras models.
"""),
        code("""
def last_day_mae(sid):
    # fit on all but the last 24 hours of one series, score those 24 hours
    series = long[long["id"] == sid].set_index("time")[["value"]]
    model = Forecaster(Ridge(), input_width=48, horizon=24).fit(series.iloc[:-24])
    return tsrnn.mae(series["value"].iloc[-24:].to_numpy(),
                     model.predict()["value"].to_numpy())


ids = list(models)
pd.Series(map_tasks(last_day_mae, ids, n_jobs=2), index=ids,
          name="MAE, last 24 hours").round(3)
"""),
        md(r"""
**On a cluster.** The same calls run on a Dask cluster: install the `scale`
extra (`pip install tsrnn[scale]`), connect a client in the calling process
and pass `backend="dask"`; nothing else changes.

```python
from distributed import Client

client = Client("scheduler-host:8786")   # or Client(LocalCluster())
models = fit_per_series(per_series, long, id_col="id", time_col="time",
                        backend="dask")
```

Without a connected client, `backend="dask"` raises an error that says how to
create one. Ray works the same way (`ray.util.joblib.register_ray()`, then
`backend="ray"`). We start no cluster here; `tests/test_parallel.py` does,
with a `distributed.LocalCluster` of 2 worker processes on 127.0.0.1, and
checks that its forecasts equal the sequential ones and that the tasks ran in
the workers' processes.

## 4. Distributed training: one job, many devices

When a *single* training job is too slow, split each batch across devices
(data parallelism through `tf.distribute`). Every replica holds a copy of the
weights, computes the gradients of its share of the global batch, and the
gradients are summed across replicas (all-reduce), so one step equals one
single-process step on the whole global batch.

* `RNNRegressor(distribute="mirrored")`: `MirroredStrategy`, every GPU of one
  machine (or the CPU when there is none). No other change.
* `RNNRegressor(distribute="multiworker")`: `MultiWorkerMirroredStrategy`, one
  process per machine; each process reads the cluster and its own role from
  the `TF_CONFIG` environment variable. A `Forecaster` wrapping such an
  estimator trains the same way.
* `tsrnn.nn.distributed.fit_distributed(build_model, make_data, ...)`: the same
  for your own Keras model and a streamed dataset (e.g. the
  `ParquetWindower` above, each worker reading its own files with
  `num_shards`/`shard_index`), with `keras.callbacks.BackupAndRestore`
  checkpoints in `backup_dir` so that a restarted job resumes.

This machine has no GPU, so `"mirrored"` gives one replica, the CPU: it runs
the distributed code path, but it splits nothing.
"""),
        code("""
X, y = tsrnn.make_windows(wide["HUFL"].to_numpy(), 48, 24, stride=8)
mirrored = RNNRegressor(units=16, epochs=EPOCHS, random_state=0,
                        distribute="mirrored").fit(X, y)
strategy = tsrnn.nn.distributed.make_strategy("mirrored")
print("replicas here:", strategy.num_replicas_in_sync)
print("training loss per epoch:", np.round(mirrored.history_["loss"], 3))
print("forecast shape:", mirrored.predict(X[-1:]).shape)
"""),
        md(r"""
The fitted estimator is an ordinary `RNNRegressor`: `predict`, `save` and
scikit-learn tools work as without `distribute`.

**Multi-worker.** Every worker runs the same script; only `TF_CONFIG`
differs: the list of workers (`host:port`) is the same everywhere, and
`task.index` says which one this process is (`0` is the chief, which writes the
checkpoints). For two machines:
"""),
        code("""
cluster = {"worker": ["host1:2222", "host2:2222"]}
for index in range(2):
    print(f"TF_CONFIG on host{index + 1}:",
          json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}}))
"""),
        md(r"""
`train.py` (not run here: it needs the other machine):

```python
from tsrnn import build_rnn, compile_model
from tsrnn.nn.distributed import fit_distributed
from tsrnn.data.parquet import ParquetWindower

windower = ParquetWindower(48, 24, target="value", id_col="id", time_col="time",
                           val_size=0.1, test_size=0.1).fit("/shared/panel/")


def data(num_shards, shard_index, batch_size):  # this worker's files
    return windower.dataset("train", batch_size=batch_size, shuffle=True, seed=0,
                            num_shards=num_shards, shard_index=shard_index)


model, history = fit_distributed(
    lambda: compile_model(build_rnn((48, 1), (24, 1), units=32, seed=0)),
    data,
    global_batch_size=512,
    strategy="multiworker",
    epochs=10,
    backup_dir="/shared/run-1/backup",  # storage every worker sees
)
```

Launch it on both machines, each with its own `TF_CONFIG`:

```bash
# host1 (the chief)
TF_CONFIG='{"cluster": {"worker": ["host1:2222", "host2:2222"]}, "task": {"type": "worker", "index": 0}}' python train.py
# host2
TF_CONFIG='{"cluster": {"worker": ["host1:2222", "host2:2222"]}, "task": {"type": "worker", "index": 1}}' python train.py
```

If a worker dies, the others stop with an `UnavailableError` within seconds
(TensorFlow's heartbeats); restart **every** worker with the same command (your
scheduler does this: Kubernetes, Slurm, ...) and they resume from the chief's
last checkpoint in `backup_dir`. That folder must therefore be on storage all
workers share.

**What is proven, and what was only simulated.** `tests/test_distributed.py`
starts **two worker processes on 127.0.0.1** (free ports, `TF_CONFIG`,
`MultiWorkerMirroredStrategy`, gRPC over TCP) that train a global model over
four ETTh1 series and end with the weights of single-process training on the
same global batches (tolerance 1e-3). It also kills one worker (SIGKILL) in the
middle of training: its peer fails, both are restarted, resume from the chief's
backup at the same epoch and again end with the single-process weights. That is
real multi-process training and a real crash and resume, **but on one
machine**: no real multi-machine cluster and no shared storage were tested (the
two workers share one local disk). A real cluster adds network latency,
separate file systems and failures the test does not simulate: network
partitions, slow nodes, a lost chief together with its storage. The
`"mirrored"` run above used one CPU replica; multi-GPU training was not
measured here.

## Summary

* **Data too large**: Parquet files + `ParquetWindower`; memory stays at a few
  files (1.36 GB peak at 1x and at 16x data in the benchmark); one file must
  fit in memory.
* **Many series**: one global `Forecaster(..., id_col=...)`, with one-hot
  identity from `series_covariates`; one `predict()` for all series.
* **Many independent fits**: `map_tasks` / `fit_per_series`, local processes
  by default, a Dask cluster with `backend="dask"`.
* **One slow training job**: `distribute="mirrored"` on one machine's GPUs,
  `"multiworker"` + `TF_CONFIG` across machines, `fit_distributed` for
  streamed data, with checkpoints on shared storage.
"""),
        code("""
import shutil

shutil.rmtree(folder)  # the temporary Parquet panel
"""),
    ]


def build():
    return python_notebook(scaling())


def main(argv=None) -> int:
    return write_notebook(NAME, build, argv, __doc__.splitlines()[0])


if __name__ == "__main__":
    raise SystemExit(main())
