"""The current report and the historical series, as DataFrames.

The report's tables (figures, targets, work plan, text) come from the current
report's package, ``data/<region>/<year>/datapackage.json`` (see
:mod:`pxanalysis.data.reports`; Pingxiang 2024 by default); the history, the
city panel, the monthly releases and the evidence from the history package,
``data/pingxiang/datapackage.json``. Every loader validates its file against
its package's schema (see :mod:`pxanalysis.data.schema`) and caches the
result; callers get copies.

The data directory comes from :func:`pxanalysis.paths.data_dir` (the project's
``data/pingxiang``, the copy shipped in the wheel, or ``PXANALYSIS_DATA_DIR``).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path

import pandas as pd

from pxanalysis import params, paths
from pxanalysis.data import report_schema, reports
from pxanalysis.data.schema import read_text, validate_rows
from pxanalysis.errors import DataError, DataValidationError, ParameterError, check_name
from pxanalysis.vocab import FIGURE_KINDS

#: Tables of a report package (the rest live in the history package).
REPORT_TABLES = ("figures", "targets", "workplan")


def data_dir() -> Path:
    """Return the data directory (see :func:`pxanalysis.paths.data_dir`)."""
    return paths.data_dir()


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


@functools.lru_cache(maxsize=8)
def _datapackage(directory: Path) -> dict:
    path = directory / "datapackage.json"
    if not path.exists():
        raise DataError(
            f"{path} not found: set PXANALYSIS_DATA_DIR to a directory holding datapackage.json"
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


def datapackage() -> dict:
    """Return the Frictionless data package descriptor (a copy).

    Returns
    -------
    dict
        The parsed ``datapackage.json``.
    """
    return json.loads(json.dumps(_datapackage(data_dir())))


def _resource(name: str, directory: Path) -> dict:
    """The resource ``name`` of the history package in ``directory`` (not a copy)."""
    return report_schema.resource(_datapackage(directory), name, directory)


@functools.lru_cache(maxsize=8)
def _report_descriptor(directory: Path) -> dict:
    """A report package's descriptor (:func:`report_schema.read_descriptor`), read once."""
    return report_schema.read_descriptor(directory)


@functools.lru_cache(maxsize=32)
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
    directory = reports.current().directory if name in REPORT_TABLES else data_dir()
    return _table(name, directory).copy()


@functools.lru_cache(maxsize=4)
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


@functools.lru_cache(maxsize=8)
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
        figures[["indicator", "indicator_en", "year", "value", "unit", "qualifier", "quote"]],
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


def history_observations(as_of: str | dt.date | None = None) -> pd.DataFrame:
    """Return every historical row found, Pingxiang and Jiangxi, all vintages.

    Parameters
    ----------
    as_of : date or 'YYYY-MM-DD', optional
        Only the rows known on that date, the best known then preferred
        (:func:`known_by`); default: all.

    Returns
    -------
    pandas.DataFrame
        See the ``history_observations`` schema in ``datapackage.json``.
    """
    if as_of is None:
        return load_table("history_observations")
    return _known_observations(data_dir(), _as_date(as_of)).copy()


@functools.lru_cache(maxsize=64)
def _known_observations(directory: Path, as_of: dt.date) -> pd.DataFrame:
    return known_by(_table("history_observations", directory), as_of)


def _check_series(indicator_id: str, directory: Path) -> None:
    series = list(report_schema.HISTORY_SERIES)
    series += sorted(set(_table("history_observations", directory)["series"]) - set(series))
    check_name(indicator_id, tuple(series), "indicator")


#: The basis an indicator's growth is measured in (real: comparable prices).
SERIES_BASIS = {"gdp": "real", "industrial_value_added": "real", "energy_intensity": "real"}
_TRUST_RANK = {"high": 3, "medium-high": 2, "medium": 1, "low": 0}
#: Columns of :func:`history` and of :func:`levels` (``year`` becomes the index).
HISTORY_COLUMNS = ["year", "value", "kind", "basis", "source", "trust", "quote", "obs_id",
                   "known_from"]  # fmt: skip
LEVEL_COLUMNS = ["year", "value", "unit", "level_basis", "break_before", "source", "quote",
                 "obs_id"]  # fmt: skip
#: Trust levels of a row, most trusted first.
TRUST = tuple(_TRUST_RANK)
#: Geographies of the monthly year-to-date releases.
RELEASE_GEOS = ("pingxiang", "jiangxi", "china")


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
    rule in ``data/pingxiang/history/README.md``), in the indicator's basis
    (real growth for GDP and industrial value added, nominal otherwise);
    partial-year rows (Q1, January-February) and period averages are excluded
    unless ``include_derived`` asks for our derived average rates.

    Parameters
    ----------
    indicator_id : str
        One of :data:`TARGET_IDS`, or another series id of the history
        (``gdp_per_capita``, ``fiscal_revenue_total``, ...).
    geo : str, optional
        ``pingxiang``, ``jiangxi`` (provincial context) or a city of the Jiangxi
        panel (its GDP only); default: the current report's region.
    include_derived : bool, default False
        Add average annual rates derived by pxanalysis from multi-year
        multiples (``kind == 'derived'``); they are never observations.
    as_of : date or 'YYYY-MM-DD', optional
        Only rows known by then (``known_from <= as_of``); default: everything.

    Returns
    -------
    pandas.DataFrame
        Index ``year``; columns ``value`` (growth in %), ``kind``, ``basis``
        (``real`` or ``nominal``), ``source``, ``trust``, ``quote``, ``obs_id``,
        ``known_from``. Empty (with these columns) where nothing was found.
    """
    geo = geo or reports.current().region
    return _history(data_dir(), indicator_id, geo, include_derived, _as_date(as_of)).copy()


def geos() -> tuple[str, ...]:
    """Every geography the history package holds a series for."""
    return _geos(data_dir())


def _geos(directory: Path) -> tuple[str, ...]:
    return ("pingxiang", "jiangxi", *sorted(set(_table("jiangxi_cities", directory)["geo"])))


def _by_year(rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``rows`` with ``source_title`` named ``source``, ``columns`` kept, indexed by year."""
    out = rows.rename(columns={"source_title": "source"})[columns]
    return out.sort_values("year").set_index("year")


