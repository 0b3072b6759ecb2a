"""Projections against the report's main targets, for one scenario."""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from pxanalysis import caching, data
from pxanalysis.data import ledger, registry
from pxanalysis.engine import evidence, judgement, nowcast, projection, series
from pxanalysis.engine.calibration import EffectiveSD
from pxanalysis.engine.growth import implied_level
from pxanalysis.engine.meet import meet_probabilities
from pxanalysis.engine.methods import Predictive
from pxanalysis.engine.scenarios import Scenario

COLUMNS = [
    "indicator_id",
    "indicator",
    "target",
    "direction",
    "value_review",
    "kind_review",
    "method",
    "n_obs",
    "median",
    "lo80",
    "hi80",
    "lo95",
    "hi95",
    "scenario",
    "scenario_value",
    "value_source",
    "gap_pp",
    "p_meet",
    "p_meet_about",
    "ytd_month",
    "ytd_growth",
    "median_january",
    "p_meet_january",
    "as_of",
    "implied_level",
    "level_unit",
    "parent_target",
    "minus_parent",
    "grade",
    "evidence",
    "what_changes",
    "p_change_per_pp",
    "flag",
    "interval_source",
    "note",
]


def parent_targets(year: int, as_of=None) -> pd.Series:
    """The parent region's growth targets for ``year`` known on ``as_of`` (context), by
    indicator id: from its own report, or a shared package."""
    return _parent_targets(data.current().key, year, series.as_date(as_of).isoformat()).copy()


@caching.memoize(maxsize=64)
def _parent_targets(report_key: tuple, year: int, as_of: str) -> pd.Series:
    parent = data.current().parent
    obs = data.history_observations(as_of)
    sel = (obs["geo"] == parent) & (obs["kind"] == "target") & (obs["year"] == year)
    sel &= (obs["measure"] == "growth") & obs["preferred"]
    rows = obs[sel].sort_values("known_from")
    return rows.groupby("series")["value"].last()


def indicator_projection(
    indicator: str, scenario: Scenario, year: int | None = None
) -> projection.Projection:
    """The predictive distribution behind one indicator in a scenario.

    A user assumption replaces the model (normal with the assumed growth and sd)
    for the scenario's year. ``year`` (default: the scenario's) gives the model's
    projection for an intermediate year of a fan chart.
    """
    year = scenario.year if year is None else year
    if indicator in scenario.assumptions:
        a = scenario.assumptions[indicator]
        dist = Predictive((stats.norm(loc=a["growth"], scale=a["sd"]),))
        p = projection.Projection(
            indicator,
            scenario.year,
            "assumption",
            0,
            dist,
            None,
            None,
            "assumption (user sd)",
            "assumption",
            [f"user assumption: growth {a['growth']:g}%, sd {a['sd']:g} pp"],
        )
        return p
    annual = judgement.judge(indicator, year, scenario.method, scenario.window, scenario.as_of)
    p = with_releases(annual, indicator, scenario, year)
    return moved_with_base(p, indicator, scenario, year)


@dataclass(frozen=True)
class Shifted(EffectiveSD):
    """A predictive distribution moved by ``delta`` pp (its shape kept)."""

    base: object
    delta: float

    def cdf(self, x):
        return self.base.cdf(np.asarray(x, dtype=float) - self.delta)

    def ppf(self, q: float) -> float:
        return float(self.base.ppf(q)) + self.delta


