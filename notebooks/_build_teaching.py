# ruff: noqa: E501
"""Build the teaching notebooks 03, 04 and 06 from the cell sources below.

Usage (from the repository root)::

    .venv/bin/python notebooks/_build_teaching.py            # write, no outputs
    .venv/bin/python notebooks/_build_teaching.py --execute  # write, then run fully

``--execute`` runs each notebook with its full settings (``TSRNN_FAST`` unset,
the inline matplotlib backend) so that the committed files carry real figures.
TensorFlow's start-up lines on stderr (oneDNN, CUDA probing, absl), which the
kernel captures into the first cell that imports TensorFlow, are removed from
the saved outputs: they describe the machine that ran the notebook, not the
lesson.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import nbformat
from _nbtools import execute, python_notebook
from nbformat.v4 import new_code_cell, new_markdown_cell

HERE = Path(__file__).resolve().parent

SETUP = """\
import os

# The test suite sets TSRNN_FAST=1 to run a shortened version of this notebook.
FAST = os.environ.get("TSRNN_FAST") == "1"
"""


def md(text: str):
    return new_markdown_cell(dedent(text).strip())


def code(text: str, *, setup: bool = False):
    source = dedent(text).strip()
    if setup:
        source = SETUP + "\n" + source
    source = _ruff_format(source)
    if setup:  # figures inline whatever MPLBACKEND says
        source = "%matplotlib inline\n" + source
    return new_code_cell(source)


def _ruff_format(source: str) -> str:
    """Format a code cell the way ruff formats the package (line length 88)."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--line-length", "88", "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


