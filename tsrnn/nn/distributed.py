"""Data-parallel training through ``tf.distribute``, resumable after a crash.

tsrnn does not run its own cluster: it hands a Keras model and a ``tf.data``
input function to a TensorFlow strategy.

* ``strategy="mirrored"``: :class:`tf.distribute.MirroredStrategy`, every
  GPU (or the CPU) of one machine;
* ``strategy="multiworker"``: :class:`tf.distribute.MultiWorkerMirroredStrategy`,
  one process per machine, each started with the same script and a
  ``TF_CONFIG`` environment variable naming the cluster and its own task;
* ``strategy=None``: the default (single-device) strategy, for reference runs.

Each global batch is split into equal per-replica batches; gradients are
all-reduced, so a step equals a single-process step on the whole global batch.
Checkpoints of :class:`keras.callbacks.BackupAndRestore`, one folder per
worker, let a restarted job resume at the last finished epoch.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import keras
import tensorflow as tf

from tsrnn.core.validation import check_int

__all__ = [
    "distribution_strategy",
    "fit_distributed",
    "make_strategy",
    "worker_index",
]

_STRATEGIES = ("mirrored", "multiworker")


def make_strategy(strategy=None) -> tf.distribute.Strategy:
    """The ``tf.distribute`` strategy named by ``strategy``.

    Parameters
    ----------
    strategy : {None, "mirrored", "multiworker"} or tf.distribute.Strategy
        ``None`` gives the default strategy; an instance is returned as is.

    Returns
    -------
    tf.distribute.Strategy

    Examples
    --------
    >>> make_strategy(None).num_replicas_in_sync
    1
    """
    if strategy is None:
        return tf.distribute.get_strategy()
    if isinstance(strategy, tf.distribute.Strategy):
        return strategy
    if strategy == "mirrored":
        return tf.distribute.MirroredStrategy()
    if strategy == "multiworker":
        _check_tf_config()
        return tf.distribute.MultiWorkerMirroredStrategy()
    raise ValueError(
        f"`strategy` must be None, {' or '.join(map(repr, _STRATEGIES))} or a "
        f"tf.distribute.Strategy. Got strategy={strategy!r}."
    )


_SHARED: dict[str, tf.distribute.Strategy] = {}


def distribution_strategy(name: str) -> tf.distribute.Strategy:
    """The process-wide strategy for ``name``, made once and reused.

    TensorFlow configures its collective ops when a MultiWorkerMirroredStrategy
    is made and refuses a second one in the same process, so estimators fitted
    with ``distribute=...`` share one strategy per name. Keras's reductions
    are patched as in :func:`fit_distributed`.

    >>> distribution_strategy("mirrored") is distribution_strategy("mirrored")
    True
    """
    if name not in _SHARED:
        _SHARED[name] = _reduce_nests(make_strategy(name))
    return _SHARED[name]


def _check_tf_config() -> dict:
    raw = os.environ.get("TF_CONFIG")
    if raw is None:
        raise ValueError(
            "`TF_CONFIG` must be set for strategy='multiworker'. Got no TF_CONFIG "
            'environment variable. Set it on each worker, e.g. TF_CONFIG=\'{"cluster":'
            ' {"worker": ["host1:2222", "host2:2222"]}, "task": {"type": "worker", '
            '"index": 0}}\'.'
        )
    try:
        config = json.loads(raw)
        workers = config["cluster"]["worker"]
        index = config["task"]["index"]
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(
            "`TF_CONFIG` must be JSON with cluster.worker (a list of host:port) and "
            f"task.index. Got TF_CONFIG={raw!r}."
        ) from error
    if not isinstance(index, int) or not 0 <= index < len(workers):
        raise ValueError(
            f"`TF_CONFIG` task.index must lie in [0, {len(workers)}). Got "
            f"index={index!r}."
        )
    return config


def _reduce_nests(strategy):
    """Let ``strategy.reduce`` take nested values, one reduction per tensor.

    Keras 3 (3.15) has two bugs with MultiWorkerMirroredStrategy
    (keras-team/keras#20585, tensorflow/tensorflow#72388): it reduces a whole
    ``(X, y)`` batch with one ``strategy.reduce`` call before the first step,
    which the strategy refuses ("Attempt to convert a value (PerReplica...)"),
    and it averages the scalar loss of each step with ``axis=0``, which a
    scalar has not. Reducing each tensor on its own, and a scalar across
    replicas only, is what those calls mean. Only this strategy object is
    changed, once.
    """
    if not isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy) or (
        getattr(strategy, "_tsrnn_nested_reduce", False)
    ):
        return strategy
    reduce = strategy.reduce

    def one(reduce_op, value, axis):
        if axis is not None:
            local = strategy.experimental_local_results(value)[0]
            if local.shape.rank == 0:
                axis = None
        return reduce(reduce_op, value, axis=axis)

    def nested(reduce_op, value, axis=None):
        return tf.nest.map_structure(lambda v: one(reduce_op, v, axis), value)

    strategy.reduce = nested
    strategy._tsrnn_nested_reduce = True
    return strategy


class _ChiefBackup(keras.callbacks.BackupAndRestore):
    """BackupAndRestore written by the chief only and read by every worker.

    The replicas hold the same weights, so one checkpoint serves all. Were each
    worker to keep its own, a worker killed between two saves would resume an
    epoch behind the others, and their collectives would no longer match.
    Two copies (``double_checkpoint``) survive a crash in the middle of a save.
    """

    def __init__(self, backup_dir: str, is_chief: bool):
        super().__init__(backup_dir, double_checkpoint=True, delete_checkpoint=is_chief)
        self._is_chief = is_chief

    def _save_model(self):
        if self._is_chief:
            super()._save_model()


def worker_index() -> int:
    """This process's task index in ``TF_CONFIG`` (0 without one: the chief).

    >>> import os; "TF_CONFIG" in os.environ or worker_index() == 0
    True
    """
    raw = os.environ.get("TF_CONFIG")
    return 0 if raw is None else int(_check_tf_config()["task"]["index"])


def fit_distributed(
    build_model,
    make_data,
    *,
    global_batch_size,
    strategy=None,
    epochs=1,
    backup_dir=None,
    callbacks=None,
    verbose=0,
):
    """Build, then train a Keras model under a ``tf.distribute`` strategy.

    Parameters
    ----------
    build_model : callable () -> keras.Model
        Returns a compiled model. Called inside ``strategy.scope()`` so that
        the variables are mirrored; seed it (``build_rnn(..., seed=0)``) so
        every worker builds the same model.
    make_data : callable (num_shards, shard_index, batch_size) -> tf.data.Dataset
        Returns this input pipeline's part of the training data in batches of
        ``batch_size`` (the per-replica batch). Shard by window
        (``Dataset.shard`` before ``batch``) for results equal to one process
        on ``global_batch_size``, or by file
        (:meth:`tsrnn.data.parquet.ParquetWindower.dataset` with ``num_shards``)
        when each worker should read only its own files. Every pipeline must
        yield the same number of batches.
    global_batch_size : int
        Windows per step over all replicas; a multiple of the replica count.
    strategy : {None, "mirrored", "multiworker"} or tf.distribute.Strategy
        See :func:`make_strategy`.
    epochs : int, default=1
    backup_dir : str or Path, optional
        Folder for :class:`keras.callbacks.BackupAndRestore` checkpoints,
        written by the chief (worker 0) after each epoch and read by every
        worker, so it must be on storage all workers share (NFS, GCS, ...).
        A job restarted with the same ``backup_dir`` resumes, on every worker,
        at the last epoch the chief saved; the checkpoints are deleted when
        training completes.
    callbacks : list of keras.callbacks.Callback, optional
    verbose : int, default=0

    Returns
    -------
    model : keras.Model
    history : keras.callbacks.History
        ``history.epoch`` lists the epochs this run trained (fewer after a
        resume).

    Examples
    --------
    >>> import numpy as np, tensorflow as tf
    >>> from tsrnn import build_rnn, compile_model, make_windows
    >>> X, y = make_windows(np.sin(np.arange(64.0) / 4), 8, 1)
    >>> def data(num_shards, shard_index, batch_size):
    ...     windows = tf.data.Dataset.from_tensor_slices((X[:48], y[:48]))
    ...     return windows.shard(num_shards, shard_index).batch(batch_size)
    >>> model, history = fit_distributed(
    ...     lambda: compile_model(build_rnn((8, 1), 1, units=4, seed=0)),
    ...     data, global_batch_size=16, epochs=2)
    >>> history.epoch
    [0, 1]
    """
    global_batch_size = check_int("global_batch_size", global_batch_size)
    epochs = check_int("epochs", epochs)
    if not callable(build_model) or not callable(make_data):
        name, value = (
            ("build_model", build_model)
            if not callable(build_model)
            else ("make_data", make_data)
        )
        raise TypeError(f"`{name}` must be callable. Got {name}={value!r}.")
    strategy = _reduce_nests(make_strategy(strategy))
    replicas = strategy.num_replicas_in_sync
    if global_batch_size % replicas:
        raise ValueError(
            f"`global_batch_size` must be a multiple of the {replicas} replicas. "
            f"Got global_batch_size={global_batch_size}."
        )

    def input_fn(context: tf.distribute.InputContext):
        dataset = make_data(
            context.num_input_pipelines,
            context.input_pipeline_id,
            context.get_per_replica_batch_size(global_batch_size),
        )
        if not isinstance(dataset, tf.data.Dataset):
            raise TypeError(
                "`make_data` must return a tf.data.Dataset. Got "
                f"{type(dataset).__name__}."
            )
        return dataset

    with strategy.scope():
        model = build_model()
        if (
            not isinstance(model, keras.Model)
            or getattr(model, "optimizer", None) is None
        ):
            raise TypeError(
                "`build_model` must return a compiled keras.Model. Got "
                f"{type(model).__name__}. Call model.compile(...) or "
                "tsrnn.compile_model(model) inside build_model."
            )
    data = strategy.distribute_datasets_from_function(input_fn)
    callbacks = list(callbacks or [])
    if backup_dir is not None:
        callbacks.append(_ChiefBackup(str(Path(backup_dir)), worker_index() == 0))
    history = model.fit(
        data, epochs=epochs, callbacks=callbacks, verbose=verbose, shuffle=False
    )
    return model, history
