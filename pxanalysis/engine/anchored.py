"""Anchored projections for indicators with thin history (grade C), sized by thinning GDP.

The point is a weighted mean of the anchors available for the indicator
(:mod:`pxanalysis.engine.evidence`), with the weights :data:`ANCHOR_WEIGHTS`
renormalised over those present.

The band is earned, not assumed: **thinning GDP**. At every past origin of the
GDP panel (Pingxiang and Jiangxi's other cities), the same anchored method is
run on GDP using only the kinds of evidence a thin indicator has (the last
year's figure and the average of the years 3 to 7 before: the analogue of the
2016-2020 average seen from 2024), and its real-time errors size a band
exactly as for a time-series projection (:mod:`pxanalysis.engine.calibration`).
That band is scaled by the indicator's volatility relative to GDP
(the registry's ``volatility``), and the disagreement between the anchors is added
in quadrature. :func:`thinning_backtest` gives that band's real-time coverage.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from pxanalysis import caching, data
from pxanalysis.data import registry
from pxanalysis.engine import backtest, calibration, series
from pxanalysis.engine.evidence import Anchor
from pxanalysis.errors import EngineError

#: Weight of each kind of anchor. The last figure gets the most: the random walk
#: beat every other method on GDP one year ahead (the default rule's backtest);
#: the co-moving projection carries GDP's calibrated information; the targets
#: (the city's, shifted by the shortfall, and the province's) are informative but
#: biased up; the 2016-2020 averages predate the pandemic and the slowdown.
ANCHOR_WEIGHTS = {"latest": 0.40, "comove": 0.25, "target": 0.15, "province": 0.10, "longrun": 0.10}

#: The thinned GDP analogue: which years back form the "long-run average".
LONGRUN_LAG = (3, 7)


def weight(kind: str, anchors: list[Anchor]) -> float:
    """The weight of an anchor of ``kind`` among ``anchors`` (renormalised over them)."""
    return ANCHOR_WEIGHTS[kind] / sum(ANCHOR_WEIGHTS[a.kind] for a in anchors)


def volatility_ratio(indicator: str) -> float:
    """How much more an indicator's growth moves than GDP's: the registry's ``volatility``
    (``data/registry/indicators.yaml``, with the reasons; 1 for a target it does not hold)."""
    return registry.volatility(indicator)


def combine(anchors: list[Anchor]) -> tuple[float, float]:
    """(weighted mean, weighted standard deviation) of the anchors' values."""
    weights = np.array([ANCHOR_WEIGHTS[a.kind] for a in anchors])
    values = np.array([a.value for a in anchors])
    weights = weights / weights.sum()
    point = float(weights @ values)
    spread = float(math.sqrt(weights @ (values - point) ** 2))
    return point, spread


def _thinned(y: pd.Series, origin: int) -> float | None:
    """The thinned anchored forecast made at ``origin`` from ``y``: latest and long-run."""
    if origin not in y.index:
        return None
    lo, hi = origin - LONGRUN_LAG[1], origin - LONGRUN_LAG[0]
    window = y[(y.index >= lo) & (y.index <= hi)]
    if len(window) < 3:
        return None
    w_latest, w_long = ANCHOR_WEIGHTS["latest"], ANCHOR_WEIGHTS["longrun"]
    return (w_latest * float(y.loc[origin]) + w_long * float(window.mean())) / (w_latest + w_long)


@caching.memoize(maxsize=64)
def _thinning_frame(report_key: tuple, as_of: str) -> pd.DataFrame:
    rows = []
    for geo, y in series.panel_series("gdp", as_of).items():
        for origin in y.index:
            target = origin + 1
            if target not in y.index:
                continue
            point = _thinned(y, origin)
            if point is not None:
                rows.append((geo, int(origin), int(target), float(y.loc[target]), point))
    return backtest.error_frame(rows, ["geo", "origin", "year", "actual", "point"])


def thinning_forecasts(as_of=None) -> pd.DataFrame:
    """The thinned anchored forecasts of GDP, one year ahead, at every origin of the panel."""
    return _thinning_frame(data.current().key, series.as_date(as_of).isoformat()).copy()


def thinning_backtest(as_of=None) -> pd.DataFrame:
    """Those forecasts with the shipped (real-time calibrated) intervals and their hits."""
    return backtest.shipped(thinning_forecasts(as_of))


def thinning_spread(as_of=None) -> calibration.Spread:
    """The band of the thinned method from every error known on ``as_of``."""
    frame = thinning_forecasts(as_of)
    widths = backtest.spread_at(frame, int(frame["year"].max())) if len(frame) else None
    if widths is None:
        raise EngineError(
            f"too few real-time errors to size a grade C band as of {series.as_date(as_of)} "
            f"({len(frame)} thinned GDP forecasts): the data holds too little GDP history of "
            "this region's peers; add a shared package with their series"
        )
    return widths


def scaled(widths: calibration.Spread, ratio: float, disagreement: float,
           mirrored: bool = False) -> calibration.Spread:  # fmt: skip
    """``widths`` times ``ratio``, with the anchors' disagreement added in quadrature.

    ``mirrored``: for a countercyclical indicator (the registry's ``countercyclical``, an
    unemployment rate) GDP's errors are turned round: its long downside tail (a shock year
    when growth falls short) becomes an upside tail, since the rate then rises.
    """
    below, above = widths.below * ratio, widths.above * ratio
    shock_mean = widths.shock_mean * ratio
    if mirrored:
        below, above, shock_mean = above, below, -shock_mean
    return calibration.Spread(
        below=math.hypot(below, disagreement),
        above=math.hypot(above, disagreement),
        n_core=widths.n_core,
        shock_mean=shock_mean,
        shock_sd=widths.shock_sd * ratio,
        n_shock=widths.n_shock,
    )


def clear_cache() -> None:
    """Forget the cached thinning forecasts (every cache: :func:`pxanalysis.caching.clear`)."""
    caching.clear()
