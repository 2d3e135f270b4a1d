"""tsrnn: time-series forecasting and sequence classification with recurrent networks.

Importing tsrnn is fast: TensorFlow and Keras load only when a model-level name
is first used. The public API is what ``__all__`` lists.
"""

from __future__ import annotations

import importlib

from tsrnn.data.windows import make_windows, n_windows, window_span, window_starts

__version__ = "0.1.0"

# Public names that live in modules importing heavier dependencies, loaded on
# first access (PEP 562) so that `import tsrnn` stays light.
_LAZY = {
    # numpy / pandas layer
    "pad_sequences": "data.sequences",
    "Windower": "data.windower",
    "WindowSet": "data.windowset",
    # tf.data layer
    "make_dataset": "data.tfdata",
    # Keras model builders
    "build_rnn": "nn.builders",
    "build_dense": "nn.builders",
    "build_seq2seq": "nn.builders",
    "build_segrnn": "nn.builders",
    "build_rnn_fcn": "nn.fcn",
    "compile_model": "nn.compile",
    "recursive_predict": "nn.recursive",
    # baselines and order sensitivity
    "naive_forecast": "evaluation.baselines",
    "seasonal_naive_forecast": "evaluation.baselines",
    "window_mean_forecast": "evaluation.baselines",
    "infer_period": "evaluation.baselines",
    "order_sensitivity": "order",
    # scikit-learn estimators
    "RNNRegressor": "estimators.regressors",
    "RNNClassifier": "estimators.classifiers",
    "DenseRegressor": "estimators.regressors",
    "DenseClassifier": "estimators.classifiers",
    # forecasting API
    "Forecaster": "forecasting.forecaster",
    "AutoForecaster": "forecasting.auto",
    "backtest": "forecasting.backtesting",
    "grid_search": "forecasting.backtesting",
    "BacktestResult": "forecasting.backtesting",
    "TimeSeriesFold": "forecasting.folds",
    "Log": "forecasting.transforms",
    "Difference": "forecasting.transforms",
    "Scale": "forecasting.transforms",
    "mae": "evaluation.metrics",
    "rmse": "evaluation.metrics",
    "mape": "evaluation.metrics",
    "smape": "evaluation.metrics",
    "mase": "evaluation.metrics",
    "interval_coverage": "evaluation.metrics",
    "pinball_loss": "evaluation.metrics",
    "weighted_quantile_loss": "evaluation.metrics",
    "crps_from_samples": "evaluation.metrics",
    "crps_from_quantiles": "evaluation.metrics",
    "msis": "evaluation.metrics",
    "mean_interval_width": "evaluation.metrics",
    # scaling past one process
    "ParquetWindower": "data.parquet",
    "fit_distributed": "nn.distributed",
    "make_strategy": "nn.distributed",
    "map_tasks": "forecasting.parallel",
    "fit_per_series": "forecasting.parallel",
    "series_covariates": "data.identity",
    # plots
    "plot_forecast": "plotting",
    "plot_backtest": "plotting",
    "plot_history": "plotting",
    "plot_windows": "plotting",
    "plot_fan": "plotting",
    "plot_paths": "plotting",
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
_SUBMODULES = {
    "datasets": "datasets",
    "metrics": "evaluation.metrics",
    "plotting": "plotting",
}


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"tsrnn.{_SUBMODULES[name]}")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tsrnn' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"tsrnn.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)
