"""The Frictionless data package describes every data file and validates."""

from __future__ import annotations

from frictionless import Package

from pxanalysis import data

from .conftest import DATA


def test_datapackage_validates():
    report = Package(str(DATA / "datapackage.json")).validate()
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "note"])


def test_every_data_file_is_described():
    described = {r["path"] for r in data.datapackage()["resources"]}
    on_disk = {
        str(p.relative_to(DATA))
        for p in DATA.rglob("*")
        if p.is_file() and p.name not in ("datapackage.json", "README.md")
    }
    assert on_disk == described


def test_every_tabular_field_has_type_and_description():
    for resource in data.datapackage()["resources"]:
        for field in resource.get("schema", {}).get("fields", []):
            assert field.get("type") and field.get("description"), (resource["name"], field)


def test_frictionless_catches_a_broken_row(data_copy):
    path = data_copy / "2024/figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",estimate,", ",guess,", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = Package(str(data_copy / "datapackage.json")).validate()
    assert not report.valid