# --------------------------------------------------------------------------- 03
def sequence_classification():
    return [
        md(
            r"""
            # Sequence classification with a recurrent network

            **The idea:** a recurrent network reads a whole sequence one step at a
            time, carries what it has seen in its state, and answers once at the
            end: one label per sequence (*many-to-one*). Because it reads step by
            step, it can also read sequences of *different lengths*, which a
            fully connected network cannot.

            We use two real problems with their official train/test splits:

            * **GunPoint** (UCR): 150 time steps of the x-coordinate of an
              actor's hand, two motions (drawing a replica gun from a holster, or
              pointing a finger). Published accuracy: FCN, ROCKET and InceptionTime
              1.000.
            * **JapaneseVowels** (UEA): nine speakers say a vowel; each utterance
              is 7 to 29 steps of 12 audio coefficients. The label is the
              speaker. Published accuracy: FCN 0.993.
            """
        ),
        code(
            """
            import matplotlib.pyplot as plt
            import numpy as np
            import pandas as pd
            from sklearn.base import clone
            from sklearn.metrics import ConfusionMatrixDisplay

            import tsrnn
            from tsrnn import DenseClassifier, RNNClassifier, pad_sequences
            from tsrnn.datasets import load_gunpoint, load_japanese_vowels

            plt.rcParams["figure.dpi"] = 80
            """,
            setup=True,
        ),
        md(
            r"""
            ## 1. GunPoint: sequences of one length

            Each case is one sequence of 150 steps with one channel, so `X` has
            shape `(cases, timesteps, channels)`. The file labels the two classes
            `1` and `2`.
            """
        ),
        code(
            """
            X_train, y_train = load_gunpoint(split="train")
            X_test, y_test = load_gunpoint(split="test")
            print("train", X_train.shape, "test", X_test.shape)
            print("cases per class (train):", dict(zip(*np.unique(y_train, return_counts=True))))

            fig, axes = plt.subplots(1, 2, figsize=(10, 3), sharey=True)
            for ax, label in zip(axes, np.unique(y_train)):
                for series in X_train[y_train == label][:6]:
                    ax.plot(series[:, 0], lw=1)
                ax.set_title(f"class {label}: six training cases")
                ax.set_xlabel("time step")
            fig.tight_layout()
            """
        ),
        md(
            r"""
            Both motions raise the hand and bring it back; the difference lies in
            the *shape* of the curve around the rise and the fall (the holster
            makes a small dip). That is information in the order of the steps.

            We train two models on the 50 training cases:

            * `RNNClassifier`: an LSTM with 32 units reads the 150 steps; its last
              state goes through a softmax over the two classes.
            * `DenseClassifier`: the baseline without recurrence. It flattens the
              150 values into one vector and learns one weight per position
              (a hidden layer of 64 ReLU units).

            `random_state` makes each fit reproducible.
            """
        ),
        code(
            """
            rnn_epochs = 5 if FAST else 150
            dense_epochs = 5 if FAST else 200

            rnn = RNNClassifier(
                architecture="rnn", cell="lstm", units=8 if FAST else 32, epochs=rnn_epochs,
                learning_rate=3e-3, random_state=0,
            )
            dense = DenseClassifier(units=(64,), epochs=dense_epochs, random_state=0)
            rnn.fit(X_train, y_train)
            dense.fit(X_train, y_train)

            scores = pd.DataFrame(
                {
                    "train accuracy": [rnn.score(X_train, y_train), dense.score(X_train, y_train)],
                    "test accuracy": [rnn.score(X_test, y_test), dense.score(X_test, y_test)],
                },
                index=["RNNClassifier (LSTM 32)", "DenseClassifier (64)"],
            )
            scores.round(3)
            """
        ),
        md(
            r"""
            The training curves (`plot_history` reads the estimator's
            `history_`) show how the cross-entropy fell epoch by epoch. With only
            50 training cases, every epoch is two mini-batches.
            """
        ),
        code(
            """
            fig, axes = plt.subplots(1, 2, figsize=(10, 3.2))
            tsrnn.plot_history(rnn, ax=axes[0], title="RNNClassifier", log=True)
            tsrnn.plot_history(dense, ax=axes[1], title="DenseClassifier", log=True)
            fig.tight_layout()
            """
        ),
        md(
            r"""
            The dense model's loss falls smoothly. The LSTM's falls slowly at
            first and is bumpy; in the full run it even jumps back up for a few
            epochs late in training before recovering. Recurrent networks
            trained with a fairly high learning rate (3e-3 here) on very few
            cases often behave like this. A lower learning rate, more data, or
            `early_stopping=True` (which keeps the weights of the best epoch on a
            validation split) make training steadier.
            """
        ),
        md(
            r"""
            Accuracy is one number; a **confusion matrix** shows *which* mistakes
            each model makes (rows: the true class, columns: the predicted one).
            """
        ),
        code(
            """
            fig, axes = plt.subplots(1, 2, figsize=(8, 3.4))
            for ax, (name, model) in zip(axes, [("RNNClassifier", rnn), ("DenseClassifier", dense)]):
                ConfusionMatrixDisplay.from_predictions(
                    y_test, model.predict(X_test), ax=ax, colorbar=False
                )
                ax.set_title(name)
            fig.tight_layout()
            """
        ),
        md(
            r"""
            One fit is one draw: the initial weights and the order of the
            mini-batches change the result. Before comparing two models, refit
            them with a few seeds (the full run uses three).
            """
        ),
        code(
            """
            seeds = [0] if FAST else [0, 1, 2]
            rows = []
            for seed in seeds:
                for name, model in [("RNNClassifier", rnn), ("DenseClassifier", dense)]:
                    if seed != 0:  # seed 0: the models fitted above
                        model = clone(model).set_params(random_state=seed).fit(X_train, y_train)
                    rows.append({"model": name, "seed": seed, "test accuracy": model.score(X_test, y_test)})
            by_seed = pd.DataFrame(rows).pivot(index="seed", columns="model", values="test accuracy")
            by_seed.loc["mean"] = by_seed.mean()
            by_seed.round(3)
            """
        ),
        code(
            """
            mean = by_seed.loc["mean"]
            print(
                f"Mean test accuracy over {len(seeds)} seed(s): RNN {mean['RNNClassifier']:.3f}, "
                f"dense {mean['DenseClassifier']:.3f}; published FCN/ROCKET: 1.000."
            )
            """
        ),
        md(
            r"""
            **Reading the result.** In the full run the LSTM classifies GunPoint
            better than the dense baseline but stays below the published 1.000:
            FCN and ROCKET use convolutions, which look for the same short shape
            anywhere in the series, and this small LSTM on 50 cases is not the
            strongest model for this problem. The point here is the workflow:
            fit, score on the official test split, look at the errors, repeat
            with several seeds.

            ## 2. JapaneseVowels: sequences of different lengths

            Here every utterance has its own length, so the loader returns a
            **list** of arrays, each of shape `(length_i, 12)`.
            """
        ),
        code(
            """
            V_train, v_train = load_japanese_vowels(split="train")
            V_test, v_test = load_japanese_vowels(split="test")
            lengths = np.array([len(seq) for seq in V_train])
            print(f"{len(V_train)} training and {len(V_test)} test utterances, {V_train[0].shape[1]} channels")
            print(f"training lengths: {lengths.min()} to {lengths.max()} steps")
            print("first three shapes:", [seq.shape for seq in V_train[:3]])

            fig, ax = plt.subplots(figsize=(6, 2.8))
            ax.hist(lengths, bins=np.arange(lengths.min(), lengths.max() + 2) - 0.5)
            ax.set_xlabel("length (steps)")
            ax.set_ylabel("utterances")
            ax.set_title("JapaneseVowels: lengths of the training utterances")
            fig.tight_layout()
            """
        ),
        md(
            r"""
            A network trains on mini-batches, and a batch is one rectangular
            array. `pad_sequences` makes one: it fills the missing steps with
            `value` (0.0 by default) and returns a boolean **mask** that is True on
            real steps and False on padding. The mask is explicit because a
            padded 0.0 and a real 0.0 look the same.
            """
        ),
        code(
            """
            padded, mask = pad_sequences(V_train, padding="post")
            print("padded:", padded.shape, "mask:", mask.shape)
            print("mask of the first three utterances (1 = real step):")
            print(mask[:3].astype(int))
            assert (mask.sum(axis=1) == lengths).all()

            order = np.argsort(lengths)[:: max(1, len(lengths) // 40)]
            fig, ax = plt.subplots(figsize=(7, 3))
            ax.imshow(mask[order], aspect="auto", cmap="Greys", interpolation="nearest")
            ax.set_xlabel("time step")
            ax.set_ylabel("utterance (sorted by length)")
            ax.set_title("mask: black = real step, white = padding")
            fig.tight_layout()
            """
        ),
        md(
            r"""
            ### What masking does inside the RNN

            A recurrent layer updates its state at every step,
            `s_t = f(x_t, s_{t-1})`. With a mask, Keras changes the rule at a
            masked step: **the state is carried over unchanged**,
            `s_t = s_{t-1}`. So after the padded tail of a sequence the state is
            exactly the state after its last real step, whatever the padded
            values are and however many there are. (Padding at the front works
            too: the state stays at its initial zeros until the first real step.)

            `RNNClassifier` does this for you: given a list of sequences, it pads
            them, builds the network with a mask input, and passes the mask at
            fit and predict time.
            """
        ),
        code(
            """
            vowels = RNNClassifier(
                architecture="rnn", cell="lstm", units=8 if FAST else 64,
                epochs=2 if FAST else 100, random_state=0,
            )
            vowels.fit(V_train, v_train)
            vowel_accuracy = vowels.score(V_test, v_test)
            print(f"JapaneseVowels test accuracy: {vowel_accuracy:.3f} (published FCN: 0.993)")
            print("network inputs:", [tuple(t.shape) for t in vowels.model_.inputs])
            """
        ),
        md(
            r"""
            The network has two inputs: the padded values `(batch, steps, 12)` and
            the mask `(batch, steps)`; `None` steps means any length.

            ### Checking the promise: padding does not change the prediction

            Take the shortest test utterance and feed it to the network three
            ways: as it is; with 40 extra padded steps filled with an absurd
            value (99.0) and masked; and padded at the front instead. Then feed
            the same padded array while *claiming* every step is real (a mask of
            all True), which is what a model without masking would see.
            """
        ),
        code(
            """
            short = min(V_test, key=len)
            n_steps = len(short)
            alone = vowels.model_.predict([short[None], np.ones((1, n_steps), bool)], verbose=0)

            post, post_mask = pad_sequences([short], maxlen=n_steps + 40, value=99.0)
            pre, pre_mask = pad_sequences([short], maxlen=n_steps + 40, value=99.0, padding="pre")
            with_post_mask = vowels.model_.predict([post, post_mask], verbose=0)
            with_pre_mask = vowels.model_.predict([pre, pre_mask], verbose=0)
            without_mask = vowels.model_.predict([post, np.ones_like(post_mask)], verbose=0)

            probabilities = pd.DataFrame(
                np.vstack([alone, with_post_mask, with_pre_mask, without_mask]),
                index=[
                    f"{n_steps} real steps",
                    "+40 padded steps (post), masked",
                    "+40 padded steps (pre), masked",
                    "+40 padded steps, NOT masked",
                ],
                columns=[f"speaker {c}" for c in vowels.classes_],
            )
            print("largest change with the mask:",
                  float(np.abs(with_post_mask - alone).max()), float(np.abs(with_pre_mask - alone).max()))
            print("largest change without the mask:", float(np.abs(without_mask - alone).max()))
            probabilities.round(3)
            """
        ),
        md(
            r"""
            With the mask, the class probabilities are the same as for the bare
            utterance up to float rounding (changes of order 1e-7 or less), for
            post- and pre-padding alike. Without the mask, the network reads the 40
            fake steps as data and its answer changes.

            The same holds inside a batch: `predict_proba` on the whole test list
            pads every utterance to the longest one *in that batch*, yet each
            utterance gets the probabilities it gets on its own.
            """
        ),
        code(
            """
            batch = vowels.predict_proba(V_test[:20])
            one_by_one = np.vstack([vowels.predict_proba([seq]) for seq in V_test[:20]])
            print("lengths in this batch:", sorted({len(seq) for seq in V_test[:20]}))
            print("largest difference, batch vs one by one:", float(np.abs(batch - one_by_one).max()))
            """
        ),
        md(
            r"""
            ## 3. The default classifier: GRU-FCN

            The LSTMs above were set by hand (`architecture="rnn"`, units,
            epochs, learning rate). `RNNClassifier()` with no settings is meant to
            work on a problem it has never seen:

            * **architecture** `"rnn_fcn"`: the GRU-FCN of Karim et al. A
              convolutional branch (three Conv1D blocks of 128, 256 and 128
              filters, kernels 8, 5 and 3, batch norm, ReLU, average over time)
              runs beside the GRU, and the head reads both. For multivariate
              series, squeeze-and-excite blocks re-weight the channels
              (MGRU-FCN). The GRU reads the series **in time order**, one step
              per timestep (the papers' code fed it the series transposed).
              A series longer than 150 steps is read in segments of
              consecutive timesteps (`segment_length="auto"`: 427 steps become
              143 segments of 3), so the GRU takes at most 150 steps and a long
              series trains about twice as fast; the convolutions still read
              every timestep.
              `cell="lstm"` gives LSTM-FCN; `attention=True` pools over every
              GRU output instead of taking the last state.
            * **branch_dropout** `"auto"`: in training, 80 % of the GRU's
              output is dropped at random before it joins the convolutional
              branch (the papers' setting), so the head cannot lean on the
              GRU alone; at prediction nothing is dropped.
            * **epochs** `"auto"`: about 1000 gradient steps, however many rows
              there are (between 20 and 400 epochs), and the learning rate halves
              when the *training* loss stalls.
            * **normalize** `"auto"`: each univariate series is z-normalized on
              its own, so the network sees shapes, not levels.
            * `n_estimators=3` would average three networks from different seeds.

            The default was chosen on validation splits of the four TRAIN sets
            of `shared/data`, never on TEST; `benchmarks/RESULTS.md` has the test
            figures. Masking still holds: the convolutional branch zeroes padded
            steps and averages over real steps only.
            """
        ),
        code(
            """
            quick = {"epochs": 2} if FAST else {}
            default_gunpoint = RNNClassifier(random_state=0, **quick).fit(X_train, y_train)
            default_vowels = RNNClassifier(random_state=0, **quick).fit(V_train, v_train)
            for name, model, X, y in [
                ("GunPoint", default_gunpoint, X_test, y_test),
                ("JapaneseVowels", default_vowels, V_test, v_test),
            ]:
                print(f"{name}: {model.model_.name}, {model.n_iter_} epochs, "
                      f"test accuracy {model.score(X, y):.3f}")

            batch = default_vowels.predict_proba(V_test[:20])
            one_by_one = np.vstack([default_vowels.predict_proba([seq]) for seq in V_test[:20]])
            print("GRU-FCN, largest difference, batch vs one by one:", float(np.abs(batch - one_by_one).max()))
            """
        ),
        md(
            r"""
            ## What to take away

            * For one label per sequence, a recurrent network reads the steps in
              order and classifies from its final state; `RNNClassifier` wraps this
              in the scikit-learn interface (`fit`, `predict`, `score`,
              `predict_proba`).
            * Sequences of unequal length are padded to a rectangle **and masked**;
              a masked step leaves the state unchanged, so padding never changes
              the answer. A dense network has one weight per position and needs
              every sequence to have the same length.
            * Compare models on the official test split, over a few seeds, and
              against published numbers: here the small LSTMs are good but below
              the best published results (convolutional networks and ROCKET);
              the default GRU-FCN adds a convolutional branch beside the GRU.
            """
        ),
    ]


