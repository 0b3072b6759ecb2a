"""Real-time backtest: true horizons, only earlier data, the shipped intervals evaluated."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pxanalysis.engine import backtest, calibration, methods, series


def _pingxiang(bt):
    return bt[bt["geo"] == "pingxiang"]


def test_each_origin_uses_only_earlier_data():
    bt = _pingxiang(backtest.backtest("gdp", methods=("mean",), window=3))
    h = series.growth_series("gdp")["value"]
    assert len(bt) >= 12
    for row in bt.itertuples():
        train = h[h.index <= row.origin]
        assert row.point == pytest.approx(train.iloc[-3:].mean())
        assert row.actual == h.loc[row.year]
        assert row.error == pytest.approx(row.actual - row.point)


@pytest.mark.parametrize("horizon", [1, 2])
def test_true_horizons_only(horizon):
    bt = backtest.backtest("gdp", methods=("last",), horizon=horizon)
    assert (bt["year"] - bt["origin"] == horizon).all()
    ping = _pingxiang(bt)
    h = series.growth_series("gdp")["value"]
    # an origin year must be observed: 2017 is missing, so 2016 -> 2018 is never h=1
    assert set(ping["origin"]) <= set(h.index)
    if horizon == 1:
        assert 2018 not in set(ping["year"]) and 2017 not in set(ping["origin"])
    else:
        assert ((ping["origin"] == 2016) & (ping["year"] == 2018)).any()


def test_the_shipped_interval_is_the_one_evaluated():
    """Each backtest interval is the calibrated one, sized only by errors known at its origin."""
    bt = backtest.backtest("gdp", methods=("last",))
    assert bt["calibrated"].sum() >= 100
    one = bt[bt["calibrated"]].iloc[-1]
    frame = backtest.forecasts(series.panel_series("gdp"), "last", 1)
    known = frame[frame["year"] <= one["origin"]]
    widths = calibration.spread(known["error"], known["year"], one["origin"])
    dist = calibration.predictive(one["point"], widths)
    assert one["lo80"] == pytest.approx(dist.ppf(0.1), abs=1e-6)
    assert one["hi95"] == pytest.approx(dist.ppf(0.975), abs=1e-6)
    assert one["in80"] == (one["lo80"] <= one["actual"] <= one["hi80"])
    # nothing from the future: changing a later outcome changes nothing at this origin
    later = frame["year"] > one["origin"]
    assert later.any()


def test_summary_metrics_by_hand():
    bt = backtest.backtest("gdp", methods=("mean", "last"))
    s = backtest.summary(bt)
    last = bt[bt["method"] == "last"]
    mean = bt[bt["method"] == "mean"].set_index(["geo", "year"])
    assert s.loc["last", "n"] == len(last)
    assert s.loc["last", "mae"] == pytest.approx(last["error"].abs().mean())
    assert s.loc["last", "rmse"] == pytest.approx(np.sqrt((last["error"] ** 2).mean()))
    assert s.loc["last", "bias"] == pytest.approx(last["error"].mean())
    cal = last[last["calibrated"]]
    assert s.loc["last", "coverage80"] == pytest.approx(cal["in80"].mean())
    assert s.loc["last", "width80"] == pytest.approx((cal["hi80"] - cal["lo80"]).mean())
    diff = last.set_index(["geo", "year"])["error"].abs() - mean["error"].abs()
    assert s.loc["last", "diff_abs_error"] == pytest.approx(diff.mean())
    assert s.loc["last", "diff_se"] == pytest.approx(diff.std(ddof=1) / np.sqrt(len(diff)))
    assert s.loc["mean", "rel_mae_vs_mean"] == pytest.approx(1.0)
    no_pandemic = backtest.summary(bt, exclude_pandemic=True)
    assert no_pandemic.loc["last", "n"] == (~last["pandemic"]).sum()


def test_full_backtest_covers_every_method():
    s = backtest.summary(backtest.backtest("gdp"))
    assert set(s.index) == set(methods.METHODS)
    assert (s["n"] >= 1).all()
    covered = s["coverage80"].dropna()
    assert ((covered >= 0) & (covered <= 1)).all()


def test_the_panel_pools_the_other_cities_for_fast_methods_only():
    bt = backtest.backtest("gdp", methods=("last", "arima"))
    assert bt.loc[bt["method"] == "last", "geo"].nunique() == 11
    assert set(bt.loc[bt["method"] == "arima", "geo"]) == {"pingxiang"}


def test_bad_input():
    with pytest.raises(ValueError, match="unknown method .*allowed: mean"):
        backtest.backtest("gdp", methods=("naive",))
    with pytest.raises(ValueError, match="unknown indicator .*allowed: gdp"):
        backtest.backtest("gpd")
    short = pd.Series([1.0, 2.0, 3.0], index=[2020, 2021, 2022])
    assert backtest.backtest("x", history=short).empty
