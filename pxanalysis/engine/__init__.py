"""The engine: growth maths, projection methods, backtests, projections, scenarios, targets.

Modules, from the bottom up (imports flow one way, checked by import-linter):
:mod:`~pxanalysis.engine.growth` (growth <-> levels),
:mod:`~pxanalysis.engine.methods` (the method registry and predictive distributions),
:mod:`~pxanalysis.engine.backtest` (rolling-origin errors),
:mod:`~pxanalysis.engine.projection` (calibrated projections),
:mod:`~pxanalysis.engine.scenarios` (scenario specifications),
:mod:`~pxanalysis.engine.comparison` (projections against the targets).
"""

from pxanalysis.engine import (
    anchored,
    backtest,
    calibration,
    comparison,
    judgement,
    methods,
    nowcast,
    projection,
    scenarios,
    selection,
)


def clear_cache() -> None:
    """Forget every cached fit, backtest, projection, judgement and comparison of the engine."""
    for module in (methods, backtest, scenarios, comparison, projection, selection, judgement,
                   anchored, nowcast, calibration):  # fmt: skip
        module.clear_cache()
