"""Projections of annual growth as of a date, with intervals calibrated on real-time errors.

>>> from pxanalysis.engine import projection
>>> projection.project("gdp")                      # as of the report, default method  # doctest: +SKIP
>>> projection.project("gdp", method="mean", window=5, as_of="2024-01-31")             # doctest: +SKIP

A projection uses the information known on ``as_of`` (default: the report's
date): the history rows published by then and the report's own 2023 figure
(an estimate 预计 or an actual), so that 2024 is one year ahead
(:mod:`pxanalysis.engine.series`). The point forecast comes from the method;
the interval from the real-time errors of the same method at the same horizon
(:mod:`pxanalysis.engine.calibration`), widened or narrowed to match them, with
the uncertainty of an estimated last point added. ``method="auto"`` (the
default) is the method chosen by :data:`pxanalysis.engine.selection.RULE`.

Every projection reports its method, the observations it used (``n_obs``), an
80 % and a 95 % interval, and where the interval came from
(``interval_source``). A series with fewer than :data:`~pxanalysis.engine.methods.MIN_OBS`
observations gets no model projection (flag ``insufficient_history``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pxanalysis import caching, data
from pxanalysis.data import ledger
from pxanalysis.engine import backtest, calibration, selection, series
from pxanalysis.engine.methods import (
    MIN_OBS,
    SHORT_OBS,
    MethodUnavailable,
    check_method,
    clean_history,
    fit,
)
from pxanalysis.errors import UsageError, check_name
from pxanalysis.vocab import AUTO_METHOD

#: The quantiles a projection reports, by column name.
QUANTILES = {"median": 0.5, "lo80": 0.10, "hi80": 0.90, "lo95": 0.025, "hi95": 0.975}

#: Below this (pp) two figures are the same: released figures have one decimal.
_AT = 1e-9

COLUMNS = [
    "indicator",
    "year",
    "as_of",
    "method",
    "n_obs",
    "last_obs_year",
    "last_obs_kind",
    "horizon",
    "point",
    "median",
    "lo80",
    "hi80",
    "lo95",
    "hi95",
    "sd",
    "interval_source",
    "flag",
    "grade",
    "evidence",
    "note",
]


@dataclass
class Projection:
    """A projection with its distribution (for probabilities and scenario quantiles)."""

    indicator: str
    year: int
    method: str
    n_obs: int
    dist: object | None
    horizon: int | None
    last_obs_year: int | None
    interval_source: str = ""
    flag: str = ""
    notes: list[str] = field(default_factory=list)
    as_of: str = ""
    last_obs_kind: str = ""
    point: float = float("nan")
    grade: str = ""
    evidence: tuple = ()
    #: Calibration was asked for but too few real-time errors existed: the model's own band.
    too_few_errors: bool = False

    @property
    def shown_grade(self) -> str:
        """The grade shown with it: A-C, ``U`` for a user's assumption, '' for none."""
        return self.grade or ("U" if self.method == "assumption" else "")

    def quantile(self, q: float) -> float:
        """The ``q`` quantile of the predictive distribution (NaN without one)."""
        return float("nan") if self.dist is None else float(self.dist.ppf(q))

    def quantiles(self) -> dict[str, float]:
        """The median and the 80 % and 95 % bounds (:data:`QUANTILES`; NaN without a distribution)."""
        return {name: self.quantile(q) for name, q in QUANTILES.items()}

    def prob_at_least(self, threshold: float) -> float:
        """P(outcome >= threshold) (an outcome exactly at it counts, e.g. a final figure)."""
        if self.dist is None:
            return float("nan")
        return float(1 - self.dist.cdf(threshold - _AT))

    def prob_at_most(self, threshold: float) -> float:
        """P(outcome <= threshold)."""
        return float("nan") if self.dist is None else float(self.dist.cdf(threshold))

    def row(self) -> dict:
        has = self.dist is not None
        return {
            "indicator": self.indicator,
            "year": self.year,
            "as_of": self.as_of,
            "method": self.method,
            "n_obs": self.n_obs,
            "last_obs_year": self.last_obs_year,
            "last_obs_kind": self.last_obs_kind,
            "horizon": self.horizon,
            "point": self.point,
            **self.quantiles(),
            "sd": self.dist.std() if has else float("nan"),
            "interval_source": self.interval_source,
            "flag": self.flag,
            "grade": self.grade,
            "evidence": " | ".join(a.describe() for a in self.evidence),
            "note": "; ".join(n for n in self.notes if n),
        }

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([self.row()], columns=COLUMNS)


