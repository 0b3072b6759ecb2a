"""Any report, any region: regions and indicators are data; the report context is explicit.

A new region is a folder (a profile and the report packages ``extract`` drafts);
a new indicator is one entry of ``data/registry/indicators.yaml``. Neither needs
code. The report being read is explicit per thread, and every cache follows
the data it was computed from.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading

import pandas as pd
import pytest

from pxanalysis import data
from pxanalysis.data import regions, registry
from pxanalysis.engine import comparison, projection, scenarios

from .conftest import ROOT

FIXTURE_LEDGER = ROOT / "tests" / "fixtures" / "ledger_small"

#: A small report of a region the project has never seen, with a target of an indicator
#: the registry does not hold yet (商品房销售面积) and one it does (GDP).
NEW_REPORT = """政府工作报告
一、2025年工作回顾
预计全年地区生产总值增长5.2%,商品房销售面积增长3.1%。
二、2026年主要预期目标
2026年全市经济社会发展的主要预期目标是:地区生产总值增长5.5%左右,商品房销售面积增长4%左右。
"""

NEW_INDICATOR = """
  - id: housing_sales
    zh: 商品房销售面积
    en: Housing sales (floor area)
    aliases: [商品房销售面积]
    measure: growth
    unit: "%"
    basis: nominal
    comoves_with: gdp
    volatility: 3.0  # test entry: property swings more than output
    loading: 0.6
    bounds: [-60, 80]
