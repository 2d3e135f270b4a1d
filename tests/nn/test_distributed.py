"""Data-parallel training: two real worker processes on localhost with TF_CONFIG."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

from tsrnn import Windower, build_rnn, compile_model
from tsrnn.nn.distributed import fit_distributed, make_strategy

GLOBAL_BATCH = 32
EPOCHS = 6
TIMEOUT = 240  # seconds for a whole two-worker job on a loaded 2-core machine

# Each worker runs this file: the data and the model come from the test folder.
WORKER = """
import json, os, sys, time
import numpy as np, tensorflow as tf, keras
from tsrnn import build_rnn, compile_model
from tsrnn.nn.distributed import fit_distributed, worker_index

folder = sys.argv[1]
X, y = np.load(f"{folder}/X.npy"), np.load(f"{folder}/y.npy")

def build():
    return compile_model(build_rnn(X.shape[1:], y.shape[1:], units=4, seed=0),
                         jit_compile=False)

def data(num_shards, shard_index, batch_size):
    windows = tf.data.Dataset.from_tensor_slices((X, y))
    return windows.shard(num_shards, shard_index).batch(batch_size)

class Progress(keras.callbacks.Callback):
    # Paces epochs (so that the test can kill a worker mid-training) and logs them.
    def on_epoch_end(self, epoch, logs=None):
        with open(f"{folder}/epochs-{worker_index()}.log", "a") as f:
            f.write(f"{epoch}\\n")
        time.sleep(float(os.environ.get("EPOCH_PAUSE", "0")))

model, history = fit_distributed(build, data, global_batch_size=%(batch)d,
    strategy="multiworker", epochs=%(epochs)d, backup_dir=f"{folder}/backup",
    callbacks=[Progress()])
np.savez(f"{folder}/weights-{worker_index()}.npz", *model.get_weights())
with open(f"{folder}/history-{worker_index()}.json", "w") as f:
    json.dump({"epochs": history.epoch}, f)
"""


@pytest.fixture(scope="module")
def windows(tmp_path_factory, etth1_dir) -> Path:
    """Real data: windows of four ETTh1 series (per-series scaling), on disk."""
    from sklearn.preprocessing import StandardScaler

    raw = pd.read_csv(etth1_dir / "ETTh1.csv", parse_dates=["date"], nrows=400)
    frame = pd.concat(
        [
            pd.DataFrame({"id": column, "time": raw["date"], "value": raw[column]})
            for column in ("OT", "HUFL", "MUFL", "LUFL")
        ],
        ignore_index=True,
    )
    sets = Windower(
        16,
        2,
        stride=3,
        id_col="id",
        time_col="time",
        scaler=StandardScaler(),
        scale_by="series",
    ).fit_split(frame)
    X, y = sets["train"].X, sets["train"].y
    n = len(X) // GLOBAL_BATCH * GLOBAL_BATCH  # equal batches on every replica
    folder = tmp_path_factory.mktemp("distributed")
    np.save(folder / "X.npy", X[:n])
    np.save(folder / "y.npy", y[:n])
    (folder / "worker.py").write_text(
        WORKER % {"batch": GLOBAL_BATCH, "epochs": EPOCHS}
    )
    return folder


# The same job through the estimator's `distribute` parameter.
ESTIMATOR_WORKER = """
import sys
import numpy as np
from tsrnn import RNNRegressor
from tsrnn.nn.distributed import worker_index

folder = sys.argv[1]
X, y = np.load(f"{folder}/X.npy"), np.load(f"{folder}/y.npy")
model = RNNRegressor(units=4, epochs=%(epochs)d, batch_size=%(batch)d,
    jit_compile=False, random_state=0, distribute="multiworker").fit(X, y)
