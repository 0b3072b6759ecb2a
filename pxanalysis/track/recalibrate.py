"""The pre-registered calibration rule (``data/ledger/PREREGISTRATION.md``).

Everything here is fitted on development rows (target years up to :data:`CUTOFF`)
and applied unchanged to the evaluation rows after it.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize, special

from pxanalysis.data import ledger as ledger_data
from pxanalysis.data import registry
from pxanalysis.engine.evidence import TARGET_SHORTFALL
from pxanalysis.track import replay, scores

#: The last development target year; later years are the evaluation set (pre-registered).
CUTOFF = 2019

#: The methods the replay compares ("auto": the engine's own selection rule).
METHODS = ("auto", "last", "mean3", "trend", "combo")

#: Two methods' development log scores closer than this are a tie (the default wins).
TIE = 0.01

#: Band widening factors searched: 1 to 3 in steps of 0.05 (pre-registered).
WIDEN_GRID = np.round(np.arange(1.0, 3.0001, 0.05), 2)


#: A level needs this many development rows for its own shortfall (amendment 1), else
#: the judgement :data:`pxanalysis.engine.evidence.TARGET_SHORTFALL` stands.
SHORTFALL_MIN_ROWS = 10


def shortfall_by_level(ledger: pd.DataFrame, cutoff: int = CUTOFF) -> tuple[dict, dict]:
    """Per level, the median of target - outcome over the development rows (pre-registered).

    Rows: judged targets (:func:`pxanalysis.track.replay.judged`) to be met from above
    (``direction == 'increase'``, not a registry cap) with a found numeric outcome, target
    year <= ``cutoff``. A level with fewer than :data:`SHORTFALL_MIN_ROWS` keeps
    :data:`~pxanalysis.engine.evidence.TARGET_SHORTFALL`. Values are bounded to
    :data:`pxanalysis.data.ledger.SHORTFALL_BOUNDS`.

    Returns
    -------
    (dict, dict)
        level -> shortfall (pp), and level -> the number of rows it rests on.
    """
    caps = ledger["indicator_id"].map(lambda i: bool(getattr(registry.get(i), "cap", False)))
    outcome = pd.to_numeric(ledger["outcome_value"], errors="coerce")
    rows = ledger[replay.judged(ledger) & ledger["status"].eq("found") & outcome.notna()
                  & ledger["direction"].eq("increase") & ~caps & (ledger["year"] <= cutoff)]  # fmt: skip
    gaps = rows["target_value"].astype(float) - outcome[rows.index]
    low, high = ledger_data.SHORTFALL_BOUNDS
    values, counts = {}, {}
    for level, gap in gaps.groupby(rows["level"]):
        counts[str(level)] = int(len(gap))
        if len(gap) >= SHORTFALL_MIN_ROWS:
            values[str(level)] = round(float(np.clip(gap.median(), low, high)), 3)
    for level in ledger_data.LEVELS:
        values.setdefault(level, TARGET_SHORTFALL)
        counts.setdefault(level, 0)
    return values, counts


@dataclass
class Calibration:
    """What the rule chose on development rows."""

    cutoff: int = CUTOFF
    method: str = "auto"
    a: float = 0.0
    b: float = 1.0
    adopted: bool = False
    widen: dict = field(default_factory=dict)
    dev_log_scores: dict = field(default_factory=dict)
    dev_rows: int = 0
    loyo_log_score_raw: float = math.nan
    loyo_log_score_mapped: float = math.nan
    shortfall: dict = field(default_factory=dict)
    shortfall_rows: dict = field(default_factory=dict)

    def apply(self, p) -> np.ndarray:
        """The calibrated probability of the engine's ``p`` (the identity if not adopted)."""
        p = np.asarray(p, dtype=float)
        if not self.adopted:
            return p
        q = np.clip(p, scores.LOG_CLIP, 1 - scores.LOG_CLIP)
        return special.expit(self.a + self.b * special.logit(q))

    def widened(self, rows: pd.DataFrame) -> pd.DataFrame:
        """``rows`` with their 80 % and 95 % bands widened by their grade's factor."""
        out = rows.copy()
        factor = out["grade"].map(self.widen).fillna(1.0).astype(float)
        for lo, hi in (("lo80", "hi80"), ("lo95", "hi95")):
            out[lo] = out["median"] - factor * (out["median"] - out[lo])
            out[hi] = out["median"] + factor * (out[hi] - out["median"])
        return out

    def save(self, path: Path) -> Path:
        """Write the calibration as JSON."""
        path.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n")
        return path

    @classmethod
    def load(cls, path: Path) -> Calibration:
        """Read a calibration written by :meth:`save`."""
        return cls(**json.loads(Path(path).read_text()))


