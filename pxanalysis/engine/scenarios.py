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

from pxanalysis import data, params, paths
from pxanalysis.data import registry
from pxanalysis.errors import ParameterError
from pxanalysis.vocab import BUILTIN_SCENARIOS, DEFAULT_METHOD, QUANTILE_HIGH, QUANTILE_LOW

BUILTIN = BUILTIN_SCENARIOS

#: How strongly each indicator moves with the economy-wide factor that the
#: optimistic and pessimistic scenarios shift is the registry's ``loading``
#: (``data/registry/indicators.yaml``, each with its reason; a target the registry
#: does not hold: :data:`pxanalysis.data.registry.UNKNOWN_LOADING`).


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
             "region": report.region, "year": report.year, "as_of": self.as_of}
        )  # fmt: skip
        object.__setattr__(self, "region", report.region)
        object.__setattr__(self, "year", self.year or report.year)
        object.__setattr__(self, "as_of", self.as_of or report.date)

    def quantile_for(self, direction: str, indicator: str = "gdp") -> float | None:
        """The quantile of ``indicator``'s distribution that is this scenario's value.

        Optimistic and pessimistic move one economy-wide factor ``z`` (the normal
        quantile of ``quantile_high`` or ``quantile_low``); each indicator moves by
        its loading on it (the registry's ``loading``), in its good direction:
        ``q = Phi(loading * z)``. None for targets_met.
        """
        if self.name in ("baseline", "custom"):
            return 0.5
        if self.name == "targets_met":
            return None
        q = self.quantile_high if self.name == "optimistic" else self.quantile_low
        from scipy import special  # on first use: the explorer's first screen needs no scipy

        z = float(special.ndtri(q)) * registry.loading(indicator)
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
