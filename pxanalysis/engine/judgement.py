"""Every 2024 target judged: a graded projection for each of the nine, from all the evidence.

Grades follow the evidence of the city's own annual series (as known on ``as_of``):

- **A**: at least 8 observations: the time-series projection of
  :mod:`pxanalysis.engine.projection` (method by the rule, real-time calibration);
- **B**: 4 to 7: the same methods on the short series; where its own real-time
  errors are too few, the band of the same method on GDP, scaled by the
  indicator's volatility;
- **C**: fewer: the anchored projection of :mod:`pxanalysis.engine.anchored`,
  combining the report's 2023 figure, the 2016-2020 average, co-movement with
  GDP (or investment), Jiangxi's target and the city's own target, sized by
  thinning GDP.

Each judgement keeps its evidence, and :func:`what_would_change` names the
input (and the release that will revise it) that moves P(meet) the most.
"""

from __future__ import annotations

import math
from dataclasses import replace

from pxanalysis import caching, data
from pxanalysis.data import registry
from pxanalysis.engine import anchored, backtest, calibration, evidence, nowcast, projection, series
from pxanalysis.engine.evidence import Anchor, Source
from pxanalysis.engine.methods import MIN_OBS
from pxanalysis.vocab import AUTO_METHOD

#: Grade boundaries on the number of the city's own annual observations.
GRADE_A_OBS = 8
GRADE_B_OBS = MIN_OBS

#: The release that will first revise each kind of input (for "what would change this");
#: ``{review}`` and ``{year}`` are the report's review and target years.
NEXT_RELEASE = {
    "latest": (
        "{review}年统计公报({year}年3-4月)",
        "the {review} statistical bulletin (Mar-Apr {year})",
    ),
    "comove": ("{year}年一季度地区生产总值(4月)", "Q1 {year} GDP (April)"),
    "province": ("{parent}一季度经济数据(4月)", "{parent_en}'s Q1 {year} data (April)"),
    "longrun": ("(历史数据,不再修订)", "(history: no new release)"),
    "target": ("(目标不变)", "(the target does not change)"),
    "own": ("{year}年一季度地区生产总值(4月)", "Q1 {year} GDP (April)"),
    "ytd": ("下一期累计数据(次月中旬)", "the next year-to-date release (mid next month)"),
}


def grade_of(n_obs: int) -> str:
    """A (>= 8 own annual observations), B (4-7) or C (fewer)."""
    return "A" if n_obs >= GRADE_A_OBS else "B" if n_obs >= GRADE_B_OBS else "C"


def _history_file(own) -> str:
    """Where the region's own series comes from (for the sources column): its rows' sources."""
    sources = sorted({str(s) for s in own.get("source", [])} - {""})
    if not sources:
        return "the report"
    return sources[0] if len(sources) == 1 else f"{sources[0]} (+{len(sources) - 1} more)"


def _own_evidence(indicator: str, as_of) -> list[Anchor]:
    """The city's own history (its last actual) and the report's 2023 figure."""
    own = series.growth_series(indicator, as_of)
    actual = own[own["kind"] == "actual"]
    anchors = []
    if not actual.empty:
        first, last = int(actual.index[0]), int(actual.index[-1])
        text = f"{len(actual)} annual observations {first}-{last} (last: {last})"
        value = float(actual["value"].iloc[-1])
        source = Source(text, value, _history_file(actual), kind="actual")
        anchors.append(Anchor("own", value, (source,), "the city's own series"))
    latest = evidence.latest(indicator, as_of)
    if latest is not None:
        anchors.append(latest)
    return anchors


def _time_series(indicator, year, method, window, as_of, grade) -> projection.Projection:
    p = projection.cached(indicator, year, method, window, as_of)
    anchors = _own_evidence(indicator, as_of)
    context = evidence.province(indicator, as_of, year)
    if context is not None:
        anchors.append(replace(context, note="context only: the time series does not use it"))
    if grade == "B" and p.too_few_errors:
        gdp_errors = backtest.forecasts(series.panel_series("gdp", as_of), p.method, p.horizon or 1)
        widths = backtest.spread_at(gdp_errors, p.last_obs_year)
        if widths is not None:
            ratio = anchored.volatility_ratio(indicator)
            mirrored = registry.countercyclical(indicator)
            dist = calibration.predictive(p.point, anchored.scaled(widths, ratio, 0.0, mirrored))
            source = f"GDP's real-time errors of {p.method} x volatility ratio {ratio:g}"
            p = replace(p, dist=dist, interval_source=source)
    return replace(p, grade=grade, evidence=tuple(anchors))


