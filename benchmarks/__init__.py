"""Benchmarks of tsrnn: code, not tests. Run them with ``python -m benchmarks``.

Each benchmark module registers one function that takes ``quick`` (a smaller
run, for smoke checks) and returns a markdown section with its tables::

    from benchmarks import register

    @register("windowing")
    def run(quick: bool) -> str:
        ...

and adds its module name to ``MODULES`` so that ``python -m benchmarks`` finds it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

__all__ = ["BENCHMARKS", "MODULES", "load", "register"]

# Modules under benchmarks/ whose import registers a benchmark.
MODULES = (
    "windowing",
    "order_sensitivity",
    "accuracy_etth1",
    "long_horizon",
    "accuracy_airline",
    "accuracy_classification",
    "training_speed",
    "latency",
    "memory",
    "outofcore_memory",
    "global_models",
    "accuracy_panels",
    "probabilistic_panels",
    "calibration_backtest",
    "anomaly_scores",
    "auto_fit_time",
    "sampling_speed",
)

# name -> run(quick) returning a markdown section.
BENCHMARKS: dict[str, Callable[[bool], str]] = {}


def register(name: str):
    """Decorator that adds ``run(quick) -> markdown`` to ``BENCHMARKS`` as ``name``."""

    def decorator(function: Callable[[bool], str]) -> Callable[[bool], str]:
        if name in BENCHMARKS and BENCHMARKS[name] is not function:
            raise ValueError(f"A benchmark named {name!r} is already registered.")
        BENCHMARKS[name] = function
        return function

    return decorator


def load() -> dict[str, Callable[[bool], str]]:
    """Import every module in ``MODULES`` and return the registry."""
    for module in MODULES:
        importlib.import_module(f"{__name__}.{module}")
    return BENCHMARKS
