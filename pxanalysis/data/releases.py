"""Adding and checking year-to-date releases (``monthly/releases.csv``) without ever half-writing.

``pxanalysis ytd add`` and ``pxanalysis ytd check`` call :func:`add` and
:func:`check`. A release must name a known indicator and geography, cover
months 1..m with m in 2..12 (1-2月 counts as through February) of a year in
2000..2035, be dated after its period ends and not after today, hold its growth
figure in its quote, have a plausible growth and level
(:func:`pxanalysis.data.bounds.plausible`), agree with the annual figure the
history holds when it covers the whole year (within
:data:`ANNUAL_TOLERANCE`), and not repeat a release already in the file. A bad
row is refused with the reason; the file is rewritten only whole (a temporary
file renamed over it), under one lock (:func:`pxanalysis.paths.locked`), so
that two ``ytd add`` at once both keep their row.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import re
from pathlib import Path

from pxanalysis import paths
from pxanalysis.data import loaders, registry, report_schema
from pxanalysis.data.bounds import plausible
from pxanalysis.data.schema import read_text, validate_rows
from pxanalysis.errors import DataValidationError, ParameterError, check_name
from pxanalysis.vocab import FIRST_YEAR, LAST_YEAR

TRUST = loaders.TRUST
#: Percentage points a release through December may differ from the annual growth the
#: history holds for the same place, indicator and year: the December cumulative figure
#: *is* the annual one, and the later revisions of Chinese annual growth rates (the
#: next year's bulletin, an economic census) move it by less than a point (China's
#: 2019 GDP 6.1 -> 6.0 %, 2020 2.3 -> 2.2 %).
ANNUAL_TOLERANCE = 1.0


def path(writable: bool = False) -> Path:
    """The releases file of the current data directory (the ``monthly_releases`` resource).

    ``writable``: the file to change (an installed package's copy in the user's data
    folder, :func:`pxanalysis.paths.writable_data_root`; never site-packages).
    """
    found = loaders.resource_path("monthly_releases")
    if not writable:
        return found
    relative = found.relative_to(paths.data_root())
    return paths.writable_data_root() / relative


def period_end(year: int, month: int) -> dt.date:
    """The last day of month ``month`` of ``year``."""
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def release_id(geo: str, indicator: str, year: int, month: int) -> str:
    return f"{geo}.{indicator}.{year}.m{month:02d}"


def _number_in(text: str, value: float) -> bool:
    text = text.replace("・", ".")  # Japanese copies write 8・8 %
    numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)]
    return any(abs(n - abs(value)) < 1e-9 for n in numbers)


def annual_growth() -> dict[tuple[str, str, int], list[float]]:
    """The annual growth rates (actual, preferred) the history holds, by (geo, indicator, year)."""
    obs = loaders.history_observations()
    rows = obs[
        (obs["measure"] == "growth")
        & (obs["period"] == "full_year")
        & (obs["kind"] == "actual")
        & obs["preferred"]
    ]
    annual: dict[tuple[str, str, int], list[float]] = {}
    for r in rows.itertuples():
        annual.setdefault((r.geo, r.series, int(r.year)), []).append(float(r.value))
    return annual


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def problems(
    row: dict,
    annual: dict[tuple[str, str, int], list[float]] | None = None,
    today: dt.date | None = None,
) -> list[str]:
    """What is wrong with one release (beyond the schema): empty when it is fine.

    Parameters
    ----------
    row : dict
        A release (the file's columns).
    annual : dict, optional
        :func:`annual_growth`: a release through December must agree with it.
    today : datetime.date, optional
        No release is dated after it (default: today).
    """
    out = []
    year, month = int(row["year"]), int(row["through_month"])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        out.append(f"year {year}: must be {FIRST_YEAR}..{LAST_YEAR}")
        return out
    if not 2 <= month <= 12:
        out.append(f"through_month {month}: must be 2..12 (1-2月 = 2, 全年 = 12)")
        return out
    end = period_end(year, month)
    today = today or dt.date.today()
    known = _date(row["known_from"])
    if known <= end:
        out.append(
            f"known_from {known}: the period 1-{month}/{year} ends on {end}; a release comes after it"
        )
    if known > today:
        out.append(f"known_from {known}: after today ({today}); a release is dated when it is out")
    published = row.get("published")
    if published:
        published = _date(published)
        if published <= end:
            out.append(f"published {published}: before the period 1-{month}/{year} ends ({end})")
        if published > today:
            out.append(f"published {published}: after today ({today}); give the release's date")
    for measure in ("growth", "level"):
        value = row.get(measure)
        if value not in (None, ""):
            problem = plausible(str(row["indicator"]), measure, value)
            if problem:
                out.append(f"{measure}: {problem}")
    whole_year = (annual or {}).get((row["geo"], row["indicator"], year))
    if month == 12 and whole_year and not out:
        nearest = min(whole_year, key=lambda v: abs(v - float(row["growth"])))
        if abs(nearest - float(row["growth"])) > ANNUAL_TOLERANCE:
            out.append(
                f"growth {float(row['growth']):g} through December differs from the annual "
                f"{nearest:g} % the history holds for {row['geo']} {row['indicator']} {year} by "
                f"more than {ANNUAL_TOLERANCE:g} point: the two are the same figure; check both"
            )
    if not _number_in(str(row["quote"]), float(row["growth"])):
        out.append(
            f"quote does not contain the growth {row['growth']}: copy the sentence that states it"
        )
    expected = release_id(row["geo"], row["indicator"], year, month)
    if row["release_id"] != expected:
        out.append(f"release_id {row['release_id']!r} should be {expected!r}")
    return out


def _resource() -> dict:
    return {"path": str(path()), "schema": loaders.resource_schema("monthly_releases")}


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
    annual = annual_growth()
    for number, row in enumerate(rows, start=1):
        found = problems(row, annual)
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
    check_name(indicator, registry.ids(), "indicator")
    report_schema.check_region(geo)
    check_name(trust, TRUST, "trust")
    if not source.strip() or not quote.strip():
        raise ParameterError("a release needs --source and --quote (the sentence that states it)")
    try:
        date = dt.date.fromisoformat(published)
    except ValueError:
        raise ParameterError(f"--published {published!r}: not a date (YYYY-MM-DD)") from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ParameterError(f"--year {year}: give the release's year, {FIRST_YEAR}..{LAST_YEAR}")
    for name, value in (("growth", growth), ("level", level)):
        problem = None if value is None else plausible(indicator, name, value)
        if problem:
            raise ParameterError(f"--{name} {value:g}: {problem}")
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
    found = problems(row, annual_growth())
    if found:
        raise ParameterError("; ".join(found))
    file = Path(file) if file is not None else path(writable=True)
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