@functools.lru_cache(maxsize=256)
def _history(
    directory: Path, indicator_id: str, geo: str, include_derived: bool, as_of
) -> pd.DataFrame:
    _check_series(indicator_id, directory)
    check_name(geo, _geos(directory), "geo")
    if geo not in ("pingxiang", "jiangxi"):
        return _panel_history(directory, indicator_id, geo, as_of)
    obs = _known_observations(directory, _as_date(as_of))
    basis = SERIES_BASIS.get(indicator_id, "nominal")
    mask = (obs["series"] == indicator_id) & (obs["geo"] == geo) & obs["preferred"]
    annual = mask & (obs["measure"] == "growth") & (obs["period"] == "full_year")
    annual &= (obs["kind"] == "actual") & (obs["basis"] == basis)
    if include_derived:
        annual |= mask & (obs["kind"] == "derived")
    out = _by_year(obs[annual], HISTORY_COLUMNS)
    if out.index.duplicated().any():
        dupes = sorted(out.index[out.index.duplicated()])
        raise DataValidationError(
            Path(obs.attrs["path"]), None, "preferred", f"{indicator_id}: several rows for {dupes}"
        )
    return out


def _panel_history(directory: Path, indicator_id: str, geo: str, as_of) -> pd.DataFrame:
    """A Jiangxi panel city's history: real GDP growth (the panel holds nothing else)."""
    rows = known_by(_table("jiangxi_cities", directory), as_of)
    keep = (rows["geo"] == geo) & (rows["series"] == indicator_id) & (rows["basis"] == "real")
    return _by_year(rows[keep].assign(kind="actual"), HISTORY_COLUMNS)


def monthly_releases(as_of: str | dt.date | None = None, geo: str | None = None) -> pd.DataFrame:
    """Year-to-date growth releases known on ``as_of`` (all when None), optionally of one geo.

    Returns
    -------
    pandas.DataFrame
        See the ``monthly_releases`` schema in ``datapackage.json``.
    """
    rows = known_by(load_table("monthly_releases"), _as_date(as_of))
    if geo is not None:
        rows = rows[rows["geo"] == check_name(geo, RELEASE_GEOS, "geo")]
    return rows.reset_index(drop=True)


def panel(as_of: str | dt.date | None = None, exclude: str | None = None) -> pd.DataFrame:
    """Real GDP growth of Jiangxi's cities other than Pingxiang (CSMAR), as known on a date.

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
    frame = _panel(data_dir(), _as_date(as_of))
    if exclude is not None:
        frame = frame[frame["geo"] != exclude]
    return frame.reset_index(drop=True).copy()


@functools.lru_cache(maxsize=16)
def _panel(directory: Path, as_of) -> pd.DataFrame:
    rows = known_by(_table("jiangxi_cities", directory), as_of)
    rows = rows[rows["basis"] == "real"]
    return rows[["geo", "year", "value"]].sort_values(["geo", "year"]).reset_index(drop=True)


def levels(indicator_id: str, geo: str | None = None) -> pd.DataFrame:
    """Return the preferred full-year levels of one indicator.

    Parameters
    ----------
    indicator_id : str
        Series id, e.g. ``'gdp'``.
    geo : {'pingxiang', 'jiangxi'}

    Returns
    -------
    pandas.DataFrame
        Index ``year``; columns ``value``, ``unit``, ``level_basis``,
        ``break_before``, ``source``, ``quote``, ``obs_id``. Levels are nominal;
        never compute growth across ``break_before``.
    """
    return _levels(data_dir(), indicator_id, geo or reports.current().region).copy()


@functools.lru_cache(maxsize=64)
def _levels(directory: Path, indicator_id: str, geo: str) -> pd.DataFrame:
    _check_series(indicator_id, directory)
    obs = _table("history_observations", directory)
    mask = (obs["series"] == indicator_id) & (obs["geo"] == geo) & obs["preferred"]
    mask &= (obs["measure"] == "level") & (obs["period"] == "full_year")
    return _by_year(obs[mask], LEVEL_COLUMNS)


@functools.lru_cache(maxsize=4)
def _non_figures(directory: Path) -> tuple:
    descriptor = _report_descriptor(directory)
    path = directory / report_schema.resource(descriptor, "non_figures", directory)["path"]
    problem = functools.partial(DataValidationError, path, None, None)
    entries = params.load_yaml(read_text(path), "", problem)["non_figures"]
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
    """Forget every cached load (after editing a data file in a session)."""
    for fn in (
        _datapackage, _report_descriptor, _table, _source_text, _non_figures, _targets, _history,
        _levels, _panel, _known_observations,
    ):  # fmt: skip
        fn.cache_clear()
    reports.clear_cache()
