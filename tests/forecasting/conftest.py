"""Fixtures of the forecasting tests: real panels, short training."""

from __future__ import annotations

import pandas as pd
import pytest

from tsrnn.forecasting import candidates


@pytest.fixture(scope="session")
def quarterly_train(shared_data) -> pd.DataFrame:
    """Train rows of tourism quarterly: id, date, value (read once)."""
    frame = pd.read_csv(shared_data / "forecasting" / "tourism_quarterly.csv")
    frame = frame[frame["split"] == "train"]
    return frame.assign(date=pd.to_datetime(frame["date"]))[["id", "date", "value"]]


@pytest.fixture
def small_training(monkeypatch):
    """Recurrent candidates train a few dozen steps (mechanics, not accuracy)."""
    monkeypatch.setattr(candidates, "TRAINING_STEPS", 20)
    monkeypatch.setattr(candidates, "EPOCHS", (1, 2))


@pytest.fixture(scope="session")
def monthly_panel(shared_data) -> pd.DataFrame:
    """Train rows of the first 8 tourism monthly series: id, date, value."""
    frame = pd.read_csv(shared_data / "forecasting" / "tourism_monthly.csv")
    first = frame["id"].isin(frame["id"].unique()[:8])
    frame = frame[(frame["split"] == "train") & first]
    frame = frame.assign(date=pd.to_datetime(frame["date"]))[["id", "date", "value"]]
    return frame.sort_values(["id", "date"]).reset_index(drop=True)
