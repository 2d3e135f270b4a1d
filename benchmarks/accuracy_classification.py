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

``accuracy_classification_untuned`` is the final check on problems never used to
choose anything (ArrowHead, OSULeaf: long univariate series), the default
``RNNClassifier`` beside published ROCKET, MiniRocket, InceptionTime and LSTM-FCN
accuracies, and the fit time against the goal of 5 minutes on 2 cores. Their
files are not in ``shared/data``: it reads them from the folder named by
``TSRNN_UCR_DIR`` (the sktime 1.2.0 wheel's ``sktime/datasets/data``) and says
so and skips when there is none. ``python -m benchmarks.accuracy_classification
--untuned-dir PATH`` prints it alone.
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


def _validation_scores(table):
    """Candidates' validation scores, "name: problem 0.950/0.975, ...; ..."."""
    return "; ".join(
        f"{candidate}: "
        + ", ".join(
            f"{name} {'/'.join(f'{v:.3f}' for v in values)}"
            for name, values in scores.items()
        )
        for candidate, scores in table.items()
    )


def _published(value):
    return "n/a" if value is None else f"{value:.3f}"


@register("accuracy_classification")
def run(quick: bool = False) -> str:
    """Test accuracy and fit time of the default classifiers; a markdown section."""
    quiet_tensorflow()
    import numpy as np

    from benchmarks.classification_validation import (
        BRANCH_DROPOUT_ATTENTION,
        BRANCH_DROPOUT_ATTENTION_NOTE,
        SEGMENTS,
        SEGMENTS_NOTE,
    )

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
        + _validation_scores(VALIDATION)
        + ".",
        "",
        "Then the papers' options over the GRU-FCN, with the same protocol "
        "(`python -m benchmarks.classification_validation`, recorded in "
        "`BRANCH_DROPOUT_ATTENTION`; holdout accuracy split 0 / split 1): "
        + _validation_scores(BRANCH_DROPOUT_ATTENTION)
        + f". {BRANCH_DROPOUT_ATTENTION_NOTE}",
        "",
        "The recurrent branch reading segments of 3 timesteps, same protocol "
        "(recorded in `SEGMENTS`): "
        + _validation_scores(SEGMENTS)
        + f". {SEGMENTS_NOTE}",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------- untuned check
# Problems never used to choose anything: fitted once, with the defaults, as a
# final check. They are not in shared/data (their files are not committed):
# the sktime 1.2.0 wheel ships them in sktime/datasets/data/<name>/, e.g.
#     pip download --no-deps sktime==1.2.0 && unzip sktime-1.2.0-*.whl
#     TSRNN_UCR_DIR=sktime/datasets/data python -m benchmarks \
#         --only accuracy_classification_untuned
UNTUNED = ("ArrowHead", "OSULeaf")
UNTUNED_SEEDS = (0, 1, 2)
UNTUNED_DIR_VARIABLE = "TSRNN_UCR_DIR"
# Published test accuracies on the official TRAIN/TEST splits.
UNTUNED_PUBLISHED = {
    "ArrowHead": {
        "ROCKET": 0.814,
        "MiniRocket": 0.881,
        "InceptionTime": 0.846,
        "LSTM-FCN": 0.897,
    },
    "OSULeaf": {
        "ROCKET": 0.941,
        "MiniRocket": 0.958,
        "InceptionTime": 0.942,
        "LSTM-FCN": 0.983,
    },
}
UNTUNED_SOURCES = (
    "ROCKET: angus924/rocket `results/results_ucr.csv` (mean of 10 runs); "
    "MiniRocket: angus924/minirocket `results/results_ucr109_mean.csv` (mean of "
    "30 resamples); InceptionTime: hfawaz/InceptionTime "
    "`results-InceptionTime-128.csv`; LSTM-FCN: titu1994/LSTM-FCN "
    "`Results/train_loss_old_datasets.csv` (checkpoint by training loss)"
)
# The time goal: a default fit of a few hundred series of a few hundred
# steps within 5 minutes on 2 cores.
TIME_GOAL_S = 300


def _untuned_files(directory, name):
    from pathlib import Path

    folder = Path(directory) / name
    return folder / f"{name}_TRAIN.ts", folder / f"{name}_TEST.ts"


@register("accuracy_classification_untuned")
def run_untuned(quick: bool = False) -> str:
    """Default RNNClassifier on UCR problems never tuned on; a markdown section."""
    import os
    import time

    quiet_tensorflow()
    directory = os.environ.get(UNTUNED_DIR_VARIABLE)
    names = [
        name
        for name in UNTUNED
        if directory and all(p.exists() for p in _untuned_files(directory, name))
    ]
    if not names:
        reason = (
            f"{UNTUNED_DIR_VARIABLE} is not set"
            if not directory
            else f"none of {list(UNTUNED)} found under {directory}"
        )
        return (
            f"Skipped: {reason}. The problems ({', '.join(UNTUNED)}) come from "
            "the sktime 1.2.0 wheel: `pip download --no-deps sktime==1.2.0`, "
            f"unzip it and set {UNTUNED_DIR_VARIABLE}=<unzipped>/sktime/"
            "datasets/data."
        )
    import numpy as np

    from tsrnn import RNNClassifier
    from tsrnn.datasets import read_ts

    names = names[:1] if quick else names
    seeds = UNTUNED_SEEDS[:1] if quick else UNTUNED_SEEDS
    start_load = load_average()
    lines = [
        f"A final check, never used to choose anything: `RNNClassifier"
        f"(random_state=seed)` with every other setting at its default, fitted on "
        f"the official TRAIN split and scored on TEST, seeds {list(seeds)}. Fit "
        f"seconds on {os.cpu_count()} cores shared with other jobs: load average "
        f"(1/5/15 min) at start {start_load}, at end {{end_load}}."
        + (" QUICK RUN: 2 epochs, figures meaningless." if quick else ""),
        "",
        "| problem | classes | train x steps | test | default RNNClassifier | "
        "fit s | fit CPU s | ROCKET | MiniRocket | InceptionTime | LSTM-FCN |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    fits = []
    for name in names:
        train_path, test_path = _untuned_files(directory, name)
        X_train, y_train = read_ts(train_path)
        X_test, y_test = read_ts(test_path)
        accuracies, seconds, cpu = [], [], []
        for seed in seeds:
            model = RNNClassifier(random_state=seed, **({"epochs": 2} if quick else {}))
            start, start_cpu = time.perf_counter(), time.process_time()
            model.fit(X_train, y_train)
            seconds.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            accuracies.append(float(np.mean(model.predict(X_test) == y_test)))
            progress(
                f"untuned {name} seed {seed}: {accuracies[-1]:.3f} in "
                f"{seconds[-1]:.0f} s ({model.n_iter_} epochs)"
            )
        steps = max(len(x) for x in X_train)
        fits.append((name, len(X_train), steps, seconds, cpu))
        published = [_published(v) for v in UNTUNED_PUBLISHED[name].values()]
        lines.append(
            f"| {name} | {len(np.unique(y_train))} | {len(X_train)} x {steps} | "
            f"{len(X_test)} | {mean_std(accuracies)} | {np.mean(seconds):.0f} | "
            f"{np.mean(cpu):.0f} | {' | '.join(published)} |"
        )
    lines[0] = lines[0].format(end_load=load_average())
    lines += [
        "",
        f"Published: {UNTUNED_SOURCES}.",
        "",
        "Time goal (a default fit of a few hundred series of a few hundred steps "
        f"within {TIME_GOAL_S} s on 2 cores): wall seconds depend on the other "
        "jobs; the fit's CPU seconds (all its threads) over 2 cores bound what 2 "
        "free cores would take from below: "
        + "; ".join(
            f"{name} ({n} x {steps}) {max(s):.0f} s wall, {max(c):.0f} CPU s "
            f"= {max(c) / 2:.0f} s on 2 cores at best, "
            + ("met" if max(s) <= TIME_GOAL_S else "not met on the wall clock")
            for name, n, steps, s, c in fits
        )
        + ".",
    ]
    return "\n".join(lines)


def main(argv=None) -> None:
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--untuned-dir",
        default=None,
        help="folder of <name>/<name>_TRAIN.ts and _TEST.ts for the untuned "
        f"check (also {UNTUNED_DIR_VARIABLE}); the check alone runs",
    )
    args = parser.parse_args(argv)
    if args.untuned_dir:
        os.environ[UNTUNED_DIR_VARIABLE] = args.untuned_dir
        print(run_untuned(args.quick))
    else:
        print(run(args.quick))


if __name__ == "__main__":
    main()
