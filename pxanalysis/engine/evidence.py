"""The evidence about one indicator's 2024 outcome, as known on a date, each piece with its source.

An economist never has "no information": for every target the report and the
other sources give some of these *anchors* (values of the indicator's 2024
growth that a piece of evidence suggests):

``latest``    the report's figure for the review year (estimate 预计 or actual): next year
              as this year;
``longrun``   the region's 2016-2020 average (reported, or derived from a five-year multiple);
``comove``    the projection of a related indicator (the registry's ``comoves_with``: GDP,
              or fixed-asset investment) plus the gap between the two where both are known;
``province``  the parent region's target for the indicator (its report, or a shared
              package) plus the region-parent gap of GDP growth;
``target``    the region's own target, less how far local outcomes fall short of targets.

Each anchor keeps its inputs (value, source, quote, trust, date) so that the
tables, the brief and the export can list them. The judgements (the shortfall,
which indicators co-move) are named constants with their reasons.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pxanalysis import data
from pxanalysis.data import ledger, regions, registry
from pxanalysis.engine import series
from pxanalysis.engine.growth import average_growth

#: How far (pp) local outcomes fall short of their targets, on average. Evidence
#: (data/shared/jiangxi/evidence/target_outcomes.csv): Jiangxi's 2016-2020 GDP grew 7.6 %
#: a year against a plan target of 8.5 % (-0.9); city targets are met less often
#: than provincial ones and after 2013 growth targets were generally not met
#: (吕冰洋、张兆强 2022); about 80 % of provinces met their 2021 GDP targets, in a
#: rebound year (财联社/界面); Nanchang missed six of seven 2022 targets by 0.9 to
#: 5.4 points in a pandemic year. Judgement: one point short.
TARGET_SHORTFALL = 1.0
#: Targets that are caps on prices or unemployment (居民消费价格涨幅3%左右, 城镇调查失业率
#: 5.5%左右; ``cap: true`` in the registry). The shortfall above is evidence on growth
#: targets only; caps are a different kind of target (a ceiling, often far from the
#: outcome) and the project holds no evidence on how outcomes relate to them: they get
#: no target anchor, and without another anchor they are not judged.


def is_cap(indicator: str) -> bool:
    """Whether the indicator's target is a ceiling (the registry's ``cap``)."""
    entry = registry.get(series.history_series(indicator) or indicator)
    return bool(entry and entry.cap)


def comoves_with(indicator: str) -> str | None:
    """The indicator whose projection ``indicator`` moves with (the registry's
    ``comoves_with``), if it is a target of the current report."""
    entry = registry.get(indicator)
    base = entry.comoves_with if entry else None
    return base if base in data.target_ids() else None


#: The years of the city's five-year averages (the 2021 report reviews 2016-2020).
LONGRUN_YEARS = (2016, 2020)


@dataclass(frozen=True)
class Source:
    """One input of an anchor: a number with where it came from."""

    label: str
    value: float
    source: str
    quote: str = ""
    trust: str = ""
    known_from: str = ""
    kind: str = ""  # actual / estimate / target / derived / projection / judgement

    @classmethod
    def from_row(cls, label: str, row, kind: str | None = None, value: float | None = None):
        """A source from a data row (``value, source_title, quote, trust, known_from, kind``)."""
        return cls(
            label,
            float(row["value"] if value is None else value),
            row["source_title"],
            row["quote"],
            row["trust"],
            row["known_from"].isoformat(),
            row["kind"] if kind is None else kind,
        )


@dataclass(frozen=True)
class Anchor:
    """A value of the indicator's growth that one piece of evidence suggests."""

    kind: str
    value: float
    inputs: tuple[Source, ...] = field(default_factory=tuple)
    note: str = ""
    month: int = 0  # a year-to-date release: the months 1..month it covers

    def describe(self) -> str:
        parts = "; ".join(
            f"{s.label} {s.value:g}"
            + (f" ({s.kind}, {s.trust}, {s.known_from})" if s.trust else f" ({s.kind})")
            for s in self.inputs
        )
        return f"{self.kind} {self.value:.1f}: {parts}" + (f" - {self.note}" if self.note else "")