def fit_map(p: pd.Series, met: pd.Series) -> tuple[float, float]:
    """Platt scaling with the slope in [0, 1]: (a, b) of logistic(a + b logit p), by ML."""
    x = special.logit(np.clip(p.astype(float).to_numpy(), scores.LOG_CLIP, 1 - scores.LOG_CLIP))
    y = met.astype(float).to_numpy()

    def loss(theta):
        q = np.clip(special.expit(theta[0] + theta[1] * x), 1e-12, 1 - 1e-12)
        return -np.sum(y * np.log(q) + (1 - y) * np.log(1 - q))

    fit = optimize.minimize(loss, x0=[0.0, 1.0], bounds=[(-5, 5), (0.0, 1.0)], method="L-BFGS-B")
    return float(fit.x[0]), float(fit.x[1])


def _loyo(dev: pd.DataFrame) -> tuple[float, float]:
    """Leave-one-year-out log score of the raw and the mapped probability."""
    raw, mapped = [], []
    for year in sorted(dev["year"].unique()):
        train, test = dev[dev["year"] != year], dev[dev["year"] == year]
        if train["met"].nunique() < 2:
            continue
        a, b = fit_map(train["p_meet"], train["met"])
        q = Calibration(a=a, b=b, adopted=True).apply(test["p_meet"])
        raw.append(scores.log_score(test["p_meet"], test["met"]) * len(test))
        mapped.append(scores.log_score(pd.Series(q), test["met"]) * len(test))
    n = len(dev)
    return (sum(raw) / n, sum(mapped) / n) if raw else (math.nan, math.nan)


def widen_factors(dev: pd.DataFrame) -> dict:
    """Per grade, the smallest factor on :data:`WIDEN_GRID` bringing 80 % coverage to 0.80."""
    out = {}
    for grade, rows in dev.groupby("grade"):
        for factor in WIDEN_GRID:
            trial = Calibration(widen={grade: float(factor)}).widened(rows)
            if scores.coverage(trial, "lo80", "hi80") >= 0.80:
                break
        out[str(grade)] = float(factor)
    return out


def calibrate(replays: dict[str, pd.DataFrame], cutoff: int = CUTOFF,
              shortfall: tuple[dict, dict] = ({}, {})) -> Calibration:  # fmt: skip
    """Apply the pre-registered rule to the replays (one frame per method) on years <= cutoff;
    ``shortfall`` is what :func:`shortfall_by_level` gave before the replays (recorded)."""
    logs = {}
    for method, rows in replays.items():
        dev = rows[(rows["year"] <= cutoff)]
        logs[method] = scores.log_score(dev["p_meet"], dev["met"])
    best = min(logs, key=lambda m: (logs[m], m != "auto"))
    if "auto" in logs and logs["auto"] - logs[best] < TIE:
        best = "auto"
    dev = replays[best][replays[best]["year"] <= cutoff]
    a, b = fit_map(dev["p_meet"], dev["met"])
    loyo_raw, loyo_mapped = _loyo(dev)
    adopted = bool(loyo_mapped < loyo_raw)
    return Calibration(cutoff=cutoff, method=best, a=a, b=b, adopted=adopted,
                       widen=widen_factors(dev), dev_log_scores=logs, dev_rows=len(dev),
                       loyo_log_score_raw=loyo_raw, loyo_log_score_mapped=loyo_mapped,
                       shortfall=dict(shortfall[0]), shortfall_rows=dict(shortfall[1]))  # fmt: skip
