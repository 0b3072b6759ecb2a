"""The explorer's logic, without a browser (the browser test is tests/browser/)."""

from __future__ import annotations

import pytest
import yaml

from pxanalysis import params
from pxanalysis.briefs import plan
from pxanalysis.engine import scenarios
from pxanalysis.present.explorer import Explorer


@pytest.fixture(scope="module")
def explorer():
    return Explorer(warm=False)


def test_changing_a_control_updates_the_probability(explorer):
    explorer.w_method.value = "combo"
    before = explorer.w_p.value
    explorer.w_method.value = "mean"
    assert explorer.w_p.value != before
    assert "达标概率" in explorer.w_p.value
    assert explorer.w_image.value[:8] == b"\x89PNG\r\n\x1a\n"
    explorer.w_method.value = "combo"


def test_band_changes_the_displayed_interval(explorer):
    explorer.w_band.value = 80
    eighty = explorer.w_p.value
    explorer.w_band.value = 95
    assert "95%" in explorer.w_p.value and explorer.w_p.value != eighty
    explorer.w_band.value = 80


@pytest.mark.parametrize(
    ("typed", "message"), [("abc", "不是数字"), ("80", "超出合理范围"), ("", "假设增速")]
)
def test_bad_assumption_shows_a_message_and_keeps_the_last_chart(explorer, typed, message):
    explorer.w_indicator.value = "fixed_asset_investment"
    explorer.w_use.value = True
    explorer.w_growth.value = "4.2"
    assert explorer.w_message.value == ""
    image, table = explorer.w_image.value, explorer.w_table.value
    explorer.w_growth.value = typed  # must not raise
    assert message in explorer.w_message.value
    assert explorer.w_image.value == image and explorer.w_table.value == table
    explorer.w_growth.value = "4.2"
    assert explorer.w_message.value == ""
    explorer.w_use.value = False
    explorer.w_indicator.value = "gdp"


def test_an_assumption_replaces_the_judgement(explorer):
    explorer.w_indicator.value = "retail_sales"
    assert "等级 C" in explorer.w_p.value  # every target is judged, thin history or not
    explorer.w_use.value = True
    explorer.w_growth.value = "6.5"
    assert "50%" in explorer.w_p.value and "等级 U" in explorer.w_p.value  # N(6.5, sd) vs 6.5
    explorer.w_use.value = False
    explorer.w_indicator.value = "gdp"


def test_a_year_to_date_input_moves_the_fan_and_p_meet(explorer):
    explorer.w_indicator.value = "industrial_value_added"
    before = explorer.w_p.value
    explorer.w_ytd_month.value = 6
    explorer.w_ytd_growth.value = "9.0"  # not yet published on the report's date: refused
    assert "1-6月累计数据" in explorer.w_message.value and explorer.w_p.value == before
    explorer.w_ytd_month.value = 0
    explorer.w_as_of.value = "2024-07-20"
    before = explorer.w_p.value
    explorer.w_ytd_month.value = 6
    high = explorer.w_p.value
    assert high != before and "1-6: 9%" in high and "现时预测" in high
    image = explorer.w_image.value
    explorer.w_ytd_growth.value = "3.0"
    assert explorer.w_image.value != image
    p_high = int(high.split("px-p-meet")[1].split(">")[1].split("%")[0])
    p_low = int(explorer.w_p.value.split("px-p-meet")[1].split(">")[1].split("%")[0])
    assert p_low < p_high
    explorer.w_ytd_month.value = 0
    assert explorer.w_p.value == before
    explorer.w_as_of.value = explorer.report.date
    explorer.w_indicator.value = "gdp"


def test_english_switch(explorer):
    explorer.w_lang.value = "en"
    assert "P(meet target)" in explorer.w_p.value
    assert "GDP" in explorer.w_table.value
    explorer.w_lang.value = "zh"
    assert "地区生产总值" in explorer.w_table.value


def test_saved_scenario_round_trips_into_the_brief(explorer, tmp_path):
    explorer.w_scenario.value = "optimistic"
    explorer.w_method.value = "trend"
    explorer.w_window.value = 8
    explorer.w_q_high.value = 0.8
    explorer.w_indicator.value = "urban_income"
    explorer.w_use.value = True
    explorer.w_sd.value = "1.2"
    explorer.w_growth.value = "5.0"
    path = explorer.save("roundtrip", directory=tmp_path)  # a user file, named by its stem
    assert (
        path is not None
        and "Saved" in explorer.w_message.value
        or "已保存" in explorer.w_message.value
    )
    saved = yaml.safe_load(path.read_text(encoding="utf-8"))
    jobs = plan.plan(params_file=str(path)).jobs  # what `pxanalysis brief --params FILE` does
    assert len(jobs) == 1 and jobs[0].name == "roundtrip"
    resolved = params.resolve_brief(jobs[0].parameters)
    assert resolved["method"] == "trend" and resolved["window"] == 8
    assert resolved["quantile_high"] == 0.8
    assert resolved["assumptions"] == {"urban_income": {"growth": 5.0, "sd": 1.2}}
    assert scenarios.load(path) == explorer.scenario()
    assert saved["scenario"] == "optimistic"


def test_bad_file_name_is_refused(explorer, tmp_path):
    assert explorer.save("../evil", directory=tmp_path) is None
    assert "文件名" in explorer.w_message.value


