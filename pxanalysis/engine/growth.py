"""Growth maths on annual series: growth <-> levels, CAGR, chaining, gaps, breaks.

Conventions: growth rates are in percent (``5.5`` means +5.5 %); series are
``pandas.Series`` indexed by integer year. Levels carry a statistical basis;
growth is never computed across a level break (see
``data/shared/jiangxi/history/README.md``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pxanalysis.errors import LevelBreakError, UsageError

__all__ = [
    "LevelBreakError",
    "annual",
    "average_growth",
    "cagr",
    "compound",
    "growth_from_levels",
    "implied_level",
    "levels_from_growth",
    "missing_years",
]


def annual(series: pd.Series) -> pd.Series:
    """Reindex to every year from the first to the last; missing years become NaN.

    Raises
    ------
    UsageError
        On duplicate years (never silently averaged).
    """
    series = pd.Series(series, dtype="float64")
    if series.index.duplicated().any():
        dupes = sorted(set(series.index[series.index.duplicated()]))
        raise UsageError(f"duplicate years {dupes}: keep one value per year")
    if series.empty:
        return series
    years = range(int(series.index.min()), int(series.index.max()) + 1)
    out = series.sort_index().reindex(years)
    out.index.name = "year"
    return out


def missing_years(series: pd.Series) -> list[int]:
    """Years between the first and last observation that have no value."""
    full = annual(series)
    return [int(y) for y in full.index[full.isna()]]


def growth_from_levels(levels: pd.Series, breaks: pd.Series | None = None) -> pd.Series:
    """Year-on-year growth (%) from levels, only between consecutive comparable years.

    Parameters
    ----------
    levels : pandas.Series
        Levels indexed by year (may have gaps).
    breaks : pandas.Series of bool, optional
        ``True`` where a level's basis differs from the previous year's
        (``pxanalysis.data.levels(...)['break_before']``). Growth into such a
        year is NaN.

    Returns
    -------
    pandas.Series
        Growth in %, NaN where the previous year is missing or a break intervenes.
    """
    full = annual(levels)
    growth = (full / full.shift(1) - 1) * 100
    if breaks is not None:
        flagged = [y for y, b in breaks.items() if bool(b) and y in growth.index]
        growth.loc[flagged] = np.nan
    return growth


def levels_from_growth(base_level: float, growth: pd.Series, base_year: int) -> pd.Series:
    """Chain growth rates onto a base level.

    Parameters
    ----------
    base_level : float
        Level in ``base_year``.
    growth : pandas.Series
        Growth (%) for the years after ``base_year``, consecutive, no NaN.
    base_year : int

    Returns
    -------
    pandas.Series
        Levels from ``base_year`` on. With real growth the result is at
        ``base_year`` prices.
    """
    growth = annual(growth)
    if growth.empty:
        return pd.Series({base_year: float(base_level)}, name="level")
    if int(growth.index[0]) != base_year + 1 or growth.isna().any():
        raise UsageError(
            f"growth must cover every year from {base_year + 1} without gaps; "
            f"missing: {missing_years(growth) or [base_year + 1]}"
        )
    factors = (1 + growth / 100).cumprod()
    out = pd.concat([pd.Series({base_year: 1.0}), factors]) * float(base_level)
    out.index.name = "year"
    return out.rename("level")


def implied_level(base_level: float, growth_pct: float | np.ndarray) -> float | np.ndarray:
    """The level one year on: ``base_level * (1 + growth_pct / 100)``."""
    result = base_level * (1 + np.asarray(growth_pct, dtype=float) / 100)
    return float(result) if np.ndim(result) == 0 else result


def cagr(levels: pd.Series, start: int, end: int, breaks: pd.Series | None = None) -> float:
    """Compound annual growth rate (%) of levels between two years.

    Raises
    ------
    LevelBreakError
        If a level break lies in ``(start, end]``.
    KeyError
        If either year has no level.
    """
    if end <= start:
        raise UsageError(f"end ({end}) must be after start ({start})")
    if breaks is not None:
        crossed = [int(y) for y, b in breaks.items() if bool(b) and start < y <= end]
        if crossed:
            raise LevelBreakError(
                f"levels {start}-{end} cross a level break at {crossed}: "
                "use the real-growth series instead"
            )
    for year in (start, end):
        if year not in levels.index or pd.isna(levels.loc[year]):
            raise KeyError(f"no level for {year}")
    return ((levels.loc[end] / levels.loc[start]) ** (1 / (end - start)) - 1) * 100


def compound(growth: pd.Series | list[float]) -> float:
    """Cumulative growth (%) of a sequence of annual growth rates."""
    rates = np.asarray(growth, dtype=float)
    if np.isnan(rates).any():
        raise UsageError("cannot compound over a missing year")
    return (np.prod(1 + rates / 100) - 1) * 100


def average_growth(growth: pd.Series | list[float]) -> float:
    """Geometric average annual growth (%) of a sequence of annual rates."""
    rates = np.asarray(growth, dtype=float)
    return ((1 + compound(rates) / 100) ** (1 / len(rates)) - 1) * 100