def _obs(as_of) -> pd.DataFrame:
    return data.history_observations(series.as_date(as_of))


def report_label() -> str:
    """The current report, named for a source column: 萍乡市2024年政府工作报告."""
    report = data.current()
    return f"{report.region_name}{report.year}年政府工作报告"


def parent_id() -> str | None:
    """The id of the current region's parent (its profile's ``parent``)."""
    return data.current().parent


def parent_name(lang: str = "zh") -> str:
    """The parent region's name (its profile's, else its id)."""
    pid = parent_id()
    profile = regions.get(pid) if pid else None
    if profile is None:
        return pid or ""
    return profile.name if lang == "zh" else profile.name_en


def latest(indicator: str, as_of=None) -> Anchor | None:
    """The report's figure for the review year."""
    point = series.report_point(indicator, as_of)
    if point is None:
        return None
    source = Source(
        f"{point.year} ({'预计' if point.kind == 'estimate' else '实际'})",
        point.value,
        report_label(),
        point.quote,
        "high",
        series.as_date(None).isoformat(),
        point.kind,
    )
    return Anchor("latest", point.value, (source,))


def longrun(indicator: str, as_of=None) -> Anchor | None:
    """The region's 2016-2020 average annual growth (reported, or derived from a multiple)."""
    obs = _obs(as_of)
    rows = obs[
        (obs["geo"] == data.current().region)
        & (obs["series"] == series.history_series(indicator))
        & (obs["measure"] == "avg_growth")
        & obs["preferred"]
    ]
    if rows.empty:
        return None
    row = rows.sort_values("kind").iloc[0]  # an actual average before a derived one
    source = Source.from_row(f"{LONGRUN_YEARS[0]}-{LONGRUN_YEARS[1]} average", row)
    note = "derived from a five-year multiple, not observed" if row["kind"] == "derived" else ""
    return Anchor("longrun", float(row["value"]), (source,), note)


def _average(values: pd.Series, start: int, end: int) -> float | None:
    years = values[(values.index >= start) & (values.index <= end)]
    return float(average_growth(years)) if len(years) >= 3 else None


def comove_gap(indicator: str, base: str, as_of=None) -> tuple[float, list[str]]:
    """The average gap (pp) indicator - base over the periods where both are known."""
    gaps, notes = [], []
    mine, theirs = latest(indicator, as_of), latest(base, as_of)
    if mine and theirs:
        gaps.append(mine.value - theirs.value)
        notes.append(f"2023: {mine.value:g} - {theirs.value:g}")
    mine_long = longrun(indicator, as_of)
    base_values = series.growth_series(base, as_of)["value"]
    base_long = _average(base_values, *LONGRUN_YEARS)
    if mine_long and base_long is not None:
        gaps.append(mine_long.value - base_long)
        notes.append(f"2016-2020: {mine_long.value:g} - {base_long:.1f}")
    own = series.growth_series(indicator, as_of)["value"]
    for year, value in own.items():
        if year in base_values.index and year != data.current().review_year:
            gaps.append(float(value) - float(base_values.loc[year]))
            notes.append(f"{year}: {value:g} - {base_values.loc[year]:g}")
    if not gaps:
        return 0.0, ["no year with both: gap 0 assumed"]
    return float(np.mean(gaps)), notes


def comove(indicator: str, base_median: float, as_of=None) -> Anchor | None:
    """The related indicator's projection plus the measured gap."""
    base = comoves_with(indicator)
    if base is None or not math.isfinite(base_median):
        return None
    gap, notes = comove_gap(indicator, base, as_of)
    year = data.current().year
    inputs = (
        Source(f"{base} {year} projection (median)", base_median, "pxanalysis", kind="projection"),
        Source("gap", gap, "; ".join(notes), kind="derived"),
    )
    return Anchor("comove", base_median + gap, inputs, f"co-moves with {base}")


