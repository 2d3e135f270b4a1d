"""Long-horizon forecasting on ETT-layout data: SegRNN at horizons 96 to 720.

The standard protocol (``shared/data/PROVENANCE.md``) for any CSV in the ETT
layout (date column first, then the channels; ``OT`` is the univariate target):
for hourly data, training rows [0, 12*30*24), validation the next 4*30*24 rows,
test the 4*30*24 after them (the row counts scale with the rows per day, so
15-minute data gets four times as many); each later split takes the
``lookback`` rows before it as context; every channel z-scored with the
training rows' mean and standard deviation; MSE and MAE on the z-scored values,
averaged over the channels and every test window (stride 1, no window dropped).

For each target (``multivariate``: all channels in, all out, channel by
channel; ``OT``: the target alone), horizon and seed, :func:`tsrnn.build_segrnn`
is trained at each lookback of ``LOOKBACKS``; the lookback whose mean validation
MSE over the seeds is lowest is the ``chosen`` one (the test split never
chooses anything). The training recipe is the SegRNN paper's (Lin et al. 2023,
``lss-1138/SegRNN``: ``scripts/SegRNN/etth1.sh`` of its first release,
``exp/exp_main.py``, ``utils/tools.py``): MAE loss, Adam at 1e-3 for three
epochs then multiplied by 0.8 every epoch (its ``lradj="type3"``), batch 256,
dropout 0.5, parallel decoding with channel embeddings, subtract-last
normalization, early stopping on the validation loss with the best epoch's
weights; segment length 48 at lookbacks 336 and 720 (the paper's) and 24 at
lookback 96 (its lookback-96 scripts). Given up for the 2-core CPU budget
(``RECIPE`` below): 128 units instead of 512, at most 12 epochs (patience 3)
instead of 30 (patience 5-10); no gradient clipping, as in the reference.

Run it alone (a cell: one target, horizon and seed at every lookback)::

    python -m benchmarks.long_horizon --targets multivariate --horizons 96 \\
        --seeds 1 --json /tmp/cell.json

``--csv PATH`` reads another ETT-layout file; ``--decoder rmf`` trains the
recurrent decoder instead (an ablation: give it its own ``--json``);
``--lookbacks`` restricts the lookbacks tried; ``--json`` keeps every
finished fit (records with keys
``target``, ``horizon``, ``lookback``, ``seed``, ``mse``, ``mae``, ``chosen``;
the fit times and validation scores go to the ``.fits.json`` file beside it),
and fits already recorded there are not run again, so several runs build one
table. ``--render`` writes the table from that file without training. The
section of ``RESULTS.md`` is rewritten unless ``--no-write`` (``--quick``:
tiny models, two training batches, one validation and test batch of 1,024
windows, written only with ``--output``).
``python -m benchmarks --only long_horizon`` runs the full protocol (every
target, horizon, lookback, three seeds: many hours on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from benchmarks import register
from benchmarks._common import (
    data_dir,
    load_average,
    mean_std,
    progress,
    quiet_tensorflow,
)

LOOKBACKS = (96, 336, 720)
HORIZONS = (96, 192, 336, 720)
TARGETS = ("multivariate", "OT")
N_SEEDS = 3
TARGET_COLUMN = "OT"
RECIPE = {
    "units": 128,
    "dropout": 0.5,
    "decoder": "pmf",
    "channel_embedding": True,
    "instance_norm": True,
    "loss": "mae",
    "learning_rate": 1e-3,
    "batch_size": 256,
    "max_epochs": 12,
    "patience": 3,
}
QUICK_RECIPE = {**RECIPE, "units": 8, "max_epochs": 1, "patience": 1}
QUICK_TRAIN_BATCHES = 2
FULL_CELLS = {
    "targets": TARGETS,
    "horizons": HORIZONS,
    "lookbacks": LOOKBACKS,
    "seeds": N_SEEDS,
}
# Two lookbacks, so that the choice on validation is exercised.
QUICK_CELLS = {
    "targets": TARGETS,
    "horizons": (96,),
    "lookbacks": (96, 336),
    "seeds": 1,
}
# Months of the standard ETT split (12/4/4), 30-day months.
SPLIT_MONTHS = (12, 4, 4)
RECORD_KEYS = ("target", "horizon", "lookback", "seed", "mse", "mae", "chosen")
GOALS_H96 = {"input 96": 0.360, "chosen lookback": 0.345}

# Published multivariate ETTh1 figures, (MSE, MAE) by horizon. "drop_last" marks
# tables made with the loader that dropped the last test batch.
PUBLISHED = {
    "SegRNN, L=720, paper Table II (drop_last)": {
        96: (0.351, 0.392),
        192: (0.392, 0.414),
        336: (0.423, 0.433),
        720: (0.466, 0.472),
    },
    "SegRNN, L=720, fixed loader, MSE loss (SparseTSF README)": {
        96: (0.351, 0.392),
        192: (0.390, 0.418),
        336: (0.449, 0.452),
        720: (0.492, 0.494),
    },
    "SegRNN, L=96, fixed loader, MSE loss (SegRNN README)": {
        96: (0.368, 0.395),
        192: (0.408, 0.419),
        336: (0.444, 0.440),
        720: (0.446, 0.457),
    },
    "TimeBase, L=720 (its repository's log, via PROVENANCE.md)": {
        96: (0.350, 0.384),
    },
    "CycleNet/Linear, L=96 (result.txt, mean of 5 seeds)": {
        96: (0.378, 0.391),
        192: (0.427, 0.419),
        336: (0.464, 0.439),
        720: (0.462, 0.461),
    },
    "CycleNet/Linear, L=720 (result.txt, mean of 5 seeds)": {
        96: (0.379, 0.403),
        192: (0.416, 0.426),
        336: (0.447, 0.445),
        720: (0.478, 0.484),
    },
    "DLinear, L=96 (iTransformer's table, via SegRNN README)": {
        96: (0.386, 0.400),
        192: (0.437, 0.432),
        336: (0.481, 0.459),
        720: (0.519, 0.516),
    },
    "DLinear, L=720 (SegRNN paper Table II, drop_last)": {
        96: (0.381, 0.407),
        192: (0.419, 0.430),
        336: (0.454, 0.456),
        720: (0.499, 0.512),
    },
    "PatchTST, L=96 (iTransformer's table, via SegRNN README)": {
        96: (0.414, 0.419),
        192: (0.460, 0.445),
        336: (0.501, 0.466),
        720: (0.500, 0.488),
    },
    "PatchTST, L=720 (SegRNN paper Table II, drop_last)": {
        96: (0.375, 0.404),
        192: (0.418, 0.430),
        336: (0.462, 0.460),
        720: (0.495, 0.497),
    },
}


# ------------------------------------------------------------------------ data


def load_rows(csv=None):
    """(name, values (T, C) float64, columns, rows per day) of an ETT-layout file.

    None reads ETTh1 with :func:`tsrnn.datasets.load_etth1` from the shared data
    folder (or ``TSRNN_DATA_DIR``); it is never copied into the repository.
    """
    import numpy as np
    import pandas as pd

    import tsrnn

    if csv is None:
        frame = tsrnn.datasets.load_etth1(data_dir("forecasting"), download=False)
        name, index = "ETTh1", frame.index
    else:
        frame = pd.read_csv(csv)
        index = pd.DatetimeIndex(pd.to_datetime(frame.iloc[:, 0]))
        frame = frame.iloc[:, 1:]
        name = Path(csv).stem
        if not index.is_monotonic_increasing:
            raise ValueError(f"The date column of {csv} must be sorted ascending.")
    step = pd.Series(index).diff().median()
    rows_per_day = round(pd.Timedelta("1D") / step)
    values = frame.to_numpy(dtype=np.float64)
    if np.isnan(values).any():
        raise ValueError(f"{name} has missing values; fill them first.")
    return name, values, list(frame.columns), rows_per_day


def split_bounds(n_rows, rows_per_day):
    """Ends of the train, validation and test rows (12/4/4 months of 30 days)."""
    train, val, test = (months * 30 * rows_per_day for months in SPLIT_MONTHS)
    bounds = (train, train + val, train + val + test)
    if bounds[-1] > n_rows:
        raise ValueError(
            f"The standard split needs {bounds[-1]} rows ({rows_per_day} a day); "
            f"the file has {n_rows}."
        )
    return bounds


def make_splits(values, bounds, lookback):
    """z-scored float32 train, validation and test rows (with ``lookback`` context)."""
    import numpy as np

    train_end, val_end, test_end = bounds
    mean = values[:train_end].mean(axis=0)
    std = values[:train_end].std(axis=0)
    z = ((values - mean) / std).astype(np.float32)
    return {
        "train": z[:train_end],
        "val": z[train_end - lookback : val_end],
        "test": z[val_end - lookback : test_end],
    }


# ---------------------------------------------------------------------- models


def segment_length(lookback):
    """48 (the paper's, at long lookbacks) when it divides, else 24."""
    return 48 if lookback >= 336 and lookback % 48 == 0 else 24


def learning_rate(epoch, base):
    """The reference's ``type3`` schedule: ``base`` for 4 epochs, then x0.8 each."""
    return base * 0.8 ** max(0, epoch - 3)


def _scores(model, dataset):
    """MSE and MAE over every window and channel of ``dataset``."""
    import numpy as np

    squared = absolute = count = 0.0
    for x, y in dataset:
        error = np.asarray(model(x, training=False), np.float64) - y.numpy()
        squared += float(np.sum(error**2))
        absolute += float(np.sum(np.abs(error)))
        count += error.size
    return squared / count, absolute / count


def fit_and_score(splits, lookback, horizon, seed, recipe, quick=False):
    """Train one SegRNN with ``recipe``; its validation and test scores."""
    import keras

    from tsrnn import build_segrnn, compile_model, make_dataset

    keras.utils.set_random_seed(seed)
    n_features = splits["train"].shape[1]
    model = build_segrnn(
        lookback,
        horizon,
        n_features,
        segment_length=segment_length(lookback),
        units=recipe["units"],
        dropout=recipe["dropout"],
        decoder=recipe["decoder"],
        channel_embedding=recipe["channel_embedding"],
        instance_norm=recipe["instance_norm"],
        seed=seed,
    )
    compile_model(
        model,
        loss=recipe["loss"],
        learning_rate=recipe["learning_rate"],
        clipnorm=None,
        metrics=["mse"],
    )

    def dataset(rows, **options):
        return make_dataset(rows, lookback, horizon, **options)

    train = dataset(
        splits["train"], batch_size=recipe["batch_size"], shuffle=True, seed=seed
    )
    val = dataset(splits["val"], batch_size=1024)
    test = dataset(splits["test"], batch_size=1024)
    if quick:
        # A smoke check: a few batches of each split, so figures mean nothing.
        train = train.take(QUICK_TRAIN_BATCHES)
        val, test = val.take(1), test.take(1)
    base = recipe["learning_rate"]
    callbacks = [
        keras.callbacks.EarlyStopping(
            monitor="val_loss",
            patience=recipe["patience"],
            restore_best_weights=True,
        ),
        keras.callbacks.LearningRateScheduler(lambda e: learning_rate(e, base)),
    ]
    start = time.perf_counter()
    history = model.fit(
        train,
        validation_data=val,
        epochs=recipe["max_epochs"],
        callbacks=callbacks,
        verbose=0,
    )
    seconds = time.perf_counter() - start
    val_loss = history.history["val_loss"]
    val_mse, _ = _scores(model, val)
    mse, mae = _scores(model, test)
    return {
        "val_mse": val_mse,
        "mse": mse,
        "mae": mae,
        "seconds": seconds,
        "epochs": len(val_loss),
        "best_epoch": int(min(range(len(val_loss)), key=val_loss.__getitem__)) + 1,
        "parameters": int(model.count_params()),
    }


# --------------------------------------------------------------------- records


def _key(record):
    return (record["target"], record["horizon"], record["lookback"], record["seed"])


def mark_chosen(fits):
    """Records (``RECORD_KEYS``) with ``chosen`` set from the validation scores.

    For each target and horizon, the lookback with the lowest mean validation
    MSE over its seeds is chosen; the test scores play no part.
    """
    import numpy as np

    groups = {}
    for fit in fits:
        cell = (fit["target"], fit["horizon"])
        groups.setdefault(cell, {}).setdefault(fit["lookback"], []).append(
            fit["val_mse"]
        )
    chosen = {
        cell: min(by_lookback, key=lambda lb: np.mean(by_lookback[lb]))
        for cell, by_lookback in groups.items()
    }
    return [
        {
            **{k: fit[k] for k in RECORD_KEYS if k != "chosen"},
            "chosen": chosen[(fit["target"], fit["horizon"])] == fit["lookback"],
        }
        for fit in fits
    ]


def fits_path(json_path):
    path = Path(json_path)
    return path.with_name(path.stem + ".fits.json")


def read_fits(json_path):
    """Fits recorded beside ``json_path`` (empty when there are none)."""
    path = fits_path(json_path)
    return json.loads(path.read_text()) if path.exists() else []


def write_records(json_path, fits):
    """The records (exactly ``RECORD_KEYS``) and, beside them, the fit details."""
    records = mark_chosen(fits)
    Path(json_path).write_text(json.dumps(records, indent=1) + "\n")
    fits_path(json_path).write_text(json.dumps(fits, indent=1) + "\n")


# ----------------------------------------------------------------------- table


def _table(fits, target, horizons, lookbacks, seeds):
    import numpy as np

    records = mark_chosen(fits)
    lines = [
        "| horizon | lookback | seeds | val MSE | test MSE | test MAE | chosen "
        "| seconds per fit | epochs (best) |",
        "|---:|---:|---:|---|---|---|---|---|---|",
    ]
    for horizon in horizons:
        for lookback in lookbacks:
            rows = [
                (fit, record)
                for fit, record in zip(fits, records, strict=True)
                if (fit["target"], fit["horizon"], fit["lookback"])
                == (target, horizon, lookback)
            ]
            if not rows:
                lines.append(
                    f"| {horizon} | {lookback} | 0 of {len(seeds)} | not run | | | "
                    "| | |"
                )
                continue
            done = [fit for fit, _ in rows]
            epochs = ", ".join(f"{f['epochs']} ({f['best_epoch']})" for f in done)
            lines.append(
                f"| {horizon} | {lookback} | {len(done)} of {len(seeds)} "
                f"| {mean_std([f['val_mse'] for f in done])} "
                f"| {mean_std([f['mse'] for f in done])} "
                f"| {mean_std([f['mae'] for f in done])} "
                f"| {'**yes**' if rows[0][1]['chosen'] else ''} "
                f"| {np.mean([f['seconds'] for f in done]):.0f} "
                f"| {epochs} |"
            )
    return lines


def _published_table(fits, horizons):
    import numpy as np

    records = [r for r in mark_chosen(fits) if r["target"] == "multivariate"]
    header = ["source", *(f"h{h} MSE / MAE" for h in horizons)]
    lines = ["| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
    for label, lookback_rule in (
        ("tsrnn SegRNN, lookback chosen on validation", "chosen"),
        ("tsrnn SegRNN, L=96", 96),
        ("tsrnn SegRNN, L=720", 720),
    ):
        cells = []
        for horizon in horizons:
            done = [
                r
                for r in records
                if r["horizon"] == horizon
                and (
                    r["chosen"]
                    if lookback_rule == "chosen"
                    else r["lookback"] == lookback_rule
                )
            ]
            if not done:
                cells.append("not run")
                continue
            mse = np.mean([r["mse"] for r in done])
            mae = np.mean([r["mae"] for r in done])
            note = f" (L={done[0]['lookback']})" if lookback_rule == "chosen" else ""
            cells.append(f"{mse:.3f} / {mae:.3f}{note}, {len(done)} seed(s)")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    for label, figures in PUBLISHED.items():
        cells = [
            f"{figures[h][0]:.3f} / {figures[h][1]:.3f}" if h in figures else "not read"
            for h in horizons
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def _goals(fits):
    import numpy as np

    records = [
        r
        for r in mark_chosen(fits)
        if r["target"] == "multivariate" and r["horizon"] == 96
    ]
    lines = []
    for label, rule in (("input 96", 96), ("chosen lookback", "chosen")):
        goal = GOALS_H96[label]
        done = [
            r["mse"]
            for r in records
            if (r["chosen"] if rule == "chosen" else r["lookback"] == rule)
        ]
        if not done:
            lines.append(f"- h96, {label}: goal MSE <= {goal:.3f}; not run.")
            continue
        mse = float(np.mean(done))
        verdict = "met" if mse <= goal else f"not met, {mse - goal:+.3f}"
        lines.append(
            f"- h96, {label}: goal MSE <= {goal:.3f} (mean of 3 seeds); here "
            f"{mse:.3f} over {len(done)} seed(s): {verdict}."
        )
    return lines


def render(name, fits, horizons, lookbacks, seeds, targets, recipe, note=""):
    """The markdown section for ``fits`` (finished fits; the rest 'not run')."""
    lines = [
        f"{name}, the standard 12/4/4-month split, z-scored on the training rows; "
        f"SegRNN (`tsrnn.build_segrnn`) at lookbacks {list(lookbacks)}, horizons "
        f"{list(horizons)}, seeds {list(seeds)}. Recipe: "
        + ", ".join(f"{k}={v}" for k, v in recipe.items())
        + "; segment length 24 at lookback 96, 48 at 336 and 720; learning rate "
        "x0.8 per epoch after the fourth. The chosen lookback has the lowest mean "
        "validation MSE for its target and horizon; test scores choose nothing."
        + (f" {note}" if note else ""),
    ]
    for target in targets:
        lines += [
            "",
            f"### {target}"
            + (
                " (all channels, channel-independent)"
                if target == "multivariate"
                else " (the target column alone)"
            ),
            "",
            *_table(fits, target, horizons, lookbacks, seeds),
        ]
    if name == "ETTh1" and "multivariate" in targets:
        lines += [
            "",
            "### Beside published multivariate ETTh1 figures",
            "",
            *_published_table(fits, horizons),
            "",
            "The published tables differ in their test loader: the first SegRNN, "
            "DLinear and PatchTST tables at L=720 (SegRNN paper, Table II) were made "
            "with `drop_last=True`, which dropped the last, partial test batch (up to "
            "batch size - 1 windows, the last ones in time); the SegRNN README (L=96) "
            "and SparseTSF README (L=720) figures come after the authors' fix "
            "(`drop_last=False`, every window scored, as here). The fixed-loader "
            "SegRNN figures used the MSE loss; the paper used MAE. The loader regime "
            "of CycleNet's result.txt and TimeBase's log was not checked; "
            "TimeBase's h192-h720 figures were not read.",
            "",
            "Goals of issue #15 (single model, mean of 3 seeds):",
            "",
            *_goals(fits),
        ]
    return "\n".join(lines)


# ----------------------------------------------------------------------- runs


def run_cells(
    *,
    csv=None,
    targets=TARGETS,
    horizons=HORIZONS,
    lookbacks=LOOKBACKS,
    seeds=range(N_SEEDS),
    json_path=None,
    quick=False,
    decoder=None,
):
    """Train every missing (target, horizon, lookback, seed) fit; all the fits.

    ``decoder`` overrides the recipe's (``"pmf"``) for an ablation.
    """
    quiet_tensorflow()
    recipe = QUICK_RECIPE if quick else RECIPE
    if decoder is not None:
        recipe = {**recipe, "decoder": decoder}
    name, values, columns, rows_per_day = load_rows(csv)
    bounds = split_bounds(len(values), rows_per_day)
    fits = read_fits(json_path) if json_path else []
    done = {_key(fit) for fit in fits}
    for target in targets:
        if target == "multivariate":
            rows = values
        else:
            column = target if target in columns else columns[-1]
            rows = values[:, [columns.index(column)]]
        for horizon in horizons:
            for lookback in lookbacks:
                splits = make_splits(rows, bounds, lookback)
                for seed in seeds:
                    key = (target, horizon, lookback, seed)
                    if key in done:
                        continue
                    fit = fit_and_score(
                        splits, lookback, horizon, seed, recipe, quick=quick
                    )
                    fit = {
                        "target": target,
                        "horizon": horizon,
                        "lookback": lookback,
                        "seed": seed,
                        **fit,
                    }
                    progress(
                        f"{name} {target} h{horizon} L{lookback} seed {seed}: "
                        f"{fit['epochs']} epochs (best {fit['best_epoch']}) in "
                        f"{fit['seconds']:.0f} s, val MSE {fit['val_mse']:.4f}, "
                        f"test MSE {fit['mse']:.4f} MAE {fit['mae']:.4f}"
                    )
                    fits.append(fit)
                    done.add(key)
                    if json_path:
                        write_records(json_path, fits)
    return name, fits, recipe


def _section(quick, note="", **options):
    start_load = load_average()
    name, fits, recipe = run_cells(quick=quick, **options)
    seeds = list(options.get("seeds", range(N_SEEDS)))
    text = render(
        name,
        fits,
        options.get("horizons", HORIZONS),
        options.get("lookbacks", LOOKBACKS),
        seeds,
        options.get("targets", TARGETS),
        recipe,
        note=(
            f"Load average (1/5/15 min) at start {start_load}, at end "
            f"{load_average()}." + (f" {note}" if note else "")
        ),
    )
    if quick:
        text += (
            "\n\nQUICK RUN: tiny models, two training batches, one validation and "
            "test batch, figures meaningless."
        )
    return name, text


@register("long_horizon")
def run(quick: bool = False) -> str:
    """ETTh1, every target, horizon and lookback; a markdown section."""
    cells = QUICK_CELLS if quick else FULL_CELLS
    _, text = _section(
        quick,
        targets=cells["targets"],
        horizons=cells["horizons"],
        lookbacks=cells["lookbacks"],
        seeds=tuple(range(cells["seeds"])),
    )
    return text


def _ints(text):
    return tuple(int(part) for part in text.split(",") if part)


def main(argv=None) -> None:
    import shlex
    import sys

    from benchmarks.__main__ import RESULTS, header, merge

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=None, help="ETT-layout CSV")
    parser.add_argument("--horizons", type=_ints, default=None, help="96,192,...")
    parser.add_argument("--lookbacks", type=_ints, default=None, help="96,336,720")
    parser.add_argument(
        "--targets",
        type=lambda s: tuple(s.split(",")),
        default=None,
        help="multivariate,OT",
    )
    parser.add_argument("--seeds", type=int, default=None, help="seeds 0..N-1")
    parser.add_argument("--json", type=Path, default=None, help="records file")
    parser.add_argument(
        "--decoder",
        choices=("pmf", "rmf"),
        default=None,
        help="override the recipe's decoder (an ablation; use its own --json)",
    )
    parser.add_argument(
        "--render", action="store_true", help="table from --json, no training"
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--note", default=None)
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    # Unset options take the full protocol's values, or the quick run's.
    defaults = QUICK_CELLS if args.quick else FULL_CELLS
    for option, value in defaults.items():
        if getattr(args, option) is None:
            setattr(args, option, value)
    for target in args.targets:
        if target not in TARGETS:
            parser.error(f"--targets must be among {list(TARGETS)}; got {target!r}")
    if args.render and args.json is None:
        parser.error("--render needs --json")
    seeds = tuple(range(args.seeds))
    options = dict(
        csv=args.csv,
        targets=args.targets,
        horizons=args.horizons,
        lookbacks=args.lookbacks,
        seeds=seeds,
        json_path=args.json,
        decoder=args.decoder,
    )
    if args.render:
        name = "ETTh1" if args.csv is None else args.csv.stem
        recipe = QUICK_RECIPE if args.quick else RECIPE
        if args.decoder:
            recipe = {**recipe, "decoder": args.decoder}
        fits = read_fits(args.json)
        text = render(
            name,
            fits,
            args.horizons,
            args.lookbacks,
            seeds,
            args.targets,
            recipe,
            note=args.note or "",
        )
    else:
        name, text = _section(args.quick, note=args.note or "", **options)
    section_name = "long_horizon" if name == "ETTh1" else f"long_horizon_{name}"
    command = shlex.join(["python", "-m", "benchmarks.long_horizon", *argv])
    section = f"{header(section_name, command, None)}\n\n{text}"
    print(section)
    output = args.output or (None if args.quick or args.no_write else RESULTS)
    if output is not None:
        previous = output.read_text() if output.exists() else ""
        output.write_text(merge(previous, {section_name: section}, []))
        print(f"Wrote {output}", file=sys.stderr)


if __name__ == "__main__":
    main()
