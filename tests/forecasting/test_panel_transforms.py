"""SeriesTransforms: the whole panel at once equals one TransformChain per series."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge

from tsrnn.forecasting.forecaster import Forecaster
from tsrnn.forecasting.panel_transforms import SeriesTransforms
from tsrnn.forecasting.transforms import Difference, Log, Scale, TransformChain


@pytest.fixture(scope="module")
def tourism(shared_data):
    """Twenty real monthly tourism series of unequal length, train rows only."""
    frame = pd.read_csv(shared_data / "forecasting" / "tourism_monthly.csv")
    frame = frame[frame["split"] == "train"].drop(columns="split")
    keep = frame["id"].drop_duplicates().iloc[:20]
    frame = frame[frame["id"].isin(keep)]
    return frame.assign(date=pd.to_datetime(frame["date"])).reset_index(drop=True)


class Sqrt(Log):
    """A user's own transform: not one SeriesTransforms knows, so run per series."""

    def _forward(self, column):
        return np.sqrt(column + self.offset)

    def _backward(self, column):
        return column**2 - self.offset


CHAINS = [
    [Log(offset=1.0), Difference(12), Scale()],
    [Log(offset=1.0), Difference(), Difference(12), Scale()],
    [Scale()],
    [Sqrt(offset=1.0), Difference(12)],
    [],
]


@pytest.mark.parametrize("transforms", CHAINS, ids=lambda c: "+".join(map(repr, c)))
def test_panel_transforms_equal_one_chain_per_series(tourism, transforms):
    history = Forecaster(Ridge(), id_col="id", time_col="date").read(tourism)
    panel = SeriesTransforms(transforms).fit(history)
    assert panel.vectorized == (not any(isinstance(t, Sqrt) for t in transforms))
    body = panel.transform(history)
    targets = list(history.targets)
    rng = np.random.default_rng(0)
    ks = np.arange(len(history.ids))
    origins = history.lengths - rng.integers(0, 10, len(ks))
    z = rng.standard_normal((len(ks), 6, 1))
    back = panel.inverse(z, history, ks, origins)
    for k in ks:
        chain = TransformChain(transforms).fit(history.frame(k, targets))
        expected = chain.transform(history.frame(k, targets)).to_numpy()
        np.testing.assert_allclose(body.data[body.series(k), :1], expected)
        past = history.frame(k, targets).iloc[: origins[k]]
        frame = pd.DataFrame(z[k], columns=targets)
        np.testing.assert_allclose(
            back[k], chain.inverse_forecast(frame, past).to_numpy(), rtol=1e-10
        )
        level = panel.to_level(back[k : k + 1], history, [k])[0]
        np.testing.assert_allclose(
            level, chain.to_level(pd.DataFrame(back[k], columns=targets)).to_numpy()
        )
        np.testing.assert_allclose(
            panel.from_level(level[None], history, [k])[0], back[k], rtol=1e-10
        )


def test_a_new_history_may_hold_the_series_in_another_order(tourism):
    options = dict(id_col="id", time_col="date", transforms=[Log(1.0), Scale()])
    forecaster = Forecaster(Ridge(), 24, 6, **options).fit(tourism)
    reordered = tourism.iloc[::-1]
    again = forecaster.predict(reordered)
    expected = forecaster.predict()
    pd.testing.assert_frame_equal(again.loc[expected.index], expected)
    one = tourism[tourism["id"] == "M5"]
    pd.testing.assert_frame_equal(forecaster.predict(one), expected.loc[["M5"]])
    other = one.assign(id="not-fitted")
    with pytest.raises(
        ValueError, match=r"series seen in fit\. Got series 'not-fitted'"
    ):
        forecaster.predict(other)
