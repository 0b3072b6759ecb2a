"""Which report the package reads: a region and a year, ``data/<region>/<year>/``.

Every loader of the report's tables (:func:`pxanalysis.data.report_figures`,
:func:`~pxanalysis.data.targets`, …) and everything built on them reads the
*current* report. It is explicit, never a swapped global:

- :func:`using` makes a report current inside a ``with`` block, for this thread
  or task only (a :class:`contextvars.ContextVar`): a brief, a comparison of
  another region, the explorer's background warm-up each set their own;
- :func:`use` sets the session's default (a notebook's first cell; Pingxiang 2024
  until then), read wherever no ``with`` block chose another.

A report is a package of the shape :mod:`pxanalysis.data.report_schema`
defines, hand-made or drafted by ``pxanalysis extract``, in the folder of a
region with a profile (:mod:`pxanalysis.data.regions`). Its :attr:`Report.key`
holds a fingerprint of the data folder, so the engine's caches (keyed on it)
never serve an answer computed from other data.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from pxanalysis import caching, paths
from pxanalysis.data import regions, report_schema
from pxanalysis.errors import ParameterError
from pxanalysis.vocab import REPORT_YEAR


@dataclass(frozen=True)
class Report:
    """One report: where it is, what it says about itself, and its region's profile."""

    region: str
    region_name: str
    year: int
    date: str
    title: str
    source: str
    published: str
    directory: Path
    level: str = "prefecture"
    parent: str | None = None
    region_name_en: str = ""
    fingerprint: str = ""

    @property
    def review_year(self) -> int:
        """The year the report reviews (its outcomes and estimates)."""
        return self.year - 1

    @property
    def as_of(self) -> dt.date:
        """The report's information date: the default ``as_of`` of its projections."""
        return dt.date.fromisoformat(self.date)

    @property
    def key(self) -> tuple[str, int, str]:
        """What the engine's caches are keyed on: region, year and the data's fingerprint."""
        return (self.region, self.year, self.fingerprint)

    @property
    def folder(self) -> str:
        """``<region>-<year>`` (Pingxiang's reports: the year alone), the name of its briefs' folder."""
        return (
            str(self.year) if self.region == paths.DEFAULT_REGION else f"{self.region}-{self.year}"
        )


@caching.memoize(maxsize=8)
def _fingerprint(root: Path, generation: int) -> str:
    """A digest of every data file's path, size and modification time under ``root``."""
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            digest.update(
                f"{os.path.relpath(path, root)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode()
            )
    return digest.hexdigest()[:16]


_GENERATION = [0]


def data_fingerprint() -> str:
    """The fingerprint of the data folder (computed once until :func:`clear_cache`)."""
    return _fingerprint(paths.data_root(), _GENERATION[0])


@caching.memoize(maxsize=256)
def _describe(folder: Path, fingerprint: str) -> Report:
    descriptor = report_schema.read_descriptor(folder)
    r = descriptor["report"]
    profile = regions.get(r["region"])
    return Report(
        region=r["region"],
        region_name=r["region_name"] or (profile.name if profile else r["region"]),
        year=int(r["year"]),
        date=str(r["date"]),
        title=r["title"],
        source=r["source"],
        published=r["published"],
        directory=folder,
        level=profile.level if profile else "prefecture",
        parent=profile.parent if profile else None,
        region_name_en=profile.name_en if profile else r["region"].replace("_", " ").title(),
        fingerprint=fingerprint,
    )


def describe(region: str, year: int) -> Report:
    """The report of ``region`` and ``year``.

    Raises
    ------
    ParameterError
        If there is no such report (names the reports there are and how to add one).
    DataValidationError
        If its descriptor or its region's profile is broken.
    """
    report_schema.check_region(region)
    report_schema.check_year(year)
    folder = paths.report_dir(region, year)
    if not (folder / "datapackage.json").is_file():
        held = ", ".join(f"{r} {y}" for r, y in paths.reports()) or "none"
        raise ParameterError(
            f"no report for region {region!r}, year {year}: {folder}/datapackage.json not "
            f"found (reports held: {held}); draft one with `pxanalysis extract REPORT.txt "
            f"--region {region} --year {year}`"
        )
    report = _describe(folder, data_fingerprint())
    if (report.region, report.year) != (region, year):
        raise ParameterError(
            f"{folder}/datapackage.json describes {report.region} {report.year}, not "
            f"{region} {year}: fix its 'report' property"
        )
    return report


#: The session's default report (set by :func:`use`).
_DEFAULT: list[tuple[str, int]] = [(paths.DEFAULT_REGION, REPORT_YEAR)]
#: The report a ``with using(…)`` block chose, for this thread or task only.
_CONTEXT: contextvars.ContextVar[tuple[str, int] | None] = contextvars.ContextVar(
    "pxanalysis_report", default=None
)


def current() -> Report:
    """The report the package reads here: the innermost :func:`using`, else :func:`use`'s."""
    region, year = _CONTEXT.get() or _DEFAULT[0]
    return describe(region, year)


def use(region: str | None = None, year: int | None = None) -> Report:
    """Make the report of ``region`` and ``year`` the session's default; return it.

    ``None`` keeps the current value (a region alone: its latest report).
    """
    region, year = _resolve(region, year)
    report = describe(region, year)
    _DEFAULT[0] = (region, year)
    return report


def _resolve(region: str | None, year: int | None) -> tuple[str, int]:
    now = _CONTEXT.get() or _DEFAULT[0]
    region = region or now[0]
    if year is None:
        year = paths.latest_year(region)
        if year is None:
            year = now[1]
    return region, year


@contextlib.contextmanager
def using(region: str | Report, year: int | None = None):
    """Read another report inside a ``with`` block (this thread or task only)."""
    if isinstance(region, Report):
        region, year = region.region, region.year
    region, year = _resolve(region, year)
    report = describe(region, year)
    token = _CONTEXT.set((region, year))
    try:
        yield report
    finally:
        _CONTEXT.reset(token)


def clear_cache() -> None:
    """Forget every cached load and computation (one place: :func:`pxanalysis.caching.clear`)."""
    _GENERATION[0] += 1
    caching.clear()
