"""Keras callbacks of the estimators' training loop: progress line and monitor."""

from __future__ import annotations

import math
import sys

import keras

__all__ = ["EpochProgress", "TrainingMonitor"]


class EpochProgress(keras.callbacks.Callback):
    """Progress of a fit on stderr: one line redrawn after every epoch.

    Keras's own bar redraws every batch and leaves a line per epoch; for the many
    short fits of a forecaster or a CLI run one line per fit reads better. When
    stderr is not a terminal (a log file, CI, a pipe), a carriage return would
    flatten the redraws into one long line, so a plain line is written instead
    at every tenth of the epochs and at the last.
    """

    def __init__(self, epochs: int, width: int = 24):
        super().__init__()
        self.epochs = epochs
        self.width = width
        self.redraw = _is_terminal(sys.stderr)
        self.every = max(1, math.ceil(epochs / 10))

    def on_epoch_end(self, epoch, logs=None):
        done = epoch + 1
        if not self.redraw and done % self.every and done != self.epochs:
            return
        filled = round(self.width * done / self.epochs)
        bar = "#" * filled + "." * (self.width - filled)
        losses = "  ".join(
            f"{key} {float(value):.4g}" for key, value in (logs or {}).items()
        )
        line = f"  epoch {done:>{len(str(self.epochs))}}/{self.epochs} [{bar}] {losses}"
        sys.stderr.write(f"\r{line}" if self.redraw else f"{line}\n")
        sys.stderr.flush()

    def on_train_end(self, logs=None):
        if self.redraw:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class TrainingMonitor(keras.callbacks.Callback):
    """Record losses, keep the last good and the best weights, stop on NaN.

    One callback does what ``History``, ``EarlyStopping`` and ``TerminateOnNaN``
    do separately, so that an interrupted fit can still restore the best
    weights (``EarlyStopping`` only restores them in ``on_train_end``, which a
    KeyboardInterrupt skips).
    """

    def __init__(self, *, early_stopping: bool, patience: int):
        super().__init__()
        self.early_stopping = early_stopping
        self.patience = patience
        self.history: dict[str, list[float]] = {}
        self.epochs_run = 0
        self.nan_epoch: int | None = None
        self.best_epoch: int | None = None
        self._best = math.inf
        self._wait = 0
        self._best_weights = None
        self._last_good_weights = None

    def on_train_begin(self, logs=None):
        self._last_good_weights = self.model.get_weights()

    def on_epoch_end(self, epoch, logs=None):
        logs = {key: float(value) for key, value in (logs or {}).items()}
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)
        self.epochs_run += 1
        if not all(math.isfinite(value) for value in logs.values()):
            self.nan_epoch = epoch
            self.model.set_weights(self._last_good_weights)
            self.model.stop_training = True
            return
        self._last_good_weights = self.model.get_weights()
        if not self.early_stopping:
            return
        if logs["val_loss"] < self._best:
            self._best = logs["val_loss"]
            self._best_weights = self._last_good_weights
            self.best_epoch = epoch
            self._wait = 0
        else:
            self._wait += 1
            if self._wait >= self.patience:
                self.model.stop_training = True

    def on_train_end(self, logs=None):
        self.restore_best()

    def restore_best(self):
        """Load the best validation weights (early stopping) or the last good ones."""
        weights = self._best_weights if self.early_stopping else None
        weights = weights if weights is not None else self._last_good_weights
        if weights is not None:
            self.model.set_weights(weights)
