"""Projections of annual growth with intervals, from several methods behind one registry.

>>> from pxanalysis import forecast
>>> forecast.project("gdp", year=2024, method="mean", window=5)   # doctest: +SKIP

Every projection reports its method, the number of observations it used
(``n_obs``), an 80 % and a 95 % interval, and where the interval came from
(``interval_source``: the model, or widened to the backtest errors). A series
with fewer than :data:`MIN_OBS` observations gets no model projection (flag
``insufficient_history``); fewer than :data:`SHORT_OBS` gets the flag
``short_history``.

Methods (see :data:`METHODS`):

``mean``   mean of the last ``window`` values (the naive benchmark), Student-t interval;
``last``   last value (random walk), interval from the spread of year-on-year changes;
``trend``  OLS linear trend in growth, statsmodels observation interval (``obs_ci_*``);
``arima``  AR(1) with constant, statsmodels state space (tolerates missing years);
``ets``    damped additive-trend exponential smoothing (needs a gap-free series);
``combo``  equal-weight mixture of the predictive densities of the methods that ran.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

from pxanalysis import data
from pxanalysis.growth import annual

MIN_OBS = 4
SHORT_OBS = 8
DEFAULT_METHOD = "combo"
DEFAULT_MEAN_WINDOW = 5
COLUMNS = [
    "indicator",
    "year",
    "method",
    "n_obs",
    "median",
    "lo80",
    "hi80",
    "lo95",
    "hi95",
    "sd",
    "horizon",
    "last_obs_year",
    "interval_source",
    "flag",
    "note",
]


class MethodUnavailable(Exception):
    """A method cannot run on this series (too short, gaps, ...); the message says why."""


@dataclass(eq=False)
class Predictive:
    """A predictive distribution: an equal-weight mixture, optionally widened.

    ``scale`` > 1 widens the mixture around ``center`` (backtest calibration).
    """

    components: tuple
    center: float | None = None
    scale: float = 1.0

    def cdf(self, x):
        x = np.asarray(x, dtype=float)
        c = self.center if self.center is not None else 0.0
        z = c + (x - c) / self.scale
        return np.mean([comp.cdf(z) for comp in self.components], axis=0)

    def ppf(self, q: float) -> float:
        if len(self.components) == 1:
            value = float(self.components[0].ppf(q))
            c = self.center if self.center is not None else value
            return c + (value - c) * self.scale
        lo = min(float(c.ppf(min(q, 1e-6))) for c in self.components) - 100
        hi = max(float(c.ppf(max(q, 1 - 1e-6))) for c in self.components) + 100
        return float(optimize.brentq(lambda x: self.cdf(x) - q, lo, hi, xtol=1e-10))

    def std(self) -> float:
        """An effective standard deviation: half the central 68.3 % interval.

        Finite even where the moments are not (Student t with df <= 2).
        """
        return (self.ppf(0.841344746) - self.ppf(0.158655254)) / 2

    def widened(self, factor: float) -> Predictive:
        return Predictive(self.components, center=self.ppf(0.5), scale=self.scale * factor)


@dataclass
class MethodFit:
    """What a method returns: its predictive distribution and what it used."""

    dist: Predictive
    n_obs: int
    note: str = ""


@dataclass
class Projection:
    """A projection with its distribution (for probabilities and scenario quantiles)."""

    indicator: str
    year: int
    method: str
    n_obs: int
    dist: Predictive | None
    horizon: int | None
    last_obs_year: int | None
    interval_source: str = ""
    flag: str = ""
    notes: list[str] = field(default_factory=list)

    def quantile(self, q: float) -> float:
        """The ``q`` quantile of the predictive distribution (NaN without one)."""
        return float("nan") if self.dist is None else self.dist.ppf(q)

    def prob_at_least(self, threshold: float) -> float:
        """P(outcome >= threshold)."""
        return float("nan") if self.dist is None else float(1 - self.dist.cdf(threshold))

    def prob_at_most(self, threshold: float) -> float:
        """P(outcome <= threshold)."""
        return float("nan") if self.dist is None else float(self.dist.cdf(threshold))

    def row(self) -> dict:
        has = self.dist is not None
        q = self.quantile if has else (lambda _: float("nan"))
        return {
            "indicator": self.indicator,
            "year": self.year,
            "method": self.method,
            "n_obs": self.n_obs,
            "median": q(0.5),
            "lo80": q(0.10),
            "hi80": q(0.90),
            "lo95": q(0.025),
            "hi95": q(0.975),
            "sd": self.dist.std() if has else float("nan"),
            "horizon": self.horizon,
            "last_obs_year": self.last_obs_year,
            "interval_source": self.interval_source,
            "flag": self.flag,
            "note": "; ".join(n for n in self.notes if n),
        }

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([self.row()], columns=COLUMNS)


# --------------------------------------------------------------------------- registry

METHODS: dict[str, Callable[..., MethodFit]] = {}
METHOD_MIN_OBS: dict[str, int] = {}


def register(name: str, min_obs: int):
    """Register a projection method ``fn(y, year, window) -> MethodFit``."""

    def decorate(fn):
        METHODS[name] = fn
        METHOD_MIN_OBS[name] = min_obs
        return fn

    return decorate


def _tail(y: pd.Series, window: int | None) -> pd.Series:
    return y if window is None else y.iloc[-window:]


def _require(y: pd.Series, method: str) -> None:
    need = METHOD_MIN_OBS[method]
    if len(y) < need:
        raise MethodUnavailable(f"{method}: needs {need} observations, has {len(y)}")


@register("mean", min_obs=2)
def _mean(y: pd.Series, year: int, window: int | None) -> MethodFit:
    k = DEFAULT_MEAN_WINDOW if window is None else window
    k = min(k, len(y)) if window is None else k
    values = y.iloc[-k:].to_numpy()
    centre = float(values.mean())
    if k >= 2:
        spread, df, note = float(values.std(ddof=1)), k - 1, f"mean of last {k}"
    else:
        spread, df = float(y.to_numpy().std(ddof=1)), len(y) - 1
        note = f"mean of last {k}; spread from all {len(y)} observations"
    if not spread > 0:
        raise MethodUnavailable("mean: the values have no spread, no interval")
    dist = stats.t(df=df, loc=centre, scale=spread * math.sqrt(1 + 1 / k))
    return MethodFit(Predictive((dist,)), n_obs=k, note=note)


@register("last", min_obs=3)
def _last(y: pd.Series, year: int, window: int | None) -> MethodFit:
    y = _tail(y, window)
    _require(y, "last")
    full = annual(y)
    changes = full.diff().dropna()
    if len(changes) < 2:
        raise MethodUnavailable("last: fewer than 2 year-on-year changes")
    h = year - int(y.index[-1])
    spread = float(np.sqrt(np.mean(changes.to_numpy() ** 2)))
    if not spread > 0:
        raise MethodUnavailable("last: the series never changes, no interval")
    dist = stats.norm(loc=float(y.iloc[-1]), scale=spread * math.sqrt(h))
    return MethodFit(Predictive((dist,)), n_obs=len(y), note=f"random walk, h={h}")


@functools.lru_cache(maxsize=512)
def _ols(years: tuple, values: tuple, year: int):
    import statsmodels.api as sm

    X = sm.add_constant(np.asarray(years, dtype=float))
    res = sm.OLS(np.asarray(values, dtype=float), X).fit()
    pred = res.get_prediction(np.array([[1.0, float(year)]]))
    mean = float(pred.predicted_mean[0])
    se_obs = float(math.sqrt(pred.se_mean[0] ** 2 + res.scale))
    return mean, se_obs, float(res.df_resid)


@register("trend", min_obs=4)
def _trend(y: pd.Series, year: int, window: int | None) -> MethodFit:
    y = _tail(y, window)
    _require(y, "trend")
    mean, se_obs, df = _ols(tuple(int(i) for i in y.index), tuple(y.to_numpy()), year)
    if not (np.isfinite(mean) and se_obs > 0 and df > 0):
        raise MethodUnavailable("trend: a perfect or degenerate fit, no interval")
    dist = stats.t(df=df, loc=mean, scale=se_obs)
    return MethodFit(Predictive((dist,)), n_obs=len(y), note="OLS trend, observation interval")


@functools.lru_cache(maxsize=512)
def _ar1(first: int, values: tuple, steps: int):
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = SARIMAX(np.asarray(values, dtype=float), order=(1, 0, 0), trend="c")
        res = model.fit(disp=False)
        frame = res.get_forecast(steps=steps).summary_frame(alpha=0.05)
    trouble = sorted({type(w.message).__name__ for w in caught})
    return float(frame["mean"].iloc[-1]), float(frame["mean_se"].iloc[-1]), tuple(trouble)


@register("arima", min_obs=6)
def _arima(y: pd.Series, year: int, window: int | None) -> MethodFit:
    y = _tail(y, window)
    _require(y, "arima")
    full = annual(y)
    steps = year - int(full.index[-1])
    mean, se, trouble = _ar1(int(full.index[0]), tuple(full.to_numpy()), steps)
    if not (np.isfinite(mean) and se > 0):
        raise MethodUnavailable("arima: the fit did not give a usable forecast")
    gaps = int(full.isna().sum())
    note = "AR(1) with constant, state space" + (
        f", {gaps} missing year(s) skipped" if gaps else ""
    )
    if trouble:
        note += f" ({', '.join(trouble)})"
    return MethodFit(Predictive((stats.norm(loc=mean, scale=se),)), n_obs=len(y), note=note)


@functools.lru_cache(maxsize=512)
def _damped_ets(first: int, values: tuple, steps: int):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    endog = pd.Series(values, index=pd.period_range(str(first), periods=len(values), freq="Y"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = ETSModel(endog, error="add", trend="add", damped_trend=True).fit(disp=False)
        frame = res.get_prediction(start=len(values), end=len(values) + steps - 1).summary_frame(
            alpha=0.05
        )
    trouble = sorted({type(w.message).__name__ for w in caught})
    mean = float(frame["mean"].iloc[-1])
    se = float((frame["pi_upper"].iloc[-1] - frame["pi_lower"].iloc[-1]) / (2 * 1.959963984540054))
    return mean, se, tuple(trouble)


@register("ets", min_obs=6)
def _ets(y: pd.Series, year: int, window: int | None) -> MethodFit:
    y = _tail(y, window)
    gaps = annual(y).isna()
    if gaps.any():
        missing = [int(v) for v in gaps.index[gaps]]
        raise MethodUnavailable(f"ets: needs a gap-free series, missing {missing}")
    _require(y, "ets")
    steps = year - int(y.index[-1])
    mean, se, trouble = _damped_ets(int(y.index[0]), tuple(y.to_numpy()), steps)
    if not (np.isfinite(mean) and se > 0):
        raise MethodUnavailable("ets: the fit did not give a usable forecast")
    note = "damped additive trend ETS" + (f" ({', '.join(trouble)})" if trouble else "")
    return MethodFit(Predictive((stats.norm(loc=mean, scale=se),)), n_obs=len(y), note=note)


COMBO_MEMBERS = ("mean", "last", "trend", "arima", "ets")


@register("combo", min_obs=2)
def _combo(y: pd.Series, year: int, window: int | None) -> MethodFit:
    fits, skipped = {}, []
    for name in COMBO_MEMBERS:
        try:
            fits[name] = METHODS[name](y, year, window)
        except MethodUnavailable as exc:
            skipped.append(str(exc))
    if not fits:
        raise MethodUnavailable("combo: no member method could run (" + "; ".join(skipped) + ")")
    components = tuple(c for f in fits.values() for c in f.dist.components)
    note = f"equal-weight mixture of {', '.join(fits)}"
    if skipped:
        note += " (skipped: " + "; ".join(skipped) + ")"
    n_obs = max(f.n_obs for f in fits.values())
    return MethodFit(Predictive(components), n_obs=n_obs, note=note)


# --------------------------------------------------------------------------- public API


def check_method(method: str) -> str:
    """Return ``method`` if registered, else raise ``ValueError`` listing the valid ones."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; valid methods: {', '.join(METHODS)}")
    return method


