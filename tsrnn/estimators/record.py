"""The layout of the data an estimator was fitted on, read back at predict."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class FitRecord:
    """What ``fit`` learned about the shapes of ``X``, ``y`` and ``X_future``.

    Built once per fit, after every input is checked, and stored as the
    estimator's ``_fit_record``; ``predict`` holds new input to it.

    Parameters
    ----------
    ndim : int
        2 for ``X`` of shape (n, timesteps) (univariate sequences), 3 for (n,
        timesteps, n_features) and for a list of sequences.
    masked : bool
        ``X`` was a list of sequences of unequal lengths, padded and masked.
    steps : int or None
        Timesteps of ``X``; None when masked (any length).
    y_shape : tuple of int or None, default=None
        ``y.shape[1:]``, the shape of one prediction (regressors); None for
        classifiers.
    n_future : int or None, default=None
        Features per step of ``X_future`` for an encoder-decoder (0 without
        it); None for every other network.

    Examples
    --------
    >>> FitRecord(ndim=3, masked=False, steps=12, y_shape=(4, 1), n_future=0)
    FitRecord(ndim=3, masked=False, steps=12, y_shape=(4, 1), n_future=0)
    """

    ndim: int
    masked: bool
    steps: int | None
    y_shape: tuple | None = None
    n_future: int | None = None

    @classmethod
    def from_dict(cls, values: dict) -> FitRecord:
        """A record from a dict of its fields, such as the ``_fit_info`` dicts
        that estimators saved or pickled before the record existed (missing
        fields take their defaults)."""
        names = {item.name for item in fields(cls)}
        return cls(**{key: value for key, value in values.items() if key in names})
