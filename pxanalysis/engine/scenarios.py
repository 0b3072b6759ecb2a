"""Scenario specifications: named quantiles of one predictive distribution, or assumptions.

=============  ==============================================================
``baseline``   the median of each indicator's predictive distribution
``optimistic`` the ``quantile_high`` quantile (default 0.9) in the *good*
               direction (for energy intensity, a larger decline)
``pessimistic`` the ``quantile_low`` quantile (default 0.1), bad direction
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

from pxanalysis import params, paths
from pxanalysis.errors import ParameterError
from pxanalysis.vocab import (
    BUILTIN_SCENARIOS,
    DEFAULT_METHOD,
    QUANTILE_HIGH,
    QUANTILE_LOW,
    REPORT_DATE,
)

BUILTIN = BUILTIN_SCENARIOS


@dataclass(frozen=True)
class Scenario:
    """A validated scenario."""

    name: str = "baseline"
    method: str = DEFAULT_METHOD
    window: int | None = None
    quantile_low: float = QUANTILE_LOW
    quantile_high: float = QUANTILE_HIGH
    year: int = 2024
    assumptions: dict = field(default_factory=dict)
    as_of: str = REPORT_DATE

    def __post_init__(self):
        params.check_consistency({"scenario": self.name, "assumptions": self.assumptions})

    def quantile_for(self, direction: str) -> float | None:
        """The quantile that defines this scenario's value (None for targets_met)."""
        if self.name in ("baseline", "custom"):
            return 0.5
        if self.name == "targets_met":
            return None
        good_high = direction == "increase"
        if self.name == "optimistic":
            return self.quantile_high if good_high else 1 - self.quantile_high
        return self.quantile_low if good_high else 1 - self.quantile_low

    def as_params(self) -> dict:
        """The scenario as notebook parameters (what a scenario file holds)."""
        return {
            "scenario": self.name,
            "method": self.method,
            "window": self.window or 0,
            "quantile_low": self.quantile_low,
            "quantile_high": self.quantile_high,
            "as_of": self.as_of,
            "assumptions": {k: dict(v) for k, v in self.assumptions.items()},
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
        path = paths.builtin_scenario_dir() / f"{text}.yaml"
        if not path.exists():
            raise ParameterError(f"no scenario file for {text!r}; give a path to a YAML file")
    else:
        path = Path(text)
    return from_params(params.read_file(path))


def all_builtin() -> list[Scenario]:
    """The built-in scenarios, in the order of :data:`BUILTIN`."""
    return [load(name) for name in BUILTIN]


def clear_cache() -> None:
    """Nothing of its own: scenarios share :func:`pxanalysis.engine.projection.cached`."""
