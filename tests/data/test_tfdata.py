"""tf.data pipelines (tsrnn.data.tfdata): windows as make_windows, order, errors."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from sklearn.preprocessing import StandardScaler  # noqa: E402

from tsrnn.data.tfdata import make_dataset  # noqa: E402
from tsrnn.data.windows import make_windows, n_windows  # noqa: E402


def collect(dataset):
    """Concatenate every batch of one pass, keeping the yielded structure."""
    batches = [tf.nest.map_structure(np.asarray, batch) for batch in dataset]
    return tf.nest.map_structure(lambda *parts: np.concatenate(parts), *batches)


def window_ids(dataset, stride=1):
    """Window number of each yielded window of np.arange data (value == row)."""
    return [int(i) for batch in dataset for i in batch[0][:, 0, 0].numpy() // stride]


def make_window_set(values, starts, input_width, horizon, gap=0, **index):
    defaults = {
        "input_index": np.arange(values.shape[1]),
        "target_index": np.array([0]),
        "future_index": np.array([], dtype=np.int64),
    }
    return SimpleNamespace(
        values=values.astype(np.float32),
        starts=np.asarray(starts, dtype=np.int64),
        input_width=input_width,
        horizon=horizon,
        gap=gap,
        **{**defaults, **index},
    )


@pytest.mark.parametrize(
    "params",
    [
        {"input_width": 5, "horizon": 1},
        {"input_width": 7, "horizon": 3, "stride": 2, "gap": 1},
        {"input_width": 4, "horizon": 2, "targets": 1},
        {"input_width": 3, "horizon": 4, "stride": 5, "targets": [2, 0]},
        {"input_width": 6, "horizon": 2, "gap": 3, "targets": slice(1, 3)},
    ],
)
@pytest.mark.parametrize("batch_size", [1, 7, 64])
def test_make_dataset_yields_the_windows_of_make_windows_in_order(params, batch_size):
    data = np.random.default_rng(batch_size).normal(size=(83, 3)).astype(np.float32)
    X_expected, y_expected = make_windows(data, **params)
    dataset = make_dataset(data, batch_size=batch_size, **params)
    X, y = collect(dataset)
    assert X.dtype == y.dtype == np.float32
    np.testing.assert_array_equal(X, X_expected)
    np.testing.assert_array_equal(y, y_expected)
    sizes = [len(batch[0]) for batch in dataset]
    assert sizes[:-1] == [batch_size] * (len(sizes) - 1)
    assert sum(sizes) == len(X_expected) and len(dataset) == len(sizes)


def test_make_dataset_casts_float64_and_one_dimensional_data_to_float32():
    data = np.sin(np.arange(50) / 3.0)  # float64, 1-D
    X, y = collect(make_dataset(data, 6, 2, batch_size=16))
    X_expected, y_expected = make_windows(data, 6, 2)
    assert X.shape == (43, 6, 1) and y.shape == (43, 2, 1)
    np.testing.assert_array_equal(X, X_expected.astype(np.float32))
    np.testing.assert_array_equal(y, y_expected.astype(np.float32))


def test_make_dataset_does_not_modify_or_alias_the_callers_data():
    data = np.arange(60.0).reshape(30, 2)
    before = data.copy()
    dataset = make_dataset(data, 4, 2, batch_size=8)
    first = collect(dataset)
    data[:] = -1.0  # the dataset holds its own copy of the series
    np.testing.assert_array_equal(collect(dataset)[0], first[0])
    data[:] = before
    collect(make_dataset(data, 4, 2, shuffle=True, seed=0))
    np.testing.assert_array_equal(data, before)


def test_make_dataset_shuffles_only_when_asked():
    data = np.arange(200.0)
    ordered = make_dataset(data, 5, 2, batch_size=16)
    expected = list(range(n_windows(200, 5, 2)))
    assert window_ids(ordered) == expected
    assert window_ids(ordered) == expected  # every pass, not just the first
    shuffled = window_ids(make_dataset(data, 5, 2, batch_size=16, shuffle=True))
    assert shuffled != expected


@pytest.mark.parametrize("drop_remainder", [False, True])
@pytest.mark.parametrize("stride", [1, 3])
def test_every_window_appears_exactly_once_per_shuffled_epoch(drop_remainder, stride):
    data = np.arange(300.0)
    count = n_windows(300, 8, 3, stride=stride)
    dataset = make_dataset(
        data,
        8,
        3,
        stride=stride,
        batch_size=32,
        shuffle=True,
        seed=5,
        drop_remainder=drop_remainder,
    )
    for _ in range(2):
        ids = window_ids(dataset, stride)
        if drop_remainder:
            assert len(ids) == count // 32 * 32 and len(set(ids)) == len(ids)
            assert set(ids) <= set(range(count))
        else:
            assert sorted(ids) == list(range(count))


def test_seeded_shuffle_repeats_on_a_rerun_and_differs_between_epochs():
    data = np.arange(500.0)

    def epochs(seed):
        dataset = make_dataset(data, 10, 2, batch_size=50, shuffle=True, seed=seed)
        return [window_ids(dataset) for _ in range(3)]

    first, again, other = epochs(7), epochs(7), epochs(8)
    assert first == again
    assert first[0] != first[1] != first[2]
    assert first[0] != other[0]


def test_shuffled_targets_stay_with_their_inputs():
    data = np.arange(100.0)
    X, y = collect(make_dataset(data, 4, 3, gap=2, shuffle=True, seed=0))
    np.testing.assert_array_equal(y[:, :, 0], X[:, -1:, 0] + 3 + np.arange(3))


def test_drop_remainder_yields_only_full_batches_with_a_static_batch_size():
    data = np.arange(100.0)
    dataset = make_dataset(data, 4, batch_size=30, drop_remainder=True)
    assert [len(X) for X, _ in dataset] == [30, 30, 30]
    assert dataset.element_spec[0].shape.as_list() == [30, 4, 1]
    assert make_dataset(data, 4, batch_size=30).element_spec[0].shape[0] is None


def test_make_dataset_works_without_prefetch_and_feeds_keras_fit():
    keras = pytest.importorskip("keras")
    data = np.random.default_rng(0).normal(size=(80, 2)).astype(np.float32)
    dataset = make_dataset(data, 6, 3, batch_size=16, prefetch=False, targets=0)
    model = keras.Sequential(
        [
            keras.Input((6, 2)),
            keras.layers.Flatten(),
            keras.layers.Dense(3),
            keras.layers.Reshape((3, 1)),
        ]
    )
    model.compile("sgd", "mse")
    history = model.fit(dataset, epochs=1, verbose=0, shuffle=False)
    assert np.isfinite(history.history["loss"][0])


# ------------------------------------------------------------- WindowSet path


def two_series_window_set(**index):
    """Two series stacked in one array; windows never cross from one to the other."""
    rng = np.random.default_rng(3)
    values = rng.normal(size=(40 + 30, 4))
    starts = np.r_[np.arange(0, 40 - 7, 2), 40 + np.arange(0, 30 - 7, 3)]
    return make_window_set(values, starts, input_width=4, horizon=2, gap=1, **index)


def expected_rows(window_set, offset, width, columns):
    rows = window_set.starts[:, None] + offset + np.arange(width)
    return window_set.values[rows][..., columns]


@pytest.mark.parametrize("shuffle", [False, True])
def test_window_set_yields_its_windows_with_input_target_and_future_columns(shuffle):
    index = {
        "input_index": np.array([0, 1, 3]),
        "target_index": np.array([2, 0]),
        "future_index": np.array([3]),
    }
    ws = two_series_window_set(**index)
    (X, X_future), y = collect(
        make_dataset(ws, batch_size=5, include_future=True, shuffle=shuffle, seed=1)
    )
    X_expected = expected_rows(ws, 0, 4, index["input_index"])
    future_rows = (5, 2)  # input_width + gap, horizon
    y_expected = expected_rows(ws, *future_rows, index["target_index"])
    future_expected = expected_rows(ws, *future_rows, index["future_index"])
    if shuffle:  # find each yielded window by its first input row
        order = [
            int(np.flatnonzero((X_expected[:, 0] == row).all(axis=1))[0])
            for row in X[:, 0]
        ]
        assert sorted(order) == list(range(len(ws.starts)))
        X_expected, y_expected = X_expected[order], y_expected[order]
        future_expected = future_expected[order]
    np.testing.assert_array_equal(X, X_expected)
    np.testing.assert_array_equal(y, y_expected)
    np.testing.assert_array_equal(X_future, future_expected)
    assert (
        X.shape[1:] == (4, 3) and y.shape[1:] == (2, 2) and X_future.shape[1:] == (2, 1)
    )


def test_window_set_without_future_columns_yields_x_and_y_even_with_include_future():
    ws = two_series_window_set()
    X, y = collect(make_dataset(ws, batch_size=8, include_future=True))
    np.testing.assert_array_equal(X, expected_rows(ws, 0, 4, slice(None)))
    np.testing.assert_array_equal(y, expected_rows(ws, 5, 2, [0]))


def test_window_set_without_target_columns_yields_x_alone():
    ws = two_series_window_set(target_index=np.array([], dtype=np.int64))
    X = collect(make_dataset(ws, batch_size=8))
    np.testing.assert_array_equal(X, expected_rows(ws, 0, 4, slice(None)))


def test_window_set_accepts_matching_window_arguments():
    ws = two_series_window_set()
    X, _ = collect(make_dataset(ws, input_width=4, horizon=2, gap=1))
    assert X.shape == (len(ws.starts), 4, 4)


@pytest.mark.parametrize(
    ("argument", "value"),
    [("input_width", 5), ("horizon", 3), ("gap", 2), ("stride", 2), ("targets", 0)],
)
def test_make_dataset_raises_ValueError_when_arguments_conflict_with_a_window_set(
    argument, value
):
    with pytest.raises(ValueError, match=rf"`{argument}` must be left out.*WindowSet"):
        make_dataset(two_series_window_set(), **{argument: value})


def test_make_dataset_raises_ValueError_when_window_set_starts_leave_values():
    ws = two_series_window_set()
    ws.starts = np.r_[ws.starts, 64]  # 64 + 7 rows > 70
    with pytest.raises(ValueError, match=r"`WindowSet.starts` must lie in \[0, 63\]"):
        make_dataset(ws)


def test_make_dataset_raises_ValueError_for_window_set_columns_out_of_range():
    ws = two_series_window_set(input_index=np.array([0, 4]))
    with pytest.raises(ValueError, match=r"`WindowSet.input_index` must .*\[0, 4\)"):
        make_dataset(ws)


def test_make_dataset_matches_a_real_windower_window_set(hourly_frame):
    frames = pytest.importorskip("tsrnn.data.windower")
    windower = frames.Windower(
        input_width=24,
        horizon=6,
        target="load",
        future_covariates=["temp"],
        calendar=["hour"],
        scaler=StandardScaler(),
        stride=2,
    )
    ws = windower.fit(hourly_frame).transform(hourly_frame)
    (X, X_future), y = collect(make_dataset(ws, batch_size=64, include_future=True))
    np.testing.assert_array_equal(X, ws.X)
    np.testing.assert_array_equal(y, ws.y)
    np.testing.assert_array_equal(X_future, ws.X_future)


# ---------------------------------------------------------------- bad input


def test_make_dataset_raises_TypeError_when_input_width_is_missing_for_an_array():
    with pytest.raises(TypeError, match="`input_width` must be a positive integer"):
        make_dataset(np.arange(20.0))


@pytest.mark.parametrize(
    ("arguments", "error", "match"),
    [
        ({"batch_size": 0}, ValueError, r"`batch_size` must be a positive integer"),
        ({"batch_size": 2.0}, TypeError, r"`batch_size` must be a positive integer"),
        ({"seed": -1}, ValueError, r"`seed` must be an integer >= 0"),
        ({"shuffle": "yes"}, TypeError, r"`shuffle` must be True or False"),
        ({"drop_remainder": 1}, TypeError, r"`drop_remainder` must be True or False"),
        ({"horizon": 0}, ValueError, r"`horizon` must be a positive integer"),
        ({"targets": 5}, ValueError, r"`targets` must index one of the 2 columns"),
        ({"include_future": True}, ValueError, r"`include_future` must be False"),
        (
            {"batch_size": 100, "drop_remainder": True},
            ValueError,
            r"`batch_size` must be at most the number of windows \(16\)",
        ),
    ],
)
def test_make_dataset_raises_a_clear_error_for_bad_arguments(arguments, error, match):
    data = np.zeros((20, 2))
    with pytest.raises(error, match=match):
        make_dataset(data, **{"input_width": 4, **arguments})


def test_make_dataset_raises_ValueError_naming_the_row_of_a_nan():
    data = np.zeros((20, 2))
    data[11, 1] = np.nan
    with pytest.raises(ValueError, match="value nan at row 11, column 1"):
        make_dataset(data, 4)
