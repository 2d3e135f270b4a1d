"""Hyperparameter search for a recurrent candidate, with Optuna.

:class:`~tsrnn.forecasting.auto.AutoForecaster` ``(n_trials=N)`` adds one
candidate, ``recurrent_tuned``, to its fixed ones: a global recurrent network
whose design is searched by Optuna (``pip install "tsrnn[tune]"``) on the same
rolling-origin validation folds that choose the ensembles. Each trial fits one
network per fold (seeded from ``random_state``) and scores its mean MASE; the
best trial's network joins the leaderboard, and the ensembles, like any other
candidate, and is refitted with ``n_seeds`` seeds.

The search space (:func:`suggest`), around the fixed candidates of
:mod:`tsrnn.forecasting.candidates`:

===================  ==========================================================
``strategy``         ``"direct"`` (log, deseasonalized, window level) or
                     ``"recursive"`` (log, seasonal difference, scale)
``cell``             ``"gru"`` or ``"lstm"``
``units``            16, 32 or 64
``seasons``          input width in seasons: 1, 2 or 3 (see
                     :func:`~tsrnn.forecasting.candidates.input_width`)
``budget``           0.5, 1 or 2 times the default training steps
``learning_rate``    3e-4 to 3e-3, log-uniform
``level``            direct only: the window's last value or its mean
``deseasonalize``    direct only: take each series' seasonal profile out or not
===================  ==========================================================

The fixed recurrent candidates already scored seed the search (Optuna's
``add_trial``), so the first trials go where they leave room. A trial whose
first fold scores worse than the median of the trials before it at that fold
is pruned (``MedianPruner``) and costs one fit instead of ``n_folds``.

The search is reproducible: the sampler is seeded, and every trial's networks
are seeded, so a ``random_state`` with ``n_trials`` gives the same trials and
forecasts. Under a ``time_budget`` the number of trials that fit depends on the
machine's speed.

Because the tuned candidate is the best of several on the very folds that then
score it, its validation MASE is optimistic by the search; with few series
(one series, a few folds) prefer few trials.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tsrnn.forecasting.candidates import RECURRENT, RecurrentSpec, make_candidate
from tsrnn.forecasting.selection import score_folds

__all__ = [
    "NAME",
    "TuningResult",
    "optuna_available",
    "params_of",
    "suggest",
    "tune_recurrent",
]

NAME = "recurrent_tuned"

_SPACE = {
    "strategy": ("direct", "recursive"),
    "cell": ("gru", "lstm"),
    "units": (16, 32, 64),
    "seasons": (1, 3),
    "budget": (0.5, 1.0, 2.0),
    "learning_rate": (3e-4, 3e-3),
    "level": ("last", "mean"),
    "deseasonalize": (True, False),
}


def optuna_available() -> bool:
    """Whether Optuna (the optional ``tune`` extra) imports."""
    try:
        import optuna  # noqa: F401
    except ImportError:
        return False
    return True


def suggest(trial) -> RecurrentSpec:
    """A candidate design drawn from the search space by an Optuna trial."""
    strategy = trial.suggest_categorical("strategy", list(_SPACE["strategy"]))
    design = {
        "cell": trial.suggest_categorical("cell", list(_SPACE["cell"])),
        "units": trial.suggest_categorical("units", list(_SPACE["units"])),
        "seasons": trial.suggest_int("seasons", *_SPACE["seasons"]),
        "budget": trial.suggest_categorical("budget", list(_SPACE["budget"])),
        "learning_rate": trial.suggest_float(
            "learning_rate", *_SPACE["learning_rate"], log=True
        ),
    }
    if strategy == "direct":
        design["level"] = trial.suggest_categorical("level", list(_SPACE["level"]))
        design["deseasonalize"] = trial.suggest_categorical(
            "deseasonalize", list(_SPACE["deseasonalize"])
        )
    return RecurrentSpec(NAME, strategy, **design)


def params_of(spec: RecurrentSpec) -> dict:
    """A fixed candidate's design as the search space's parameters."""
    params = {
        "strategy": spec.strategy,
        "cell": spec.cell,
        "units": spec.units,
        "seasons": spec.seasons,
        "budget": spec.budget,
        "learning_rate": spec.learning_rate,
    }
    if spec.strategy == "direct":
        params["level"] = spec.level
        params["deseasonalize"] = spec.deseasonalize
    return params


def _distributions(params: dict) -> dict:
    """The search space's Optuna distribution of each parameter named."""
    from optuna.distributions import (
        CategoricalDistribution,
        FloatDistribution,
        IntDistribution,
    )

    special = {
        "seasons": IntDistribution(*_SPACE["seasons"]),
        "learning_rate": FloatDistribution(*_SPACE["learning_rate"], log=True),
    }
    return {
        key: special.get(key) or CategoricalDistribution(list(_SPACE[key]))
        for key in params
    }


