"""The information set of a projection: what was known about a growth series on a date.

A projection "as of" a date uses only what had been published by then: the
history rows whose ``known_from`` is on or before it, and, from the report's
date on, the report's own figure for 2023 (an estimate 预计, or an actual), which
becomes the last point of the series so that 2024 is one year ahead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from pxanalysis import data
from pxanalysis.data import regions
from pxanalysis.errors import ParameterError


def as_date(as_of) -> dt.date:
    """``as_of`` as a date (default, ``None`` or ``''``: the current report's date).

    Raises
    ------
    ParameterError
        If it is not a date.
    """
    if as_of is None or as_of == "":
        return data.current().as_of
    if isinstance(as_of, dt.datetime):
        return as_of.date()
    if isinstance(as_of, dt.date):
        return as_of
    try:
        return dt.date.fromisoformat(str(as_of))
    except ValueError:
        raise ParameterError(f"as_of {as_of!r} is not a date (YYYY-MM-DD)") from None


@dataclass(frozen=True)
class ReportPoint:
    """The report's figure for the review year."""

    year: int
    value: float
    kind: str  # 'estimate' (预计) or 'actual'
    quote: str


def report_point(indicator: str, as_of=None) -> ReportPoint | None:
    """The report's figure for the review year, if the report was out by ``as_of``."""
    report = data.current()
    if as_date(as_of) < report.as_of or indicator not in data.target_ids():
        return None
    t = data.targets().loc[indicator]
    if pd.isna(t["value_review"]):
        return None
    return ReportPoint(
        report.review_year, float(t["value_review"]), str(t["kind_review"]), t["quote_review"]
    )


def history_series(indicator: str) -> str | None:
    """The history series of a target (``history_series`` in targets.csv), or None."""
    if indicator not in data.target_ids():
        return indicator
    series = data.targets().loc[indicator, "history_series"]
    return series if isinstance(series, str) else None


def growth_series(indicator: str, as_of=None, use_report: bool = True) -> pd.DataFrame:
    """An indicator's annual growth as known on ``as_of``: history, then the report's point.

    The history holds the region's earlier reports' figures (each known from its
    report's date) and the current report's own review figure once it is out;
    ``use_report=False`` leaves the current report's figures out.

    Returns
    -------
    pandas.DataFrame
        Index ``year``; columns ``value`` and ``kind`` (``actual`` or ``estimate``).
        A year the history already has is never overwritten by the report.
    """
    series = history_series(indicator)
    if series is None:
        h = pd.DataFrame({"value": pd.Series(dtype=float), "kind": pd.Series(dtype=object)})
        h.index.name = "year"
    else:
        h = data.history(series, as_of=as_date(as_of))
        if not use_report:
            report = data.current()
            h = h[~h["obs_id"].str.startswith(f"{report.region}.report{report.year}.")]
        h = h[["value", "kind"]]
    point = report_point(indicator, as_of) if use_report else None
    if point is not None and point.year not in h.index:
        h.loc[point.year] = [point.value, point.kind]
    return h.sort_index()


def _level(geo: str, panel_geos: set[str]) -> str | None:
    """A geography's level: its profile's, a city panel's (prefecture), else unknown."""
    profile = regions.get(geo)
    if profile is not None:
        return profile.level
    return "prefecture" if geo in panel_geos else None


#: Fewer peers of the region's own level than this: every region the data holds pools
#: (a province or the nation, whose peers are not held, borrows the cities' errors: their
#: growth is more volatile, so the bands are wider than they would be, never narrower).
MIN_PEERS = 3


def panel_series(indicator: str, as_of=None, use_report: bool = True) -> dict[str, pd.Series]:
    """Series by geography for pooled real-time errors: the region's own and its peers.

    The peers are every other region *of the same level* whose annual series of the
    indicator the data holds as known on ``as_of``: the shared packages' city panels
    (prefecture cities) and observations (for Pingxiang, Jiangxi's other cities; for
    another Jiangxi city, those and Pingxiang). With fewer than :data:`MIN_PEERS` of
    them, every region held of any level.
    """
    out = _pool(indicator, as_of, use_report, same_level=True)
    if len(out) - 1 < MIN_PEERS:
        out = _pool(indicator, as_of, use_report, same_level=False)
    return out


def _pool(indicator: str, as_of, use_report: bool, same_level: bool) -> dict[str, pd.Series]:
    report = data.current()
    own = growth_series(indicator, as_of, use_report)["value"]
    out = {report.region: own}
    series_id = history_series(indicator)
    if series_id is None:
        return out
    date = as_date(as_of)
    panel = data.panel(as_of=date, exclude=report.region) if series_id == "gdp" else None
    panel_geos = set(panel["geo"]) if panel is not None else set()
    if panel is not None:
        for geo, rows in panel.groupby("geo"):
            if not same_level or _level(geo, panel_geos) == report.level:
                out[geo] = rows.set_index("year")["value"].astype(float)
    obs = data.history_observations(date)
    held = obs[(obs["series"] == series_id) & (obs["kind"] == "actual") & obs["preferred"]
               & (obs["measure"] == "growth") & (obs["period"] == "full_year")]  # fmt: skip
    # a region known only from the ledger's history package is a peer of its own level
    # only (when its profile gives one), never part of the any-level fallback pool
    ledger_only = data.fallback_only_geos() if not same_level else frozenset()
    for geo in sorted(set(held["geo"]) - set(out) - {report.region} - ledger_only):
        if not same_level or _level(geo, panel_geos) == report.level:
            values = data.history(series_id, geo=geo, as_of=date)["value"]
            if len(values):
                out[geo] = values
    return out
