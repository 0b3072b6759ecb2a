"""Which report the package reads: a region and a year, ``data/<region>/<year>/``.

Every loader of the report's tables (:func:`pxanalysis.data.report_figures`,
:func:`~pxanalysis.data.targets`, …) and everything built on them reads the
*current* report: Pingxiang 2024 unless :func:`use` (or the ``region`` and
``year`` parameters of a notebook) chose another. A report is a package of the
shape :mod:`pxanalysis.data.report_schema` defines, hand-made or drafted by
``pxanalysis extract``.

The history package (``data/pingxiang/datapackage.json``: Pingxiang's series,
Jiangxi's, the Jiangxi city panel, monthly releases, evidence) serves every
region; a region without series of its own is judged from anchors
(:mod:`pxanalysis.engine.evidence`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
from dataclasses import dataclass
from pathlib import Path

from pxanalysis import paths
from pxanalysis.data import report_schema
from pxanalysis.errors import ParameterError
from pxanalysis.vocab import REPORT_YEAR


@dataclass(frozen=True)
class Report:
    """One report: where it is and what it says about itself (``report`` in its descriptor)."""

    region: str
    region_name: str
    year: int
    date: str
    title: str
    source: str
    published: str
    directory: Path

    @property
    def review_year(self) -> int:
        """The year the report reviews (its outcomes and estimates)."""
        return self.year - 1

    @property
    def as_of(self) -> dt.date:
        """The report's information date: the default ``as_of`` of its projections."""
        return dt.date.fromisoformat(self.date)

    @property
    def key(self) -> str:
        """``<region>-<year>`` (Pingxiang's reports: the year alone), the name of its briefs' folder."""
        return (
            str(self.year) if self.region == paths.DEFAULT_REGION else f"{self.region}-{self.year}"
        )


_current: list[tuple[str, int]] = [(paths.DEFAULT_REGION, REPORT_YEAR)]


@functools.lru_cache(maxsize=16)
def _describe(folder: Path) -> Report:
    descriptor = report_schema.read_descriptor(folder)
    r = descriptor["report"]
    return Report(
        region=r["region"],
        region_name=r["region_name"] or r["region"],
        year=int(r["year"]),
        date=str(r["date"]),
        title=r["title"],
        source=r["source"],
        published=r["published"],
        directory=folder,
    )


def describe(region: str, year: int) -> Report:
    """The report of ``region`` and ``year``.

    Raises
    ------
    ParameterError
        If there is no such report (names the reports there are and how to add one).
    DataValidationError
        If its descriptor is broken.
    """
    report_schema.check_region(region)
    report_schema.check_year(year)
    folder = paths.report_dir(region, year)
    if not (folder / "datapackage.json").is_file():
        held = ", ".join(f"{r} {y}" for r, y in paths.reports()) or "none"
        raise ParameterError(
            f"no report for region {region!r}, year {year}: {folder}/datapackage.json not "
            f"found (reports held: {held}); draft one with `pxanalysis extract REPORT.txt "
            f"--region {region} --year {year} --out {folder}`"
        )
    report = _describe(folder)
    if (report.region, report.year) != (region, year):
        raise ParameterError(
            f"{folder}/datapackage.json describes {report.region} {report.year}, not "
            f"{region} {year}: fix its 'report' property"
        )
    return report


def current() -> Report:
    """The report the package reads now (Pingxiang 2024 unless :func:`use` chose another)."""
    region, year = _current[0]
    key = (region, year, os.environ.get("PXANALYSIS_HOME"), os.environ.get("PXANALYSIS_DATA_DIR"))
    if _described.get("key") != key:  # asked for on every label: resolve once per setting
        _described["report"] = describe(region, year)
        _described["key"] = key
    return _described["report"]


_described: dict = {}


def use(region: str | None = None, year: int | None = None) -> Report:
    """Read the report of ``region`` and ``year`` from now on; return it.

    ``None`` keeps the current value (a region alone: its latest report).
    """
    region = region or _current[0][0]
    if year is None:
        year = paths.latest_year(region)
        if year is None:
            year = _current[0][1]
    report = describe(region, year)
    _current[0] = (region, year)
    return report


@contextlib.contextmanager
def using(region: str, year: int):
    """Read another report inside a ``with`` block, then the previous one again."""
    before = _current[0]
    try:
        yield use(region, year)
    finally:
        _current[0] = before


def clear_cache() -> None:
    """Forget the cached descriptors."""
    _describe.cache_clear()
    _described.clear()
