"""The current report and the historical series, as DataFrames.

The report's tables (figures, targets, work plan, text) come from the current
report's package, ``data/<region>/<year>/datapackage.json`` (see
:mod:`pxanalysis.data.reports`; Pingxiang 2024 by default). The history comes
from two kinds of source, merged row by row:

- the **shared packages** ``data/shared/*/datapackage.json``: observations of any
  region (``geo``), a city panel, monthly releases, target-outcome evidence
  (Pingxiang's history, Jiangxi's series and city panel …); a region uses the rows
  whose ``geo`` is its id;
- the **region's own reports**: each report states last year's outcomes (actual
  or 预计) and this year's targets; consecutive reports make a dated series, each
  row known from its report's date (:func:`report_observations`).

Every loader validates its file against its package's schema (see
:mod:`pxanalysis.data.schema`) and caches the result; callers get copies.
The data folder is :func:`pxanalysis.paths.data_root`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd

from pxanalysis import caching, paths
from pxanalysis.data import regions, registry, report_schema, reports
from pxanalysis.data.schema import read_text, validate_rows
from pxanalysis.errors import DataError, DataValidationError, ParameterError, check_name
from pxanalysis.safe_yaml import load_yaml
from pxanalysis.vocab import FIGURE_KINDS

#: Tables of a report package (the rest live in the history package).
REPORT_TABLES = ("figures", "targets", "workplan")


def data_dir() -> Path:
    """Return the data folder (see :func:`pxanalysis.paths.data_root`)."""
    return paths.data_root()


def shared_dirs() -> tuple[Path, ...]:
    """The shared context packages (see :func:`pxanalysis.paths.shared_dirs`)."""
    return paths.shared_dirs()


def _check_descriptor(path: Path, descriptor) -> dict:
    """Return ``descriptor`` if it has what the loaders read; raise naming the missing key.

    Every resource needs ``name`` and ``path``; a resource with a ``schema`` needs
    ``schema.fields``, each field a ``name``.

    Raises
    ------
    DataValidationError
        Naming ``datapackage.json``, the resource and the key.
    """

    def problem(field: str, what: str) -> DataValidationError:
        return DataValidationError(
            path, None, field, f"{what} (see the Frictionless data package spec)"
        )

    if not isinstance(descriptor, dict):
        raise problem(None, "not a data package descriptor (expected a JSON object)")
    resources = descriptor.get("resources")
    if not isinstance(resources, list):
        raise problem("resources", "missing, or not a list of resources")
    for i, resource in enumerate(resources):
        where = f"resources[{i}]"
        if not isinstance(resource, dict):
            raise problem(where, "not an object")
        for key in ("name", "path"):
            if not isinstance(resource.get(key), str):
                raise problem(f"{where}.{key}", "missing, or not a string")
        where = f"{where} ({resource['name']}).schema"
        if "schema" not in resource:
            continue
        fields = resource["schema"].get("fields") if isinstance(resource["schema"], dict) else None
        if not isinstance(fields, list):
            raise problem(f"{where}.fields", "missing, or not a list of fields")
        for j, spec in enumerate(fields):
            if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
                raise problem(f"{where}.fields[{j}].name", "missing, or not a string")
    return descriptor


@caching.memoize(maxsize=64)
def _datapackage(directory: Path) -> dict:
    path = directory / "datapackage.json"
    if not path.exists():
        raise DataError(
            f"{path} not found: a shared package needs its datapackage.json (see data/shared/)"
        )
    try:
        with open(path, encoding="utf-8") as f:
            return _check_descriptor(path, json.load(f))
    except UnicodeDecodeError as exc:
        raise DataValidationError(
            path, None, None, f"not UTF-8 (byte {exc.start}): save the file as UTF-8"
        ) from None
    except json.JSONDecodeError as exc:
        raise DataValidationError(
            path, None, None, f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None


def datapackages() -> dict[Path, dict]:
    """The descriptor of every shared package, by folder (copies)."""
    return {d: json.loads(json.dumps(_datapackage(d))) for d in shared_dirs()}


def _resource(name: str, directory: Path) -> dict:
    """The resource ``name`` of the shared package in ``directory`` (not a copy)."""
    return report_schema.resource(_datapackage(directory), name, directory)


def _has(name: str, directory: Path) -> bool:
    return any(r.get("name") == name for r in _datapackage(directory)["resources"])


def resource_path(name: str) -> Path:
    """The file of resource ``name`` in the first shared package that holds it.

    Raises
    ------
    DataError
        If no shared package holds it.
    """
    for directory in shared_dirs():
        if _has(name, directory):
            return directory / _resource(name, directory)["path"]
    raise DataError(f"no shared package under {data_dir() / 'shared'} holds a {name!r} resource")


def resource_schema(name: str) -> dict:
    """The Table Schema of resource ``name`` (from the first shared package that holds it)."""
    for directory in shared_dirs():
        if _has(name, directory):
            return _resource(name, directory)["schema"]
    raise DataError(f"no shared package under {data_dir() / 'shared'} holds a {name!r} resource")


@caching.memoize(maxsize=256)
def _report_descriptor(directory: Path) -> dict:
    """A report package's descriptor (:func:`report_schema.read_descriptor`), read once."""
    return report_schema.read_descriptor(directory)


