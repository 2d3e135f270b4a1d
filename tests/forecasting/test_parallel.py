"""Per-series models and other independent tasks fanned out through joblib and Dask."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge

from tsrnn import Forecaster
from tsrnn.forecasting.parallel import fit_per_series, map_tasks


@pytest.fixture
def etth1_long(etth1_dir) -> pd.DataFrame:
    """Real data: three ETTh1 load columns as three series of a long frame."""
    raw = pd.read_csv(etth1_dir / "ETTh1.csv", parse_dates=["date"], nrows=300)
    return pd.concat(
        [
            pd.DataFrame({"id": name, "time": raw["date"], "load": raw[name]})
            for name in ("HUFL", "MUFL", "LUFL")
        ],
        ignore_index=True,
    )


def forecasts(models) -> dict:
    return {sid: model.predict().to_numpy() for sid, model in models.items()}


def test_per_series_models_equal_one_fit_per_series(etth1_long):
    forecaster = Forecaster(Ridge(), input_width=24, horizon=6)
    models = fit_per_series(
        forecaster, etth1_long, id_col="id", time_col="time", backend="sequential"
    )
    assert list(models) == ["HUFL", "MUFL", "LUFL"]
    assert not hasattr(forecaster, "estimator_")  # the template stays unfitted
    for sid, model in models.items():
        alone = etth1_long[etth1_long["id"] == sid].drop(columns="id")
        expected = Forecaster(Ridge(), input_width=24, horizon=6).fit(
            alone.set_index("time")
        )
        np.testing.assert_allclose(model.predict(), expected.predict())


@pytest.mark.slow
def test_a_local_dask_cluster_fits_the_same_per_series_models(etth1_long):
    distributed = pytest.importorskip("distributed")
    forecaster = Forecaster(Ridge(), input_width=24, horizon=6)
    local = fit_per_series(
        forecaster, etth1_long, id_col="id", time_col="time", backend="sequential"
    )
    with (
        distributed.LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_dask = fit_per_series(
            forecaster, etth1_long, id_col="id", time_col="time", backend="dask"
        )
        # The tasks ran in the cluster's worker processes, not here.
        assert len(client.scheduler_info()["workers"]) == 2
        pids = set(client.run(os.getpid).values())
        assert os.getpid() not in pids
    expected, got = forecasts(local), forecasts(on_dask)
    assert list(got) == list(expected)
    for sid in expected:
        np.testing.assert_allclose(got[sid], expected[sid])


def test_map_tasks_keeps_the_order_of_the_tasks():
    assert map_tasks(abs, [-3, 1, -2], backend="threading", n_jobs=2) == [3, 1, 2]


def test_map_tasks_raises_ValueError_for_dask_without_a_client():
    pytest.importorskip("distributed")
    with pytest.raises(ValueError, match=r"needs a connected distributed.Client"):
        map_tasks(abs, [1], backend="dask")


def test_fit_per_series_raises_ValueError_for_a_missing_id_column(etth1_long):
    with pytest.raises(ValueError, match=r"`id_col` must name a column"):
        fit_per_series(Forecaster(Ridge()), etth1_long, id_col="series")


def test_fit_per_series_leaves_the_frame_unchanged(etth1_long):
    before = etth1_long.copy()
    fit_per_series(
        Forecaster(Ridge(), input_width=12),
        etth1_long,
        id_col="id",
        time_col="time",
        backend="sequential",
    )
    pd.testing.assert_frame_equal(etth1_long, before)
