"""pad_sequences: padded array plus an explicit mask, on real unequal-length data."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tsrnn.data.sequences import pad_sequences
from tsrnn.datasets import load_japanese_vowels


@pytest.fixture(scope="module")
def vowels():
    X, _ = load_japanese_vowels(split="train")
    return X


@pytest.mark.parametrize("padding", ["post", "pre"])
def test_mask_picks_back_each_japanese_vowels_sequence(vowels, padding):
    X, mask = pad_sequences(vowels, padding=padding, value=-99.0)

    longest = max(len(x) for x in vowels)
    assert X.shape == (len(vowels), longest, 12)
    assert X.dtype == np.float32
    assert mask.dtype == bool
    for i, original in enumerate(vowels):
        np.testing.assert_array_equal(X[i][mask[i]], original.astype(np.float32))
    assert np.all(X[~mask] == -99.0)


def test_post_padding_puts_real_steps_first_and_pre_puts_them_last(vowels):
    _, post = pad_sequences(vowels, padding="post")
    _, pre = pad_sequences(vowels, padding="pre")
    lengths = np.array([len(x) for x in vowels])

    np.testing.assert_array_equal(post.sum(axis=1), lengths)
    steps = np.arange(post.shape[1])
    np.testing.assert_array_equal(post, steps < lengths[:, None])
    np.testing.assert_array_equal(pre, steps >= (post.shape[1] - lengths)[:, None])


def test_truncating_post_keeps_first_steps_and_pre_keeps_last_steps():
    seq = np.arange(6.0)

    X_post, mask_post = pad_sequences([seq, seq[:2]], maxlen=4, truncating="post")
    X_pre, _ = pad_sequences([seq, seq[:2]], maxlen=4, truncating="pre")

    np.testing.assert_array_equal(X_post[0, :, 0], [0, 1, 2, 3])
    np.testing.assert_array_equal(X_pre[0, :, 0], [2, 3, 4, 5])
    np.testing.assert_array_equal(X_post[1, :, 0], [0, 1, 0, 0])
    np.testing.assert_array_equal(mask_post, [[1, 1, 1, 1], [1, 1, 0, 0]])


def test_one_dimensional_sequences_become_one_channel():
    X, mask = pad_sequences([[1, 2, 3], [4, 5]])
    assert X.shape == (2, 3, 1)
    np.testing.assert_array_equal(X[:, :, 0], [[1, 2, 3], [4, 5, 0]])
    assert mask.tolist() == [[True, True, True], [True, True, False]]


def test_integer_dtype_keeps_integer_tokens():
    X, _ = pad_sequences([np.array([3, 1, 2]), np.array([7])], dtype="int32", value=-1)
    assert X.dtype == np.int32
    np.testing.assert_array_equal(X[:, :, 0], [[3, 1, 2], [7, -1, -1]])


def test_nan_fill_value_is_allowed_and_mask_still_marks_real_steps():
    X, mask = pad_sequences([[1.0, 2.0], [3.0]], value=np.nan)
    assert np.isnan(X[1, 1, 0])
    assert mask.tolist() == [[True, True], [True, False]]


def test_caller_sequences_are_not_modified(vowels):
    before = [x.copy() for x in vowels[:5]]
    X, _ = pad_sequences(vowels[:5], dtype="float64")
    X[:] = 0.0
    for original, kept in zip(vowels[:5], before, strict=True):
        np.testing.assert_array_equal(original, kept)


@settings(max_examples=60, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 12), min_size=1, max_size=6),
    maxlen=st.none() | st.integers(1, 15),
    padding=st.sampled_from(["pre", "post"]),
    truncating=st.sampled_from(["pre", "post"]),
)
def test_mask_selects_the_kept_slice_of_each_sequence(
    lengths, maxlen, padding, truncating
):
    start = np.cumsum([0, *lengths])
    sequences = [np.arange(a, b, dtype=float) for a, b in itertools.pairwise(start)]

    X, mask = pad_sequences(
        sequences, maxlen=maxlen, padding=padding, truncating=truncating
    )

    width = max(lengths) if maxlen is None else maxlen
    assert X.shape == (len(sequences), width, 1)
    for seq, row, keep in zip(sequences, X, mask, strict=True):
        kept = (
            seq
            if len(seq) <= width
            else (seq[:width] if truncating == "post" else seq[-width:])
        )
        np.testing.assert_array_equal(row[keep, 0], kept)
        assert keep.sum() == len(kept)


@pytest.mark.parametrize(
    ("sequences", "kwargs", "error", "match"),
    [
        ([], {}, ValueError, r"`sequences` must hold at least one sequence"),
        ("abc", {}, TypeError, r"`sequences` must be a list of arrays"),
        (
            [np.zeros((3, 2)), np.zeros((4, 2)), np.zeros((2, 3))],
            {},
            ValueError,
            r"`sequences\[2\]` must have the same number of channels as "
            r"sequences\[0\] \(2\)\. Got sequences\[2\] with shape \(2, 3\)",
        ),
        (
            [np.zeros(3), np.zeros((0, 1))],
            {},
            ValueError,
            r"`sequences\[1\]` must have at least one time step",
        ),
        ([np.zeros((2, 2, 2))], {}, ValueError, r"`sequences\[0\]` must be 1-D"),
        ([np.array(["a", "b"])], {}, TypeError, r"`sequences\[0\]` must hold numbers"),
        (
            [[1.0]],
            {"padding": "left"},
            ValueError,
            r"`padding` must be 'pre' or 'post'",
        ),
        ([[1.0]], {"truncating": "end"}, ValueError, r"Got truncating='end'"),
        ([[1.0]], {"maxlen": 0}, ValueError, r"`maxlen` must be a positive integer"),
        ([[1.0]], {"value": True}, TypeError, r"`value` must be a real number"),
        ([[1.0]], {"dtype": "U5"}, TypeError, r"`dtype` must be a floating or integer"),
        (
            [[1]],
            {"dtype": "int64", "value": 0.5},
            ValueError,
            r"`value` must be an integer when dtype is int64",
        ),
        (
            [[1.5]],
            {"dtype": "int32"},
            TypeError,
            r"`sequences\[0\]` has dtype float64, which cannot be stored as int32",
        ),
    ],
)
def test_pad_sequences_raises_clear_error_on_bad_input(sequences, kwargs, error, match):
    with pytest.raises(error, match=match):
        pad_sequences(sequences, **kwargs)
