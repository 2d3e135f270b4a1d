"""AutoForecaster on real panels: choice on validation folds, ensembles, errors."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from tsrnn import AutoForecaster
from tsrnn.exceptions import DataWarning, TrainingWarning
from tsrnn.forecasting import candidates
from tsrnn.forecasting.seasonality import SeasonalLog, is_seasonal, seasonal_profile
from tsrnn.forecasting.selection import mase_scale


@pytest.fixture(scope="module")
def quarterly(quarterly_train) -> pd.DataFrame:
    """40 real tourism quarterly series (train rows): id, date, value."""
    ids = quarterly_train["id"].drop_duplicates().to_numpy()[:40]
    return quarterly_train[quarterly_train["id"].isin(ids)].copy()


def _auto(**options) -> AutoForecaster:
    settings = dict(id_col="id", time_col="date", verbose=0)
    return AutoForecaster(8, **{**settings, **options})


def test_predict_forecasts_every_series_after_its_last_timestamp(quarterly):
    before = quarterly.copy()
    auto = _auto(models=["baseline"]).fit(quarterly)
    forecast = auto.predict()
    pd.testing.assert_frame_equal(quarterly, before)  # the caller's frame is kept
    assert forecast.index.names == ["id", "date"]
    assert forecast.columns.tolist() == ["value"]
    ids = quarterly["id"].drop_duplicates()
    assert forecast.index.get_level_values("id").unique().tolist() == ids.tolist()
    last = quarterly.groupby("id")["date"].max()
    for sid in ids[:5]:
        dates = forecast.loc[sid].index
        expected = pd.date_range(last[sid], periods=9, freq="QS-JAN")[1:]
        assert dates.tolist() == expected.tolist()
    assert auto.season_length_ == 4


def test_chosen_ensemble_never_loses_to_seasonal_naive_on_validation(quarterly):
    auto = _auto(models=["baseline"]).fit(quarterly)
    board = auto.leaderboard_
    reference = board.loc["seasonal_naive", "mase"]
    assert board.loc["ensemble: best", "mase"] <= reference
    assert (
        board.loc["ensemble: best", "mase"]
        <= board.loc["ensemble: statistical", "mase"]
    )
    for member, weight in auto.ensembles_["best"].items():
        assert weight > 0
        assert member == "seasonal_naive" or board.loc[member, "mase"] < reference
    assert board.loc[list(auto.ensembles_["best"]), "weight"].sum() == pytest.approx(1)
    # The best ensemble's forecast is the weighted mean of its members'.
    expected = sum(
        w * auto.member_forecasts_[m] for m, w in auto.ensembles_["best"].items()
    )
    np.testing.assert_allclose(auto.forecasts_["best"], expected)


def test_ensemble_falls_back_to_seasonal_naive_when_nothing_beats_it():
    # Pure seasonal pattern: seasonal naive is exact; nothing beats it.
    index = pd.date_range("2010-01-01", periods=48, freq="MS")
    y = pd.Series(np.tile(np.arange(1.0, 13.0), 4), index=index, name="y")
    auto = AutoForecaster(12, models=["naive", "drift"], verbose=0).fit(y)
    assert auto.ensembles_["best"] == {"seasonal_naive": 1.0}
    np.testing.assert_allclose(auto.predict()["y"], np.arange(1.0, 13.0))


def test_intervals_from_validation_errors_contain_the_forecast(quarterly):
    auto = _auto(models=["baseline"], level=0.9).fit(quarterly)
    forecast = auto.predict()
    assert forecast.columns.tolist() == ["value", "value_lower", "value_upper"]
    assert (forecast["value_lower"] <= forecast["value"]).all()
    assert (forecast["value"] <= forecast["value_upper"]).all()
    # Wider for a longer step: validation errors grow with the step.
    width = (forecast["value_upper"] - forecast["value_lower"]).groupby(level=0)
    assert (width.last() >= width.first()).mean() > 0.9


def test_quantiles_from_validation_errors_cover_the_held_out_part(shared_data):
    frame = pd.read_csv(shared_data / "forecasting" / "tourism_quarterly.csv")
    frame = frame[frame["id"].isin(frame["id"].drop_duplicates()[:80])]
    frame = frame.assign(date=pd.to_datetime(frame["date"]))
    train = frame[frame["split"] == "train"][["id", "date", "value"]]
    auto = _auto(models=["baseline"], n_folds=3).fit(train)
    bands = auto.predict_quantiles(level=[50, 80])
    actual = frame[frame["split"] == "test"].set_index(["id", "date"])["value"]
    bands = bands.loc[actual.index]
    coverage = {}
    for percent in (50, 80):
        lower, upper = bands[f"value_lower_{percent}"], bands[f"value_upper_{percent}"]
        coverage[percent] = float(((actual >= lower) & (actual <= upper)).mean())
    # The competition test part was never seen (8 steps x 80 series); this
    # panel's test part is calmer than its validation folds, so the bands
    # cover a little more than nominal (0.62 and 0.87 when written).
    assert 0.45 < coverage[50] < 0.7, coverage
    assert 0.75 < coverage[80] < 0.95, coverage
    np.testing.assert_allclose(
        bands["value"], auto.predict()["value"].loc[actual.index]
    )


def test_quantiles_are_sorted_and_levels_are_their_central_pairs(quarterly):
    auto = _auto(models=["baseline"]).fit(quarterly)
    quantiles = auto.predict_quantiles([0.05, 0.1, 0.5, 0.9, 0.95])
    columns = [f"value_q{q:g}" for q in (0.05, 0.1, 0.5, 0.9, 0.95)]
    assert quantiles.columns.tolist() == ["value", *columns]
    assert (np.diff(quantiles[columns].to_numpy(), axis=1) >= 0).all()
    assert (quantiles[columns].to_numpy() >= 0).all()  # tourism counts: no negatives
    levels = auto.predict_quantiles(level=[80, 90])
    np.testing.assert_allclose(levels["value_lower_80"], quantiles["value_q0.1"])
    np.testing.assert_allclose(levels["value_upper_90"], quantiles["value_q0.95"])
    assert auto.predict_quantiles(level=[80], ensemble="statistical").shape == (
        len(quantiles),
        3,
    )
    # predict(level=...) is the point forecast with the same bands beside it.
    both = _auto(models=["baseline"], level=0.9).fit(quarterly).predict(level=[80])
    assert both.columns.tolist() == [
        "value",
        "value_lower",
        "value_upper",
        "value_lower_80",
        "value_upper_80",
    ]
    np.testing.assert_allclose(both["value_lower_80"], levels["value_lower_80"])
    np.testing.assert_allclose(both["value"], auto.predict()["value"])


def test_quantiles_of_a_series_with_negative_values_are_not_floored():
    rng = np.random.default_rng(0)
    index = pd.date_range("2010-01-01", periods=60, freq="MS")
    y = pd.Series(rng.normal(0, 1, 60), index=index, name="y")
    auto = AutoForecaster(6, models=["baseline"], n_folds=4, verbose=0).fit(y)
    assert (auto.predict_quantiles([0.1])["y_q0.1"] < 0).all()


def test_error_quantiles_take_conformal_ranks():
    from tsrnn.forecasting.selection import error_quantiles

    errors = np.arange(1.0, 11.0)[:, None]  # ten errors of one step
    found = error_quantiles(errors, [0.1, 0.5, 0.9])[:, 0]
    # ceil(11 * 0.9) = 10th smallest; 0.1 mirrors it from below; 0.5 -> 6th.
    np.testing.assert_allclose(found, [1.0, 6.0, 10.0])
    two = np.array([[-1.0], [3.0]])  # few errors: the widest seen
    np.testing.assert_allclose(error_quantiles(two, [0.2, 0.8])[:, 0], [-1.0, 3.0])


@pytest.mark.parametrize(
    ("arguments", "error", "match"),
    [
        ({}, ValueError, "Exactly one of `quantiles` and `level`"),
        ({"quantiles": [0.1], "level": [80]}, ValueError, "Exactly one"),
        ({"quantiles": [0.9, 0.1]}, ValueError, "strictly increasing"),
        ({"quantiles": [10]}, ValueError, "between 0 and 1"),
        ({"level": 100}, ValueError, "between 0 and 100"),
        ({"level": [80], "ensemble": "naive"}, ValueError, "`ensemble` must be one"),
    ],
)
def test_bad_quantile_requests_raise_clear_errors(quarterly, arguments, error, match):
    auto = _auto(models=["baseline"]).fit(quarterly)
    with pytest.raises(error, match=match):
        auto.predict_quantiles(**arguments)
    if {"level", "quantiles"} & set(arguments):  # predict(level=...) checks alike
        with pytest.raises(error, match=match):
            auto.predict(**arguments)


def test_quantiles_need_a_fitted_forecaster():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        AutoForecaster(3).predict_quantiles(level=[80])


def _choose(fold_forecasts, families, actual):
    from tsrnn.forecasting.selection import choose_ensembles, score_folds

    folds = [(None, actual, np.ones(len(actual)))]
    scores = {n: score_folds(f, folds) for n, f in fold_forecasts.items()}
    return choose_ensembles(scores, fold_forecasts, families, folds)


FAMILY_OF = {
    "seasonal_naive": "baseline",
    "drift": "baseline",
    "a": "recurrent",
    "b": "recurrent",
    "c": "statistical",
}


def test_best_ensemble_combines_every_model_when_that_beats_seasonal_naive():
    rng = np.random.default_rng(0)
    actual = rng.normal(10, 1, size=(30, 4))
    fold_forecasts = {
        "seasonal_naive": [actual + 3.0],
        "drift": [actual + 0.1],  # a baseline: never in the combination
        "a": [actual + rng.normal(0, 1, size=(30, 4))],
        "b": [actual + rng.normal(0, 1, size=(30, 4))],
        "c": [actual + rng.normal(0, 0.2, size=(30, 4))],  # best alone
    }
    chosen, chosen_scores = _choose(fold_forecasts, FAMILY_OF, actual)
    third = 1.0 / 3.0
    assert chosen["best"] == {"a": third, "b": third, "c": third}
    # Fixed in advance, not chosen on the folds: the family choices and the
    # drift baseline validate better, and it is the combination all the same.
    assert "c" in chosen["statistical"]
    assert chosen_scores["best"]["mase"] > chosen_scores["statistical"]["mase"]
    mean = sum(fold_forecasts[m][0] for m in "abc") / 3
    np.testing.assert_allclose(
        chosen_scores["best"]["mase"], np.mean(np.abs(actual - mean))
    )


def test_best_ensemble_never_loses_to_seasonal_naive_or_the_family_choices():
    rng = np.random.default_rng(0)
    actual = rng.normal(10, 1, size=(30, 4))
    noise = rng.normal(0, 1, size=(30, 4))
    fold_forecasts = {
        "seasonal_naive": [actual + 3.0],
        "drift": [actual + 2.0],
        "a": [actual + noise],  # recurrent: independent errors
        "b": [actual - noise * 0.9 + 0.3],  # recurrent: cancels a's errors
        "c": [actual + 40.0],  # statistical: far off, so the combination loses
    }
    chosen, chosen_scores = _choose(fold_forecasts, FAMILY_OF, actual)
    assert list(chosen) == ["best", "recurrent", "statistical"]
    assert chosen["recurrent"] == {"a": 0.5, "b": 0.5}
    assert chosen["statistical"] == {"drift": 1.0}
    assert chosen["best"] == {"a": 0.5, "b": 0.5}
    reference = np.mean(np.abs(actual - fold_forecasts["seasonal_naive"][0]))
    assert chosen_scores["best"]["mase"] < reference
    for name in ("recurrent", "statistical"):
        assert chosen_scores["best"]["mase"] <= chosen_scores[name]["mase"]


def test_recurrent_candidates_are_reproducible_with_random_state(
    quarterly, small_training
):
    panel = quarterly[quarterly["id"].isin(quarterly["id"].unique()[:12])]
    options = dict(models=["gru_direct"], n_folds=1, n_seeds=2, random_state=3)
    first = _auto(**options).fit(panel)
    second = _auto(**options).fit(panel)
    mase = first.leaderboard_.loc["gru_direct", "mase"]
    assert np.isfinite(mase)
    assert mase == second.leaderboard_.loc["gru_direct", "mase"]
    np.testing.assert_array_equal(first.forecasts_["best"], second.forecasts_["best"])
    history = first.history_
    runs = [
        candidates.make_candidate("gru_direct", 4, 8, seeds=[3, 4])
        .fit(history)
        .forecast(8)
        for _ in range(2)
    ]
    np.testing.assert_array_equal(runs[0], runs[1])
    other = candidates.make_candidate("gru_direct", 4, 8, seeds=[5]).fit(history)
    assert not np.array_equal(other.forecast(8), runs[0])


@pytest.mark.parametrize(
    ("name", "season", "horizon", "expected"),
    [
        ("gru_recursive", 12, 18, 24),  # two seasons
        ("gru_direct", 12, 36, 45),  # 1.25 horizons: room for the pattern
        ("gru_recursive", 4, 8, 8),
        # No season: the recursive network reads two horizons, not two
        # "seasons" of 2 steps (it had 4 steps of yearly sunspots).
        ("gru_recursive", 1, 11, 22),
        ("gru_direct", 1, 11, 14),
        ("gru_recursive", 1, 2, 4),
    ],
)
def test_input_width_follows_the_season_and_without_one_the_horizon(
    name, season, horizon, expected
):
    spec = next(s for s in candidates.RECURRENT if s.name == name)
    assert candidates.input_width(spec, season, horizon, [500]) == expected


def test_input_width_shortens_until_most_series_can_train():
    spec = next(s for s in candidates.RECURRENT if s.name == "gru_recursive")
    # 22 steps + 1 target need 23 rows; 3 of 4 series have 12.
    width = candidates.input_width(spec, 1, 11, [12, 12, 12, 40])
    assert width == 11  # 12 rows hold a window of 11 and its next value


def _cut_first(panel, rows: int) -> pd.DataFrame:
    first = panel["id"].iloc[0]
    head = panel[panel["id"] == first].tail(rows)
    return pd.concat([head, panel[panel["id"] != first]])


def test_a_recurrent_candidate_forecasts_short_series_by_seasonal_naive(
    quarterly, small_training
):
    panel = quarterly[quarterly["id"].isin(quarterly["id"].unique()[:10])]
    # 12 rows: too short for gru_recursive's window (2 seasons) + 1 step + the
    # season that the seasonal difference uses up.
    short = _cut_first(panel, 12)
    history = _auto(models=["baseline"]).fit(short).history_
    model = candidates.make_candidate("gru_recursive", 4, 8, seeds=[0])
    forecast = model.fit(history).forecast(8)
    assert model.n_fallback_ == 1 and model.width_ == 8
    assert np.isfinite(forecast).all() and forecast.shape == (10, 8)
    values = short["value"].to_numpy()[:12]
    np.testing.assert_allclose(forecast[0], np.tile(values[-4:], 2))


def test_short_series_in_a_chosen_recurrent_member_are_named_in_a_warning(
    quarterly, small_training, monkeypatch
):
    from tsrnn.forecasting import auto as module

    def chosen(scores, fold_forecasts, families, folds):
        weights = {"gru_recursive": 1.0}
        return {"best": weights}, {"best": scores["gru_recursive"]}

    monkeypatch.setattr(module, "choose_ensembles", chosen)
    panel = quarterly[quarterly["id"].isin(quarterly["id"].unique()[:10])]
    with pytest.warns(DataWarning, match="1 of 10 series are too short"):
        auto = _auto(models=["gru_recursive"], n_folds=1, n_seeds=1).fit(
            _cut_first(panel, 12)
        )
    assert auto.leaderboard_.loc["gru_recursive", "fallback"] >= 1


def test_time_budget_skips_expensive_candidates_with_a_warning(
    quarterly, small_training
):
    with pytest.warns(TrainingWarning, match="time_budget"):
        # The first recurrent fold runs; the budget is gone before the second.
        auto = _auto(models=["baseline", "gru_direct"], time_budget=1e-9).fit(quarterly)
    assert auto.leaderboard_.loc["gru_direct", "status"] == "skipped: time budget"
    assert "recurrent" not in auto.ensembles_
    with pytest.raises(ValueError, match="`ensemble` must be one of"):
        auto.predict(ensemble="recurrent")


def test_a_failing_candidate_is_left_out_with_a_warning(quarterly, monkeypatch):
    def broken(self, history):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(candidates._Recurrent, "fit", broken)
    with pytest.warns(TrainingWarning, match="candidates failed and were left out"):
        auto = _auto(models=["baseline", "gru_direct"]).fit(quarterly)
    status = auto.leaderboard_.loc["gru_direct", "status"]
    assert status == "failed: RuntimeError: out of memory"
    assert "recurrent" not in auto.ensembles_
    assert np.isfinite(auto.predict()["value"]).all()


def test_statistical_candidates_need_statsforecast(quarterly, monkeypatch):
    monkeypatch.setattr(candidates, "statistical_available", lambda: False)
    with pytest.raises(ValueError, match="needs statsforecast"):
        _auto(models=["auto_ets"]).fit(quarterly)
    auto = _auto(models=["baseline", "statistical"]).fit(quarterly)
    assert set(auto.leaderboard_["family"]) == {"baseline", "ensemble"}


def test_statistical_candidates_join_the_search_when_installed(quarterly):
    pytest.importorskip("statsforecast", reason="optional extra: statsforecast")
    panel = quarterly[quarterly["id"].isin(quarterly["id"].unique()[:15])]
    auto = _auto(models=["seasonal_naive", "auto_theta"], n_folds=1).fit(panel)
    assert auto.leaderboard_.loc["auto_theta", "status"] == "scored"
    assert np.isfinite(auto.leaderboard_.loc["auto_theta", "mase"])
    # AutoARIMA joins small panels only, unless named.
    assert "auto_arima" in _auto()._candidate_names(50)
    assert "auto_arima" not in _auto()._candidate_names(51)
    assert "auto_arima" in _auto(models=["auto_arima"])._candidate_names(500)


def test_statistical_candidates_fit_the_recent_part_of_a_long_series(
    quarterly, monkeypatch
):
    pytest.importorskip("statsforecast", reason="optional extra: statsforecast")
    monkeypatch.setattr(candidates, "STATISTICAL_MAX_LENGTH", 40)
    longest = quarterly.groupby("id").size().idxmax()
    y = quarterly[quarterly["id"] == longest].set_index("date")["value"]
    assert len(y) > 80
    reader = AutoForecaster(8, verbose=0)
    # Kept: max(40, 20 seasons of 4) = the last 80 rows.
    forecasts = [
        candidates.make_candidate("auto_ets", 4, 8).fit(reader._read(rows)).forecast(8)
        for rows in (y, y.iloc[-80:])
    ]
    np.testing.assert_allclose(forecasts[0], forecasts[1])
    shorter = candidates.make_candidate("auto_ets", 4, 8).fit(
        reader._read(y.iloc[-60:])
    )
    assert not np.allclose(shorter.forecast(8), forecasts[0])


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"horizon": 0}, "`horizon` must be"),
        ({"time_budget": 0}, "`time_budget` must be a positive number"),
        ({"level": 90}, "`level` must be a float in"),
        ({"models": ["lstm"]}, "`models` must be a list of families"),
        ({"nan_policy": "drop_windows"}, "`nan_policy` must be one of"),
    ],
)
def test_bad_parameters_raise_clear_errors(quarterly, options, match):
    settings = {"horizon": 8, "id_col": "id", "time_col": "date", "verbose": 0}
    with pytest.raises((ValueError, TypeError), match=match):
        AutoForecaster(**{**settings, **options}).fit(quarterly)


def test_bad_panels_raise_clear_errors(quarterly):
    one_row = pd.concat(
        [quarterly, pd.DataFrame({"id": ["x"], "date": [pd.Timestamp("2000-01-01")]})]
    ).assign(value=lambda f: f["value"].fillna(1.0))
    with pytest.raises(ValueError, match=r"at least 2 rows\. Got 1 row of series 'x'"):
        _auto(models=["baseline"]).fit(one_row)
    with pytest.raises(ValueError, match="`horizon` must be at most"):
        AutoForecaster(500, id_col="id", time_col="date", verbose=0).fit(quarterly)
    duplicated = pd.concat([quarterly, quarterly.head(1)])
    with pytest.raises(ValueError, match="duplicate"):
        _auto(models=["baseline"]).fit(duplicated)
    gappy = quarterly.assign(value=quarterly["value"].where(quarterly.index != 5))
    with pytest.raises(ValueError, match=r"NaN|missing"):
        _auto(models=["baseline"]).fit(gappy)
    filled = _auto(models=["baseline"], nan_policy="interpolate").fit(gappy)
    assert np.isfinite(filled.predict()["value"]).all()
    monthly = pd.DataFrame(
        {
            "id": "m",
            "date": pd.date_range("2000-01-01", periods=40, freq="MS"),
            "value": np.arange(40.0) + 1,
        }
    )
    with pytest.raises(ValueError, match="must share one frequency"):
        _auto(models=["baseline"]).fit(pd.concat([quarterly, monthly]))


def test_progress_lines_go_to_stderr(quarterly, capsys):
    _auto(models=["baseline"], verbose=1).fit(quarterly)
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert any("seasonal_naive: fold 2/2" in line for line in lines)
    assert lines[-1].startswith("AutoForecaster: done in")


# ---------------------------------------------------------------- baselines


def test_baselines_forecast_as_defined():
    history = np.array([1.0, 2.0, 4.0, 3.0, 5.0, 6.0, 8.0, 7.0])
    made = {name: candidates._Baseline(name, 4) for name in candidates.BASELINES}
    for model in made.values():
        model.series_ = [history]
    np.testing.assert_allclose(made["naive"].forecast(3)[0], [7, 7, 7])
    np.testing.assert_allclose(
        made["seasonal_naive"].forecast(6)[0], [5, 6, 8, 7, 5, 6]
    )
    np.testing.assert_allclose(made["drift"].forecast(2)[0], [7 + 6 / 7, 7 + 12 / 7])
    # Mean seasonal change 4 per season: one season ahead +4, two ahead +8.
    np.testing.assert_allclose(
        made["seasonal_naive_drift"].forecast(6)[0], [9, 10, 12, 11, 13, 14]
    )


def test_mase_scale_is_the_in_sample_seasonal_naive_error():
    seasonal = np.array([1.0, 2, 4, 3, 5, 6, 8, 7])
    scale = mase_scale([seasonal, np.tile([1.0, 2], 4), np.full(5, 3.0)], 2)
    assert scale[0] == pytest.approx(np.mean(np.abs(seasonal[2:] - seasonal[:-2])))
    assert scale[1] == pytest.approx(1.0)  # exact season: the lag-1 MAE
    assert scale[2] == pytest.approx(3.0)  # constant: its mean absolute value


# -------------------------------------------------------------- seasonality


def test_seasonality_test_on_real_series(shared_data):
    frame = pd.read_csv(shared_data / "forecasting" / "tourism_monthly.csv")
    first = frame.loc[frame["id"] == frame["id"].iloc[0], "value"].to_numpy()
    assert is_seasonal(np.log(first), 12)
    noise = np.random.default_rng(0).normal(size=120)
    assert not is_seasonal(noise, 12)
    assert not is_seasonal(first[:30], 12)  # fewer than three seasons


def test_seasonal_log_inverts_exactly_on_real_series(shared_data):
    frame = pd.read_csv(shared_data / "forecasting" / "tourism_monthly.csv")
    ids = frame["id"].unique()[:20]
    series = [frame.loc[frame["id"] == i, "value"].to_numpy() for i in ids]
    series.append(np.r_[0.0, series[0][1:]])  # a zero: log1p
    series.append(series[1] - series[1].mean())  # negative values: scaled
    norm = SeasonalLog(12).fit(series)
    assert norm.seasonal_[:20].mean() > 0.5
    assert norm.offset_[-2] == 1.0 and np.isnan(norm.offset_[-1])
    z = norm.transform(series)
    tails = np.stack([values[-6:] for values in z])
    origins = [len(values) - 6 for values in series]
    expected = np.stack([values[-6:] for values in series])
    np.testing.assert_allclose(norm.inverse(tails, origins), expected, rtol=1e-9)
    # What is left of the seasonal profile after deseasonalizing is small.
    before = np.ptp(seasonal_profile(np.log(series[0]), 12))
    assert np.ptp(seasonal_profile(z[0], 12)) < 0.05 * before


def test_smoothed_seasonality_inverts_its_own_rows_on_real_series(shared_data):
    from tsrnn.forecasting.seasonality import SmoothedSeasonalLog

    frame = pd.read_csv(shared_data / "forecasting" / "tourism_monthly.csv")
    ids = frame["id"].unique()[:20]
    series = [frame.loc[frame["id"] == i, "value"].to_numpy() for i in ids]
    series.append(np.random.default_rng(0).normal(100, 1, 120))  # not seasonal
    norm = SmoothedSeasonalLog(12).fit(series)
    assert norm.seasonal_[:20].mean() > 0.5 and not norm.seasonal_[-1]
    assert np.isnan(norm.alpha_[-1]) and (norm.before_[-1] == 0).all()
    z = norm.transform(series)
    # Within a season of the origin, a forecast is deseasonalized by the same
    # estimates its rows were: the inverse is exact.
    tails = np.stack([values[-6:] for values in z])
    origins = [len(values) - 6 for values in series]
    expected = np.stack([values[-6:] for values in series])
    np.testing.assert_allclose(norm.inverse(tails, origins), expected, rtol=1e-9)
    k = int(np.flatnonzero(norm.seasonal_)[0])
    before = np.ptp(seasonal_profile(np.log(series[k]), 12))
    assert np.ptp(seasonal_profile(z[k], 12)) < 0.1 * before
    with pytest.raises(ValueError, match="must get the series it was fitted on"):
        norm.transform([s[:-1] for s in series])


def test_smoothed_seasonality_reads_no_row_before_deseasonalizing_it():
    from tsrnn.forecasting.seasonality import _smooth

    t = np.arange(60)
    z = np.sin(2 * np.pi * t / 12) + 0.01 * t
    changed = z.copy()
    changed[40:] += 5.0  # rows 40 on
    initial = seasonal_profile(z[:36], 12)[None]
    weights = np.array([[0.1]]), np.array([[0.2]])
    _, before, _ = _smooth([z], initial, 12, *weights, paths=True)
    _, moved, _ = _smooth([changed], initial, 12, *weights, paths=True)
    np.testing.assert_array_equal(before[0][:41], moved[0][:41])
    assert not np.allclose(before[0][41:], moved[0][41:])


def test_smoothed_seasonality_follows_a_pattern_that_grows():
    from tsrnn.forecasting.seasonality import SmoothedSeasonalLog

    t = np.arange(120)
    amplitude = np.where(t < 60, 0.1, 0.3)
    y = 100 * np.exp(amplitude * np.sin(2 * np.pi * t / 12))
    truth = 0.3 * np.sin(2 * np.pi * np.arange(120, 132) / 12)
    smoothed = np.log(
        SmoothedSeasonalLog(12).fit([y]).inverse(np.zeros((1, 12)), [120])
    )
    classical = np.log(SeasonalLog(12).fit([y]).inverse(np.zeros((1, 12)), [120]))
    assert np.abs(smoothed - truth).max() < 0.5 * np.abs(classical - truth).max()


def test_warnings_are_narrow(quarterly):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _auto(models=["baseline"]).fit(quarterly)