@caching.memoize(maxsize=1024)
def _table(name: str, directory: Path) -> pd.DataFrame:
    if name in REPORT_TABLES:
        resource = report_schema.resource(_report_descriptor(directory), name, directory)
        # the library's schema, always (the tests keep the descriptors' copies equal to it)
        resource = resource | {"schema": report_schema.schema(name)}
    else:
        resource = _resource(name, directory)
    path = directory / resource["path"]
    if "schema" not in resource:
        raise DataValidationError(
            directory / "datapackage.json", None, "schema", f"resource {name!r} has no schema"
        )
    rows = validate_rows(path, resource["schema"])
    columns = [f["name"] for f in resource["schema"]["fields"]]
    frame = pd.DataFrame.from_records(rows, columns=columns)
    for spec in resource["schema"]["fields"]:
        if spec.get("type") == "integer" and frame[spec["name"]].notna().all():
            frame[spec["name"]] = frame[spec["name"]].astype("int64")
        elif spec.get("type") == "number":
            frame[spec["name"]] = frame[spec["name"]].astype("float64")
    frame.attrs["path"] = str(path)
    return frame


def load_table(name: str) -> pd.DataFrame:
    """Load and validate one tabular resource of the data package.

    Parameters
    ----------
    name : str
        Resource name in ``datapackage.json`` (``figures``, ``targets``,
        ``workplan``, ``history_observations``, ...).

    Returns
    -------
    pandas.DataFrame
        A copy of the validated table.

    Raises
    ------
    DataValidationError
        If a row does not match the schema (names the file, row and field).
    """
    if name in REPORT_TABLES:
        return _table(name, reports.current().directory).copy()
    return _shared(name, data_fingerprint()).copy()


def table_of(name: str, directory: Path) -> pd.DataFrame:
    """Resource ``name`` of the shared package in ``directory`` (validated; a copy)."""
    return _table(name, directory).copy()


def data_fingerprint() -> str:
    """The fingerprint of the data folder (what the caches of derived tables are keyed on)."""
    return reports.data_fingerprint()


def is_fallback(directory: Path) -> bool:
    """True for a shared package whose rows only fill gaps (``"pxanalysis": {"fallback":
    true}`` in its descriptor: the ledger's outcomes): a figure any other source states for
    the same region, indicator, year and kind is taken from that source instead."""
    extra = _datapackage(directory).get("pxanalysis")
    return isinstance(extra, dict) and extra.get("fallback") is True


