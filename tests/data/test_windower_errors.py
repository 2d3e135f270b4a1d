"""Error messages of the pandas layer: each names the argument or column, the
rule, what was received and the fix, and leaves the caller's frame untouched."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.decomposition import PCA
from sklearn.exceptions import NotFittedError
from sklearn.preprocessing import StandardScaler

from tsrnn import Windower


def wide(length=30, tz=None) -> pd.DataFrame:
    index = pd.date_range("2024-01-01", periods=length, freq="h", tz=tz)
    return pd.DataFrame(
        {"a": np.arange(length, dtype=float), "b": np.ones(length)}, index=index
    )


def long(lengths=(20, 20)) -> pd.DataFrame:
    parts = [
        pd.DataFrame(
            {
                "id": f"s{k}",
                "time": pd.date_range("2024-01-01", periods=n, freq="D"),
                "value": np.arange(n, dtype=float),
            }
        )
        for k, n in enumerate(lengths)
    ]
    return pd.concat(parts, ignore_index=True)


def raises_unchanged(frame, windower, error, match):
    before = frame.copy(deep=True)
    with pytest.raises(error, match=match):
        windower.fit_split(frame)
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"input_width": 0},
            ValueError,
            r"`input_width` must be a positive integer\. Got input_width=0",
        ),
        ({"input_width": 2.5}, TypeError, r"Got input_width=2\.5"),
        (
            {"horizon": -1},
            ValueError,
            r"`horizon` must be a positive integer\. Got horizon=-1",
        ),
        (
            {"stride": 0},
            ValueError,
            r"`stride` must be a positive integer\. Got stride=0",
        ),
        ({"gap": -1}, ValueError, r"`gap` must be an integer >= 0\. Got gap=-1"),
        ({"horizon": True}, TypeError, r"Got horizon=True"),
        (
            {"nan_policy": "drop"},
            ValueError,
            r"`nan_policy` must be one of .*Got nan_policy='drop'",
        ),
        (
            {"fill_missing": True},
            ValueError,
            r"`fill_missing` must be one of .*Got fill_missing=True",
        ),
        (
            {"scale_by": "id"},
            ValueError,
            r"`scale_by` must be one of .*Got scale_by='id'",
        ),
        (
            {"calendar": ["weekday"]},
            ValueError,
            r"`calendar` must be .*Got calendar='weekday'",
        ),
        (
            {"freq": "fortnightly"},
            ValueError,
            r"`freq` must be a pandas frequency.*'fortnightly'",
        ),
        (
            {"scaler": "standard"},
            TypeError,
            r"`scaler` must be a scikit-learn transformer.*StandardScaler",
        ),
        (
            {"val_size": 1.5},
            ValueError,
            r"`val_size` must be a fraction strictly between 0 and 1\. "
            r"Got val_size=1\.5",
        ),
        ({"test_size": False}, TypeError, r"Got test_size=False"),
        (
            {"test_size": [3]},
            TypeError,
            r"`test_size` must be a fraction .*Got test_size=\[3\]",
        ),
        (
            {"target": []},
            TypeError,
            r"`target` must be a column name .*Got target=\[\]",
        ),
        (
            {"target": "a", "past_covariates": ["a"]},
            ValueError,
            r"'a' is listed in both `target` and `past_covariates`",
        ),
    ],
)
def test_bad_arguments_raise_naming_the_argument_and_value(kwargs, error, match):
    params = {"input_width": 4, "horizon": 2, **kwargs}
    raises_unchanged(wide(), Windower(**params), error, match)


def test_not_a_dataframe_raises_TypeError():
    with pytest.raises(
        TypeError, match=r"`frame` must be a pandas DataFrame\. Got frame='ndarray'"
    ):
        Windower(3).fit(np.arange(10.0))


def test_frame_without_datetime_index_raises_TypeError_with_the_fix():
    frame = wide().reset_index(drop=True)
    raises_unchanged(
        frame,
        Windower(3),
        TypeError,
        r"`frame.index` must be a DatetimeIndex.*time_col=",
    )


def test_missing_column_raises_ValueError_naming_it():
    raises_unchanged(
        wide(),
        Windower(3, target="price"),
        ValueError,
        r"`target` must be columns of `frame`.*Missing: \['price'\]",
    )
    raises_unchanged(
        wide(),
        Windower(3, time_col="date"),
        ValueError,
        r"`time_col` must be a column of `frame`\. Got time_col='date'",
    )


def test_non_numeric_column_raises_TypeError_naming_column_and_dtype():
    frame = wide().assign(b=lambda f: f["b"].astype(str))
    raises_unchanged(
        frame,
        Windower(3, target="a", past_covariates=["b"]),
        TypeError,
        r"Column 'b' must be numeric\. Got dtype",
    )


def test_unsorted_timestamps_raise_naming_series_and_timestamp():
    frame = long()
    frame.iloc[[25, 26]] = frame.iloc[[26, 25]].to_numpy()
    raises_unchanged(
        frame,
        Windower(3, id_col="id", time_col="time"),
        ValueError,
        r"Timestamps of series 's1' must be sorted in increasing order\. "
        r"Got 2024-01-06 00:00:00 after 2024-01-07.*sort_values",
    )


def test_duplicate_timestamps_raise_naming_the_timestamp():
    frame = pd.concat([wide(10), wide(10).iloc[[4]]]).sort_index()
    raises_unchanged(
        frame,
        Windower(3),
        ValueError,
        r"Timestamps must be unique\. Got duplicate timestamp 2024-01-01 04:00:00",
    )


def test_irregular_spacing_raises_unless_fill_missing_is_set():
    frame = wide(30).drop(index=wide(30).index[[7, 8]])
    raises_unchanged(
        frame,
        Windower(3, freq="h"),
        ValueError,
        r"must be regularly spaced at frequency 'h'\. Got 2 missing timestamps, "
        r"the first at 2024-01-01 07:00:00\. Pass fill_missing=",
    )
    assert (
        len(Windower(3, fill_missing="ffill").fit(frame).transform(frame).values) == 30
    )


def test_off_grid_timestamps_raise_even_with_fill_missing():
    index = wide(10).index.insert(3, pd.Timestamp("2024-01-01 02:30"))
    frame = pd.DataFrame({"a": np.arange(11.0)}, index=index)
    raises_unchanged(
        frame,
        Windower(3, freq="h", fill_missing="zero"),
        ValueError,
        r"Got 2024-01-01 02:30:00, which is off the grid",
    )


def test_series_with_different_frequencies_raise():
    frame = long()
    frame.loc[frame["id"] == "s1", "time"] = pd.date_range(
        "2024-01-01", periods=20, freq="h"
    )
    raises_unchanged(
        frame,
        Windower(3, id_col="id", time_col="time"),
        ValueError,
        r"share one frequency\. Got 'D' of series 's0' and 'h' of series 's1'",
    )


def test_nan_raises_by_default_naming_column_series_and_timestamp():
    frame = long()
    frame.loc[33, "value"] = np.nan
    raises_unchanged(
        frame,
        Windower(3, id_col="id", time_col="time"),
        ValueError,
        r"Got NaN in column 'value' of series 's1' at 2024-01-14 00:00:00\. "
        r"Pass nan_policy='drop_windows'",
    )


def test_inf_raises_under_every_policy():
    frame = wide()
    frame.loc[frame.index[4], "b"] = np.inf
    raises_unchanged(
        frame,
        Windower(3, nan_policy="ffill"),
        ValueError,
        r"Values must be finite\. Got inf in column 'b' at 2024-01-01 04:00:00",
    )


def test_ffill_cannot_fill_a_leading_nan():
    frame = wide()
    frame.loc[frame.index[0], "a"] = np.nan
    raises_unchanged(
        frame,
        Windower(3, nan_policy="ffill"),
        ValueError,
        r"`nan_policy`='ffill' must leave no NaN.*column 'a' at 2024-01-01 00:00:00",
    )


def test_drop_windows_raises_when_no_window_is_left():
    frame = wide(10)
    frame.loc[frame.index[4], "a"] = np.nan
    with pytest.raises(
        ValueError, match=r"train windows must not all touch NaN\. Got 0 of 3"
    ):
        Windower(6, 2, nan_policy="drop_windows").fit_split(frame)


def test_short_series_raises_naming_series_and_length():
    raises_unchanged(
        long((20, 6)),
        Windower(5, 2, id_col="id", time_col="time"),
        ValueError,
        r"rows of series 's1' must number at least "
        r"input_width \+ gap \+ horizon = 7\. Got 6 rows",
    )


def test_split_leaving_too_few_training_rows_raises():
    raises_unchanged(
        wide(30),
        Windower(5, 2, test_size=25),
        ValueError,
        r"The training rows must number at least .* = 7\. Got 5 rows",
    )
    raises_unchanged(
        wide(30),
        Windower(5, 2, test_size=40),
        ValueError,
        r"`test_size` must be at most the 30 rows left\. Got test_size=40",
    )


def test_val_timestamp_after_test_timestamp_raises():
    w = Windower(3, val_size="2024-01-01 20:00", test_size="2024-01-01 10:00")
    raises_unchanged(
        wide(), w, ValueError, r"`val_size` must be a timestamp before test_size"
    )


def test_tz_aware_and_naive_cannot_mix():
    windower = Windower(3).fit(wide())
    with pytest.raises(
        ValueError, match=r"naive cannot mix\. .*fitted on tz=None data; got tz=UTC"
    ):
        windower.transform(wide(tz="UTC"))
    with pytest.raises(
        ValueError, match=r"`test_size` must be tz-aware exactly when the data is"
    ):
        Windower(3, test_size=pd.Timestamp("2024-01-01 20:00", tz="UTC")).fit(wide())
    frame = pd.DataFrame(
        {
            "time": ["2024-01-01 00:00", "2024-01-01 01:00+01:00", "2024-01-01 02:00"],
            "a": [1.0, 2, 3],
        }
    )
    raises_unchanged(
        frame,
        Windower(1, time_col="time"),
        ValueError,
        r"column 'time' must hold timestamps, all tz-aware or all tz-naive",
    )


def test_split_and_transform_before_fit_raise_NotFittedError():
    with pytest.raises(NotFittedError):
        Windower(3).transform(wide())
    with pytest.raises(NotFittedError):
        Windower(3).split(wide())


def test_transform_with_unseen_series_under_scale_by_series_raises():
    windower = Windower(
        3, id_col="id", time_col="time", scaler=StandardScaler(), scale_by="series"
    ).fit(long())
    other = long().replace({"id": {"s1": "s9"}})
    with pytest.raises(
        ValueError, match=r"`series id` must be one seen in fit .*Got series id='s9'"
    ):
        windower.transform(other)


def test_transform_without_a_fitted_column_raises():
    windower = Windower(3).fit(wide())
    with pytest.raises(ValueError, match=r"Column 'b' must be in `frame`"):
        windower.transform(wide().drop(columns="b"))


def test_scaler_that_changes_the_number_of_columns_raises():
    raises_unchanged(
        wide(),
        Windower(3, scaler=PCA(n_components=1)),
        ValueError,
        r"`scaler` must be a column-wise transformer",
    )


def test_wrong_y_shape_for_inverse_and_to_frame_raises():
    ws = Windower(3, 2).fit(wide()).transform(wide())
    with pytest.raises(ValueError, match=r"`y` must be of shape \(n, horizon, 2\)"):
        ws.inverse_transform_y(np.zeros((len(ws), 2)))
    with pytest.raises(ValueError, match=r"`y_pred` must be of shape"):
        ws.to_frame(np.zeros((3, 2, 2)))