def _anchored(indicator, year, as_of) -> projection.Projection:
    base = evidence.comoves_with(indicator)
    base_median = judge(base, year, AUTO_METHOD, None, as_of).quantile(0.5) if base else math.nan
    anchors = evidence.gather(indicator, as_of, base_median)
    if not anchors:
        return projection.Projection(
            indicator, year, "anchored", 0, None, None, None, "", "no_evidence",
            ["no evidence held for this target: not judged; give a growth assumption"],
            as_of=series.as_date(as_of).isoformat(), grade="",
        )  # fmt: skip
    point, disagreement = anchored.combine(anchors)
    widths = anchored.thinning_spread(as_of)
    ratio = anchored.volatility_ratio(indicator)
    latest = next((a for a in anchors if a.kind == "latest"), None)
    extra = 0.0
    if latest is not None and latest.inputs[0].kind == "estimate":
        extra = calibration.ESTIMATE_SD * anchored.weight("latest", anchors)
    spread = anchored.scaled(widths, ratio, disagreement, registry.countercyclical(indicator))
    dist = calibration.predictive(point, spread, extra)
    kinds = ", ".join(a.kind for a in anchors)
    source = (
        f"anchored ({kinds}); band from thinning GDP ({widths.n_core} real-time errors) "
        f"x volatility ratio {ratio:g}, anchors' disagreement {disagreement:.1f} pp added"
    )
    own = series.growth_series(indicator, as_of)
    return projection.Projection(
        indicator,
        year,
        "anchored",
        len(own),
        dist,
        1,
        int(own.index[-1]) if len(own) else None,
        source,
        "thin_history",
        [f"{len(own)} own annual observation(s): grade C, anchored on the evidence"],
        as_of=series.as_date(as_of).isoformat(),
        last_obs_kind=str(own["kind"].iloc[-1]) if len(own) else "",
        point=point,
        grade="C",
        evidence=tuple(anchors),
    )


@caching.memoize(maxsize=4096)  # the explorer warms every method x window
def _judge(
    report_key: tuple, indicator: str, year: int, method: str, window, as_of: str
) -> projection.Projection:
    target = data.targets().loc[indicator]
    unit, measure = target["unit"], target["measure"]
    entry = registry.get(series.history_series(indicator) or indicator)
    # the registry knows what its indicators' targets measure (GDP目标为5%: growth, even
    # without a verb); a target it does not hold is a growth target only if written as one
    known = entry is not None and entry.measure in ("growth", "rate")
    if unit != "%" or not (measure == "growth" or known):
        what = f"a level ({unit})" if unit != "%" else f"a {measure} in %, not a growth rate"
        return projection.Projection(
            indicator, year, "none", 0, None, None, None, "", "not_a_growth_target",
            [f"the target is {what}: not projected"],
        )  # fmt: skip
    n = len(series.growth_series(indicator, as_of))
    grade = grade_of(n)
    if grade == "C":
        return _anchored(indicator, year, as_of)
    w = projection.capped_window(indicator, window, year, as_of)
    return _time_series(indicator, year, method, w, as_of, grade)


def judge(
    indicator: str,
    year: int | None = None,
    method: str = AUTO_METHOD,
    window: int | None = None,
    as_of=None,
) -> projection.Projection:
    """The graded projection of one target's indicator (see the module docstring)."""
    report = data.current()
    as_of = series.as_date(as_of).isoformat()
    return _judge(report.key, indicator, year or report.year, method, window, as_of)


def judge_all(
    year: int | None = None, method: str = AUTO_METHOD, window: int | None = None, as_of=None
) -> list[projection.Projection]:
    """:func:`judge` for every main target of the current report, in the report's order."""
    return [judge(indicator, year, method, window, as_of) for indicator in data.target_ids()]


def what_would_change(p: projection.Projection, target: float, direction: str) -> tuple[str, float]:
    """(kind of input, change of P(meet) in pp per point of it) for the most influential input.

    Moving an input by one point moves the point forecast by its weight (the
    random walk's weight on the last figure is 1); P(meet) then moves by the
    density at the target times that shift.
    """
    if p.dist is None:
        return "", math.nan
    density = float(p.dist.cdf(target + 0.05) - p.dist.cdf(target - 0.05)) / 0.1
    if isinstance(p.dist, nowcast.Nowcast):
        release = next(a for a in reversed(p.evidence) if a.kind == "ytd")
        month = min(release.month + 1, 12)
        return "ytd", 100 * density * nowcast.share(p.indicator, month)
    if p.grade == "C":
        anchors = [a for a in p.evidence if a.kind in anchored.ANCHOR_WEIGHTS]
        movable = [a for a in anchors if a.kind not in ("target", "longrun")]
        if not movable:
            return "target", 0.0
        best = max(movable, key=lambda a: anchored.ANCHOR_WEIGHTS[a.kind])
        return best.kind, 100 * density * anchored.weight(best.kind, anchors)
    kind = "latest" if p.last_obs_kind == "estimate" else "own"
    return kind, 100 * density


def clear_cache() -> None:
    """Forget cached judgements."""
    caching.clear()
