"""Scenario file names in any script (稳增长), kept safe: the explorer's save, --scenario all."""

from __future__ import annotations

import unicodedata

import pytest

from pxanalysis import params
from pxanalysis.briefs import plan
from pxanalysis.errors import ParameterError

NFD = unicodedata.normalize("NFD", "é") + "t" + unicodedata.normalize("NFD", "é")


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("稳增长", "稳增长"),
        ("my_scenario", "my_scenario"),
        ("情景-2024_乐观a", "情景-2024_乐观a"),
        ("２０２４稳增长", "２０２４稳增长"),  # full-width digits are digits
        (NFD, "été"),  # NFC-normalised
        ("长" * params.SCENARIO_NAME_MAX, "长" * params.SCENARIO_NAME_MAX),
    ],
)
def test_a_scenario_name_in_any_script_is_kept_nfc(typed, kept):
    assert params.scenario_name(typed) == kept
    assert unicodedata.is_normalized("NFC", params.scenario_name(typed))


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "../evil",
        "稳/增长",
        "稳\\增长",
        "稳／增长",  # full-width solidus
        ".hidden",
        "稳增长.yaml",
        "-rf",
        "_x",
        "稳 增长",
        "稳\u3000增长",  # ideographic space
        "稳\u202e增长",  # right-to-left override
        "稳\u200b增长",  # zero-width space
        "稳\x00增长",
        "稳\n增长",
        "长" * (params.SCENARIO_NAME_MAX + 1),
    ],
)
def test_an_unsafe_scenario_name_is_refused(typed):
    with pytest.raises(ParameterError, match="scenario file name"):
        params.scenario_name(typed)


def test_the_explorer_saves_a_chinese_name_and_the_brief_takes_it(tmp_path):
    from pxanalysis.present.explorer import Explorer

    explorer = Explorer(warm=False)
    path = explorer.save("稳增长", directory=tmp_path)
    assert path == tmp_path / "稳增长.yaml" and path.is_file()
    (job,) = plan.plan(params_file=str(path)).jobs
    assert job.name == "稳增长"
    assert explorer.save("../稳增长", directory=tmp_path) is None
    assert "file name" in explorer.w_message.value
    assert sorted(p.name for p in tmp_path.iterdir()) == ["稳增长.yaml"]


def test_scenario_all_picks_up_a_chinese_file_under_a_safe_folder(tmp_path, monkeypatch):
    user = tmp_path / "scenarios"
    user.mkdir()
    body = "scenario: baseline\nmethod: mean\n"
    for name in ("稳增长", NFD, "été", ".hidden", "稳\u202e增长"):
        (user / f"{name}.yaml").write_text(body, encoding="utf-8")
    monkeypatch.setenv("PXANALYSIS_SCENARIO_DIR", str(user))
    planned = plan.plan("all")
    names = [job.name for job in planned.jobs]
    assert "稳增长" in names and names.count("été") == 1
    assert all(params.scenario_name(n) == n for n in names)  # every folder name is safe
    problems = " ".join(planned.skipped)
    assert ".hidden.yaml" in problems and "U+202E" in problems and "same folder" in problems
    assert len(planned.skipped) == 3