@caching.memoize(maxsize=16)
def _shared(name: str, fingerprint: str) -> pd.DataFrame:
    """Resource ``name`` of every shared package that holds it, one below the other
    (the fallback packages left out: :func:`_fallback_rows`)."""
    frames = [_table(name, d) for d in shared_dirs() if _has(name, d) and not is_fallback(d)]
    if not frames:
        raise DataError(
            f"no shared package under {data_dir() / 'shared'} holds a {name!r} resource"
        )
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].copy()
    frame.attrs["path"] = frames[0].attrs["path"]
    return frame


@caching.memoize(maxsize=16)
def _source_text(directory: Path) -> str:
    descriptor = _report_descriptor(directory)
    return read_text(
        directory / report_schema.resource(descriptor, "report_text", directory)["path"]
    )


def source_text() -> str:
    """Return the verbatim text of the current report.

    Returns
    -------
    str
        The source, page-break artefacts included (for Pingxiang 2024 see
        ``data/pingxiang/2024/README.md``).
    """
    return _source_text(reports.current().directory)


def report_figures(kind: str | None = None) -> pd.DataFrame:
    """Return every figure of the report, one row per figure.

    Parameters
    ----------
    kind : {'actual', 'estimate', 'target', 'commitment'}, optional
        Keep only one kind.

    Returns
    -------
    pandas.DataFrame
        Columns ``figure_id, section, item_id, indicator, indicator_en, year,
        kind, measure, value, value_text, unit, qualifier, period, quote, note``.
        ``value`` is signed: a decline written 下降3.4% is ``-3.4``.
    """
    frame = load_table("figures")
    if kind is not None:
        check_name(kind, FIGURE_KINDS, "kind")
        frame = frame[frame["kind"] == kind].reset_index(drop=True)
    return frame


def workplan() -> pd.DataFrame:
    """Return the areas of work of the current report and their sub-items.

    Returns
    -------
    pandas.DataFrame
        One row per sub-item, with ``heading_in_body`` false where the heading
        was lost at a page break and recovered from the outline.
    """
    return load_table("workplan")


def targets(year: int | None = None) -> pd.DataFrame:
    """Return the current report's main expected targets, indexed by their ids.

    Parameters
    ----------
    year : int, optional
        Target year: the current report's (the only one it holds).

    Returns
    -------
    pandas.DataFrame
        Index ``target_id`` (canonical ids such as ``gdp``, or the Chinese name of a
        target without one); columns ``indicator, indicator_en, year, value, unit,
        qualifier, direction, quote, figure_id, history_series`` and the review
        year's counterpart ``value_review, kind_review, quote_review,
        figure_id_review`` (NaN where the report gives none).
    """
    report = reports.current()
    if year is not None:
        check_name(year, (report.year,), "target year")
    return _targets(report.directory).copy()


def target_ids() -> tuple[str, ...]:
    """The current report's target ids, in its order (Pingxiang 2024: the nine)."""
    return tuple(_targets(reports.current().directory).index)


@caching.memoize(maxsize=512)
def _targets(directory: Path) -> pd.DataFrame:
    spec = _table("targets", directory)
    figures = _table("figures", directory).set_index("figure_id")
    missing = sorted(set(spec["figure_id"]) - set(figures.index))
    missing += sorted(set(spec["counterpart_figure_id"].dropna()) - set(figures.index))
    if missing:
        raise DataValidationError(
            Path(spec.attrs["path"]), None, "figure_id", f"ids not in figures.csv: {missing}"
        )
    out = spec.join(
        figures[
            ["indicator", "indicator_en", "year", "value", "unit", "measure", "qualifier", "quote"]
        ],
        on="figure_id",
    )
    before = figures[["value", "kind", "quote"]].add_suffix("_review")
    out = out.join(before, on="counterpart_figure_id")
    out = out.rename(columns={"counterpart_figure_id": "figure_id_review"})
    out = out.sort_values("order").set_index("target_id")
    columns = [
        "indicator",
        "indicator_en",
        "year",
        "value",
        "unit",
        "measure",
        "qualifier",
        "direction",
        "quote",
        "figure_id",
        "history_series",
        "value_review",
        "kind_review",
        "quote_review",
        "figure_id_review",
    ]
    return out[columns]


