"""The ledger, the replay and the track record (issue 18).

The replay and the CLI run on a slice of the real ledger (tests/fixtures/ledger_small,
development years only); the whole ledger runs in `make track-record` and `make bench`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pxanalysis.cli import main
from pxanalysis.data import ledger
from pxanalysis.engine.meet import met
from pxanalysis.errors import DataValidationError
from pxanalysis.track import recalibrate, replay, scores

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "ledger_small"


def test_the_committed_ledger_is_what_the_build_makes_of_the_readings():
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_ledger.py"), "--check"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr


def test_every_ledger_value_is_written_in_its_quote_and_dated():
    frame = ledger.load()
    assert len(frame) >= 400
    assert set(frame["level"]) >= {"national", "province", "prefecture", "county"}
    found = frame[frame["status"] == "found"]
    assert (found["outcome_known"] > found["target_known"]).all()
    for r in frame.itertuples():
        assert r.target_quote, r.row_id
        assert (ROOT / "data" / "ledger" / r.target_file).is_file(), r.target_file
    # silence is recorded as silence, never as a value
    silent = frame[frame["status"] == "silent"]
    assert len(silent) and silent["outcome_value"].isna().all() and silent["met"].isna().all()


def test_a_malformed_ledger_row_names_its_row_and_field(tmp_path):
    frame = pd.read_csv(FIXTURE / "ledger.csv", dtype=str, keep_default_na=False)
    row = frame.index[frame["status"] == "found"][0]
    frame.loc[row, "outcome_known"] = frame.loc[row, "target_known"]
    frame.to_csv(tmp_path / "ledger.csv", index=False)
    with pytest.raises(DataValidationError) as info:
        ledger.load(tmp_path / "ledger.csv")
    assert info.value.field == "outcome_known" and info.value.row == row + 2


def test_met_is_the_event_the_engine_prices():
    assert met(5.3, 5.5, "increase", "左右") == (False, True)
    assert met(5.5, 5.5, "increase", "") == (True, True)
    assert met(3.2, 3.0, "decrease", "左右") == (False, True)  # CPI cap 3% 左右
    assert met(-3.6, -3.0, "decrease", "") == (True, True)  # energy intensity down 3.6 vs 3


def test_the_base_rate_uses_earlier_years_only():
    history = pd.DataFrame({"level": ["province"] * 3, "indicator_id": ["gdp"] * 3,
                            "year": [2014, 2015, 2016], "met": [1.0, 0.0, 0.0]})  # fmt: skip
    rows = pd.DataFrame({"level": ["province", "province"], "indicator_id": ["gdp", "gdp"],
                         "year": [2015, 2014]})  # fmt: skip
    assert scores.base_rate(rows, history).tolist() == [1.0, 0.5]


def test_scores_of_known_forecasts():
    met_ = pd.Series([1, 0, 1, 0])
    assert scores.brier(pd.Series([0.5] * 4), met_) == pytest.approx(0.25)
    assert scores.brier(pd.Series([1.0, 0.0, 1.0, 0.0]), met_) == 0
    assert scores.log_score(pd.Series([0.5] * 4), met_) == pytest.approx(0.6931, abs=1e-4)


@pytest.fixture(scope="module")
def slice_():
    frame = ledger.load(FIXTURE / "ledger.csv")
    outcomes = pd.read_csv(FIXTURE / "outcomes.csv", keep_default_na=False, dtype={"note": str})
    return frame, outcomes


def test_a_replay_sees_only_what_was_known_by_the_reports_date(slice_):
    """Deleting every outcome of 2017 on must not change any judgement of 2017."""
    frame, outcomes = slice_
    whole = replay.replay(frame[frame["year"] <= 2017], outcomes)
    early = frame[frame["year"] <= 2017].copy()
    later = early["year"] >= 2017
    for column in ("outcome_value", "met", "met_about"):
        early.loc[later, column] = float("nan")
    early.loc[later, ["outcome_kind", "outcome_quote", "outcome_file", "outcome_known"]] = ""
    early.loc[later, "status"] = "missing"
    cut = replay.replay(early, outcomes[outcomes["year"] < 2017])
    a = whole[whole["year"] == 2017].set_index("row_id")["p_meet"]
    b = cut[cut["year"] == 2017].set_index("row_id")["p_meet"]
    assert len(a) >= 5 and a.notna().sum() >= 3
    pd.testing.assert_series_equal(a, b)


def test_track_record_on_the_fixture_scores_every_forecast(tmp_path, capsys):
    code = main(["track-record", "--ledger", str(FIXTURE / "ledger.csv"), "--out", str(tmp_path),
                 "--cutoff", "2015", "--methods", "auto,last"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    table = pd.read_csv(tmp_path / "scores.csv", index_col=[0, 1])
    assert set(table.index.get_level_values(0)) == {"development", "evaluation"}
    assert {"engine (calibrated)", "base rate", "last year", "coin"} <= set(
        table.index.get_level_values(1)
    )
    assert table.loc[("evaluation", "coin"), "brier"] == pytest.approx(0.25)
    assert "track record:" in out and "coverage by grade" in out
    reliability = pd.read_csv(tmp_path / "reliability.csv")
    assert reliability["n"].sum() == table.loc[("evaluation", "coin"), "n"]
    assert (tmp_path / "calibration.json").is_file()


def test_track_record_usage_errors_exit_2_before_any_replay(tmp_path, capsys):
    assert main(["track-record", "--methods", "oracle", "--out", str(tmp_path)]) == 2
    assert "oracle" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_a_ledger_without_readings_is_a_clear_error(tmp_path):
    shutil.copy(FIXTURE / "README.md", tmp_path / "README.md")
    with pytest.raises(DataValidationError, match="build_ledger"):
        ledger.load(tmp_path / "ledger.csv")


def test_an_as_of_date_with_no_new_release_says_so(tmp_path, capsys):
    assert main(["project", "--region", "yichun", "--year", "2023", "--as-of", "2023-12-01",
                 "--to", str(tmp_path / "p.csv")]) == 0  # fmt: skip
    assert "no release of yichun 2023 was published" in capsys.readouterr().out
    assert main(["project", "--as-of", "2024-12-01", "--to", str(tmp_path / "q.csv")]) == 0
    assert "no release" not in capsys.readouterr().out


def test_the_brief_numbers_come_through_the_committed_calibration(monkeypatch):
    """A calibration file's map and band factors reach P(meet) and the bands the brief prints."""
    import math

    from pxanalysis import data
    from pxanalysis.engine import comparison

    def table():
        data.clear_cache()
        with data.using("pingxiang", 2024):
            return comparison.compare_targets().set_index("indicator_id")

    monkeypatch.setattr(ledger, "calibration", lambda: None)
    raw = table()
    cal = {"method": "auto", "a": 0.5, "b": 0.5, "adopted": True, "cutoff": 2019,
           "widen": {"A": 2.0, "B": 2.0, "C": 2.0}}  # fmt: skip
    monkeypatch.setattr(ledger, "calibration", lambda: cal)
    mapped = table()
    data.clear_cache()
    gdp_raw, gdp = raw.loc["gdp"], mapped.loc["gdp"]
    q = min(max(gdp_raw["p_meet"], 0.01), 0.99)
    expected = 1 / (1 + math.exp(-(0.5 + 0.5 * math.log(q / (1 - q)))))
    assert gdp["p_meet"] == pytest.approx(expected)
    assert gdp["hi80"] - gdp["median"] == pytest.approx(2 * (gdp_raw["hi80"] - gdp_raw["median"]))


