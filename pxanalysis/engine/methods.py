"""Projection methods behind one registry: a point forecast and the method's own distribution.

A method is a function ``fn(y, year, window) -> MethodFit`` registered under a
name (:func:`register`); :func:`fit` runs one. A fit's point forecast is cheap
(the backtests need thousands); its model distribution is built only when asked
for (``fit.dist``). Calibrated intervals, which replace the model's spread by
the spread of real-time errors, are made in :mod:`pxanalysis.engine.calibration`.

Methods (see :data:`METHODS`):

``mean``   mean of the last ``window`` values (default 5): the naive benchmark;
``mean3``  mean of the last three values (a benchmark professionals check);
``last``   last value (random walk), interval from the spread of year-on-year changes;
``trend``  OLS linear trend in growth, observation interval (statsmodels' ``obs_ci_*``);
``arima``  AR(1) with constant, statsmodels state space (tolerates missing years);
``ets``    damped additive-trend exponential smoothing (needs a gap-free series);
``combo``  equal-weight combination of mean, mean3, last and trend (point: their average).
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

from pxanalysis import caching
from pxanalysis.engine.calibration import EffectiveSD
from pxanalysis.engine.growth import annual
from pxanalysis.errors import MethodUnavailable, UsageError, check_name

__all__ = [
    "COMBO_MEMBERS",
    "FAST_METHODS",
    "METHODS",
    "METHOD_MIN_OBS",
    "MIN_OBS",
    "MethodFit",
    "MethodUnavailable",
    "Predictive",
    "SHORT_OBS",
    "check_method",
    "clean_history",
    "clear_cache",
    "fit",
    "register",
]

#: Fewer annual observations than this: no model projection.
MIN_OBS = 4
#: Fewer than this: a projection flagged ``short_history``.
SHORT_OBS = 8
DEFAULT_MEAN_WINDOW = 5


@dataclass(eq=False)
class Predictive(EffectiveSD):
    """A predictive distribution: an equal-weight mixture of frozen scipy distributions."""

    components: tuple

    def cdf(self, x):
        x = np.asarray(x, dtype=float)
        return np.mean([comp.cdf(x) for comp in self.components], axis=0)

    def ppf(self, q: float) -> float:
        if len(self.components) == 1:
            return float(self.components[0].ppf(q))
        lo = min(float(c.ppf(min(q, 1e-6))) for c in self.components) - 100
        hi = max(float(c.ppf(max(q, 1 - 1e-6))) for c in self.components) + 100
        return float(optimize.brentq(lambda x: self.cdf(x) - q, lo, hi, xtol=1e-10))


@dataclass(eq=False)
class MethodFit:
    """What a method returns: its point forecast, what it used, and its own distribution."""

    point: float
    n_obs: int
    note: str = ""
    make_dist: Callable[[], Predictive] | None = field(default=None, repr=False)

    @functools.cached_property
    def dist(self) -> Predictive:
        """The method's own predictive distribution (built on first use)."""
        return self.make_dist()


# --------------------------------------------------------------------------- registry

METHODS: dict[str, Callable[..., MethodFit]] = {}
METHOD_MIN_OBS: dict[str, int] = {}
#: Methods cheap enough to backtest on the whole city panel (the others are
#: backtested on Pingxiang's own series only).
FAST_METHODS = ("mean", "mean3", "last", "trend", "combo")


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


def _mean_of_last(y: pd.Series, k: int, name: str) -> MethodFit:
    values = y.to_numpy()[-k:]
    centre = float(values.mean())
    if k >= 2:
        spread, df, note = float(values.std(ddof=1)), k - 1, f"mean of last {k}"
    else:
        spread, df = float(y.to_numpy().std(ddof=1)), len(y) - 1
        note = f"mean of last {k}; spread from all {len(y)} observations"
    if not spread > 0:
        raise MethodUnavailable(f"{name}: the values have no spread, no interval")
    scale = spread * math.sqrt(1 + 1 / k)
    return MethodFit(
        centre, k, note, lambda: Predictive((stats.t(df=df, loc=centre, scale=scale),))
    )


@register("mean", min_obs=2)
def _mean(y: pd.Series, year: int, window: int | None) -> MethodFit:
    k = min(DEFAULT_MEAN_WINDOW, len(y)) if window is None else window
    return _mean_of_last(y, k, "mean")


@register("mean3", min_obs=3)
def _mean3(y: pd.Series, year: int, window: int | None) -> MethodFit:
    _require(y, "mean3")
    return _mean_of_last(y, 3, "mean3")