@dataclass
class TuningResult:
    """What :func:`tune_recurrent` found.

    ``spec`` is the best design (``None`` when no trial completed),
    ``forecasts`` its forecast on every fold, ``trials`` one row per trial
    (number, source, state, MASE - over the folds it ran when pruned -,
    parameters, seconds), ``seconds`` the search's wall
    time, ``stopped`` why it ended early (``""`` when it ran every trial) and
    ``errors`` the errors of the trials that failed.
    """

    spec: RecurrentSpec | None
    forecasts: list | None
    trials: pd.DataFrame
    seconds: float
    fallback: int
    stopped: str
    errors: list


def tune_recurrent(
    folds,
    season: int,
    horizon: int,
    *,
    n_trials: int,
    seed,
    known=None,
    deadline=None,
    say=None,
) -> TuningResult:
    """Search a recurrent candidate's design on the validation folds.

    Parameters
    ----------
    folds : list
        ``(history cut, actual, MASE scale)`` per fold, as AutoForecaster cuts
        them.
    season, horizon : int
    n_trials : int
        Trials to run (the fixed candidates in ``known`` come on top).
    seed : int or None
        Seeds the sampler and every trial's networks.
    known : dict, default=None
        ``fixed candidate name -> per-fold MASE list`` of recurrent candidates
        already scored: they seed the search as completed trials.
    deadline : float, default=None
        ``time.perf_counter()`` value after which no further fold starts (a
        fold is skipped when the mean fold time so far would overrun it).
    say : callable, default=None
        Called with a progress line per fold.
    """
    import optuna

    began = time.perf_counter()
    quiet = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(
        seed=None if seed is None else int(seed) % 2**32,
        n_startup_trials=min(5, max(1, n_trials // 2)),
    )
    study = optuna.create_study(
        direction="minimize",
        sampler=sampler,
        pruner=optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=0),
    )
    specs = {spec.name: spec for spec in RECURRENT}
    for name, fold_mases in (known or {}).items():
        params = params_of(specs[name])  # in the space (the tests seed both)
        study.add_trial(
            optuna.trial.create_trial(
                params=params,
                distributions=_distributions(params),
                value=float(np.mean(fold_mases)),
                intermediate_values={
                    f: float(np.mean(fold_mases[: f + 1]))
                    for f in range(len(fold_mases))
                },
                user_attrs={"source": name},
            )
        )
    best = {"value": np.inf, "forecasts": None, "spec": None, "fallback": 0}
    fold_seconds, errors = [], []
    stopped = {"why": ""}

    def objective(trial):
        spec = suggest(trial)
        trial.set_user_attr("source", "search")
        forecasts, mases, fallback = [], [], 0
        for f, fold in enumerate(folds):
            expected = np.mean(fold_seconds) if fold_seconds else 0.0
            if deadline is not None and time.perf_counter() + expected > deadline:
                stopped["why"] = "time budget"
                trial.study.stop()
                raise optuna.TrialPruned("time budget")
            start = time.perf_counter()
            model = make_candidate(NAME, season, horizon, [seed], spec=spec)
            try:
                forecasts.append(model.fit(fold[0]).forecast(horizon))
            except Exception as error:
                errors.append(f"{type(error).__name__}: {error}")
                raise
            fallback = max(fallback, model.n_fallback_)
            fold_seconds.append(time.perf_counter() - start)
            mases.append(score_folds(forecasts[-1:], [fold])["mase"])
            value = float(np.mean(mases))
            if say is not None:
                say(
                    f"{NAME}: trial {trial.number + 1 - len(known or {})}, "
                    f"fold {f + 1}/{len(folds)} MASE {value:.3f} "
                    f"{fold_seconds[-1]:.1f} s"
                )
            trial.report(value, f)
            if f + 1 < len(folds) and trial.should_prune():
                raise optuna.TrialPruned()
        if value < best["value"]:
            best.update(value=value, forecasts=forecasts, spec=spec, fallback=fallback)
        return value

    try:
        # A design that fails (a trial's error) is recorded and the search
        # goes on; the errors are reported when no trial completes.
        study.optimize(objective, n_trials=n_trials, catch=(Exception,))
    finally:
        optuna.logging.set_verbosity(quiet)
    rows = []
    for trial in study.trials:
        source = trial.user_attrs.get("source", "search")
        searched = source == "search" and trial.duration is not None
        rows.append(
            {
                "trial": trial.number,
                "source": source,
                "state": trial.state.name.lower(),
                "mase": np.nan if trial.value is None else trial.value,
                **trial.params,
                "seconds": trial.duration.total_seconds() if searched else np.nan,
            }
        )
    return TuningResult(
        spec=best["spec"],
        forecasts=best["forecasts"],
        trials=pd.DataFrame(rows).set_index("trial"),
        seconds=time.perf_counter() - began,
        fallback=best["fallback"],
        stopped=stopped["why"],
        errors=errors,
    )
