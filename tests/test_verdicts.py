"""Page 1's verdict lines: plain words for each target's P(meet), checked against the table."""

from __future__ import annotations

import pytest

from pxanalysis import data
from pxanalysis.engine import comparison, judgement, scenarios
from pxanalysis.present import labels, sections, tables

#: The scale as the issue states it: 几乎不可能 <10%, 不太可能 10-35%, 难以判断 35-65%,
#: 很可能 65-90%, 几乎肯定 >90% (on the whole percents the table prints).
EXPECTED_WORDS = [
    (0, "几乎不可能", "almost impossible"),
    (9, "几乎不可能", "almost impossible"),
    (10, "不太可能", "unlikely"),
    (34, "不太可能", "unlikely"),
    (35, "难以判断", "hard to call"),
    (50, "难以判断", "hard to call"),
    (65, "难以判断", "hard to call"),
    (66, "很可能", "likely"),
    (90, "很可能", "likely"),
    (91, "几乎肯定", "almost certain"),
    (100, "几乎肯定", "almost certain"),
]


@pytest.mark.parametrize(("shown", "zh", "en"), EXPECTED_WORDS)
def test_the_verdict_scale(shown, zh, en):
    assert labels.verdict(shown / 100, "zh") == zh and labels.verdict(shown / 100, "en") == en


def test_the_scale_is_symmetric_and_read_on_the_printed_percent():
    for shown in range(101):
        low = [s[0] for s in labels.VERDICT_SCALE].index(
            next(s[0] for s in labels.VERDICT_SCALE if shown <= s[0])
        )
        high = [s[0] for s in labels.VERDICT_SCALE].index(
            next(s[0] for s in labels.VERDICT_SCALE if 100 - shown <= s[0])
        )
        assert low + high == len(labels.VERDICT_SCALE) - 1, shown  # p and 1 - p mirror
    assert labels.verdict(0.0949, "zh") == "几乎不可能"  # printed 9%
    assert labels.verdict(0.0951, "zh") == "不太可能"  # printed 10%


@pytest.mark.parametrize(
    ("p", "zh", "en"),
    [
        (0.2, "约五分之一", "about 1 in 5"),
        (0.5, "约一半", "about 1 in 2"),
        (0.25, "约四分之一", "about 1 in 4"),
        (0.66, "约三分之二", "about 2 in 3"),
        (0.9, "约十分之九", "about 9 in 10"),
        (0.12, "约八分之一", "about 1 in 8"),
        (0.03, "不到二十分之一", "under 1 in 20"),
        (0.97, "超过二十分之十九", "over 19 in 20"),
    ],
)
def test_odds_in_words(p, zh, en):
    assert labels.odds(p, "zh") == zh and labels.odds(p, "en") == en


def test_the_scale_is_printed_with_its_steps():
    text = labels.verdict_scale_text("zh")
    for step in ("几乎不可能 <10%", "不太可能 10%-34%", "难以判断 35%-65%", "很可能 66%-90%",
                 "几乎肯定 >90%"):  # fmt: skip
        assert step in text
    assert "almost certain >90%" in labels.verdict_scale_text("en")


def test_the_target_as_the_report_states_it():
    assert labels.target_words("gdp", "zh") == "地区生产总值增长5.5%左右"
    assert labels.target_words("gdp", "en") == "GDP 5.5% or so"
    assert labels.target_words("energy_intensity", "zh") == "万元GDP能耗下降3.5%左右"
    assert labels.target_words("energy_intensity", "en").endswith("down 3.5% or so")
    with data.using("china", 2024):
        assert labels.target_words("new_urban_jobs", "zh") == "城镇新增就业1200万人以上"
        assert (
            labels.target_words("new_urban_jobs", "en")
            == "New urban jobs 12 million people or more"
        )
        assert labels.target_words("consumer_prices", "zh") == "居民消费价格涨幅3%左右"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("region", "year", "scenario"),
                         [("pingxiang", 2024, "baseline"), ("pingxiang", 2024, "optimistic"),
                          ("china", 2024, "baseline"), ("yichun", 2023, "baseline")])  # fmt: skip
def test_verdict_lines_say_what_the_table_says(lang, region, year, scenario):
    with data.using(region, year):
        sc = scenarios.Scenario(name=scenario, region=region, year=year)
        compared = comparison.compare_targets(sc)
        table = tables.comparison_table(sc, lang, compared)
        lines = sections.verdict_lines(compared, lang)
        assert len(lines) == len(table) == len(compared)
        p_column = "达标概率" if lang == "zh" else "P(meet)"
        grade_column = "等级" if lang == "zh" else "Grade"
        for line, (name, row), r in zip(
            lines, table.iterrows(), compared.itertuples(), strict=True
        ):
            assert line.startswith(labels.target_words(r.indicator_id, lang)) and name in line
            shown = row[p_column]  # what the reader sees in the table: "20%", or blank
            if not shown:
                assert labels.flag(r.flag, lang) in line
                continue
            p = int(shown.rstrip("%")) / 100
            word = next(w for top, *words in labels.VERDICT_SCALE if round(p * 100) <= top
                        for w in [words[0 if lang == "zh" else 1]])  # fmt: skip
            assert word in line and labels.odds(r.p_meet, lang) in line
            release = judgement.NEXT_RELEASE.get(r.what_changes, ("(", "("))[lang == "en"]
            assert (labels.fill(release) in line) == (not release.startswith("("))
            assert (
                f"{row[grade_column]}级" if lang == "zh" else f"grade {row[grade_column]}"
            ) in line
