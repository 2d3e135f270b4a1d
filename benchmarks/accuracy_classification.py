"""Sequence classification accuracy on the official UCR/UEA TRAIN/TEST splits.

Problems (``shared/data/PROVENANCE.md``): GunPoint (goal 1.000), ItalyPowerDemand
(goal >= 0.970), JapaneseVowels (goal >= 0.993, unequal lengths: padded and
masked by :class:`tsrnn.RNNClassifier`), BasicMotions (goal 1.000).

For each problem a few :class:`tsrnn.RNNClassifier` settings (``GRID``) are
compared on a validation split carved from the official TRAIN split only (a
stratified 30 % holdout, seed 0); the best validation accuracy wins (ties: the
first listed). The chosen setting is then refitted on the whole TRAIN split
with each seed and scored once on TEST. :class:`tsrnn.DenseClassifier` (the
flattened series; JapaneseVowels zero-padded to 29 steps) is trained beside it
with the same input scaling.

Input scaling, fitted on training data only: ``series`` z-normalizes each
series and channel by its own mean and std (shape, not level); ``global``
scales each channel by the training split's mean and std (keeps amplitude,
which tells BasicMotions' "standing" from the rest); ``+diff`` appends the
first difference of each channel as extra channels.

Run: ``python -m benchmarks --only accuracy_classification`` (``--quick``: two
problems, one setting, a few epochs).
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
PUBLISHED = {
    "GunPoint": "FCN, ROCKET, InceptionTime 1.000; ResNet 0.991",
    "ItalyPowerDemand": "ROCKET 0.970, InceptionTime 0.965, ResNet 0.962",
    "JapaneseVowels": "FCN 0.993, ResNet 0.992",
    "BasicMotions": "1.000 (strong methods)",
}
_BIGRU = {"cell": "gru", "units": 32, "bidirectional": True}
# problem -> list of (scaling, RNNClassifier options); the first is the known one.
GRID = {
    "GunPoint": [
        ("series", {**_BIGRU, "epochs": 120, "batch_size": 10, "learning_rate": 0.005}),
        (
            "series+diff",
            {**_BIGRU, "epochs": 120, "batch_size": 10, "learning_rate": 0.005},
        ),
    ],
    "ItalyPowerDemand": [
        ("series", {"cell": "lstm", "units": 32, "epochs": 100}),
        ("series", {**_BIGRU, "epochs": 150, "batch_size": 16, "learning_rate": 0.005}),
    ],
    "JapaneseVowels": [
        ("global", {**_BIGRU, "units": 64, "epochs": 60, "learning_rate": 0.003}),
        ("global", {"cell": "lstm", "units": 64, "epochs": 60, "learning_rate": 0.003}),
    ],
    "BasicMotions": [
        ("global", {**_BIGRU, "epochs": 100, "batch_size": 8, "learning_rate": 0.003}),
        ("series", {**_BIGRU, "epochs": 100, "batch_size": 8, "learning_rate": 0.003}),
    ],
}
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


def _accuracy(make, how, X_train, y_train, X_test, y_test, dense=False):
    import numpy as np

    scaling = _Scaling(how).fit(X_train)
    A, B = scaling.transform(X_train), scaling.transform(X_test)
    if dense:
        steps = max(len(s) for s in list(A) + list(B))
        A, B = _padded(A, steps), _padded(B, steps)
    model = make().fit(A, y_train)
    return float(np.mean(model.predict(B) == y_test)), model.predict_proba(B), model


def _take(X, index):
    import numpy as np

    return X[index] if isinstance(X, np.ndarray) else [X[i] for i in index]


def _problem(name, quick):
    import numpy as np
    from sklearn.model_selection import train_test_split

    from tsrnn import DenseClassifier, RNNClassifier, datasets

    loader = getattr(datasets, LOADERS[name])
    X_train, y_train = loader("train")
    X_test, y_test = loader("test")
    seeds = SEEDS[:1] if quick else SEEDS
    grid = GRID[name][:1] if quick else GRID[name]

    def rnn(options, seed):
        options = dict(options)
        if quick:
            options["epochs"] = 2
        return lambda: RNNClassifier(jit_compile=False, random_state=seed, **options)

    validation = []
    if len(grid) > 1:
        fit_rows, val_rows = train_test_split(
            np.arange(len(y_train)), test_size=0.3, stratify=y_train, random_state=0
        )
        for how, options in grid:
            score, _, _ = _accuracy(
                rnn(options, 0),
                how,
                _take(X_train, fit_rows),
                y_train[fit_rows],
                _take(X_train, val_rows),
                y_train[val_rows],
            )
            validation.append(score)
            progress(f"{name} validation {how} {options}: {score:.3f}")
        chosen = int(np.argmax(validation))
    else:
        chosen = 0
    how, options = grid[chosen]
    rnn_scores, dense_scores = [], []
    probabilities = {"rnn": [], "dense": []}
    for seed in seeds:
        score, proba, model = _accuracy(
            rnn(options, seed), how, X_train, y_train, X_test, y_test
        )
        rnn_scores.append(score)
        probabilities["rnn"].append(proba)
        dense_options = dict(DENSE, epochs=2) if quick else DENSE

        def dense(seed=seed, dense_options=dense_options):
            return DenseClassifier(
                jit_compile=False, random_state=seed, **dense_options
            )

        score, proba, _ = _accuracy(
            dense, how, X_train, y_train, X_test, y_test, dense=True
        )
        dense_scores.append(score)
        probabilities["dense"].append(proba)
        progress(
            f"{name} seed {seed}: RNN {rnn_scores[-1]:.3f}, "
            f"dense {dense_scores[-1]:.3f}"
        )
    # Ensembles (nothing tuned): the seeds' class probabilities averaged.
    ensemble = {
        kind: float(
            np.mean(model.classes_[np.argmax(np.mean(p, axis=0), axis=1)] == y_test)
        )
        for kind, p in probabilities.items()
    }
    return {
        "ensemble": ensemble,
        "grid": grid,
        "validation": validation,
        "chosen": chosen,
        "rnn": rnn_scores,
        "dense": dense_scores,
    }


def _describe(how, options):
    text = ", ".join(f"{k}={v}" for k, v in options.items())
    return f"scaling={how}, {text}"


@register("accuracy_classification")
def run(quick: bool = False) -> str:
    """Test accuracy of RNNClassifier and DenseClassifier; a markdown section."""
    quiet_tensorflow()
    import numpy as np

    start_load = load_average()
    names = ("ItalyPowerDemand", "BasicMotions") if quick else tuple(GOALS)
    results = {name: _problem(name, quick) for name in names}
    seeds = list(SEEDS[:1] if quick else SEEDS)
    lines = [
        f"Official TRAIN/TEST splits; test accuracy, mean ± std over seeds {seeds}. "
        f"Load average (1/5/15 min) at start {start_load}, at end {load_average()}."
        + (" QUICK RUN: 2 epochs, figures meaningless." if quick else ""),
        "",
        "| problem | RNNClassifier | DenseClassifier | goal | met | RNN, mean of "
        "the seeds' probabilities | dense, the same | published |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        mean = float(np.mean(r["rnn"]))
        gap = mean - GOALS[name]
        met = "yes" if gap >= -1e-9 else f"no ({gap:+.3f})"
        lines.append(
            f"| {name} | {mean_std(r['rnn'])} | {mean_std(r['dense'])} | "
            f"{GOALS[name]:.3f} | {met} | {r['ensemble']['rnn']:.3f} | "
            f"{r['ensemble']['dense']:.3f} | {PUBLISHED[name]} |"
        )
    lines += ["", "Settings (chosen on a validation split of TRAIN only):", ""]
    for name, r in results.items():
        how, options = r["grid"][r["chosen"]]
        tried = "; ".join(
            f"{_describe(h, o)}: {v:.3f}"
            for (h, o), v in zip(r["grid"], r["validation"], strict=False)
        )
        lines.append(
            f"- {name}: chosen {_describe(how, options)}"
            + (f" (validation accuracy of each tried: {tried})" if tried else "")
            + f"; per-seed test accuracy RNN {r['rnn']}, dense {r['dense']}."
        )
    lines += [
        "",
        f"DenseClassifier: {', '.join(f'{k}={v}' for k, v in DENSE.items())}, the "
        "chosen scaling. Every fit: Adam, clipnorm 1, no early stopping, "
        "`jit_compile=False`.",
    ]
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    print(run(parser.parse_args(argv).quick))


if __name__ == "__main__":
    main()
