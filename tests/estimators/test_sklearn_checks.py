"""scikit-learn's common estimator checks over the four tsrnn estimators.

The constructors use tiny networks, no XLA (its compilation would dominate these
small fits) and enough epochs at a high learning rate for the checks that
demand a real fit (a regressor R² > 0.5, a classifier accuracy > 0.83, strong
class weights that must show in the predictions).

The recurrent estimators with their default settings run the same checks too
(``slow``: each fit spends the default budget of about 1000 gradient steps):
the defaults must fit the checks' small problems as they come.
"""

from __future__ import annotations

import pytest
from sklearn.utils.estimator_checks import (
    estimator_checks_generator,
    parametrize_with_checks,
)

from tsrnn import DenseClassifier, DenseRegressor, RNNClassifier, RNNRegressor

COMMON = dict(jit_compile=False, random_state=0)

ESTIMATORS = [
    RNNRegressor(units=8, epochs=25, learning_rate=0.05, **COMMON),
    # normalize=False: the checks' X are tables, which a 2-D X means
    # univariate series to the classifier; z-normalizing each row of two
    # features would leave +-1 and fail check_classifiers_train. Small
    # convolutions keep the default architecture fast here.
    RNNClassifier(
        units=8,
        filters=(8, 16, 8),
        normalize=False,
        epochs=20,
        learning_rate=0.02,
        **COMMON,
    ),
    DenseRegressor(units=(8,), epochs=20, learning_rate=0.02, **COMMON),
    DenseClassifier(units=(8,), epochs=20, learning_rate=0.02, **COMMON),
]
# Every setting at its default; the checks set random_state=0 themselves where
# they compare fits, and it is set here for the others, so that a run repeats.
DEFAULTS = [RNNRegressor(random_state=0), RNNClassifier(random_state=0)]

# Reasons a reviewer can check; every other common check must pass.
_SAMPLE_WEIGHT_REASON = (
    "Mini-batch training is not equivalent under integer sample weights and "
    "repeated rows: repeating rows changes the number of rows, hence the "
    "batches, the number of gradient steps per epoch and the shuffling order."
)


def expected_failed_checks(estimator):
    return {
        "check_sample_weight_equivalence_on_dense_data": _SAMPLE_WEIGHT_REASON,
    }


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


# Checks of how input arrives, not of what the training budget learns.
INPUT_HANDLING = {
    "check_estimators_dtypes",
    "check_classifier_data_not_an_array",
    "check_regressor_data_not_an_array",
}


def default_checks():
    """The common checks of the default estimators, less two kinds of repeats.

    Left out, because ``test_sklearn_compatible_estimator`` runs them on the
    same classes and what they test does not depend on the training budget:
    the read-only-memmap and float32 variants of a check (the same fit on the
    same data in another container), the checks of input containers and
    dtypes (the same network fed lists, ints, float32), and the excused
    sample-weight check (an expected failure either way). Every other check
    runs with the defaults.
    """
    for estimator in DEFAULTS:
        excused = expected_failed_checks(estimator)
        for pair in estimator_checks_generator(estimator, legacy=True):
            check = pair[1]
            keywords = getattr(check, "keywords", {})
            if "readonly_memmap" in keywords or "X_dtype" in keywords:
                continue
            name = getattr(check, "func", check).__name__
            if name in excused or name in INPUT_HANDLING:
                continue
            yield pair


def check_id(value) -> str:
    """``RNNClassifier(random_state=0)`` or ``check_fit2d_1sample``."""
    if hasattr(value, "get_params"):
        return repr(value)
    return getattr(value, "func", value).__name__


@pytest.mark.slow
@pytest.mark.parametrize("estimator, check", list(default_checks()), ids=check_id)
def test_default_recurrent_estimators_pass_the_common_checks(estimator, check):
    check(estimator)
