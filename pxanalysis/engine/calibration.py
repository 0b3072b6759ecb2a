"""Intervals that earn their width: predictive distributions sized by real-time errors.

A projection's point forecast comes from its method; its *spread* comes from
the pseudo-out-of-sample (real-time) errors the same method made at the same
true horizon, on the Jiangxi city panel and Pingxiang's own series, using only
outcomes known at the forecast's date. The spread is whatever those errors say:
wider *or narrower* than the model's own interval.

The distribution (Bank of England fan-chart style):

- a **core**: a two-piece normal around the point forecast (the mode), its
  downside and upside widths the root mean squares of the negative and positive
  errors, each shrunk towards the pooled RMS (so a handful of errors cannot
  invent a skew); errors of the pandemic years are left out of the core;
- a **shock** component, with probability :data:`SHOCK_PROBABILITY`: a normal
  with the mean and RMS of the errors made in the pandemic years;
- where the last point of the series is the report's *estimate* (预计), the
  estimate's own uncertainty :data:`ESTIMATE_SD`, passed through the method's
  weight on the last point, is added to both widths.

Every judgement here is a named constant with its reasoning.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from pxanalysis import caching

#: Target years whose forecast errors the pandemic dominates: the falls of 2020 and
#: 2022 and the base-effect rebound of 2021 between them. Their errors form the
#: shock component, not the core.
PANDEMIC_YEARS = (2020, 2021, 2022)

#: Probability of a pandemic-sized shock in the projected year. The sample has 3
#: such target years among 21 (2003-2023), all from one event that ended with the
#: December 2022 reopening; a repeat in 2024 is judged less likely than that
#: frequency: 1 year in 20.
SHOCK_PROBABILITY = 0.05

#: Only errors of the last this many target years (the pandemic years set aside,
#: not counted) size the core: growth fell from about 14 % (2010) to about 8 %
#: (2016); errors of the boom years describe a different, more volatile economy.
CALIBRATION_YEARS = 10

#: Fewer real-time errors than this: keep the model's own interval (and say so).
MIN_CALIBRATION_ERRORS = 8

#: Pseudo-count shrinking each side's width towards the pooled RMS: a side with
#: 5 errors gets half its own width and half the pooled one.
SKEW_PSEUDO_COUNT = 5.0

#: Standard deviation (pp) of a January estimate (预计) of last year's growth
#: around the later final figure. Judgement: Jiangxi's January 2024 estimate of
#: 2023 growth (4.1 %) equals the final figure; Chinese preliminary annual growth
#: figures are rarely revised by more than half a point before the census
#: revisions, which change levels rather than growth.
ESTIMATE_SD = 0.5


def two_piece_cdf(x, mode, below, above):
    """CDF of a two-piece normal (vectorised over every argument)."""
    x, mode, below, above = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (x, mode, below, above))
    )
    total = below + above
    low = 2 * below / total * special.ndtr((x - mode) / below)
    high = below / total + 2 * above / total * (special.ndtr((x - mode) / above) - 0.5)
    return np.where(x < mode, low, high)


def two_piece_ppf(q, mode, below, above):
    """Quantile of a two-piece normal (vectorised)."""
    q, mode, below, above = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (q, mode, below, above))
    )
    total = below + above
    split = below / total
    low = mode + below * special.ndtri(np.clip(q * total / (2 * below), 1e-300, 1))
    high = mode + above * special.ndtri(
        np.clip((q - split) * total / (2 * above) + 0.5, 0, 1 - 1e-16)
    )
    return np.where(q < split, low, high)


def mixture_cdf(x, mode, below, above, shock_mean, shock_sd, weight):
    """CDF of the core two-piece normal mixed with the shock normal (vectorised)."""
    core = two_piece_cdf(x, mode, below, above)
    shock_sd = np.asarray(shock_sd, dtype=float)
    safe = np.where(shock_sd > 0, shock_sd, 1.0)
    shock = special.ndtr((np.asarray(x, dtype=float) - mode - shock_mean) / safe)
    weight = np.where(shock_sd > 0, weight, 0.0)
    return (1 - weight) * core + weight * shock


def mixture_ppf(q, mode, below, above, shock_mean, shock_sd, weight, iterations: int = 60):
    """Quantile of the mixture, by bisection on every element at once."""
    args = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (q, mode, below, above, shock_mean, shock_sd, weight))
    )
    q, mode, below, above, shock_mean, shock_sd, weight = args
    if not np.any((shock_sd > 0) & (weight > 0)):
        return two_piece_ppf(q, mode, below, above)
    span = 12 * (np.maximum(below, above) + np.abs(shock_mean) + shock_sd)
    lo, hi = mode - span, mode + span
    for _ in range(iterations):
        mid = (lo + hi) / 2
        below_q = mixture_cdf(mid, mode, below, above, shock_mean, shock_sd, weight) < q
        lo, hi = np.where(below_q, mid, lo), np.where(below_q, hi, mid)
    return (lo + hi) / 2


def _ndtr(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2))


def _mixture_cdf_scalar(x, mode, below, above, shock_mean, shock_sd, weight) -> float:
    """:func:`mixture_cdf` for one point, in plain floats (no array overhead)."""
    total = below + above
    if x < mode:
        core = 2 * below / total * _ndtr((x - mode) / below)
    else:
        core = below / total + 2 * above / total * (_ndtr((x - mode) / above) - 0.5)
    if shock_sd <= 0 or weight <= 0:
        return core
    return (1 - weight) * core + weight * _ndtr((x - mode - shock_mean) / shock_sd)


@caching.memoize(maxsize=65536)
def _mixture_ppf_scalar(q, mode, below, above, shock_mean, shock_sd, weight) -> float:
    """:func:`mixture_ppf` for one probability: Brent's method on the scalar CDF.

    The same root as the vectorised bisection (to 1e-13), some fifty times faster;
    cached, since a projection's quantiles are asked for again and again.
    """
    if not (shock_sd > 0 and weight > 0):
        return float(two_piece_ppf(q, mode, below, above))
    span = 12 * (max(below, above) + abs(shock_mean) + shock_sd)
    return float(
        optimize.brentq(
            lambda x: _mixture_cdf_scalar(x, mode, below, above, shock_mean, shock_sd, weight) - q,
            mode - span,
            mode + span,
            xtol=1e-13,
            rtol=4 * np.finfo(float).eps,
            maxiter=200,
        )
    )


class EffectiveSD:
    """Mixin for a distribution with ``ppf``: an effective standard deviation."""

    def std(self) -> float:
        """Half the central 68.3 % interval: finite even where the moments are not
        (Student t with df <= 2, heavy shock tails)."""
        return (self.ppf(0.841344746) - self.ppf(0.158655254)) / 2


@dataclass(frozen=True)
class Spread:
    """The widths a set of real-time errors gives (pp), and how many errors gave them."""

    below: float
    above: float
    n_core: int
    shock_mean: float = 0.0
    shock_sd: float = 0.0
    n_shock: int = 0

    @property
    def has_shock(self) -> bool:
        return self.n_shock > 0 and self.shock_sd > 0


def spread(errors: np.ndarray, targets: np.ndarray, latest_target: int) -> Spread | None:
    """Widths from real-time errors (actual - forecast) of the given target years.

    Only targets in the last :data:`CALIBRATION_YEARS` non-pandemic years up to
    ``latest_target`` count for the core; every known pandemic-year error counts
    for the shock.

    Returns
    -------
    Spread or None
        None with fewer than :data:`MIN_CALIBRATION_ERRORS` core errors.
    """
    errors, targets = np.asarray(errors, dtype=float), np.asarray(targets)
    known = targets <= latest_target
    pandemic = np.isin(targets, PANDEMIC_YEARS)
    window = [y for y in range(latest_target, latest_target - 40, -1) if y not in PANDEMIC_YEARS]
    core = errors[known & ~pandemic & np.isin(targets, window[:CALIBRATION_YEARS])]
    if len(core) < MIN_CALIBRATION_ERRORS:
        return None
    pooled = float(np.mean(core**2))
    sides = []
    for side in (core[core < 0], core[core >= 0]):
        own = float(np.mean(side**2)) if len(side) else pooled
        weight = len(side) / (len(side) + SKEW_PSEUDO_COUNT)
        sides.append(math.sqrt(weight * own + (1 - weight) * pooled))
    shock = errors[known & pandemic]
    return Spread(
        below=max(sides[0], 1e-3),
        above=max(sides[1], 1e-3),
        n_core=len(core),
        shock_mean=float(np.mean(shock)) if len(shock) else 0.0,
        shock_sd=float(np.sqrt(np.mean(shock**2))) if len(shock) else 0.0,
        n_shock=len(shock),
    )


@dataclass(eq=False)
class Calibrated(EffectiveSD):
    """A predictive distribution: the two-piece core, mixed with a shock component."""

    mode: float
    widths: Spread
    extra_sd: float = 0.0

    @property
    def below(self) -> float:
        return math.hypot(self.widths.below, self.extra_sd)

    @property
    def above(self) -> float:
        return math.hypot(self.widths.above, self.extra_sd)

    @property
    def shock_weight(self) -> float:
        return SHOCK_PROBABILITY if self.widths.has_shock else 0.0

    @property
    def shock_sd(self) -> float:
        return math.hypot(self.widths.shock_sd, self.extra_sd) if self.widths.has_shock else 0.0

    def _args(self):
        return (self.mode, self.below, self.above, self.widths.shock_mean, self.shock_sd,
                self.shock_weight)  # fmt: skip

    def cdf(self, x):
        return mixture_cdf(x, *self._args())

    def ppf(self, q: float) -> float:
        return _mixture_ppf_scalar(float(q), *self._args())


def predictive(point: float, widths: Spread, extra_sd: float = 0.0) -> Calibrated:
    """The calibrated distribution around ``point`` (its mode).

    Parameters
    ----------
    point : float
        The method's point forecast.
    widths : Spread
        From :func:`spread`.
    extra_sd : float
        Further uncertainty (pp) added in quadrature to every width, e.g. that of
        an estimated last point.
    """
    return Calibrated(point, widths, extra_sd)


def describe(widths: Spread) -> str:
    """One line saying where an interval's width came from."""
    text = (
        f"real-time errors: {widths.n_core} (last {CALIBRATION_YEARS} target years, "
        f"pandemic years aside), widths -{widths.below:.2f}/+{widths.above:.2f} pp"
    )
    if widths.has_shock:
        text += (
            f"; shock component p={SHOCK_PROBABILITY:g} from {widths.n_shock} pandemic-year "
            f"errors (mean {widths.shock_mean:+.1f}, RMS {widths.shock_sd:.1f} pp)"
        )
    return text


def clear_cache() -> None:
    """Forget the cached quantiles."""
    caching.clear()