def test_the_shortfall_by_level_is_the_development_median_and_bounded(slice_):
    from pxanalysis.data import registry
    from pxanalysis.engine.evidence import TARGET_SHORTFALL
    from pxanalysis.track import recalibrate

    frame, _ = slice_
    values, counts = recalibrate.shortfall_by_level(frame, cutoff=2017)
    rows = frame[replay.judged(frame) & frame["status"].eq("found") & (frame["year"] <= 2017)
                 & frame["direction"].eq("increase")]  # fmt: skip
    rows = rows[~rows["indicator_id"].map(lambda i: registry.get(i).cap)]
    for level, group in rows.groupby("level"):
        gap = (group["target_value"] - group["outcome_value"]).median()
        if len(group) >= recalibrate.SHORTFALL_MIN_ROWS:
            assert values[level] == pytest.approx(min(max(gap, -1.0), 3.0), abs=1e-3)
    assert values["county"] == TARGET_SHORTFALL and counts["county"] == 0
    assert set(values) == set(ledger.LEVELS)
    # a later year's outcome never moves it (development years only)
    later = frame.copy()
    later.loc[later["year"] > 2017, "outcome_value"] = -50.0
    assert recalibrate.shortfall_by_level(later, cutoff=2017)[0] == values


def test_the_measured_shortfall_reaches_the_target_anchor(monkeypatch):
    """A calibration's shortfall for the region's level moves the 'own target' anchor."""
    from pxanalysis import data
    from pxanalysis.engine import evidence

    cal = {"method": "auto", "a": 0.0, "b": 1.0, "adopted": False, "cutoff": 2019,
           "widen": {}, "shortfall": {"prefecture": 0.25}}  # fmt: skip
    monkeypatch.setattr(ledger, "calibration", lambda: cal)
    with data.using("pingxiang", 2024):
        target = float(data.targets().loc["gdp", "value"])
        anchor = evidence.own_target("gdp")
        assert evidence.target_shortfall()[2] == "derived"
    assert anchor.value == pytest.approx(target - 0.25)
    monkeypatch.setattr(ledger, "calibration", lambda: None)
    with data.using("pingxiang", 2024):
        assert evidence.own_target("gdp").value == pytest.approx(target - evidence.TARGET_SHORTFALL)