def city_province_gap(as_of=None) -> tuple[float, list[str]]:
    """Median of the region's GDP growth - its parent's over the years both are known."""
    city = series.growth_series("gdp", as_of)["value"]
    pid = parent_id()
    if pid is None or pid not in data.geos():
        return 0.0, []
    province = data.history("gdp", geo=pid, as_of=series.as_date(as_of))["value"]
    common = sorted(set(city.index) & set(province.index))
    gaps = [float(city.loc[y] - province.loc[y]) for y in common]
    if not gaps:
        return 0.0, []
    return float(np.median(gaps)), [f"{y}: {city.loc[y]:g} - {province.loc[y]:g}" for y in common]


def province(indicator: str, as_of=None, year: int | None = None) -> Anchor | None:
    """The parent region's target for the indicator plus the region-parent gap of GDP."""
    year = year or data.current().year
    pid = parent_id()
    if pid is None:
        return None
    obs = _obs(as_of)
    rows = obs[
        (obs["geo"] == pid)
        & (obs["series"] == series.history_series(indicator))
        & (obs["kind"] == "target")
        & (obs["year"] == year)
        & (obs["measure"] == "growth")
        & obs["preferred"]
    ]
    if rows.empty:
        return None
    row = rows.sort_values("known_from").iloc[-1]
    gap, notes = city_province_gap(as_of)
    inputs = (
        Source.from_row(f"{parent_name('en')} {year} target", row, "target"),
        Source("region-parent GDP gap (median)", gap, "; ".join(notes), kind="derived"),
    )
    return Anchor("province", float(row["value"]) + gap, inputs, "the GDP gap stands in")


def target_shortfall() -> tuple[float, str, str]:
    """(shortfall in pp, source, kind) for the current region's level.

    The track record's development years give one shortfall per level (the median of
    target - outcome, ``data/ledger/PREREGISTRATION.md`` amendment 1) when
    ``make track-record`` has written one for this level; else the judgement
    :data:`TARGET_SHORTFALL`.
    """
    cal = ledger.calibration()
    level = data.current().level
    measured = (cal or {}).get("shortfall", {}).get(level)
    if measured is not None:
        source = f"ledger: median target - outcome at {level} level, years <= {cal['cutoff']}"
        return float(measured), source, "derived"
    return TARGET_SHORTFALL, "data/shared/jiangxi/evidence/target_outcomes.csv", "judgement"


def own_target(indicator: str) -> Anchor | None:
    """The region's own target, moved by the shortfall of :func:`target_shortfall` in the bad
    direction.

    None for a cap on prices or unemployment (the registry's ``cap``).
    """
    if is_cap(indicator):
        return None
    t = data.targets().loc[indicator]
    sign = 1 if t["direction"] == "increase" else -1
    shortfall, source, kind = target_shortfall()
    inputs = (
        Source(
            f"{data.current().year} target",
            float(t["value"]),
            report_label(),
            t["quote"],
            "high",
            series.as_date(None).isoformat(),
            "target",
        ),  # fmt: skip
        Source("shortfall of local outcomes", -sign * shortfall, source, kind=kind),
    )
    return Anchor("target", float(t["value"]) - sign * shortfall, inputs)


def gather(indicator: str, as_of=None, base_median: float = float("nan")) -> list[Anchor]:
    """Every anchor available for ``indicator`` on ``as_of`` (the co-moving one needs its base)."""
    found = [
        latest(indicator, as_of),
        longrun(indicator, as_of),
        comove(indicator, base_median, as_of),
        province(indicator, as_of),
        own_target(indicator),
    ]
    return [a for a in found if a is not None]