def resolve_method(method: str, as_of=None) -> tuple[str, str]:
    """(method, note): ``auto`` becomes the method the rule chooses as of ``as_of``."""
    if method == AUTO_METHOD:
        cal = ledger.calibration()
        if cal is not None and cal["method"] != AUTO_METHOD:
            return cal["method"], (
                f"default by the track record: best real-time log score of P(meet) on the "
                f"ledger's targets up to {cal['cutoff']}"
            )
        choice = selection.choose(as_of)
        return choice.method, f"default by rule: {choice.reason()}"
    return check_method(method), ""


def _check_window(window: int | None, n: int, indicator: str) -> None:
    if window is None:
        return
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)):
        raise UsageError(f"window must be a whole number >= 1, not {window!r}")
    if window < 1:
        raise UsageError(f"window must be >= 1, not {window}")
    if window > n:
        raise UsageError(
            f"window {window} is larger than the history of {indicator} ({n} observations)"
        )


def last_point_weight(y: pd.Series, year: int, method: str, window: int | None) -> float:
    """How much the point forecast moves per point of the last observation."""
    step = 0.5
    up, down = y.copy(), y.copy()
    up.iloc[-1] += step
    down.iloc[-1] -= step
    try:
        return abs(fit(up, year, method, window).point - fit(down, year, method, window).point) / (
            2 * step
        )
    except MethodUnavailable:
        return 1.0


def _calibrate(indicator, y, last_kind, year, method, window, fitted, history, as_of):
    """The calibrated distribution and a line saying where its width came from (or None)."""
    horizon = year - int(y.index[-1])
    if history is not None:
        pools = {"custom": y}
    else:
        # the region's series as this projection sees it, among the panel's
        pools = {**series.panel_series(indicator, as_of), data.current().region: y}
        pools = backtest.pools_for(method, pools)
    errors = backtest.forecasts(pools, method, horizon, window)
    widths = backtest.spread_at(errors, int(y.index[-1]))
    if widths is None:
        core = int((~errors["pandemic"]).sum())
        return None, (f"model (only {core} real-time errors at h={horizon}: too few to calibrate)")
    extra = 0.0
    text = calibration.describe(widths) + f", h={horizon}, {len(pools)} series"
    if last_kind == "estimate":
        extra = calibration.ESTIMATE_SD * last_point_weight(y, year, method, window)
        text += (
            f"; the last point is the report's estimate (预计): +{calibration.ESTIMATE_SD:g} pp "
            f"estimate uncertainty x weight {extra / calibration.ESTIMATE_SD:.2f}"
        )
    return calibration.predictive(fitted.point, widths, extra), text


