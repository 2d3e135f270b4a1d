"""The bad-input matrix: every public entry point against a table of bad inputs.

Each row names an entry point, builds its (bad) inputs and states the expected
outcome: an exception type with a message fragment (which must name what is
wrong), or a checker for a documented, correct result. Every row also checks
that the caller's inputs are unmodified afterwards.

Decisions recorded here:

- unseen class labels at ``score`` time count as errors (a classifier can only
  predict labels seen in fit); ``predict_proba`` has one column per class seen
  in fit, in the order of ``classes_``.
- columns renamed or reordered at predict time raise for the estimators (the
  scikit-learn feature-name check) and for ``Forecaster``; ``Windower.transform``
  selects the fitted columns by name, so reordering gives the same windows and
  renaming raises.
- huge values (1e30) are computed exactly where float32 can hold them.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LinearRegression, Ridge

from tsrnn import (
    DenseClassifier,
    DenseRegressor,
    Forecaster,
    RNNClassifier,
    RNNRegressor,
    Windower,
    build_dense,
    compile_model,
    make_dataset,
    make_windows,
    metrics,
    pad_sequences,
)
from tsrnn.cli import main as cli_main
from tsrnn.datasets import load_classification, read_ts
from tsrnn.exceptions import DataWarning

TINY = dict(epochs=1, jit_compile=False, random_state=0)


# ------------------------------------------------------------------ the schema


@dataclass(frozen=True)
class Row:
    """One bad input: ``call(*build(tmp_path))`` must raise or pass ``check``."""

    id: str
    build: Callable
    call: Callable
    raises: type[BaseException] | None = None
    match: str | None = None
    check: Callable | None = None


def snapshot(value):
    if isinstance(value, Path):
        return value.read_bytes() if value.is_file() else None
    return copy.deepcopy(value)


def assert_unchanged(before, after) -> None:
    if isinstance(after, pd.DataFrame):
        pd.testing.assert_frame_equal(after, before)
    elif isinstance(after, pd.Series):
        pd.testing.assert_series_equal(after, before)
    elif isinstance(after, np.ndarray):
        np.testing.assert_array_equal(after, before)
        assert after.dtype == before.dtype
    elif isinstance(after, list | tuple):
        assert len(after) == len(before)
        for b, a in zip(before, after, strict=True):
            assert_unchanged(b, a)
    elif isinstance(after, dict):
        assert after.keys() == before.keys()
        for key in after:
            assert_unchanged(before[key], after[key])
    elif isinstance(after, Path):
        assert snapshot(after) == before, f"{after} was modified"


# --------------------------------------------------------------- input builders


def frame(n=30, freq="h", tz=None) -> pd.DataFrame:
    index = pd.date_range("2024-01-01", periods=n, freq=freq, tz=tz, name="time")
    return pd.DataFrame(
        {"a": np.arange(n, dtype=float), "b": np.linspace(1.0, 2.0, n)}, index=index
    )


def with_value(value, row=5, column="a", n=30) -> pd.DataFrame:
    out = frame(n)
    out.loc[out.index[row], column] = value
    return out


def mixed_tz_long() -> pd.DataFrame:
    out = frame().reset_index()
    aware = out["time"].dt.tz_localize("UTC").astype(object)
    out["time"] = [aware[i] if i < 15 else t for i, t in enumerate(out["time"])]
    return out


def mixed_tz_index(series: pd.Series, first_aware: int) -> pd.Series:
    """``series`` on an object index: tz-aware (UTC) stamps, then naive ones."""
    aware = series.index[:first_aware].tz_localize("UTC")
    stamps = [*aware, *series.index[first_aware:]]
    return series.set_axis(pd.Index(stamps, dtype=object))


def long_history(ids) -> pd.DataFrame:
    """Two daily series in long format, ids from ``ids``, NaN in the second."""
    parts = []
    for k, sid in enumerate(ids):
        part = daily().reset_index().assign(id=sid)
        if k == 1:
            part.loc[20, "load"] = np.nan
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def frequency_change() -> pd.DataFrame:
    index = pd.date_range("2024-01-01", periods=15, freq="h").append(
        pd.date_range("2024-01-02", periods=15, freq="D")
    )
    return pd.DataFrame({"a": np.arange(30.0)}, index=index)


def daily(n=60, scale=1.0) -> pd.Series:
    index = pd.date_range("2024-01-01", periods=n, freq="D", name="day")
    return pd.Series(scale * (np.sin(np.arange(n) / 3) + 5), index=index, name="load")


def windows_xy(n=20, steps=5):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, steps))
    return X, X.sum(axis=1)


def labels(y):
    return np.where(y > 0, "up", "down")


def named(X):
    return pd.DataFrame(X, columns=list("abcde"))


@functools.cache
def fitted(name: str):
    """A tiny estimator fitted on a DataFrame X (so it records feature names)."""
    X, y = windows_xy()
    cls, units = ESTIMATORS[name]
    target = labels(y) if "Classifier" in name else y
    return cls(units=units, **TINY).fit(named(X), target)


ESTIMATORS = {
    "RNNRegressor": (RNNRegressor, 4),
    "RNNClassifier": (RNNClassifier, 4),
    "DenseRegressor": (DenseRegressor, (4,)),
    "DenseClassifier": (DenseClassifier, (4,)),
}


def new(name, **kw):
    cls, units = ESTIMATORS[name]
    return cls(units=units, **{**TINY, **kw})


def fit_target(name, y):
    return labels(y) if "Classifier" in name else y


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def csv_rows(values, dates=None, header="date,y") -> str:
    dates = dates if dates is not None else pd.date_range("2020-01-01", periods=80)
    lines = [
        f"{d.date() if hasattr(d, 'date') else d},{v}"
        for d, v in zip(dates, values, strict=False)
    ]
    return header + "\n" + "\n".join(lines) + "\n"


SINE = np.sin(np.arange(80) / 3) + 5


def run_cli(*args):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = cli_main([str(a) for a in args])
        except SystemExit as exit_:
            code = exit_.code
    return code, err.getvalue()


def cli_fails(pattern):
    def check(result, *inputs):
        code, err = result
        assert code == 2, err
        assert re.search(pattern, err), err

    return check


# ---------------------------------------------------------------- result checks


def exact_windows_of(data, input_width, horizon):
    def check(result, *inputs):
        X, y = result
        assert np.isfinite(X).all() and np.isfinite(y).all()
        for i in range(len(X)):
            np.testing.assert_array_equal(X[i, :, 0], data[i : i + input_width])
            np.testing.assert_array_equal(
                y[i, :, 0], data[i + input_width : i + input_width + horizon]
            )

    return check


def dataset_equals_windows(data, input_width):
    def check(result, *inputs):
        X = np.concatenate([batch[0].numpy() for batch in result])
        expected, _ = make_windows(data.astype(np.float32), input_width)
        assert np.isfinite(X).all()
        np.testing.assert_array_equal(X, expected)

    return check


def windower_huge(result, source):
    ws = result["train"]
    assert np.isfinite(ws.X).all()
    expected = source[["a", "b"]].to_numpy(np.float32)
    np.testing.assert_array_equal(ws.X[0], expected[:3])
    np.testing.assert_array_equal(ws.y[-1], expected[-2:])


def windower_gap_filled(result, source):
    ws = result["train"]
    assert len(ws.values) == len(source) + 1  # the missing hour was inserted
    np.testing.assert_array_equal(ws.values[10], ws.values[9])  # and ffilled


def same_windows_as_fitted_order(result, source):
    reference = Windower(3, 2).fit(frame()).transform(frame())
    np.testing.assert_array_equal(result.X, reference.X)
    assert result.columns == ("a", "b")


def unseen_labels_count_as_errors(result, X, y):
    predicted = fitted("RNNClassifier").predict(X)
    assert result == pytest.approx(np.mean(predicted == y))
    assert result <= 0.5  # half the labels can never be predicted


def proba_has_one_column_per_fitted_class(result, X):
    assert result.shape == (len(X), 2)
    np.testing.assert_allclose(result.sum(axis=1), 1.0, rtol=1e-6)
    assert fitted("RNNClassifier").classes_.tolist() == ["down", "up"]


def finite_predictions(result, *inputs):
    assert np.isfinite(np.asarray(result, dtype=float)).all()


def scaled_forecast_equals_unscaled(result, history):
    small = Forecaster(LinearRegression(), input_width=5, horizon=2).fit(daily())
    np.testing.assert_allclose(
        result.to_numpy() / 1e30, small.predict().to_numpy(), rtol=1e-4
    )


def level_shift_carries_to_the_forecast(result, X, Y):
    model = result
    prediction = model.predict(X)
    assert np.isfinite(prediction).all()
    np.testing.assert_allclose(model.predict(X + 1e4) - prediction, 1e4, rtol=1e-5)


def keras_trains_without_a_warning(result, data):
    # filterwarnings=error: Keras' shuffle warning would have failed the call.
    assert len(result.history["loss"]) == 1
    assert np.isfinite(result.history["loss"][0])


def fit_keras_on_dataset(data):
    dataset = make_dataset(data, 4, shuffle=True, seed=0, batch_size=8)
    model = compile_model(build_dense((4, 1), 1, units=(), seed=0), jit_compile=False)
    return model.fit(dataset, epochs=1, shuffle=False, verbose=0)


def equals(expected):
    def check(result, *inputs):
        assert result == pytest.approx(expected, rel=1e-12)

    return check


def nan_kept_and_masked(result, sequences):
    X, mask = result
    assert np.isnan(X[0, 1, 0]) and mask[0].all()


# ---------------------------------------------------------------------- the rows

NUMBERS = np.arange(10.0)
HUGE = np.arange(10.0) * 1e30

ROWS = [
    # make_windows
    Row(
        "make_windows-empty",
        lambda t: (np.empty(0),),
        lambda d: make_windows(d, 3),
        ValueError,
        r"at least input_width \+ gap \+ horizon = 4 rows\. Got data with 0",
    ),
    Row(
        "make_windows-one-row",
        lambda t: (np.ones(1),),
        lambda d: make_windows(d, 3),
        ValueError,
        r"Got data with 1 rows\. Use a shorter input_width",
    ),
    Row(
        "make_windows-nan",
        lambda t: (np.r_[NUMBERS, np.nan],),
        lambda d: make_windows(d, 2),
        ValueError,
        r"must be finite.*nan at row 10",
    ),
    Row(
        "make_windows-inf",
        lambda t: (np.r_[NUMBERS, -np.inf],),
        lambda d: make_windows(d, 2),
        ValueError,
        r"must be finite.*-inf at row 10",
    ),
    Row(
        "make_windows-string",
        lambda t: (np.array(list("abcdef")),),
        lambda d: make_windows(d, 2),
        TypeError,
        r"`data` must hold numbers.*<U1",
    ),
    Row(
        "make_windows-object",
        lambda t: (np.arange(6).astype(object),),
        lambda d: make_windows(d, 2),
        TypeError,
        r"must hold numbers.*object",
    ),
    Row(
        "make_windows-3d",
        lambda t: (np.ones((6, 2, 2)),),
        lambda d: make_windows(d, 2),
        ValueError,
        r"1-D or 2-D\. Got data with shape",
    ),
    Row(
        "make_windows-width-zero",
        lambda t: (NUMBERS,),
        lambda d: make_windows(d, 0),
        ValueError,
        r"`input_width` must be a positive",
    ),
    Row(
        "make_windows-width-negative",
        lambda t: (NUMBERS,),
        lambda d: make_windows(d, -2),
        ValueError,
        r"Got input_width=-2",
    ),
    Row(
        "make_windows-horizon-zero",
        lambda t: (NUMBERS,),
        lambda d: make_windows(d, 2, 0),
        ValueError,
        r"`horizon` must be a positive",
    ),
    Row(
        "make_windows-stride-zero",
        lambda t: (NUMBERS,),
        lambda d: make_windows(d, 2, stride=0),
        ValueError,
        r"Got stride=0",
    ),
    Row(
        "make_windows-gap-negative",
        lambda t: (NUMBERS,),
        lambda d: make_windows(d, 2, gap=-1),
        ValueError,
        r"`gap` must be an integer >= 0",
    ),
    Row(
        "make_windows-width-float",
        lambda t: (NUMBERS,),
        lambda d: make_windows(d, 2.0),
        TypeError,
        r"Got input_width=2\.0",
    ),
    Row(
        "make_windows-huge-1e30",
        lambda t: (HUGE,),
        lambda d: make_windows(d, 3, 2),
        check=exact_windows_of(HUGE, 3, 2),
    ),
    # make_dataset
    Row(
        "make_dataset-empty",
        lambda t: (np.empty((0, 2)),),
        lambda d: make_dataset(d, 3),
        ValueError,
        r"Got data with 0 rows",
    ),
    Row(
        "make_dataset-nan",
        lambda t: (np.r_[NUMBERS, np.nan],),
        lambda d: make_dataset(d, 3),
        ValueError,
        r"must be finite.*row 10",
    ),
    Row(
        "make_dataset-string",
        lambda t: (np.array(list("abcdef")),),
        lambda d: make_dataset(d, 2),
        TypeError,
        r"must hold numbers",
    ),
    Row(
        "make_dataset-3d",
        lambda t: (np.ones((6, 2, 2)),),
        lambda d: make_dataset(d, 2),
        ValueError,
        r"1-D or 2-D",
    ),
    Row(
        "make_dataset-horizon-zero",
        lambda t: (NUMBERS,),
        lambda d: make_dataset(d, 2, 0),
        ValueError,
        r"`horizon` must be a positive",
    ),
    Row(
        "make_dataset-no-width",
        lambda t: (NUMBERS,),
        lambda d: make_dataset(d),
        TypeError,
        r"`input_width` must be a positive integer when `data` is an array",
    ),
    Row(
        "make_dataset-too-few-for-drop-remainder",
        lambda t: (NUMBERS,),
        lambda d: make_dataset(d, 2, batch_size=64, drop_remainder=True),
        ValueError,
        r"`batch_size` must be at most the number of windows \(8\)",
    ),
    Row(
        "make_dataset-beyond-float32",
        lambda t: (np.r_[NUMBERS, 1e39],),
        lambda d: make_dataset(d, 2),
        ValueError,
        r"must fit in float32.*1e\+39 at row 10",
    ),
    Row(
        "make_dataset-shuffled-trains-keras-without-warning",
        lambda t: (np.sin(np.arange(40.0) / 3),),
        fit_keras_on_dataset,
        check=keras_trains_without_a_warning,
    ),
    Row(
        "make_dataset-huge-1e30",
        lambda t: (HUGE,),
        lambda d: make_dataset(d, 3),
        check=dataset_equals_windows(HUGE, 3),
    ),
    # Windower
    Row(
        "Windower-empty",
        lambda t: (frame().iloc[:0],),
        lambda f: Windower(3, 2).fit_split(f),
        ValueError,
        r"`frame` must have rows",
    ),
    Row(
        "Windower-one-row",
        lambda t: (frame().iloc[:1],),
        lambda f: Windower(3, 2).fit_split(f),
        ValueError,
        r"`freq` must be given when no series has 2 or more rows",
    ),
    Row(
        "Windower-too-short",
        lambda t: (frame().iloc[:4],),
        lambda f: Windower(3, 2).fit_split(f),
        ValueError,
        r"at least input_width \+ gap \+ horizon = 5\. Got 4 rows",
    ),
    Row(
        "Windower-all-nan-column",
        lambda t: (with_value(np.nan, row=slice(None)),),
        lambda f: Windower(3, 2).fit_split(f),
        ValueError,
        r"NaN in column 'a' at 2024-01-01 00:00:00\. Pass nan_policy=",
    ),
    Row(
        "Windower-inf",
        lambda t: (with_value(np.inf),),
        lambda f: Windower(3, 2).fit_split(f),
        ValueError,
        r"finite\. Got inf in column 'a' at 2024-01-01 05:00:00",
    ),
    Row(
        "Windower-string-target",
        lambda t: (frame().assign(c="x"),),
        lambda f: Windower(3, 2, target="c").fit_split(f),
        TypeError,
        r"Column 'c' must be numeric\. Got dtype str",
    ),
    Row(
        "Windower-object-covariate",
        lambda t: (frame().assign(c=pd.Series([1.0] * 30, dtype=object).to_numpy()),),
        lambda f: Windower(3, 2, target="a", past_covariates=["c"]).fit_split(f),
        TypeError,
        r"Column 'c' must be numeric\. Got dtype object.*pd\.to_numeric",
    ),
    Row(
        "Windower-tz-mixed-within-column",
        lambda t: (mixed_tz_long(),),
        lambda f: Windower(3, 2, time_col="time").fit_split(f),
        ValueError,
        r"column 'time' must hold timestamps, all tz-aware or all tz-naive: they "
        r"cannot mix\. Got tz-aware 2024-01-01 00:00:00\+00:00 at row 0 and naive "
        r"2024-01-01 15:00:00 at row 15\..*tz_localize.*tz_convert",
    ),
    Row(
        "Windower-tz-mixed-object-index",
        lambda t: (mixed_tz_index(frame()["a"], 3).to_frame(),),
        lambda f: Windower(3, 2).fit_split(f),
        ValueError,
        r"index of `frame` must hold timestamps.*cannot mix\. Got tz-aware "
        r"2024-01-01 00:00:00\+00:00 at row 0 and naive 2024-01-01 03:00:00 at row 3",
    ),
    Row(
        "Windower-beyond-float32-1e300",
        lambda t: (frame() * 1e300,),
        lambda f: Windower(3, 2).fit_split(f),
        ValueError,
        r"Values must fit in float32 \(\|x\| <= 3\.4e\+38\).*Got value 1e\+300 in "
        r"column 'b' at 2024-01-01 00:00:00\. Rescale.*scaler=StandardScaler",
    ),
    Row(
        "Windower-long-nan-names-plain-int-id",
        lambda t: (long_history(np.array([7, 3])),),
        lambda f: Windower(3, 2, id_col="id", time_col="day").fit_split(f),
        ValueError,
        r"Got NaN in column 'load' of series 3 at 2024-01-21 00:00:00\. Pass",
    ),
    Row(
        "Windower-tz-aware-fit-naive-transform",
        lambda t: (frame(tz="Europe/Paris"), frame()),
        lambda a, b: Windower(3, 2).fit(a).transform(b),
        ValueError,
        r"tz-aware and naive cannot mix.*fitted on tz=Europe/Paris",
    ),
    Row(
        "Windower-duplicate-timestamps",
        lambda t: (frame().set_axis(frame().index[[0, *range(29)]]),),
        lambda f: Windower(3, 2).fit_split(f),
        ValueError,
        r"must be unique\. Got duplicate timestamp 2024-01-01 00:00:00",
    ),
    Row(
        "Windower-unsorted",
        lambda t: (frame().iloc[::-1],),
        lambda f: Windower(3, 2).fit_split(f),
        ValueError,
        r"sorted in increasing order.*frame\.sort_index\(\)",
    ),
    Row(
        "Windower-gap",
        lambda t: (frame().drop(frame().index[10]),),
        lambda f: Windower(3, 2).fit_split(f),
        ValueError,
        r"1 missing timestamps, the first at 2024-01-01 10:00:00\. Pass fill_missing",
    ),
    Row(
        "Windower-gap-with-fill-policy",
        lambda t: (frame().drop(frame().index[10]),),
        lambda f: Windower(3, 2, fill_missing="ffill").fit_split(f),
        check=windower_gap_filled,
    ),
    Row(
        "Windower-frequency-change",
        lambda t: (frequency_change(),),
        lambda f: Windower(3, 2).fit_split(f),
        ValueError,
        r"regularly spaced at frequency 'h'.*first at 2024-01-01 15:00:00",
    ),
    Row(
        "Windower-ndarray",
        lambda t: (np.ones((30, 2)),),
        lambda f: Windower(3, 2).fit(f),
        TypeError,
        r"`frame` must be a pandas DataFrame\. Got frame='ndarray'",
    ),
    Row(
        "Windower-width-zero",
        lambda t: (frame(),),
        lambda f: Windower(0).fit(f),
        ValueError,
        r"`input_width` must be a positive integer\. Got input_width=0",
    ),
    Row(
        "Windower-horizon-zero",
        lambda t: (frame(),),
        lambda f: Windower(3, 0).fit(f),
        ValueError,
        r"Got horizon=0",
    ),
    Row(
        "Windower-stride-negative",
        lambda t: (frame(),),
        lambda f: Windower(3, stride=-1).fit(f),
        ValueError,
        r"Got stride=-1",
    ),
    Row(
        "Windower-renamed-at-transform",
        lambda t: (frame(),),
        lambda f: Windower(3, 2).fit(f).transform(f.rename(columns={"a": "z"})),
        ValueError,
        r"Column 'a' must be in `frame`.*fitted with columns \['a', 'b'\]",
    ),
    Row(
        "Windower-reordered-at-transform",
        lambda t: (frame()[["b", "a"]],),
        lambda f: Windower(3, 2).fit(frame()).transform(f),
        check=same_windows_as_fitted_order,
    ),
    Row(
        "Windower-huge-1e30",
        lambda t: (frame() * 1e30,),
        lambda f: Windower(3, 2).fit_split(f),
        check=windower_huge,
    ),
    # Forecaster
    Row(
        "Forecaster-empty",
        lambda t: (daily().iloc[:0],),
        lambda y: Forecaster(Ridge(), input_width=5, horizon=2).fit(y),
        ValueError,
        r"at least input_width \+ horizon = 7 rows\. Got 0 rows",
    ),
    Row(
        "Forecaster-one-row",
        lambda t: (daily().iloc[:1],),
        lambda y: Forecaster(Ridge(), input_width=5, horizon=2).fit(y),
        ValueError,
        r"Got 1 rows\. Use a shorter input_width",
    ),
    Row(
        "Forecaster-all-nan",
        lambda t: (daily() * np.nan,),
        lambda y: Forecaster(Ridge(), input_width=5, horizon=2).fit(y),
        ValueError,
        r"NaN in column 'load'.* at 2024-01-01",
    ),
    Row(
        "Forecaster-inf",
        lambda t: (daily().where(daily().index != "2024-01-11", np.inf),),
        lambda y: Forecaster(Ridge(), input_width=5, horizon=2).fit(y),
        ValueError,
        r"Got inf in column 'load'.* at 2024-01-11",
    ),
    Row(
        "Forecaster-string-target",
        lambda t: (daily().astype(str).to_frame(),),
        lambda y: Forecaster(Ridge(), input_width=5, target="load").fit(y),
        TypeError,
        r"Column 'load' must be numeric\. Got dtype .*pd\.to_numeric",
    ),
    Row(
        "Forecaster-tz-mixed-index",
        lambda t: (
            daily().set_axis(
                pd.Index(
                    [*daily().index[:30].tz_localize("UTC"), *daily().index[30:]],
                    dtype=object,
                )
            ),
        ),
        lambda y: Forecaster(Ridge(), input_width=5).fit(y),
        ValueError,
        r"index of `y` must hold timestamps, all tz-aware or all tz-naive: they "
        r"cannot mix\. Got tz-aware 2024-01-01 00:00:00\+00:00 at row 0 and naive "
        r"2024-01-31 00:00:00 at row 30\..*tz_localize.*tz_convert",
    ),
    Row(
        "Forecaster-duplicate-timestamp",
        lambda t: (daily().set_axis(daily().index[[0, *range(59)]]),),
        lambda y: Forecaster(Ridge(), input_width=5, horizon=2).fit(y),
        ValueError,
        r"^Timestamps must be unique\. Got duplicate timestamp 2024-01-01 00:00:00\. "
        r"Aggregate or drop duplicates first",
    ),
    Row(
        "Forecaster-long-duplicate-timestamp-names-the-series",
        lambda t: (
            long_history(["a", "b"])
            .fillna(1.0)
            .pipe(lambda f: pd.concat([f, f.iloc[[70]]], ignore_index=True)),
        ),
        lambda y: Forecaster(Ridge(), input_width=5, id_col="id", time_col="day").fit(
            y
        ),
        ValueError,
        r"^Timestamps of series 'b' must be unique\. Got duplicate timestamp "
        r"2024-01-11 00:00:00",
    ),
    Row(
        "Forecaster-beyond-float32-1e300",
        lambda t: (daily(scale=1e300),),
        lambda y: Forecaster(Ridge(), input_width=5, horizon=2).fit(y),
        ValueError,
        r"must fit in float32 \(\|x\| <= 3\.4e\+38\).*Got value [0-9.e+]+ in "
        r"column 'load' at 2024-01-01 00:00:00\. Rescale",
    ),
    Row(
        "Forecaster-nan-names-no-internal-series-id",
        lambda t: (daily().where(daily().index != "2024-01-11"),),
        lambda y: Forecaster(Ridge(), input_width=5, horizon=2).fit(y),
        ValueError,
        r"Got NaN in column 'load' at 2024-01-11 00:00:00\. Pass",
    ),
    Row(
        "Forecaster-long-nan-names-plain-string-id",
        lambda t: (long_history(np.array(["a", "b"], dtype=object)),),
        lambda y: Forecaster(Ridge(), input_width=5, id_col="id", time_col="day").fit(
            y
        ),
        ValueError,
        r"Got NaN in column 'load' of series 'b' at 2024-01-21 00:00:00\. Pass",
    ),
    Row(
        "Forecaster-unsorted",
        lambda t: (daily().iloc[::-1],),
        lambda y: Forecaster(Ridge(), input_width=5, horizon=2).fit(y),
        ValueError,
        r"sorted in increasing order",
    ),
    Row(
        "Forecaster-gap",
        lambda t: (daily().drop(daily().index[10]),),
        lambda y: Forecaster(Ridge(), input_width=5, horizon=2).fit(y),
        ValueError,
        r"missing timestamps, the first at 2024-01-11",
    ),
    Row(
        "Forecaster-ndarray",
        lambda t: (daily().to_numpy(),),
        lambda y: Forecaster(Ridge()).fit(y),
        TypeError,
        r"`y` must be a pandas Series or DataFrame.*pd\.Series",
    ),
    Row(
        "Forecaster-width-zero",
        lambda t: (daily(),),
        lambda y: Forecaster(Ridge(), input_width=0).fit(y),
        ValueError,
        r"Got input_width=0",
    ),
    Row(
        "Forecaster-horizon-zero",
        lambda t: (daily(),),
        lambda y: Forecaster(Ridge(), input_width=5, horizon=0).fit(y),
        ValueError,
        r"`horizon` must be a positive integer\. Got horizon=0",
    ),
    Row(
        "Forecaster-predict-horizon-zero",
        lambda t: (daily(),),
        lambda y: Forecaster(Ridge(), input_width=5).fit(y).predict(0),
        ValueError,
        r"Got horizon=0",
    ),
    Row(
        "Forecaster-renamed-at-predict",
        lambda t: (pd.DataFrame({"a": daily(), "b": daily()}),),
        lambda y: (
            Forecaster(Ridge(), input_width=5)
            .fit(y)
            .predict(history=y.rename(columns={"a": "z"}))
        ),
        ValueError,
        r"columns seen in fit, \['a', 'b'\].*missing \['a'\]",
    ),
    Row(
        "Forecaster-reordered-at-predict",
        lambda t: (pd.DataFrame({"a": daily(), "b": daily()}),),
        lambda y: (
            Forecaster(Ridge(), input_width=5).fit(y).predict(history=y[["b", "a"]])
        ),
        ValueError,
        r"in the same order: \['a', 'b'\]\. Got \['b', 'a'\]",
    ),
    Row(
        "Forecaster-huge-1e30",
        lambda t: (daily(scale=1e30),),
        lambda y: (
            Forecaster(LinearRegression(), input_width=5, horizon=2).fit(y).predict()
        ),
        check=scaled_forecast_equals_unscaled,
    ),
    # loaders, read_ts, pad_sequences
    Row(
        "read_ts-empty-file",
        lambda t: (write(t, "e.ts", ""),),
        read_ts,
        ValueError,
        r"e\.ts: the file is empty",
    ),
    Row(
        "read_ts-undeclared-label",
        lambda t: (write(t, "u.ts", "@classLabel true a b\n@data\n1,2,3:c\n"),),
        read_ts,
        ValueError,
        r"u\.ts line 3: class label 'c' is not declared",
    ),
    Row(
        "read_ts-string-value",
        lambda t: (write(t, "s.ts", "@classLabel true a\n@data\n1,x,3:a\n"),),
        read_ts,
        ValueError,
        r"s\.ts line 3: non-numeric value 'x' in channel 0 at step 1",
    ),
    Row(
        "read_ts-overflowing-value",
        lambda t: (write(t, "h.ts", "@classLabel true a\n@data\n1,1e400,3:a\n"),),
        read_ts,
        ValueError,
        r"h\.ts line 3: value '1e400'.*infinite.*'\?' for a missing",
    ),
    Row(
        "read_ts-channel-count",
        lambda t: (
            write(t, "c.ts", "@dimensions 1\n@classLabel true a\n@data\n1:2:a\n"),
        ),
        read_ts,
        ValueError,
        r"c\.ts line 4: expected 1 channel, got 2",
    ),
    Row(
        "load_classification-unknown-name",
        lambda t: ("NoSuchProblem",),
        load_classification,
        ValueError,
        r"`name` must be one of \['GunPoint'",
    ),
    Row(
        "load_classification-bad-split",
        lambda t: ("GunPoint", "valid"),
        load_classification,
        ValueError,
        r"`split` must be 'train' or 'test'",
    ),
    Row(
        "pad_sequences-empty",
        lambda t: ([],),
        pad_sequences,
        ValueError,
        r"at least one sequence\. Got sequences=\[\]",
    ),
    Row(
        "pad_sequences-empty-sequence",
        lambda t: ([np.ones(3), np.array([])],),
        pad_sequences,
        ValueError,
        r"`sequences\[1\]` must have at least one time step",
    ),
    Row(
        "pad_sequences-string",
        lambda t: ([np.array(["a", "b"])],),
        pad_sequences,
        TypeError,
        r"`sequences\[0\]` must hold numbers",
    ),
    Row(
        "pad_sequences-3d-item",
        lambda t: ([np.ones((2, 2, 2))],),
        pad_sequences,
        ValueError,
        r"1-D \(length,\) or 2-D \(length, channels\)",
    ),
    Row(
        "pad_sequences-channel-mismatch",
        lambda t: ([np.ones((3, 2)), np.ones((3, 1))],),
        pad_sequences,
        ValueError,
        r"same number of channels as sequences\[0\] \(2\)",
    ),
    Row(
        "pad_sequences-maxlen-zero",
        lambda t: ([np.ones(3)],),
        lambda s: pad_sequences(s, maxlen=0),
        ValueError,
        r"Got maxlen=0\. Pass None",
    ),
    Row(
        "pad_sequences-beyond-float32",
        lambda t: ([np.array([1.0, 1e300])],),
        pad_sequences,
        ValueError,
        r"must fit in float32.*1e\+300 at step 1.*float64",
    ),
    Row(
        "pad_sequences-nan-is-kept",
        lambda t: ([np.array([1.0, np.nan])],),
        pad_sequences,
        check=nan_kept_and_masked,
    ),
    # metrics
    Row(
        "mae-empty",
        lambda t: ([], []),
        metrics.mae,
        ValueError,
        r"`y_true` must not be empty",
    ),
    Row(
        "mae-nan",
        lambda t: (np.array([1.0, np.nan]), np.ones(2)),
        metrics.mae,
        ValueError,
        r"`y_true` must be finite.*position \(1,\)",
    ),
    Row(
        "rmse-inf-prediction",
        lambda t: (np.ones(2), np.array([1.0, np.inf])),
        metrics.rmse,
        ValueError,
        r"`y_pred` must be finite",
    ),
    Row(
        "smape-strings",
        lambda t: (np.array(["1", "2"]), np.ones(2)),
        metrics.smape,
        TypeError,
        r"`y_true` must hold numbers.*Convert text",
    ),
    Row(
        "mae-mismatched-lengths",
        lambda t: (np.ones(3), np.ones(2)),
        metrics.mae,
        ValueError,
        r"`y_pred` must have the shape of `y_true`.*\(3,\).*\(2,\)",
    ),
    Row(
        "mae-mismatched-index",
        lambda t: (pd.Series([1.0, 2.0]), pd.Series([1.0, 2.0], index=[5, 6])),
        metrics.mae,
        ValueError,
        r"must share the index.*reindex",
    ),
    Row(
        "mape-zero-actual",
        lambda t: (np.array([1.0, 0.0]), np.ones(2)),
        metrics.mape,
        ValueError,
        r"non-zero everywhere.*position \(1,\)",
    ),
    Row(
        "mase-period-zero",
        lambda t: (np.ones(2), np.ones(2), np.arange(5.0)),
        lambda a, b, c: metrics.mase(a, b, y_train=c, period=0),
        ValueError,
        r"`period` must be a positive integer",
    ),
    Row(
        "mae-huge-1e30",
        lambda t: (np.array([3e30]), np.array([1e30])),
        metrics.mae,
        check=equals(2e30),
    ),
    Row(
        "rmse-huge-1e200",
        lambda t: (np.array([1e200]), np.zeros(1)),
        metrics.rmse,
        check=equals(1e200),
    ),
    Row(
        "smape-huge-opposite-signs",
        lambda t: (np.array([1e308]), np.array([-1e308])),
        metrics.smape,
        check=equals(2.0),
    ),
    Row(
        "mae-overflowing-difference",
        lambda t: (np.array([1e308]), np.array([-1e308])),
        metrics.mae,
        ValueError,
        r"`y_true - y_pred` must be finite.*Rescale",
    ),
    # CLI
    Row(
        "cli-missing-file",
        lambda t: (t / "nope.csv",),
        lambda p: run_cli("forecast", p, "--target", "y"),
        check=cli_fails(r"file not found: .*nope\.csv"),
    ),
    Row(
        "cli-empty-file",
        lambda t: (write(t, "e.csv", "date,y\n"),),
        lambda p: run_cli("forecast", p, "--target", "y"),
        check=cli_fails(r"e\.csv has no data rows"),
    ),
    Row(
        "cli-one-row",
        lambda t: (write(t, "one.csv", "date,y\n2024-01-01,1\n"),),
        lambda p: run_cli("forecast", p, "--target", "y"),
        check=cli_fails(r"no regular frequency: only 1 row"),
    ),
    Row(
        "cli-string-target",
        lambda t: (write(t, "s.csv", csv_rows(["x"] * 80)),),
        lambda p: run_cli("forecast", p, "--target", "y"),
        check=cli_fails(r"--target y must hold numbers"),
    ),
    Row(
        "cli-nan-target",
        lambda t: (write(t, "n.csv", csv_rows([*SINE[:40], "", *SINE[41:]])),),
        lambda p: run_cli("forecast", p, "--target", "y"),
        check=cli_fails(r"finite numbers; got nan at 2020-02-10 00:00:00"),
    ),
    Row(
        "cli-inf-target",
        lambda t: (write(t, "i.csv", csv_rows([*SINE[:40], "inf", *SINE[41:]])),),
        lambda p: run_cli("forecast", p, "--target", "y"),
        check=cli_fails(r"finite numbers; got inf at 2020-02-10"),
    ),
    Row(
        "cli-duplicate-timestamps",
        lambda t: (
            write(
                t,
                "d.csv",
                csv_rows(
                    SINE,
                    pd.date_range("2020-01-01", periods=80).insert(5, "2020-01-06"),
                ),
            ),
        ),
        lambda p: run_cli("forecast", p, "--target", "y"),
        check=cli_fails(r"duplicate timestamp 2020-01-06"),
    ),
    Row(
        "cli-gap",
        lambda t: (
            write(
                t,
                "g.csv",
                csv_rows(SINE, pd.date_range("2020-01-01", periods=81).delete(30)),
            ),
        ),
        lambda p: run_cli("forecast", p, "--target", "y"),
        check=cli_fails(r"a step of 2 days.* from 2020-01-30.*most steps are 1 days"),
    ),
    Row(
        "cli-tz-mixed",
        lambda t: (
            write(
                t,
                "z.csv",
                csv_rows(
                    SINE,
                    [
                        f"2020-01-{1 + i % 28:02d}T{i // 28:02d}:00{zone}"
                        for i, zone in enumerate(["+00:00"] * 40 + [""] * 40)
                    ],
                ),
            ),
        ),
        lambda p: run_cli("forecast", p, "--target", "y"),
        check=cli_fails(r"Column 'date' looks like one but does not parse: Mixed"),
    ),
    Row(
        "cli-horizon-zero",
        lambda t: (write(t, "h.csv", csv_rows(SINE)),),
        lambda p: run_cli("forecast", p, "--target", "y", "--horizon", "0"),
        check=cli_fails(r"--horizon must be a positive integer; got 0"),
    ),
    Row(
        "cli-horizon-not-an-int",
        lambda t: (write(t, "h.csv", csv_rows(SINE)),),
        lambda p: run_cli("forecast", p, "--target", "y", "--horizon", "x"),
        check=cli_fails(r"argument --horizon: invalid int value: 'x'"),
    ),
    Row(
        "cli-classify-empty-ts",
        lambda t: (write(t, "e.ts", ""),),
        lambda p: run_cli("classify", p, p),
        check=cli_fails(r"e\.ts: the file is empty"),
    ),
]

# The estimators share their input checks: every row runs on all four.
for _name in ESTIMATORS:
    ROWS += [
        Row(
            f"{_name}-fit-empty",
            lambda t: (np.empty((0, 5)), np.empty(0)),
            lambda X, y, n=_name: new(n).fit(X, y),
            ValueError,
            r"Found array with 0 sample\(s\).*minimum of 1 is required",
        ),
        Row(
            f"{_name}-fit-nan-column",
            lambda t: (
                np.where(np.arange(5) == 2, np.nan, windows_xy()[0]),
                windows_xy()[1],
            ),
            lambda X, y, n=_name: new(n).fit(X, fit_target(n, y)),
            ValueError,
            r"Input X contains NaN",
        ),
        Row(
            f"{_name}-fit-inf",
            lambda t: (
                np.where(np.arange(5) == 2, np.inf, windows_xy()[0]),
                windows_xy()[1],
            ),
            lambda X, y, n=_name: new(n).fit(X, fit_target(n, y)),
            ValueError,
            r"Input X contains infinity",
        ),
        Row(
            f"{_name}-fit-string-column",
            lambda t: (named(windows_xy()[0]).assign(e="x"), windows_xy()[1]),
            lambda X, y, n=_name: new(n).fit(X, fit_target(n, y)),
            ValueError,
            r"could not convert string to float: 'x'",
        ),
        Row(
            f"{_name}-fit-4d",
            lambda t: (windows_xy()[0][:, :, None, None], windows_xy()[1]),
            lambda X, y, n=_name: new(n).fit(X, fit_target(n, y)),
            ValueError,
            r"`X` must be 2-D \(n, timesteps\) or 3-D.*\(20, 5, 1, 1\)",
        ),
        Row(
            f"{_name}-fit-1d",
            lambda t: (windows_xy()[0][:, 0], windows_xy()[1]),
            lambda X, y, n=_name: new(n).fit(X, fit_target(n, y)),
            ValueError,
            r"Expected 2D array, got 1D array",
        ),
        Row(
            f"{_name}-fit-mismatched-lengths",
            lambda t: (windows_xy()[0], windows_xy()[1][:-1]),
            lambda X, y, n=_name: new(n).fit(X, fit_target(n, y)),
            ValueError,
            r"inconsistent numbers of samples: \[20, 19\]",
        ),
        Row(
            f"{_name}-fit-epochs-zero",
            lambda t: windows_xy(),
            lambda X, y, n=_name: new(n, epochs=0).fit(X, fit_target(n, y)),
            ValueError,
            r"`epochs` must be a positive integer( or 'auto')?\. Got epochs=0",
        ),
        Row(
            f"{_name}-fit-batch-size-negative",
            lambda t: windows_xy(),
            lambda X, y, n=_name: new(n, batch_size=-4).fit(X, fit_target(n, y)),
            ValueError,
            r"Got batch_size=-4",
        ),
        Row(
            f"{_name}-predict-renamed-columns",
            lambda t: (pd.DataFrame(windows_xy()[0], columns=list("abcdz")),),
            lambda X, n=_name: fitted(n).predict(X),
            ValueError,
            r"Feature names unseen at fit time:\n- z",
        ),
        Row(
            f"{_name}-predict-reordered-columns",
            lambda t: (named(windows_xy()[0])[list("edcba")],),
            lambda X, n=_name: fitted(n).predict(X),
            ValueError,
            r"Feature names must be in the same order as they were in fit",
        ),
        Row(
            f"{_name}-predict-wrong-width",
            lambda t: (named(windows_xy()[0]).iloc[:, :4],),
            lambda X, n=_name: fitted(n).predict(X),
            ValueError,
            r"missing:\n- e",
        ),
    ]
    if "Classifier" in _name:
        ROWS.append(
            Row(
                f"{_name}-fit-one-row",
                lambda t: (windows_xy()[0][:1], np.array(["up"])),
                lambda X, y, n=_name: new(n).fit(X, y),
                ValueError,
                r"`y` must hold at least 2 classes\. Got 1 class: 'up'\. ",
            )
        )
        ROWS.append(
            Row(
                f"{_name}-fit-missing-label",
                lambda t: (
                    windows_xy()[0],
                    np.where(np.arange(20) == 3, None, labels(windows_xy()[1])),
                ),
                lambda X, y, n=_name: new(n).fit(X, y),
                ValueError,
                r"`y` must not hold missing labels\. Got None at position 3 \(1 "
                r"missing in all\)\. Drop those rows",
            )
        )
    else:
        ROWS += [
            Row(
                f"{_name}-fit-nan-target",
                lambda t: (windows_xy()[0], np.r_[windows_xy()[1][:-1], np.nan]),
                lambda X, y, n=_name: new(n).fit(X, y),
                ValueError,
                r"Input y contains NaN",
            ),
            Row(
                f"{_name}-fit-string-target",
                lambda t: (windows_xy()[0], labels(windows_xy()[1])),
                lambda X, y, n=_name: new(n).fit(X, y),
                ValueError,
                rf"`y` must hold numbers for {_name}.*Use a classifier",
            ),
        ]

ROWS += [
    Row(
        "RNNClassifier-score-unseen-labels",
        lambda t: (
            named(windows_xy()[0]),
            np.r_[labels(windows_xy()[1])[:10], ["left"] * 10],
        ),
        lambda X, y: fitted("RNNClassifier").score(X, y),
        check=unseen_labels_count_as_errors,
    ),
    Row(
        "RNNClassifier-predict-proba-columns-are-fitted-classes",
        lambda t: (named(windows_xy()[0]),),
        lambda X: fitted("RNNClassifier").predict_proba(X),
        check=proba_has_one_column_per_fitted_class,
    ),
    Row(
        "RNNRegressor-seq2seq-instance-norm-far-level",
        lambda t: make_windows(np.sin(np.arange(40.0) / 3) + 1e4, 8, 3),
        lambda X, Y: new(
            "RNNRegressor", architecture="seq2seq", instance_norm=True
        ).fit(X, Y),
        check=level_shift_carries_to_the_forecast,
    ),
    Row(
        "RNNRegressor-huge-1e30-inputs",
        lambda t: (windows_xy()[0] * 1e30, windows_xy()[1]),
        lambda X, y: new("RNNRegressor").fit(X, y).predict(X),
        check=finite_predictions,
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_bad_input_gives_a_clear_error_or_a_correct_result(row, tmp_path):
    inputs = row.build(tmp_path)
    before = [snapshot(value) for value in inputs]
    if row.raises is not None:
        with pytest.raises(row.raises, match=row.match):
            row.call(*inputs)
    else:
        row.check(row.call(*inputs), *inputs)
    for original, value in zip(before, inputs, strict=True):
        assert_unchanged(original, value)


def test_matrix_ids_are_unique_and_each_row_states_one_outcome():
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids))
    for row in ROWS:
        assert (row.raises is None) != (row.check is None), row.id
        assert (row.raises is None) == (row.match is None), row.id


# ------------------------------------------------------ property-based: Windower

WIDTH, HORIZON = 3, 2


@settings(max_examples=60, deadline=None)
@given(
    length=st.integers(1, 40),
    nan_rows=st.sets(st.integers(0, 39), max_size=4),
    missing_rows=st.sets(st.integers(0, 39), max_size=2),
    policy=st.sampled_from(["raise", "drop_windows"]),
)
def test_windower_gives_exact_finite_windows_or_an_error_naming_the_problem(
    length, nan_rows, missing_rows, policy
):
    source = frame(length)
    source["b"] = source["a"] * 10 + 1
    source.loc[source.index[[r for r in nan_rows if r < length]], "a"] = np.nan
    source = source.drop(source.index[[r for r in missing_rows if r < length]])
    before = source.copy(deep=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataWarning)
            ws = (
                Windower(WIDTH, HORIZON, nan_policy=policy)
                .fit(source)
                .transform(source)
            )
    except ValueError as error:
        message = str(error)
        # Names the column and timestamp, or the length/frequency rule broken.
        assert re.search(
            r"column 'a' at 2024-01-0\d|missing timestamps, the first at 2024-01-0\d"
            r"|must number at least input_width \+ gap \+ horizon"
            r"|`freq` must be given|windows must not all touch NaN"
            r"|`frame` must have rows",
            message,
        ), message
        nan_left = source["a"].isna().any()
        if policy == "raise" and nan_left and "column 'a'" in message:
            first = source.index[source["a"].isna()][0]
            assert str(first) in message
    else:
        assert len(ws) > 0
        assert np.isfinite(ws.X).all() and np.isfinite(ws.y).all()
        values = source[["a", "b"]].to_numpy(np.float32)
        for i in range(len(ws)):
            # Rebuild each window from the caller's rows via its timestamps.
            row = source.index.get_loc(pd.Timestamp(ws.target_time[i, 0]))
            np.testing.assert_array_equal(ws.X[i], values[row - WIDTH : row])
            np.testing.assert_array_equal(ws.y[i], values[row : row + HORIZON])
            assert (
                np.diff(source.index[row - WIDTH : row + HORIZON]) > pd.Timedelta(0)
            ).all()
    pd.testing.assert_frame_equal(source, before)
