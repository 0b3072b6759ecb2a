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

from pxanalysis import data, forecast

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


@functools.lru_cache(maxsize=256)
def _run(years: tuple, values: tuple, method: str, horizon: int, window: int | None) -> tuple:
    y = pd.Series(values, index=list(years), dtype="float64")
    rows = []
    for target in y.index:
        train = y[y.index <= target - horizon]
        if len(train) < max(forecast.MIN_OBS, forecast.METHOD_MIN_OBS[method]):
            continue
        w = None if window is None else min(window, len(train))
        p = forecast.projection("backtest", int(target), method, w, history=train, calibrate=False)
        if p.dist is None:
            continue
        r = p.row()
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
        As in :func:`pxanalysis.forecast.project`.
    history : pandas.Series, optional
        A growth series to use instead.

    Returns
    -------
    pandas.DataFrame
        One row per (method, projected year).
    """
    methods = tuple(forecast.METHODS) if methods is None else methods
    for m in methods:
        forecast.check_method(m)
    if history is None:
        if indicator not in data.TARGET_IDS:
            raise ValueError(
                f"unknown indicator {indicator!r}; valid indicators: {', '.join(data.TARGET_IDS)}"
            )
        history = data.history(indicator)
    y = forecast.clean_history(history, name=indicator)
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
