"""Probabilistic heads: predictive distributions and quantiles from a network.

A point network ends in a Dense head that outputs the forecast. A probabilistic
network ends in the same head with more units, turned into the parameters of a
predictive distribution (DeepAR, Salinas et al. 2020) or into a set of quantiles
(MQ-RNN, Wen et al. 2017), and is trained on the negative log-likelihood or on
the pinball loss of its targets.

Heads, by name (:func:`get_head`):

- ``"normal"``: location and scale (``softplus``);
- ``"student_t"``: location, scale and degrees of freedom ``2 + softplus`` (heavy
  tails, a finite variance);
- ``"negative_binomial"``: mean ``mu`` (``softplus``) and shape ``alpha``
  (variance ``mu + alpha mu^2``), for non-negative integer counts;
- :class:`QuantileHead`: quantiles at fixed levels, non-crossing by
  construction (the first, then positive increments).

Scaling (DeepAR): :class:`MeanScale` divides the target columns of each window
by their mean absolute value (1 where that is 0), so one network serves series
of any magnitude; :class:`DistributionParams` rescales the parameters (location
and scale times the window's scale; for the negative binomial ``mu`` times it
and ``alpha`` divided by its square root).

The network outputs (batch, horizon, n_targets, n_params) parameters in the
units of the targets. :class:`DistributionLoss` is the training loss;
:func:`sample_paths` draws future paths of a one-step network by ancestral
sampling in one traced loop. The numpy methods of a head (``mean``,
``quantile``, ``log_prob``, ``draw``) read the parameters back.
"""

from __future__ import annotations

import math
import weakref

import keras
import numpy as np
import tensorflow as tf
from keras import ops
from scipy import stats

from tsrnn.core.quantiles import check_quantiles
from tsrnn.core.validation import as_float_array, check_int, message
from tsrnn.nn.checks import check_target_index
from tsrnn.nn.recursive import append_row, roll_layout

__all__ = [
    "DISTRIBUTIONS",
    "DistributionLoss",
    "DistributionParams",
    "MeanScale",
    "NegativeBinomial",
    "Normal",
    "QuantileHead",
    "StudentT",
    "UnitScale",
    "build_probabilistic",
    "draw",
    "get_head",
    "log_prob",
    "quantiles_of",
    "sample_paths",
]

_EPS = 1e-6


def _softplus(x):
    return tf.nn.softplus(x) + _EPS


class Normal:
    """Normal predictive distribution: parameters ``(loc, scale)``."""

    name = "normal"
    n_params = 2
    discrete = False

    def constrain(self, raw, scale):
        loc = raw[..., 0] * scale
        sigma = _softplus(raw[..., 1]) * scale
        return tf.stack([loc, sigma], axis=-1)

    def nll(self, y, params):
        loc, sigma = params[..., 0], params[..., 1]
        z = (y - loc) / sigma
        return 0.5 * tf.square(z) + tf.math.log(sigma) + 0.5 * math.log(2 * math.pi)

    def draw_tf(self, params, seed):
        z = tf.random.stateless_normal(tf.shape(params)[:-1], seed, dtype=params.dtype)
        return params[..., 0] + params[..., 1] * z

    def mean_tf(self, params):
        return params[..., 0]

    def frozen(self, params: np.ndarray):
        return stats.norm(params[..., 0], params[..., 1])

    def mean(self, params: np.ndarray) -> np.ndarray:
        return params[..., 0]


