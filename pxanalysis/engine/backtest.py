"""Real-time (pseudo-out-of-sample) backtests at true horizons, of the intervals actually shipped.

For a series and a horizon ``h``, each *origin* year ``t`` that the series has
gives one forecast: the method is fitted on the years up to ``t`` and projects
``t + h``. A forecast counts only at its true horizon: with 2017 missing, a
forecast from 2016 to 2018 is a two-year-ahead forecast and never enters the
one-year table.

The interval evaluated is the one the engine ships: sized by
:mod:`pxanalysis.engine.calibration` from the errors whose outcomes were known
at the origin (target years up to ``t``), pooled over the series given (Jiangxi's
cities for GDP). Forecasts made before enough errors existed are counted for
accuracy but not for coverage (``calibrated`` is False).

The summary gives, per method: the number of origins, MAE, RMSE, bias, the
coverage and mean width of the shipped 80 % and 95 % intervals, and against
the naive mean on the same forecasts: the MAE ratio and the mean paired
difference of absolute errors with its standard error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pxanalysis import caching, data
from pxanalysis.data import registry as indicator_registry
from pxanalysis.engine import calibration, series
from pxanalysis.engine import methods as registry
from pxanalysis.errors import MethodUnavailable, check_name

COLUMNS = [
    "method",
    "geo",
    "origin",
    "year",
    "horizon",
    "actual",
    "point",
    "error",
    "pandemic",
    "calibrated",
    "median",
    "lo80",
    "hi80",
    "lo95",
    "hi95",
    "in80",
    "in95",
]
BENCHMARK = "mean"
_Q = np.array([0.5, 0.1, 0.9, 0.025, 0.975])


def _key(series_by_geo: dict[str, pd.Series]) -> tuple:
    return tuple(
        (geo, tuple(int(i) for i in s.index), tuple(float(v) for v in s.to_numpy()))
        for geo, s in sorted(series_by_geo.items())
    )


@caching.memoize(maxsize=4096)
def _forecasts(key: tuple, method: str, horizon: int, window: int | None) -> pd.DataFrame:
    rows = []
    need = max(registry.MIN_OBS, registry.METHOD_MIN_OBS[method])
    for geo, years, values in key:
        y = pd.Series(values, index=pd.Index(years, dtype="int64"), dtype="float64")
        observed = set(years)
        for i, origin in enumerate(years):
            target = origin + horizon
            if target not in observed or i + 1 < need:
                continue
            train = y.iloc[: i + 1]
            w = None if window is None else min(window, len(train))
            try:
                point = registry.fit(train, target, method, w).point
            except MethodUnavailable:
                continue
            actual = float(y.loc[target])
            rows.append((geo, origin, target, actual, point))
    return error_frame(rows, ["geo", "origin", "year", "actual", "point"])


def forecasts(
    series_by_geo: dict[str, pd.Series], method: str, horizon: int = 1, window: int | None = None
) -> pd.DataFrame:
    """Point forecasts and errors at a true horizon, for every series and origin.

    Returns
    -------
    pandas.DataFrame
        ``geo, origin, year, actual, point, error, pandemic``.
    """
    registry.check_method(method)
    return _forecasts(_key(series_by_geo), method, horizon, window).copy()


def error_frame(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    """Forecast rows as a frame with ``error`` (actual - point) and ``pandemic`` added."""
    frame = pd.DataFrame(rows, columns=columns)
    frame["error"] = frame["actual"] - frame["point"]
    frame["pandemic"] = frame["year"].isin(calibration.PANDEMIC_YEARS)
    return frame


def pools_for(method: str, pools: dict[str, pd.Series]) -> dict[str, pd.Series]:
    """The series ``method`` is backtested on: all of them, or for the slow methods
    (``arima``, ``ets``) the region's own series (or a custom one) only."""
    if method in registry.FAST_METHODS:
        return pools
    return {k: v for k, v in pools.items() if k in (data.current().region, "custom")}


def spread_at(frame: pd.DataFrame, origin: int) -> calibration.Spread | None:
    """The widths from the errors of ``frame`` known at ``origin`` (targets up to it)."""
    return calibration.spread(frame["error"].to_numpy(), frame["year"].to_numpy(), origin)


