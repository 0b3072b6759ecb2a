"""The engine: growth maths, projection methods, backtests, projections, scenarios, targets.

Modules, from the bottom up (imports flow one way, checked by import-linter):
:mod:`~pxanalysis.engine.growth` (growth <-> levels),
:mod:`~pxanalysis.engine.methods` (the method registry and predictive distributions),
:mod:`~pxanalysis.engine.backtest` (rolling-origin errors),
:mod:`~pxanalysis.engine.projection` (calibrated projections),
:mod:`~pxanalysis.engine.scenarios` (scenario specifications),
:mod:`~pxanalysis.engine.comparison` (projections against the targets).
"""

import importlib
import sys

#: The engine's modules with a cache, imported on first use (``pxanalysis.engine.comparison``
#: works as an attribute too): importing the package costs nothing until a judgement is made,
#: which keeps scipy and statsmodels off the explorer's and the CLI's first screen.
SUBMODULES = ("anchored", "backtest", "calibration", "comparison", "judgement", "methods",
              "nowcast", "projection", "scenarios", "selection")  # fmt: skip


def __getattr__(name: str):
    if name in SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def clear_cache() -> None:
    """Forget every cached fit, backtest, projection, judgement and comparison of the engine
    (a module not imported yet has nothing cached)."""
    for name in SUBMODULES:
        module = sys.modules.get(f"{__name__}.{name}")
        if module is not None:
            module.clear_cache()
