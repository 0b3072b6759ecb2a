"""Through the year: releases, the nowcast's properties, adding releases, rebuilding only what changed."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pxanalysis import cli, data
from pxanalysis.data import releases
from pxanalysis.engine import comparison, judgement, nowcast, scenarios

IVA = "industrial_value_added"


@pytest.fixture(scope="module")
def annual():
    return judgement.judge(IVA, as_of="2024-08-31")


@settings(max_examples=60, deadline=None)
@given(
    low=st.floats(-20, 30, allow_nan=False),
    step=st.floats(0.01, 10, allow_nan=False),
    month=st.integers(2, 11),
    indicator=st.sampled_from([IVA, "fixed_asset_investment", "retail_sales"]),
)
def test_a_higher_year_to_date_figure_never_lowers_p_meet(annual, low, step, month, indicator):
    a = nowcast.nowcast(annual, low, month, indicator, "2024-08-31")
    b = nowcast.nowcast(annual, low + step, month, indicator, "2024-08-31")
    for target in (-5.0, 0.0, 6.5, 12.0):
        assert b.prob_at_least(target) >= a.prob_at_least(target) - 1e-12


@pytest.mark.parametrize("growth", [3.0, 6.5, 11.2])
def test_at_month_12_the_nowcast_is_the_released_figure(annual, growth):
    n = nowcast.nowcast(annual, growth, 12, IVA, "2024-08-31")
    assert n.quantile(0.1) == n.quantile(0.5) == n.quantile(0.9) == growth
    assert n.prob_at_least(6.5) == (1.0 if growth >= 6.5 else 0.0)


def test_the_band_shrinks_as_the_year_goes_on(annual):
    widths = [nowcast.nowcast(annual, 8.0, m, IVA, "2024-08-31").dist.std() for m in range(2, 13)]
    assert widths == sorted(widths, reverse=True) and widths[-1] == 0


def test_investment_is_back_loaded():
    assert nowcast.share("fixed_asset_investment", 6) < nowcast.share(IVA, 6) == 0.5


def test_only_releases_known_by_as_of_are_used():
    assert nowcast.city_releases(IVA).empty  # the report's date: nothing yet
    known = nowcast.city_releases(IVA, as_of="2024-08-31")
    assert list(known["through_month"]) == [2] and known["growth"].item() == 11.2
    assert nowcast.city_releases(IVA, as_of="2024-04-16").empty  # published 2024-04-17
    jan = comparison.compare_targets(scenarios.Scenario()).set_index("indicator_id")
    aug = comparison.compare_targets(scenarios.Scenario(as_of="2024-08-31")).set_index(
        "indicator_id"
    )
    assert jan.loc[IVA, "ytd_month"] == 0 and aug.loc[IVA, "ytd_month"] == 2
    assert aug.loc[IVA, "p_meet"] > aug.loc[IVA, "p_meet_january"]


def test_the_calibration_uses_real_pairs_and_hits_its_coverage():
    pairs = nowcast.calibration_pairs("2024-08-31")
    assert len(pairs) >= 10 and not pairs["year"].isin([2020, 2021, 2022]).any()
    assert (pairs["geo"] != "pingxiang").all()
    scale, coverage, n = nowcast.calibration_factor("2024-08-31")
    assert n == len(pairs) and 0.25 <= scale <= 4 and abs(coverage - 0.8) <= 0.1


def test_the_path_starts_in_january_and_steps_at_each_release(annual):
    path = nowcast.path(annual, IVA, 6.5, "increase", as_of="2024-08-31", qualifier="左右")
    assert list(path["label"]) == ["January", "1-2"]
    assert path["p_meet"].iloc[1] > path["p_meet"].iloc[0]  # 11.2 % in January-February


# --------------------------------------------------------------------------- adding releases


@pytest.fixture
def releases_copy(data_copy):
    return data_copy / "shared/jiangxi/monthly/releases.csv"


GOOD = dict(indicator=IVA, through_month=7, growth=7.5, published="2024-08-16",
            source="萍乡市统计局", quote="1-7月,全市规模以上工业增加值同比增长7.5%")  # fmt: skip


def test_a_good_release_is_added_and_used(releases_copy):
    before = releases_copy.read_text(encoding="utf-8")
    row = releases.add(**GOOD)
    assert row["release_id"] == "pingxiang.industrial_value_added.2024.m07"
    text = releases_copy.read_text(encoding="utf-8")
    assert text.startswith(before) and text.count("\n") == before.count("\n") + 1
    assert releases.check() == before.count("\n")
    assert list(nowcast.city_releases(IVA, as_of="2024-08-31")["through_month"]) == [2, 7]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"through_month": 13}, "must be 2..12"),
        ({"indicator": "gpd"}, "unknown indicator 'gpd' (did you mean 'gdp'?)"),
        ({"published": "2024-07-20"}, "a release comes after it"),
        ({"quote": "全市工业增长较快"}, "quote does not contain the growth"),
        ({"growth": 175.0, "quote": "增长175%"}, "not a plausible growth"),
    ],
)
def test_a_bad_release_is_refused_and_nothing_written(releases_copy, change, message):
    before = releases_copy.read_bytes()
    with pytest.raises(ValueError, match=re.escape(message)):
        releases.add(**{**GOOD, **change})
    assert releases_copy.read_bytes() == before
    assert not list(releases_copy.parent.glob(".*"))


def test_a_duplicate_release_is_refused(releases_copy):
    releases.add(**GOOD)
    before = releases_copy.read_bytes()
    with pytest.raises(ValueError, match="already in"):
        releases.add(**GOOD)
    assert releases_copy.read_bytes() == before


def test_the_cli_adds_and_checks_with_exit_codes(releases_copy, capsys):
    args = ["ytd", "add", "--indicator", IVA, "--through", "7", "--growth", "7.5",
            "--published", "2024-08-16", "--source", "s", "--quote", "增长7.5%"]  # fmt: skip
    assert cli.main(args) == 0
    assert cli.main(args) == 2 and "already in" in capsys.readouterr().err
    assert cli.main(["ytd", "check"]) == 0
    broken = releases_copy.read_text(encoding="utf-8").replace(",2024,7,7.5,", ",2024,7,9.9,")
    releases_copy.write_text(broken, encoding="utf-8")
    assert cli.main(["ytd", "check"]) == 1
    assert "releases.csv, row" in capsys.readouterr().err


def test_an_added_release_leaves_the_file_with_the_umask_mode(releases_copy):
    # a release used to be written through mkstemp: the file ended 0600 after `ytd add`
    import os
    import stat

    mask = os.umask(0o022)
    try:
        releases_copy.chmod(0o644)
        releases.add(**GOOD)
        mode = stat.S_IMODE(releases_copy.stat().st_mode)
    finally:
        os.umask(mask)
    assert mode == 0o644
    assert not list(releases_copy.parent.glob(".*"))


def test_the_data_package_describes_the_releases():
    fields = {f["name"] for f in data.loaders.resource_schema("monthly_releases")["fields"]}
    assert {"through_month", "growth", "published", "known_from", "quote", "trust"} <= fields
    rows = data.monthly_releases()
    assert (
        rows["known_from"]
        > rows.apply(lambda r: releases.period_end(r.year, r.through_month), axis=1)
    ).all()


def test_a_hypothetical_release_from_the_scenario(annual):
    sc = scenarios.Scenario(ytd={IVA: {"through_month": 6, "growth": 9.0}})
    row = comparison.compare_targets(sc).set_index("indicator_id").loc[IVA]
    assert row["ytd_month"] == 6 and row["ytd_growth"] == 9.0
    assert row["p_meet"] > row["p_meet_january"] and not pd.isna(row["median"])
