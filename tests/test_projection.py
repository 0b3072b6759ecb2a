"""Projections: known answers, the information set, calibration both ways, properties, bad input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from statsmodels.tsa.statespace.sarimax import SARIMAX

from pxanalysis import data
from pxanalysis.engine import calibration, methods, projection, selection, series

GDP = series.growth_series("gdp")["value"]  # history + the report's 2023 estimate
Z80 = 1.2815515655446004


def test_the_report_2023_figure_is_the_last_point_by_default():
    row = projection.project("gdp", method="last").iloc[0]
    assert row["last_obs_year"] == 2023 and row["last_obs_kind"] == "estimate"
    assert row["point"] == 3.5 and row["horizon"] == 1 and "预计" in row["note"]
    assert "estimate uncertainty" in row["interval_source"]
    without = projection.project("gdp", method="last", use_report=False).iloc[0]
    assert without["last_obs_year"] == 2022 and without["point"] == 2.0
    assert without["horizon"] == 2
    # an actual in the report (budget revenue 2023: 4.8 %, no 预计) is labelled actual
    assert series.growth_series("budget_revenue").loc[2023, "kind"] == "actual"


def test_mean_is_the_plain_mean_of_the_last_k_values():
    for k in (1, 3, 5, 11):
        row = projection.project("gdp", method="mean", window=k).iloc[0]
        assert row["point"] == pytest.approx(GDP.iloc[-k:].mean())
        assert row["n_obs"] == k


def test_last_is_the_last_value():
    row = projection.project("gdp", method="last").iloc[0]
    assert row["point"] == 3.5 and row["n_obs"] == len(GDP)


def test_trend_matches_polyfit_and_statsmodels_ols():
    row = projection.project("gdp", method="trend", calibrate=False).iloc[0]
    years = GDP.index.to_numpy(dtype=float)
    slope, intercept = np.polyfit(years, GDP.to_numpy(), 1)
    assert row["median"] == pytest.approx(intercept + slope * 2024)
    res = sm.OLS(GDP.to_numpy(), sm.add_constant(years)).fit()
    sf = res.get_prediction(np.array([[1.0, 2024.0]])).summary_frame(alpha=0.2)
    assert row["lo80"] == pytest.approx(sf["obs_ci_lower"].iloc[0])
    assert row["hi80"] == pytest.approx(sf["obs_ci_upper"].iloc[0])
    sf95 = res.get_prediction(np.array([[1.0, 2024.0]])).summary_frame(alpha=0.05)
    assert row["hi95"] == pytest.approx(sf95["obs_ci_upper"].iloc[0])


def test_arima_matches_the_same_statsmodels_model_fitted_directly():
    row = projection.project("gdp", method="arima", calibrate=False).iloc[0]
    full = GDP.reindex(range(int(GDP.index[0]), 2024))  # 2017 missing: the state space skips it
    res = SARIMAX(full.to_numpy(), order=(1, 0, 0), trend="c").fit(disp=False)
    sf = res.get_forecast(steps=1).summary_frame(alpha=0.2)
    assert row["median"] == pytest.approx(sf["mean"].iloc[-1], rel=1e-6)
    assert row["lo80"] == pytest.approx(sf["mean_ci_lower"].iloc[-1], rel=1e-6)
    assert row["hi80"] == pytest.approx(sf["mean_ci_upper"].iloc[-1], rel=1e-6)
    assert "missing year" in row["note"]


def test_ets_needs_a_gap_free_series_and_says_so():
    row = projection.project("gdp", method="ets").iloc[0]
    assert math.isnan(row["median"]) and "2017" in row["note"]
    clean = pd.Series([8.0, 7.5, 7.9, 7.0, 6.8, 6.1, 6.5, 5.9, 5.5], index=range(2014, 2023))
    ok = projection.project("x", method="ets", history=clean).iloc[0]
    assert ok["lo95"] < ok["median"] < ok["hi95"]


def test_combo_lists_its_members():
    row = projection.project("gdp", method="combo").iloc[0]
    assert row["method"] == "combo"
    assert "mean, mean3, last, trend" in row["note"]


def test_the_default_is_the_track_records_method_and_says_why():
    from pxanalysis.data import ledger

    cal = ledger.calibration()
    if cal is None or cal["method"] == "auto":
        pytest.skip("no committed track record choosing a method (run `make track-record`)")
    row = projection.project("gdp").iloc[0]
    assert row["method"] == cal["method"] and "track record" in row["note"]


def test_the_default_is_the_rules_choice_and_says_why(monkeypatch):
    from pxanalysis.data import ledger

    monkeypatch.setattr(ledger, "calibration", lambda: None)  # without a track record
    row = projection.project("gdp").iloc[0]
    choice = selection.choose()
    assert row["method"] == choice.method and "default by rule" in row["note"]
    table = choice.table
    assert set(table.index) == set(selection.CANDIDATES)
    if choice.method != selection.BENCHMARK:
        best = table.loc[choice.method]
        assert best["passes"] and best["n_common"] >= selection.MIN_FORECASTS
        assert best["mae"] <= (1 - selection.MARGIN) * best["mae_mean"]
        assert best["diff_abs_error"] <= -selection.MIN_T * best["diff_se"]
        assert best["mae"] == table.loc[table["passes"], "mae"].min()


def _width(row):
    return row["hi80"] - row["lo80"]


def test_calibration_widens_a_too_narrow_interval():
    trend = pd.Series(np.arange(2000, 2024) * 0.8 - 1590.0, index=range(2000, 2024))
    trend += np.resize([0.3, -0.2, 0.1, -0.3, 0.2], len(trend))  # the mean lags a rising series
    raw = projection.project("x", method="mean", window=5, history=trend, calibrate=False).iloc[0]
    cal = projection.project("x", method="mean", window=5, history=trend).iloc[0]
    assert raw["interval_source"] == "model" and cal["interval_source"].startswith("real-time")
    assert _width(cal) > 1.5 * _width(raw)
    assert cal["median"] > raw["median"]  # the errors were all positive: the band leans up


def test_calibration_narrows_a_too_wide_interval():
    rng = np.random.default_rng(7)
    noise = pd.Series(6 + rng.normal(0, 1, 24), index=range(2000, 2024))
    raw = projection.project("x", method="mean", window=2, history=noise, calibrate=False).iloc[0]
    cal = projection.project("x", method="mean", window=2, history=noise).iloc[0]
    assert cal["interval_source"].startswith("real-time")
    assert _width(cal) < 0.7 * _width(raw)  # a t(1) model band is far wider than the errors


def test_too_few_errors_keep_the_model_interval_and_say_so():
    short = pd.Series([8.0, 7.5, 7.9, 7.0, 6.8, 6.1], index=range(2017, 2023))
    row = projection.project("x", method="last", history=short).iloc[0]
    assert "too few to calibrate" in row["interval_source"]


def test_the_pandemic_is_a_shock_component_not_the_core():
    p = projection.projection("gdp", method="last")
    assert p.dist.widths.has_shock and p.dist.shock_weight == calibration.SHOCK_PROBABILITY
    assert "shock component" in p.interval_source
    core = calibration.predictive(p.point, p.dist.widths.__class__(p.dist.widths.below,
                                  p.dist.widths.above, p.dist.widths.n_core), p.dist.extra_sd)  # fmt: skip
    assert p.quantile(0.01) < core.ppf(0.01)  # the shock fattens the tails


def test_as_of_excludes_later_rows_and_deleting_them_changes_nothing(data_copy):
    as_of = "2024-01-31"
    before = projection.project_all(as_of=as_of)
    obs_path = data_copy / "shared/jiangxi/history/observations.csv"
    obs = pd.read_csv(obs_path, dtype=str, keep_default_na=False)
    late = obs["known_from"] > as_of
    assert late.sum() >= 5  # Jiangxi's 2024 outcome, 2025 and 2026 figures ...
    obs[~late].to_csv(obs_path, index=False)
    ledger_path = data_copy / "shared/ledger/history/observations.csv"  # the ledger's too
    rows = pd.read_csv(ledger_path, dtype=str, keep_default_na=False)
    assert (rows["known_from"] > as_of).sum() >= 100
    rows[rows["known_from"] <= as_of].to_csv(ledger_path, index=False)
    data.clear_cache()
    projection.clear_cache()
    selection.clear_cache()
    from pxanalysis import engine

    engine.clear_cache()
    after = projection.project_all(as_of=as_of)
    pd.testing.assert_frame_equal(before, after)
    assert not (data.history("gdp", geo="jiangxi").index >= 2024).any()


def test_an_earlier_as_of_sees_less():
    early = projection.projection("gdp", method="last", as_of="2023-01-31")
    assert early.last_obs_year == 2021 and early.point == 8.3  # 2022 known only in April 2023
    mid = projection.projection("gdp", method="last", as_of="2023-06-30")
    assert mid.last_obs_year == 2022 and mid.point == 2.0


def test_thin_history_is_flagged_and_not_projected():
    for indicator in data.target_ids()[1:]:
        row = projection.project(indicator).iloc[0]
        assert row["flag"] == "insufficient_history"
        assert math.isnan(row["median"]) and row["n_obs"] < methods.MIN_OBS
        assert "custom" in row["note"]


def test_short_history_gets_a_flag():
    short = pd.Series([5.0, 6.0, 4.0, 7.0, 5.5], index=range(2018, 2023))
    row = projection.project("x", method="mean", history=short).iloc[0]
    assert row["flag"] == "short_history"


@pytest.mark.parametrize("bad", ["gpd", "GDP", ""])
def test_unknown_indicator(bad):
    with pytest.raises(ValueError, match="allowed: gdp, budget_revenue"):
        projection.project(bad)


def test_unknown_method():
    with pytest.raises(
        ValueError,
        match="unknown method .prophet.; allowed: mean, mean3, last, trend, arima, ets, combo",
    ):
        projection.project("gdp", method="prophet")


@pytest.mark.parametrize("window", [0, -1, 30, 2.5, True])
def test_bad_window(window):
    with pytest.raises(ValueError, match="window"):
        projection.project("gdp", method="mean", window=window)


def test_duplicate_years_are_an_error_and_nan_is_a_gap():
    dup = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], index=[2018, 2019, 2019, 2020, 2021])
    with pytest.raises(ValueError, match="duplicate years"):
        projection.project("x", history=dup)
    gappy = pd.Series([5.0, np.nan, 6.0, 4.0, 7.0, 5.5], index=range(2017, 2023))
    row = projection.project("x", method="mean", window=5, history=gappy).iloc[0]
    assert row["median"] == pytest.approx(np.mean([5.0, 6.0, 4.0, 7.0, 5.5]))


values_lists = st.lists(
    st.floats(min_value=-20, max_value=30, allow_nan=False, allow_infinity=False),
    min_size=4,
    max_size=16,
).filter(lambda v: np.std(v) > 1e-3 and len(set(np.round(v, 6))) > 2)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=values_lists, method=st.sampled_from(sorted(methods.METHODS)))
def test_properties_on_random_series(values, method):
    y = pd.Series(values, index=range(2023 - len(values), 2023))
    first = projection.projection("x", 2024, method, history=y)
    second = projection.projection("x", 2024, method, history=y)
    a, b = first.row(), second.row()
    if first.dist is None:
        assert first.flag in ("method_unavailable", "insufficient_history") and a["note"]
        return
    assert a["lo95"] <= a["lo80"] <= a["median"] <= a["hi80"] <= a["hi95"]
    for threshold in (-5.0, 0.0, 5.5, 10.0):
        assert 0.0 <= first.prob_at_least(threshold) <= 1.0
    assert a == b  # deterministic
    assert a["n_obs"] >= 1 and a["method"] == method


@settings(max_examples=15, deadline=None)
@given(values=values_lists)
def test_more_data_never_crashes(values):
    for n in range(4, len(values) + 1):
        y = pd.Series(values[:n], index=range(2000, 2000 + n))
        projection.project("x", 2000 + n, "combo", history=y)
