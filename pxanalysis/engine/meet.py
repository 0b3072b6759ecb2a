"""Whether a target is met: P(meet) for increase and decline targets, strict and "about" (左右)."""

from __future__ import annotations

import math

from pxanalysis.data import ledger

#: Probabilities are clipped to [CLIP, 1 - CLIP] before the calibration map (as when it was fitted).
CLIP = 0.01

#: How far (pp) below a target written 左右 ("about") an outcome may fall and still
#: meet it "about": half the 0.5 pp step in which growth targets are set (5 %,
#: 5.5 %, 6 % ...), so that 5.3 % counts as "about 5.5 %" and 4.9 % does not.
ABOUT_BAND = 0.5


def meet_probabilities(p, target: float, direction: str, qualifier: str):
    """(P(meet the target), P(meet it "about")) for one projection.

    A decline target (``direction == 'decrease'``, energy intensity) is met by a
    decline at least as large: P(outcome <= target). A target written 左右 is met
    "about" within :data:`ABOUT_BAND` of it; other targets have one definition. The
    engine's probabilities go through the track record's map (:func:`calibrated`); a
    user's assumption (``p.method == 'assumption'``) does not.
    """
    band = ABOUT_BAND if "左右" in str(qualifier or "") else 0.0
    # a user's assumption is the user's own distribution: the track record's map was fitted
    # on the engine's probabilities and does not apply to it
    mapped = (lambda q: q) if getattr(p, "method", "") == "assumption" else calibrated
    if direction == "increase":
        return mapped(p.prob_at_least(target)), mapped(p.prob_at_least(target - band))
    return mapped(p.prob_at_most(target)), mapped(p.prob_at_most(target + band))


def raw_meet_probability(p, target: float, direction: str) -> float:
    """P(meet) before the track record's calibration map."""
    return p.prob_at_least(target) if direction == "increase" else p.prob_at_most(target)


def calibrated(probability: float) -> float:
    """``probability`` through the track record's calibration map, when one was adopted.

    The map logistic(a + b logit p), fitted on the ledger's development years by the
    pre-registered rule (``data/ledger/PREREGISTRATION.md``), is read from the committed
    ``data/ledger/track_record/calibration.json``; without it (or not adopted) the
    probability is returned as it is.
    """
    if probability != probability:  # NaN: no projection
        return probability
    cal = ledger.calibration()
    if cal is None or not cal["adopted"]:
        return probability
    q = min(max(float(probability), CLIP), 1 - CLIP)
    z = cal["a"] + cal["b"] * math.log(q / (1 - q))
    return 1 / (1 + math.exp(-z))


def met(outcome: float, target: float, direction: str, qualifier: str) -> tuple[bool, bool]:
    """(met, met "about") for a realised ``outcome``: the events :func:`meet_probabilities` prices.

    An increase target is met by ``outcome >= target``; a decline or a cap
    (``direction == 'decrease'``) by ``outcome <= target``; "about" widens both by
    :data:`ABOUT_BAND` for targets written 左右. Values are compared at 1e-9 so that a
    figure stated as the target itself (5.5 against 5.5) is met.
    """
    band = ABOUT_BAND if "左右" in str(qualifier or "") else 0.0
    if direction == "increase":
        return outcome >= target - 1e-9, outcome >= target - band - 1e-9
    return outcome <= target + 1e-9, outcome <= target + band + 1e-9
