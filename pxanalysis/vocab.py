"""The shared vocabulary: every id, name and default that more than one module uses.

This module imports nothing from the package (it is the bottom of the layer
order); everything else reads these names from here.
"""

from __future__ import annotations

#: Year of the report's targets (the 2024 government work report).
REPORT_YEAR = 2024
#: Years a report or a figure may refer to.
FIRST_YEAR, LAST_YEAR = 2000, 2035
#: The first year a report package may have: the ledger's national reports reach back to
#: the 1990s (the reform era's reports set growth targets from 1978 on).
FIRST_REPORT_YEAR = 1978
#: A region id (``data/<region>/``): lower-case ASCII letters, digits and ``_``.
REGION_PATTERN = r"[a-z][a-z0-9_]{1,39}"
#: The report's date: the default ``as_of`` of every projection. The report was
#: delivered to the city's people's congress in January 2024; the source does not
#: give the day, so the end of the month is used (Jiangxi's own report, 2024-01-23,
#: is then known too).
REPORT_DATE = "2024-01-31"

#: The nine main 2024 targets, in the report's order.
TARGET_IDS = (
    "gdp",
    "budget_revenue",
    "industrial_value_added",
    "fixed_asset_investment",
    "industrial_investment",
    "retail_sales",
    "urban_income",
    "rural_income",
    "energy_intensity",
)

#: Scenario types a scenario file may declare (``scenario:``).
SCENARIOS = ("baseline", "optimistic", "pessimistic", "targets_met", "custom")

#: Scenario types with a shipped file of the same name (``scenarios/<name>.yaml``).
BUILTIN_SCENARIOS = ("baseline", "optimistic", "pessimistic", "targets_met")
#: Every scenario file shipped with the package, in rendering order; the explorer
#: cannot overwrite them.
SHIPPED_SCENARIO_FILES = (*BUILTIN_SCENARIOS, "custom_example")

#: Languages of the reader-facing text.
LANGS = ("zh", "en")

#: Projection methods, in registry order (``pxanalysis.engine.methods.METHODS``; a
#: test keeps the two equal). Spelled out here so that validating parameters
#: imports no numerical library.
METHODS = ("mean", "mean3", "last", "trend", "arima", "ets", "combo")
#: ``auto``: the method chosen by the rule of ``pxanalysis.engine.selection``.
AUTO_METHOD = "auto"
METHOD_CHOICES = (AUTO_METHOD, *METHODS)
DEFAULT_METHOD = AUTO_METHOD

#: Default pessimistic and optimistic quantiles of a predictive distribution.
QUANTILE_LOW = 0.1
QUANTILE_HIGH = 0.9

#: Kinds of a figure of the report; ``projection`` is ours, never the report's.
FIGURE_KINDS = ("actual", "estimate", "target", "commitment")

#: Seconds one notebook cell of a brief may run (the slowest cell takes about 2 s).
DEFAULT_CELL_TIMEOUT = 120
#: Seconds one brief may run in the kernel (a brief takes 1-3 s).
DEFAULT_BRIEF_TIMEOUT = 600.0
