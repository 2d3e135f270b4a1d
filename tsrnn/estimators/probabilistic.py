"""Predictive distributions for :class:`~tsrnn.RNNRegressor`: likelihood heads.

``RNNRegressor(distribution="normal" | "student_t" | "negative_binomial")``
trains its network by maximum likelihood and ``RNNRegressor(quantiles=[...])``
on the mean pinball loss of those levels (see :mod:`tsrnn.nn.distributions`).
Both scale each window by the mean absolute value of its target columns (the
first ``k`` input features, as DeepAR does) and rescale the outputs, so one
network serves series of any magnitude (when ``y`` has more columns than ``X``
has features, the targets are not among the inputs and nothing is scaled).

:class:`ProbabilisticMixin` gives the regressor what a distribution answers:

- ``predict``: the mean of the distribution (the median of a quantile head);
- ``predict_quantiles(X, quantiles)``: quantiles at any levels;
- ``sample(X, n_paths, random_state)``: draws of every step of the forecast;
- ``sample_recursive(X, steps, n_paths, ...)``: future paths of a one-step
  model by ancestral sampling (each draw fed back in);
- ``log_likelihood(X, y)``: the log density of observed targets, the sequence
  score used to flag unusual history.

Sample arrays carry the paths on their last axis, as
:func:`tsrnn.metrics.crps_from_samples` reads them.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_array, check_is_fitted

from tsrnn.core.quantiles import check_quantiles
from tsrnn.core.validation import check_int, message
from tsrnn.estimators.training import predict_in_chunks
from tsrnn.nn import distributions
from tsrnn.nn.builders import build_rnn
from tsrnn.nn.compile import compile_model

__all__ = ["DISTRIBUTION_NAMES", "ProbabilisticMixin"]

DISTRIBUTION_NAMES = (None, "normal", "student_t", "negative_binomial")


class ProbabilisticMixin:
    """Distribution and quantile heads of a recurrent regressor.

    Needs the parameters ``distribution`` and ``quantiles`` and the recurrent
    settings of :func:`tsrnn.build_rnn` on the estimator.
    """

    @property
    def _probabilistic(self) -> bool:
        return self.distribution is not None or self.quantiles is not None

    def _head(self):
        return distributions.get_head(self.distribution, self.quantiles)

    # ------------------------------------------------------------ fit hooks

    def _check_head_params(self):
        """Settings that a distribution or quantile head cannot honour."""
        if self.every_step is True and not self._probabilistic:
            raise ValueError(
                message(
                    "every_step",
                    "'auto' or False without a distribution (it trains a "
                    "forecast distribution after every row, DeepAR's way)",
                    self.every_step,
                    "Set distribution='normal' (or 'student_t', "
                    "'negative_binomial'), or every_step='auto'.",
                )
            )
        if not self._probabilistic:
            return
        if self.distribution is not None and self.quantiles is not None:
            raise ValueError(
                message(
                    "quantiles",
                    "None when distribution is set (a quantile head replaces "
                    "the distribution)",
                    self.quantiles,
                    "Set one of distribution or quantiles.",
                )
            )
        if self.quantiles is not None:
            check_quantiles(self.quantiles)
        which = "distribution" if self.distribution is not None else "quantiles"
        if self.every_step is True and self.bidirectional:
            raise ValueError(
                message(
                    "every_step",
                    "'auto' or False with bidirectional=True (the backward "
                    "direction would read the very rows each step forecasts)",
                    self.every_step,
                    "Set bidirectional=False, or every_step='auto'.",
                )
            )
        if self.every_step is True and self.quantiles is not None:
            raise ValueError(
                message(
                    "every_step",
                    "'auto' or False with quantiles set (a quantile head "
                    "forecasts direct steps; every_step trains a one-step "
                    "distribution)",
                    self.every_step,
                    "Use distribution='normal' (or 'student_t', "
                    "'negative_binomial') with every_step=True.",
                )
            )
        for name, default in {
            "architecture": "rnn",
            "return_sequences": False,
            "instance_norm": False,
        }.items():
            if getattr(self, name) != default:
                raise ValueError(
                    message(
                        name,
                        f"{default!r} with {which} set (the probabilistic head "
                        "scales each window itself and reads its final state)",
                        getattr(self, name),
                        f"Leave {name} at {default!r}, or set {which}=None.",
                    )
                )

    def _head_targets(self, y, steps):
        """Targets (n, horizon, k) float32, output (horizon, k, n_params), y shape."""
        y = check_array(
            y, ensure_2d=False, allow_nd=True, dtype=np.float64, input_name="y"
        )
        if y.ndim > 3:
            raise ValueError(
                f"`y` must be 1-D (n,), 2-D (n, k) or 3-D (n, horizon, k). Got y "
                f"with shape {y.shape}."
            )
        if self.distribution == "negative_binomial":
            bad = (y < 0) | (y != np.round(y))
            if bad.any():
                position = tuple(int(i) for i in np.argwhere(bad)[0])
                raise ValueError(
                    "`y` must hold non-negative integer counts with "
                    f"distribution='negative_binomial'. Got y={float(y[position])!r} "
                    f"at position {position}. Use distribution='normal' or "
                    "'student_t' for real values; in a Forecaster, leave out "
                    "transforms and scalers that change the counts."
                )
        targets = y.reshape(len(y), 1, 1) if y.ndim == 1 else y
        targets = targets[:, np.newaxis, :] if targets.ndim == 2 else targets
        output_shape = (*targets.shape[1:], self._head().n_params)
        return targets.astype(np.float32), output_shape, y.shape[1:]

    @property
    def _every_step_fitted(self) -> bool:
        """Whether the fitted network forecasts after every row (``every_step_``)."""
        return getattr(self, "every_step_", False)

    def _expand_targets(self, values, targets, output_shape):
        """With ``every_step``: the next row's targets after every row (DeepAR).

        ``targets`` (n, 1, k) is the step after each window; the targets after
        row ``t < timesteps`` are the target columns (the first ``k``) of row
        ``t + 1`` of the window itself. Sets ``every_step_``.
        """
        if not self._probabilistic:
            return targets, output_shape
        horizon, k, n_params = output_shape
        one_step = horizon == 1 and k <= values.shape[2]
        if self.every_step is True and not one_step:
            raise ValueError(
                "`y` must be one step of targets that are the first columns of "
                "X with every_step=True (the network learns the next row after "
                f"every row). Got y of {horizon} step(s) and {k} target(s) for "
                f"X with {values.shape[2]} feature(s). Set every_step='auto' "
                "(every step where it applies) or False."
            )
        # A bidirectional network would see the rows it forecasts: last row.
        self.every_step_ = bool(
            one_step
            and self.quantiles is None
            and not self.bidirectional
            and self.every_step in (True, "auto")
        )
        if not self.every_step_:
            return targets, output_shape
        steps = np.concatenate(
            [np.asarray(values[:, 1:, :k], dtype=np.float32), targets], axis=1
        )
        return steps, (steps.shape[1], k, n_params)

    def _build_head_network(self, values_shape, output_shape, *, masking, seed):
        if masking:
            raise ValueError(
                "`X` must hold windows of one width with a distribution or "
                "quantile head (the window scale is a mean over its steps). Got "
                "sequences of unequal lengths. Pad them to one width first."
            )
        horizon, n_targets, _ = output_shape
        model = distributions.build_probabilistic(
            build_rnn,
            tuple(values_shape[1:]),
            horizon,
            n_targets,
            distribution=self.distribution,
            quantiles=self.quantiles,
            # y with more columns than X: the targets are not among the
            # inputs, so there is no window scale to read.
            scaling=n_targets <= values_shape[2],
            every_step=self.every_step_,
            cell=self.cell,
            units=self.units,
            bidirectional=self.bidirectional,
            dropout=self.dropout,
            recurrent_dropout=self.recurrent_dropout,
            layer_norm=self.layer_norm,
            seed=seed,
        )
        loss = distributions.DistributionLoss(self.distribution, self.quantiles)
        model = compile_model(
            model,
            task="regression",
            loss=loss,
            learning_rate=self.learning_rate,
            clipnorm=self.clipnorm,
            jit_compile=self.jit_compile,
            metrics=[],
        )
        model.optimizer.build(model.trainable_variables)
        return model

    # ------------------------------------------------------------- outputs

    def _check_head(self, method: str):
        check_is_fitted(self)
        if not self._probabilistic:
            raise ValueError(
                f"`{method}` needs a predictive distribution; this "
                f"{type(self).__name__} was fitted with distribution=None and "
                "quantiles=None (a point forecast). Set distribution='normal' (or "
                "'student_t', 'negative_binomial') or quantiles=[...] and refit."
            )

    def predict_params(self, X):
        """Parameters of the predictive distribution of every output.

        Parameters
        ----------
        X : array-like of shape (n, timesteps) or (n, timesteps, n_features)

        Returns
        -------
        ndarray of shape (n, horizon, n_targets, n_params)
            Normal: (loc, scale); Student-t: (loc, scale, df); negative
            binomial: (mu, alpha); quantile head: the quantiles at
            ``quantiles``. In the units of ``y``; ``horizon`` is 1 for a
            one-step ``y``.
        """
        self._check_head("predict_params")
        inputs, n = self._validate_predict_input(X)
        params = predict_in_chunks(self.model_, inputs, n, self._chunk_rows())
        params = params.astype(np.float64)
        # An every-step network: the forecast after the last row.
        return params[:, -1:] if self._every_step_fitted else params

    def _point(self, params):
        """Mean (median of a quantile head) in the shape of the fit ``y``."""
        mean = self._head().mean(params)
        return mean.reshape((len(mean), *self._fit_record.y_shape))

    def _reshape_last(self, array):
        """(n, horizon, k, m) -> (n, *y.shape[1:], m)."""
        return array.reshape((len(array), *self._fit_record.y_shape, array.shape[-1]))

    def predict_quantiles(self, X, quantiles):
        """Quantiles of the predictive distribution of every output.

        Parameters
        ----------
        X : array-like of shape (n, timesteps) or (n, timesteps, n_features)
        quantiles : float or sequence of float
            Strictly increasing levels in (0, 1). A quantile head interpolates
            linearly between its learned levels and is flat beyond them.

        Returns
        -------
        ndarray of shape (n, *y.shape[1:], n_quantiles)

        Examples
        --------
        >>> import numpy as np
        >>> from tsrnn import RNNRegressor
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(64, 6, 1))
        >>> model = RNNRegressor(distribution="normal", units=4, epochs=2,
        ...                      jit_compile=False, random_state=0)
        >>> model.fit(X, rng.normal(size=64)).predict_quantiles(X[:3], [0.1, 0.9]).shape
        (3, 2)
        """
        self._check_head("predict_quantiles")
        levels = check_quantiles(quantiles)
        params = self.predict_params(X)
        values = distributions.quantiles_of(self._head(), params, levels)
        return self._reshape_last(values)

    def sample(self, X, n_paths=100, random_state=None):
        """Draws of the predictive distribution of every output.

        The steps of a multi-step ``y`` are drawn independently from their
        marginal distributions; for paths whose steps depend on each other,
        roll a one-step model with :meth:`sample_recursive`.

        Parameters
        ----------
        X : array-like of shape (n, timesteps) or (n, timesteps, n_features)
        n_paths : int, default=100
            Draws per output.
        random_state : int, RandomState instance or None, default=None
            Seeds the draws: the same seed gives the same samples.

        Returns
        -------
        ndarray of shape (n, *y.shape[1:], n_paths)
        """
        self._check_head("sample")
        n_paths = check_int("n_paths", n_paths)
        params = self.predict_params(X)
        rng = np.random.default_rng(_seed(random_state))
        values = distributions.draw(self._head(), params, n_paths, rng)
        return self._reshape_last(values)

    def sample_recursive(
        self,
        X,
        steps,
        n_paths=100,
        *,
        target_index,
        future=None,
        random_state=None,
        carry_state="auto",
    ):
        """Future paths of a one-step model by ancestral sampling.

        Each window is repeated ``n_paths`` times; all copies of all windows
        roll forward in one traced loop (see
        :func:`tsrnn.nn.distributions.sample_paths`): each step is drawn from
        the predicted distribution and written into the ``target_index``
        columns of the next row. Values are in the units the network was
        trained in.

        Parameters
        ----------
        X : array-like of shape (n, timesteps, n_features)
            The last observed windows (2-D when fitted on 2-D X). Not modified.
        steps : int
            Steps of every path.
        n_paths : int, default=100
        target_index : int or sequence of int
            Columns of ``X`` the draws fill, in output order.
        future : array-like of shape (n, steps, n_features - n_targets), default=None
            Known-future values of the other columns.
        random_state : int, RandomState instance or None, default=None
        carry_state : bool or "auto", default="auto"
            False: every step re-reads the rolled window. True: each window is
            read once and its recurrent state carried forward one row per
            step, at the window's scale (DeepAR's way; ``width`` times fewer
            recurrent steps; needs ``bidirectional=False``). "auto": True for
            a network trained after every row (``every_step_``), which is what
            a carried state continues; False otherwise (a network trained
            after the last row only drifts when its state runs past the
            window). See :func:`tsrnn.nn.distributions.sample_paths`.

        Returns
        -------
        ndarray of shape (n, steps, n_targets, n_paths)
        """
        self._check_recursive_head("sample_recursive")
        n_paths = check_int("n_paths", n_paths)
        values, _ = self._validate_predict_input(X)
        return distributions.sample_paths(
            self.model_,
            self._head(),
            values,
            steps,
            n_paths,
            seed=_seed(random_state),
            target_index=target_index,
            future=future,
            carry_state=self._carry_state(carry_state),
            every_step=self._every_step_fitted,
        )

    def _carry_state(self, carry_state) -> bool:
        """``carry_state`` of :meth:`sample_recursive`, "auto" resolved."""
        if isinstance(carry_state, str) and carry_state == "auto":
            return self._every_step_fitted
        if not isinstance(carry_state, bool | np.bool_):
            raise ValueError(
                message("carry_state", "'auto', True or False", carry_state)
            )
        return bool(carry_state)

    def _check_recursive_head(self, method: str):
        self._check_head(method)
        if self.quantiles is not None:
            raise ValueError(
                f"`{method}` needs a distribution to draw from; a quantile head "
                "(quantiles=[...]) is meant for direct multi-step forecasts. Use "
                "distribution='normal' (or 'student_t', 'negative_binomial')."
            )
        if self.model_.output_shape[1] != 1 and not self._every_step_fitted:
            raise ValueError(
                f"`{method}` needs a one-step model; this {type(self).__name__} "
                f"forecasts {self.model_.output_shape[1]} steps at once. Use "
                "sample(X, n_paths) for its steps."
            )

    def log_likelihood(self, X, y):
        """Log density (log probability for counts) of ``y`` under the forecast.

        The sequence score of a history: slide windows over it and a low log
        likelihood flags a step the model found unlikely (an anomaly score, in
        nats; the training loss is its negative mean).

        Parameters
        ----------
        X : array-like of shape (n, timesteps) or (n, timesteps, n_features)
        y : array-like of the shape of the ``y`` given to ``fit``

        Returns
        -------
        ndarray of shape (n, *y.shape[1:])
        """
        self._check_head("log_likelihood")
        if self.quantiles is not None:
            raise ValueError(
                "`log_likelihood` needs a distribution; a quantile head has no "
                "density. Use distribution='normal' (or 'student_t', "
                "'negative_binomial')."
            )
        params = self.predict_params(X)
        y = check_array(
            y, ensure_2d=False, allow_nd=True, dtype=np.float64, input_name="y"
        )
        expected = (len(params), *self._fit_record.y_shape)
        if y.shape != expected:
            raise ValueError(
                f"`y` must have shape {expected}, one row per window like the y "
                f"passed to fit. Got y with shape {y.shape}."
            )
        values = distributions.log_prob(
            self._head(), params, y.reshape(params.shape[:-1])
        )
        return values.reshape(expected)


def _seed(random_state) -> int:
    return int(check_random_state(random_state).randint(0, 2**31 - 1))