def projection(
    indicator: str,
    year: int | None = None,
    method: str = AUTO_METHOD,
    window: int | None = None,
    history: pd.Series | None = None,
    calibrate: bool = True,
    as_of=None,
    use_report: bool = True,
) -> Projection:
    """Project one indicator and keep its predictive distribution.

    Parameters are those of :func:`project`.

    Returns
    -------
    Projection
    """
    as_of_date = series.as_date(as_of)
    year = year or data.current().year
    method, rule_note = resolve_method(method, as_of_date)
    notes = [rule_note] if rule_note else []
    if history is not None:
        y = clean_history(history, name=f"history of {indicator}")
        kinds = pd.Series("actual", index=y.index)
    else:
        check_name(indicator, data.target_ids(), "indicator")
        frame = series.growth_series(indicator, as_of_date, use_report)
        y, kinds = clean_history(frame["value"], name=indicator), frame["kind"]
    y = y[y.index < year]
    n = len(y)
    last = int(y.index[-1]) if n else None
    last_kind = str(kinds.get(last, "")) if n else ""
    if last_kind == "estimate":
        notes.append(f"the last point ({last}) is the report's estimate (预计)")
    common = {"as_of": as_of_date.isoformat(), "last_obs_kind": last_kind}
    if n < MIN_OBS:
        notes.append(
            f"only {n} annual observation(s) (< {MIN_OBS}): no model projection; "
            "give a custom growth assumption"
        )
        return Projection(
            indicator, year, method, n, None, None, last, "", "insufficient_history", notes,
            **common,
        )  # fmt: skip
    _check_window(window, n, indicator)
    if year <= last:
        raise UsageError(f"year {year} is not after the last observation ({last})")
    try:
        fitted = fit(y, year, method, window)
    except MethodUnavailable as exc:
        notes.append(str(exc))
        return Projection(
            indicator, year, method, n, None, year - last, last, "", "method_unavailable", notes,
            **common,
        )  # fmt: skip
    notes.append(fitted.note)
    dist, source, too_few = fitted.dist, "model", False
    if calibrate:
        calibrated, source = _calibrate(
            indicator, y, last_kind, year, method, window, fitted, history, as_of_date
        )
        dist, too_few = calibrated or dist, calibrated is None
    flag = "short_history" if n < SHORT_OBS else ""
    return Projection(
        indicator, year, method, fitted.n_obs, dist, year - last, last, source, flag, notes,
        point=fitted.point, too_few_errors=too_few, **common,
    )  # fmt: skip


def project(
    indicator: str,
    year: int | None = None,
    method: str = AUTO_METHOD,
    window: int | None = None,
    history: pd.Series | None = None,
    calibrate: bool = True,
    as_of=None,
    use_report: bool = True,
) -> pd.DataFrame:
    """Project the annual growth (%) of one indicator for ``year``.

    Parameters
    ----------
    indicator : str
        A target id of the current report (or any name with ``history``).
    year : int, optional
        Default: the current report's year.
    method : str, default 'auto'
        A key of :data:`pxanalysis.engine.methods.METHODS`, or ``auto``: the
        method :data:`pxanalysis.engine.selection.RULE` chooses.
    window : int, optional
        Use only the last ``window`` observations (``mean`` defaults to 5,
        the others to all). Must be between 1 and the number of observations.
    history : pandas.Series, optional
        Growth by year to use instead of the information set (no pooling, no
        report point).
    calibrate : bool, default True
        Size the interval by the method's real-time errors at the same horizon
        (widened or narrowed); ``interval_source`` says how. False: the model's
        own interval.
    as_of : date or 'YYYY-MM-DD', optional
        The information set's date (default: the report's date).
    use_report : bool, default True
        Use the report's figure for the review year as the last point (if the report is out by
        ``as_of``).

    Returns
    -------
    pandas.DataFrame
        One row (see :data:`COLUMNS`).
    """
    return projection(
        indicator, year, method, window, history, calibrate, as_of, use_report
    ).frame()


def capped_window(
    indicator: str, window: int | None, year: int | None = None, as_of=None
) -> int | None:
    """``window`` capped to the indicator's series before ``year`` (None where too short).

    One window applies to all nine indicators in a scenario; each series uses at
    most what it has, and a series too short to project ignores it.
    """
    if window is None:
        return None
    year = year or data.current().year
    n = int((series.growth_series(indicator, as_of).index < year).sum())
    return None if n < MIN_OBS else min(window, n)


def project_all(
    year: int | None = None, method: str = AUTO_METHOD, window: int | None = None, as_of=None
) -> pd.DataFrame:
    """:func:`project` for each main target of the report (window capped per series)."""
    rows = []
    for indicator in data.target_ids():
        w = capped_window(indicator, window, year, as_of)
        rows.append(project(indicator, year, method, w, as_of=as_of))
    return pd.concat(rows, ignore_index=True)


def cached(indicator: str, year: int, method: str, window: int | None, as_of: str) -> Projection:
    """:func:`projection` cached (scenarios, charts and the explorer share it)."""
    return _cached(data.current().key, indicator, year, method, window, as_of)


@caching.memoize(maxsize=4096)  # the explorer warms every method x window
def _cached(report_key: tuple, indicator, year, method, window, as_of) -> Projection:
    return projection(indicator, year, method, window, as_of=as_of)


def clear_cache() -> None:
    """Forget cached projections."""
    caching.clear()
