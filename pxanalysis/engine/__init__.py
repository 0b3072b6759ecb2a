"""The engine: growth maths, projection methods, backtests, projections, scenarios, targets.

Modules, from the bottom up (imports flow one way, checked by import-linter):
:mod:`~pxanalysis.engine.growth` (growth <-> levels),
:mod:`~pxanalysis.engine.methods` (the method registry and predictive distributions),
:mod:`~pxanalysis.engine.backtest` (rolling-origin errors),
:mod:`~pxanalysis.engine.projection` (calibrated projections),
:mod:`~pxanalysis.engine.scenarios` (scenario specifications),
:mod:`~pxanalysis.engine.comparison` (projections against the targets).
"""

from pxanalysis.engine import backtest, comparison, methods, scenarios


def clear_cache() -> None:
    """Forget every cached fit, backtest and projection of the engine."""
    for module in (methods, backtest, scenarios, comparison):
        module.clear_cache()
