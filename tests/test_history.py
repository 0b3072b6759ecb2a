"""Historical series: provenance, preferred rows, derived rates, level breaks."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest

from pxanalysis import data
from pxanalysis.data import provenance

from .conftest import JIANGXI, ROOT, SHARED

#: The shared package's rows (without the reports' own figures).
OBS = data.load_table("history_observations")


def _build_module():
    spec = importlib.util.spec_from_file_location(
        "build_history", ROOT / "scripts/build_history.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_table_equals_a_fresh_build(tmp_path):
    build = _build_module()
    out = tmp_path / "observations.csv"
    build.write(build.build(), out)
    assert out.read_text(encoding="utf-8") == (JIANGXI / "history/observations.csv").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize("name", ["pingxiang_history.csv", "pingxiang_history_extra.csv"])
def test_raw_copies_match_shared_reference(name):
    shared = SHARED / "reference" / name
    if not shared.exists():
        pytest.skip(
            f"{shared} not found: the reference copies live in shared/ beside the checkout "
            "(../shared); clone or link it there to run this comparison"
        )
    assert (JIANGXI / "history/raw" / name).read_bytes() == shared.read_bytes()


def test_every_raw_row_is_kept():
    raw_rows = sum(
        1
        for name in ("pingxiang_history.csv", "pingxiang_history_extra.csv")
        for _ in (JIANGXI / "history/raw" / name).read_text(encoding="utf-8").splitlines()[1:]
    )
    # plus Pingxiang's 2002-2010 growth from the CSMAR transcription (2011 on was there)
    csmar = OBS["note"].str.startswith("raw row csmar_jiangxi.csv")
    assert raw_rows == 100 and csmar.sum() == 9
    assert (OBS["kind"] != "derived").sum() == raw_rows + csmar.sum()


def test_the_csmar_2013_growth_is_nominal_for_every_city():
    """CSMAR's 2013 GDPYoY equals each city's nominal level growth: it is not real growth."""
    import csv

    rows = list(csv.DictReader(open(JIANGXI / "history/raw/csmar_jiangxi.csv", encoding="utf-8")))
    level = {(r["city_id"], int(r["year"])): float(r["gdp_level_yi_yuan"]) for r in rows}
    for r in rows:
        if r["year"] == "2013":
            nominal = (level[(r["city_id"], 2013)] / level[(r["city_id"], 2012)] - 1) * 100
            assert round(nominal, 2) == float(r["gdp_real_growth_pct"]), r["city_en"]
    panel = data.load_table("city_panel")
    assert set(panel.loc[panel["year"] == 2013, "basis"]) == {"nominal"}
    assert 2013 not in set(data.panel()["year"])


def test_every_observed_value_is_in_its_quote():
    observed = OBS[OBS["kind"] != "derived"]
    bad = [
        r.obs_id for r in observed.itertuples() if not provenance.value_in_quote(r.value, r.quote)
    ]
    assert bad == []
    assert observed["source_title"].str.len().gt(0).all()
    assert observed["source_ref"].str.len().gt(0).all()


def test_derived_rates_are_labelled_and_reproducible():
    derived = OBS[OBS["kind"] == "derived"]
    assert len(derived) == 5
    parents = OBS.set_index("obs_id")
    for row in derived.itertuples():
        parent = parents.loc[row.derived_from]
        assert parent["measure"] == "ratio" and parent["kind"] == "actual"
        assert math.isclose(row.value, round((parent["value"] ** (1 / 5) - 1) * 100, 2))
        assert "derived by pxanalysis" in row.note
        assert row.measure == "avg_growth"


def test_one_preferred_row_per_group_and_the_rule():
    keys = ["geo", "series", "year", "measure", "period", "kind", "basis"]
    assert (OBS.groupby(keys)["preferred"].sum() == 1).all()
    gdp = OBS[(OBS["series"] == "gdp") & (OBS["geo"] == "pingxiang")]
    chosen = gdp[gdp["preferred"]].set_index(["year", "measure", "period", "basis"])
    # 2013: CSMAR's 8.9 is nominal, so the real growth is the Wikipedia mirror's 8.2 (low)
    assert chosen.loc[(2013, "growth", "full_year", "nominal"), "value"] == 8.9
    assert chosen.loc[(2013, "growth", "full_year", "real"), "value"] == 8.2
    assert data.history("gdp").loc[2013, "value"] == 8.2
    # 2011: the statistical bulletin (high) beats CSMAR (medium-high)
    assert "统计公报" in chosen.loc[(2011, "growth", "full_year", "real"), "source_title"]


#: The day before the 2024 report: the history package alone.
BEFORE_REPORT = "2024-01-30"


def test_gdp_history_is_what_the_notes_say():
    h = data.history("gdp", as_of=BEFORE_REPORT)
    assert list(h.index) == [*range(2002, 2017), 2018, 2019, 2020, 2021, 2022]
    assert h.loc[2020, "value"] == 3.6 and h.loc[2022, "value"] == 2.0
    assert set(h["kind"]) == {"actual"} and set(h["basis"]) == {"real"}
    assert {"source", "quote", "kind"} <= set(h.columns)


def test_the_reports_own_figures_join_the_history_from_its_date():
    """The 2024 report's 2023 estimate (预计) is a history row known from the report's date."""
    h = data.history("gdp")
    assert 2023 not in data.history("gdp", as_of=BEFORE_REPORT).index
    row = h.loc[2023]
    assert (row["value"], row["kind"]) == (3.5, "estimate")
    assert row["source"] == "萍乡市2024年政府工作报告" and "3.5%" in row["quote"]
    assert str(row["known_from"]) == "2024-01-31"
    # an outcome (actual) of a year always wins over an estimate of it
    assert set(h.loc[h.index < 2023, "kind"]) == {"actual"}


def test_history_keeps_partial_years_and_derived_rates_out_by_default():
    assert 2020 in data.history("gdp").index  # full year, not the Q1 -2.6
    assert data.history("gdp").loc[2020, "value"] != -2.6
    assert data.history("retail_sales", as_of=BEFORE_REPORT).empty
    derived = data.history("retail_sales", include_derived=True, as_of=BEFORE_REPORT)
    assert list(derived["kind"]) == ["derived"]


def test_thin_and_missing_histories_are_empty_not_invented():
    for target in ("fixed_asset_investment", "industrial_investment", "energy_intensity"):
        assert data.history(target, as_of=BEFORE_REPORT).empty
    assert len(data.history("budget_revenue", as_of=BEFORE_REPORT)) == 1
    # the report gives no 2023 figure for investment: nothing appears after it either
    assert data.history("fixed_asset_investment").empty
    assert data.history("energy_intensity")["value"].to_dict() == {2023: -3.4}


def test_jiangxi_rows_are_context_only():
    jx = OBS[OBS["geo"] == "jiangxi"]
    assert len(jx) > 0
    assert not jx["indicator"].str.startswith("江西省").any()
    assert data.history("gdp", geo="jiangxi").loc[2024, "value"] == 5.1
    assert 2024 not in data.history("gdp").index


def test_level_breaks_are_flagged():
    lv = data.levels("gdp")
    assert lv.loc[2019, "break_before"] and lv.loc[2018, "break_before"]
    assert not lv.loc[2020, "break_before"]
    assert lv.loc[2016, "level_basis"] != lv.loc[2019, "level_basis"]


def test_jiangxi_levels_have_their_own_bases_and_breaks():
    from pxanalysis.engine import growth

    jx = data.levels("gdp", geo="jiangxi")
    assert jx.loc[2015, "level_basis"] == "yearbook_pre_census4"
    assert jx.loc[2022, "level_basis"] == "census4" and jx.loc[2022, "break_before"]
    assert jx.loc[2024, "level_basis"] == "census5" and jx.loc[2024, "break_before"]
    # no +6.2 % from mixing the 4th- and 5th-census levels
    g = growth.growth_from_levels(jx["value"], jx["break_before"])
    assert math.isnan(g.loc[2024])
    with pytest.raises(growth.LevelBreakError):
        growth.cagr(jx["value"], 2015, 2022, jx["break_before"])
    revised = OBS[OBS["obs_id"] == "jiangxi.gdp.2023.level.full_year_revised_5th_census.1"]
    assert revised["level_basis"].item() == "census5"
    same_basis = 34202.5 / revised["value"].item() - 1
    assert round(same_basis * 100, 1) == 4.7


def test_levels_of_unknown_basis_are_never_chained():
    for series in ("urban_income", "rural_income", "budget_revenue"):
        lv = data.levels(series)
        assert (lv["level_basis"] == "unknown").all() and lv["break_before"].all()


def test_unknown_indicator_lists_valid_ids():
    with pytest.raises(ValueError, match="unknown indicator.*allowed: gdp"):
        data.history("gpd")


def test_notes_copied_for_provenance():
    assert Path(JIANGXI / "history/raw/pingxiang_history_notes.md").exists()
