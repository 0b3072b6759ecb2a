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
    sheets = pd.read_excel(out, sheet_name=None, skiprows=[1])  # row 2: the units
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


#: Ids of the engine that must not reach a reader's sheet as values.
ENGLISH_IDS = {"increase", "decrease", "actual", "estimate", "anchored", "assumption", "custom",
               "baseline", "last", "mean", "mean3", "trend", "combo", "auto", "thin_history",
               "latest", "comove", "own", "province", "target", "gdp", "retail_sales"}  # fmt: skip


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    """The custom example exported in Chinese and in English (openpyxl workbooks)."""
    import openpyxl

    folder = tmp_path_factory.mktemp("xlsx")
    books = {}
    for lang in ("zh", "en"):
        out = folder / f"{lang}.xlsx"
        params = str(ROOT / "scenarios/custom_example.yaml")
        assert cli.main(["project", "--params", params, "--lang", lang, "--to", str(out)]) == 0
        books[lang] = openpyxl.load_workbook(out)
    return books


def _column(sheet, header: str) -> list:
    """The header's cells: units row first, then the values."""
    headers = [c.value for c in sheet[1]]
    return list(sheet.iter_rows(min_row=2))[0][headers.index(header)].column_letter


def test_excel_has_number_formats_and_a_units_row(workbooks):
    sheet = workbooks["zh"]["目标对比"]
    p = _column(sheet, "达标概率")
    median = _column(sheet, "预测中位数(%)")
    assert sheet[f"{p}2"].value == "概率" and sheet[f"{median}2"].value == "%"
    assert sheet[f"{p}3"].number_format == "0%" and 0 <= sheet[f"{p}3"].value <= 1
    assert sheet[f"{median}3"].number_format == "0.0"
    assert sheet[f"{_column(sheet, '观测数')}3"].number_format == "0"
    assert sheet.freeze_panes == "A3"  # header and units stay in view
    backtest = workbooks["zh"]["GDP回测"]
    assert backtest[f"{_column(backtest, '80%区间覆盖率')}3"].number_format == "0%"


def test_excel_values_are_chinese_under_chinese_headers(workbooks):
    for sheet in workbooks["zh"].worksheets:  # but the id column, 指标代码, for joining
        code = [c.value for c in sheet[1]].index("指标代码") if sheet.title == "目标对比" else -1
        values = {
            c.value for row in sheet.iter_rows(min_row=3) for c in row if c.column != code + 1
        }
        assert not values & ENGLISH_IDS, (sheet.title, values & ENGLISH_IDS)
    sheet = workbooks["zh"]["目标对比"]
    column = {h: [c.value for c in col[2:]] for h, col in zip([c.value for c in sheet[1]],
              sheet.iter_cols(), strict=True)}  # fmt: skip
    assert set(column["方向"]) == {"不低于目标", "不高于目标"} and set(column["情景"]) == {
        "自定义情景"
    }
    assert "地区生产总值" in column["指标"] and "证据锚定" in column["方法"]
    assert "实际" in column["2023年口径"]


def test_excel_in_english_has_english_headers_and_values(workbooks):
    book = workbooks["en"]
    assert book.sheetnames == ["Comparison", "Projections", "GDP backtest", "Parameters"]
    sheet = book["Comparison"]
    column = {h: [c.value for c in col[2:]] for h, col in zip([c.value for c in sheet[1]],
              sheet.iter_cols(), strict=True)}  # fmt: skip
    assert "GDP" in column["Indicator"] and set(column["Scenario"]) == {"Custom"}
    assert set(column["Direction"]) == {"at least the target", "at most the target"}
    assert sheet[f"{_column(sheet, 'P(meet)')}2"].value == "probability"
    for sheet in book.worksheets:  # headers, units and the columns of ids are English
        headers = [c.value for c in sheet[1]]
        kept = [
            i
            for i, h in enumerate(headers)
            if h
            in (
                "Indicator",
                "Direction",
                "Method",
                "Scenario",
                "Parameter",
                "Flag",
                "Value source",
                "What would change it most",
            )
        ]
        cells = [*sheet[1], *sheet[2]] + [r[i] for r in sheet.iter_rows(min_row=3) for i in kept]
        text = " ".join(str(c.value) for c in cells if c.value is not None)
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in text), (sheet.title, text)
