"""Plausibility bounds: a figure outside them is a typo or a unit error, never published.

A history value of 9999 (a typo for 9.9) would otherwise publish a GDP median of
1990 % with P(meet) 99 %; a negative GDP level would export as −1188 亿元. Every
file that holds history declares which columns are an indicator, a measure and a
value (``x-plausible`` in its Table Schema, ``data/pingxiang/datapackage.json``);
:func:`pxanalysis.data.schema.validate_rows` then checks each row with
:func:`plausible`, and a value outside the bounds is a validation error naming
the file, the row and the field. ``pxanalysis ytd add`` checks a new release the
same way.

The bounds are wide on purpose: they catch what cannot be true (a misplaced
decimal point, a level typed as a growth rate, a sign lost or gained), not what
is merely unusual. Each has its reason beside it. The numbers are meant to move
into an indicator registry; :func:`plausible` keeps its signature.
"""

from __future__ import annotations

import math

#: Bounds of an annual or year-to-date growth rate (%, on a year earlier) by indicator:
#: ``(lowest, highest, why)``. Growth of any indicator not listed: :data:`GROWTH_DEFAULT`.
GROWTH: dict[str, tuple[float, float, str]] = {
    "gdp": (
        -40.0,
        30.0,
        "the worst Chinese figure on record is Hubei's 1-3/2020 -39.2 %; "
        "no city has grown 30 % in a year since the 1990s",
    ),
    "gdp_per_capita": (-40.0, 30.0, "as GDP (population moves slowly)"),
    "primary_value_added": (-40.0, 40.0, "a harvest can fail or rebound, not beyond 40 %"),
    "secondary_value_added": (-50.0, 60.0, "as industrial value added"),
    "tertiary_value_added": (-40.0, 40.0, "services fell 20-30 % at worst in 1-3/2020"),
    "industrial_value_added": (
        -50.0,
        60.0,
        "1-2/2020 -25.9 % and 1-2/2021 +35.1 % nationally are the extremes; a city's can be larger",
    ),
    "fixed_asset_investment": (-90.0, 100.0, "investment swings most: Hubei 1-3/2020 -82.8 %"),
    "industrial_investment": (-90.0, 150.0, "a narrower base than all investment swings more"),
    "retail_sales": (-50.0, 60.0, "1-2/2020 -20.5 %, 1-2/2021 +33.8 % nationally"),
    "budget_revenue": (
        -60.0,
        100.0,
        "tax rebates (2022) and one-off transfers move revenue "
        "by tens of percent, not by more than double",
    ),
    "fiscal_revenue_total": (-60.0, 100.0, "as budget revenue"),
    "urban_income": (
        -20.0,
        40.0,
        "disposable income per head has not fallen by a fifth nor "
        "grown 40 % in a year in any Chinese city since 2000",
    ),
    "rural_income": (-20.0, 40.0, "as urban income"),
    "consumer_prices": (-10.0, 30.0, "China's CPI: -2.2 % (1999) to +24.1 % (1994)"),
    "energy_intensity": (-30.0, 30.0, "energy per unit of GDP moves a few percent a year"),
}
#: Growth (%) of an indicator :data:`GROWTH` does not list: below -100 % is impossible
#: for a positive quantity; beyond +300 % (four times the year before) is a typo.
GROWTH_DEFAULT: tuple[float, float, str] = (
    -100.0,
    300.0,
    "a positive quantity cannot fall by more than 100 %; x4 in a year is a typo",
)
#: Bounds of the other measures: ``(lowest, highest, why)``; ``lowest`` is excluded for
#: ``level`` and ``ratio`` (they are > 0).
MEASURES: dict[str, tuple[float, float, str]] = {
    "level": (
        0.0,
        1e8,
        "a level is > 0; China's GDP is 1.35e6 亿元 and a yuan-per-head "
        "figure is about 1e5, so 1e8 in any unit the data uses is a typo",
    ),
    "ratio": (0.0, 100.0, "a ratio of two levels (x1.35 over five years) is > 0 and far below 100"),
    "cumulative_change": (
        -100.0,
        1000.0,
        "a change over several years (%): not below -100 %, not x11",
    ),
    "share": (0.0, 100.0, "a share is a percentage of a whole"),
    "change": (-100.0, 100.0, "a change in percentage points stays within +/-100"),
    "count": (0.0, 1e9, "a count is >= 0 and below a billion in a city's report"),
}
#: Measures that are growth rates (their bounds are :data:`GROWTH`'s).
GROWTH_MEASURES = ("growth", "avg_growth")
#: Measures whose lower bound is excluded (a level or ratio of 0 is no figure).
POSITIVE = ("level", "ratio")


def bounds(indicator_id: str, measure: str) -> tuple[float, float, str] | None:
    """The ``(lowest, highest, why)`` of an indicator's measure; None for a measure without.

    Parameters
    ----------
    indicator_id : str
        A series or indicator id (``gdp``, ``retail_sales``, …).
    measure : str
        ``growth``, ``avg_growth``, ``level``, ``ratio``, ``cumulative_change``,
        ``share``, ``change`` or ``count``.

    Returns
    -------
    tuple or None
    """
    if measure in GROWTH_MEASURES:
        return GROWTH.get(indicator_id, GROWTH_DEFAULT)
    return MEASURES.get(measure)


def plausible(indicator_id: str, measure: str, value: float) -> str | None:
    """What is implausible about ``value`` as ``indicator_id``'s ``measure``; None if plausible.

    Parameters
    ----------
    indicator_id : str
        A series or indicator id (``gdp``, ``retail_sales``, …).
    measure : str
        ``growth`` (%), ``avg_growth`` (%), ``level`` (> 0), ``ratio``,
        ``cumulative_change``, ``share``, ``change`` or ``count``; another measure
        has no bounds.
    value : float
        The figure.

    Returns
    -------
    str or None
        The problem, said with the bounds and their reason (for a validation
        error naming the row), or None.
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        return f"{value!r} is not a number"
    if not math.isfinite(number):
        return f"{value!r} is not a finite number"
    found = bounds(indicator_id, measure)
    if found is None:
        return None
    low, high, why = found
    too_low = number <= low if measure in POSITIVE else number < low
    if too_low or number > high:
        side = f"> {low:g}" if measure in POSITIVE else f">= {low:g}"
        unit = " %" if measure in GROWTH_MEASURES else ""
        return (
            f"{number:g}{unit} is not a plausible {measure} of {indicator_id} (must be {side} "
            f"and <= {high:g}{unit}: {why}); check for a typo or a unit error"
        )
    return None
