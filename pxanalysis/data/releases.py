"""Adding and checking year-to-date releases (``monthly/releases.csv``) without ever half-writing.

``pxanalysis ytd add`` and ``pxanalysis ytd check`` call :func:`add` and
:func:`check`. A release must name a known indicator and geography, cover
months 1..m with m in 2..12 (1-2月 counts as through February), be dated after
its period ends, hold its growth figure in its quote, and not repeat a release
already in the file. A bad row is refused with the reason; the file is
rewritten only whole (a temporary file renamed over it).
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import re
from pathlib import Path

from pxanalysis import paths
from pxanalysis.data import loaders
from pxanalysis.data.report_schema import HISTORY_SERIES
from pxanalysis.data.schema import read_text, validate_rows
from pxanalysis.errors import DataValidationError, ParameterError, check_name

GEOS = loaders.RELEASE_GEOS
TRUST = loaders.TRUST
#: |growth| beyond this (%) is not a year-to-date figure but a typo.
GROWTH_LIMIT = 100.0


def path() -> Path:
    """The releases file of the current data directory (the ``monthly_releases`` resource)."""
    return loaders.data_dir() / _resource()["path"]


def period_end(year: int, month: int) -> dt.date:
    """The last day of month ``month`` of ``year``."""
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def release_id(geo: str, indicator: str, year: int, month: int) -> str:
    return f"{geo}.{indicator}.{year}.m{month:02d}"


def _number_in(text: str, value: float) -> bool:
    text = text.replace("・", ".")  # Japanese copies write 8・8 %
    numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)]
    return any(abs(n - abs(value)) < 1e-9 for n in numbers)


def problems(row: dict) -> list[str]:
    """What is wrong with one release (beyond the schema): empty when it is fine."""
    out = []
    year, month = int(row["year"]), int(row["through_month"])
    if not 2 <= month <= 12:
        out.append(f"through_month {month}: must be 2..12 (1-2月 = 2, 全年 = 12)")
        return out
    end = period_end(year, month)
    known = row["known_from"]
    known = known if isinstance(known, dt.date) else dt.date.fromisoformat(str(known))
    if known <= end:
        out.append(
            f"known_from {known}: the period 1-{month}/{year} ends on {end}; a release comes after it"
        )
    published = row.get("published")
    if published:
        published = (
            published if isinstance(published, dt.date) else dt.date.fromisoformat(str(published))
        )
        if published <= end:
            out.append(f"published {published}: before the period 1-{month}/{year} ends ({end})")
    if not _number_in(str(row["quote"]), float(row["growth"])):
        out.append(
            f"quote does not contain the growth {row['growth']}: copy the sentence that states it"
        )
    expected = release_id(row["geo"], row["indicator"], year, month)
    if row["release_id"] != expected:
        out.append(f"release_id {row['release_id']!r} should be {expected!r}")
    return out


def _resource() -> dict:
    return loaders._resource("monthly_releases", loaders.data_dir())


def check(file: Path | None = None) -> int:
    """Validate a releases file: the schema, then every rule of :func:`problems`.

    Returns
    -------
    int
        The number of releases.

    Raises
    ------
    DataValidationError
        Naming the file, the row and what is wrong.
    """
    file = Path(file) if file is not None else path()
    rows = validate_rows(file, _resource()["schema"])
    for number, row in enumerate(rows, start=1):
        found = problems(row)
        if found:
            raise DataValidationError(file, number, None, "; ".join(found))
    return len(rows)


def add(
    indicator: str,
    through_month: int,
    growth: float,
    published: str,
    source: str,
    quote: str,
    year: int = 2024,
    geo: str = "pingxiang",
    trust: str = "medium",
    level: float | None = None,
    unit: str = "",
    source_ref: str = "",
    note: str = "",
    file: Path | None = None,
) -> dict:
    """Append one release to the file, or refuse it and write nothing.

    Raises
    ------
    ParameterError
        For an unknown indicator or geography, a month outside 2..12, a date not
        after the period, a quote without the figure, or a release already there.
    """
    check_name(indicator, HISTORY_SERIES, "indicator")
    check_name(geo, GEOS, "geo")
    check_name(trust, TRUST, "trust")
    if not source.strip() or not quote.strip():
        raise ParameterError("a release needs --source and --quote (the sentence that states it)")
    try:
        date = dt.date.fromisoformat(published)
    except ValueError:
        raise ParameterError(f"--published {published!r}: not a date (YYYY-MM-DD)") from None
    if abs(growth) > GROWTH_LIMIT:
        raise ParameterError(f"--growth {growth}: beyond +/-{GROWTH_LIMIT:g} %, not a growth rate")
    row = {
        "release_id": release_id(geo, indicator, year, through_month),
        "geo": geo,
        "indicator": indicator,
        "year": year,
        "through_month": through_month,
        "growth": f"{growth:g}",
        "level": "" if level is None else f"{level:g}",
        "unit": unit if level is not None else "",
        "published": date.isoformat(),
        "known_from": date.isoformat(),
        "known_from_basis": "the source's date",
        "source_title": source.strip(),
        "source_ref": source_ref.strip() or "(no address given)",
        "quote": quote.strip(),
        "trust": trust,
        "note": note or "added with pxanalysis ytd add",
    }
    found = problems(row)
    if found:
        raise ParameterError("; ".join(found))
    file = Path(file) if file is not None else path()
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(row), lineterminator="\n")
    writer.writerow(row)
    with paths.locked(file):  # read, check, rewrite: a concurrent `ytd add` waits, reads ours
        text = read_text(file)
        if f"\n{row['release_id']}," in "\n" + text:
            raise ParameterError(
                f"{row['release_id']} is already in {file}: edit the file to correct it"
            )
        new_text = text + ("" if text.endswith("\n") else "\n") + buffer.getvalue()

        def write(tmp: Path) -> None:
            tmp.write_text(new_text, encoding="utf-8", newline="")
            check(tmp)  # the whole file, as it would be

        paths.atomic_write(file, write)  # with the umask's mode, as the file had
    loaders.clear_cache()
    return row