def history_observations(as_of: str | dt.date | None = None, geos=None) -> pd.DataFrame:
    """Every historical row found: the shared packages' and the regions' own reports'.

    Parameters
    ----------
    as_of : date or 'YYYY-MM-DD', optional
        Only the rows known on that date, the best known then preferred
        (:func:`known_by`); default: all.
    geos : iterable of str, optional
        Whose own reports to read (:func:`report_observations`); default: the current
        report's region and the regions above it. The shared packages' rows of
        every region always come.

    Returns
    -------
    pandas.DataFrame
        See the ``history_observations`` schema in the shared packages' ``datapackage.json``.
    """
    geos = _report_geos() if geos is None else tuple(sorted(set(geos)))
    return _observations(data_fingerprint(), geos, _as_date(as_of)).copy()


def _report_geos() -> tuple[str, ...]:
    """The current region and its ancestors: whose reports' rows a judgement reads."""
    report = reports.current()
    return tuple(sorted({report.region, *(r.id for r in regions.ancestors(report.region))}))


#: What makes two history rows the same figure (one kept: see :func:`_observations`).
FIGURE_KEYS = ["geo", "series", "year", "measure", "period", "kind", "basis"]


@caching.memoize(maxsize=16)
def _fallback_rows(fingerprint: str) -> pd.DataFrame:
    """The ``history_observations`` of the fallback shared packages (:func:`is_fallback`)."""
    frames = [_table("history_observations", d) for d in shared_dirs()
              if is_fallback(d) and _has("history_observations", d)]  # fmt: skip
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


@caching.memoize(maxsize=128)
def _observations(fingerprint: str, geos: tuple[str, ...], as_of) -> pd.DataFrame:
    frames = [_shared("history_observations", fingerprint)]
    frames += [_report_rows(geo, fingerprint) for geo in geos]
    frames = [f for f in frames if len(f)]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].copy()
    frame.attrs["path"] = frames[0].attrs.get("path", "")
    frame = frame if as_of is None else known_by(frame, as_of)
    return _with_fallback(frame, _fallback_rows(fingerprint), as_of)


def _with_fallback(frame: pd.DataFrame, extra: pd.DataFrame, as_of) -> pd.DataFrame:
    """``frame`` with the fallback rows ``extra`` that fill a gap in it.

    The ledger's outcome of a year fills a gap only: a figure the region's own report or
    another package states (and that is known by ``as_of``) is kept instead.
    """
    if not len(extra):
        return frame
    extra = extra if as_of is None else known_by(extra, as_of)
    extra = extra[extra["preferred"]]
    held = set(frame.loc[frame["preferred"], FIGURE_KEYS].itertuples(index=False, name=None))
    gap = [key not in held for key in extra[FIGURE_KEYS].itertuples(index=False, name=None)]
    extra = extra[gap]
    if not len(extra):
        return frame
    path = frame.attrs.get("path", "")
    frame = pd.concat([frame, extra], ignore_index=True) if len(frame) else extra.copy()
    frame.attrs["path"] = path
    return frame


@caching.memoize(maxsize=16)
def _by_geo(fingerprint: str, fallback: bool) -> dict[str, pd.DataFrame]:
    """The shared packages' observations (or the fallback packages') split by ``geo``."""
    frame = (
        _fallback_rows(fingerprint) if fallback else _shared("history_observations", fingerprint)
    )
    if not len(frame):
        return {}
    path = frame.attrs.get("path", "")
    out = {}
    for geo, rows in frame.groupby("geo", sort=False):
        rows = rows.reset_index(drop=True)
        rows.attrs["path"] = path
        out[geo] = rows
    return out