class StudentT(Normal):
    """Student-t predictive distribution: ``(loc, scale, df)``, ``df > 2``."""

    name = "student_t"
    n_params = 3

    def constrain(self, raw, scale):
        loc = raw[..., 0] * scale
        sigma = _softplus(raw[..., 1]) * scale
        df = 2.0 + _softplus(raw[..., 2])
        return tf.stack([loc, sigma, df], axis=-1)

    def nll(self, y, params):
        loc, sigma, df = params[..., 0], params[..., 1], params[..., 2]
        z = (y - loc) / sigma
        half = 0.5 * (df + 1.0)
        return (
            -tf.math.lgamma(half)
            + tf.math.lgamma(0.5 * df)
            + 0.5 * tf.math.log(df * math.pi)
            + tf.math.log(sigma)
            + half * tf.math.log1p(tf.square(z) / df)
        )

    def draw_tf(self, params, seed):
        # Bailey's polar method (Math. Comp. 62, 1994), exact for any df > 0:
        # a point uniform on the unit disc at squared radius w and angle theta
        # gives cos(theta) * sqrt(df * (w ** (-2 / df) - 1)) ~ t(df). Two
        # uniforms and no rejection, where normal / sqrt(gamma) spends most of
        # a sampled path's time in the gamma draw (measured: 3.3x slower).
        df = params[..., 2]
        u = tf.random.stateless_uniform(
            tf.concat([[2], tf.shape(df)], axis=0), seed, dtype=df.dtype
        )
        w = 1.0 - u[0]  # in (0, 1]: no infinite draw
        theta = (2.0 * math.pi) * u[1]
        t = tf.cos(theta) * tf.sqrt(df * (tf.pow(w, -2.0 / df) - 1.0))
        return params[..., 0] + params[..., 1] * t

    def frozen(self, params: np.ndarray):
        return stats.t(params[..., 2], params[..., 0], params[..., 1])


class NegativeBinomial:
    """Negative binomial counts: ``(mu, alpha)``, variance ``mu + alpha mu^2``."""

    name = "negative_binomial"
    n_params = 2
    discrete = True

    def constrain(self, raw, scale):
        mu = _softplus(raw[..., 0]) * scale
        alpha = _softplus(raw[..., 1]) / tf.sqrt(scale)
        return tf.stack([mu, alpha], axis=-1)

    def nll(self, y, params):
        mu, alpha = params[..., 0], params[..., 1]
        r = 1.0 / alpha
        return -(
            tf.math.lgamma(y + r)
            - tf.math.lgamma(y + 1.0)
            - tf.math.lgamma(r)
            - r * tf.math.log1p(alpha * mu)
            + y * (tf.math.log(alpha * mu) - tf.math.log1p(alpha * mu))
        )

    def draw_tf(self, params, seed):
        # Gamma-Poisson mixture: rate ~ Gamma(1/alpha, scale alpha * mu).
        shape = tf.shape(params)[:-1]
        first, second = tf.unstack(tf.random.experimental.stateless_split(seed, 2))
        mu, alpha = params[..., 0], params[..., 1]
        rate = tf.random.stateless_gamma(shape, first, 1.0 / alpha, dtype=mu.dtype)
        rate = rate * alpha * mu
        return tf.random.stateless_poisson(shape, second, rate, dtype=mu.dtype)

    def mean_tf(self, params):
        return params[..., 0]

    def frozen(self, params: np.ndarray):
        mu, alpha = params[..., 0], params[..., 1]
        return stats.nbinom(1.0 / alpha, 1.0 / (1.0 + alpha * mu))

    def mean(self, params: np.ndarray) -> np.ndarray:
        return params[..., 0]


DISTRIBUTIONS = {cls.name: cls for cls in (Normal, StudentT, NegativeBinomial)}


class QuantileHead:
    """Quantiles at fixed ``levels``, trained on the mean pinball loss.

    The first output is the lowest quantile, the others add positive
    increments (``softplus``), so quantiles never cross.
    """

    name = "quantiles"
    discrete = False

    def __init__(self, levels):
        self.levels = check_quantiles(levels)
        self.n_params = len(self.levels)

    def constrain(self, raw, scale):
        steps = _softplus(raw[..., 1:])
        return (
            tf.concat([raw[..., :1], raw[..., :1] + tf.cumsum(steps, axis=-1)], axis=-1)
            * scale[..., None]
        )

    def nll(self, y, params):
        levels = tf.constant(self.levels, dtype=params.dtype)
        error = y[..., None] - params
        return tf.reduce_mean(tf.maximum(levels * error, (levels - 1.0) * error), -1)

    def quantile(self, params: np.ndarray, levels) -> np.ndarray:
        """Linear interpolation between the learned quantiles, shape + (q,)."""
        levels = np.asarray(levels, dtype=np.float64)
        flat = params.reshape(-1, self.n_params)
        out = np.stack([np.interp(levels, self.levels, row) for row in flat])
        return out.reshape((*params.shape[:-1], len(levels)))

    def mean(self, params: np.ndarray) -> np.ndarray:
        """The median (interpolated when 0.5 is not a learned level)."""
        return self.quantile(params, [0.5])[..., 0]