"""


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "pxanalysis.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def test_a_region_and_an_indicator_are_added_from_data_alone(data_copy, tmp_path, monkeypatch):
    registry_file = data_copy / "registry/indicators.yaml"
    registry_file.write_text(
        registry_file.read_text(encoding="utf-8") + NEW_INDICATOR, encoding="utf-8"
    )
    text = tmp_path / "report.txt"
    text.write_text(NEW_REPORT, encoding="utf-8")
    env = {**dict(__import__("os").environ), "PXANALYSIS_DATA_DIR": str(data_copy)}
    done = _cli("extract", str(text), "--region", "newtown", "--year", "2026", "--name", "新城市",
                "--name-en", "Newtown", "--level", "prefecture", "--parent", "jiangxi",
                "--date", "2026-02-10", env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (data_copy / "newtown/region.yaml").is_file()
    targets = pd.read_csv(data_copy / "newtown/2026/targets.csv")
    assert list(targets["target_id"]) == ["gdp", "housing_sales"]
    out = tmp_path / "newtown.csv"
    done = _cli("project", "--region", "newtown", "--year", "2026", "--to", str(out), env=env)
    assert done.returncode == 0, done.stderr
    compared = pd.read_csv(out, encoding="utf-8-sig").set_index("indicator_id")
    assert compared.loc["housing_sales", "grade"] == "C"  # anchored: no own history yet
    assert 0 < compared.loc["housing_sales", "p_meet"] < 1
    assert compared.loc["gdp", "parent_target"] == 5.0  # Jiangxi's 2026 target, as the parent's
    # the registry's names and judgements reach the labels and the engine
    monkeypatch.setenv("PXANALYSIS_DATA_DIR", str(data_copy))
    data.clear_cache()
    assert registry.get("housing_sales").en == "Housing sales (floor area)"
    with data.using("newtown", 2026):
        from pxanalysis.present import labels

        assert labels.indicator("housing_sales", "en") == "Housing sales (floor area)"
        assert labels.fill("{parent}") == "江西省" and labels.fill("{self}") == "本市"


def test_a_new_region_without_its_level_and_parent_is_a_usage_error(data_copy, tmp_path):
    text = tmp_path / "report.txt"
    text.write_text(NEW_REPORT, encoding="utf-8")
    env = {**dict(__import__("os").environ), "PXANALYSIS_DATA_DIR": str(data_copy)}
    done = _cli("extract", str(text), "--region", "newtown", "--year", "2026", env=env)
    assert done.returncode == 2 and "--level" in done.stderr and "--parent" in done.stderr
    assert not (data_copy / "newtown").exists()


def test_extract_never_overwrites_a_package_without_replace(data_copy, tmp_path):
    env = {**dict(__import__("os").environ), "PXANALYSIS_DATA_DIR": str(data_copy)}
    text = tmp_path / "report.txt"
    text.write_text(NEW_REPORT.replace("2026", "2023").replace("2025", "2022"), encoding="utf-8")
    reviewed = data_copy / "yichun/2023/figures.csv"
    before = reviewed.read_bytes()
    done = _cli("extract", str(text), "--region", "yichun", "--year", "2023", env=env)
    assert done.returncode == 2 and "--replace" in done.stderr
    assert reviewed.read_bytes() == before
    for out in (data_copy / "pingxiang", data_copy / "shared/jiangxi", data_copy / "registry"):
        done = _cli("extract", str(text), "--region", "yichun", "--year", "2023", "--out",
                    str(out), "--replace", env=env)  # fmt: skip
        assert done.returncode == 2 and "inside the data folder" in done.stderr, out
    assert (data_copy / "shared/jiangxi/datapackage.json").is_file()
    done = _cli("extract", str(text), "--region", "yichun", "--year", "2023", "--replace", env=env)
    assert done.returncode == 0, done.stderr
    assert reviewed.read_bytes() != before
    assert not [p for p in (data_copy / "yichun").iterdir() if p.name.startswith(".")]


def test_an_invalid_draft_leaves_nothing(tmp_path, monkeypatch):
    from pxanalysis.errors import DataValidationError
    from pxanalysis.extract import draft

    result = draft.draft(NEW_REPORT, "newtown", 2026)
    result.figures[0]["quote"] = "这句话不在文中"  # what an extractor bug would do
    out = tmp_path / "newtown" / "2026"
    with pytest.raises(DataValidationError) as info:
        draft.write(result, out)
    assert "figures.csv, row 1" in str(info.value) and "nothing was written" in str(info.value)
    assert not out.exists() and not list(out.parent.iterdir())


def test_the_report_context_belongs_to_its_thread():
    seen = {}

    def other():
        with data.using("yichun", 2023):
            seen["inside"] = data.current().region
            barrier.wait(timeout=10)  # the main thread reads while this one is inside
            barrier.wait(timeout=10)
        seen["after"] = data.current().region

    barrier = threading.Barrier(2)
    worker = threading.Thread(target=other)
    worker.start()
    barrier.wait(timeout=10)
    seen["main"] = data.current().region
    barrier.wait(timeout=10)
    worker.join(timeout=10)
    assert seen == {"inside": "yichun", "main": "pingxiang", "after": "pingxiang"}


def test_a_projection_follows_the_data_after_clear_cache(data_copy):
    before = projection.project("gdp", method="last").iloc[0]
    obs = data_copy / "shared/jiangxi/history/observations.csv"
    frame = pd.read_csv(obs, dtype=str, keep_default_na=False)
    # the 2023 figure comes from the report: change the report's own estimate instead
    figures = data_copy / "pingxiang/2024/figures.csv"
    text = figures.read_text(encoding="utf-8")
    figures.write_text(text.replace("growth,3.5,3.5,%", "growth,2.5,2.5,%", 1), encoding="utf-8")
    assert len(frame)  # the shared package is untouched
    data.clear_cache()
    after = projection.project("gdp", method="last").iloc[0]
    assert after["point"] == pytest.approx(before["point"] - 1.0)
    c = comparison.compare_targets(scenarios.Scenario())
    assert c.set_index("indicator_id").loc["gdp", "value_review"] == 2.5


def test_profiles_are_checked_and_name_the_fix(data_copy):
    profile = data_copy / "yichun/region.yaml"
    profile.write_text("id: yichun\nname: 宜春市\nname_en: Yichun\nlevel: city\nparent: jiangxi\n",
                       encoding="utf-8")  # fmt: skip
    data.clear_cache()
    from pxanalysis.errors import DataValidationError

    with pytest.raises(DataValidationError) as info:
        regions.get("yichun")
    assert "region.yaml" in str(info.value) and "level" in str(info.value)
    with pytest.raises(Exception) as info:
        regions.require("atlantis")
    assert "atlantis" in str(info.value) and "--level" in str(info.value)


def test_a_registry_entry_is_checked_and_names_the_entry(data_copy):
    registry_file = data_copy / "registry/indicators.yaml"
    registry_file.write_text(
        registry_file.read_text(encoding="utf-8") + "\n  - id: bad\n    zh: 坏\n    en: Bad\n"
        "    direction: sideways\n",
        encoding="utf-8",
    )
    data.clear_cache()
    from pxanalysis.errors import DataValidationError

    with pytest.raises(DataValidationError) as info:
        registry.indicators()
    assert "indicators.yaml" in str(info.value) and "direction" in str(info.value)


def test_names_mean_their_indicator_and_shares_are_never_gdp():
    assert registry.canonical("单位国内生产总值能耗") == "energy_intensity"
    assert registry.canonical("服务业对经济增长贡献率") is None
    assert registry.canonical("人均地区生产总值") == "gdp_per_capita"
    assert registry.canonical("经济增长") == "gdp"
    assert registry.canonical("规模以上工业增加值") == "industrial_value_added"
    assert registry.canonical("地区生产总值") == "gdp"


def test_pools_are_peers_of_the_same_level():
    pools = scenarios_pools()
    assert "pingxiang" in pools and "jiangxi" not in pools  # a province is no peer of a city
    assert len(pools) == 11  # Pingxiang and Jiangxi's ten other cities


def scenarios_pools():
    from pxanalysis.engine import series

    return series.panel_series("gdp")


def test_the_league_table_judges_every_region_of_a_year():
    from pxanalysis.briefs import league, plan

    held = plan.held_reports(2026)
    assert {"china", "jiangxi", "sichuan"} <= {r.region for r in held}
    frame = league.league_frame([r for r in held if r.region in ("china", "jiangxi", "sichuan")])
    assert list(frame["region"].unique()) == ["china", "jiangxi", "sichuan"]  # level, then id
    gdp = frame[frame["indicator_id"] == "gdp"].set_index("region")
    assert gdp["p_meet"].between(0, 1).all() and (gdp["lo80"] < gdp["hi80"]).all()
    assert gdp.loc["jiangxi", "qualifier"] == "区间:5-5.5"
    html = league.league_html(frame, 2026)
    assert "5–5.5" in html and "江西省" in html and "<script" not in html
    assert league.target_text(5, "力争;以上") == "5以上"


@pytest.mark.slow
def test_brief_region_all_renders_every_region_and_the_league(tmp_path):
    """``brief --region all --year 2026`` on three regions: their briefs and one league PDF."""
    import shutil

    from .conftest import copy_data

    data = copy_data(tmp_path / "data")
    for folder in data.glob("*/2026"):
        if folder.parent.name not in ("china", "jiangxi", "sichuan"):
            shutil.rmtree(folder)
    env = {**dict(__import__("os").environ), "PXANALYSIS_DATA_DIR": str(data)}
    out = tmp_path / "out"
    done = _cli("brief", "--region", "all", "--year", "2026", "--jobs", "2", "--out", str(out),
                env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    for region in ("china", "jiangxi", "sichuan"):
        assert (out / f"{region}-2026/baseline/brief.pdf").is_file()
    assert (out / "league-2026/league.pdf").stat().st_size > 10_000
    table = pd.read_csv(out / "league-2026/league.csv", encoding="utf-8-sig")
    assert set(table["region"]) == {"china", "jiangxi", "sichuan"}
    done = _cli("brief", "--region", "all", "--year", "1999", "--out", str(out), env=env)
    assert done.returncode == 2 and "no region has a report of 1999" in done.stderr


def test_a_region_held_by_one_report_gets_its_history_from_the_ledger():
    """Anhui ships only its 2026 report; the ledger's outcomes (dated by the reports that
    state them) are its history, so its GDP is judged from its own series, not anchors."""
    history = data.history("gdp", geo="anhui", as_of="2026-02-05")
    assert len(history) >= 5 and history["source"].str.startswith("ledger:").all()
    assert (history["known_from"] <= dt.date(2026, 2, 5)).all()
    table = comparison.compare_targets(scenarios.Scenario(region="anhui", year=2026))
    gdp = table.set_index("indicator_id").loc["gdp"]
    assert gdp["grade"] in ("A", "B") and gdp["method"] != "anchored"


def test_the_ledger_only_fills_gaps_in_what_reports_and_packages_state(data_copy):
    """A figure China's own report states is kept over the ledger's reading of it; a year
    the reports do not state comes from the ledger."""
    file = data_copy / "shared" / "ledger" / "history" / "observations.csv"
    frame = pd.read_csv(file, dtype=str, keep_default_na=False)
    row = frame.index[(frame["geo"] == "china") & (frame["series"] == "gdp")
                      & (frame["year"] == "2024")][0]  # fmt: skip
    frame.loc[row, "value"] = "9.9"  # a different reading of the same figure
    frame.to_csv(file, index=False)
    data.clear_cache()
    history = data.history("gdp", geo="china")
    assert history.loc[2024, "value"] == 5.0 and not history.loc[2024, "source"].startswith(
        "ledger"
    )
    assert history.loc[2015, "source"].startswith("ledger:")  # no report package of 2016


def test_the_replay_never_reads_the_ledgers_own_history_package(tmp_path):
    from pxanalysis.data import ledger
    from pxanalysis.track import replay

    frame = ledger.load(FIXTURE_LEDGER / "ledger.csv")
    outcomes = pd.read_csv(
        FIXTURE_LEDGER / "outcomes.csv", keep_default_na=False, dtype={"note": str}
    )
    replay.write_packages(frame[frame["year"] <= 2012], outcomes, tmp_path / "data")
    shared = {p.name for p in (tmp_path / "data" / "shared").iterdir()}
    assert "jiangxi" in shared and "ledger" not in shared


def test_regions_known_only_from_the_ledger_are_not_pooled_across_levels():
    """A city the ledger alone knows (no profile, no report) is its own history, never a
    peer in the any-level pool of the nation's judgement."""
    from pxanalysis.engine import series

    ledger_only = data.fallback_only_geos()
    assert {"luohe", "zhoukou"} <= ledger_only and "anhui" not in ledger_only
    with data.using("china", 2026):
        pool = series.panel_series("consumer_prices")
    assert len(pool) >= 4 and not set(pool) & ledger_only
