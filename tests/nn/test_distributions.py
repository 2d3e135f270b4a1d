"""The in-graph draws of the distribution heads follow their distributions."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from scipy import stats

from tsrnn.nn.distributions import get_head

N = 200_000


@pytest.mark.parametrize("df", [2.05, 3.0, 8.0, 60.0])
def test_student_t_draws_follow_the_student_t_distribution(df):
    params = tf.constant(np.tile([1.5, 2.0, df], (N, 1)), dtype=tf.float32)
    seed = tf.constant([7, 0], dtype=tf.int64)
    draws = get_head("student_t").draw_tf(params, seed).numpy().astype(np.float64)
    assert np.isfinite(draws).all()
    expected = stats.t(df, 1.5, 2.0)
    # A wrong df, loc or scale (or a normal in place of the t) fails both.
    assert stats.kstest(draws, expected.cdf).pvalue > 1e-3
    levels = [0.01, 0.1, 0.5, 0.9, 0.99]
    np.testing.assert_allclose(
        np.quantile(draws, levels), expected.ppf(levels), rtol=0.05, atol=0.02
    )


def test_student_t_draws_are_seeded_and_elementwise_distinct():
    params = tf.constant([[0.0, 1.0, 4.0]] * 1000, dtype=tf.float64)
    head = get_head("student_t")
    first = head.draw_tf(params, tf.constant([1, 0], tf.int64)).numpy()
    again = head.draw_tf(params, tf.constant([1, 0], tf.int64)).numpy()
    other = head.draw_tf(params, tf.constant([2, 0], tf.int64)).numpy()
    assert first.dtype == np.float64
    np.testing.assert_array_equal(first, again)
    assert len(np.unique(first)) == len(first)
    assert not np.allclose(first, other)