def shipped(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the shipped (real-time calibrated) intervals to point forecasts, and their hits."""
    out = frame.copy()
    spreads = {origin: spread_at(frame, origin) for origin in sorted(set(frame["origin"]))}
    ok = np.array([spreads[o] is not None for o in out["origin"]], dtype=bool)
    out["calibrated"] = ok
    for name in ("median", "lo80", "hi80", "lo95", "hi95"):
        out[name] = np.nan
    if ok.any():
        rows = out[ok]
        s = [spreads[o] for o in rows["origin"]]
        args = [
            rows["point"].to_numpy(),
            np.array([x.below for x in s]),
            np.array([x.above for x in s]),
            np.array([x.shock_mean for x in s]),
            np.array([x.shock_sd if x.has_shock else 0.0 for x in s]),
            np.full(len(s), calibration.SHOCK_PROBABILITY),
        ]
        q = calibration.mixture_ppf(_Q[:, None], *(a[None, :] for a in args))
        for name, values in zip(("median", "lo80", "hi80", "lo95", "hi95"), q, strict=True):
            out.loc[ok, name] = values
    out["in80"] = (out["lo80"] <= out["actual"]) & (out["actual"] <= out["hi80"])
    out["in95"] = (out["lo95"] <= out["actual"]) & (out["actual"] <= out["hi95"])
    return out


def backtest(
    indicator: str = "gdp",
    methods: tuple[str, ...] | None = None,
    horizon: int = 1,
    window: int | None = None,
    history: pd.Series | None = None,
    as_of=None,
) -> pd.DataFrame:
    """Per-forecast real-time backtest of each method (shipped intervals included).

    Parameters
    ----------
    indicator : str
        A main indicator id: Pingxiang's series as known on ``as_of`` (GDP: with
        Jiangxi's other cities pooled).
    methods : tuple of str, optional
        Default: every registered method (the slow ``arima`` and ``ets`` on
        Pingxiang's series only).
    horizon : int, default 1
        Years between the origin and the projected year (a true horizon).
    window : int, optional
        As in :func:`pxanalysis.engine.projection.project`.
    history : pandas.Series, optional
        One growth series to use instead (no pooling).
    as_of : date, optional
        The information set (default: the report's date).

    Returns
    -------
    pandas.DataFrame
        One row per (method, geo, projected year): see :data:`COLUMNS`.
    """
    names = tuple(registry.METHODS) if methods is None else tuple(methods)
    pools = _pools(indicator, names, history, as_of)
    frames = []
    for m in names:
        f = shipped(forecasts(pools_for(m, pools), m, horizon, window))
        f.insert(0, "method", m)
        f.insert(4, "horizon", horizon)
        frames.append(f)
    return pd.concat(frames, ignore_index=True)[COLUMNS]


def point_backtest(
    indicator: str, methods: tuple[str, ...], horizon: int = 1, as_of=None
) -> pd.DataFrame:
    """As :func:`backtest`, point forecasts and errors only (no intervals: much faster).

    Returns
    -------
    pandas.DataFrame
        ``method, geo, origin, year, actual, point, error, pandemic``.
    """
    pools = _pools(indicator, methods, None, as_of)
    frames = [forecasts(pools_for(m, pools), m, horizon).assign(method=m) for m in methods]
    return pd.concat(frames, ignore_index=True)


def _pools(indicator, methods, history, as_of) -> dict[str, pd.Series]:
    for m in methods:
        registry.check_method(m)
    if history is not None:
        return {"custom": registry.clean_history(history, name=indicator)}
    check_name(indicator, (*data.target_ids(), *indicator_registry.ids()), "indicator")
    return series.panel_series(indicator, as_of)


@dataclass(frozen=True)
class Paired:
    """One method's absolute errors against the naive mean's, on their common forecasts."""

    n_common: int
    mae: float
    mae_mean: float
    diff_mean: float
    diff_se: float

    @property
    def rel_mae(self) -> float:
        """MAE relative to the naive mean's (below 1: better)."""
        return float(np.float64(self.mae) / self.mae_mean)


def paired(results: pd.DataFrame, method: str) -> Paired:
    """``method`` against :data:`BENCHMARK` on the (geo, year) forecasts both made.

    Parameters
    ----------
    results : pandas.DataFrame
        From :func:`backtest` or :func:`point_backtest` (with the benchmark).
    """
    base = results[results["method"] == BENCHMARK].set_index(["geo", "year"])["error"].abs()
    mine = results[results["method"] == method].set_index(["geo", "year"])["error"].abs()
    common = mine.index.intersection(base.index)
    n = len(common)
    diff = (mine.loc[common] - base.loc[common]).to_numpy()
    return Paired(
        n_common=n,
        mae=float(mine.loc[common].mean()) if n else np.nan,
        mae_mean=float(base.loc[common].mean()) if n else np.nan,
        diff_mean=float(diff.mean()) if n else np.nan,
        diff_se=float(diff.std(ddof=1) / math.sqrt(n)) if n > 1 else np.nan,
    )


def summary(results: pd.DataFrame, exclude_pandemic: bool = False) -> pd.DataFrame:
    """Accuracy by method, with the number of origins and the comparison with the naive mean.

    Parameters
    ----------
    results : pandas.DataFrame
        From :func:`backtest`.
    exclude_pandemic : bool
        Leave out the pandemic target years (2020-2022).

    Returns
    -------
    pandas.DataFrame
        Index ``method``; columns ``n`` (forecasts), ``mae``, ``rmse``, ``bias``
        (mean of actual - point), ``n_calibrated`` (forecasts with a shipped
        interval), ``coverage80``, ``coverage95``, ``width80``, and against the
        naive mean on common forecasts: ``n_common``, ``rel_mae_vs_mean``,
        ``diff_abs_error`` (mean of |e| - |e_mean|; negative: better) and
        ``diff_se`` (its paired standard error).
    """
    if exclude_pandemic:
        results = results[~results["pandemic"]]
    out = []
    for method, g in results.groupby("method", sort=False):
        e = g["error"].to_numpy()
        cal = g[g["calibrated"]]
        vs_mean = paired(results, method)
        out.append(
            {
                "method": method,
                "n": len(g),
                "mae": float(np.mean(np.abs(e))) if len(e) else np.nan,
                "rmse": float(np.sqrt(np.mean(e**2))) if len(e) else np.nan,
                "bias": float(np.mean(e)) if len(e) else np.nan,
                "n_calibrated": len(cal),
                "coverage80": float(cal["in80"].mean()) if len(cal) else np.nan,
                "coverage95": float(cal["in95"].mean()) if len(cal) else np.nan,
                "width80": float((cal["hi80"] - cal["lo80"]).mean()) if len(cal) else np.nan,
                "n_common": vs_mean.n_common,
                "rel_mae_vs_mean": vs_mean.rel_mae,
                "diff_abs_error": vs_mean.diff_mean,
                "diff_se": vs_mean.diff_se,
            }
        )
    return pd.DataFrame(out).set_index("method")


def clear_cache() -> None:
    """Forget cached backtest forecasts (every cache: :func:`pxanalysis.caching.clear`)."""
    caching.clear()
