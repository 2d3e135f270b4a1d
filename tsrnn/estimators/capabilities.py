"""What an estimator can do for a forecaster, declared through scikit-learn tags.

A forecaster must know, before it fits, how to feed an estimator and how to get a
horizon out of it: as 3-D windows or flat rows, with known-future inputs for a
decoder or not, rolled forward step by step or not. Each tsrnn estimator declares
this in its ``__sklearn_tags__`` as :class:`ForecastingTags` (the ``forecasting``
field of :class:`EstimatorTags`, scikit-learn's :class:`~sklearn.utils.Tags` plus
that one field); :func:`forecasting_tags` reads it back from any regressor, so the
forecasting layer never inspects parameters or Keras models to find out.

No Keras or TensorFlow here: reading capabilities must stay as cheap as
``import tsrnn``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from sklearn.utils import Tags, get_tags

__all__ = ["EstimatorTags", "ForecastingTags", "forecasting_tags", "with_forecasting"]


@dataclass(frozen=True)
class ForecastingTags:
    """How a forecaster can use an estimator.

    Parameters
    ----------
    three_d_input : bool, default=False
        ``fit`` and ``predict`` read windows as (n, input_width, n_features);
        otherwise a forecaster passes flat rows (n, input_width * n_features).
    future_inputs : bool, default=False
        ``fit`` and ``predict`` take the keyword ``X_future`` of shape (n,
        horizon, F), the known-future inputs of a decoder: an encoder-decoder.
    recursive : bool, default=False
        The estimator has ``predict_recursive(X, steps, *, target_index,
        future=None)``, which rolls its one-step model forward in one traced
        loop.
    probabilistic : bool, default=False
        The estimator forecasts a predictive distribution and has ``sample(X,
        n_paths, random_state)`` (draws of every output, paths on the last
        axis) and, when ``recursive``, ``sample_recursive(X, steps, n_paths, *,
        target_index, future=None, random_state=None)`` (ancestral sampling;
        a quantile head refuses it: it has no distribution to draw from).
    short_inputs : bool, default=False
        ``predict`` accepts a list of windows shorter than the training width
        (for series too short for a full window): they are padded and
        masked, so the recurrent state carries over the padding unchanged and
        a padded window gives the output of the unpadded one.

    Examples
    --------
    >>> ForecastingTags(three_d_input=True).recursive
    False
    """

    three_d_input: bool = False
    future_inputs: bool = False
    recursive: bool = False
    probabilistic: bool = False
    short_inputs: bool = False


@dataclass(slots=True)
class EstimatorTags(Tags):
    """scikit-learn's :class:`~sklearn.utils.Tags` with the forecasting capabilities."""

    forecasting: ForecastingTags = field(default_factory=ForecastingTags)


def with_forecasting(tags: Tags, forecasting: ForecastingTags) -> EstimatorTags:
    """``tags`` as :class:`EstimatorTags` declaring ``forecasting``.

    The nested tag objects are shared, not copied: an estimator's
    ``__sklearn_tags__`` builds fresh ones on every call.
    """
    values = {item.name: getattr(tags, item.name) for item in dataclasses.fields(Tags)}
    return EstimatorTags(**values, forecasting=forecasting)


def forecasting_tags(estimator) -> ForecastingTags:
    """The forecasting capabilities of ``estimator``, any scikit-learn regressor.

    A tsrnn estimator returns what its ``__sklearn_tags__`` declares. Any other
    estimator has no future inputs and no recursive method; it reads 3-D windows
    if its scikit-learn tags say so (``input_tags.three_d_array``). An object
    without scikit-learn tags has none of these capabilities.

    Parameters
    ----------
    estimator : estimator instance

    Returns
    -------
    ForecastingTags

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> tags = forecasting_tags(Ridge())
    >>> tags.three_d_input, tags.recursive, tags.probabilistic
    (False, False, False)
    """
    try:
        tags = get_tags(estimator)
    except (AttributeError, TypeError):
        return ForecastingTags()
    if isinstance(tags, EstimatorTags):
        return tags.forecasting
    return ForecastingTags(three_d_input=bool(tags.input_tags.three_d_array))
