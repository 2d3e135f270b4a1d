"""Window arithmetic of tsrnn.data.windows against a loop, Keras, and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tsrnn.data.windows import make_windows, n_windows, window_span, window_starts


def loop_windows(data, input_width, horizon, stride, gap, columns):
    """The definition, one window at a time: the reference for every property."""
    rows = np.asarray(data, dtype=np.float64)
    rows = rows[:, None] if rows.ndim == 1 else rows
    starts, X, y = [], [], []
    start = 0
    while start + input_width + gap + horizon <= len(rows):
        first_target = start + input_width + gap
        starts.append(start)
        X.append(rows[start : start + input_width])
        y.append(rows[first_target : first_target + horizon][:, columns])
        start += stride
    return starts, X, y


@st.composite
def window_cases(draw):
    n_features = draw(st.integers(1, 5))
    length = draw(st.integers(1, 60))
    one_d = n_features == 1 and draw(st.booleans())
    shape = (length,) if one_d else (length, n_features)
    data = draw(st.integers(0, 2**32 - 1).map(np.random.default_rng)).normal(size=shape)
    kind = draw(st.sampled_from(["none", "int", "contiguous", "list", "slice"]))
    everything = list(range(n_features))
    if kind == "none":
        targets, columns = None, everything
    elif kind == "int":
        targets = draw(st.integers(-n_features, n_features - 1))
        columns = [everything[targets]]
    elif kind == "contiguous":
        first = draw(st.integers(0, n_features - 1))
        last = draw(st.integers(first, n_features - 1))
        targets = columns = list(range(first, last + 1))
    elif kind == "list":
        targets = columns = draw(
            st.lists(st.integers(0, n_features - 1), min_size=1, max_size=4)
        )
    else:
        targets = slice(
            draw(st.integers(0, n_features - 1)),
            draw(st.none() | st.integers(1, n_features)),
            draw(st.none() | st.integers(1, 3)),
        )
        columns = everything[targets]
        if not columns:
            targets, columns = slice(None), everything
    return {
        "data": data,
        "input_width": draw(st.integers(1, 12)),
        "horizon": draw(st.integers(1, 6)),
        "stride": draw(st.integers(1, 5)),
        "gap": draw(st.integers(0, 4)),
        "targets": targets,
        "columns": columns,
    }


@settings(max_examples=300, deadline=None)
@given(window_cases())
def test_make_windows_equals_a_python_loop_over_every_window(case):
    columns = case.pop("columns")
    data = case.pop("data")
    width, horizon = case["input_width"], case["horizon"]
    stride, gap = case["stride"], case["gap"]
    starts, X_loop, y_loop = loop_windows(data, width, horizon, stride, gap, columns)
    count = n_windows(len(data), width, horizon, stride=stride, gap=gap)
    assert count == len(starts)
    assert window_starts(
        len(data), width, horizon, stride=stride, gap=gap
    ).tolist() == (starts)
    assert window_span(width, horizon, gap=gap) == width + gap + horizon
    if not starts:
        with pytest.raises(ValueError, match="must have at least"):
            make_windows(data, **case)
        return
    X, y = make_windows(data, **case)
    n_features = 1 if data.ndim == 1 else data.shape[1]
    assert X.shape == (count, width, n_features)
    assert y.shape == (count, horizon, len(columns))
    np.testing.assert_array_equal(X, np.stack(X_loop))
    np.testing.assert_array_equal(y, np.stack(y_loop))


@settings(max_examples=100, deadline=None)
@given(window_cases())
def test_targets_come_strictly_after_inputs(case):
    case.pop("columns")
    data = np.arange(len(case.pop("data")), dtype=np.float64)  # value == row
    try:
        X, y = make_windows(data, **case)
    except ValueError:
        return
    last_input, first_target = X[:, -1, 0], y[:, 0, 0]
    np.testing.assert_array_equal(first_target - last_input, case["gap"] + 1)


def test_exact_windows_on_arange():
    X, y = make_windows(np.arange(12), input_width=3, horizon=2, stride=4, gap=1)
    np.testing.assert_array_equal(X[..., 0], [[0, 1, 2], [4, 5, 6]])
    np.testing.assert_array_equal(y[..., 0], [[4, 5], [8, 9]])
    assert X.dtype == y.dtype == np.float64


def test_exact_windows_on_two_dimensional_arange_with_target_column():
    data = np.arange(20).reshape(10, 2)  # row r holds [2r, 2r + 1]
    X, y = make_windows(data, input_width=2, horizon=3, stride=3, targets=1)
    np.testing.assert_array_equal(X[1], [[6, 7], [8, 9]])
    np.testing.assert_array_equal(y[..., 0], [[5, 7, 9], [11, 13, 15]])
    assert X.shape == (2, 2, 2) and y.shape == (2, 3, 1)


def test_one_dimensional_input_is_read_as_one_feature():
    X, y = make_windows(np.arange(6.0), input_width=2, horizon=1)
    assert X.shape == (4, 2, 1) and y.shape == (4, 1, 1)
    np.testing.assert_array_equal(y[:, 0, 0], [2, 3, 4, 5])


@pytest.mark.parametrize("targets", [None, 0, 2, [1, 2], slice(0, 3, 2)])
def test_windows_are_read_only_views_of_float_input(targets):
    data = np.random.default_rng(0).normal(size=(30, 3))
    X, y = make_windows(data, input_width=5, horizon=2, stride=2, targets=targets)
    assert np.shares_memory(X, data) and np.shares_memory(y, data)
    for window in (X, y):
        assert not window.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            window[0, 0, 0] = 1.0


def test_non_contiguous_targets_are_copied_and_still_read_only():
    data = np.random.default_rng(0).normal(size=(30, 3))
    X, y = make_windows(data, input_width=5, horizon=2, targets=[2, 0])
    assert np.shares_memory(X, data) and not np.shares_memory(y, data)
    assert not y.flags.writeable
    np.testing.assert_array_equal(y[0], data[5:7][:, [2, 0]])


def test_make_windows_does_not_modify_the_callers_data():
    data = np.arange(40).reshape(20, 2)
    before = data.copy()
    X, _ = make_windows(data, input_width=4, horizon=2, targets=[1, 0])
    assert X.dtype == np.float64  # integers are converted, into a new array
    np.testing.assert_array_equal(data, before)
    assert data.dtype == before.dtype


@pytest.mark.parametrize(
    ("length", "n_features", "input_width", "gap", "stride", "columns"),
    [
        (50, 1, 7, 0, 1, None),
        (50, 3, 5, 2, 1, None),
        (61, 3, 4, 0, 3, [2]),
        (40, 4, 6, 3, 5, [1, 2]),
        (40, 4, 6, 1, 2, [3, 0]),
    ],
)
def test_horizon_one_matches_keras_timeseries_dataset_from_array(
    length, n_features, input_width, gap, stride, columns
):
    keras = pytest.importorskip("keras")
    data = np.random.default_rng(length).normal(size=(length, n_features))
    first_target = input_width + gap
    keras_targets = (
        data[first_target:] if columns is None else data[first_target:, columns]
    )
    # Keras pairs targets[i] with the window that starts at row i.
    batches = keras.utils.timeseries_dataset_from_array(
        data,
        keras_targets,
        sequence_length=input_width,
        sequence_stride=stride,
        batch_size=8,
    )
    X_keras = np.concatenate([np.asarray(X) for X, _ in batches])
    y_keras = np.concatenate([np.asarray(y) for _, y in batches])
    X, y = make_windows(data, input_width, 1, stride=stride, gap=gap, targets=columns)
    np.testing.assert_allclose(X, X_keras, rtol=0, atol=0)
    np.testing.assert_allclose(y[:, 0, :], y_keras.reshape(len(y), -1), rtol=0, atol=0)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("name", ["input_width", "horizon", "stride"])
@pytest.mark.parametrize("value", [0, -2])
def test_make_windows_raises_ValueError_when_a_width_is_not_positive(name, value):
    arguments = {"input_width": 3, "horizon": 1, "stride": 1, name: value}
    with pytest.raises(ValueError, match=rf"`{name}` must be a positive integer\. "):
        make_windows(np.arange(20.0), **arguments)


def test_make_windows_raises_ValueError_when_gap_is_negative():
    with pytest.raises(ValueError, match=r"`gap` must be an integer >= 0\. Got gap=-1"):
        make_windows(np.arange(20.0), 3, gap=-1)


@pytest.mark.parametrize("name", ["input_width", "horizon", "stride", "gap"])
@pytest.mark.parametrize("value", [True, 2.0, "3", None])
def test_make_windows_raises_TypeError_when_a_width_is_not_an_integer(name, value):
    arguments = {"input_width": 3, name: value}
    with pytest.raises(TypeError, match=rf"`{name}` must be .*Got {name}={value!r}"):
        make_windows(np.arange(20.0), **arguments)


def test_make_windows_raises_ValueError_when_data_is_shorter_than_one_window():
    with pytest.raises(ValueError, match=r"at least input_width \+ gap \+ horizon = 9"):
        make_windows(np.arange(8.0), input_width=4, horizon=3, gap=2)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_make_windows_raises_ValueError_naming_row_and_column_of_non_finite(bad):
    data = np.zeros((12, 3))
    data[7, 2] = bad
    data[9, 0] = bad
    with pytest.raises(ValueError, match=rf"value {bad!r} at row 7, column 2\. Fill"):
        make_windows(data, input_width=3)


def test_make_windows_raises_TypeError_for_object_or_text_data():
    with pytest.raises(
        TypeError, match=r"`data` must hold numbers\. Got data with dtype"
    ):
        make_windows(np.array([1.0, "a", 3.0] * 4, dtype=object), input_width=2)
    with pytest.raises(TypeError, match="`data` must hold numbers"):
        make_windows(np.array(list("abcdefgh")), input_width=2)


def test_make_windows_raises_ValueError_for_three_dimensional_data():
    with pytest.raises(ValueError, match=r"must be 1-D or 2-D\. Got data with shape"):
        make_windows(np.zeros((10, 2, 2)), input_width=2)


@pytest.mark.parametrize("targets", [3, -4, [0, 5], slice(3, 6), slice(2, 0)])
def test_make_windows_raises_ValueError_for_out_of_range_targets(targets):
    with pytest.raises(ValueError, match=r"`targets` must .*3 columns of `data`"):
        make_windows(np.zeros((10, 3)), input_width=2, targets=targets)


@pytest.mark.parametrize("targets", [1.5, [0.0, 1.0], [], [True], "a"])
def test_make_windows_raises_TypeError_for_targets_that_are_not_column_indices(
    targets,
):
    with pytest.raises(TypeError, match="`targets` must be None, a column index"):
        make_windows(np.zeros((10, 3)), input_width=2, targets=targets)
