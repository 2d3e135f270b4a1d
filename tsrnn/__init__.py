"""tsrnn: time-series forecasting and sequence classification with recurrent networks.

Importing tsrnn is fast: TensorFlow and Keras load only when a model-level name
is first used. The public API is what ``__all__`` lists.
"""

from __future__ import annotations

import importlib

from .windows import make_windows, n_windows, window_span, window_starts

__version__ = "0.1.0"

# Public names that live in modules importing heavier dependencies, loaded on
# first access (PEP 562) so that `import tsrnn` stays light.
_LAZY = {
    # numpy / pandas layer
    "pad_sequences": "sequences",
    "Windower": "frames",
    "WindowSet": "frames",
    # tf.data layer
    "make_dataset": "data",
    # Keras model builders
    "build_rnn": "models",
    "build_dense": "models",
    "build_seq2seq": "models",
    "build_segrnn": "models",
    "compile_model": "models",
    "recursive_predict": "models",
    # baselines and order sensitivity
    "naive_forecast": "baselines",
    "seasonal_naive_forecast": "baselines",
    "window_mean_forecast": "baselines",
    "infer_period": "baselines",
    "order_sensitivity": "order",
    # scikit-learn estimators
    "RNNRegressor": "estimators",
    "RNNClassifier": "estimators",
    "DenseRegressor": "estimators",
    "DenseClassifier": "estimators",
    # forecasting API
    "Forecaster": "forecasting",
    "backtest": "backtesting",
    "grid_search": "backtesting",
    "BacktestResult": "backtesting",
    "Log": "transforms",
    "Difference": "transforms",
    "Scale": "transforms",
    "mae": "metrics",
    "rmse": "metrics",
    "mape": "metrics",
    "smape": "metrics",
    "mase": "metrics",
    "interval_coverage": "metrics",
    # scaling past one process
    "ParquetWindower": "outofcore",
    "fit_distributed": "distributed",
    "make_strategy": "distributed",
    "map_tasks": "parallel",
    "fit_per_series": "parallel",
    "series_covariates": "identity",
    # plots
    "plot_forecast": "plotting",
    "plot_backtest": "plotting",
    "plot_history": "plotting",
    "plot_windows": "plotting",
}

__all__ = [
    "__version__",
    "make_windows",
    "n_windows",
    "window_span",
    "window_starts",
    *_LAZY,
]


# Submodules reachable as attributes (`tsrnn.datasets.load_airline()`) without an
# explicit import.
_SUBMODULES = ("datasets", "metrics", "plotting")


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"tsrnn.{name}")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tsrnn' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"tsrnn.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)
