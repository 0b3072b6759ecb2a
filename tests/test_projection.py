"""Projection methods: known answers, properties, bad input."""

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
from pxanalysis.engine import methods, projection

GDP = data.history("gdp")["value"]
Z80 = 1.2815515655446004


def test_mean_is_the_plain_mean_of_the_last_k_values():
    for k in (1, 3, 5, 11):
        row = projection.project("gdp", method="mean", window=k).iloc[0]
        assert row["median"] == pytest.approx(data.history("gdp")["value"].iloc[-k:].mean())
        assert row["n_obs"] == k


def test_last_is_the_last_value():
    row = projection.project("gdp", method="last").iloc[0]
    assert row["median"] == 2.0 and row["n_obs"] == 11


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
    full = GDP.reindex(range(2011, 2023))  # 2017 missing: the state space skips it
    res = SARIMAX(full.to_numpy(), order=(1, 0, 0), trend="c").fit(disp=False)
    sf = res.get_forecast(steps=2).summary_frame(alpha=0.2)
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


def test_combo_is_the_default_and_lists_its_members():
    row = projection.project("gdp").iloc[0]
    assert row["method"] == "combo"
    assert "mean, last, trend, arima" in row["note"] and "ets" in row["note"]


def test_calibration_widens_a_too_narrow_interval_and_says_so():
    raw = projection.project("gdp", method="trend", calibrate=False).iloc[0]
    cal = projection.project("gdp", method="trend").iloc[0]
    assert cal["median"] == pytest.approx(raw["median"])
    assert "widened to backtest RMSE" in cal["interval_source"]
    assert cal["hi80"] - cal["lo80"] > raw["hi80"] - raw["lo80"]
    assert raw["interval_source"] == "model"


def test_thin_history_is_flagged_and_not_projected():
    for indicator in data.TARGET_IDS[1:]:
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
        ValueError, match="unknown method .prophet.; allowed: mean, last, trend, arima, ets, combo"
    ):
        projection.project("gdp", method="prophet")


@pytest.mark.parametrize("window", [0, -1, 12, 2.5, True])
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


def test_use_estimates_appends_the_2023_estimate_with_a_note():
    row = projection.project("gdp", method="last", use_estimates=True).iloc[0]
    assert row["median"] == 3.5 and "预计" in row["note"]


series = st.lists(
    st.floats(min_value=-20, max_value=30, allow_nan=False, allow_infinity=False),
    min_size=4,
    max_size=16,
).filter(lambda v: np.std(v) > 1e-3 and len(set(np.round(v, 6))) > 2)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=series, method=st.sampled_from(sorted(methods.METHODS)))
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
@given(values=series)
def test_more_data_never_crashes(values):
    for n in range(4, len(values) + 1):
        y = pd.Series(values[:n], index=range(2000, 2000 + n))
        projection.project("x", 2000 + n, "combo", history=y)