def clean_history(history: pd.Series | pd.DataFrame, name: str = "history") -> pd.Series:
    """Validate a growth history: integer years, no duplicate year, no NaN.

    Raises
    ------
    ValueError
        On duplicate years or non-numeric values (never a silent wrong number).
    """
    y = history["value"] if isinstance(history, pd.DataFrame) else history
    y = pd.Series(y)
    if y.index.duplicated().any():
        dupes = sorted({int(v) for v in y.index[y.index.duplicated()]})
        raise ValueError(f"{name}: duplicate years {dupes}; keep one value per year")
    try:
        y = y.astype("float64")
    except (TypeError, ValueError):
        raise ValueError(f"{name}: values must be numbers") from None
    if np.isinf(y).any():
        raise ValueError(f"{name}: infinite values")
    y = y.dropna()  # a missing year is a gap, handled by the methods
    y.index = y.index.astype(int)
    return y.sort_index()


def _history_for(indicator: str, history, use_estimates: bool, year: int) -> pd.Series:
    if history is not None:
        return clean_history(history, name=f"history of {indicator}")
    if indicator not in data.TARGET_IDS:
        raise ValueError(
            f"unknown indicator {indicator!r}; valid indicators: {', '.join(data.TARGET_IDS)}"
        )
    y = clean_history(data.history(indicator), name=indicator)
    if use_estimates:
        t = data.targets()
        est = t.loc[indicator, "value_2023"]
        if pd.notna(est) and 2023 not in y.index and year > 2023:
            y.loc[2023] = float(est)
    return y[y.index < year].sort_index()