@register("last", min_obs=3)
def _last(y: pd.Series, year: int, window: int | None) -> MethodFit:
    y = _tail(y, window)
    _require(y, "last")
    values = y.to_numpy()
    years = y.index.to_numpy()
    consecutive = np.diff(years) == 1
    changes = np.diff(values)[consecutive]
    if len(changes) < 2:
        raise MethodUnavailable("last: fewer than 2 year-on-year changes")
    h = year - int(years[-1])
    spread = float(np.sqrt(np.mean(changes**2)))
    if not spread > 0:
        raise MethodUnavailable("last: the series never changes, no interval")
    point, scale = float(values[-1]), spread * math.sqrt(h)
    return MethodFit(
        point,
        len(y),
        f"random walk, h={h}",
        lambda: Predictive((stats.norm(loc=point, scale=scale),)),
    )


def _ols(years: np.ndarray, values: np.ndarray, year: int) -> tuple[float, float, int]:
    """OLS of values on years: forecast at ``year``, its observation s.e., residual df."""
    x = years.astype(float) - years.mean()
    x0 = float(year) - years.mean()
    n = len(values)
    sxx = float(np.sum(x * x))
    slope = float(np.sum(x * (values - values.mean())) / sxx)
    intercept = float(values.mean())
    resid = values - intercept - slope * x
    df = n - 2
    scale = float(np.sum(resid * resid) / df) if df > 0 else float("nan")
    se_obs = math.sqrt(scale * (1 + 1 / n + x0 * x0 / sxx)) if df > 0 else float("nan")
    return intercept + slope * x0, se_obs, df


@register("trend", min_obs=4)
def _trend(y: pd.Series, year: int, window: int | None) -> MethodFit:
    y = _tail(y, window)
    _require(y, "trend")
    point, se_obs, df = _ols(y.index.to_numpy(), y.to_numpy(dtype=float), year)
    if not (np.isfinite(point) and se_obs > 0 and df > 0):
        raise MethodUnavailable("trend: a perfect or degenerate fit, no interval")
    return MethodFit(
        point,
        len(y),
        "OLS trend, observation interval",
        lambda: Predictive((stats.t(df=df, loc=point, scale=se_obs),)),
    )


@caching.memoize(maxsize=8192)
def _ar1(values: tuple, steps: int):
    from statsmodels.tsa.statespace.sarimax import SARIMAX  # on first use: 0.5 s of imports

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
    mean, se, trouble = _ar1(tuple(full.to_numpy()), steps)
    if not (np.isfinite(mean) and se > 0):
        raise MethodUnavailable("arima: the fit did not give a usable forecast")
    gaps = int(full.isna().sum())
    note = "AR(1) with constant, state space" + (
        f", {gaps} missing year(s) skipped" if gaps else ""
    )
    if trouble:
        note += f" ({', '.join(trouble)})"
    return MethodFit(mean, len(y), note, lambda: Predictive((stats.norm(loc=mean, scale=se),)))


@caching.memoize(maxsize=8192)
def _damped_ets(first: int, values: tuple, steps: int):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel  # on first use

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
    return MethodFit(mean, len(y), note, lambda: Predictive((stats.norm(loc=mean, scale=se),)))


#: The members of ``combo``: the cheap, robust methods (a forecast combination).
COMBO_MEMBERS = ("mean", "mean3", "last", "trend")


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
    note = f"equal-weight combination of {', '.join(fits)}"
    if skipped:
        note += " (skipped: " + "; ".join(skipped) + ")"
    point = float(np.mean([f.point for f in fits.values()]))

    def make_dist() -> Predictive:
        return Predictive(tuple(c for f in fits.values() for c in f.dist.components))

    return MethodFit(point, max(f.n_obs for f in fits.values()), note, make_dist)


# --------------------------------------------------------------------------- public API


def check_method(method: str) -> str:
    """Return ``method`` if registered, else raise :class:`~pxanalysis.errors.UnknownNameError`."""
    return check_name(method, METHODS, "method")


def fit(y: pd.Series, year: int, method: str, window: int | None = None) -> MethodFit:
    """Run one registered method on a clean growth series.

    Raises
    ------
    MethodUnavailable
        If the method cannot run on this series (the message says why).
    """
    return METHODS[check_method(method)](y, year, window)


def clean_history(history: pd.Series | pd.DataFrame, name: str = "history") -> pd.Series:
    """Validate a growth history: integer years, no duplicate year, no NaN.

    Raises
    ------
    UsageError
        On duplicate years or non-numeric values (never a silent wrong number).
    """
    y = history["value"] if isinstance(history, pd.DataFrame) else history
    y = pd.Series(y)
    if y.index.duplicated().any():
        dupes = sorted({int(v) for v in y.index[y.index.duplicated()]})
        raise UsageError(f"{name}: duplicate years {dupes}; keep one value per year")
    try:
        y = y.astype("float64")
    except (TypeError, ValueError):
        raise UsageError(f"{name}: values must be numbers") from None
    if np.isinf(y).any():
        raise UsageError(f"{name}: infinite values")
    y = y.dropna()  # a missing year is a gap, handled by the methods
    y.index = y.index.astype(int)
    return y.sort_index()


def clear_cache() -> None:
    """Forget the cached model fits."""
    caching.clear()
