"""Order sensitivity on yearly sunspots: do GRU and LSTM use the order of years?

Data: ``forecasting/sunspots_yearly.csv`` (1700-2008, 309 years; see
``shared/data/PROVENANCE.md``). One-step-ahead forecasts from the previous
``INPUT_WIDTH = 20`` years; training targets are the years up to
``SPLIT_YEAR - 1`` and test targets the years from ``SPLIT_YEAR`` on (79 years),
each test window taking its inputs from the years before it. Values are
z-scored with the training years' mean and standard deviation, and the score is
the MSE on that scale. The test years are more active than the training years,
so predicting the training mean scores about 2.8 there, not 1.0; the window
mean (an order-free forecast) scores about 2.4.

Models, all trained with :func:`tsrnn.compile_model` defaults (Adam 1e-3,
clipnorm 1) for a fixed number of epochs:

- ``gru``: ``build_rnn((None, 1), 1, cell="gru", units=16)``;
- ``lstm``: ``build_rnn((None, 1), 1, cell="lstm", units=16)``;
- ``dense``: ``build_dense((20, 1), 1, units=(32,))``, the flattened window;
- ``linear``: least squares on the flattened window, an AR(20) model.

:func:`tsrnn.order_sensitivity` reports each under the original order, one
fixed permutation of the 20 years (models retrained on it), an independent
shuffle per window (train and test), and on windows of 30 and 10 years scored
with the model trained on 20. Each figure is the mean (and standard deviation)
over ``SEEDS`` (seed of the permutations and of the initial weights).

Run: ``python -m benchmarks.order_sensitivity [--quick]`` (prints the section)
or through ``python -m benchmarks --only order_sensitivity``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from benchmarks import register

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("TSRNN_SHARED_DATA", ROOT.parent / "shared" / "data")) / (
    "forecasting/sunspots_yearly.csv"
)
INPUT_WIDTH = 20
LENGTHS = {"longer_30": 30, "shorter_10": 10}
SPLIT_YEAR = 1930
SEEDS = (0, 1, 2)
EPOCHS = 150
QUICK_SEEDS = (0,)
QUICK_EPOCHS = 2


def _windows(series, width, first_test_row):
    """Training and test windows of ``width`` rows; targets split by row index."""
    import numpy as np

    from tsrnn import make_windows

    X, y = make_windows(series, width, 1)
    target_rows = np.arange(width, len(series))
    test = target_rows >= first_test_row
    # Copies: make_windows returns read-only views, and Keras may want its own.
    return (
        (np.array(X[~test]), np.array(y[~test, 0])),
        (np.array(X[test]), np.array(y[test, 0])),
    )


def _models(seed, quick=False):
    from sklearn.linear_model import LinearRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    from tsrnn.nn.builders import build_dense, build_rnn
    from tsrnn.nn.compile import compile_model

    def flatten(X):
        return X.reshape(len(X), -1)

    models = {
        "gru": lambda: compile_model(
            build_rnn((None, 1), 1, cell="gru", units=16, seed=seed)
        ),
        "lstm": lambda: compile_model(
            build_rnn((None, 1), 1, cell="lstm", units=16, seed=seed)
        ),
        "dense": lambda: compile_model(
            build_dense((INPUT_WIDTH, 1), 1, units=(32,), seed=seed)
        ),
        "linear": make_pipeline(FunctionTransformer(flatten), LinearRegression()),
    }
    if quick:
        # Smoke check: one recurrent and one order-free network suffice.
        return {name: models[name] for name in ("gru", "dense")}
    return models


def measure(quick: bool):
    """Return (per-seed tables, naive scores, facts) for the sunspot report."""
    import numpy as np
    import pandas as pd

    from tsrnn.evaluation.baselines import (
        infer_period,
        naive_forecast,
        seasonal_naive_forecast,
        window_mean_forecast,
    )
    from tsrnn.order import order_sensitivity

    frame = pd.read_csv(DATA)
    years = frame["YEAR"].to_numpy()
    values = frame["SUNACTIVITY"].to_numpy(dtype=np.float64)
    first_test_row = int(np.searchsorted(years, SPLIT_YEAR))
    train_values = values[:first_test_row]
    series = (values - train_values.mean()) / train_values.std()

    (X_train, y_train), (X_test, y_test) = _windows(series, INPUT_WIDTH, first_test_row)
    lengths = {
        name: _windows(series, width, first_test_row)[1]
        for name, width in LENGTHS.items()
    }
    for _, y_other in lengths.values():
        np.testing.assert_array_equal(y_other, y_test)

    period = infer_period(train_values)
    naive = {
        "naive (last year)": naive_forecast(X_test, 1)[:, 0, 0],
        f"seasonal naive (period {period}, inferred)": seasonal_naive_forecast(
            X_test, 1, period=period
        )[:, 0, 0],
        "window mean (order-free)": window_mean_forecast(X_test, 1)[:, 0, 0],
        "training mean": np.zeros_like(y_test),
    }
    naive_mse = {name: float(np.mean((y_test - f) ** 2)) for name, f in naive.items()}

    seeds = QUICK_SEEDS if quick else SEEDS
    epochs = QUICK_EPOCHS if quick else EPOCHS
    tables = []
    start = time.perf_counter()
    for seed in seeds:
        tables.append(
            order_sensitivity(
                _models(seed, quick),
                X_train,
                y_train,
                X_test,
                y_test,
                metric="mse",
                seed=seed,
                fit_kwargs={"epochs": epochs, "batch_size": 32},
                lengths=lengths,
            )
        )
    facts = {
        "n_train": len(X_train),
        "n_test": len(X_test),
        "test_years": f"{years[first_test_row]}-{years[-1]}",
        "seeds": seeds,
        "epochs": epochs,
        "seconds": time.perf_counter() - start,
    }
    return tables, naive_mse, facts


def _cell(values) -> str:
    import numpy as np

    values = np.asarray(values, dtype=float)
    if np.isnan(values).all():
        return "n/a"
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{values.mean():.3f} ± {values.std(ddof=1):.3f}"


def to_markdown(tables, naive_mse, facts) -> str:
    columns = [c for c in tables[0].columns if c != "not_scored"]
    header = "| model | " + " | ".join(columns) + " |"
    rule = "|---|" + "---:|" * len(columns)
    rows = []
    for model in tables[0].index:
        cells = [_cell([t.loc[model, c] for t in tables]) for c in columns]
        rows.append(f"| {model} | " + " | ".join(cells) + " |")
    reasons = sorted(
        {
            f"{model}: {t.loc[model, 'not_scored']}"
            for t in tables
            for model in t.index
            if t.loc[model, "not_scored"]
        }
    )
    seeds = ", ".join(str(s) for s in facts["seeds"])
    lines = [
        "Yearly sunspots, one-step forecast from the previous 20 years; "
        f"{facts['n_train']} training windows, {facts['n_test']} test windows "
        f"(targets {facts['test_years']}); MSE on z-scored values (lower is "
        f"better), mean ± sd over seeds {seeds}; {facts['epochs']} epochs, batch "
        f"32; {facts['seconds']:.0f} s for all seeds.",
        "",
        header,
        rule,
        *rows,
        "",
        "Naive references on the same test windows: "
        + "; ".join(f"{name} {mse:.3f}" for name, mse in naive_mse.items())
        + ".",
        "",
        "How to read it: `fixed_permutation` retrains on windows whose 20 years are "
        "reordered by one fixed permutation; `shuffled_per_window` shuffles every "
        "window independently (train and test), leaving only the set of values; "
        "`longer_30`/`shorter_10` score the model trained on 20 years on windows of "
        "30 and 10 years (n/a: the model cannot take them).",
    ]
    if reasons:
        lines += ["", "Not scored: " + "; ".join(reasons) + "."]
    return "\n".join(lines)


@register("order_sensitivity")
def run(quick: bool) -> str:
    """Run the sunspot order-sensitivity report; return a markdown section."""
    return to_markdown(*measure(quick))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.order_sensitivity", description=__doc__
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="one seed, 2 epochs, GRU and dense only (smoke check)",
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    print(run(args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main())