def get_head(distribution=None, quantiles=None):
    """The head object for ``distribution`` (a name) or ``quantiles`` (levels).

    Examples
    --------
    >>> get_head("student_t").n_params
    3
    >>> get_head(quantiles=[0.1, 0.5, 0.9]).n_params
    3
    """
    if quantiles is not None:
        return QuantileHead(quantiles)
    if distribution not in DISTRIBUTIONS:
        raise ValueError(
            message("distribution", f"one of {list(DISTRIBUTIONS)}", distribution)
        )
    return DISTRIBUTIONS[distribution]()


def _head_from_config(config):
    return get_head(config["distribution"], config["quantiles"])


def _head_config(head):
    if isinstance(head, QuantileHead):
        return {"distribution": None, "quantiles": head.levels.tolist()}
    return {"distribution": head.name, "quantiles": None}


# ----------------------------------------------------------------- layers


@keras.saving.register_keras_serializable(package="tsrnn")
class MeanScale(keras.layers.Layer):
    """Divide the target columns of each window by their mean absolute value.

    Called on ``values`` (batch, timesteps, n_features), it returns
    ``[scaled, scale]``: ``scale`` (batch, n_targets) is the mean of ``|x|`` over
    the window of each target column (1 where that mean is 0, so all-zero
    windows pass unchanged), and ``scaled`` is ``values`` with those columns
    divided by it (other columns as they are), followed by ``log(scale)`` of
    each target at every step, as DeepAR feeds it: (batch, timesteps,
    n_features + n_targets).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[[2.0, 7.0], [-4.0, 7.0]]])
    >>> scaled, scale = MeanScale([0])(x)
    >>> np.asarray(scaled, dtype=float)[0].round(3).tolist()
    [[0.667, 7.0, 1.099], [-1.333, 7.0, 1.099]]
    >>> np.asarray(scale).tolist()
    [[3.0]]
    """

    def __init__(self, target_index, **kwargs):
        super().__init__(**kwargs)
        self.target_index = [int(i) for i in target_index]

    def call(self, values):
        targets = ops.take(values, self.target_index, axis=-1)
        scale = ops.mean(ops.abs(targets), axis=1)
        scale = ops.where(scale > 0, scale, ops.ones_like(scale))
        return [self.rescale(values, scale), scale]

    def rescale(self, values, scale):
        """``values`` (batch, timesteps, n_features) scaled by a given ``scale``.

        What :meth:`call` does after computing the scale: new rows of a window
        rolled forward keep the scale of the window they continue.
        """
        n_features = values.shape[-1]
        scatter = np.zeros((len(self.target_index), n_features), dtype="float32")
        scatter[np.arange(len(self.target_index)), self.target_index] = 1.0
        scatter = ops.cast(scatter, values.dtype)
        # 1 on the other columns, the scale on the target columns.
        divisor = 1.0 + ops.matmul(scale - 1.0, scatter)
        scaled = values / ops.expand_dims(divisor, 1)
        # DeepAR also feeds log(scale): the network then knows the magnitude
        # it has divided out (measured: the learned spread was 10 % too wide
        # on i.i.d. data without it).
        log_scale = ops.expand_dims(ops.log(scale), 1) * ops.ones_like(scaled[:, :, :1])
        return ops.concatenate([scaled, log_scale], axis=-1)

    def compute_output_shape(self, input_shape):
        k = len(self.target_index)
        steps = (*input_shape[:-1], input_shape[-1] + k)
        return [steps, (input_shape[0], k)]

    def get_config(self):
        config = super().get_config()
        config.update(target_index=self.target_index)
        return config