def _check_window(window: int | None, n: int, indicator: str) -> None:
    if window is None:
        return
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)):
        raise ValueError(f"window must be a whole number >= 1, not {window!r}")
    if window < 1:
        raise ValueError(f"window must be >= 1, not {window}")
    if window > n:
        raise ValueError(
            f"window {window} is larger than the history of {indicator} ({n} observations)"
        )


def projection(
    indicator: str,
    year: int = 2024,
    method: str = DEFAULT_METHOD,
    window: int | None = None,
    history: pd.Series | None = None,
    calibrate: bool = True,
    use_estimates: bool = False,
) -> Projection:
    """Project one indicator and keep its predictive distribution.

    Parameters are those of :func:`project`.

    Returns
    -------
    Projection
    """
    check_method(method)
    y = _history_for(indicator, history, use_estimates, year)
    notes = []
    if use_estimates and history is None and 2023 in y.index:
        notes.append("includes the report's 2023 estimate (预计) as the last point")
    n = len(y)
    last = int(y.index[-1]) if n else None
    if n < MIN_OBS:
        notes.append(
            f"only {n} annual observation(s) (< {MIN_OBS}): no model projection; "
            "give a custom growth assumption"
        )
        return Projection(
            indicator, year, method, n, None, None, last, "", "insufficient_history", notes
        )
    _check_window(window, n, indicator)
    if year <= last:
        raise ValueError(f"year {year} is not after the last observation ({last})")
    try:
        fit = METHODS[method](y, year, window)
    except MethodUnavailable as exc:
        notes.append(str(exc))
        return Projection(
            indicator, year, method, n, None, year - last, last, "", "method_unavailable", notes
        )
    notes.append(fit.note)
    dist, source = fit.dist, "model"
    if calibrate:
        dist, source = _calibrated(y, year - last, method, window, dist)
    flag = "short_history" if fit.n_obs < SHORT_OBS else ""
    return Projection(
        indicator, year, method, fit.n_obs, dist, year - last, last, source, flag, notes
    )