np.save(f"{folder}/predictions-{worker_index()}.npy", model.predict(X))
np.save(f"{folder}/loss-{worker_index()}.npy", np.array(model.history_["loss"]))
"""


@pytest.fixture(scope="module")
def estimator_job(windows, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("distributed-estimator")
    for name in ("X.npy", "y.npy"):
        shutil.copy(windows / name, folder / name)
    (folder / "worker.py").write_text(
        ESTIMATOR_WORKER % {"batch": GLOBAL_BATCH, "epochs": EPOCHS}
    )
    return folder


def fresh(folder: Path) -> None:
    """Remove what an earlier job left: logs, weights, histories, backups."""
    for stale in folder.glob("*-*.*"):
        stale.unlink()
    shutil.rmtree(folder / "backup", ignore_errors=True)


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def start_workers(folder: Path, ports, env_extra=None, only=None):
    workers = [f"127.0.0.1:{port}" for port in ports]
    processes = {}
    for index in range(len(workers)) if only is None else only:
        env = {
            **os.environ,
            "TF_CONFIG": json.dumps(
                {
                    "cluster": {"worker": workers},
                    "task": {"type": "worker", "index": index},
                }
            ),
            "CUDA_VISIBLE_DEVICES": "",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            **(env_extra or {}),
        }
        # Output goes to a file: a full pipe would block the worker.
        with open(folder / f"output-{index}.log", "ab") as log:
            processes[index] = subprocess.Popen(
                [sys.executable, str(folder / "worker.py"), str(folder)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        processes[index].log = folder / f"output-{index}.log"
    return processes


def stop(processes) -> None:
    for process in processes.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def wait_all(processes, deadline: float) -> dict:
    codes = {}
    for index, process in processes.items():
        try:
            process.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pytest.fail(f"worker {index} did not finish in {TIMEOUT} s")
        codes[index] = process.returncode
    return codes


def output(process) -> str:
    return process.log.read_text(errors="replace")[-3000:]


def single_process_weights(folder: Path) -> list:
    X, y = np.load(folder / "X.npy"), np.load(folder / "y.npy")

    def data(num_shards, shard_index, batch_size):
        windows = tf.data.Dataset.from_tensor_slices((X, y))
        return windows.shard(num_shards, shard_index).batch(batch_size)

    model, _ = fit_distributed(
        lambda: compile_model(
            build_rnn(X.shape[1:], y.shape[1:], units=4, seed=0), jit_compile=False
        ),
        data,
        global_batch_size=GLOBAL_BATCH,
        epochs=EPOCHS,
    )
    return model.get_weights()


def loaded(path: Path) -> list:
    with np.load(path) as archive:
        return [archive[f"arr_{k}"] for k in range(len(archive.files))]


@pytest.mark.slow
def test_two_localhost_workers_train_the_single_process_model(windows):
    fresh(windows)
    processes = start_workers(windows, free_ports(2))
    try:
        codes = wait_all(processes, time.monotonic() + TIMEOUT)
        assert codes == {0: 0, 1: 0}, {i: output(p) for i, p in processes.items()}
    finally:
        stop(processes)
    reference = single_process_weights(windows)
    chief, other = loaded(windows / "weights-0.npz"), loaded(windows / "weights-1.npz")
    for a, b, ref in zip(chief, other, reference, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)  # replicas agree
        np.testing.assert_allclose(a, ref, rtol=1e-3, atol=1e-4)
    # The model trained: its weights moved away from the seeded start.
    X = np.load(windows / "X.npy")
    start = build_rnn(X.shape[1:], (2, 1), units=4, seed=0).get_weights()
    assert max(np.abs(a - s).max() for a, s in zip(chief, start, strict=True)) > 1e-3


@pytest.mark.slow
def test_two_localhost_workers_fit_one_estimator_with_distribute_multiworker(
    estimator_job,
):
    fresh(estimator_job)
    processes = start_workers(estimator_job, free_ports(2))
    try:
        codes = wait_all(processes, time.monotonic() + TIMEOUT)
        assert codes == {0: 0, 1: 0}, {i: output(p) for i, p in processes.items()}
    finally:
        stop(processes)
    chief = np.load(estimator_job / "predictions-0.npy")
    other = np.load(estimator_job / "predictions-1.npy")
    np.testing.assert_allclose(chief, other, rtol=0, atol=1e-6)  # one model
    loss = np.load(estimator_job / "loss-0.npy")
    assert len(loss) == EPOCHS and loss[-1] < loss[0]


@pytest.mark.slow
def test_a_killed_worker_is_restarted_and_the_job_resumes_from_its_backup(windows):
    fresh(windows)
    ports = free_ports(2)
    pause = {"EPOCH_PAUSE": "1.0"}
    processes = start_workers(windows, ports, pause)
    restarted = {}
    try:
        log = windows / "epochs-1.log"
        deadline = time.monotonic() + TIMEOUT
        # Kill worker 1 once two epochs are backed up.
        while not (log.exists() and len(log.read_text().split()) >= 2):
            assert time.monotonic() < deadline, output(processes[1])
            assert processes[1].poll() is None, output(processes[1])
            time.sleep(0.2)
        os.killpg(processes[1].pid, signal.SIGKILL)
        processes[1].wait(timeout=30)
        # The surviving worker cannot finish alone: its collectives fail (or
        # hang); a cluster manager would restart it, as we do here.
        try:
            processes[0].wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(processes[0].pid, signal.SIGKILL)
            processes[0].wait(timeout=30)
        assert (windows / "backup" / "training_metadata.json").exists()
        restarted = start_workers(windows, ports)
        codes = wait_all(restarted, time.monotonic() + TIMEOUT)
        assert codes == {0: 0, 1: 0}, {i: output(p) for i, p in restarted.items()}
    finally:
        stop(processes)
        stop(restarted)
    histories = [
        json.loads((windows / f"history-{index}.json").read_text())["epochs"]
        for index in (0, 1)
    ]
    # Both restarted workers began after the backed-up epochs, at the same one,
    # and ran to the end.
    assert histories[0] == histories[1]
    assert histories[0][0] >= 1
    assert histories[0][-1] == EPOCHS - 1
    # Resuming from the backup (weights and optimizer state) ends where an
    # uninterrupted run ends.
    chief = loaded(windows / "weights-0.npz")
    for a, ref in zip(chief, single_process_weights(windows), strict=True):
        np.testing.assert_allclose(a, ref, rtol=1e-3, atol=1e-4)
    # Training completed: the chief deleted the backup.
    assert not (windows / "backup").exists()


def test_make_strategy_raises_ValueError_without_TF_CONFIG(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(ValueError, match=r"`TF_CONFIG` must be set"):
        make_strategy("multiworker")


def test_make_strategy_raises_ValueError_for_an_unknown_name():
    with pytest.raises(ValueError, match=r"`strategy` must be None, 'mirrored'"):
        make_strategy("ring")


def test_fit_distributed_raises_TypeError_for_an_uncompiled_model():
    with pytest.raises(TypeError, match=r"`build_model` must return a compiled"):
        fit_distributed(
            lambda: build_rnn((4, 1), 1, units=2, seed=0),
            lambda *args: None,
            global_batch_size=4,
        )
