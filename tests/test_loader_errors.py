"""A malformed row makes the loader name the file, the row and the field."""

from __future__ import annotations

import csv

import pytest

from pxanalysis import data
from pxanalysis.errors import DataValidationError


def _edit(path, row_number, field, value):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
        fields = list(rows[0])
    rows[row_number - 1][field] = value
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


CASES = [
    ("pingxiang/2024/figures.csv", "figures", 3, "value", "3,8", "not a number"),
    ("pingxiang/2024/figures.csv", "figures", 5, "unit", "斤两", "not one of"),
    ("pingxiang/2024/figures.csv", "figures", 7, "year", "1977", "below the minimum"),
    ("pingxiang/2024/figures.csv", "figures", 2, "quote", "", "empty, but required"),
    ("pingxiang/2024/figures.csv", "figures", 4, "figure_id", "r23_gdp", "duplicate 'r23_gdp'"),
    ("pingxiang/2024/figures.csv", "figures", 6, "kind", "forecast", "not one of"),
    ("pingxiang/2024/targets.csv", "targets", 2, "target_id", "gdp", "duplicate 'gdp'"),
    (
        "shared/jiangxi/history/observations.csv",
        "history_observations",
        9,
        "value",
        "n/a",
        "not a number",
    ),
    (
        "shared/jiangxi/history/observations.csv",
        "history_observations",
        4,
        "year",
        "2099",
        "above the maximum",
    ),
    (
        "shared/jiangxi/history/observations.csv",
        "history_observations",
        10,
        "quote",
        "",
        "empty, but required",
    ),
    (
        "shared/jiangxi/history/observations.csv",
        "history_observations",
        11,
        "unit",
        "美元",
        "not one of",
    ),
]


@pytest.mark.parametrize(("relpath", "resource", "row", "field", "bad", "problem"), CASES)
def test_malformed_row_names_file_row_and_field(
    data_copy, relpath, resource, row, field, bad, problem
):
    _edit(data_copy / relpath, row, field, bad)
    with pytest.raises(DataValidationError) as info:
        data.load_table(resource)
    err = info.value
    assert err.path == data_copy / relpath
    assert err.row == row
    assert err.field == field
    message = str(err)
    assert relpath.split("/")[-1] in message and f"row {row}" in message and field in message
    assert problem in message


def test_wrong_number_of_cells(data_copy):
    path = data_copy / "pingxiang/2024/workplan.csv"
    with open(path, "a", encoding="utf-8") as f:
        f.write("8.1,8,too,few\n")
    with pytest.raises(DataValidationError, match=r"workplan.csv, row 24 \(line 25\): 4 cells"):
        data.workplan()


def test_target_pointing_at_a_missing_figure(data_copy):
    _edit(data_copy / "pingxiang/2024/targets.csv", 1, "figure_id", "t24_nonexistent")
    with pytest.raises(DataValidationError, match="t24_nonexistent"):
        data.targets()


def test_non_figure_entry_without_its_token(data_copy):
    path = data_copy / "pingxiang/2024/non_figures.yaml"
    text = path.read_text(encoding="utf-8").replace(
        '{token: "10210", context: "“10210”行动计划"', '{token: "10210", context: "行动计划"'
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError, match="does not contain the token"):
        data.non_figures()


def test_loaders_return_copies():
    first = data.report_figures()
    first.loc[0, "value"] = -999
    assert data.report_figures().loc[0, "value"] != -999