def _calibrated(y, horizon, method, window, dist):
    from pxanalysis import backtest

    errors = backtest.errors(tuple(y.index), tuple(y.to_numpy()), method, horizon, window)
    if len(errors) < backtest.MIN_ERRORS:
        return dist, f"model (only {len(errors)} backtest errors: not calibrated)"
    rmse = float(np.sqrt(np.mean(np.square(errors))))
    sd = dist.std()
    if rmse > sd:
        return dist.widened(rmse / sd), (
            f"widened to backtest RMSE {rmse:.2f} (model sd {sd:.2f}, {len(errors)} origins, h={horizon})"
        )
    return dist, f"model (backtest RMSE {rmse:.2f} <= model sd {sd:.2f}, {len(errors)} origins)"


def project(
    indicator: str,
    year: int = 2024,
    method: str = DEFAULT_METHOD,
    window: int | None = None,
    history: pd.Series | None = None,
    calibrate: bool = True,
    use_estimates: bool = False,
) -> pd.DataFrame:
    """Project the annual growth (%) of one indicator for ``year``.

    Parameters
    ----------
    indicator : str
        One of :data:`pxanalysis.data.TARGET_IDS` (or any name with ``history``).
    year : int, default 2024
    method : str, default 'combo'
        A key of :data:`METHODS`.
    window : int, optional
        Use only the last ``window`` observations (``mean`` defaults to 5,
        the others to all). Must be between 1 and the number of observations.
    history : pandas.Series, optional
        Growth by year to use instead of :func:`pxanalysis.data.history`.
    calibrate : bool, default True
        Widen the interval to the rolling-origin backtest RMSE at the same
        horizon where the model's interval is narrower (Bank of England,
        pre-1996); ``interval_source`` says which was used.
    use_estimates : bool, default False
        Append the report's 2023 estimate (预计) to the history (noted).

    Returns
    -------
    pandas.DataFrame
        One row with ``indicator, year, method, n_obs, median, lo80, hi80,
        lo95, hi95, sd, horizon, last_obs_year, interval_source, flag, note``.
    """
    return projection(indicator, year, method, window, history, calibrate, use_estimates).frame()


def capped_window(
    indicator: str, window: int | None, year: int = 2024, use_estimates: bool = False
) -> int | None:
    """``window`` capped to the indicator's history before ``year`` (None where too short).

    One window applies to all nine indicators in a scenario; each series uses at
    most what it has, and a series too short to project ignores it.
    """
    if window is None:
        return None
    n = len(_history_for(indicator, None, use_estimates, year))
    return None if n < MIN_OBS else min(window, n)


def project_all(
    year: int = 2024, method: str = DEFAULT_METHOD, window: int | None = None, **options
) -> pd.DataFrame:
    """:func:`project` for each of the nine main indicators (window capped per series)."""
    rows = []
    for indicator in data.TARGET_IDS:
        w = capped_window(indicator, window, year, options.get("use_estimates", False))
        rows.append(project(indicator, year, method, w, **options))
    return pd.concat(rows, ignore_index=True)


def clear_cache() -> None:
    """Forget cached model fits, backtests and scenario projections."""
    from pxanalysis import backtest, scenarios

    for fn in (_ols, _ar1, _damped_ets, backtest._run, scenarios.cached_projection):
        fn.cache_clear()
