"""Growth maths."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pxanalysis import data
from pxanalysis.engine import growth


def test_chain_and_back():
    g = pd.Series({2021: 10.0, 2022: -5.0})
    levels = growth.levels_from_growth(100.0, g, 2020)
    assert levels.to_dict() == pytest.approx({2020: 100.0, 2021: 110.0, 2022: 104.5})
    back = growth.growth_from_levels(levels)
    assert back.loc[[2021, 2022]].tolist() == pytest.approx([10.0, -5.0])


def test_chaining_needs_every_year():
    with pytest.raises(ValueError, match="missing"):
        growth.levels_from_growth(100.0, pd.Series({2021: 1.0, 2023: 2.0}), 2020)
    with pytest.raises(ValueError, match="2021"):
        growth.levels_from_growth(100.0, pd.Series({2022: 1.0}), 2020)


def test_growth_is_never_computed_across_a_level_break_or_a_gap():
    lv = data.levels("gdp")
    g = growth.growth_from_levels(lv["value"], lv["break_before"])
    assert math.isnan(g.loc[2019]) and math.isnan(g.loc[2018])  # breaks
    assert math.isnan(g.loc[2017])  # no level
    assert g.loc[2021] == pytest.approx((1108.3038 / 963.6 - 1) * 100)


def test_cagr_refuses_a_break():
    lv = data.levels("gdp")
    with pytest.raises(growth.LevelBreakError, match="2018"):
        growth.cagr(lv["value"], 2016, 2021, lv["break_before"])
    assert growth.cagr(lv["value"], 2019, 2022, lv["break_before"]) == pytest.approx(
        ((1160.33 / 930.0202) ** (1 / 3) - 1) * 100
    )


def test_missing_years_and_duplicates():
    h = data.history("gdp")["value"]
    assert growth.missing_years(h) == [2017]
    with pytest.raises(ValueError, match="duplicate"):
        growth.annual(pd.Series([1.0, 2.0], index=[2020, 2020]))


def test_compound_and_average():
    assert growth.compound([10, 10]) == pytest.approx(21.0)
    assert growth.average_growth([10, 10]) == pytest.approx(10.0)
    assert growth.implied_level(1151.66, 5.5) == pytest.approx(1151.66 * 1.055)
    with pytest.raises(ValueError):
        growth.compound([1.0, float("nan")])
