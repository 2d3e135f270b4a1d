"""Declared parameter constraints of tsrnn.estimators.params (no training)."""

from __future__ import annotations

import math
import numbers

import numpy as np
import pytest

from tsrnn import DenseClassifier, DenseRegressor, RNNClassifier, RNNRegressor
from tsrnn.estimators.params import Interval, Options, validate_params

POSITIVE_INT = [Interval(numbers.Integral, 1)]


@pytest.mark.parametrize(
    ("value", "error"),
    [(0, ValueError), (-3, ValueError), (2.5, TypeError), (True, TypeError)],
)
def test_integer_interval_rejects_with_the_check_int_message(value, error):
    with pytest.raises(error, match=r"^`epochs` must be a positive integer\. Got "):
        validate_params({"epochs": value}, {"epochs": POSITIVE_INT})


@pytest.mark.parametrize("value", [1, 7, np.int64(3)])
def test_integer_interval_accepts_positive_ints(value):
    validate_params({"epochs": value}, {"epochs": POSITIVE_INT})


@pytest.mark.parametrize("value", [0.0, 1.0, math.nan, "0.5", None])
def test_open_interval_excludes_its_ends_and_nan(value):
    constraint = Interval(numbers.Real, 0, 1, closed="neither", wrong_type=ValueError)
    with pytest.raises(ValueError, match=r"must be a float in \(0, 1\)"):
        validate_params({"fraction": value}, {"fraction": [constraint]})


def test_a_value_any_constraint_accepts_is_valid_and_the_rules_are_joined():
    accepted = [Interval(numbers.Integral, 1), Options((None,), "None")]
    validate_params({"n": None}, {"n": accepted})
    with pytest.raises(TypeError, match=r"a positive integer or None\. Got n='a'\."):
        validate_params({"n": "a"}, {"n": accepted})


def test_options_compare_arrays_without_raising_their_own_error():
    with pytest.raises(ValueError, match=r"`cell` must be one of \['gru'\]"):
        validate_params({"cell": np.array([1, 2])}, {"cell": [Options(("gru",))]})


@pytest.mark.parametrize(
    "cls", [RNNRegressor, RNNClassifier, DenseRegressor, DenseClassifier]
)
def test_every_constrained_name_is_a_parameter_of_the_estimator(cls):
    assert set(cls._parameter_constraints) <= set(cls().get_params())
    validate_params(cls().get_params(), cls._parameter_constraints)


def test_fit_checks_the_learning_rate_before_reading_the_data():
    with pytest.raises(ValueError, match=r"`learning_rate` must be a positive float"):
        DenseRegressor(learning_rate=0).fit(None, None)