def test_a_shortfall_outside_its_bounds_is_refused(tmp_path, monkeypatch):
    import json

    folder = tmp_path / "ledger" / "track_record"
    folder.mkdir(parents=True)
    (folder / "calibration.json").write_text(json.dumps(
        {"method": "auto", "a": 0, "b": 1, "adopted": False, "cutoff": 2019, "widen": {},
         "shortfall": {"county": 9.0}}))  # fmt: skip
    monkeypatch.setattr(ledger, "calibration_path", lambda: folder / "calibration.json")
    with pytest.raises(DataValidationError, match="shortfall"):
        ledger.calibration()


def test_a_gdp_assumption_moves_the_indicators_that_move_with_gdp():
    from pxanalysis import data
    from pxanalysis.data import registry
    from pxanalysis.engine import comparison, scenarios

    with data.using("pingxiang", 2024):
        base = comparison.compare_targets(scenarios.Scenario()).set_index("indicator_id")
        assumed = {"gdp": {"growth": 6.5, "sd": 0.5}, "urban_income": {"growth": 5.0, "sd": 0.5}}
        moved = comparison.compare_targets(
            scenarios.Scenario(name="custom", assumptions=assumed)
        ).set_index("indicator_id")
    change = moved.loc["gdp", "median"] - base.loc["gdp", "median"]
    ratio = registry.loading("retail_sales") / registry.loading("gdp")
    assert moved.loc["retail_sales", "median"] - base.loc["retail_sales", "median"] == (
        pytest.approx(change * ratio, abs=1e-6)
    )
    assert moved.loc["retail_sales", "p_meet"] > base.loc["retail_sales", "p_meet"]
    assert moved.loc["urban_income", "median"] == pytest.approx(5.0)  # its own assumption wins
    assert registry.get("fixed_asset_investment").comoves_with != "gdp" or (
        moved.loc["fixed_asset_investment", "median"]
        != base.loc["fixed_asset_investment", "median"]
    )


def test_the_scenario_page_puts_every_scenario_side_by_side():
    from pxanalysis import data
    from pxanalysis.engine import scenarios
    from pxanalysis.present import sections

    with data.using("pingxiang", 2024):
        ctx = sections.Context(params={}, scenario=scenarios.Scenario(), lang="en", title="t")
        table = sections.scenario_table(ctx, files=[ROOT / "scenarios" / "custom_example.yaml"])
    assert list(table.columns[:3]) == ["indicator", "target", "P(meet), baseline"]
    assert {"Baseline", "Optimistic", "Pessimistic", "Targets met", "custom_example"} <= set(
        table.columns
    )
    gdp = table.set_index("indicator").loc["GDP"]
    assert gdp["Targets met"] == "5.5%"
    assert (
        float(gdp["Optimistic"].rstrip("%"))
        > float(gdp["Baseline"].rstrip("%"))
        > float(gdp["Pessimistic"].rstrip("%"))
    )
    assert "/" in table.set_index("indicator").loc["Retail sales", "custom_example"]


def test_the_brief_says_in_words_what_the_track_record_shows(monkeypatch):
    """Page 1's track-record sentence carries the committed scores, and its verdict follows
    them: no skill claimed unless the engine beat both the base rate and the coin."""
    from pxanalysis.present import sections
    from pxanalysis.track import record

    pub = record.published()
    if pub is None:
        pytest.skip("no committed track record (run `make track-record`)")
    ev = pub.scores.loc["evaluation"]
    text = sections.track_sentence("zh")
    assert f"{ev.loc['engine (calibrated)', 'brier']:.3f}" in text
    assert f"{int(ev.loc['coin', 'n'])}个真实目标" in text
    beaten = ev.loc["engine (calibrated)", "brier"] < min(ev.loc["base rate", "brier"], 0.25)
    assert ("优于两者" in text) == beaten
    scores = pub.scores.copy()
    scores.loc[("evaluation", "engine (calibrated)"), "brier"] = 0.1
    better = record.Published(pub.folder, scores, pub.reliability, pub.replayed, pub.calibration)
    monkeypatch.setattr(record, "published", lambda folder=None: better)
    assert "优于两者" in sections.track_sentence("zh")
    assert "better than both" in sections.track_sentence("en")


