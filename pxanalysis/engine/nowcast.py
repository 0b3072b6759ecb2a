"""Through the year: a year-to-date release updates the January judgement (a nowcast).

A release gives the cumulative growth ``Y`` of the months 1..m. The full year is
the year-to-date part and the rest, weighted by the share ``w`` of the year's
value the months cover::

    F = w * Y + (1 - w) * R

where ``R``, the growth of the remaining months, is not known yet: its
distribution is the annual projection made as of the report (January), its
spread multiplied by a factor calibrated on data (:func:`calibration_factor`).
At month 12, ``w = 1``: the nowcast *is* the released figure. A higher
year-to-date figure never lowers P(meet).

The share ``w``: months covered over twelve for output, revenue and retail
sales (roughly even through the year); investment in China is back-loaded, so
for fixed-asset and industrial investment the assumed cumulative shares of
:data:`INVESTMENT_SHARE` are used.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from pxanalysis import caching, data
from pxanalysis.data import registry
from pxanalysis.engine import anchored, backtest, calibration, series
from pxanalysis.engine.evidence import Anchor, Source
from pxanalysis.engine.meet import meet_probabilities

#: Assumed cumulative share of a year's fixed-asset (and industrial) investment
#: completed by the end of each month. Judgement, no monthly Pingxiang levels
#: having been found: Chinese investment is back-loaded (little in the Spring
#: Festival months, most in the second half), about 10 % by February, 45 % by
#: June, 70 % by September.
INVESTMENT_SHARE = {2: 0.10, 3: 0.17, 4: 0.24, 5: 0.32, 6: 0.45, 7: 0.52, 8: 0.60, 9: 0.70,
                    10: 0.78, 11: 0.88, 12: 1.0}  # fmt: skip

#: The reference series whose year-to-date/full-year pairs calibrate the nowcast: every
#: region's releases but the judged region's own (Pingxiang's: Jiangxi's and China's).


def share(indicator: str, month: int) -> float:
    """The share of the year's value covered by months 1..``month``."""
    entry = registry.get(indicator)
    if entry is not None and entry.back_loaded:
        return INVESTMENT_SHARE[int(month)]
    return int(month) / 12


@dataclass(eq=False)
class Nowcast(calibration.EffectiveSD):
    """The full-year distribution given a year-to-date figure (see the module docstring)."""

    annual: object
    ytd: float
    weight: float
    scale: float = 1.0

    @functools.cached_property
    def center(self) -> float:
        return float(self.annual.ppf(0.5))

    def ppf(self, q: float) -> float:
        rest = self.center + self.scale * (float(self.annual.ppf(q)) - self.center)
        return self.weight * self.ytd + (1 - self.weight) * rest

    def cdf(self, x):
        x = np.asarray(x, dtype=float)
        if self.weight >= 1:
            return (x >= self.ytd).astype(float)
        rest = (x - self.weight * self.ytd) / (1 - self.weight)
        return self.annual.cdf(self.center + (rest - self.center) / self.scale)


def city_releases(indicator: str, year: int | None = None, as_of=None) -> pd.DataFrame:
    """The region's year-to-date releases of ``indicator`` for ``year`` known on ``as_of``."""
    report = data.current()
    region, year = report.region, year or report.year
    rows = data.monthly_releases(as_of=series.as_date(as_of))
    rows = rows[rows["geo"] == region]
    series_id = series.history_series(indicator)
    rows = rows[(rows["indicator"] == series_id) & (rows["year"] == year)]
    return rows.sort_values(["through_month", "known_from"]).reset_index(drop=True)


def calibration_pairs(as_of=None) -> pd.DataFrame:
    """Year-to-date vs full-year pairs of the reference series known on ``as_of``: every
    region's releases but the judged region's own (for Pingxiang: Jiangxi's and China's).

    Each pair also carries the previous full year (the January random-walk
    projection of that year), so that the nowcast can be replayed.
    """
    rows = data.monthly_releases(as_of=series.as_date(as_of))
    rows = rows[rows["geo"] != data.current().region]
    full = rows[rows["through_month"] == 12].set_index(["geo", "indicator", "year"])["growth"]
    # the pandemic distorted year-to-date figures (base effects): left out
    part = rows[(rows["through_month"] < 12) & ~rows["year"].isin(calibration.PANDEMIC_YEARS)]
    out = []
    for r in part.itertuples():
        key, prev = (r.geo, r.indicator, r.year), (r.geo, r.indicator, r.year - 1)
        if key in full.index and prev in full.index:
            out.append(
                (r.geo, r.indicator, r.year, r.through_month, r.growth, full[prev], full[key])
            )
    return pd.DataFrame(
        out, columns=["geo", "indicator", "year", "month", "ytd", "previous", "full_year"]
    )


def _replay(pairs: pd.DataFrame, scale: float, widths: calibration.Spread) -> np.ndarray:
    """Whether each pair's full year falls in its replayed nowcast's 80 % interval."""
    hits = []
    for r in pairs.itertuples():
        ratio = anchored.volatility_ratio(r.indicator)
        mirrored = registry.countercyclical(r.indicator)
        annual = calibration.predictive(r.previous, anchored.scaled(widths, ratio, 0.0, mirrored))
        n = Nowcast(annual, r.ytd, share(r.indicator, r.month), scale)
        hits.append(n.ppf(0.1) <= r.full_year <= n.ppf(0.9))
    return np.array(hits, dtype=bool)


