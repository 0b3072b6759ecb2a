"""Scenario specifications: named quantiles of one predictive distribution, or assumptions.

=============  ==============================================================
``baseline``   the median of each indicator's predictive distribution
``optimistic`` one economy-wide factor at its ``quantile_high`` quantile
               (default 0.9), moving all nine by their loadings, each in its
               *good* direction (for energy intensity, a larger decline)
``pessimistic`` the same factor at ``quantile_low`` (default 0.1), bad direction
``targets_met`` every target exactly met
``custom``     growth assumptions set by the user per indicator (the way to
               project indicators whose history is too thin)
=============  ==============================================================

A scenario file (``scenarios/<name>.yaml``) is a parameter file for the brief
notebook (``papermill … -f scenarios/optimistic.yaml`` works), validated by
:func:`pxanalysis.params.validate`. Assumptions (``{indicator: {growth, sd}}``)
replace the model's distribution for that indicator in any scenario.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from scipy import special

from pxanalysis import data, params, paths
from pxanalysis.errors import ParameterError
from pxanalysis.vocab import BUILTIN_SCENARIOS, DEFAULT_METHOD, QUANTILE_HIGH, QUANTILE_LOW

BUILTIN = BUILTIN_SCENARIOS

#: How strongly each indicator moves with the economy-wide factor that the
#: optimistic and pessimistic scenarios shift (a loading of 1 would put it at the
#: scenario's own quantile; less keeps it nearer its median). Judgements on the
#: co-movement documented in pxanalysis.engine.evidence.COMOVES_WITH: GDP and
#: industry move together (2016-2020 and 2023); revenue follows output with tax
#: policy in between; investment and retail sales are driven in part by projects,
#: policy and households; incomes are smoothest; energy intensity falls faster in
#: good industrial years but mostly follows plans. GDP's 0.9 keeps its
#: optimistic and pessimistic values inside its own 80 % band.
FACTOR_LOADINGS = {
    "gdp": 0.9,
    "industrial_value_added": 0.9,
    "budget_revenue": 0.7,
    "fixed_asset_investment": 0.6,
    "industrial_investment": 0.6,
    "retail_sales": 0.6,
    "urban_income": 0.5,
    "rural_income": 0.5,
    "energy_intensity": 0.3,
}
#: The loading of a target not listed above (another region's consumer prices,
#: jobs, grain): half, between the incomes and investment.
DEFAULT_LOADING = 0.5


@dataclass(frozen=True)
class Scenario:
    """A validated scenario, for one report (default: the current one).

    ``year`` 0 and ``as_of`` '' mean the report's year and date.
    """

    name: str = "baseline"
    method: str = DEFAULT_METHOD
    window: int | None = None
    quantile_low: float = QUANTILE_LOW
    quantile_high: float = QUANTILE_HIGH
    year: int = 0
    assumptions: dict = field(default_factory=dict)
    as_of: str = ""
    ytd: dict = field(default_factory=dict)
    region: str = ""

    def __post_init__(self):
        report = data.current()
        if self.region and (self.region, self.year or report.year) != (report.region, report.year):
            report = data.reports.describe(self.region, self.year or report.year)
        params.check_consistency(
            {"scenario": self.name, "assumptions": self.assumptions, "ytd": self.ytd,
             "region": report.region, "year": report.year}
        )  # fmt: skip
        object.__setattr__(self, "region", report.region)
        object.__setattr__(self, "year", self.year or report.year)
        object.__setattr__(self, "as_of", self.as_of or report.date)

    def quantile_for(self, direction: str, indicator: str = "gdp") -> float | None:
        """The quantile of ``indicator``'s distribution that is this scenario's value.

        Optimistic and pessimistic move one economy-wide factor ``z`` (the normal
        quantile of ``quantile_high`` or ``quantile_low``); each indicator moves by
        its loading on it (:data:`FACTOR_LOADINGS`), in its good direction:
        ``q = Phi(loading * z)``. None for targets_met.
        """
        if self.name in ("baseline", "custom"):
            return 0.5
        if self.name == "targets_met":
            return None
        q = self.quantile_high if self.name == "optimistic" else self.quantile_low
        z = float(special.ndtri(q)) * FACTOR_LOADINGS.get(indicator, DEFAULT_LOADING)
        q_indicator = float(special.ndtr(z))
        return q_indicator if direction == "increase" else 1 - q_indicator

    def as_params(self) -> dict:
        """The scenario as notebook parameters (what a scenario file holds)."""
        return {
            "scenario": self.name,
            "method": self.method,
            "window": self.window or 0,
            "quantile_low": self.quantile_low,
            "quantile_high": self.quantile_high,
            "region": self.region,
            "year": self.year,
            "as_of": self.as_of,
            "assumptions": {k: dict(v) for k, v in self.assumptions.items()},
            "ytd": {k: dict(v) for k, v in self.ytd.items()},
        }


def from_params(values: dict) -> Scenario:
    """Build a scenario from (validated or raw) parameters."""
    p = params.validate(values, notebook="scenario_file")
    return Scenario(
        name=p["scenario"],
        method=p["method"],
        window=p["window"] or None,
        quantile_low=p["quantile_low"],
        quantile_high=p["quantile_high"],
        year=p["year"],
        assumptions=p["assumptions"],
        as_of=p["as_of"],
        ytd=p["ytd"],
        region=p["region"],
    )


def load(name_or_path: str | Path) -> Scenario:
    """Load a built-in scenario by name, or a scenario file by path.

    Parameters
    ----------
    name_or_path : str or pathlib.Path
        ``baseline``, ``optimistic``, ``pessimistic``, ``targets_met``, or a
        YAML path (``custom`` needs a file with assumptions).
    """
    text = str(name_or_path)
    if text in params.SCENARIOS:
        path = paths.builtin_scenario(text)
        if not path.exists():
            raise ParameterError(f"no scenario file for {text!r}; give a path to a YAML file")
    else:
        path = Path(text)
    return from_params(params.read_file(path))


def clear_cache() -> None:
    """Nothing of its own: scenarios share :func:`pxanalysis.engine.projection.cached`."""
