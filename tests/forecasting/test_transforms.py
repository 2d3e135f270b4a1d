"""Target transforms: exact round trips (hypothesis), errors, and no mutation."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tsrnn.forecasting.transforms import Difference, Log, Scale, TransformChain

CHAINS = [
    [Log()],
    [Difference()],
    [Difference(lag=3)],
    [Scale()],
    [Log(), Difference(), Difference(lag=4), Scale()],
    [Scale(), Difference(lag=2)],
]


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.floats(0.5, 1e4, allow_nan=False), min_size=20, max_size=60),
    cut=st.integers(12, 19),
    which=st.integers(0, len(CHAINS) - 1),
)
def test_inverse_forecast_recovers_the_future_exactly(values, cut, which):
    y = pd.DataFrame({"y": values}, index=pd.date_range("2020", periods=len(values)))
    chain = TransformChain(CHAINS[which]).fit(y.iloc[:cut])
    future = chain.transform(y).loc[y.index[cut:]]
    back = chain.inverse_forecast(future, history=y.iloc[:cut])
    np.testing.assert_allclose(back["y"], y["y"].iloc[cut:], rtol=1e-9)
    assert back.index.equals(y.index[cut:])


def test_difference_drops_its_first_lag_rows():
    y = pd.DataFrame({"y": np.arange(10.0)})
    assert Difference(lag=4).fit(y).transform(y)["y"].tolist() == [4.0] * 6


def test_log_raises_naming_the_first_non_positive_value():
    index = pd.date_range("2024-01-01", periods=4)
    y = pd.DataFrame({"sales": [3.0, 0.0, -1.0, 2.0]}, index=index)
    with pytest.raises(
        ValueError, match=r"`sales` must be > 0 .*Got sales=0.0 at 2024-01-02"
    ):
        Log().fit(y)


def test_transforms_do_not_modify_the_input():
    y = pd.DataFrame({"y": np.arange(1.0, 21.0)})
    before = y.copy()
    chain = TransformChain([Log(), Difference(), Scale()]).fit(y)
    chain.inverse_forecast(chain.transform(y).iloc[-3:], history=y)
    pd.testing.assert_frame_equal(y, before)


def test_chain_clones_the_given_transforms():
    scale = Scale()
    TransformChain([scale]).fit(pd.DataFrame({"y": [1.0, 2.0]}))
    assert not hasattr(scale, "mean_")
