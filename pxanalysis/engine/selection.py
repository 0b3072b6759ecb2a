"""The default projection method, chosen by a rule written down before looking at any result.

The rule (:data:`RULE`, printed in every brief):

    The default is the naive mean (mean of the last five years), unless a
    candidate (random walk ``last``, mean of the last three ``mean3``, linear
    ``trend``, the ``combo`` of these) beats it one year ahead in the real-time
    backtest, pooled over the region and its peers (every region of the same level
    whose GDP series the data holds: for Pingxiang, Jiangxi's other cities), on the
    target years known at the projection's date, the pandemic years 2020-2022 aside:
    its MAE at least 10 % lower, its mean paired difference of absolute errors
    at least two standard errors below zero, on at least 30 common forecasts.
    Among the candidates that pass, the one with the lowest MAE.

It is applied to the information known at the projection's date (``as_of``), so
the choice itself is real-time. The naive mean is the benchmark that IMF
forecast evaluations find hard to beat; the margin and the two standard errors
keep a lucky difference from replacing it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pxanalysis import caching, data
from pxanalysis.engine import backtest, series

BENCHMARK = backtest.BENCHMARK
CANDIDATES = ("last", "mean3", "trend", "combo")
#: A candidate must cut the benchmark's MAE by at least this share.
MARGIN = 0.10
#: ... with a paired difference at least this many standard errors below zero ...
MIN_T = 2.0
#: ... on at least this many common forecasts.
MIN_FORECASTS = 30
HORIZON = 1

RULE = {
    "zh": (
        "默认方法按事先写定的规则选择:采用朴素均值法(最近5年均值),除非某个备选方法"
        "(随机游走、最近3年均值、线性趋势及其组合)在实时回测中(本地区与数据中全部同级地区合并,"
        "提前一年,按预测日已知数据,不含2020–2022疫情年份)平均绝对误差至少低10%,"
        "且配对误差差值低于零至少两个标准误,共同预测不少于30次;满足条件者取误差最小者。"
    ),
    "en": (
        "The default method follows a rule fixed in advance: the naive mean (mean of the last "
        "five years) unless a candidate (random walk, mean of the last three, linear trend, their "
        "combination) beats it one year ahead in the real-time backtest (the region and every "
        "region of its level the data holds pooled, target years known at the projection date, the 2020-2022 pandemic "
        "years aside) with an MAE at least 10% lower and a paired difference at least two "
        "standard errors below zero, on at least 30 common forecasts; of those that pass, the "
        "lowest MAE."
    ),
}


@dataclass(frozen=True)
class Choice:
    """The chosen method and the evidence for it."""

    method: str
    table: pd.DataFrame  # the candidates' comparison with the benchmark
    as_of: str

    def reason(self) -> str:
        row = self.table.loc[self.method] if self.method in self.table.index else None
        if self.method == BENCHMARK or row is None:
            return f"no candidate passed the rule (as of {self.as_of}): the naive mean"
        return (
            f"{self.method}: MAE {row['mae']:.2f} vs {row['mae_mean']:.2f} for the naive mean, "
            f"paired difference {row['diff_abs_error']:+.2f} (SE {row['diff_se']:.2f}), "
            f"n = {int(row['n_common'])} (as of {self.as_of})"
        )


def evaluate(as_of=None) -> pd.DataFrame:
    """Each candidate against the benchmark, one year ahead, pandemic years aside.

    Returns
    -------
    pandas.DataFrame
        Index: candidate; columns ``n_common, mae, mae_mean, rel_mae_vs_mean,
        diff_abs_error, diff_se, passes``.
    """
    results = backtest.point_backtest("gdp", (BENCHMARK, *CANDIDATES), HORIZON, as_of=as_of)
    results = results[~results["pandemic"]]
    rows = []
    for method in CANDIDATES:
        v = backtest.paired(results, method)
        passes = (
            v.n_common >= MIN_FORECASTS
            and v.mae <= (1 - MARGIN) * v.mae_mean
            and v.diff_mean <= -MIN_T * v.diff_se
        )
        rows.append(
            {
                "method": method,
                "n_common": v.n_common,
                "mae": v.mae,
                "mae_mean": v.mae_mean,
                "rel_mae_vs_mean": v.rel_mae,
                "diff_abs_error": v.diff_mean,
                "diff_se": v.diff_se,
                "passes": bool(passes),
            }
        )
    return pd.DataFrame(rows).set_index("method")


@caching.memoize(maxsize=64)
def _choose(report_key: tuple, as_of: str) -> Choice:
    table = evaluate(as_of)
    passing = table[table["passes"]]
    method = BENCHMARK if passing.empty else str(passing["mae"].idxmin())
    return Choice(method, table, as_of)


def choose(as_of=None) -> Choice:
    """The default method by :data:`RULE`, as of a date (default: the report's date)."""
    return _choose(data.current().key, series.as_date(as_of).isoformat())


def clear_cache() -> None:
    """Forget the cached choices."""
    caching.clear()
