"""Projection methods behind one registry, and the predictive distribution they return.

A method is a function ``fn(y, year, window) -> MethodFit`` registered under a
name (:func:`register`); :func:`fit` runs one. Projections with their flags and
calibrated intervals are built from these in :mod:`pxanalysis.engine.projection`.

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
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, stats
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.statespace.sarimax import SARIMAX

from pxanalysis.engine.growth import annual
from pxanalysis.errors import MethodUnavailable, UsageError, check_name
from pxanalysis.vocab import DEFAULT_METHOD

__all__ = [
    "DEFAULT_METHOD",
    "METHODS",
    "METHOD_MIN_OBS",
    "MethodFit",
    "MethodUnavailable",
    "Predictive",
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
    for fn in (_ols, _ar1, _damped_ets):
        fn.cache_clear()
