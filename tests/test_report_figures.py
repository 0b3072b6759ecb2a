"""The report as data: every figure quoted verbatim, none missed."""

from __future__ import annotations

import pytest

from pxanalysis import data
from pxanalysis.data import provenance

FIGURES = data.report_figures()
TEXT = data.source_text()


@pytest.mark.parametrize("figure_id", FIGURES["figure_id"])
def test_quote_is_verbatim_and_holds_the_value(figure_id):
    row = FIGURES.set_index("figure_id").loc[figure_id]
    assert row["quote"] in TEXT, "quote is not a verbatim substring of the source"
    assert row["value_text"] in provenance.ARABIC.findall(row["quote"])
    assert abs(row["value"]) == float(row["value_text"])


def test_provenance_checker_finds_no_problem():
    assert provenance.figure_problems() == []


def test_provenance_checker_catches_a_bad_quote_and_a_bad_value():
    bad = FIGURES.copy()
    bad.loc[0, "quote"] = "地区生产总值同比增长9.9%左右"
    bad.loc[1, "value"] = 99.0
    problems = provenance.figure_problems(bad)
    assert any(bad.loc[0, "figure_id"] in p and "not in the source" in p for p in problems)
    assert any(bad.loc[1, "figure_id"] in p and "value" in p for p in problems)


def test_every_number_in_the_source_is_captured_or_listed_as_non_figure():
    missing = provenance.uncovered_numbers()
    assert missing == [], "numbers neither captured nor listed:\n" + "\n".join(
        f"{t.text!r} at {t.start}: …{t.context}…" for t in missing
    )


def test_scanner_would_notice_a_dropped_figure():
    dropped = FIGURES[FIGURES["figure_id"] != "c24_idle_land_cleared"]
    missing = provenance.uncovered_numbers(figures=dropped)
    assert [t.text for t in missing] == ["2000"]


def test_non_figure_list_has_no_stale_entry():
    assert provenance.unused_non_figures() == []


def test_repeats_in_the_summary_box_match_the_captured_figure():
    by_id = FIGURES.set_index("figure_id")
    repeats = [e for e in data.non_figures() if e["category"] == "repeat"]
    assert len(repeats) == 13
    for entry in repeats:
        assert by_id.loc[entry["figure_id"], "value_text"] == str(entry["token"])


def test_declines_are_negative():
    by_id = FIGURES.set_index("figure_id")
    assert by_id.loc["r23_energy_intensity", "value"] == -3.4
    assert by_id.loc["t24_energy_intensity", "value"] == -3.5
    assert (FIGURES["value"] < 0).sum() == 2


def test_kinds_are_separated():
    counts = FIGURES["kind"].value_counts().to_dict()
    assert counts["target"] == 9
    assert set(counts) == {"actual", "estimate", "target", "commitment"}
    assert set(FIGURES.loc[FIGURES["kind"].isin(["actual", "estimate"]), "year"]) == {2023}
    assert set(FIGURES.loc[FIGURES["kind"].isin(["target", "commitment"]), "year"]) == {2024}
    # every 预计 figure is an estimate, and no estimate lacks 预计
    has_yuji = FIGURES["qualifier"].fillna("").str.contains("预计")
    assert (has_yuji == (FIGURES["kind"] == "estimate")).all()


def test_nine_targets_with_stable_ids_and_2023_counterparts():
    t = data.targets(2024)
    assert tuple(t.index) == data.target_ids()
    assert t.loc["gdp", "value"] == 5.5
    assert t.loc["gdp", "value_review"] == 3.5 and t.loc["gdp", "kind_review"] == "estimate"
    assert t.loc["budget_revenue", "kind_review"] == "actual"
    assert t.loc["energy_intensity", "direction"] == "decrease"
    assert t.loc[["urban_income", "rural_income"], "value"].tolist() == [4.0, 6.0]
    assert t["value_review"].isna().sum() == 4  # FAI, industrial investment, incomes
    with pytest.raises(ValueError, match="2024"):
        data.targets(2025)


def test_work_plan_structure():
    plan = data.workplan()
    assert plan["area_id"].nunique() == 7
    assert len(plan) == 23
    for row in plan.itertuples():
        assert row.anchor in TEXT
        assert row.area in TEXT
    lost = set(plan.loc[~plan["heading_in_body"], "item"])
    assert lost == {"提升生产性服务业", "优化升级营商环境", "织密扎牢社会保障网"}
    # every lost heading is recovered from the outline at the end of the source
    outline = TEXT[TEXT.index("具体抓好以下几个方面的工作") :]
    assert all(item in outline for item in lost)
    assert set(plan.loc[~plan["in_outline"], "item"]) == {"做大优势企业"}


def test_every_commitment_belongs_to_a_work_plan_item():
    plan = data.workplan().set_index("item_id")
    commitments = data.report_figures("commitment")
    assert len(commitments) == 20
    assert commitments["item_id"].isin(plan.index).all()
    for row in commitments.itertuples():
        assert plan.loc[row.item_id, "item"] in row.section


def test_known_figures_from_the_issue_are_captured():
    by_id = FIGURES.set_index("figure_id")
    assert by_id.loc["c24_major_tech_upgrade_projects", "value"] == 80
    assert by_id.loc["c24_major_tech_upgrade_projects", "qualifier"] == "力争;以上"
    assert by_id.loc["c24_idle_land_cleared", ["value", "unit"]].tolist() == [2000, "亩"]


def test_unknown_kind_is_rejected():
    with pytest.raises(ValueError, match="unknown kind .*allowed: actual"):
        data.report_figures("forecast")