@caching.memoize(maxsize=64)
def _calibration(report_key: tuple, as_of: str) -> tuple[float, float, int]:
    pairs = calibration_pairs(as_of)
    if len(pairs) < calibration.MIN_CALIBRATION_ERRORS:
        return 1.0, math.nan, len(pairs)
    frame = backtest.forecasts(series.panel_series("gdp", as_of), "last", 1)
    widths = backtest.spread_at(frame, int(frame["year"].max()))
    grid = np.exp(np.linspace(np.log(0.25), np.log(4.0), 41))
    coverage = [float(_replay(pairs, c, widths).mean()) for c in grid]
    best = int(
        np.argmin(
            [abs(c - 0.8) + 1e-3 * abs(math.log(g)) for c, g in zip(coverage, grid, strict=True)]
        )
    )
    return float(grid[best]), coverage[best], len(pairs)


def calibration_factor(as_of=None) -> tuple[float, float, int]:
    """(scale, 80 % coverage it gives, number of pairs) for the remaining months' spread.

    The nowcast is replayed on every non-pandemic year-to-date/full-year pair of
    Jiangxi and China known on ``as_of``, with a random walk from the previous
    full year as the January projection (its band that of GDP's random walk,
    scaled by the indicator's volatility); the scale is the one that brings the
    80 % coverage nearest 0.8, narrowing or widening.
    """
    return _calibration(data.current().key, series.as_date(as_of).isoformat())


def nowcast(annual, ytd_growth: float, month: int, indicator: str, as_of=None,
            source: Source | None = None):  # fmt: skip
    """The annual projection ``annual`` updated by a year-to-date figure.

    Returns
    -------
    pxanalysis.engine.projection.Projection
        Same indicator and grade, its distribution the :class:`Nowcast`, its
        evidence the release appended.
    """
    if annual.dist is None:
        return annual
    w = share(indicator, month)
    scale, coverage, n_pairs = calibration_factor(as_of)
    dist = Nowcast(annual.dist, float(ytd_growth), w, scale)
    text = (
        f"nowcast: {month} month(s) known (share of the year {w:.0%}), "
        f"year-to-date {ytd_growth:g}%; the rest of the year from the January projection "
        f"(spread x {scale:.2f}, calibrated on {n_pairs} year-to-date/full-year pairs, "
        f"80% coverage {coverage:.0%})"
    )
    release = source or Source(f"1-{month}月", float(ytd_growth), "user input", kind="ytd")
    anchor = Anchor("ytd", float(ytd_growth), (release,), f"through month {month}", int(month))
    return replace(
        annual,
        dist=dist,
        method=f"nowcast+{annual.method}",
        interval_source=text,
        evidence=(*annual.evidence, anchor),
        notes=[*annual.notes, text],
    )


def update(annual, indicator: str, year: int | None = None, as_of=None):
    """The annual projection updated by the latest city release known on ``as_of`` (if any)."""
    year = year or data.current().year
    rows = city_releases(indicator, year, as_of)
    if rows.empty:
        return annual
    r = rows.iloc[-1]
    source = Source.from_row(f"{year}年1-{int(r['through_month'])}月", r, "ytd", r["growth"])
    return nowcast(annual, float(r["growth"]), int(r["through_month"]), indicator, as_of, source)


def path(annual, indicator: str, target: float, direction: str, year: int | None = None,
         as_of=None, qualifier: str = "") -> pd.DataFrame:  # fmt: skip
    """P(meet) at the January projection and after each release known on ``as_of``.

    Returns
    -------
    pandas.DataFrame
        ``date, label, through_month, ytd, median, p_meet``: the judgement's path.
    """
    rows = [{"date": series.as_date(None).isoformat(), "label": "January", "through_month": 0,
             "ytd": math.nan, "median": annual.quantile(0.5),
             "p_meet": meet_probabilities(annual, target, direction, qualifier)[0]}]  # fmt: skip
    for r in city_releases(indicator, year, as_of).itertuples():
        n = nowcast(annual, r.growth, r.through_month, indicator, as_of)
        rows.append({"date": r.known_from.isoformat(), "label": f"1-{r.through_month}",
                     "through_month": r.through_month, "ytd": r.growth,
                     "median": n.quantile(0.5),
                     "p_meet": meet_probabilities(n, target, direction, qualifier)[0]})  # fmt: skip
    return pd.DataFrame(rows)


def clear_cache() -> None:
    """Forget the cached calibration."""
    caching.clear()


def new_since_report(as_of=None) -> int:
    """How many of the region's year-to-date releases of the report's year were published
    after the report's date and by ``as_of`` (0: an as-of date adds nothing to the January
    judgement)."""
    report = data.current()
    day = series.as_date(as_of or report.date)
    rows = data.monthly_releases(as_of=day)
    rows = rows[(rows["geo"] == report.region) & (rows["year"] == report.year)]
    return int((pd.to_datetime(rows["known_from"]).dt.date > series.as_date(report.date)).sum())
