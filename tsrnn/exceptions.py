"""Warnings and errors specific to tsrnn; narrow subclasses so users can filter them."""

from __future__ import annotations


class TsrnnWarning(UserWarning):
    """Base class of every warning tsrnn emits."""


class DataWarning(TsrnnWarning):
    """Input data was accepted but something about it deserves attention."""


class TrainingWarning(TsrnnWarning):
    """Training finished, but not as asked (stopped early, interrupted, ...)."""


class TrainingError(RuntimeError):
    """Training could not continue (a NaN loss, for example)."""