def moved_with_base(p: projection.Projection, indicator: str, scenario: Scenario, year: int):
    """``p`` moved by what the scenario tells about the indicator it co-moves with.

    When the registry says an indicator moves with a base (retail sales with GDP) and the
    scenario moves the base's median (a GDP assumption, or a GDP release), the indicator's
    distribution moves by its loading times that change: the same factor structure the
    optimistic and pessimistic scenarios use (:attr:`Indicator.loading` relative to the
    base's). An indicator with its own assumption or its own release is left alone.
    """
    base = evidence.comoves_with(indicator)
    if (base is None or p.dist is None or year != scenario.year or indicator in scenario.ytd
            or p.method in ("assumption",) or any(a.kind == "ytd" for a in p.evidence)):  # fmt: skip
        return p
    if base not in scenario.assumptions and base not in scenario.ytd:
        moved = with_releases(
            judgement.judge(base, year, scenario.method, scenario.window, scenario.as_of),
            base, scenario, year,
        )  # fmt: skip
        if not any(a.kind == "ytd" for a in moved.evidence):
            return p
    else:
        moved = indicator_projection(base, scenario, year)
    plain = judgement.judge(base, year, scenario.method, scenario.window, scenario.as_of)
    change = moved.quantile(0.5) - plain.quantile(0.5)
    if not math.isfinite(change) or abs(change) < 1e-9:
        return p
    delta = change * registry.loading(indicator) / registry.loading(base)
    note = f"moved {delta:+.2f} pp with {base} ({change:+.2f} pp in this scenario)"
    return dataclasses.replace(p, dist=Shifted(p.dist, delta), notes=[*p.notes, note])


def with_releases(annual, indicator: str, scenario: Scenario, year: int | None = None):
    """The annual judgement updated by the year's latest release (the city's, or the user's)."""
    year = scenario.year if year is None else year
    if indicator in scenario.ytd:
        entry = scenario.ytd[indicator]
        return nowcast.nowcast(
            annual, entry["growth"], entry["through_month"], indicator, scenario.as_of
        )
    return nowcast.update(annual, indicator, year, scenario.as_of)


def compare_targets(scenario: Scenario | None = None) -> pd.DataFrame:
    """For each main target of the report: projection, scenario value, gap and P(meet).

    Cached per scenario (its parameters) and report: the explorer asks again for
    the same scenario when only the chart changes. See :func:`_compare` for the columns.
    """
    scenario = scenario or Scenario()
    report = data.reports.describe(scenario.region, scenario.year)
    key = (report.key, scenario.name,
           json.dumps(scenario.as_params(), sort_keys=True, default=str))  # fmt: skip
    if key not in _COMPARED:
        if len(_COMPARED) >= 64:
            _COMPARED.pop(next(iter(_COMPARED)))
        _COMPARED[key] = _compare(scenario)
    return _COMPARED[key].copy()


_COMPARED: dict[tuple, pd.DataFrame] = {}
caching.register(_COMPARED)


def widened(row: dict, grade: str) -> dict:
    """A projection row with its 80 % and 95 % bands widened by the track record's factor for
    its grade (the smallest that brought the ledger's development coverage to 80 %)."""
    cal = ledger.calibration()
    factor = (cal or {}).get("widen", {}).get(str(grade), 1.0)
    if factor == 1.0 or row["median"] != row["median"]:
        return row
    out = dict(row)
    for lo, hi in (("lo80", "hi80"), ("lo95", "hi95")):
        out[lo] = row["median"] - factor * (row["median"] - row[lo])
        out[hi] = row["median"] + factor * (row[hi] - row["median"])
    return out