# --------------------------------------------------------------------------- 04
def why_order_matters():
    return [
        md(
            r"""
            # Why order matters: a dense network vs a recurrent one

            **The idea:** a fully connected (dense) network on a flattened window
            gives every position its own weights. It can learn *any* fixed
            arrangement of the steps, but it has no notion of "the next step",
            and it only accepts windows of the length it was built for. A
            recurrent network applies the same update at every step, in order:
            the order of the steps is built into the model. We can measure the
            difference by changing the order and watching the scores.

            `tsrnn.order_sensitivity` trains every model three times, on the
            same windows with their steps arranged differently, and scores it on
            test windows arranged the same way:

            | condition | what happens to the steps | what to expect |
            |---|---|---|
            | `original` | nothing | the usual score |
            | `fixed_permutation` | one random reordering, the same for every window (train and test) | a dense model relearns the same function with its inputs relabelled: same score. An RNN now reads the steps in a scrambled order: it usually loses |
            | `shuffled_per_window` | each window gets its own random order | position carries no information for anyone: what is left is the *set* of values |
            | longer / shorter windows | the `original` model predicts windows of another length | an RNN runs on any length; a dense model cannot (NaN, with the reason) |
            """
        ),
        code(
            """
            import logging

            import matplotlib.pyplot as plt
            import numpy as np
            import pandas as pd

            from tsrnn import (
                DenseClassifier,
                DenseRegressor,
                build_rnn,
                compile_model,
                make_windows,
                order_sensitivity,
            )
            from tsrnn.datasets import load_sunspots

            plt.rcParams["figure.dpi"] = 80
            # The recurrent models below predict windows of three lengths; TensorFlow
            # traces one graph per length and logs a warning about "retracing".
            # That is expected here, so we silence TensorFlow's Python warnings.
            logging.getLogger("tensorflow").setLevel(logging.ERROR)
            """,
            setup=True,
        ),
        md(
            r"""
            ## 1. A task where only the order counts

            Each window has 20 steps of small noise, one **spike** (+1) and one
            **dip** (-1) at random positions. The label is 1 if the spike comes
            *before* the dip, 0 otherwise.

            Every window holds the same ingredients: one +1, one -1 and noise. So
            the *set* of values says nothing about the label; only the order
            does. A model that ignores order is at chance, 50 %.
            """
        ),
        code(
            """
            def spike_before_dip(n, steps, rng):
                \"\"\"Windows of noise with one spike and one dip; label: spike first.\"\"\"
                X = 0.1 * rng.standard_normal((n, steps, 1))
                spike = rng.integers(0, steps, n)
                dip = (spike + rng.integers(1, steps, n)) % steps  # never the spike
                X[np.arange(n), spike, 0] += 1.0
                X[np.arange(n), dip, 0] -= 1.0
                return X.astype("float32"), (spike < dip).astype(int)


            rng = np.random.default_rng(0)
            steps = 20
            X_train, y_train = spike_before_dip(192 if FAST else 2000, steps, rng)
            X_test, y_test = spike_before_dip(96 if FAST else 1000, steps, rng)
            other_lengths = {
                "longer (40 steps)": spike_before_dip(96 if FAST else 1000, 40, rng),
                "shorter (10 steps)": spike_before_dip(96 if FAST else 1000, 10, rng),
            }
            print("train", X_train.shape, "test", X_test.shape, "share of label 1:", y_train.mean().round(3))

            fig, axes = plt.subplots(1, 4, figsize=(12, 2.4), sharey=True)
            for ax, x, label in zip(axes, X_train, y_train):
                ax.plot(x[:, 0], marker="o", ms=3)
                ax.set_title(f"label {label}")
                ax.set_xlabel("step")
            fig.tight_layout()
            """
        ),
        md(
            r"""
            The two models get the same training budget (epochs, batch size, Adam
            with tsrnn's defaults):

            * the dense baseline, `DenseClassifier` with 32 hidden units;
            * a GRU with 16 units, built with `build_rnn` with `None` time steps so
              that the trained network can read windows of any length, and
              compiled with `compile_model`. `order_sensitivity` takes a
              *factory* (a function that returns a fresh model) because every
              condition needs a new, untrained network.
            """
        ),
        code(
            """
            epochs = 1 if FAST else 30
            batch_size = 32


            def gru_classifier():
                model = build_rnn((None, 1), 2, cell="gru", units=16, output_activation="softmax", seed=0)
                return compile_model(model, task="classification")


            synthetic = order_sensitivity(
                {
                    "dense": DenseClassifier(units=(32,), epochs=epochs, batch_size=batch_size),
                    "GRU": gru_classifier,
                },
                X_train, y_train, X_test, y_test,
                metric="accuracy",
                lengths=other_lengths,
                fit_kwargs={"epochs": epochs, "batch_size": batch_size},
            )
            print("the fixed permutation: step j of a permuted window is step", synthetic.attrs["permutation"])
            synthetic.drop(columns="not_scored").round(3)
            """
        ),
        code(
            """
            for model, reason in synthetic["not_scored"].items():
                if reason:
                    print(f"{model}: {reason}")
            """
        ),
        code(
            """
            def plot_table(table, ylabel, title, ax):
                scores = table.drop(columns="not_scored")
                scores.T.plot.bar(ax=ax, rot=20)
                ax.set_ylabel(ylabel)
                ax.set_title(title)
                ax.legend(title="model", loc="upper left", bbox_to_anchor=(1.0, 1.0))
                ax.margins(y=0.12)
                # pandas draws a NaN as a bar of height 0: label it "n/a", not 0.00
                for container, model in zip(ax.containers, scores.index):
                    labels = ["n/a" if np.isnan(v) else f"{v:.2f}" for v in scores.loc[model]]
                    ax.bar_label(container, labels=labels, fontsize=8)


            fig, ax = plt.subplots(figsize=(9, 3.5))
            plot_table(synthetic, "test accuracy", "spike before dip (chance = 0.5)", ax)
            ax.axhline(0.5, color="grey", ls=":")
            ax.set_ylim(0, 1.1)
            fig.tight_layout()
            """
        ),
        code(
            """
            acc = synthetic.drop(columns="not_scored")
            print(f"original order:      GRU {acc.loc['GRU', 'original']:.3f}, dense {acc.loc['dense', 'original']:.3f}")
            print(f"fixed permutation:   GRU {acc.loc['GRU', 'fixed_permutation']:.3f}, dense {acc.loc['dense', 'fixed_permutation']:.3f}")
            print(f"shuffled per window: GRU {acc.loc['GRU', 'shuffled_per_window']:.3f}, dense {acc.loc['dense', 'shuffled_per_window']:.3f}")
            """
        ),
        md(
            r"""
            **How to read the table** (the committed notebook shows the full run;
            the test suite runs a one-epoch version whose numbers mean little):

            * `original`: the GRU solves the task almost perfectly: it only has to
              remember "I have seen the spike" until the dip comes. The dense
              network also learns it, less well: it must learn the rule for every
              pair of positions separately.
            * `fixed_permutation`: the dense network does as well as before. For
              it the permutation only renames its inputs. The GRU drops a lot:
              "before" in the original window is now a scrambled relation between
              positions, and reading the steps in order no longer helps.
            * `shuffled_per_window`: both models are at chance. This confirms
              that the answer is in the order alone.
            * other lengths: the dense network cannot even be asked (it has 20
              inputs, NaN above, the reason printed). The GRU reads them. Its
              accuracy shows whether the rule it learned on 20 steps carries over
              to 10 or 40 steps; in the full run it carries over only in part,
              worse on the longer windows. Running on a new length is not the
              same as generalising to it: train on several lengths if you need
              that.

            ## 2. Real data: yearly sunspots

            The yearly sunspot numbers (1700 to 2008) have an irregular cycle of
            about 11 years. The task: from the last 20 years, predict the next
            one. We train on the first 70 % of the years and test on the rest,
            and scale with the mean and standard deviation of the training years
            only (the test years must not leak into training).
            """
        ),
        code(
            """
            sunspots = load_sunspots()
            values = sunspots.to_numpy()
            split = int(0.7 * len(values))
            mean, std = values[:split].mean(), values[:split].std()
            scaled = (values - mean) / std
            width = 20


            def windows(width, part):
                \"\"\"Windows of `width` years -> next year, from the train or test years.\"\"\"
                data = scaled[:split] if part == "train" else scaled[split - width :]
                X, y = make_windows(data, width)
                return X, y[:, 0, 0]


            S_train, s_train = windows(width, "train")
            S_test, s_test = windows(width, "test")
            print(f"train years {sunspots.index[0].year}-{sunspots.index[split - 1].year}: {len(S_train)} windows")
            print(f"test years {sunspots.index[split].year}-{sunspots.index[-1].year}: {len(S_test)} windows")

            fig, ax = plt.subplots(figsize=(10, 2.8))
            ax.plot(sunspots.index[:split], values[:split], label="train")
            ax.plot(sunspots.index[split:], values[split:], label="test")
            ax.set_ylabel("sunspot number")
            ax.legend()
            fig.tight_layout()
            """
        ),
        md(
            r"""
            The test windows are made from the test years plus the 20 years before
            them, so that the first test target is the first test year. The
            longer (40-year) and shorter (10-year) windows predict the same kind of
            target from more or less history. For scale: repeating the last
            year's value (the naive forecast) gives the mean squared error printed
            below.
            """
        ),
        code(
            """
            sunspot_lengths = {"longer (40 years)": windows(40, "test"), "shorter (10 years)": windows(10, "test")}
            naive_mse = float(np.mean((S_test[:, -1, 0] - s_test) ** 2))
            print(f"naive forecast (repeat the last year), test MSE on the scaled values: {naive_mse:.3f}")


            def gru_regressor():
                return compile_model(build_rnn((None, 1), 1, cell="gru", units=16, seed=0))


            sun_epochs = 1 if FAST else 100
            real = order_sensitivity(
                {
                    "dense": DenseRegressor(units=(32,), epochs=sun_epochs, batch_size=16),
                    "GRU": gru_regressor,
                },
                S_train, s_train, S_test, s_test,
                metric="mse",
                lengths=sunspot_lengths,
                fit_kwargs={"epochs": sun_epochs, "batch_size": 16},
            )
            real.drop(columns="not_scored").round(3)
            """
        ),
        code(
            """
            fig, ax = plt.subplots(figsize=(9, 3.5))
            plot_table(real, "test MSE (scaled values), lower is better", "sunspots, 20 years -> next year", ax)
            ax.axhline(naive_mse, color="grey", ls=":")
            ax.annotate("naive", (4.4, naive_mse), va="bottom", ha="right", color="grey")
            fig.tight_layout()

            mse = real.drop(columns="not_scored")
            for name in mse.index:
                row = mse.loc[name]
                print(f"{name:6s} original {row['original']:.3f}  fixed permutation {row['fixed_permutation']:.3f}  "
                      f"shuffled {row['shuffled_per_window']:.3f}  (naive {naive_mse:.3f})")
            """
        ),
        md(
            r"""
            **How to read it** (full run; lower is better):

            * `original`: both networks beat the naive forecast (the dotted line),
              the GRU by more.
            * `fixed_permutation`: as on the synthetic task, the dense model's
              error barely moves, because it relearns the relabelled inputs. The
              GRU's error grows: it relies on reading the years in order.
            * `shuffled_per_window`: the error of both models grows far beyond
              `original`. With each window's years shuffled, a model only knows
              *which* values occurred in the last 20 years, not which came last.
              On a cycle, the most recent years matter most.
            * longer and shorter windows: the GRU trained on 20-year windows
              predicts from 10 or 40 years of history without retraining, here
              with almost the error of `original`. This suggests it relies mostly
              on the most recent years. The dense model cannot take them.

            ## What to take away

            * A dense network treats a window as a fixed list of inputs. It does
              not care about the order of the steps as long as it is always the
              same one, and it is tied to one window length.
            * A recurrent network reads the steps in order with shared weights.
              That built-in assumption is what lets it solve order-based tasks
              with few parameters and run on any length. It is also why
              scrambling the order hurts it.
            * `order_sensitivity` turns these statements into numbers for your own
              data: if shuffling the steps of each window does not hurt, the
              order did not matter for that task (or the model did not use it).
            """
        ),
    ]