@caching.memoize(maxsize=2048)
def _geo_observations(fingerprint: str, geo: str, as_of) -> pd.DataFrame:
    """:func:`_observations` of one geography: its shared rows, its own reports' rows and
    the fallback rows that fill a gap (the same rows, filtered first: one region's history
    never needs another region's rows, so a pool of many regions stays fast)."""
    own = _report_rows(geo, fingerprint)
    shared = _by_geo(fingerprint, False).get(geo)
    frames = [f for f in (shared, own) if f is not None and len(f)]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else (frames or [own])[0].copy()
    frame.attrs["path"] = shared.attrs.get("path", "") if shared is not None else ""
    frame = frame if as_of is None else known_by(frame, as_of)
    extra = _by_geo(fingerprint, True).get(geo)
    return frame if extra is None else _with_fallback(frame, extra, as_of)


#: Trust of a figure read from a region's own government work report: the government's
#: own statement (an estimate 预计 is kept as ``kind = estimate``).
REPORT_TRUST = "high"
#: The kinds of figure of a report that become history rows.
REPORT_KINDS = ("actual", "estimate", "target")


def report_observations(region: str) -> pd.DataFrame:
    """A region's history from its own reports, one row per growth figure, dated.

    Each report of year ``t`` states the outcomes (actual) or estimates (预计) of
    ``t - 1`` and the targets of ``t``; every figure in % of an indicator of the
    registry becomes a row of the observations table, ``known_from`` the report's
    date, quoted verbatim. Consecutive reports make a series.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`history_observations` (empty if the region has no report).
    """
    return _report_rows(region, data_fingerprint()).copy()


@caching.memoize(maxsize=512)
def _report_rows(region: str, fingerprint: str) -> pd.DataFrame:
    columns = [f["name"] for f in resource_schema("history_observations")["fields"]]
    rows = []
    for held, year in paths.reports():
        if held != region:
            continue
        report = reports.describe(region, year)
        figures = _table("figures", report.directory)
        targets = _targets(report.directory)
        target_ids = {row.figure_id: tid for tid, row in targets.iterrows()}
        counterparts = set(targets["figure_id_review"].dropna())
        label = f"{report.region_name}{report.year}年政府工作报告"
        taken: set[tuple] = set()
        # a report may state a figure twice (a summary, a ten-year average): the target's
        # counterpart first, then the first mention, one row per series, year and kind
        ordered = sorted(figures.itertuples(index=False),
                         key=lambda f: (f.figure_id not in counterparts and f.figure_id not in target_ids))  # fmt: skip
        for f in ordered:
            if f.kind not in REPORT_KINDS or f.unit != "%" or f.period != "full_year":
                continue
            if f.measure not in ("growth", "share"):
                continue
            series = target_ids.get(f.figure_id)
            if registry.get(series or "") is None:
                series = registry.canonical(f.indicator)
            entry = registry.get(series or "")
            if entry is None or (f.measure == "share" and entry.measure != "rate"):
                continue
            if (series, int(f.year), f.kind) in taken:
                continue
            taken.add((series, int(f.year), f.kind))
            rows.append(
                {
                    "obs_id": f"{region}.report{year}.{f.figure_id}",
                    "geo": region,
                    "series": series,
                    "indicator": f.indicator,
                    "year": int(f.year),
                    "measure": "growth",
                    "kind": f.kind,
                    "basis": entry.basis,
                    "value": float(f.value),
                    "unit": "%",
                    "period": "full_year",
                    "trust": REPORT_TRUST,
                    "published": _date_or_none(report.published),
                    "known_from": report.as_of,
                    "known_from_basis": "the report's date",
                    "preferred": True,
                    "level_basis": None,
                    "break_before": False,
                    "derived_from": None,
                    "source_title": label,
                    "source_ref": f"data/{region}/{year}/figures.csv:{f.figure_id}",
                    "quote": f.quote,
                    "note": f.qualifier if isinstance(f.qualifier, str) else None,
                }
            )
    frame = pd.DataFrame(rows, columns=columns)
    frame["year"] = frame["year"].astype("int64")
    frame["value"] = frame["value"].astype("float64")
    frame["preferred"] = frame["preferred"].astype(bool)
    frame["break_before"] = frame["break_before"].astype(bool)
    return _prefer_latest(frame)


