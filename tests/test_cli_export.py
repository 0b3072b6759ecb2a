"""``pxanalysis project --to`` CSV and Excel exports."""

from __future__ import annotations

import pandas as pd
import pytest

from pxanalysis import cli

from .conftest import ROOT


def test_excel_has_one_sheet_per_table_with_chinese_headers(tmp_path):
    out = tmp_path / "p.xlsx"
    assert (
        cli.main(
            ["project", "--params", str(ROOT / "scenarios/custom_example.yaml"), "--to", str(out)]
        )
        == 0
    )
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets) == ["目标对比", "预测", "GDP回测", "参数"]
    comp = sheets["目标对比"]
    assert {"指标", "2024年目标(%)", "达标概率", "预测中位数(%)"} <= set(comp.columns)
    assert len(comp) == 9


def test_csv_writes_the_comparison_and_its_companions(tmp_path):
    out = tmp_path / "p.csv"
    assert cli.main(["project", "--scenario", "optimistic", "--to", str(out)]) == 0
    comp = pd.read_csv(out, encoding="utf-8-sig")
    assert comp.loc[comp["indicator_id"] == "gdp", "scenario"].item() == "optimistic"
    assert (tmp_path / "p_projections.csv").exists() and (tmp_path / "p_backtest_gdp.csv").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["project", "--scenario", "baseline", "--method", "prophet", "--to", "x.csv"],
        ["project", "--scenario", "custom", "--to", "x.csv"],
        ["project", "--scenario", "baseline", "--to", "x.json"],
    ],
)
def test_bad_input_exits_2_and_writes_nothing(tmp_path, argv, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(argv) == 2
    assert "pxanalysis: error:" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_chinese_headers_name_the_reports_own_year():
    from pxanalysis import data
    from pxanalysis.present import labels

    frame = pd.DataFrame(columns=["implied_level", "parent_target", "target"])
    assert list(labels.zh_columns(frame).columns) == [
        "隐含2024年总量",
        "江西省2024年目标(%)",
        "2024年目标(%)",
    ]
    with data.using("yichun", 2023):
        headers = list(labels.zh_columns(frame).columns)
    assert headers == ["隐含2023年总量", "江西省2023年目标(%)", "2023年目标(%)"]
