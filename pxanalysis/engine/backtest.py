"""Rolling-origin backtest of the projection methods.

For every year ``t`` with enough earlier observations, each method is fitted
on the observations up to ``t - horizon`` and its projection for ``t`` is
compared with the outcome. The summary gives MAE, RMSE, bias (mean of
actual - projection), the empirical coverage of the 80 % and 95 % intervals,
and the MAE relative to the naive ``mean`` method on the same target years.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from pxanalysis import data
from pxanalysis.engine import methods as registry
from pxanalysis.errors import MethodUnavailable, check_name
from pxanalysis.vocab import TARGET_IDS

MIN_ERRORS = 4
COLUMNS = [
    "method",
    "origin",
    "year",
    "horizon",
    "actual",
    "median",
    "lo80",
    "hi80",
    "lo95",
    "hi95",
    "error",
    "in80",
    "in95",
]


_QUANTILES = {"median": 0.5, "lo80": 0.1, "hi80": 0.9, "lo95": 0.025, "hi95": 0.975}


@functools.lru_cache(maxsize=256)
def _run(years: tuple, values: tuple, method: str, horizon: int, window: int | None) -> tuple:
    y = pd.Series(values, index=list(years), dtype="float64")
    rows = []
    for target in y.index:
        train = y[y.index <= target - horizon]
        if len(train) < max(registry.MIN_OBS, registry.METHOD_MIN_OBS[method]):
            continue
        w = None if window is None else min(window, len(train))
        try:
            dist = registry.fit(train, int(target), method, w).dist
        except MethodUnavailable:
            continue
        r = {k: dist.ppf(q) for k, q in _QUANTILES.items()}
        actual = float(y.loc[target])
        rows.append(
            (
                method,
                int(train.index[-1]),
                int(target),
                int(target - train.index[-1]),
                actual,
                r["median"],
                r["lo80"],
                r["hi80"],
                r["lo95"],
                r["hi95"],
                actual - r["median"],
                r["lo80"] <= actual <= r["hi80"],
                r["lo95"] <= actual <= r["hi95"],
            )
        )
    return tuple(rows)


def errors(years: tuple, values: tuple, method: str, horizon: int, window: int | None) -> list:
    """Backtest errors (actual - median) of one method at one horizon."""
    return [r[10] for r in _run(years, values, method, horizon, window)]


def backtest(
    indicator: str = "gdp",
    methods: tuple[str, ...] | None = None,
    horizon: int = 1,
    window: int | None = None,
    history: pd.Series | None = None,
) -> pd.DataFrame:
    """Per-origin projections and errors.

    Parameters
    ----------
    indicator : str
        A main indicator id (its history from :func:`pxanalysis.data.history`).
    methods : tuple of str, optional
        Default: every registered method.
    horizon : int, default 1
        Calendar years between the last training year and the projected year.
    window : int, optional
        As in :func:`pxanalysis.engine.projection.project`.
    history : pandas.Series, optional
        A growth series to use instead.

    Returns
    -------
    pandas.DataFrame
        One row per (method, projected year).
    """
    methods = tuple(registry.METHODS) if methods is None else methods
    for m in methods:
        registry.check_method(m)
    if history is None:
        check_name(indicator, TARGET_IDS, "indicator")
        history = data.history(indicator)
    y = registry.clean_history(history, name=indicator)
    rows = []
    for m in methods:
        rows.extend(_run(tuple(int(i) for i in y.index), tuple(y.to_numpy()), m, horizon, window))
    return pd.DataFrame(rows, columns=COLUMNS)


def summary(results: pd.DataFrame) -> pd.DataFrame:
    """Accuracy by method: n, MAE, RMSE, bias, coverage of the 80/95 % bands, MAE vs mean.

    ``rel_mae_vs_mean`` compares each method with ``mean`` on the target years
    both could project (< 1: better than the naive benchmark).
    """
    out = []
    base = results[results["method"] == "mean"].set_index("year")["error"].abs()
    for method, g in results.groupby("method", sort=False):
        e = g["error"].to_numpy()
        common = g.set_index("year")["error"].abs().reindex(base.index).dropna()
        rel = common.mean() / base.loc[common.index].mean() if len(common) else np.nan
        out.append(
            {
                "method": method,
                "n": len(g),
                "mae": float(np.mean(np.abs(e))),
                "rmse": float(np.sqrt(np.mean(e**2))),
                "bias": float(np.mean(e)),
                "coverage80": float(g["in80"].mean()),
                "coverage95": float(g["in95"].mean()),
                "rel_mae_vs_mean": float(rel),
            }
        )
    return pd.DataFrame(out).set_index("method")


def clear_cache() -> None:
    """Forget cached backtest runs."""
    _run.cache_clear()
