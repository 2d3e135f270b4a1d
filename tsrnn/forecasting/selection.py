"""Scores on validation folds and the choice of ensembles (for AutoForecaster).

Scores are MASE (scaled by each fold's in-sample seasonal naive error, see
:func:`mase_scale`) and sMAPE, means over series and then over folds. An
ensemble is an equal-weight mean of candidates; see
:func:`choose_ensembles`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tsrnn.evaluation.metrics import smape

__all__ = [
    "ENSEMBLES",
    "FAMILIES",
    "choose_ensembles",
    "error_quantiles",
    "interval_quantiles",
    "leaderboard",
    "mase_scale",
    "score_folds",
]

FAMILIES = ("baseline", "statistical", "recurrent")
ENSEMBLES = {
    "best": FAMILIES,
    "recurrent": ("recurrent",),
    "statistical": ("baseline", "statistical"),
}
MAX_MEMBERS = 5


def mase_scale(series, season: int) -> np.ndarray:
    """In-sample MAE of the seasonal naive forecast of each series.

    Where it is zero or undefined (a series shorter than a season and a step,
    or one that repeats its season exactly), the lag-1 MAE, then the mean
    absolute value, then 1 stand in, so that every series is scored.
    """
    out = np.ones(len(series))
    for k, y in enumerate(series):
        for lag in (season, 1):
            if len(y) > lag:
                value = float(np.mean(np.abs(y[lag:] - y[:-lag])))
                if value > 0:
                    out[k] = value
                    break
        else:
            out[k] = float(np.mean(np.abs(y))) or 1.0
    return out


def score_folds(forecasts, folds) -> dict:
    """Per fold, mean MASE and sMAPE over series; plus the scaled errors.

    ``"errors"`` holds the absolute and ``"signed"`` the signed scaled errors
    ``(actual - forecast) / scale``, one row per series and fold.
    """
    mases, smapes, signed = [], [], []
    for forecast, (_cut, actual, scale) in zip(forecasts, folds, strict=True):
        scaled = (actual - forecast) / scale[:, None]
        mases.append(float(np.mean(np.abs(scaled))))
        smapes.append(100 * smape(actual, forecast))
        signed.append(scaled)
    signed = np.concatenate(signed)
    return {
        "mase": float(np.mean(mases)),
        "smape": float(np.mean(smapes)),
        "folds": mases,
        "errors": np.abs(signed),
        "signed": signed,
    }


def choose_ensembles(scores, fold_forecasts, families, folds, *, combine=True):
    """``({ensemble: {member: weight}}, {ensemble: scores})``.

    ``"recurrent"`` and ``"statistical"``: pools of the family's candidates
    that beat seasonal naive on validation; the means of the best k (up to
    ``MAX_MEMBERS``) are scored and the best one kept (seasonal naive when the
    pool is empty).

    ``"best"``: the equal-weight combination of every statistical and
    recurrent model scored, when it beats seasonal naive on validation. A
    combination fixed in advance is not fitted to the folds, so its
    validation score is an honest one; an ensemble chosen among many on a few
    folds looks better there than it forecasts (measured on validation rows:
    ``benchmarks/combination_study.py``). When the
    combination lost to seasonal naive, or there is no model to combine,
    ``"best"`` is chosen like the others from every candidate and the two
    family choices, and so never lost to seasonal naive on validation.
    ``combine=False`` always chooses ``"best"`` that way (the rule before
    2026-12-07, kept for the comparison).
    """
    reference = scores["seasonal_naive"]["mase"]
    chosen, chosen_scores = {}, {}

    def mean_of(members):
        k = len(members)
        weights = {name: 1.0 / k for name in members}
        mean = [
            sum(fold_forecasts[m][f] / k for m in members) for f in range(len(folds))
        ]
        return weights, score_folds(mean, folds)

    for ensemble in sorted(ENSEMBLES, key=lambda name: name == "best"):
        allowed = ENSEMBLES[ensemble]
        if not any(families[name] in allowed for name in scores):
            continue
        if ensemble == "best" and combine:
            models = [name for name in scores if families[name] != "baseline"]
            if models:
                weights, combined = mean_of(models)
                if combined["mase"] < reference:
                    chosen[ensemble], chosen_scores[ensemble] = weights, combined
                    continue
        pool = sorted(
            (
                name
                for name in scores
                if families[name] in allowed and scores[name]["mase"] < reference
            ),
            key=lambda name: scores[name]["mase"],
        )
        options = [({"seasonal_naive": 1.0}, scores["seasonal_naive"])]
        if ensemble == "best":
            options += [(chosen[e], chosen_scores[e]) for e in chosen]
        options += [
            mean_of(pool[:k]) for k in range(1, min(MAX_MEMBERS, len(pool)) + 1)
        ]
        best_weights, best_scores = min(options, key=lambda o: o[1]["mase"])
        chosen[ensemble] = best_weights
        chosen_scores[ensemble] = best_scores
    order = [name for name in ENSEMBLES if name in chosen]
    return (
        {name: chosen[name] for name in order},
        {name: chosen_scores[name] for name in order},
    )


def interval_quantiles(scaled_errors, level: float) -> np.ndarray:
    """Per step, the ``level`` conformal quantile of the scaled absolute errors."""
    return _conformal_quantile(np.asarray(scaled_errors, dtype=np.float64), level)


def _conformal_quantile(errors: np.ndarray, q: float) -> np.ndarray:
    """Per column, the ``ceil((n + 1) q)``-th smallest of ``n`` (the largest past n)."""
    n = len(errors)
    if not n:
        return np.full(errors.shape[1:], np.inf)
    k = min(n, int(np.ceil((n + 1) * q)))
    return np.sort(errors, axis=0)[k - 1]


def error_quantiles(signed_errors, probabilities) -> np.ndarray:
    """Per step, quantiles of the signed scaled validation errors.

    Returns shape ``(len(probabilities), horizon)``, non-decreasing along the
    first axis. The ranks are split-conformal: a probability ``p >= 0.5``
    takes the ``ceil((n + 1) p)``-th smallest of the ``n`` errors of a step
    (the largest when that rank is past ``n``), and ``p < 0.5`` mirrors it
    from below, so that with few errors the bands err on the wide side.
    """
    errors = np.asarray(signed_errors, dtype=np.float64)
    out = np.empty((len(probabilities), errors.shape[1]))
    for i, p in enumerate(probabilities):
        if p >= 0.5:
            out[i] = _conformal_quantile(errors, p)
        else:
            out[i] = -_conformal_quantile(-errors, 1.0 - p)
    return np.maximum.accumulate(out, axis=0)


def leaderboard(records, scores, ensemble_scores, ensembles, n_folds) -> pd.DataFrame:
    rows = []
    best = ensembles.get("best", {})
    for name, record in records.items():
        row = {
            "candidate": name,
            "family": record["family"],
            "mase": np.nan,
            "smape": np.nan,
        }
        if name in scores:
            row["mase"] = scores[name]["mase"]
            row["smape"] = scores[name]["smape"]
            for f, value in enumerate(scores[name]["folds"], start=1):
                row[f"mase_fold{f}"] = value
        row.update(
            fallback=record["fallback"],
            weight=best.get(name, 0.0),
            seconds=record["seconds"],
            status=record["status"],
        )
        rows.append(row)
    for name, weights in ensembles.items():
        row = {
            "candidate": f"ensemble: {name}",
            "family": "ensemble",
            "mase": ensemble_scores[name]["mase"],
            "smape": ensemble_scores[name]["smape"],
        }
        for f, value in enumerate(ensemble_scores[name]["folds"], start=1):
            row[f"mase_fold{f}"] = value
        row.update(
            fallback=0,
            weight=np.nan,
            seconds=np.nan,
            status="members: " + ", ".join(f"{m} {w:.2f}" for m, w in weights.items()),
        )
        rows.append(row)
    table = pd.DataFrame(rows).set_index("candidate")
    folds = [f"mase_fold{f}" for f in range(1, n_folds + 1)]
    folds = [column for column in folds if column in table]
    order = ["family", "mase", "smape", *folds]
    order += ["fallback", "weight", "seconds", "status"]
    # Ensembles first among equals: a one-member ensemble ties its member.
    table["_member"] = table["family"] != "ensemble"
    table = table.sort_values(["mase", "_member"], na_position="last")
    return table[order]