def _prefer_latest(frame: pd.DataFrame) -> pd.DataFrame:
    """Where several reports state the same figure, the latest report's row is preferred."""
    if frame.empty:
        return frame
    keys = ["geo", "series", "year", "measure", "period", "kind", "basis"]
    latest = frame.groupby(keys)["known_from"].transform("max")
    frame["preferred"] = frame["known_from"] == latest
    return frame


def _date_or_none(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        return None


def _check_series(indicator_id: str) -> None:
    check_name(indicator_id, registry.ids(), "indicator")


_TRUST_RANK = {"high": 3, "medium-high": 2, "medium": 1, "low": 0}
#: Columns of :func:`history` and of :func:`levels` (``year`` becomes the index).
HISTORY_COLUMNS = ["year", "value", "kind", "basis", "source", "trust", "quote", "obs_id",
                   "known_from"]  # fmt: skip
LEVEL_COLUMNS = ["year", "value", "unit", "level_basis", "break_before", "source", "quote",
                 "obs_id"]  # fmt: skip
#: Trust levels of a row, most trusted first.
TRUST = tuple(_TRUST_RANK)


def _as_date(as_of) -> dt.date | None:
    if as_of is None or isinstance(as_of, dt.date):
        return as_of
    try:
        return dt.date.fromisoformat(str(as_of))
    except ValueError:
        raise ParameterError(f"as_of {as_of!r} is not a date (YYYY-MM-DD)") from None


def known_by(frame: pd.DataFrame, as_of) -> pd.DataFrame:
    """Rows of a table with ``known_from`` that were known on ``as_of`` (all when None).

    Where the preferred row of a group was not known yet, the best row known
    then takes its place (same rule: trust, then date).
    """
    as_of = _as_date(as_of)
    if as_of is None:
        return frame
    known = frame[frame["known_from"] <= as_of].copy()
    if "preferred" in known:
        keys = ["geo", "series", "year", "measure", "period", "kind", "basis"]
        rank = (
            known["trust"].map(_TRUST_RANK) * 100_000
            + known["known_from"].map(dt.date.toordinal) / 1e6
        )
        known["_rank"] = rank + known["preferred"].astype(float) * 1e9
        best = known.groupby(keys)["_rank"].transform("max")
        known["preferred"] = known["_rank"] == best
        known = known.drop(columns="_rank")
    return known


def history(
    indicator_id: str,
    geo: str | None = None,
    include_derived: bool = False,
    as_of: str | dt.date | None = None,
) -> pd.DataFrame:
    """Return the annual growth history of one indicator, as known on a date.

    Only the preferred row of each year is returned (see the ``preferred``
    rule in ``data/shared/jiangxi/history/README.md``), in the indicator's basis
    (the registry's: real growth for GDP and industrial value added, nominal
    otherwise); an outcome (``actual``) where one is known, else the estimate
    (预计) a report gave. Partial-year rows (Q1, January-February) and period
    averages are excluded unless ``include_derived`` asks for our derived average rates.

    Parameters
    ----------
    indicator_id : str
        An indicator id of the registry (``gdp``, ``budget_revenue``, ...).
    geo : str, optional
        A region id whose series the data holds (its own reports, a shared package,
        the city panel); default: the current report's region.
    include_derived : bool, default False
        Add average annual rates derived by pxanalysis from multi-year
        multiples (``kind == 'derived'``); they are never observations.
    as_of : date or 'YYYY-MM-DD', optional
        Only rows known by then (``known_from <= as_of``); default: everything.

    Returns
    -------
    pandas.DataFrame
        Index ``year``; columns ``value`` (growth in %), ``kind`` (``actual`` or
        ``estimate``), ``basis``, ``source``, ``trust``, ``quote``, ``obs_id``,
        ``known_from``. Empty (with these columns) where nothing was found.
    """
    geo = geo or reports.current().region
    geos = tuple(sorted({geo, *_report_geos()}))
    return _history(
        data_fingerprint(), geos, indicator_id, geo, include_derived, _as_date(as_of)
    ).copy()


def geos() -> tuple[str, ...]:
    """Every geography the data holds a series for (shared packages, city panel, reports)."""
    return _geos(data_fingerprint())


def fallback_only_geos() -> frozenset[str]:
    """The geographies whose only series come from a fallback package (the ledger's): a
    region with no profile, report, panel or other package row. Their series are their own
    history; the engine does not pool them as peers of a region of another level."""
    return _fallback_only(data_fingerprint())


@caching.memoize(maxsize=8)
def _fallback_only(fingerprint: str) -> frozenset[str]:
    fallback = _fallback_rows(fingerprint)
    if not len(fallback):
        return frozenset()
    held = set(_shared("history_observations", fingerprint)["geo"])
    held |= set(_panel_rows(fingerprint)["geo"])
    held |= {region for region, _ in paths.reports()}
    return frozenset(set(fallback["geo"]) - held)


@caching.memoize(maxsize=8)
def _geos(fingerprint: str) -> tuple[str, ...]:
    found = set(_shared("history_observations", fingerprint)["geo"])
    fallback = _fallback_rows(fingerprint)
    found |= set(fallback["geo"]) if len(fallback) else set()
    found |= set(_panel_rows(fingerprint)["geo"])
    found |= {region for region, _ in paths.reports()}
    return tuple(sorted(found))


def _panel_rows(fingerprint: str) -> pd.DataFrame:
    """The city panels of the shared packages (empty if none holds one)."""
    try:
        return _shared("city_panel", fingerprint)
    except DataError:
        return pd.DataFrame(columns=["geo", "series", "year", "basis", "value", "known_from"])


def _by_year(rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``rows`` with ``source_title`` named ``source``, ``columns`` kept, indexed by year."""
    out = rows.rename(columns={"source_title": "source"})[columns]
    return out.sort_values("year").set_index("year")


@caching.memoize(maxsize=1024)
def _history(
    fingerprint: str, report_geos: tuple, indicator_id: str, geo: str, include_derived: bool, as_of
) -> pd.DataFrame:
    _check_series(indicator_id)
    check_name(geo, _geos(fingerprint), "geo")
    obs = _geo_observations(fingerprint, geo, as_of)
    basis = registry.require(indicator_id).basis
    mask = (obs["series"] == indicator_id) & (obs["geo"] == geo) & obs["preferred"]
    growth = mask & (obs["measure"] == "growth") & (obs["period"] == "full_year")
    growth &= obs["basis"] == basis
    actual = obs[growth & (obs["kind"] == "actual")]
    estimate = obs[growth & (obs["kind"] == "estimate") & ~obs["year"].isin(actual["year"])]
    parts = [actual, estimate]
    if include_derived:
        parts.append(obs[mask & (obs["kind"] == "derived")])
    rows = pd.concat([p for p in parts if len(p)] or [actual], ignore_index=True)
    panel = _panel_history(fingerprint, indicator_id, geo, as_of)
    if len(panel):
        rows = pd.concat(
            [rows, panel[~panel["year"].isin(rows["year"])]] if len(rows) else [panel],
            ignore_index=True,
        )
    out = _by_year(rows, HISTORY_COLUMNS)
    if out.index.duplicated().any():
        dupes = sorted(out.index[out.index.duplicated()])
        raise DataValidationError(
            Path(obs.attrs.get("path", "")),
            None,
            "preferred",
            f"{indicator_id}: several rows for {dupes}",
        )
    return out


def _panel_history(fingerprint: str, indicator_id: str, geo: str, as_of) -> pd.DataFrame:
    """A city's series from the city panels (real GDP growth; the panels hold nothing else)."""
    rows = known_by(_panel_rows(fingerprint), as_of)
    keep = (rows["geo"] == geo) & (rows["series"] == indicator_id) & (rows["basis"] == "real")
    return rows[keep].assign(kind="actual")


def monthly_releases(as_of: str | dt.date | None = None, geo: str | None = None) -> pd.DataFrame:
    """Year-to-date growth releases known on ``as_of`` (all when None), optionally of one geo.

    Returns
    -------
    pandas.DataFrame
        See the ``monthly_releases`` schema of the shared packages.
    """
    rows = known_by(load_table("monthly_releases"), _as_date(as_of))
    if geo is not None:
        rows = rows[rows["geo"] == geo]
    return rows.reset_index(drop=True)


def panel(as_of: str | dt.date | None = None, exclude: str | None = None) -> pd.DataFrame:
    """Real GDP growth of the cities of the shared city panels, as known on a date.

    Parameters
    ----------
    as_of : date or 'YYYY-MM-DD', optional
    exclude : str, optional
        A city to leave out (the current region, whose own series is not a peer).

    Returns
    -------
    pandas.DataFrame
        Columns ``geo, year, value``; nominal rows (2013) left out.
    """
    frame = _panel(data_fingerprint(), _as_date(as_of))
    if exclude is not None:
        frame = frame[frame["geo"] != exclude]
    return frame.reset_index(drop=True).copy()


@caching.memoize(maxsize=64)
def _panel(fingerprint: str, as_of) -> pd.DataFrame:
    rows = known_by(_panel_rows(fingerprint), as_of)
    rows = rows[rows["basis"] == "real"]
    return rows[["geo", "year", "value"]].sort_values(["geo", "year"]).reset_index(drop=True)


def levels(indicator_id: str, geo: str | None = None) -> pd.DataFrame:
    """Return the preferred full-year levels of one indicator.

    Parameters
    ----------
    indicator_id : str
        Series id, e.g. ``'gdp'``.
    geo : str, optional
        Default: the current report's region.

    Returns
    -------
    pandas.DataFrame
        Index ``year``; columns ``value``, ``unit``, ``level_basis``,
        ``break_before``, ``source``, ``quote``, ``obs_id``. Levels are nominal;
        never compute growth across ``break_before``.
    """
    return _levels(data_fingerprint(), indicator_id, geo or reports.current().region).copy()


@caching.memoize(maxsize=64)
def _levels(fingerprint: str, indicator_id: str, geo: str) -> pd.DataFrame:
    _check_series(indicator_id)
    obs = _shared("history_observations", fingerprint)
    mask = (obs["series"] == indicator_id) & (obs["geo"] == geo) & obs["preferred"]
    mask &= (obs["measure"] == "level") & (obs["period"] == "full_year")
    return _by_year(obs[mask], LEVEL_COLUMNS)


@caching.memoize(maxsize=64)
def _non_figures(directory: Path) -> tuple:
    descriptor = _report_descriptor(directory)
    path = directory / report_schema.resource(descriptor, "non_figures", directory)["path"]
    entries = load_yaml(path)["non_figures"]
    for number, entry in enumerate(entries, start=1):
        for key in ("token", "context", "category"):
            if not entry.get(key):
                raise DataValidationError(path, number, key, "empty, but required")
        if entry["token"] not in entry["context"]:
            raise DataValidationError(path, number, "context", "does not contain the token")
    return tuple(entries)


def non_figures() -> list[dict]:
    """Return the commented list of numbers in the source that are not figures.

    Returns
    -------
    list of dict
        Entries with ``token``, ``context``, ``category`` (and ``figure_id``
        for repeats of a captured figure).
    """
    return [dict(e) for e in _non_figures(reports.current().directory)]


def clear_cache() -> None:
    """Forget every cached load and computation (after editing a data file in a session)."""
    reports.clear_cache()
