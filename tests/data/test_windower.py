"""Behaviour of the pandas layer: Windower and WindowSet."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.tseries.frequencies import to_offset
from sklearn.base import clone
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from tsrnn import Windower, WindowSet, make_windows, n_windows
from tsrnn.data.panel import Panel, read_frame
from tsrnn.data.spec import check_spec
from tsrnn.exceptions import DataWarning


def wide_arange(length=30, start="2024-01-01", freq="h", tz=None) -> pd.DataFrame:
    index = pd.date_range(start, periods=length, freq=freq, tz=tz, name="time")
    return pd.DataFrame(
        {"a": np.arange(length, dtype=float), "b": 1000.0 + np.arange(length)},
        index=index,
    )


def long_arange(lengths, freq="D") -> pd.DataFrame:
    """Series k holds 1000 * k + row, so every value says where it came from."""
    parts = [
        pd.DataFrame(
            {
                "id": f"s{k}",
                "time": pd.date_range("2024-01-01", periods=n, freq=freq),
                "value": 1000.0 * k + np.arange(n),
            }
        )
        for k, n in enumerate(lengths)
    ]
    return pd.concat(parts, ignore_index=True)


# ----------------------------------------------------------------- windows


def test_wide_windows_equal_make_windows_on_arange():
    frame = wide_arange(30)
    ws = Windower(5, 3, stride=2, gap=1).fit(frame).transform(frame)
    X, y = make_windows(frame.to_numpy(), 5, 3, stride=2, gap=1)
    assert isinstance(ws, WindowSet)
    assert ws.values.dtype == np.float32 and ws.values.flags.c_contiguous
    assert ws.starts.dtype == np.int64
    assert len(ws) == n_windows(30, 5, 3, stride=2, gap=1)
    np.testing.assert_array_equal(ws.X, X)
    np.testing.assert_array_equal(ws.y, y)
    assert ws.columns == ("a", "b")
    assert ws.X_future is None


def test_target_time_is_the_timestamp_of_each_target_row():
    frame = wide_arange(20)
    ws = Windower(4, 2, gap=1, target="a").fit(frame).transform(frame)
    expected = frame.index.to_numpy()[ws.starts[:, None] + 5 + np.arange(2)]
    np.testing.assert_array_equal(ws.target_time, expected)
    assert ws.target_time.dtype == np.dtype("datetime64[ns]")
    # y of window i is the value at its target time
    np.testing.assert_array_equal(
        ws.y[..., 0], frame["a"].to_numpy()[5:][: len(ws)][:, None] + np.arange(2)
    )


def test_target_none_takes_numeric_columns_that_are_not_covariates():
    frame = wide_arange(20).assign(note="x", c=np.arange(20.0))
    windower = Windower(3, past_covariates=["b"]).fit(frame)
    assert windower.target_columns_ == ("a", "c")
    assert windower.columns_ == ("a", "c", "b")


def test_long_windows_never_cross_series_and_equal_their_slices(long_frame):
    windower = Windower(7, 3, stride=2, id_col="id", time_col="time")
    ws = windower.fit(long_frame).transform(long_frame)
    expected_total = 0
    for sid, part in long_frame.groupby("id", sort=False):
        values = part["value"].to_numpy()
        X, y = make_windows(values, 7, 3, stride=2)
        mine = ws.series_id == sid
        np.testing.assert_allclose(ws.X[mine], X, rtol=1e-6)
        np.testing.assert_allclose(ws.y[mine], y, rtol=1e-6)
        np.testing.assert_array_equal(
            ws.target_time[mine][:, 0], part["time"].to_numpy()[7::2][: len(X)]
        )
        expected_total += len(X)
    assert len(ws) == expected_total
    assert windower.series_ids_.tolist() == ["a", "b", "c"]


def test_long_frame_with_interleaved_rows_gives_the_same_windows(long_frame):
    shuffled = long_frame.sort_values(["time", "id"], kind="stable")
    windower = Windower(5, 2, id_col="id", time_col="time")
    a = windower.fit(long_frame).transform(long_frame)
    b = windower.fit(shuffled).transform(shuffled)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.series_id, b.series_id)


def test_long_frame_may_use_a_datetime_index():
    frame = long_arange([12, 9]).set_index("time")
    ws = Windower(3, 2, id_col="id").fit(frame).transform(frame)
    assert len(ws) == n_windows(12, 3, 2) + n_windows(9, 3, 2)
    assert set(np.unique(ws.X[..., 0] // 1000)) == {0.0, 1.0}


# ------------------------------------------------------------------ splits


def test_fraction_split_is_a_chronological_cut_per_series():
    frame = long_arange([40, 25])
    sets = Windower(
        4, 2, id_col="id", time_col="time", val_size=0.2, test_size=0.2
    ).fit_split(frame)
    for k, n in enumerate([40, 25]):
        n_test = math.ceil(0.2 * n)
        val_cut, test_cut = n - 2 * n_test, n - n_test
        series = f"s{k}"
        train = sets["train"]
        mine = train.series_id == series
        # no training target at or after the validation cut
        assert train.y[mine].max() == 1000 * k + val_cut - 1
        for name, cut, end in (("val", val_cut, test_cut), ("test", test_cut, n)):
            ws = sets[name]
            mine = ws.series_id == series
            # first target is the split's first row; inputs are the rows before
            assert ws.y[mine][0, 0, 0] == 1000 * k + cut
            np.testing.assert_array_equal(
                ws.X[mine][0, :, 0], 1000 * k + np.arange(cut - 4, cut)
            )
            assert ws.y[mine].max() == 1000 * k + end - 1
            assert mine.sum() == n_windows(end - cut + 4, 4, 2)


def test_int_and_timestamp_splits_agree():
    frame = wide_arange(100)
    by_rows = Windower(6, 3, val_size=20, test_size=15).fit_split(frame)
    by_time = Windower(
        6, 3, val_size=frame.index[65], test_size=str(frame.index[85])
    ).fit_split(frame)
    for name in ("train", "val", "test"):
        np.testing.assert_array_equal(by_rows[name].X, by_time[name].X)
        np.testing.assert_array_equal(by_rows[name].y, by_time[name].y)
    assert by_rows["val"].target_time.min() == frame.index[65]
    assert by_rows["train"].target_time.max() < frame.index[65]


def test_context_includes_gap_so_the_first_target_is_the_split_start():
    frame = wide_arange(60)
    sets = Windower(5, 2, gap=3, test_size=10).fit_split(frame)
    test = sets["test"]
    assert test.target_time[0, 0] == frame.index[50]
    np.testing.assert_array_equal(test.X[0, :, 0], np.arange(42, 47))
    assert len(test) == 10 - 2 + 1


def test_etth1_standard_split_gives_published_window_counts(etth1_dir):
    frame = pd.read_csv(etth1_dir / "ETTh1.csv", parse_dates=["date"]).iloc[:14400]
    before = frame.copy(deep=True)
    windower = Windower(
        96, 96, time_col="date", val_size=2880, test_size=2880, scaler=StandardScaler()
    )
    sets = windower.fit_split(frame)
    assert {k: len(v) for k, v in sets.items()} == {
        "train": 8640 - 192 + 1,
        "val": 2785,
        "test": 2785,
    }
    values = frame.drop(columns="date").to_numpy()
    np.testing.assert_allclose(windower.scaler_.mean_, values[:8640].mean(axis=0))
    np.testing.assert_allclose(windower.scaler_.scale_, values[:8640].std(axis=0))
    test = sets["test"]
    assert test.X.shape == (2785, 96, 7) and test.y.shape == (2785, 96, 7)
    assert test.target_time[0, 0] == frame["date"].iloc[11520]
    assert test.target_time[-1, -1] == frame["date"].iloc[14399]
    np.testing.assert_allclose(
        test.inverse_transform_y(test.y)[-1], values[14400 - 96 :], rtol=1e-6, atol=1e-5
    )
    by_time = Windower(
        96,
        96,
        time_col="date",
        val_size=frame["date"].iloc[8640],
        test_size=frame["date"].iloc[11520],
    ).fit_split(frame)
    assert len(by_time["test"]) == 2785
    pd.testing.assert_frame_equal(frame, before)


def test_airline_holdout_of_36_months_round_trips_to_passengers(airline_csv):
    frame = pd.read_csv(airline_csv)
    windower = Windower(
        12, 12, time_col="Date", test_size=36, scaler=MinMaxScaler(), calendar=["month"]
    )
    sets = windower.fit_split(frame)
    assert windower.freq_ == pd.offsets.MonthBegin()
    test = sets["test"]
    assert str(test.target_time[0, 0])[:7] == "1958-01"
    assert str(test.target_time[-1, -1])[:7] == "1960-12"
    out = test.to_frame()
    assert list(out.columns) == ["series", "Date", "Passengers"]
    expected = frame.set_index(pd.to_datetime(frame["Date"]))["Passengers"]
    np.testing.assert_allclose(
        out["Passengers"], expected.loc[out["Date"]].to_numpy(), rtol=1e-6
    )
    lo, hi = frame["Passengers"].iloc[:108].min(), frame["Passengers"].iloc[:108].max()
    np.testing.assert_allclose(windower.scaler_.data_min_, [lo])
    np.testing.assert_allclose(windower.scaler_.data_max_, [hi])


# ------------------------------------------------------------------ scaling


def test_scaler_is_fitted_on_training_rows_only_and_is_a_clone(hourly_frame):
    scaler = StandardScaler()
    windower = Windower(
        24,
        6,
        target="load",
        past_covariates=["temp", "price"],
        scaler=scaler,
        val_size=0.25,
    )
    sets = windower.fit_split(hourly_frame)
    n_train = len(hourly_frame) - math.ceil(0.25 * len(hourly_frame))
    expected = hourly_frame[["load", "temp", "price"]].iloc[:n_train]
    np.testing.assert_allclose(windower.scaler_.mean_, expected.mean().to_numpy())
    assert windower.scaler_ is not scaler and not hasattr(scaler, "mean_")
    train_rows = sets["train"].values[:, :3]
    np.testing.assert_allclose(train_rows.mean(axis=0), 0, atol=1e-5)


def test_scale_by_series_fits_one_scaler_per_series_on_its_training_rows(long_frame):
    windower = Windower(
        5,
        2,
        id_col="id",
        time_col="time",
        scaler=StandardScaler(),
        scale_by="series",
        test_size=10,
    )
    sets = windower.fit_split(long_frame)
    for sid, part in long_frame.groupby("id"):
        np.testing.assert_allclose(
            windower.scalers_[sid].mean_, [part["value"].iloc[:-10].mean()]
        )
    test = sets["test"]
    restored = test.inverse_transform_y(test.y)
    for i in (0, len(test) - 1):
        part = long_frame[long_frame["id"] == test.series_id[i]].set_index("time")
        np.testing.assert_allclose(
            restored[i, :, 0], part["value"].loc[test.target_time[i]], rtol=1e-6
        )


def test_inverse_transform_y_is_exact_and_keeps_2d_shape(hourly_frame):
    windower = Windower(12, 4, target="load", scaler=StandardScaler())
    ws = windower.fit(hourly_frame).transform(hourly_frame)
    load = hourly_frame["load"].to_numpy()
    truth = load[ws.starts[:, None] + 12 + np.arange(4)]
    np.testing.assert_allclose(ws.inverse_transform_y(ws.y)[..., 0], truth, rtol=1e-6)
    np.testing.assert_allclose(ws.inverse_transform_y(ws.y[..., 0]), truth, rtol=1e-6)
    assert not np.allclose(ws.y[..., 0], truth)


# ----------------------------------------------------- covariates, calendar


def test_future_covariates_and_calendar_are_known_over_the_horizon(hourly_frame):
    windower = Windower(
        24,
        6,
        target="load",
        past_covariates=["temp"],
        future_covariates=["price"],
        calendar=["hour", "dayofweek", "month"],
    )
    ws = windower.fit(hourly_frame).transform(hourly_frame)
    assert windower.future_columns_ == (
        "price",
        "hour_sin",
        "hour_cos",
        "dayofweek_sin",
        "dayofweek_cos",
        "month_sin",
        "month_cos",
    )
    assert ws.X.shape == (len(ws), 24, 9) and ws.X_future.shape == (len(ws), 6, 7)
    i = 17
    times = pd.DatetimeIndex(ws.target_time[i])
    np.testing.assert_allclose(
        ws.X_future[i, :, 0], hourly_frame["price"].loc[times], rtol=1e-6
    )
    np.testing.assert_allclose(
        ws.X_future[i, :, 1], np.sin(2 * np.pi * times.hour / 24), atol=1e-6
    )
    np.testing.assert_allclose(
        ws.X_future[i, :, 4], np.cos(2 * np.pi * times.day_of_week / 7), atol=1e-6
    )
    np.testing.assert_allclose(ws.X_future[i, :, 6], 1.0, atol=1e-6)  # January


def test_calendar_uses_local_time_of_tz_aware_frames():
    frame = wide_arange(48, tz="America/New_York")
    windower = Windower(4, 2, target="a", calendar=["hour"], test_size=10)
    sets = windower.fit_split(frame)
    assert windower.tz_ is not None
    test = sets["test"]
    local = frame.index[38]  # first test row: 48 - 10
    assert test.X_future[0, 0, 0] == pytest.approx(
        np.sin(2 * np.pi * local.hour / 24), abs=1e-6
    )
    out = test.to_frame()
    assert str(out["time"].dt.tz) == "America/New_York"
    assert out["time"].iloc[0] == frame.index[38]


def test_transform_last_only_forecasts_from_the_end(long_frame):
    windower = Windower(5, 3, gap=1, id_col="id", time_col="time", calendar=["day"])
    ws = windower.fit(long_frame).transform(long_frame, last_only=True)
    assert ws.series_id.tolist() == ["a", "b", "c"]
    for i, (_, part) in enumerate(long_frame.groupby("id", sort=False)):
        np.testing.assert_allclose(ws.X[i, :, 0], part["value"].iloc[-5:], rtol=1e-6)
        last = part["time"].iloc[-1]
        expected = pd.date_range(last, periods=5, freq="D")[2:]
        np.testing.assert_array_equal(ws.target_time[i], expected.to_numpy())
        assert np.isnan(ws.y[i]).all()
        day = expected.day.to_numpy() - 1
        np.testing.assert_allclose(
            ws.X_future[i, :, 0],
            np.sin(2 * np.pi * day / expected.days_in_month),
            atol=1e-6,
        )


# -------------------------------------------------------- missing values


def test_drop_windows_drops_only_windows_touching_nan_and_warns():
    frame = wide_arange(30)
    frame.loc[frame.index[10], "a"] = np.nan
    windower = Windower(4, 2, nan_policy="drop_windows")
    with pytest.warns(DataWarning, match=r"dropped 6 of 25 transformed windows"):
        ws = windower.fit(frame).transform(frame)
    assert len(ws.values) == 30  # no row is dropped
    kept = set(ws.starts.tolist())
    # window s touches row 10 through inputs [s, s+4) or targets [s+4, s+6)
    assert kept == {s for s in range(25) if not 5 <= s <= 10}
    assert np.isfinite(ws.X).all() and np.isfinite(ws.y).all()


def test_drop_windows_ignores_nan_in_past_covariates_over_the_horizon():
    frame = wide_arange(30)
    frame.loc[frame.index[10], "b"] = np.nan
    windower = Windower(
        4, 2, target="a", past_covariates=["b"], nan_policy="drop_windows"
    )
    with pytest.warns(DataWarning, match="dropped 4 of 25"):
        ws = windower.fit(frame).transform(frame)
    assert set(range(7, 11)).isdisjoint(ws.starts.tolist())


@pytest.mark.parametrize(
    ("policy", "expected"), [("ffill", 9.0), ("interpolate", 10.0)]
)
def test_fill_policies_fill_nan_within_a_series(policy, expected):
    frame = wide_arange(20)
    frame.loc[frame.index[10], "a"] = np.nan
    ws = Windower(10, 1, nan_policy=policy).fit(frame).transform(frame)
    assert ws.y[0, 0, 0] == expected
    assert len(ws) == 10


@pytest.mark.parametrize(
    ("method", "expected"),
    [("interpolate", [5.0, 6.0, 7.0]), ("ffill", [4.0, 4.0, 4.0]), ("zero", [0.0] * 3)],
)
def test_fill_missing_reindexes_gaps_and_fills_only_inserted_rows(method, expected):
    frame = wide_arange(20).drop(index=wide_arange(20).index[5:8])
    frame.loc[frame.index[1], "b"] = np.nan
    windower = Windower(3, 1, fill_missing=method, nan_policy="drop_windows").fit(frame)
    assert windower.freq_ == pd.offsets.Hour()
    with pytest.warns(DataWarning):
        ws = windower.transform(frame)
    assert len(ws.values) == 20
    np.testing.assert_array_equal(ws.values[5:8, 0], expected)
    assert np.isnan(ws.values[1, 1])  # an existing NaN is not the gap filler's


def test_caller_frame_is_never_modified(long_frame):
    frame = long_frame.sort_values(["time", "id"]).drop(index=[3, 4])
    frame.loc[frame.index[20], "value"] = np.nan
    frame["when"] = frame["time"].astype(str)
    before = frame.copy(deep=True)
    windower = Windower(
        5,
        2,
        id_col="id",
        time_col="when",
        target="value",
        scaler=StandardScaler(),
        fill_missing="interpolate",
        nan_policy="ffill",
        calendar=["dayofweek"],
        val_size=0.2,
        test_size=0.2,
    )
    windower.fit_split(frame)
    windower.transform(frame, last_only=True)
    pd.testing.assert_frame_equal(frame, before)


def test_windower_follows_the_sklearn_parameter_contract():
    windower = Windower(24, 6, target=["load"], val_size=0.2)
    copy = clone(windower)
    assert copy.get_params() == windower.get_params()
    assert copy.set_params(horizon=3).horizon == 3


# ------------------------------------------------------------ properties


@settings(max_examples=40, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 40), min_size=1, max_size=4),
    input_width=st.integers(1, 6),
    horizon=st.integers(1, 4),
    stride=st.integers(1, 4),
    gap=st.integers(0, 2),
    val_extra=st.one_of(st.none(), st.integers(0, 6)),
    test_extra=st.one_of(st.none(), st.integers(0, 6)),
)
def test_windows_match_their_source_slice_and_respect_boundaries(
    lengths, input_width, horizon, stride, gap, val_extra, test_extra
):
    val_size = None if val_extra is None else horizon + val_extra
    test_size = None if test_extra is None else horizon + test_extra
    n_val, n_test = val_size or 0, test_size or 0
    span = input_width + gap + horizon
    lengths = [max(n, span + n_val + n_test) for n in lengths]
    frame = long_arange(lengths)
    windower = Windower(
        input_width,
        horizon,
        stride=stride,
        gap=gap,
        id_col="id",
        time_col="time",
        val_size=val_size,
        test_size=test_size,
    )
    sets = windower.fit_split(frame)
    present = {
        "train",
        "val" if val_size else "train",
        "test" if test_size else "train",
    }
    assert set(sets) == present
    context = input_width + gap
    for name, ws in sets.items():
        count = 0
        for k, n in enumerate(lengths):
            # rows [first, end) of series k belong to this split
            first, end = {
                "train": (0, n - n_val - n_test),
                "val": (n - n_val - n_test, n - n_test),
                "test": (n - n_test, n),
            }[name]
            lo = max(first - context, 0)
            mine = ws.series_id == f"s{k}"
            count += n_windows(end - lo, input_width, horizon, stride=stride, gap=gap)
            X, y = make_windows(
                1000.0 * k + np.arange(lo, end),
                input_width,
                horizon,
                stride=stride,
                gap=gap,
            )
            np.testing.assert_array_equal(ws.X[mine], X)
            np.testing.assert_array_equal(ws.y[mine], y)
            # targets strictly after inputs, inside one series and one split
            assert (ws.y[mine].min(axis=(1, 2)) > ws.X[mine].max(axis=(1, 2))).all()
            assert (ws.y[mine] // 1000 == k).all() and (ws.X[mine] // 1000 == k).all()
            assert (ws.y[mine] >= 1000 * k + first).all()
            assert (ws.y[mine] < 1000 * k + end).all()
        assert len(ws) == count


# ------------------------------------------------ known future over the horizon


def plan_frame(long_frame):
    """long_frame plus a planned column and its values for 4 days after each end."""
    frame = long_frame.assign(plan=np.arange(len(long_frame), dtype=float))
    ends = frame.groupby("id", sort=False)["time"].max()
    future = pd.concat(
        pd.DataFrame(
            {
                "id": sid,
                "time": pd.date_range(end, periods=5, freq="D")[1:],
                "plan": 1000.0 + 10 * k + np.arange(4),
            }
        )
        for k, (sid, end) in enumerate(ends.items())
    )
    return frame, future


def test_transform_last_only_fills_future_covariates_from_future(long_frame):
    frame, future = plan_frame(long_frame)
    windower = Windower(
        5,
        3,
        gap=1,
        target="value",
        future_covariates=["plan"],
        calendar=["day"],
        id_col="id",
        time_col="time",
        scaler=StandardScaler(),
    ).fit(frame)
    before = future.copy()
    ws = windower.transform(frame, last_only=True, future=future.sample(frac=1.0))
    pd.testing.assert_frame_equal(future, before)
    scaler = windower.scaler_
    for k in range(3):
        # The gap row is skipped: targets are days 2-4 after the end.
        planned = 1000.0 + 10 * k + np.arange(1, 4)
        scaled = (planned - scaler.mean_[1]) / scaler.scale_[1]
        np.testing.assert_allclose(ws.X_future[k, :, 0], scaled, rtol=1e-5)
        assert np.isnan(ws.y[k]).all()
    assert not np.isnan(ws.X_future).any()


def test_transform_last_only_horizon_covers_more_steps(long_frame):
    frame, future = plan_frame(long_frame)
    windower = Windower(
        5, 1, future_covariates=["plan"], id_col="id", time_col="time"
    ).fit(frame)
    ws = windower.transform(frame, last_only=True, horizon=4, future=future)
    assert ws.horizon == 4 and ws.X_future.shape == (3, 4, 1)
    np.testing.assert_allclose(ws.X_future[1, :, 0], 1010.0 + np.arange(4))
    last = frame.loc[frame["id"] == "b", "time"].max()
    assert pd.Timestamp(ws.target_time[1, -1]) == last + pd.Timedelta(days=4)


@pytest.mark.parametrize(
    ("edit", "error", "match"),
    [
        (lambda f: f.iloc[1:], ValueError, r"must cover the 3 forecast steps of "),
        (lambda f: f.drop(columns="plan"), ValueError, r"missing \['plan'\]"),
        (
            lambda f: f.assign(time=f["time"] + pd.Timedelta(hours=6)),
            ValueError,
            "off the grid",
        ),
        (lambda f: f.assign(id="z"), ValueError, "Got series 'z'"),
        (lambda f: pd.concat([f, f.iloc[:1]]), ValueError, "more than once"),
        (lambda f: f.assign(plan=np.nan), ValueError, "must be finite numbers"),
        (lambda f: f["plan"], TypeError, "`future` must be a pandas DataFrame"),
    ],
    ids=["short", "column", "grid", "series", "duplicate", "nan", "type"],
)
def test_transform_future_errors_name_the_problem(long_frame, edit, error, match):
    frame, future = plan_frame(long_frame)
    windower = Windower(
        5, 3, future_covariates=["plan"], id_col="id", time_col="time"
    ).fit(frame)
    with pytest.raises(error, match=match):
        windower.transform(frame, last_only=True, future=edit(future))


def test_transform_future_needs_last_only_and_future_covariates(long_frame):
    frame, future = plan_frame(long_frame)
    with_plan = Windower(5, 3, future_covariates=["plan"], id_col="id", time_col="time")
    with pytest.raises(ValueError, match="`future` must be None unless last_only"):
        with_plan.fit(frame).transform(frame, future=future)
    without = Windower(5, 3, target="value", id_col="id", time_col="time").fit(frame)
    with pytest.raises(ValueError, match="no future_covariates"):
        without.transform(frame, last_only=True, future=future)


# ----------------------------------------------------------- a Panel as input


def assert_same_windows(got: WindowSet, expected: WindowSet) -> None:
    np.testing.assert_array_equal(got.values, expected.values)
    np.testing.assert_array_equal(got.starts, expected.starts)
    np.testing.assert_array_equal(got.series_id, expected.series_id)
    np.testing.assert_array_equal(got.target_time, expected.target_time)
    assert got.columns == expected.columns
    assert (got.id_name, got.time_name) == (expected.id_name, expected.time_name)


PANEL_WINDOWER = {
    "input_width": 5,
    "horizon": 3,
    "stride": 2,
    "target": "value",
    "future_covariates": ["plan"],
    "calendar": ["day"],
    "id_col": "id",
    "time_col": "time",
    "scaler": StandardScaler(),
    "scale_by": "series",
    "val_size": 0.2,
    "test_size": 10,
}


def test_windows_from_a_panel_equal_windows_from_its_frame(long_frame):
    frame, _ = plan_frame(long_frame)
    from_frame = Windower(**PANEL_WINDOWER).fit(frame)
    panel = read_frame(frame, check_spec(from_frame.get_params()))
    from_panel = Windower(**PANEL_WINDOWER).fit(panel)
    assert from_panel.columns_ == from_frame.columns_
    for sid, scaler in from_frame.scalers_.items():
        np.testing.assert_array_equal(from_panel.scalers_[sid].mean_, scaler.mean_)
    expected = from_frame.split(frame)
    for got in (from_panel.split(panel), from_frame.split(panel)):
        assert got.keys() == expected.keys()
        for name, window_set in expected.items():
            assert_same_windows(got[name], window_set)
    assert_same_windows(from_panel.transform(panel), from_frame.transform(frame))
    assert_same_windows(
        from_panel.transform(panel, last_only=True),
        from_frame.transform(frame, last_only=True),
    )


def test_a_panel_from_blocks_windows_like_the_frame_it_holds(long_frame):
    frame, _ = plan_frame(long_frame)
    parts = [part for _, part in frame.groupby("id", sort=False)]
    panel = Panel.from_blocks(
        ids=[part["id"].iloc[0] for part in parts],
        times_per_series=[part["time"] for part in parts],
        data_per_series=[part[["value", "plan"]].to_numpy() for part in parts],
        columns=["value", "plan"],
        freq="D",
        id_name="id",
        time_name="time",
    )
    windower = Windower(**PANEL_WINDOWER)
    expected = windower.fit_split(frame)
    got = clone(windower).fit_split(panel)
    for name, window_set in expected.items():
        assert_same_windows(got[name], window_set)
    # take keeps rows [lo, hi) of each series, as slicing the frame would.
    lo, hi = [2, 0, 5], [50, 45, 70]
    short = pd.concat(
        part.iloc[a:b] for part, a, b in zip(parts, lo, hi, strict=True)
    ).reset_index(drop=True)
    assert_same_windows(
        clone(windower).fit(short).transform(short),
        clone(windower).fit(panel.take(lo, hi)).transform(panel.take(lo, hi)),
    )


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda p: replace(p, columns=("plan", "value")), r"`panel.columns` must be"),
        (lambda p: replace(p, columns=("value",), data=p.data[:, :1]), "columns"),
        (lambda p: replace(p, freq=to_offset("h")), r"`panel.freq` must be"),
        (lambda p: replace(p, tz="UTC"), r"`panel.tz` must be"),
    ],
    ids=["order", "missing", "freq", "tz"],
)
def test_a_panel_that_does_not_match_the_windower_raises(long_frame, edit, match):
    frame, _ = plan_frame(long_frame)
    windower = Windower(**PANEL_WINDOWER).fit(frame)
    panel = read_frame(frame, check_spec(windower.get_params()))
    with pytest.raises(ValueError, match=match):
        windower.transform(edit(panel))
    if "panel.columns" in match:
        with pytest.raises(ValueError, match=match):
            clone(windower).fit(edit(panel))


def test_future_dict_gives_the_windows_of_the_future_frame(long_frame):
    frame, future = plan_frame(long_frame)
    windower = Windower(
        5, 3, gap=1, future_covariates=["plan"], id_col="id", time_col="time"
    ).fit(frame)
    expected = windower.transform(frame, last_only=True, future=future)
    # The gap row is skipped: the values of the 3 target steps, 2-4 days ahead.
    known = {
        sid: 1000.0 + 10 * k + np.arange(1, 4)[:, None]
        for k, sid in enumerate(["a", "b", "c"])
    }
    panel = read_frame(frame, check_spec(windower.get_params()))
    for data in (frame, panel):
        got = windower.transform(data, last_only=True, future=known)
        assert_same_windows(got, expected)
        np.testing.assert_array_equal(got.X_future, expected.X_future)
    with pytest.raises(ValueError, match="`future` must be a dict with"):
        windower.transform(panel, last_only=True, future={"a": known["a"]})
