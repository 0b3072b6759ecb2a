"""Plausibility bounds: a figure outside them is a typo or a unit error, never published.

A history value of 9999 (a typo for 9.9) would otherwise publish a GDP median of
1990 % with P(meet) 99 %; a negative GDP level would export as −1188 亿元. Every
file that holds history declares which columns are an indicator, a measure and a
value (``x-plausible`` in its Table Schema, e.g. ``data/shared/jiangxi/datapackage.json``);
:func:`pxanalysis.data.schema.validate_rows` then checks each row with
:func:`plausible`, and a value outside the bounds is a validation error naming
the file, the row and the field. ``pxanalysis ytd add`` checks a new release the
same way.

The bounds are wide on purpose: they catch what cannot be true (a misplaced
decimal point, a level typed as a growth rate, a sign lost or gained), not what
is merely unusual. Each has its reason beside it: an indicator's growth bounds
in the indicator registry, the generic bounds of the other measures here.
"""

from __future__ import annotations

import math

from pxanalysis.data import registry

#: The bounds of each indicator's growth rate (annual or year to date) are the registry's
#: ``bounds`` (``data/registry/indicators.yaml``, each with its ``bounds_why``).
#: Growth (%) of an indicator without registry bounds: below -100 % is impossible
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
    entry = registry.get(indicator_id)
    own = (*entry.bounds, entry.bounds_why) if entry is not None and entry.bounds else None
    if measure in GROWTH_MEASURES:
        if entry is not None and entry.measure not in ("growth", "rate"):
            return GROWTH_DEFAULT
        return own or GROWTH_DEFAULT
    if entry is not None and measure == entry.measure and own is not None:
        return own
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
