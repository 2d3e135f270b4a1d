"""darts ``BlockRNNModel`` and neuralforecast ``LSTM`` on the windows of training_speed.

Not a benchmark itself: :mod:`benchmarks.training_speed` times these beside the
tsrnn paths in the same process. Both peers train an LSTM(64) encoder whose last
hidden state feeds one linear output (darts: ``hidden_fc_sizes=[]``;
neuralforecast: the direct LSTM, ``decoder_layers=1``), with Adam at 1e-3 and an
MSE loss, on windows of 48 steps of the target (feature 0) and the three other
features as past covariates, predicting the next value of the target: the same
windows as the tsrnn paths.

- darts draws every window of the series once per epoch, shuffled, in batches
  of 256 (its own ``fit(..., epochs=1)``, called again for each epoch).
- neuralforecast samples ``windows_batch_size=256`` windows per step from the
  series (its design: a step reads one series and draws windows from it); an
  "epoch" here is ``windows / 256`` steps, the same number of windows seen.

Timing: a PyTorch Lightning callback records the time between the start and the
end of each call's training loop, so the peers' per-call set-up (dataset objects, a new
Lightning ``Trainer``) is not counted against them; the tsrnn paths are timed
around the whole ``fit`` call.

:func:`unavailable` says why the peers cannot run (not installed), so that the
benchmark prints the reason instead of failing in an environment without them.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import time
import warnings

PEERS = ("darts", "neuralforecast")


def unavailable() -> str | None:
    """None when torch, darts and neuralforecast import; else the reason."""
    missing = [
        name for name in ("torch", *PEERS) if importlib.util.find_spec(name) is None
    ]
    if missing:
        return (
            f"{', '.join(missing)} not installed: pip install 'tsrnn[bench]' "
            "(or `make bench`, whose .venv-bench has them)"
        )
    return None


def _quiet():
    for name in (
        "pytorch_lightning",
        "lightning",
        "lightning.pytorch",
        "lightning_fabric",
        "darts",
        "neuralforecast",
    ):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="pytorch_lightning.*")
    warnings.filterwarnings("ignore", module="lightning.*")
    warnings.filterwarnings("ignore", module="darts.*")
    warnings.filterwarnings("ignore", module="neuralforecast.*")
    warnings.filterwarnings("ignore", category=UserWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)


def setup_torch(threads: int) -> str:
    """Set torch to ``threads`` threads (TensorFlow's count); its version line.

    Call before anything imports torch. OpenMP threads that wait by spinning
    (libgomp's default) collapse on a machine shared with other jobs: one
    LSTM(64) training step at batch 256 took 1 to 4 s with two spinning
    threads against 0.04 to 0.1 s with ``OMP_WAIT_POLICY=PASSIVE`` (measured
    here, load average 8 on 2 cores), so the peers get passive waiting, as
    TensorFlow's own thread pool does.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import torch

    _quiet()
    torch.set_num_threads(threads)
    import darts
    import neuralforecast

    return (
        f"torch {torch.__version__} ({torch.get_num_threads()} threads), "
        f"darts {darts.__version__}, neuralforecast {neuralforecast.__version__}"
    )


def _epoch_timer():
    import pytorch_lightning as pl

    class TrainTimer(pl.Callback):
        """Seconds from the start to the end of each fit's training loop."""

        def __init__(self):
            self.seconds = []
            self._start = None

        def on_train_start(self, trainer, module):
            self._start = time.perf_counter()

        def on_train_end(self, trainer, module):
            self.seconds.append(time.perf_counter() - self._start)

    return TrainTimer()


def _trainer_kwargs(callbacks):
    return {
        "accelerator": "cpu",
        "devices": 1,
        "enable_progress_bar": False,
        "enable_model_summary": False,
        "enable_checkpointing": False,
        "logger": False,
        "callbacks": callbacks,
    }


# ------------------------------------------------------------------- darts


def _darts_series(series, stop):
    import numpy as np
    from darts import TimeSeries

    target = TimeSeries.from_values(np.ascontiguousarray(series[:stop, :1]))
    covariates = TimeSeries.from_values(np.ascontiguousarray(series[:stop, 1:]))
    return target, covariates


def _darts_model(width, units, batch_size, seed, epochs, timer):
    import torch
    from darts.models import BlockRNNModel

    return BlockRNNModel(
        input_chunk_length=width,
        output_chunk_length=1,
        model="LSTM",
        hidden_dim=units,
        n_rnn_layers=1,
        hidden_fc_sizes=[],
        dropout=0.0,
        batch_size=batch_size,
        n_epochs=epochs,
        loss_fn=torch.nn.MSELoss(),
        optimizer_kwargs={"lr": 1e-3},
        random_state=seed,
        pl_trainer_kwargs=_trainer_kwargs([timer]),
    )


def darts_epoch(series, *, width, units, batch_size, seed):
    """An epoch function of darts' BlockRNNModel; its ``timer`` holds epoch times."""
    timer = _epoch_timer()
    model = _darts_model(width, units, batch_size, seed, 1, timer)
    target, covariates = _darts_series(series, len(series))

    def epoch():
        model.fit(target, past_covariates=covariates, epochs=1, verbose=False)
        return timer.seconds[-1]

    return epoch


def darts_validation_mse(series, *, width, units, batch_size, seed, epochs, stop):
    """Train ``epochs`` epochs on rows ``[0, stop)``; MSE on every later target."""
    import numpy as np

    timer = _epoch_timer()
    model = _darts_model(width, units, batch_size, seed, epochs, timer)
    target, covariates = _darts_series(series, stop)
    model.fit(target, past_covariates=covariates, verbose=False)
    full_target, full_covariates = _darts_series(series, len(series))
    forecasts = model.historical_forecasts(
        full_target,
        past_covariates=full_covariates,
        start=stop,
        start_format="position",
        forecast_horizon=1,
        stride=1,
        retrain=False,
        last_points_only=True,
        verbose=False,
    )
    predicted = forecasts.values()[:, 0]
    actual = series[stop:, 0]
    return float(np.mean((predicted - actual) ** 2))


# ---------------------------------------------------------- neuralforecast


def _nf_frame(series, stop):
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame(
        {
            "unique_id": "s",
            "ds": np.arange(stop),
            "y": series[:stop, 0],
        }
    )
    for k in range(1, series.shape[1]):
        frame[f"x{k}"] = series[:stop, k]
    return frame


def _nf_model(series, width, units, batch_size, seed, steps, timer):
    from neuralforecast.losses.pytorch import MSE
    from neuralforecast.models import LSTM

    return LSTM(
        h=1,
        input_size=width,
        inference_input_size=width,
        encoder_n_layers=1,
        encoder_hidden_size=units,
        decoder_layers=1,
        hist_exog_list=[f"x{k}" for k in range(1, series.shape[1])],
        loss=MSE(),
        learning_rate=1e-3,
        max_steps=steps,
        val_check_steps=steps + 1,
        batch_size=1,
        windows_batch_size=batch_size,
        inference_windows_batch_size=1024,
        scaler_type="identity",
        random_seed=seed,
        **_trainer_kwargs([timer]),
    )


def nf_epoch(series, *, width, units, batch_size, seed):
    """An epoch function of neuralforecast's LSTM: ``windows / batch_size`` steps."""
    from neuralforecast import NeuralForecast

    steps = (len(series) - width) // batch_size
    timer = _epoch_timer()
    model = _nf_model(series, width, units, batch_size, seed, steps, timer)
    forecast = NeuralForecast(models=[model], freq=1)
    # The first fit builds the dataset and trains once; every later call trains
    # the same network for another ``steps`` steps on the same dataset.
    forecast.fit(_nf_frame(series, len(series)))
    dataset = forecast.dataset
    fitted = forecast.models[0]
    # NeuralForecast.fit trains a deep copy of the model: read its own timer.
    timer = fitted.trainer_kwargs["callbacks"][0]

    def epoch():
        fitted.fit(dataset)
        return timer.seconds[-1]

    return epoch


def nf_validation_mse(series, *, width, units, batch_size, seed, epochs, stop):
    """Train ``epochs`` x (windows / batch) steps on rows ``[0, stop)``; MSE after.

    neuralforecast's ``cross_validation(refit=False)`` trains once on the rows
    before the last ``len(series) - stop`` targets and predicts each of them
    from its own window.
    """
    import numpy as np
    from neuralforecast import NeuralForecast

    steps = epochs * ((stop - width) // batch_size)
    model = _nf_model(series, width, units, batch_size, seed, steps, _epoch_timer())
    forecast = NeuralForecast(models=[model], freq=1)
    cv = forecast.cross_validation(
        _nf_frame(series, len(series)),
        n_windows=len(series) - stop,
        step_size=1,
        refit=False,
    )
    return float(np.mean((cv["LSTM"].to_numpy() - cv["y"].to_numpy()) ** 2))
