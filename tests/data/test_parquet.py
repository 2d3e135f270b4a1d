"""Out-of-core windows from Parquet files match the in-memory Windower."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import StandardScaler

pytest.importorskip("pyarrow")

from tsrnn import Windower, make_dataset
from tsrnn.data.parquet import ParquetWindower


@pytest.fixture
def etth1_panel(etth1_dir) -> pd.DataFrame:
    """Real data: five 240-hour stretches of ETTh1 as five series (OT, HUFL, HULL)."""
    raw = pd.read_csv(etth1_dir / "ETTh1.csv", parse_dates=["date"], nrows=1200)
    parts = []
    for k in range(5):
        part = raw.iloc[240 * k : 240 * (k + 1)]
        parts.append(
            pd.DataFrame(
                {
                    "id": f"s{k}",
                    "time": part["date"].to_numpy(),
                    "OT": part["OT"].to_numpy(),
                    "HUFL": part["HUFL"].to_numpy(),
                    "HULL": part["HULL"].to_numpy(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def write_files(frame, folder, groups):
    """One Parquet file per group of series ids, rows shuffled within the file."""
    for n, ids in enumerate(groups):
        part = frame[frame["id"].isin(ids)].sample(frac=1.0, random_state=n)
        part.to_parquet(folder / f"part-{n:02d}.parquet", index=False)
    return folder


def in_file_order(folder) -> pd.DataFrame:
    """The panel as the files hold it: by file, series by first appearance."""
    parts = []
    for file in sorted(folder.glob("*.parquet")):
        part = pd.read_parquet(file)
        codes = pd.factorize(part["id"])[0]
        parts.append(part.iloc[np.lexsort((part["time"].to_numpy(), codes))])
    return pd.concat(parts, ignore_index=True)


def collect(dataset):
    Xs, ys = zip(*[(X.numpy(), y.numpy()) for X, y in dataset], strict=True)
    return np.concatenate(Xs), np.concatenate(ys)


# The id and time columns of the panels written here (ParquetWindower, like
# Windower, reads one series from a DatetimeIndex by default).
KEYS = {"id_col": "id", "time_col": "time"}

SETTINGS = {
    "input_width": 24,
    "horizon": 6,
    "stride": 2,
    "gap": 1,
    "val_size": 0.2,
    "test_size": 48,
}


@pytest.mark.parametrize("scale_by", ["series", "global"])
def test_every_split_matches_the_in_memory_windower_on_real_data(
    etth1_panel, tmp_path, scale_by
):
    folder = write_files(etth1_panel, tmp_path, [["s0", "s1"], ["s2"], ["s3", "s4"]])
    streamed = ParquetWindower(
        target="OT",
        past_covariates=["HUFL", "HULL"],
        scale_by=scale_by,
        **KEYS,
        **SETTINGS,
    ).fit(folder)
    memory = Windower(
        target="OT",
        past_covariates=["HUFL", "HULL"],
        id_col="id",
        time_col="time",
        scaler=StandardScaler(),
        scale_by=scale_by,
        **SETTINGS,
    ).fit_split(in_file_order(folder))
    assert streamed.n_windows_ == {name: len(s) for name, s in memory.items()}
    for name, window_set in memory.items():
        X, y = collect(streamed.dataset(name, batch_size=100))
        X_mem, y_mem = collect(make_dataset(window_set, batch_size=100))
        np.testing.assert_allclose(X, X_mem, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(y, y_mem, rtol=1e-5, atol=1e-5)


def collect_future(dataset):
    """``((X, X_future), y)`` batches as three arrays."""
    parts = [(X.numpy(), F.numpy(), y.numpy()) for (X, F), y in dataset]
    return tuple(np.concatenate(p) for p in zip(*parts, strict=True))


def test_future_covariates_and_calendar_match_the_in_memory_windower_on_real_data(
    etth1_panel, tmp_path
):
    folder = write_files(etth1_panel, tmp_path, [["s0", "s1", "s2"], ["s3", "s4"]])
    roles = {
        "target": "OT",
        "past_covariates": ["HUFL"],
        "future_covariates": ["HULL"],
        "calendar": ["hour", "dayofweek"],
        **KEYS,
        **SETTINGS,
    }
    streamed = ParquetWindower(**roles).fit(folder)
    windower = Windower(**roles, scaler=StandardScaler(), scale_by="series")
    memory = windower.fit_split(in_file_order(folder))
    assert streamed.columns_ == windower.columns_
    assert streamed.future_columns_ == windower.future_columns_
    assert streamed.n_windows_ == {name: len(s) for name, s in memory.items()}
    for name, window_set in memory.items():
        got = collect_future(streamed.dataset(name, include_future=True))
        expected = collect_future(make_dataset(window_set, include_future=True))
        assert got[0].shape[-1] == 2 + 1 + 4 and got[1].shape[-1] == 1 + 4
        for array, truth in zip(got, expected, strict=True):
            np.testing.assert_allclose(array, truth, rtol=1e-5, atol=1e-5)


def test_defaults_are_those_of_windower_and_read_one_series_from_the_index(
    etth1_dir, tmp_path
):
    raw = pd.read_csv(etth1_dir / "ETTh1.csv", parse_dates=["date"], nrows=300)
    frame = raw.set_index("date")[["OT", "HUFL"]]
    frame.to_parquet(tmp_path / "etth1.parquet")
    defaults = ParquetWindower(1).get_params()
    for name in ("stride", "gap", "target", "past_covariates", "future_covariates"):
        assert defaults[name] == Windower(1).get_params()[name]
    for name in ("calendar", "id_col", "time_col", "val_size", "test_size"):
        assert defaults[name] == Windower(1).get_params()[name] is None
    streamed = ParquetWindower(24, 6, test_size=48).fit(tmp_path)
    memory = Windower(24, 6, test_size=48, scaler=StandardScaler()).fit_split(frame)
    assert streamed.columns_ == ("OT", "HUFL") and streamed.series_ids_.tolist() == [0]
    for name, window_set in memory.items():
        X, y = collect(streamed.dataset(name, batch_size=50))
        X_mem, y_mem = collect(make_dataset(window_set, batch_size=50))
        np.testing.assert_allclose(X, X_mem, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(y, y_mem, rtol=1e-5, atol=1e-5)


def test_the_old_covariates_keyword_raises_TypeError():
    with pytest.raises(TypeError, match="covariates"):
        ParquetWindower(4, target="y", covariates=["x"])


def test_fit_raises_ValueError_for_several_files_without_id_col(tmp_path):
    one_series().set_index("time").to_parquet(tmp_path / "a.parquet")
    one_series().set_index("time").to_parquet(tmp_path / "b.parquet")
    with pytest.raises(ValueError, match=r"`id_col` must be a column name when"):
        ParquetWindower(4, target="y").fit(tmp_path)


def test_windows_never_cross_series_and_carry_their_series_index(tmp_path):
    # Each value encodes its series (thousands) and its row (units).
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "id": k,
                    "time": pd.date_range("2024-01-01", periods=n, freq="h"),
                    "y": 1000.0 * k + np.arange(n),
                }
            )
            for k, n in enumerate([30, 17, 25, 40])
        ]
    )
    folder = write_files(frame, tmp_path, [[0, 1], [2, 3]])
    windower = ParquetWindower(5, 3, target="y", scale_by=None, **KEYS).fit(folder)
    dataset = windower.dataset(batch_size=7, series_index=True, shuffle=True, seed=0)
    seen = 0
    for (X, series), y in dataset:
        X, y, series = X.numpy()[..., 0], y.numpy()[..., 0], series.numpy()
        whole = np.concatenate([X, y], axis=1)
        assert np.all(whole // 1000 == whole[:, :1] // 1000)
        assert np.all(np.diff(whole, axis=1) == 1)
        np.testing.assert_array_equal(
            windower.series_ids_[series].astype(int), whole[:, 0] // 1000
        )
        seen += len(X)
    assert seen == windower.n_windows_["train"] == (30 + 17 + 25 + 40) - 4 * 7


def test_shuffled_epochs_visit_each_window_once_mix_files_and_repeat_with_seed(
    etth1_panel, tmp_path
):
    folder = write_files(etth1_panel, tmp_path, [[f"s{k}"] for k in range(5)])
    windower = ParquetWindower(12, 2, target="OT", scale_by=None, **KEYS).fit(folder)
    ordered, _ = collect(windower.dataset(batch_size=64))
    first, _ = collect(windower.dataset(batch_size=64, shuffle=True, seed=3))
    again, _ = collect(windower.dataset(batch_size=64, shuffle=True, seed=3))
    other, _ = collect(windower.dataset(batch_size=64, shuffle=True, seed=4))

    def as_rows(X):
        return np.sort(X.reshape(len(X), -1).view([("", X.dtype)] * 12), axis=0)

    np.testing.assert_array_equal(as_rows(first), as_rows(ordered))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    # The first batch of a shuffled epoch holds windows of several files.
    series_of = {tuple(w): k for k, w in enumerate(ordered[:, 0, :1])}
    assert len(ordered) == windower.n_windows_["train"]
    firsts = {round(float(v), 4) for v in first[:64, 0, 0]}
    per_file = [
        {round(float(v), 4) for v in chunk[:, 0, 0]}
        for chunk in np.split(ordered, np.cumsum([240 - 13] * 4))
    ]
    assert sum(bool(firsts & values) for values in per_file) >= 2
    assert series_of  # the ordered epoch is not empty


def test_statistics_never_see_validation_or_test_rows(etth1_panel, tmp_path):
    settings = {"target": "OT", "past_covariates": ["HUFL"], **KEYS, **SETTINGS}
    clean = ParquetWindower(**settings).fit(
        write_files(etth1_panel, tmp_path / "clean", [["s0", "s1", "s2", "s3", "s4"]])
        if (tmp_path / "clean").mkdir() is None
        else None
    )
    spoiled = etth1_panel.copy()
    # Rows after each series' training cut (last 48 test rows + ceil(0.2*240)
    # validation rows) become huge: scaling that saw them would change.
    tail = spoiled.groupby("id").cumcount() >= 240 - 48 - 48
    spoiled.loc[tail, ["OT", "HUFL"]] = 1e6
    (tmp_path / "spoiled").mkdir()
    leaked = ParquetWindower(**settings).fit(
        write_files(spoiled, tmp_path / "spoiled", [["s0", "s1", "s2", "s3", "s4"]])
    )
    np.testing.assert_allclose(leaked.mean_, clean.mean_)
    np.testing.assert_allclose(leaked.scale_, clean.scale_)
    X_clean, y_clean = collect(clean.dataset("train"))
    X_leak, y_leak = collect(leaked.dataset("train"))
    np.testing.assert_allclose(X_leak, X_clean)
    np.testing.assert_allclose(y_leak, y_clean)


def test_predict_unscales_and_dates_the_forecast_of_every_series(etth1_panel, tmp_path):
    import keras

    folder = write_files(etth1_panel, tmp_path, [["s0", "s3"], ["s1", "s2", "s4"]])
    windower = ParquetWindower(
        24, 3, target="OT", past_covariates=["HUFL"], **KEYS
    ).fit(folder)
    # A model that repeats the last scaled target: unscaled, the last value.
    inputs = keras.Input((24, 2))
    last = keras.layers.Lambda(lambda x: keras.ops.repeat(x[:, -1:, :1], 3, axis=1))
    model = keras.Model(inputs, last(inputs))
    forecast = windower.predict(model)
    assert list(forecast.columns) == ["id", "time", "OT"]
    ends = etth1_panel.groupby("id").tail(1).set_index("id")
    assert len(forecast) == 5 * 3
    for sid, part in forecast.groupby("id"):
        np.testing.assert_allclose(part["OT"], ends.loc[sid, "OT"], rtol=1e-5)
        expected = pd.date_range(ends.loc[sid, "time"], periods=4, freq="h")[1:]
        np.testing.assert_array_equal(part["time"].to_numpy(), expected.to_numpy())


def test_a_keras_model_trains_from_the_files(etth1_panel, tmp_path):
    from tsrnn import build_rnn, compile_model

    folder = write_files(etth1_panel, tmp_path, [["s0", "s1"], ["s2", "s3", "s4"]])
    windower = ParquetWindower(24, 2, target="OT", val_size=24, **KEYS).fit(folder)
    model = compile_model(build_rnn((24, 1), (2, 1), units=4, seed=0))
    history = model.fit(
        windower.dataset(shuffle=True, seed=0, batch_size=128),
        validation_data=windower.dataset("val"),
        epochs=2,
        shuffle=False,  # the dataset shuffles itself
        verbose=0,
    )
    assert np.all(np.isfinite(history.history["loss"]))
    assert history.history["loss"][1] < history.history["loss"][0]


def test_the_files_are_left_unchanged(etth1_panel, tmp_path):
    folder = write_files(etth1_panel, tmp_path, [["s0", "s1", "s2", "s3", "s4"]])
    before = (folder / "part-00.parquet").read_bytes()
    windower = ParquetWindower(**{"target": "OT", **KEYS, **SETTINGS}).fit(folder)
    collect(windower.dataset("test"))
    assert (folder / "part-00.parquet").read_bytes() == before


# ------------------------------------------------------------------ errors


def one_series(sid="a", n=40, start="2024-01-01"):
    return pd.DataFrame(
        {
            "id": sid,
            "time": pd.date_range(start, periods=n, freq="D"),
            "y": np.arange(n, dtype=float),
        }
    )


def test_fit_raises_ValueError_when_a_series_spans_two_files(tmp_path):
    one_series(n=20).to_parquet(tmp_path / "a.parquet")
    one_series(n=20, start="2025-01-01").to_parquet(tmp_path / "b.parquet")
    with pytest.raises(ValueError, match=r"Series 'a' must lie whole in one file"):
        ParquetWindower(4, target="y", **KEYS).fit(tmp_path)


def test_fit_raises_ValueError_naming_series_and_timestamp_of_a_gap(tmp_path):
    one_series().drop(index=[7]).to_parquet(tmp_path / "a.parquet")
    with pytest.raises(ValueError, match=r"series 'a' in a.parquet.*2024-01-09"):
        ParquetWindower(4, target="y", **KEYS).fit(tmp_path)


def test_fit_raises_ValueError_naming_column_and_timestamp_of_a_NaN(tmp_path):
    frame = one_series()
    frame.loc[5, "y"] = np.nan
    frame.to_parquet(tmp_path / "a.parquet")
    with pytest.raises(ValueError, match=r"Column 'y' must hold finite.*2024-01-06"):
        ParquetWindower(4, target="y", **KEYS).fit(tmp_path)


def test_fit_raises_ValueError_listing_missing_columns(tmp_path):
    one_series().to_parquet(tmp_path / "a.parquet")
    with pytest.raises(ValueError, match=r"Columns \['price'\] must be in every"):
        ParquetWindower(4, target="y", past_covariates=["price"], **KEYS).fit(tmp_path)


def test_fit_raises_ValueError_when_a_series_is_too_short_for_its_splits(tmp_path):
    one_series(n=12).to_parquet(tmp_path / "a.parquet")
    with pytest.raises(ValueError, match=r"training rows of series 'a' must number"):
        ParquetWindower(4, 2, target="y", test_size=8, **KEYS).fit(tmp_path)


@pytest.mark.parametrize(
    ("params", "error", "pattern"),
    [
        ({"test_size": 0.0}, ValueError, r"`test_size` must be a fraction"),
        ({"scale_by": "row"}, ValueError, r"`scale_by` must be 'series'"),
        ({"input_width": 0}, ValueError, r"`input_width` must be a positive"),
        ({"target": 3}, TypeError, r"`target` must be a column name"),
    ],
)
def test_fit_rejects_bad_parameters(tmp_path, params, error, pattern):
    one_series().to_parquet(tmp_path / "a.parquet")
    with pytest.raises(error, match=pattern):
        ParquetWindower(**{"input_width": 4, "target": "y", **KEYS, **params}).fit(
            tmp_path
        )


def test_fit_raises_ValueError_for_a_folder_without_parquet_files(tmp_path):
    with pytest.raises(ValueError, match=r"at least one \*\.parquet file"):
        ParquetWindower(4, target="y", **KEYS).fit(tmp_path)


def test_dataset_raises_ValueError_for_a_split_not_configured(tmp_path):
    one_series().to_parquet(tmp_path / "a.parquet")
    windower = ParquetWindower(4, target="y", **KEYS).fit(tmp_path)
    with pytest.raises(ValueError, match=r"`split` must be one of \['train'\]"):
        windower.dataset("test")