def test_a_frozen_calibration_is_scored_once_on_rows_its_run_never_saw(tmp_path, capsys):
    """Amendment 2: the committed calibration, unchanged, scores only the rows added since."""
    frame = pd.read_csv(FIXTURE / "ledger.csv", dtype=str, keep_default_na=False)
    later = frame["region_id"].isin(["beijing", "guangdong"]) & frame["status"].eq("found")
    early = frame.copy()
    early.loc[later, ["outcome_value", "outcome_kind", "outcome_quote", "outcome_file",
                      "outcome_known", "met", "met_about", "check_outcome"]] = ""  # fmt: skip
    early.loc[later, "status"] = "missing"
    (tmp_path / "early").mkdir()
    early.to_csv(tmp_path / "early" / "ledger.csv", index=False)
    shutil.copy(FIXTURE / "outcomes.csv", tmp_path / "early" / "outcomes.csv")
    run = tmp_path / "run"
    assert main(["track-record", "--ledger", str(tmp_path / "early" / "ledger.csv"),
                 "--out", str(run), "--cutoff", "2015", "--methods", "auto,last"]) == 0  # fmt: skip
    calibration = (run / "calibration.json").read_bytes()
    fresh = tmp_path / "fresh"
    argv = ["track-record", "--frozen", "--calibrated", str(run), "--ledger",
            str(FIXTURE / "ledger.csv"), "--out", str(fresh)]  # fmt: skip
    capsys.readouterr()
    assert main(argv) == 0
    out = capsys.readouterr().out
    rows = pd.read_csv(fresh / "replayed.csv")
    seen = pd.read_csv(run / "replayed.csv")
    assert len(rows) and not set(rows["row_id"]) & set(seen["row_id"])
    assert set(rows["row_id"]) <= set(frame.loc[later, "row_id"]) and len(rows) >= 3
    # nothing refitted: the committed map and method, applied as they are
    chosen = recalibrate.Calibration.load(run / "calibration.json")
    assert (run / "calibration.json").read_bytes() == calibration
    assert rows["p_calibrated"].to_numpy() == pytest.approx(chosen.apply(rows["p_meet"]), abs=1e-4)
    table = pd.read_csv(fresh / "scores.csv", index_col=[0, 1])
    assert ("all", "coin") in table.index and table.loc[("all", "coin"), "brier"] == 0.25
    assert "scored once on" in out and "too few to judge" in out
    # scored once: a second run into the same folder is a usage error, nothing rewritten
    before = (fresh / "summary.txt").read_bytes()
    assert main(argv) == 2
    assert "scored once" in capsys.readouterr().err
    assert (fresh / "summary.txt").read_bytes() == before
    # an outcome the run's ledger already held is not fresh, scored by the run or not
    known = rows["row_id"].iloc[0]
    at_run = early[["row_id", "status", "outcome_value"]].copy()
    at_run.loc[at_run["row_id"] == known, "status"] = "found"
    at_run.to_csv(run / "ledger_at_run.csv", index=False)
    assert main([*argv, "--replace"]) == 0
    again = pd.read_csv(fresh / "replayed.csv")
    assert set(again["row_id"]) == set(rows["row_id"]) - {known}


def test_the_track_record_section_reports_the_fresh_score_as_committed(monkeypatch):
    """The brief shows the second test (amendment 2) with its committed numbers."""
    from pxanalysis import data
    from pxanalysis.engine import scenarios
    from pxanalysis.present import plots, sections
    from pxanalysis.track import record

    fresh = record.published_fresh()
    if record.published() is None or fresh is None:
        pytest.skip("no committed track record or fresh score (make track-record-fresh)")
    said = []
    monkeypatch.setattr(sections, "_md", said.append)
    monkeypatch.setattr(sections, "_table", lambda *a, **k: None)
    monkeypatch.setattr(plots, "show", lambda *a, **k: None)
    with data.using("pingxiang", 2024):
        for lang in ("zh", "en"):
            ctx = sections.Context(params={}, scenario=scenarios.Scenario(), lang=lang, title="t")
            sections.track_record(ctx)
    n = int(fresh.loc["coin", "n"])
    brier = f"{fresh.loc['engine (calibrated)', 'brier']:.3f}"
    assert any(f"{n}个真实目标" in t and brier in t for t in said)
    assert any(f"A second test: {n} real targets" in t and brier in t for t in said)
