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
from pxanalysis.errors import ParameterError
from pxanalysis.vocab import REPORT_DATE, REPORT_YEAR, TARGET_IDS

#: The year the report reviews (its figures for it are actuals or estimates).
REVIEW_YEAR = REPORT_YEAR - 1


def as_date(as_of) -> dt.date:
    """``as_of`` as a date (default: the report's date).

    Raises
    ------
    ParameterError
        If it is not a date.
    """
    if as_of is None:
        return dt.date.fromisoformat(REPORT_DATE)
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
    """The report's 2023 growth figure for ``indicator``, if the report was out by ``as_of``."""
    if as_date(as_of) < dt.date.fromisoformat(REPORT_DATE) or indicator not in TARGET_IDS:
        return None
    t = data.targets().loc[indicator]
    if pd.isna(t["value_2023"]):
        return None
    return ReportPoint(REVIEW_YEAR, float(t["value_2023"]), str(t["kind_2023"]), t["quote_2023"])


def growth_series(indicator: str, as_of=None, use_report: bool = True) -> pd.DataFrame:
    """An indicator's annual growth as known on ``as_of``: history, then the report's point.

    Returns
    -------
    pandas.DataFrame
        Index ``year``; columns ``value`` and ``kind`` (``actual`` or ``estimate``).
        A year the history already has is never overwritten by the report.
    """
    h = data.history(indicator, as_of=as_date(as_of))[["value", "kind"]]
    point = report_point(indicator, as_of) if use_report else None
    if point is not None and point.year not in h.index:
        h.loc[point.year] = [point.value, point.kind]
    return h.sort_index()


def panel_series(indicator: str, as_of=None, use_report: bool = True) -> dict[str, pd.Series]:
    """Series by geography for pooled real-time errors: Pingxiang and, for GDP, the other cities."""
    own = growth_series(indicator, as_of, use_report)["value"]
    out = {"pingxiang": own}
    if indicator == "gdp":
        for geo, rows in data.panel(as_of=as_date(as_of)).groupby("geo"):
            out[geo] = rows.set_index("year")["value"].astype(float)
    return out
