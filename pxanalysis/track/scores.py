"""Scores of probabilities and bands against what happened, and the baselines.

Every function takes the replayed ledger rows (:func:`pxanalysis.track.replay.replay`):
``met`` (1/0), a probability column, ``median``, ``lo80`` … ``hi95`` and
``outcome_value``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

#: Probabilities are clipped to [LOG_CLIP, 1 - LOG_CLIP] for the log score: one
#: confident miss must not make a score infinite (the usual 1 % floor).
LOG_CLIP = 0.01

#: "Last year meets this year's target" is a 0/1 forecast; its log score uses 5 %/95 %.
LAST_YEAR_CLIP = 0.05

#: Ten equal probability bins for the reliability table.
BINS = np.linspace(0.0, 1.0, 11)


def brier(p: pd.Series, met: pd.Series) -> float:
    """Mean squared error of the probability ``p`` against the 0/1 outcome ``met``."""
    return float(np.mean((p.astype(float) - met.astype(float)) ** 2)) if len(p) else math.nan


def log_score(p: pd.Series, met: pd.Series) -> float:
    """Mean −ln of the probability given to what happened (lower is better)."""
    if not len(p):
        return math.nan
    q = np.clip(p.astype(float), LOG_CLIP, 1 - LOG_CLIP)
    return float(np.mean(-np.log(np.where(met.astype(float) > 0.5, q, 1 - q))))


def skill(score: float, reference: float) -> float:
    """1 − score / reference (positive: better than the reference)."""
    return 1 - score / reference if reference else math.nan


def reliability(p: pd.Series, met: pd.Series) -> pd.DataFrame:
    """Per probability bin: cases, mean forecast, share met, and their gap in points."""
    frame = pd.DataFrame({"p": p.astype(float).to_numpy(), "met": met.astype(float).to_numpy()})
    frame["bin"] = pd.cut(frame["p"], BINS, include_lowest=True)
    table = frame.groupby("bin", observed=False).agg(
        n=("p", "size"), forecast=("p", "mean"), met=("met", "mean")
    )
    table["gap_pp"] = 100 * (table["met"] - table["forecast"])
    return table


def base_rate(rows: pd.DataFrame, history: pd.DataFrame) -> pd.Series:
    """The base rate of meeting targets, from ``history``'s earlier target years only.

    For each row: the share met among ``history`` rows of earlier years at the same
    level and indicator, else the same indicator, else all; 0.5 with no earlier row.
    """
    out = []
    for r in rows.itertuples():
        earlier = history[history["year"] < r.year]
        for subset in (
            earlier[(earlier["level"] == r.level) & (earlier["indicator_id"] == r.indicator_id)],
            earlier[earlier["indicator_id"] == r.indicator_id],
            earlier,
        ):
            if len(subset):
                out.append(float(subset["met"].mean()))
                break
        else:
            out.append(0.5)
    return pd.Series(out, index=rows.index)


def last_year(rows: pd.DataFrame, history: pd.DataFrame) -> pd.Series:
    """``1 - LAST_YEAR_CLIP`` if last year's outcome (known by the report's date) meets this
    year's target, else ``LAST_YEAR_CLIP``; 0.5 when it is not known."""
    known = history.set_index(["region_id", "indicator_id", "year"])
    out = []
    for r in rows.itertuples():
        key = (r.region_id, r.indicator_id, r.year - 1)
        if key not in known.index:
            out.append(0.5)
            continue
        prior = known.loc[[key]].iloc[0]
        if str(prior["known"]) > str(r.target_known):
            out.append(0.5)
            continue
        value = float(prior["value"])
        hit = value >= r.target_value if r.direction == "increase" else value <= r.target_value
        out.append(1 - LAST_YEAR_CLIP if hit else LAST_YEAR_CLIP)
    return pd.Series(out, index=rows.index)


def coverage(rows: pd.DataFrame, lo: str, hi: str) -> float:
    """Share of outcomes inside [lo, hi]."""
    inside = (rows["outcome_value"] >= rows[lo]) & (rows["outcome_value"] <= rows[hi])
    return float(inside.mean()) if len(rows) else math.nan


def interval_table(rows: pd.DataFrame, by: str) -> pd.DataFrame:
    """80 %/95 % coverage and bias (outcome − median) by ``by`` (level, indicator, grade)."""
    table = rows.groupby(by).apply(
        lambda g: pd.Series(
            {
                "n": len(g),
                "coverage80": coverage(g, "lo80", "hi80"),
                "coverage95": coverage(g, "lo95", "hi95"),
                "bias_pp": float((g["outcome_value"] - g["median"]).mean()),
            }
        ),
        include_groups=False,
    )
    table["n"] = table["n"].astype(int)
    return table


def probability_table(rows: pd.DataFrame, forecasts: dict[str, pd.Series]) -> pd.DataFrame:
    """Brier, log score, Brier skill against the base rate for each named forecast."""
    reference = brier(forecasts["base rate"], rows["met"])
    out = []
    for name, p in forecasts.items():
        b = brier(p, rows["met"])
        out.append({"forecast": name, "n": len(rows), "brier": b,
                    "log_score": log_score(p, rows["met"]),
                    "skill_vs_base_rate": skill(b, reference)})  # fmt: skip
    return pd.DataFrame(out).set_index("forecast")
