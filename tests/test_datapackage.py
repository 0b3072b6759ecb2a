"""The Frictionless data packages describe every data file and validate.

Two kinds of package: the shared context packages (``data/shared/*/datapackage.json``)
and one report package per region and year (``data/<region>/<year>/``, the
schema of :mod:`pxanalysis.data.report_schema`).
"""

from __future__ import annotations

import json

import pytest
from frictionless import Package

from pxanalysis import data
from pxanalysis.data import regions, report_schema

from .conftest import DATA_ROOT, ROOT

REPORTS = sorted(p.parent for p in DATA_ROOT.glob("*/[12][0-9][0-9][0-9]/datapackage.json"))
SHARED_PACKAGES = sorted(p.parent for p in (DATA_ROOT / "shared").glob("*/datapackage.json"))


def test_the_report_packages_include_pingxiang_2024_and_the_worked_examples():
    held = {str(p.relative_to(DATA_ROOT)) for p in REPORTS}
    assert {"pingxiang/2024", "yichun/2023", "china/2024"} <= held
    levels = {regions.get(p.parent.name).level for p in REPORTS}
    assert levels >= {"national", "prefecture"}


@pytest.mark.parametrize(
    "package", [*SHARED_PACKAGES, *REPORTS], ids=lambda p: str(p.relative_to(DATA_ROOT))
)
def test_datapackage_validates(package):
    report = Package(str(package / "datapackage.json")).validate()
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "note"])


@pytest.mark.parametrize("package", REPORTS, ids=lambda p: str(p.relative_to(ROOT / "data")))
def test_report_packages_carry_the_library_schema_and_verbatim_quotes(package):
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] in report_schema.FIELDS:
            assert resource["schema"] == report_schema.schema(resource["name"])
    tables = report_schema.validate(package)  # rows, cross-references, quotes in the text
    assert tables["figures"] and tables["targets"]


@pytest.mark.parametrize("package", [*SHARED_PACKAGES, *REPORTS], ids=lambda p: p.name)
def test_every_data_file_is_described(package):
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    described = {r["path"] for r in descriptor["resources"]}
    on_disk = {
        str(p.relative_to(package))
        for p in package.rglob("*")
        if p.is_file() and p.name not in ("datapackage.json", "README.md", "REVIEW.md")
    }
    assert on_disk == described


def test_every_tabular_field_has_type_and_description():
    descriptors = list(data.datapackages().values()) + [
        json.loads((p / "datapackage.json").read_text(encoding="utf-8")) for p in REPORTS
    ]
    for descriptor in descriptors:
        for resource in descriptor["resources"]:
            for field in resource.get("schema", {}).get("fields", []):
                assert field.get("type") and field.get("description"), (resource["name"], field)


def test_frictionless_catches_a_broken_row(data_copy):
    path = data_copy / "pingxiang/2024/figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",estimate,", ",guess,", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = Package(str(data_copy / "pingxiang" / "2024" / "datapackage.json")).validate()
    assert not report.valid
