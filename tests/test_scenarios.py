"""Scenario files, scenario values and the target comparison."""

from __future__ import annotations

import math

import pytest

from pxanalysis.data import ledger, registry
from pxanalysis.engine import comparison, scenarios, selection
from pxanalysis.errors import ParameterError

from .conftest import ROOT


@pytest.mark.parametrize("name", scenarios.BUILTIN)
def test_builtin_scenarios_load(name):
    assert scenarios.load(name).name == name


def test_custom_example_loads_and_drives_thin_indicators():
    sc = scenarios.load(ROOT / "scenarios/custom_example.yaml")
    c = comparison.compare_targets(sc).set_index("indicator_id")
    assert c.loc["fixed_asset_investment", "scenario_value"] == 3.0
    assert c.loc["fixed_asset_investment", "value_source"] == "assumption"
    assert c.loc["fixed_asset_investment", "gap_pp"] == pytest.approx(-1.0)
    assert 0 < c.loc["urban_income", "p_meet"] < 1


def _write(tmp_path, text):
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("scenario: optimistc\n", "unknown scenario 'optimistc' (did you mean 'optimistic'?); allowed: baseline, optimistic"),
        ("scenario: baseline\nquantil_high: 0.8\n", "unknown parameter 'quantil_high' (did you mean 'quantile_high'?)"),
        ("scenario: optimistic\nquantile_high: 1.5\n", "'quantile_high' = 1.5: must be strictly between 0.5 and 1"),
        ("scenario: pessimistic\nquantile_low: 0.7\n", "quantile_low"),
        ("scenario: custom\nassumptions:\n  gpd: {growth: 5}\n", "unknown indicator 'gpd' (did you mean 'gdp'?); allowed: gdp, budget_revenue"),
        ("scenario: custom\nassumptions:\n  gdp: {growth: five}\n", "assumptions['gdp'].growth = 'five': not a number"),
        ("scenario: custom\nassumptions:\n  gdp: {growth: 80}\n", "outside the sane range"),
        ("scenario: custom\nassumptions:\n  gdp: {growth: 5, sigma: 1}\n", "unknown key(s) ['sigma']; allowed: growth, sd"),
        ("scenario: custom\n", "needs at least one growth assumption"),
        ("method: prophet\n", "allowed: auto, mean, mean3, last, trend, arima, ets, combo"),
        ("window: five\n", "'window' = 'five': expected int"),
        ("- just a list\n", "expected a mapping"),
    ],
)  # fmt: skip
def test_bad_scenario_files_name_the_key_and_allowed_values(tmp_path, text, message):
    with pytest.raises(ParameterError) as info:
        scenarios.load(_write(tmp_path, text))
    assert message in str(info.value)


def test_optimistic_and_pessimistic_move_one_factor_through_all_nine():
    from scipy import stats

    base = comparison.compare_targets(scenarios.load("baseline")).set_index("indicator_id")
    opt = comparison.compare_targets(scenarios.load("optimistic")).set_index("indicator_id")
    pes = comparison.compare_targets(scenarios.load("pessimistic")).set_index("indicator_id")
    for indicator, row in base.iterrows():
        good = 1 if row["direction"] == "increase" else -1
        assert good * (opt.loc[indicator, "scenario_value"] - row["scenario_value"]) > 0
        assert good * (pes.loc[indicator, "scenario_value"] - row["scenario_value"]) < 0
        loading = registry.get(indicator).loading
        q = stats.norm.cdf(loading * stats.norm.ppf(0.9))
        p = comparison.indicator_projection(indicator, scenarios.load("optimistic"))
        expected = p.quantile(q if good > 0 else 1 - q)
        assert opt.loc[indicator, "scenario_value"] == pytest.approx(expected, abs=1e-6)
    gdp = base.loc["gdp"]  # GDP's scenarios stay inside its own 80 % band
    assert (
        gdp["lo80"]
        < pes.loc["gdp", "scenario_value"]
        < opt.loc["gdp", "scenario_value"]
        < gdp["hi80"]
    )
    sc = scenarios.Scenario(name="optimistic", quantile_high=0.75)
    c = comparison.compare_targets(sc).set_index("indicator_id")
    assert c.loc["gdp", "scenario_value"] < opt.loc["gdp", "scenario_value"]


def test_decline_target_compares_in_the_right_direction():
    sc = scenarios.Scenario(
        name="optimistic", assumptions={"energy_intensity": {"growth": -3.0, "sd": 1.0}}
    )
    c = comparison.compare_targets(sc).set_index("indicator_id")
    row = c.loc["energy_intensity"]
    assert row["scenario_value"] < -3.0  # optimistic = a larger decline
    from scipy import stats

    assert row["p_meet"] == pytest.approx(stats.norm(-3.0, 1.0).cdf(-3.5))  # P(decline >= 3.5)
    base = comparison.compare_targets(scenarios.Scenario(name="custom", assumptions=sc.assumptions))
    assert base.set_index("indicator_id").loc["energy_intensity", "gap_pp"] == pytest.approx(-0.5)


def test_targets_met_and_the_comparison_columns():
    c = comparison.compare_targets(scenarios.load("targets_met")).set_index("indicator_id")
    assert (c["gap_pp"] == 0).all()
    assert c.loc["gdp", "implied_level"] == pytest.approx(1151.66 * 1.055)
    assert c.loc["gdp", "parent_target"] == 5.0
    assert c.loc["gdp", "minus_parent"] == pytest.approx(0.5)
    assert math.isnan(c.loc["industrial_investment", "parent_target"])


def test_every_target_has_a_graded_judgement():
    c = comparison.compare_targets().set_index("indicator_id")
    assert len(c) == 9 and c["median"].notna().all() and c["p_meet"].between(0, 1).all()
    assert (c["lo95"] <= c["lo80"]).all() and (c["lo80"] <= c["median"]).all()
    assert (c["median"] <= c["hi80"]).all() and (c["hi80"] <= c["hi95"]).all()
    assert set(c["grade"]) <= {"A", "B", "C"} and c.loc["gdp", "grade"] == "A"
    assert c["evidence"].str.len().gt(0).all() and (c["as_of"] == "2024-01-31").all()
    gdp = c.loc["gdp"]
    cal = ledger.calibration()
    default = cal["method"] if cal and cal["method"] != "auto" else selection.choose().method
    assert gdp["method"] == default and gdp["lo80"] < gdp["median"] < gdp["hi80"]


def test_a_scenario_for_another_report_checks_its_assumptions_against_that_report():
    # consumer_prices is one of Yichun 2023's targets, not Pingxiang 2024's
    s = scenarios.Scenario(
        name="custom", assumptions={"consumer_prices": {"growth": 3}}, region="yichun", year=2023
    )
    assert (s.region, s.year) == ("yichun", 2023)
    with pytest.raises(ParameterError, match="consumer_prices"):
        scenarios.Scenario(name="custom", assumptions={"consumer_prices": {"growth": 3}})
