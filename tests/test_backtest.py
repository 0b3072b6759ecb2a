"""Rolling-origin backtest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pxanalysis import data
from pxanalysis.engine import backtest, methods


def test_each_origin_uses_only_earlier_data():
    bt = backtest.backtest("gdp", methods=("mean",), window=3)
    h = data.history("gdp")["value"]
    for row in bt.itertuples():
        train = h[h.index <= row.year - 1]
        assert row.median == pytest.approx(train.iloc[-3:].mean())
        assert row.actual == h.loc[row.year]
        assert row.error == pytest.approx(row.actual - row.median)


def test_summary_metrics_by_hand():
    bt = backtest.backtest("gdp", methods=("mean", "last"))
    s = backtest.summary(bt)
    last = bt[bt["method"] == "last"]
    assert s.loc["last", "mae"] == pytest.approx(last["error"].abs().mean())
    assert s.loc["last", "rmse"] == pytest.approx(np.sqrt((last["error"] ** 2).mean()))
    assert s.loc["last", "bias"] == pytest.approx(last["error"].mean())
    assert s.loc["last", "coverage80"] == pytest.approx(last["in80"].mean())
    assert s.loc["mean", "rel_mae_vs_mean"] == pytest.approx(1.0)


def test_full_backtest_covers_every_method():
    s = backtest.summary(backtest.backtest("gdp"))
    assert set(s.index) == set(methods.METHODS)
    assert (s["n"] >= 1).all()
    assert ((s["coverage80"] >= 0) & (s["coverage80"] <= 1)).all()


def test_bad_input():
    with pytest.raises(ValueError, match="unknown method .*allowed: mean"):
        backtest.backtest("gdp", methods=("naive",))
    with pytest.raises(ValueError, match="unknown indicator .*allowed: gdp"):
        backtest.backtest("gpd")
    short = pd.Series([1.0, 2.0, 3.0], index=[2020, 2021, 2022])
    assert backtest.backtest("x", history=short).empty