def _compare(scenario: Scenario) -> pd.DataFrame:
    """The comparison itself (:func:`compare_targets` caches it).

    Parameters
    ----------
    scenario : Scenario, optional
        Default: baseline with the default method.

    Returns
    -------
    pandas.DataFrame
        One row per target (see :data:`COLUMNS`). ``gap_pp`` is positive when the
        scenario value beats the target in its direction (a larger decline for
        energy intensity). ``p_meet`` is P(outcome >= target), or P(outcome <=
        target) for a decline target, from the predictive distribution;
        ``p_meet_about`` the same within :data:`ABOUT_BAND` for targets written 左右.
        ``implied_level`` is the target year's level at the previous year's prices
        where that level exists (GDP, 亿元). Indicators with too little history and no assumption
        have no projection: the ``flag`` says so.
    """
    if (scenario.region, scenario.year) != (data.current().region, data.current().year):
        with data.using(scenario.region, scenario.year):
            return _compare(scenario)
    t = data.targets(scenario.year)
    province = parent_targets(scenario.year, scenario.as_of)
    rows = []
    for indicator, target in t.iterrows():
        p = indicator_projection(indicator, scenario)
        january = p
        if indicator not in scenario.assumptions:
            january = judgement.judge(
                indicator, scenario.year, scenario.method, scenario.window, scenario.as_of
            )
        ytd = next((a for a in p.evidence if a.kind == "ytd"), None)
        r = widened(p.row(), p.shown_grade)
        q = scenario.quantile_for(target["direction"], indicator)
        if scenario.name == "targets_met":
            value, source = float(target["value"]), "target"
        elif p.dist is None:
            value, source = math.nan, "none"
        else:
            value = p.quantile(q)
            source = "assumption" if p.method == "assumption" else f"projection q={q:g}"
        sign = 1 if target["direction"] == "increase" else -1
        p_meet, p_about = meet_probabilities(
            p, float(target["value"]), target["direction"], target["qualifier"]
        )
        changer, sensitivity = judgement.what_would_change(
            p, float(target["value"]), target["direction"]
        )
        level, level_unit = math.nan, ""
        history_id = series.history_series(indicator)
        levels = data.levels(history_id) if history_id else pd.DataFrame()
        if (scenario.year - 1) in levels.index and not math.isnan(value):
            base = levels.loc[scenario.year - 1]
            level = implied_level(float(base["value"]), value)
            level_unit = f"{base['unit']} ({scenario.year - 1}年价格)"
        jx = float(province.get(history_id, math.nan)) if history_id else math.nan
        note = r["note"]
        if p.dist is None and p.flag == "insufficient_history":
            note = (
                f"history too thin ({p.n_obs} obs): no projection; "
                "use the custom scenario with a growth assumption"
            )
        rows.append(
            {
                "indicator_id": indicator,
                "indicator": target["indicator"],
                "target": float(target["value"]),
                "direction": target["direction"],
                "value_review": target["value_review"],
                "kind_review": target["kind_review"],
                "method": r["method"],
                "n_obs": r["n_obs"],
                "median": r["median"],
                "lo80": r["lo80"],
                "hi80": r["hi80"],
                "lo95": r["lo95"],
                "hi95": r["hi95"],
                "scenario": scenario.name,
                "scenario_value": value,
                "value_source": source,
                "gap_pp": sign * (value - float(target["value"])) + 0.0,
                "p_meet": p_meet,
                "p_meet_about": p_about,
                "ytd_month": ytd.month if ytd else 0,
                "ytd_growth": ytd.value if ytd else math.nan,
                "median_january": january.quantile(0.5),
                "p_meet_january": meet_probabilities(
                    january, float(target["value"]), target["direction"], target["qualifier"]
                )[0],
                "as_of": scenario.as_of,
                "implied_level": level,
                "level_unit": level_unit,
                "parent_target": jx,
                "minus_parent": float(target["value"]) - jx,
                "grade": p.shown_grade,
                "evidence": r["evidence"],
                "what_changes": changer,
                "p_change_per_pp": sensitivity,
                "flag": r["flag"],
                "interval_source": r["interval_source"],
                "note": note,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def clear_cache() -> None:
    """Forget the cached parent targets and comparisons (every cache)."""
    caching.clear()


#: The methods whose answers make the range printed beside the default's (the fast ones;
#: ARIMA and ETS are too slow to run on every brief and are in the backtest table).
RANGE_METHODS = ("last", "mean3", "trend", "combo")


def method_range(scenario: Scenario | None = None) -> pd.DataFrame:
    """P(meet) of each target under every method of :data:`RANGE_METHODS`: min and max.

    No answer hinges on one method silently: the brief prints this range beside the
    default method's P(meet).
    """
    scenario = scenario or Scenario()
    answers = []
    for method in RANGE_METHODS:
        other = dataclasses.replace(scenario, method=method, name="baseline")
        answers.append(compare_targets(other).set_index("indicator_id")["p_meet"].rename(method))
    frame = pd.concat(answers, axis=1)
    return pd.DataFrame({"p_min": frame.min(axis=1), "p_max": frame.max(axis=1)})