# --------------------------------------------------------------------------- 06
def under_the_hood():
    return [
        md(
            r"""
            # Under the hood: unrolling, backpropagation through time, vanishing and exploding gradients

            **The idea:** a recurrent network is one small function applied again
            and again. Written out over the steps of a sequence, it is *unrolled*
            into a deep feed-forward network with shared weights. Training it is
            ordinary backpropagation through that unrolled network
            (**backpropagation through time**, BPTT). The depth of the unrolled
            network explains the classic trouble with RNNs: gradients that
            shrink (vanish) or blow up (explode) as they travel back through many
            steps.

            Everything here uses tiny networks and sequences of 100 steps; no
            training is needed to see the effects.
            """
        ),
        code(
            """
            import keras
            import matplotlib.pyplot as plt
            import numpy as np
            import pandas as pd
            import tensorflow as tf

            from tsrnn import RNNRegressor, build_rnn, compile_model

            plt.rcParams["figure.dpi"] = 80
            """,
            setup=True,
        ),
        md(
            r"""
            ## 1. Unrolling an Elman network by hand

            The Elman network (Keras `SimpleRNN`) keeps a state vector `s` and
            updates it at every step:

            $$s_t = \tanh(U x_t + W s_{t-1} + b), \qquad s_0 = 0.$$

            Unrolled over a sequence of three steps:

            ```
            x_1        x_2        x_3
             | U        | U        | U
             v          v          v
            s_0 --W--> s_1 --W--> s_2 --W--> s_3  --> output
            ```

            The same `U`, `W` and `b` are used at every step. Keras stores
            vectors as rows, so its `kernel` is `U` transposed (shape
            `(inputs, units)`) and its `recurrent_kernel` is `W` transposed;
            the update reads `s_t = tanh(x_t @ kernel + s_{t-1} @ recurrent_kernel + bias)`.

            We build a `SimpleRNN` with 3 units, take its (random) weights, and
            compute the same states with a plain numpy loop.
            """
        ),
        code(
            """
            rng = np.random.default_rng(0)
            x = rng.standard_normal((1, 5, 2)).astype("float32")  # 1 sequence, 5 steps, 2 inputs

            keras.utils.set_random_seed(0)
            layer = keras.layers.SimpleRNN(3, return_sequences=True)
            keras_states = layer(x).numpy()[0]
            kernel, recurrent_kernel, bias = layer.get_weights()
            print("kernel (U^T):", kernel.shape, " recurrent_kernel (W^T):", recurrent_kernel.shape, " bias:", bias.shape)


            def elman_forward(x, kernel, recurrent_kernel, bias):
                \"\"\"States s_1..s_T of an Elman RNN, one loop iteration per time step.\"\"\"
                state = np.zeros(recurrent_kernel.shape[0], dtype=x.dtype)
                states = []
                for x_t in x:
                    state = np.tanh(x_t @ kernel + state @ recurrent_kernel + bias)
                    states.append(state)
                return np.array(states)


            numpy_states = elman_forward(x[0], kernel, recurrent_kernel, bias)
            print("numpy states:\\n", numpy_states.round(4))
            print("largest difference from keras.layers.SimpleRNN:", float(np.abs(numpy_states - keras_states).max()))
            """
        ),
        md(
            r"""
            The numpy loop and Keras agree to float32 rounding: a `SimpleRNN` is
            this loop and nothing more. An LSTM or a GRU replaces the one-line
            update with a gated one, but the unrolling is the same.

            ## 2. Backpropagation through time

            Take the loss $L = \tfrac{1}{2}\lVert s_T - \text{target}\rVert^2$ on
            the last state. The chain rule goes backwards through the unrolled
            network, step by step. In Keras's row-vector notation the update is
            $s_t = \tanh(a_t)$ with $a_t = x_t K + s_{t-1} R + b$ ($K$ the
            `kernel`, $R$ the `recurrent_kernel`). Write $\delta_t = \partial L /
            \partial s_t$:

            * start at the end: $\delta_T = s_T - \text{target}$;
            * at each step, through the tanh:
              $\partial L/\partial a_t = \delta_t \odot (1 - s_t^2)$;
            * the weights collect a contribution from **every** step, because they
              are shared: $\partial L/\partial R \mathrel{+}= s_{t-1}^\top\,
              \partial L/\partial a_t$, $\partial L/\partial K \mathrel{+}=
              x_t^\top\, \partial L/\partial a_t$, $\partial L/\partial b
              \mathrel{+}= \partial L/\partial a_t$;
            * and the error moves one step back:
              $\delta_{t-1} = (\partial L/\partial a_t)\, R^\top$.

            Below, this backward loop in numpy is compared with the gradients that
            `tf.GradientTape` computes through the Keras layer.
            """
        ),
        code(
            """
            target = np.array([0.5, -0.5, 0.25], dtype="float32")


            def elman_backward(x, states, target, kernel, recurrent_kernel):
                \"\"\"Gradients of 0.5 * ||s_T - target||^2 by backpropagation through time.\"\"\"
                grads = [np.zeros_like(kernel), np.zeros_like(recurrent_kernel), np.zeros(kernel.shape[1], x.dtype)]
                delta = states[-1] - target  # dL/ds_T
                delta_norms = []
                for t in reversed(range(len(x))):
                    delta_norms.append(np.linalg.norm(delta))
                    d_pre = delta * (1.0 - states[t] ** 2)  # through the tanh
                    previous = states[t - 1] if t > 0 else np.zeros_like(states[0])
                    grads[0] += np.outer(x[t], d_pre)
                    grads[1] += np.outer(previous, d_pre)
                    grads[2] += d_pre
                    delta = d_pre @ recurrent_kernel.T  # one step back in time
                return grads, delta_norms[::-1]


            manual, delta_norms = elman_backward(x[0], numpy_states, target, kernel, recurrent_kernel)

            last_state = keras.layers.SimpleRNN(3)  # same weights, returns s_T only
            last_state.build(x.shape)
            last_state.set_weights([kernel, recurrent_kernel, bias])
            with tf.GradientTape() as tape:
                loss = 0.5 * tf.reduce_sum((last_state(x)[0] - target) ** 2)
            automatic = tape.gradient(loss, last_state.trainable_weights)

            for weight, mine, theirs in zip(last_state.trainable_weights, manual, automatic):
                print(f"{weight.path:45s} largest difference {float(np.abs(mine - theirs.numpy()).max()):.1e}")
            print("||dL/ds_t|| for t = 1..5:", np.round(delta_norms, 4))
            """
        ),
        md(
            r"""
            The hand-written BPTT gives the gradients of the automatic one. The
            last line shows the error signal `‖∂L/∂s_t‖` at each step. Every step
            back multiplies it by the Jacobian

            $$\frac{\partial s_t}{\partial s_{t-1}} = \operatorname{diag}(1 - s_t^2)\, W,$$

            so the signal that reaches a step `k` steps before the end has gone
            through a *product of k such matrices*. If their size is typically
            below 1, the product shrinks geometrically (vanishing gradients); if
            above 1, it grows geometrically (exploding gradients). With 5 steps
            this hardly matters; with 100 it decides what the network can learn.

            ## 3. Vanishing gradients: SimpleRNN, LSTM and GRU

            How much can the loss at the end of a 100-step sequence learn from the
            input at step `t`? We measure `‖∂L/∂x_t‖`, the gradient of the loss
            with respect to the input at step `t`, for freshly initialised
            networks (16 units, Keras default initialisation, a linear read-out of
            the last state). We divide by its value at the last step, so the
            curves start at 1, and average over several random networks and
            batches.
            """
        ),
        code(
            """
            STEPS = 100
            seeds = range(1) if FAST else range(5)


            def input_gradient_profile(make_layer, seed, steps=STEPS, batch=32, setup=None):
                \"\"\"||dL/dx_t|| averaged over a batch, for t = 1..steps, divided by its last value.\"\"\"
                keras.utils.set_random_seed(seed)
                inputs = keras.Input((steps, 1))
                layer = make_layer()
                model = keras.Model(inputs, keras.layers.Dense(1)(layer(inputs)))
                if setup is not None:
                    setup(layer)
                x = tf.constant(np.random.default_rng(seed).standard_normal((batch, steps, 1)), tf.float32)
                with tf.GradientTape() as tape:
                    tape.watch(x)
                    loss = tf.reduce_mean(model(x))
                norms = np.linalg.norm(tape.gradient(loss, x).numpy(), axis=2).mean(axis=0)
                return norms / norms[-1]


            def set_forget_bias(value):
                def setup(layer):
                    units = layer.cell.units
                    b = layer.cell.bias.numpy()
                    b[units : 2 * units] = value  # Keras orders the LSTM gates i, f, c, o
                    layer.cell.bias.assign(b)

                return setup


            cells = {
                "SimpleRNN": (lambda: keras.layers.SimpleRNN(16), None),
                "LSTM": (lambda: keras.layers.LSTM(16), None),
                "GRU": (lambda: keras.layers.GRU(16), None),
                "LSTM, forget bias 3": (lambda: keras.layers.LSTM(16), set_forget_bias(3.0)),
            }
            profiles = {
                name: np.mean([input_gradient_profile(make, seed, setup=setup) for seed in seeds], axis=0)
                for name, (make, setup) in cells.items()
            }

            distance = np.arange(STEPS)[::-1]  # steps from the end of the sequence
            fig, ax = plt.subplots(figsize=(8, 4))
            for name, profile in profiles.items():
                ax.plot(distance, profile, label=name, ls="--" if "bias" in name else "-")
            ax.set_yscale("log")
            ax.set_xlabel("distance from the end of the sequence (steps)")
            ax.set_ylabel("||dL/dx_t|| / ||dL/dx_T||")
            ax.set_title(f"gradient reaching step t, untrained networks (mean of {len(seeds)} seeds)")
            ax.legend()
            fig.tight_layout()

            for name, profile in profiles.items():
                print(f"{name:20s} 10 steps back: {profile[-11]:.1e}   50 back: {profile[-51]:.1e}   99 back: {profile[0]:.1e}")
            """
        ),
        md(
            r"""
            **Reading the plot (log scale).** The three standard cells, freshly
            initialised, all lose the gradient geometrically with distance. The
            straight lines on a log scale are the "product of k matrices" at work.
            At initialisation the gated cells are *not* better than the
            SimpleRNN. Keras gives the SimpleRNN an orthogonal recurrent matrix
            (all singular values 1), which is about as gentle as a plain RNN gets,
            while the LSTM's forget gate starts around $\sigma(1) \approx 0.73$ and the GRU's
            update gate around $\sigma(0) = 0.5$, and each step back multiplies by
            roughly that factor.

            The difference lies in what the gates **can learn**. The LSTM's cell
            state is updated additively, `c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t`, so
            the gradient along it is multiplied by the forget gate `f_t` and by
            no weight matrix and no squashing derivative. When `f_t` is close to
            1, the gradient passes almost unchanged. The dashed curve sets the
            forget-gate bias to 3 ($f \approx \sigma(3) \approx 0.95$), which is the kind of value
            training reaches when a task needs long memory. (The "chrono"
            initialisation of Tallec & Ollivier, 2018, starts there on purpose.)
            The gradient from 99 steps back is then about as large as from the
            last step. A SimpleRNN has no such path: its signal always goes through
            $\operatorname{diag}(1 - s_t^2)\, W$, and making `W` larger to compensate leads to the
            next problem.

            ## 4. Exploding gradients

            Make the recurrent weights of a SimpleRNN larger, here an orthogonal
            matrix times a gain of 1, 2 or 3. Now each step back can *multiply*
            the gradient by more than 1.
            """
        ),
        code(
            """
            def scaled_simple_rnn(gain, seed=0):
                return lambda: keras.layers.SimpleRNN(
                    16, recurrent_initializer=keras.initializers.Orthogonal(gain=gain, seed=seed)
                )


            gains = [1.0, 2.0, 3.0]
            exploding = {gain: input_gradient_profile(scaled_simple_rnn(gain), seed=0) for gain in gains}

            fig, ax = plt.subplots(figsize=(8, 3.6))
            for gain, profile in exploding.items():
                ax.plot(distance, profile, label=f"recurrent gain {gain:g}")
            ax.set_yscale("log")
            ax.set_xlabel("distance from the end of the sequence (steps)")
            ax.set_ylabel("||dL/dx_t|| / ||dL/dx_T||")
            ax.set_title("SimpleRNN: larger recurrent weights, growing gradients")
            ax.legend()
            fig.tight_layout()
            for gain, profile in exploding.items():
                print(f"gain {gain:g}: gradient 99 steps back / last step = {profile[0]:.1e}")
            """
        ),
        md(
            r"""
            With gain 1 the gradient vanishes as before; with gains 2 and 3 it
            *grows* with the distance, by orders of magnitude over 100 steps. The
            gradient with respect to the weights sums these contributions, so it
            explodes too. Here is what one plain gradient-descent step does with
            it, without and with **gradient clipping**.

            Keras's `clipnorm=c` rescales the gradient of *each weight tensor*
            whose norm exceeds `c` down to norm `c`, keeping its direction.
            (`global_clipnorm` does the same for all gradients together.) The step
            keeps a sensible size whatever the gradient's magnitude.
            """
        ),
        code(
            """
            x_batch = tf.constant(rng.standard_normal((32, STEPS, 1)), tf.float32)
            y_batch = tf.reduce_mean(x_batch[:, -5:, 0], axis=1, keepdims=True)  # mean of the last 5 inputs


            def one_sgd_step(clipnorm, gain=2.0):
                keras.utils.set_random_seed(0)
                inputs = keras.Input((STEPS, 1))
                rnn_layer = scaled_simple_rnn(gain)()
                model = keras.Model(inputs, keras.layers.Dense(1)(rnn_layer(inputs)))
                optimizer = keras.optimizers.SGD(learning_rate=0.01, clipnorm=clipnorm)

                def loss_and_grads():
                    with tf.GradientTape() as tape:
                        loss = tf.reduce_mean((model(x_batch) - y_batch) ** 2)
                    return float(loss), tape.gradient(loss, model.trainable_variables)

                def saturated():
                    return float(np.mean(np.abs(rnn_layer(x_batch).numpy()) > 0.999))

                loss_before, grads = loss_and_grads()
                saturated_before = saturated()
                before = [v.numpy() for v in model.trainable_variables]
                optimizer.apply_gradients(zip(grads, model.trainable_variables))
                change = np.sqrt(sum(np.sum((v.numpy() - b) ** 2) for v, b in zip(model.trainable_variables, before)))
                loss_after, grads_after = loss_and_grads()
                recurrent = len(rnn_layer.trainable_weights)  # the first variables of the model
                return {
                    "gradient norm, all weights": float(tf.linalg.global_norm(grads)),
                    "size of the step (norm of the weight change)": change,
                    "saturated units (|s| > 0.999), before": saturated_before,
                    "saturated units (|s| > 0.999), after": saturated(),
                    "gradient norm reaching the SimpleRNN, after": float(tf.linalg.global_norm(grads_after[:recurrent])),
                    "loss before": loss_before,
                    "loss after": loss_after,
                }


            steps_table = pd.DataFrame({"no clipping": one_sgd_step(None), "clipnorm=1.0": one_sgd_step(1.0)})
            steps_table.map(lambda value: f"{value:.3g}")
            """
        ),
        md(
            r"""
            The gradient is the same in both columns; only the step differs.

            * **Without clipping**, a step of "learning rate times gradient" moves
              the weights by an enormous amount. Afterwards almost every tanh unit
              is pinned at +1 or -1 (the saturated share), where the tanh is flat.
              Almost no gradient gets through a flat tanh, so the gradient
              reaching the SimpleRNN's weights collapses: the recurrent layer has
              stopped learning, and only the read-out layer still can. One bad
              step has wrecked it.
            * **With `clipnorm=1.0`** the same step moves each weight tensor by at
              most `learning_rate * clipnorm`. The units stay responsive. The
              gradient is still huge, because this network still sits in the
              exploding regime, so clipping must act at every step. That is why
              it is simply left on.

            (The loss after a single step says little on its own: the loss surface
            of a network this close to chaos is rough.)

            **tsrnn clips by default.** `compile_model` builds Adam with
            `clipnorm=1.0`, and every estimator has a `clipnorm` parameter
            (default 1.0, `None` turns clipping off):
            """
        ),
        code(
            """
            model = compile_model(build_rnn((STEPS, 1), 1, cell="rnn", units=8, seed=0))
            print(type(model.optimizer).__name__, "clipnorm =", model.optimizer.clipnorm)
            print("RNNRegressor default clipnorm =", RNNRegressor().get_params()["clipnorm"])
            """
        ),
        md(
            r"""
            Clipping treats the symptom of exploding gradients; it does nothing
            for vanishing ones. Against those, the remedies are gated cells (LSTM,
            GRU) that can learn to keep their gradient path open, shorter
            sequences (windows of a sensible length), or architectures that
            shorten the path (SegRNN in tsrnn reads segments instead of single
            steps).

            ## What to take away

            * An RNN is one update applied at every step; unrolled, it is a deep
              network with shared weights. A 5-line numpy loop reproduces
              `SimpleRNN` exactly.
            * Training is backpropagation through the unrolled steps. The weights
              collect a gradient from every step; the error signal reaching step
              `t` is a product of one Jacobian per later step.
            * That product vanishes or explodes geometrically with distance.
              Gates give the LSTM an additive path whose gradient it can keep
              near 1 by learning; clipping (on by default in tsrnn) keeps
              exploding gradients from wrecking the weights in one step.
            """
        ),
    ]


NOTEBOOKS = {
    "03_sequence_classification.ipynb": sequence_classification,
    "04_why_order_matters.ipynb": why_order_matters,
    "06_under_the_hood.ipynb": under_the_hood,
}


def build(name: str) -> nbformat.NotebookNode:
    return python_notebook(NOTEBOOKS[name]())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebook file names (default: all)")
    parser.add_argument("--execute", action="store_true", help="run them fully")
    args = parser.parse_args(argv)
    for name in args.names or list(NOTEBOOKS):
        notebook = build(name)
        if args.execute:
            seconds = execute(notebook, HERE)
            print(f"{name}: executed in {seconds:.0f} s")
        nbformat.validate(notebook)
        nbformat.write(notebook, HERE / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