def test_a_save_that_fails_leaves_no_temporary_file(explorer, tmp_path):
    (tmp_path / "blocked.yaml").mkdir()  # the file cannot be renamed over a folder
    assert explorer.save("blocked", directory=tmp_path, replace=True) is None
    assert "⚠" in explorer.w_message.value
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocked.yaml"]


def test_a_save_looks_and_writes_under_the_folders_lock(explorer, tmp_path):
    """Two savers of one name: the second waits for the first and then refuses, never
    overwriting it (the look and the write are one step under :func:`paths.locked`)."""
    import threading
    import time

    from pxanalysis import paths

    result = {}
    with paths.locked(tmp_path / "shared.yaml"):  # another explorer, mid-save
        saver = threading.Thread(
            target=lambda: result.setdefault(
                "path", explorer.save("shared", directory=tmp_path, replace=False)
            )  # fmt: skip
        )
        saver.start()
        time.sleep(0.5)
        assert saver.is_alive(), "the save did not wait for the lock"
        (tmp_path / "shared.yaml").write_text("scenario: baseline\n", encoding="utf-8")
    saver.join(30)
    assert result["path"] is None and "exists" in explorer.w_message.value
    assert (tmp_path / "shared.yaml").read_text(encoding="utf-8") == "scenario: baseline\n"


def test_the_as_of_control_flows_into_the_saved_file(explorer, tmp_path):
    dates = [d for _, d in explorer.w_as_of.options]
    assert dates[0] == explorer.report.date and dates == sorted(dates)
    assert "2024-04-17" in dates  # the city's 1-2月 release of industrial value added
    explorer.w_as_of.value = "2024-08-20"
    explorer.w_indicator.value = "industrial_value_added"
    explorer.w_ytd_month.value = 7
    explorer.w_ytd_growth.value = "7.5"
    assert explorer.w_message.value == ""
    path = explorer.save("截至八月", directory=tmp_path)
    saved = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert (
        saved["as_of"] == "2024-08-20"
        and saved["ytd"]["industrial_value_added"]["through_month"] == 7
    )
    assert scenarios.load(path).as_of == "2024-08-20"
    explorer.w_as_of.value = explorer.report.date  # now the pair would be refused
    assert "晚于信息截至日" in explorer.w_message.value
    assert explorer.save("一月", directory=tmp_path) is None
    assert not (tmp_path / "一月.yaml").exists()
    explorer.w_ytd_month.value = 0
    explorer.w_indicator.value = "gdp"
    assert explorer.w_message.value == ""


def test_a_gdp_assumption_moves_the_linked_indicators_view(explorer):
    explorer.w_indicator.value = "retail_sales"
    plain_p, plain_image, plain_table = (
        explorer.w_p.value, explorer.w_image.value, explorer.w_table.value
    )  # fmt: skip
    explorer.w_indicator.value = "gdp"
    explorer.w_use.value = True
    explorer.w_growth.value = "8"
    explorer.w_indicator.value = "retail_sales"
    assert "随地区生产总值联动" in explorer.w_p.value and explorer.w_p.value != plain_p
    assert explorer.w_image.value != plain_image and explorer.w_table.value != plain_table
    explorer.w_indicator.value = "gdp"
    explorer.w_use.value = False
    explorer.w_indicator.value = "retail_sales"
    assert explorer.w_p.value == plain_p
    explorer.w_indicator.value = "gdp"


def test_method_names_are_in_the_chosen_language(explorer):
    assert ("近五年均值", "mean") in explorer.w_method.options
    explorer.w_lang.value = "en"
    assert ("mean of the last 5 years", "mean") in explorer.w_method.options
    assert explorer.w_as_of.options[0][0].endswith("(report date)")
    explorer.w_lang.value = "zh"


def test_the_background_thread_shows_computing_then_the_answer(tmp_path, monkeypatch):
    monkeypatch.setenv("PXANALYSIS_CACHE_DIR", str(tmp_path))
    explorer = Explorer()  # the background thread; an empty disk cache
    try:
        assert explorer.wait(120)
        assert "px-p-meet" in explorer.w_p.value and "计算中" not in explorer.w_p.value
        explorer.w_method.value = "arima"
        assert "计算中" in explorer.w_p.value or "px-p-meet" in explorer.w_p.value
        assert explorer.wait(120) and "自回归" in explorer.w_p.value
        assert max(explorer.timings_ms) < 1000  # the handler never computes the slow method
        assert list(tmp_path.glob("explorer/*.json"))  # kept for the next session
        again = Explorer(warm=False)  # a new session: served from the disk cache
        assert again.w_p.value == Explorer(warm=False).w_p.value
    finally:
        explorer.close()


def test_a_view_shown_from_the_cache_is_still_warmed_around(tmp_path, monkeypatch):
    """A second session whose first view comes from the disk cache precomputes the other
    methods' views too (it used to wait idle for a request that never came)."""
    import time

    from pxanalysis.present import explorer as module

    monkeypatch.setenv("PXANALYSIS_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(module, "IDLE_DELAY", 0.0)
    Explorer(warm=False)  # an earlier session: the first view on disk
    again = Explorer()
    try:
        deadline = time.monotonic() + 120
        while len(again._views) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(again._views) >= 3, "the background thread never warmed"
        assert not again.warmed.is_set() or len(again._views) >= len(again.w_method.options)
    finally:
        again.close()
