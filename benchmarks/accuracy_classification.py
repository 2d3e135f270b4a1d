"""Sequence classification accuracy on the official UCR/UEA TRAIN/TEST splits.

Problems (``shared/data/PROVENANCE.md``): GunPoint (goal 1.000), ItalyPowerDemand
(goal >= 0.970), JapaneseVowels (goal >= 0.993, unequal lengths: padded and
masked by :class:`tsrnn.RNNClassifier`), BasicMotions (goal 1.000).

Every model runs with its DEFAULT settings, the same on every problem (nothing
tuned per problem, nothing chosen on TEST), fitted on TRAIN with each seed and
scored once on TEST:

- ``RNNClassifier()``: GRU-FCN (with squeeze-and-excite blocks on multivariate
  series), epochs from the data size, learning rate halved on training-loss
  plateaus, univariate series z-normalized;
- ``RNNClassifier(architecture="rnn")``: the GRU alone (the default cell), same
  training defaults;
- :class:`tsrnn.DenseClassifier` on the flattened series (JapaneseVowels
  zero-padded to 29 steps), each series z-normalized when univariate, each
  channel scaled by the TRAIN mean and std otherwise.

Fit times are wall-clock seconds per fit on this machine (``jit_compile`` left
at "auto", which is no XLA on a CPU). Published accuracies (ROCKET, MiniRocket,
InceptionTime, LSTM-FCN) are those listed in ``shared/data/PROVENANCE.md``.

Run: ``python -m benchmarks --only accuracy_classification`` (``--quick``: two
problems, one seed, a few epochs).
"""

from __future__ import annotations

import argparse

from benchmarks import register
from benchmarks._common import load_average, mean_std, progress, quiet_tensorflow

SEEDS = (0, 1, 2)
GOALS = {
    "GunPoint": 1.000,
    "ItalyPowerDemand": 0.970,
    "JapaneseVowels": 0.993,
    "BasicMotions": 1.000,
}
# Published test accuracies (shared/data/PROVENANCE.md); None: not listed there.
PUBLISHED = {
    "GunPoint": {
        "ROCKET": 1.000,
        "MiniRocket": 0.992,
        "InceptionTime": 1.000,
        "LSTM-FCN": 1.000,
    },
    "ItalyPowerDemand": {
        "ROCKET": 0.970,
        "MiniRocket": 0.960,
        "InceptionTime": 0.965,
        "LSTM-FCN": 0.962,
    },
    "JapaneseVowels": {
        "ROCKET": None,
        "MiniRocket": None,
        "InceptionTime": None,
        "LSTM-FCN": 0.99,
    },
    "BasicMotions": {
        "ROCKET": None,
        "MiniRocket": None,
        "InceptionTime": None,
        "LSTM-FCN": None,
    },
}
OTHER_PUBLISHED = {
    "GunPoint": "FCN 1.000, ResNet 0.991",
    "ItalyPowerDemand": "ResNet 0.962",
    "JapaneseVowels": "FCN 0.993, ResNet 0.992, MLSTM-FCN 1.00",
    "BasicMotions": "1.000 commonly reported for strong methods (not re-checked)",
}
# How the default architecture was chosen: a stratified 30 % holdout of each
# TRAIN set (split seeds 0 and 1; BasicMotions split 0 only), one fit per
# candidate with random_state=0, validation accuracy. Never TEST.
VALIDATION = {
    "GRU-FCN": {
        "GunPoint": (1.000, 0.933),
        "ItalyPowerDemand": (0.952, 1.000),
        "JapaneseVowels": (0.963, 0.951),
        "BasicMotions": (1.000,),
    },
    "LSTM-FCN": {
        "GunPoint": (0.867, 0.800),
        "ItalyPowerDemand": (0.952, 1.000),
        "JapaneseVowels": (0.988, 0.975),
        "BasicMotions": (1.000,),
    },
    "LSTM alone (architecture='rnn')": {
        "GunPoint": (0.533,),
        "ItalyPowerDemand": (0.952,),
        "JapaneseVowels": (0.914,),
        "BasicMotions": (0.917,),
    },
}
MODELS = ("RNN-FCN (default)", "RNN (architecture='rnn')", "dense")
DENSE = {"units": (128,), "epochs": 200, "batch_size": 16}
LOADERS = {
    "GunPoint": "load_gunpoint",
    "ItalyPowerDemand": "load_italy_power_demand",
    "JapaneseVowels": "load_japanese_vowels",
    "BasicMotions": "load_basic_motions",
}


class _Scaling:
    """Input scaling fitted on training series only (see the module docstring)."""

    def __init__(self, how: str):
        self.how = how

    def fit(self, X):
        import numpy as np

        rows = np.concatenate(list(X), axis=0)
        self.mean_ = rows.mean(axis=0)
        self.std_ = rows.std(axis=0) + 1e-8
        return self

    def transform(self, X):
        import numpy as np

        out = []
        for series in X:
            series = np.asarray(series, dtype=np.float32)
            if self.how.startswith("series"):
                std = series.std(axis=0) + 1e-8
                series = (series - series.mean(axis=0)) / std
            elif self.how.startswith("global"):
                series = (series - self.mean_) / self.std_
            if self.how.endswith("+diff"):
                step = np.diff(series, axis=0, prepend=series[:1])
                series = np.concatenate([series, step], axis=1)
            out.append(series.astype(np.float32))
        return np.stack(out) if len({len(s) for s in out}) == 1 else out


def _padded(X, steps):
    """Zero-pad every series at the end to ``steps`` rows (for the dense model)."""
    import numpy as np

    if isinstance(X, np.ndarray):
        return X
    out = np.zeros((len(X), steps, X[0].shape[1]), dtype=np.float32)
    for i, series in enumerate(X):
        out[i, : len(series)] = series
    return out