@keras.saving.register_keras_serializable(package="tsrnn")
class UnitScale(keras.layers.Layer):
    """``[values, ones (batch, n_targets)]``: no scaling, for targets not in the input.

    Examples
    --------
    >>> import numpy as np
    >>> _, scale = UnitScale(2)(np.zeros((3, 4, 1)))
    >>> np.asarray(scale).shape
    (3, 2)
    """

    def __init__(self, n_targets, **kwargs):
        super().__init__(**kwargs)
        self.n_targets = int(n_targets)

    def call(self, values):
        ones = ops.ones((ops.shape(values)[0], self.n_targets), dtype=values.dtype)
        return [values, ones]

    def rescale(self, values, scale):
        """``values`` unchanged (as :meth:`MeanScale.rescale`)."""
        return values

    def compute_output_shape(self, input_shape):
        return [tuple(input_shape), (input_shape[0], self.n_targets)]

    def get_config(self):
        config = super().get_config()
        config.update(n_targets=self.n_targets)
        return config


@keras.saving.register_keras_serializable(package="tsrnn")
class DistributionParams(keras.layers.Layer):
    """Turn a head's raw outputs into distribution parameters in target units.

    Called on ``[raw, scale]``: ``raw`` (batch, horizon, n_targets * n_params)
    and ``scale`` (batch, n_targets) from :class:`MeanScale`; returns
    (batch, horizon, n_targets, n_params).
    """

    def __init__(self, distribution=None, quantiles=None, **kwargs):
        super().__init__(**kwargs)
        self.head = get_head(distribution, quantiles)

    def call(self, inputs):
        raw, scale = inputs
        n_params = self.head.n_params
        shape = ops.shape(raw)
        raw = ops.reshape(raw, (shape[0], shape[1], -1, n_params))
        scale = ops.expand_dims(ops.cast(scale, raw.dtype), 1)
        return self.head.constrain(raw, scale)

    def compute_output_shape(self, input_shape):
        batch, horizon, width = input_shape[0]
        n_params = self.head.n_params
        return (batch, horizon, width // n_params, n_params)

    def get_config(self):
        config = super().get_config()
        config.update(_head_config(self.head))
        return config


@keras.saving.register_keras_serializable(package="tsrnn")
class DistributionLoss(keras.losses.Loss):
    """Negative log-likelihood (or mean pinball loss) of the targets.

    ``y_true`` (batch, horizon, n_targets); ``y_pred`` the parameters
    (batch, horizon, n_targets, n_params). The loss of each step is the mean
    over its targets, so per-step sample weights apply.
    """

    def __init__(self, distribution=None, quantiles=None, name="nll", **kwargs):
        super().__init__(name=name, **kwargs)
        self.head = get_head(distribution, quantiles)

    def call(self, y_true, y_pred):
        y_true = tf.cast(y_true, y_pred.dtype)
        return tf.reduce_mean(self.head.nll(y_true, y_pred), axis=-1)

    def get_config(self):
        config = super().get_config()
        config.update(_head_config(self.head))
        return config


def build_probabilistic(
    network_builder,
    input_shape,
    horizon,
    n_targets,
    *,
    distribution=None,
    quantiles=None,
    target_index=None,
    scaling=True,
    every_step=False,
    name=None,
    **kwargs,
):
    """Wrap a point network builder into a probabilistic network.

    The window goes through :class:`MeanScale` (which appends ``log(scale)``
    columns), then the network that ``network_builder((timesteps, n_features +
    n_targets), (horizon, n_targets * n_params), **kwargs)`` returns (e.g.
    :func:`tsrnn.build_rnn`), then :class:`DistributionParams`.

    Parameters
    ----------
    network_builder : callable
        A builder of :mod:`tsrnn.nn.builders` with a linear head.
    input_shape : tuple (timesteps, n_features)
    horizon, n_targets : int
        The output is (batch, horizon, n_targets, n_params).
    distribution : {"normal", "student_t", "negative_binomial"}, default=None
    quantiles : sequence of float, default=None
        Levels of a quantile head (instead of ``distribution``).
    target_index : sequence of int, default=None
        Input columns holding the targets, scaled by :class:`MeanScale`
        (default: the first ``n_targets``).
    scaling : bool, default=True
        False: no window scaling (:class:`UnitScale`), for targets that are
        not among the inputs.
    every_step : bool, default=False
        A distribution after every row of the window (DeepAR's training), not
        only after the last: ``network_builder`` is called with
        ``return_sequences=True`` and ``horizon`` must be the window's
        ``timesteps``; the output after row ``t`` is the forecast of row
        ``t + 1``, and the last one that of the step after the window.
    name : str, default=None

    Returns
    -------
    keras.Model

    Examples
    --------
    >>> from tsrnn.nn.builders import build_rnn
    >>> model = build_probabilistic(build_rnn, (12, 1), 1, 1,
    ...                             distribution="normal", units=4, seed=0)
    >>> model.output_shape
    (None, 1, 1, 2)
    """
    head = get_head(distribution, quantiles)
    horizon = check_int("horizon", horizon)
    n_targets = check_int("n_targets", n_targets)
    values = keras.Input(tuple(input_shape), name="values")
    if scaling:
        targets = check_target_index(target_index, n_targets, input_shape[-1])
        scaled, scale = MeanScale(targets, name="mean_scale")(values)
        inner_shape = (input_shape[0], input_shape[1] + n_targets)
    else:
        scaled, scale = UnitScale(n_targets, name="unit_scale")(values)
        inner_shape = tuple(input_shape)
    if every_step:
        if horizon != input_shape[0]:
            raise ValueError(
                f"`horizon` must be the window's timesteps ({input_shape[0]}) "
                f"with every_step=True (one forecast after every row). Got "
                f"horizon={horizon}."
            )
        inner = network_builder(
            inner_shape, n_targets * head.n_params, return_sequences=True, **kwargs
        )
    else:
        inner = network_builder(
            inner_shape, (horizon, n_targets * head.n_params), **kwargs
        )
    raw = inner(scaled)
    params = DistributionParams(**_head_config(head), name="distribution")([raw, scale])
    return keras.Model(values, params, name=name or f"{inner.name}_{head.name}")


# ---------------------------------------------------------------- sampling


def sample_paths(
    model,
    head,
    X,
    steps,
    n_paths,
    *,
    seed,
    target_index=None,
    future=None,
    carry_state=False,
    every_step=False,
):
    """Draw future paths of a one-step probabilistic network (ancestral sampling).

    Every window of ``X`` is repeated ``n_paths`` times and all copies roll
    forward together in one traced loop: the network gives the distribution of
    the next step, a draw from it fills the target columns of a new row (the
    other columns from ``future``), and the row is fed back, for ``steps``
    steps. ``n_paths=0`` is refused; ``n_paths=None`` feeds back the mean
    instead of a draw (the point forecast).

    How a row is fed back:

    - ``carry_state=False`` (re-read): the row is appended to the window, the
      oldest row drops out and the network reads the whole window again, as it
      did in training; ``width`` recurrent steps per step and path.
    - ``carry_state=True`` (DeepAR): each window is read once per series, and
      its final recurrent state starts all its paths; a step is then one
      recurrent step per path, at the observed window's scale. Far faster for
      wide windows; the network sees the window plus the fed rows (see
      :mod:`tsrnn.nn.stepping`). Needs one-directional recurrent layers.

    The first step, and the draws of every step's random numbers, are the same
    either way.

    Parameters
    ----------
    model : keras.Model
        From :func:`build_probabilistic` with ``horizon=1``.
    head : distribution head of ``model`` (:func:`get_head`).
    X : array-like of shape (n, width, n_features)
        Not modified.
    steps : int
    n_paths : int or None
    seed : int
        Seeds every draw: the same seed gives the same paths.
    target_index : sequence of int, default=None
        Columns the draws fill (default: the first ``n_targets``).
    future : array-like of shape (n, steps, n_features - n_targets), default=None
        Known-future values of the other columns.
    carry_state : bool, default=False
    every_step : bool, default=False
        ``model`` forecasts after every row (:func:`build_probabilistic` with
        ``every_step=True``): the output after the last row is read. Such a
        network was trained on the state after every row, so a carried state
        stays in the conditions it was trained in.

    Returns
    -------
    ndarray of shape (n, steps, n_targets, n_paths), or (n, steps, n_targets)
    with ``n_paths=None``.
    """
    X = as_float_array("X", X, ndim=(3,))
    steps = check_int("steps", steps)
    if n_paths is not None:
        n_paths = check_int("n_paths", n_paths)
    n = len(X)
    horizon, n_targets = model.output_shape[1:3]
    if horizon != (X.shape[1] if every_step else 1):
        raise ValueError(
            "`model` must forecast one step to be rolled forward (or one after "
            "every row with every_step=True). Got a model of horizon "
            f"{horizon} for windows of {X.shape[1]} rows. Sample its steps "
            "directly instead."
        )
    order, future = roll_layout(X, steps, n_targets, target_index, future)
    copies = 1 if n_paths is None else n_paths
    dtype = model.inputs[0].dtype
    seed = tf.constant([int(seed) % (2**31 - 1), 0], dtype=tf.int64)
    if not isinstance(carry_state, bool | np.bool_):
        raise ValueError(message("carry_state", "True or False", carry_state))
    if carry_state:
        roll = _stepping_function(model, head, order, n_paths is None)
    else:
        roll = _sampling_function(model, head, order, n_paths is None)
    # Windows x paths in calls of about _ROWS_PER_CALL rows: the state and
    # gates of a call stay in cache (measured: 1,000 series x 1,000 paths ran
    # 1.5x faster in calls of 25 series than in one). Each call after the
    # first folds its index into the seed, so no two calls share draws.
    per_call = max(1, _ROWS_PER_CALL // copies)
    parts = []
    for index, first in enumerate(range(0, n, per_call)):
        rows = slice(first, first + per_call)
        call_seed = seed
        if index:
            call_seed = tf.cast(
                tf.random.experimental.stateless_fold_in(seed, index), tf.int64
            )
        ahead = tf.convert_to_tensor(
            np.repeat(future[rows], copies, axis=0), dtype=dtype
        )
        if carry_state:
            window = tf.convert_to_tensor(X[rows], dtype=dtype)
            out = roll(window, ahead, call_seed, tf.constant(copies, tf.int32))
        else:
            window = tf.convert_to_tensor(
                np.repeat(X[rows], copies, axis=0), dtype=dtype
            )
            out = roll(window, ahead, call_seed)
        parts.append(out.numpy().astype(np.float64))
    out = np.concatenate(parts)
    if n_paths is None:
        return out
    return np.moveaxis(out.reshape(n, copies, steps, n_targets), 1, -1)


_ROLLS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_ROWS_PER_CALL = 25_000


def _next_value(head, params, seed, step, use_mean):
    """The mean, or a draw seeded by ``seed`` and the step, of ``params``."""
    if use_mean:
        return head.mean_tf(params)
    step_seed = seed + tf.stack([0, tf.cast(step, tf.int64) + 1])
    return head.draw_tf(params, step_seed)


def _sampling_function(model, head, order: tuple, use_mean: bool):
    cache = _ROLLS.setdefault(model, {})
    key = (head.name, order, use_mean)
    if key not in cache:
        permutation = tf.constant(order, dtype=tf.int32)

        @tf.function(reduce_retracing=True)
        def roll(window, ahead, seed):
            steps = tf.shape(ahead)[1]
            draws = tf.TensorArray(window.dtype, size=steps)
            for step in tf.range(steps):
                params = tf.cast(model(window, training=False)[:, -1], window.dtype)
                y = _next_value(head, params, seed, step, use_mean)
                draws = draws.write(step, y)
                window = append_row(window, y, ahead[:, step], permutation)
            return tf.transpose(draws.stack(), (1, 0, 2))

        cache[key] = roll
    return cache[key]


def _stepping_function(model, head, order: tuple, use_mean: bool):
    cache = _ROLLS.setdefault(model, {})
    key = ("carry", head.name, order, use_mean)
    if key not in cache:
        from tsrnn.nn.stepping import stepper  # stepping reads this module

        plan = stepper(model)
        if plan is None:
            raise ValueError(
                "`carry_state` must be False for this network: only "
                "one-directional recurrent layers have a state to carry (a "
                "bidirectional layer reads the window backwards). Got "
                "carry_state=True."
            )
        permutation = tf.constant(order, dtype=tf.int32)

        @tf.function(reduce_retracing=True)
        def roll(window, ahead, seed, copies):
            # The window once per series, then its state copied to every path.
            scaled, scale = plan.scale(window)
            states = plan.initial_states(tf.shape(window)[0])
            output, states = plan.step(scaled[:, 0], states)
            for t in tf.range(1, tf.shape(window)[1]):
                output, states = plan.step(scaled[:, t], states)
            output = tf.repeat(output, copies, axis=0)
            states = tf.nest.map_structure(
                lambda s: tf.repeat(s, copies, axis=0), states
            )
            scale = tf.repeat(scale, copies, axis=0)
            steps = tf.shape(ahead)[1]
            draws = tf.TensorArray(window.dtype, size=steps)
            for step in tf.range(steps):
                params = tf.cast(plan.distribution(output, scale), window.dtype)
                y = _next_value(head, params, seed, step, use_mean)
                draws = draws.write(step, y)
                row = tf.gather(
                    tf.concat([y, ahead[:, step]], axis=1), permutation, axis=1
                )
                row = plan.scale.rescale(row[:, None, :], scale)[:, 0]
                output, states = plan.step(row, states)
            return tf.transpose(draws.stack(), (1, 0, 2))

        cache[key] = roll
    return cache[key]


def log_prob(head, params: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Log density (log mass for counts) of ``y`` under ``params``, float64."""
    frozen = head.frozen(params.astype(np.float64))
    if head.discrete:
        return frozen.logpmf(y)
    return frozen.logpdf(y)


def quantiles_of(head, params: np.ndarray, levels) -> np.ndarray:
    """Quantiles at ``levels``, shape ``params.shape[:-1] + (q,)``."""
    if isinstance(head, QuantileHead):
        return head.quantile(params, levels)
    frozen = head.frozen(params.astype(np.float64)[..., None, :])
    return frozen.ppf(np.asarray(levels, dtype=np.float64))


def draw(head, params: np.ndarray, n_paths: int, rng) -> np.ndarray:
    """``n_paths`` independent draws, shape ``params.shape[:-1] + (m,)``."""
    if isinstance(head, QuantileHead):
        # Inverse-CDF sampling between the learned quantiles (flat beyond them).
        u = rng.uniform(size=(*params.shape[:-1], n_paths))
        flat_p = params.reshape(-1, head.n_params)
        flat_u = u.reshape(len(flat_p), n_paths)
        out = np.stack(
            [
                np.interp(uu, head.levels, p)
                for uu, p in zip(flat_u, flat_p, strict=True)
            ]
        )
        return out.reshape(u.shape)
    frozen = head.frozen(params.astype(np.float64)[..., None, :])
    shape = (*params.shape[:-1], n_paths)
    return frozen.rvs(size=shape, random_state=rng).astype(np.float64)
