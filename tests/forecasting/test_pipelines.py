"""Composition with scikit-learn: Pipeline, FunctionTransformer, GridSearchCV.

Real data (yearly sunspots, airline passengers), tiny networks: these tests
check that the pieces fit together, not forecast accuracy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer

from tsrnn import Forecaster, RNNRegressor, make_windows
from tsrnn.datasets import load_airline, load_sunspots

TINY = dict(units=4, epochs=1, jit_compile=False, random_state=0)


@pytest.fixture(scope="module")
def sunspots():
    return load_sunspots()


@pytest.fixture(scope="module")
def sunspot_windows(sunspots):
    """Windows of log1p sunspots: X (n, 20, 1), the next 3 years y (n, 3, 1)."""
    return make_windows(np.log1p(sunspots.to_numpy()), 20, 3)


def gappy_airline() -> pd.DataFrame:
    """Airline passengers with every 7th month missing."""
    frame = load_airline().to_frame()
    return frame.mask(np.arange(len(frame))[:, None] % 7 == 3)


# ----------------------------------------------------------- the forecaster


def test_imputer_then_forecaster_fits_and_forecasts_after_the_given_history():
    history = gappy_airline()
    assert history.isna().any().any()
    before = history.copy()
    pipeline = Pipeline(
        [
            ("impute", SimpleImputer().set_output(transform="pandas")),
            ("forecast", Forecaster(Ridge(), input_width=24, horizon=6)),
        ]
    ).fit(history)
    forecast = pipeline.predict(history.iloc[:-12])
    assert forecast.index.equals(history.index[-12:-6])
    # Same as imputing by hand and forecasting from the imputed history.
    imputed = SimpleImputer().set_output(transform="pandas").fit_transform(history)
    alone = Forecaster(Ridge(), input_width=24, horizon=6).fit(imputed)
    pd.testing.assert_frame_equal(forecast, alone.predict(imputed.iloc[:-12]))
    pd.testing.assert_frame_equal(history, before)
    # predict's own keywords pass through Pipeline.predict.
    assert len(pipeline.predict(history, horizon=2)) == 2


def test_pipeline_routes_covariates_to_the_forecaster():
    history = gappy_airline()
    months = pd.DataFrame(
        {"month": np.arange(len(history) + 6) % 12},
        index=pd.date_range(history.index[0], periods=len(history) + 6, freq="MS"),
    )
    pipeline = make_pipeline(
        SimpleImputer().set_output(transform="pandas"),
        Forecaster(Ridge(), 24, 6, future_covariates=["month"]),
    )
    # Pipeline.fit(X, y) hands its y to Forecaster.fit's second argument.
    pipeline.fit(history, months)
    forecast = pipeline.predict(history, covariates=months)
    assert forecast.index[0] == pd.Timestamp("1961-01-01") and len(forecast) == 6
    with pytest.raises(ValueError, match="must cover the 6 forecast steps"):
        pipeline.predict(history, covariates=months.iloc[:-1])


def test_column_transformer_keeps_the_id_and_time_columns_of_a_long_frame(
    long_frame,
):
    frame = long_frame.copy()
    frame.loc[frame.index % 9 == 4, "value"] = np.nan
    impute = ColumnTransformer(
        [("impute", SimpleImputer(), ["value"])],
        remainder="passthrough",
        verbose_feature_names_out=False,
    ).set_output(transform="pandas")
    pipeline = make_pipeline(
        impute, Forecaster(Ridge(), 10, 2, id_col="id", time_col="time")
    ).fit(frame)
    forecast = pipeline.predict(frame)
    assert forecast.index.get_level_values("id").unique().tolist() == ["a", "b", "c"]
    assert np.isfinite(forecast["value"]).all()


# --------------------------------------------------- the array estimators


def test_function_transformer_then_rnn_equals_transforming_by_hand(sunspot_windows):
    X, y = sunspot_windows
    scale = FunctionTransformer(lambda a: a / 5.0)
    pipeline = make_pipeline(scale, RNNRegressor(**TINY)).fit(X, y[:, 0, 0])
    by_hand = RNNRegressor(**TINY).fit(X / 5.0, y[:, 0, 0])
    np.testing.assert_array_equal(pipeline.predict(X), by_hand.predict(X / 5.0))
    assert pipeline[-1].n_features_in_ == 1


def test_pipeline_passes_x_future_to_an_encoder_decoder(sunspot_windows):
    X, y = sunspot_windows
    # Known future: the step of the 11-year cycle of each target year.
    rows = np.arange(len(X))[:, None] + 20 + np.arange(3)
    phase = 2 * np.pi * rows / 11
    future = np.stack([np.sin(phase), np.cos(phase)], axis=-1)
    model = RNNRegressor(architecture="seq2seq", **TINY)
    pipeline = make_pipeline(FunctionTransformer(lambda a: a / 5.0), model)
    pipeline.fit(X, y, rnnregressor__X_future=future)
    prediction = pipeline.predict(X, X_future=future)
    by_hand = clone(model).fit(X / 5.0, y, X_future=future)
    np.testing.assert_array_equal(prediction, by_hand.predict(X / 5.0, X_future=future))


def test_grid_search_over_time_series_splits_of_sunspot_windows(sunspot_windows):
    X, y = sunspot_windows
    cv = TimeSeriesSplit(3)
    search = GridSearchCV(
        RNNRegressor(**TINY), {"cell": ["gru", "lstm"]}, cv=cv, refit=False
    ).fit(X, y[:, 0, 0])
    results = pd.DataFrame(search.cv_results_)
    assert results["param_cell"].tolist() == ["gru", "lstm"]
    scores = results[[f"split{i}_test_score" for i in range(3)]].to_numpy()
    assert np.isfinite(scores).all() and len(set(scores.ravel())) == 6
    # Each fold validates on windows after all of its training windows.
    for train, test in cv.split(X):
        assert train.max() < test.min()


def test_grid_search_routes_x_future_to_fit_and_score(sunspot_windows):
    X, y = sunspot_windows
    rows = np.arange(len(X))[:, None] + 20 + np.arange(3)
    future = (rows % 11 / 11.0)[..., None]
    with sklearn.config_context(enable_metadata_routing=True):
        model = (
            RNNRegressor(architecture="seq2seq", **TINY)
            .set_fit_request(X_future=True)
            .set_score_request(X_future=True)
        )
        search = GridSearchCV(
            model,
            {"units": [4]},
            cv=TimeSeriesSplit(2),
            refit=False,
            error_score="raise",
        )
        # Without routing, score would get no X_future and raise.
        search.fit(X, y, X_future=future)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