def _make(kind, seed, quick, univariate):
    from tsrnn import DenseClassifier, RNNClassifier

    fast = {"epochs": 2} if quick else {}
    if kind == "RNN-FCN (default)":
        return RNNClassifier(random_state=seed, **fast)
    if kind == "RNN (architecture='rnn')":
        return RNNClassifier(architecture="rnn", random_state=seed, **fast)
    return DenseClassifier(random_state=seed, **{**DENSE, **fast})


def _problem(name, quick):
    import time

    import numpy as np

    from tsrnn import datasets

    loader = getattr(datasets, LOADERS[name])
    X_train, y_train = loader("train")
    X_test, y_test = loader("test")
    univariate = np.asarray(X_train[0]).ndim == 1 or np.shape(X_train[0])[-1] == 1
    # The dense model's fixed input scaling (see the module docstring).
    scaling = _Scaling("series" if univariate else "global").fit(X_train)
    steps = max(len(s) for s in list(X_train) + list(X_test))
    dense_train = _padded(scaling.transform(X_train), steps)
    dense_test = _padded(scaling.transform(X_test), steps)
    seeds = SEEDS[:1] if quick else SEEDS
    result = {kind: {"accuracy": [], "fit_s": [], "proba": []} for kind in MODELS}
    for seed in seeds:
        for kind in MODELS:
            A, B = (dense_train, dense_test) if kind == "dense" else (X_train, X_test)
            model = _make(kind, seed, quick, univariate)
            start = time.perf_counter()
            model.fit(A, y_train)
            seconds = time.perf_counter() - start
            proba = model.predict_proba(B)
            accuracy = float(np.mean(model.classes_[proba.argmax(axis=1)] == y_test))
            result[kind]["accuracy"].append(accuracy)
            result[kind]["fit_s"].append(seconds)
            result[kind]["proba"].append(proba)
            progress(f"{name} seed {seed} {kind}: {accuracy:.3f} in {seconds:.0f} s")
    for kind in MODELS:
        # Nothing tuned: the seeds' class probabilities averaged.
        mean = np.mean(result[kind]["proba"], axis=0)
        result[kind]["ensemble"] = float(
            np.mean(model.classes_[mean.argmax(axis=1)] == y_test)
        )
    return result


def _published(value):
    return "n/a" if value is None else f"{value:.3f}"


@register("accuracy_classification")
def run(quick: bool = False) -> str:
    """Test accuracy and fit time of the default classifiers; a markdown section."""
    quiet_tensorflow()
    import numpy as np

    start_load = load_average()
    names = ("ItalyPowerDemand", "BasicMotions") if quick else tuple(GOALS)
    results = {name: _problem(name, quick) for name in names}
    seeds = list(SEEDS[:1] if quick else SEEDS)
    lines = [
        f"Official TRAIN/TEST splits, DEFAULT settings (the same on every "
        f"problem); test accuracy, mean ± std over seeds {seeds}; fit seconds, "
        f"mean per fit. Load average (1/5/15 min) at start {start_load}, at end "
        f"{load_average()}."
        + (" QUICK RUN: 2 epochs, figures meaningless." if quick else ""),
        "",
        "| problem | RNN-FCN (default) | fit s | RNN (architecture='rnn') | fit s "
        "| dense | fit s | goal | default met | ROCKET | MiniRocket | "
        "InceptionTime | LSTM-FCN |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        cells = []
        for kind in MODELS:
            cells += [mean_std(r[kind]["accuracy"]), f"{np.mean(r[kind]['fit_s']):.0f}"]
        mean = float(np.mean(r[MODELS[0]]["accuracy"]))
        gap = mean - GOALS[name]
        met = "yes" if gap >= -1e-9 else f"no ({gap:+.3f})"
        published = [_published(v) for v in PUBLISHED[name].values()]
        lines.append(
            f"| {name} | {' | '.join(cells)} | {GOALS[name]:.3f} | {met} | "
            f"{' | '.join(published)} |"
        )
    lines += [
        "",
        "Mean of the seeds' probabilities (a 3-network seed ensemble, what "
        "`n_estimators=3` does): "
        + "; ".join(
            f"{name}: "
            + ", ".join(f"{kind} {r[kind]['ensemble']:.3f}" for kind in MODELS)
            for name, r in results.items()
        )
        + ".",
        "",
        "Per-seed test accuracy: "
        + "; ".join(
            f"{name}: "
            + ", ".join(
                f"{kind} {[round(a, 3) for a in r[kind]['accuracy']]}"
                for kind in MODELS
            )
            for name, r in results.items()
        )
        + ".",
        "",
        "Other published figures (PROVENANCE.md): "
        + "; ".join(f"{name}: {OTHER_PUBLISHED[name]}" for name in results)
        + ". n/a: not listed in PROVENANCE.md.",
        "",
        f"DenseClassifier: {', '.join(f'{k}={v}' for k, v in DENSE.items())}.",
        "",
        "How the default (GRU-FCN) was chosen, on validation splits of TRAIN only "
        "(30 % stratified holdouts, split seeds 0 and 1, one fit each, "
        "random_state=0; recorded by hand in `VALIDATION`): "
        + "; ".join(
            f"{candidate}: "
            + ", ".join(
                f"{name} {'/'.join(f'{v:.3f}' for v in values)}"
                for name, values in scores.items()
            )
            for candidate, scores in VALIDATION.items()
        )
        + ".",
    ]
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    print(run(parser.parse_args(argv).quick))


if __name__ == "__main__":
    main()
