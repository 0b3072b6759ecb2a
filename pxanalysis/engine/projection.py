"""Projections of annual growth with calibrated intervals, for one indicator or all nine.

>>> from pxanalysis.engine import projection
>>> projection.project("gdp", year=2024, method="mean", window=5)   # doctest: +SKIP

Every projection reports its method, the number of observations it used
(``n_obs``), an 80 % and a 95 % interval, and where the interval came from
(``interval_source``: the model, or widened to the backtest errors). A series
with fewer than :data:`~pxanalysis.engine.methods.MIN_OBS` observations gets no
model projection (flag ``insufficient_history``); fewer than
:data:`~pxanalysis.engine.methods.SHORT_OBS` gets the flag ``short_history``.
The methods themselves live in :mod:`pxanalysis.engine.methods`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pxanalysis import data
from pxanalysis.engine import backtest
from pxanalysis.engine.methods import (
    DEFAULT_METHOD,
    MIN_OBS,
    SHORT_OBS,
    MethodUnavailable,
    Predictive,
    check_method,
    clean_history,
    fit,
)
from pxanalysis.errors import UsageError, check_name
from pxanalysis.vocab import TARGET_IDS

COLUMNS = [
    "indicator",
    "year",
    "method",
    "n_obs",
    "median",
    "lo80",
    "hi80",
    "lo95",
    "hi95",
    "sd",
    "horizon",
    "last_obs_year",
    "interval_source",
    "flag",
    "note",
]


@dataclass
class Projection:
    """A projection with its distribution (for probabilities and scenario quantiles)."""

    indicator: str
    year: int
    method: str
    n_obs: int
    dist: Predictive | None
    horizon: int | None
    last_obs_year: int | None
    interval_source: str = ""
    flag: str = ""
    notes: list[str] = field(default_factory=list)

    def quantile(self, q: float) -> float:
        """The ``q`` quantile of the predictive distribution (NaN without one)."""
        return float("nan") if self.dist is None else self.dist.ppf(q)

    def prob_at_least(self, threshold: float) -> float:
        """P(outcome >= threshold)."""
        return float("nan") if self.dist is None else float(1 - self.dist.cdf(threshold))

    def prob_at_most(self, threshold: float) -> float:
        """P(outcome <= threshold)."""
        return float("nan") if self.dist is None else float(self.dist.cdf(threshold))

    def row(self) -> dict:
        has = self.dist is not None
        q = self.quantile if has else (lambda _: float("nan"))
        return {
            "indicator": self.indicator,
            "year": self.year,
            "method": self.method,
            "n_obs": self.n_obs,
            "median": q(0.5),
            "lo80": q(0.10),
            "hi80": q(0.90),
            "lo95": q(0.025),
            "hi95": q(0.975),
            "sd": self.dist.std() if has else float("nan"),
            "horizon": self.horizon,
            "last_obs_year": self.last_obs_year,
            "interval_source": self.interval_source,
            "flag": self.flag,
            "note": "; ".join(n for n in self.notes if n),
        }

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([self.row()], columns=COLUMNS)


def _history_for(indicator: str, history, use_estimates: bool, year: int) -> pd.Series:
    if history is not None:
        return clean_history(history, name=f"history of {indicator}")
    check_name(indicator, TARGET_IDS, "indicator")
    y = clean_history(data.history(indicator), name=indicator)
    if use_estimates:
        t = data.targets()
        est = t.loc[indicator, "value_2023"]
        if pd.notna(est) and 2023 not in y.index and year > 2023:
            y.loc[2023] = float(est)
    return y[y.index < year].sort_index()


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


def projection(
    indicator: str,
    year: int = 2024,
    method: str = DEFAULT_METHOD,
    window: int | None = None,
    history: pd.Series | None = None,
    calibrate: bool = True,
    use_estimates: bool = False,
) -> Projection:
    """Project one indicator and keep its predictive distribution.

    Parameters are those of :func:`project`.

    Returns
    -------
    Projection
    """
    check_method(method)
    y = _history_for(indicator, history, use_estimates, year)
    notes = []
    if use_estimates and history is None and 2023 in y.index:
        notes.append("includes the report's 2023 estimate (预计) as the last point")
    n = len(y)
    last = int(y.index[-1]) if n else None
    if n < MIN_OBS:
        notes.append(
            f"only {n} annual observation(s) (< {MIN_OBS}): no model projection; "
            "give a custom growth assumption"
        )
        return Projection(
            indicator, year, method, n, None, None, last, "", "insufficient_history", notes
        )
    _check_window(window, n, indicator)
    if year <= last:
        raise UsageError(f"year {year} is not after the last observation ({last})")
    try:
        fitted = fit(y, year, method, window)
    except MethodUnavailable as exc:
        notes.append(str(exc))
        return Projection(
            indicator, year, method, n, None, year - last, last, "", "method_unavailable", notes
        )
    notes.append(fitted.note)
    dist, source = fitted.dist, "model"
    if calibrate:
        dist, source = _calibrated(y, year - last, method, window, dist)
    flag = "short_history" if fitted.n_obs < SHORT_OBS else ""
    return Projection(
        indicator, year, method, fitted.n_obs, dist, year - last, last, source, flag, notes
    )


def _calibrated(y, horizon, method, window, dist):
    errors = backtest.errors(tuple(y.index), tuple(y.to_numpy()), method, horizon, window)
    if len(errors) < backtest.MIN_ERRORS:
        return dist, f"model (only {len(errors)} backtest errors: not calibrated)"
    rmse = float(np.sqrt(np.mean(np.square(errors))))
    sd = dist.std()
    if rmse > sd:
        return dist.widened(rmse / sd), (
            f"widened to backtest RMSE {rmse:.2f} (model sd {sd:.2f}, {len(errors)} origins, h={horizon})"
        )
    return dist, f"model (backtest RMSE {rmse:.2f} <= model sd {sd:.2f}, {len(errors)} origins)"


def project(
    indicator: str,
    year: int = 2024,
    method: str = DEFAULT_METHOD,
    window: int | None = None,
    history: pd.Series | None = None,
    calibrate: bool = True,
    use_estimates: bool = False,
) -> pd.DataFrame:
    """Project the annual growth (%) of one indicator for ``year``.

    Parameters
    ----------
    indicator : str
        One of :data:`pxanalysis.vocab.TARGET_IDS` (or any name with ``history``).
    year : int, default 2024
    method : str, default 'combo'
        A key of :data:`pxanalysis.engine.methods.METHODS`.
    window : int, optional
        Use only the last ``window`` observations (``mean`` defaults to 5,
        the others to all). Must be between 1 and the number of observations.
    history : pandas.Series, optional
        Growth by year to use instead of :func:`pxanalysis.data.history`.
    calibrate : bool, default True
        Widen the interval to the rolling-origin backtest RMSE at the same
        horizon where the model's interval is narrower (Bank of England,
        pre-1996); ``interval_source`` says which was used.
    use_estimates : bool, default False
        Append the report's 2023 estimate (预计) to the history (noted).

    Returns
    -------
    pandas.DataFrame
        One row with ``indicator, year, method, n_obs, median, lo80, hi80,
        lo95, hi95, sd, horizon, last_obs_year, interval_source, flag, note``.
    """
    return projection(indicator, year, method, window, history, calibrate, use_estimates).frame()


def capped_window(
    indicator: str, window: int | None, year: int = 2024, use_estimates: bool = False
) -> int | None:
    """``window`` capped to the indicator's history before ``year`` (None where too short).

    One window applies to all nine indicators in a scenario; each series uses at
    most what it has, and a series too short to project ignores it.
    """
    if window is None:
        return None
    n = len(_history_for(indicator, None, use_estimates, year))
    return None if n < MIN_OBS else min(window, n)


def project_all(
    year: int = 2024, method: str = DEFAULT_METHOD, window: int | None = None, **options
) -> pd.DataFrame:
    """:func:`project` for each of the nine main indicators (window capped per series)."""
    rows = []
    for indicator in TARGET_IDS:
        w = capped_window(indicator, window, year, options.get("use_estimates", False))
        rows.append(project(indicator, year, method, w, **options))
    return pd.concat(rows, ignore_index=True)
