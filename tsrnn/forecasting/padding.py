"""Forecasts for series shorter than the input window: padded and masked windows.

A global model over a real panel meets series too short for a full input
window. Such a series gives no training window, but it still gets a forecast
from what it has: :func:`left_pad` lengthens its rows to ``input_width`` by
repeating its first row at the earlier timestamps of the grid, the windower
scales them like any window, and :func:`short_sequences` cuts the padding off
again, so the estimator receives the real rows only. An estimator that
declares ``short_inputs`` (``RNNRegressor``) pads and masks them: the
recurrent state carries over the padding unchanged, so the forecast is the
network's reading of the real rows alone (see
:meth:`tsrnn.RNNRegressor.predict`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

__all__ = ["left_pad", "short_sequences"]


def left_pad(panel, width: int):
    """Every series of ``panel`` lengthened to ``width`` rows; the pad sizes.

    The added rows repeat a series' first row at the timestamps before it (on
    the panel's frequency), so scalers and calendar features see ordinary
    values; they are cut off again by :func:`short_sequences`.
    """
    lengths = np.diff(panel.bounds)
    pads = np.maximum(width - lengths, 0)
    blocks, stamps = [], []
    for k, pad in enumerate(pads.tolist()):
        rows = panel.series(k)
        first = panel.data[rows.start]
        blocks.append(
            np.vstack([np.repeat(first[None], pad, axis=0), panel.data[rows]])
        )
        before = pd.date_range(
            end=pd.Timestamp(panel.times[rows.start]), periods=pad + 1, freq=panel.freq
        )[:-1]
        stamps.append(
            np.concatenate([before.as_unit("ns").to_numpy(), panel.times[rows]])
        )
    sizes = lengths + pads
    padded = replace(
        panel,
        bounds=np.r_[0, np.cumsum(sizes)].astype(np.int64),
        times=np.concatenate(stamps),
        data=np.concatenate(blocks),
    )
    return padded, pads


def short_sequences(windows, pads) -> list:
    """The inputs of padded ``windows`` without their padding, one array each."""
    return [windows.X[i, pad:] for i, pad in enumerate(np.asarray(pads).tolist())]
