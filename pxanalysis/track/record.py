"""The track record: replay the ledger with each method, calibrate on development years,
score the evaluation years against the baselines, and write it all down.

>>> from pxanalysis.track import record
>>> r = record.track_record(jobs=2)                                # doctest: +SKIP
>>> r.write(Path("reports/track-record"))                          # doctest: +SKIP
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pxanalysis.data import ledger as ledger_data
from pxanalysis.errors import DataError
from pxanalysis.track import recalibrate, replay, scores

#: Forecasts scored, in the order the tables print them.
FORECASTS = ("engine (calibrated)", "engine (raw, auto)", "base rate", "last year", "coin")
#: The columns of ``replayed.csv`` (the scored run's and a frozen run's).
REPLAYED_COLUMNS = ["row_id", "level", "year", "indicator_id", "target_value", "target_qualifier",
                    "outcome_value", "met", "p_meet", "p_calibrated", "median", "lo80", "hi80",
                    "grade", "method"]  # fmt: skip


@dataclass
class Record:
    """Everything the track record says (frames; :meth:`write` exports them)."""

    calibration: recalibrate.Calibration
    rows: pd.DataFrame  # the scored rows of the chosen method, calibrated columns added
    probability: pd.DataFrame  # (split, forecast) -> brier, log score, skill
    reliability: pd.DataFrame  # evaluation rows, calibrated probability
    reliability_raw: pd.DataFrame
    intervals: dict = field(default_factory=dict)  # by -> frame (evaluation rows)
    ledger_counts: pd.DataFrame = field(default_factory=pd.DataFrame)
    silence: pd.DataFrame = field(default_factory=pd.DataFrame)
    seconds: float = 0.0
    reports: int = 0

    def summary(self) -> str:
        """The record in a few lines of text (what ``pxanalysis track-record`` prints)."""
        c = self.calibration
        ev = self.probability.loc["evaluation"]
        n_dev = int((self.rows["year"] <= c.cutoff).sum())
        n_eval = int((self.rows["year"] > c.cutoff).sum())
        lines = [
            f"track record: {len(self.rows)} targets with outcomes scored "
            f"({n_dev} development <= {c.cutoff}, {n_eval} evaluation), "
            f"{self.reports} reports replayed in {self.seconds:.0f} s",
            f"calibration (development only): method {c.method}; map "
            + (
                f"logit p' = {c.a:.2f} + {c.b:.2f} logit p"
                if c.adopted
                else "not adopted (identity)"
            )
            + f"; band factors {c.widen}; target shortfall by level (pp) {c.shortfall} "
            f"(development rows {c.shortfall_rows})",
            "evaluation (after the cut-off): forecast, Brier, log score, skill vs base rate",
        ]
        for name, r in ev.iterrows():
            lines.append(
                f"  {name:22s} {r['brier']:.3f}  {r['log_score']:.3f}  {r['skill_vs_base_rate']:+.2f}"
            )
        for by, table in self.intervals.items():
            cells = ", ".join(
                f"{k}: {v['coverage80']:.2f}/{v['coverage95']:.2f} (n {v['n']})"
                for k, v in table.iterrows()
            )
            lines.append(f"80%/95% coverage by {by}: {cells}")
        return "\n".join(lines)

    def write(self, out: Path) -> Path:
        """Write the tables (CSV), the calibration (JSON) and the summary into ``out``."""
        out.mkdir(parents=True, exist_ok=True)
        self.calibration.save(out / "calibration.json")
        self.probability.to_csv(out / "scores.csv", float_format="%.4f")
        self.reliability.to_csv(out / "reliability.csv", float_format="%.4f")
        self.reliability_raw.to_csv(out / "reliability_raw.csv", float_format="%.4f")
        for by, table in self.intervals.items():
            table.to_csv(out / f"intervals_by_{by}.csv", float_format="%.4f")
        self.ledger_counts.to_csv(out / "ledger_counts.csv")
        self.silence.to_csv(out / "silence.csv", float_format="%.4f")
        self.rows[REPLAYED_COLUMNS].to_csv(out / "replayed.csv", index=False, float_format="%.4f")
        (out / "summary.txt").write_text(self.summary() + "\n", encoding="utf-8")
        meta = {"rows": len(self.rows), "reports": self.reports, "seconds": round(self.seconds, 1)}
        (out / "meta.json").write_text(json.dumps(meta) + "\n")
        return out


def scored(rows: pd.DataFrame) -> pd.DataFrame:
    """The replayed rows a score can use: a numeric outcome and a probability."""
    ok = rows["status"].eq("found") & rows["met"].notna() & rows["p_meet"].notna()
    return rows[ok & rows["median"].notna()].copy()


def _counts(ledger: pd.DataFrame) -> pd.DataFrame:
    table = ledger.pivot_table(index=["level", "indicator_id"], columns="status", values="row_id",
                               aggfunc="count", fill_value=0)  # fmt: skip
    table["total"] = table.sum(axis=1)
    return table


def _silence(replayed: pd.DataFrame) -> pd.DataFrame:
    """What silence means: the engine's mean P(meet) for silent rows beside met and missed ones."""
    groups = {
        "met": replayed[replayed["met"] == 1],
        "missed": replayed[replayed["met"] == 0],
        "silent": replayed[replayed["status"] == "silent"],
        "qualitative": replayed[replayed["status"] == "qualitative"],
    }
    return pd.DataFrame(
        {
            name: {
                "n": len(g),
                "mean_p_meet": g["p_meet"].mean(),
                "mean_target_minus_median": (g["target_value"] - g["median"]).mean(),
            }
            for name, g in groups.items()
        }  # fmt: skip
    ).T


def track_record(
    ledger: pd.DataFrame | None = None,
    outcomes: pd.DataFrame | None = None,
    methods: tuple[str, ...] = recalibrate.METHODS,
    jobs: int = 1,
    cutoff: int = recalibrate.CUTOFF,
) -> Record:
    """Replay, calibrate (development years) and score (evaluation years).

    Raises
    ------
    DataError
        If the ledger has no scored row on one side of the cut-off.
    """
    start = time.perf_counter()
    ledger = ledger_data.load() if ledger is None else ledger
    if outcomes is None:
        outcomes = pd.read_csv(ledger_data.path().with_name("outcomes.csv"), dtype={"note": str},
                               keep_default_na=False)  # fmt: skip
    replays, everything, reports = {}, None, 0
    shortfall = recalibrate.shortfall_by_level(ledger, cutoff)
    for method in methods:
        rows = replay.replay(ledger, outcomes, jobs=jobs, method=method, shortfall=shortfall[0])
        reports = rows.attrs.get("reports", 0)
        everything = rows if method == "auto" else everything
        replays[method] = scored(rows)
    for side, rows in (
        ("development", lambda r: r <= cutoff),
        ("evaluation", lambda r: r > cutoff),
    ):
        if not rows(replays[methods[0]]["year"]).any():
            raise DataError(
                f"the ledger has no scored target in the {side} years (cut-off {cutoff})"
            )
    calibration = recalibrate.calibrate(replays, cutoff, shortfall)
    rows = calibration.widened(replays[calibration.method])
    rows["p_calibrated"] = calibration.apply(rows["p_meet"])
    history = replay.history_rows(ledger, outcomes)
    frames = {}
    raw = replays.get("auto", replays[methods[0]]).set_index("row_id")["p_meet"]
    for split, part in (("development", rows[rows["year"] <= cutoff]),
                        ("evaluation", rows[rows["year"] > cutoff])):  # fmt: skip
        earlier = ledger[ledger["status"].eq("found") & ledger["met"].notna()]
        forecasts = {
            "engine (calibrated)": part["p_calibrated"],
            "engine (raw, auto)": part["row_id"].map(raw).fillna(part["p_meet"]),
            "base rate": scores.base_rate(part, earlier),
            "last year": scores.last_year(part, history),
            "coin": pd.Series(0.5, index=part.index),
        }
        frames[split] = scores.probability_table(part, forecasts)
    evaluation = rows[rows["year"] > cutoff]
    return Record(
        calibration=calibration,
        rows=rows,
        probability=pd.concat(frames, names=["split"]),
        reliability=scores.reliability(evaluation["p_calibrated"], evaluation["met"]),
        reliability_raw=scores.reliability(evaluation["p_meet"], evaluation["met"]),
        intervals={
            by: scores.interval_table(evaluation, by) for by in ("level", "indicator_id", "grade")
        },  # fmt: skip
        ledger_counts=_counts(ledger),
        silence=_silence(everything) if everything is not None else pd.DataFrame(),
        seconds=time.perf_counter() - start,
        reports=reports,
    )


#: The brief groups past forecasts in five bands of 20 points ("when the tool said
#: 20-40 %"): ten bins would leave most of them with a handful of cases.
LIKE_BANDS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


@dataclass
class Published:
    """The committed track record (``data/ledger/track_record/``) the brief shows."""

    folder: Path
    scores: pd.DataFrame
    reliability: pd.DataFrame
    replayed: pd.DataFrame
    calibration: recalibrate.Calibration

    def like_this(self, p: float, column: str = "p_calibrated") -> tuple[str, int, float]:
        """(band, past cases in it, share met) for a forecast ``p``: "of N past targets judged
        like this one, when the tool said 20-40 %, M % were met"."""
        edges = LIKE_BANDS
        i = min(max(0, int(p * 5)), 4)
        lo, hi = edges[i], edges[i + 1]
        rows = self.replayed[(self.replayed[column] >= lo) & (self.replayed[column] <= hi)]
        return (
            f"{lo:.0%}-{hi:.0%}",
            len(rows),
            float(rows["met"].mean()) if len(rows) else float("nan"),
        )


def published_fresh(folder: Path | None = None) -> pd.DataFrame | None:
    """The frozen calibration's score on fresh rows (``track_record/fresh/scores.csv``,
    split ``all``), or None when ``make track-record-fresh`` has not written one."""
    folder = folder or ledger_data.path().with_name("track_record") / "fresh"
    if not (folder / "scores.csv").is_file():
        return None
    table = pd.read_csv(folder / "scores.csv", index_col=[0, 1])
    return table.loc["all"] if "all" in table.index.get_level_values(0) else None


def published(folder: Path | None = None) -> Published | None:
    """The committed track record, or None when ``make track-record`` has not written one."""
    folder = folder or ledger_data.path().with_name("track_record")
    needed = ("scores.csv", "reliability.csv", "replayed.csv", "calibration.json")
    if not all((folder / name).is_file() for name in needed):
        return None
    return Published(
        folder=folder,
        scores=pd.read_csv(folder / "scores.csv", index_col=[0, 1]),
        reliability=pd.read_csv(folder / "reliability.csv"),
        replayed=pd.read_csv(folder / "replayed.csv"),
        calibration=recalibrate.Calibration.load(folder / "calibration.json"),
    )


def fresh_splits(cutoff: int) -> tuple[str, str, str]:
    """The splits a frozen run reports: all fresh rows, those up to the cut-off, those after."""
    return ("all", f"years <= {cutoff}", f"years > {cutoff}")


#: Below this many fresh rows the scores are printed with a warning: too few to judge
#: the issue's goals (pre-registration, amendment 2).
FRESH_MIN_ROWS = 50


@dataclass
class Fresh:
    """A frozen calibration scored on ledger rows the scored run never saw (amendment 2)."""

    calibration: recalibrate.Calibration
    rows: pd.DataFrame
    probability: pd.DataFrame  # (split, forecast) -> n, brier, log score, skill
    reliability: pd.DataFrame
    intervals: pd.DataFrame  # by grade
    seconds: float = 0.0

    def summary(self) -> str:
        """The fresh scores in a few lines of text."""
        c = self.calibration
        lines = [
            f"frozen calibration (method {c.method}, map {c.a:.2f} + {c.b:.2f} logit p, "
            f"band factors {c.widen}) scored once on {len(self.rows)} fresh rows "
            f"(not in the scored run), {self.seconds:.0f} s",
        ]
        if len(self.rows) < FRESH_MIN_ROWS:
            lines.append(
                f"caution: fewer than {FRESH_MIN_ROWS} fresh rows: too few to judge the goals"
            )
        for split in fresh_splits(c.cutoff):
            if split not in self.probability.index.get_level_values(0):
                continue
            table = self.probability.loc[split]
            lines.append(f"{split} (n {int(table['n'].iloc[0])}): Brier, log score, skill")
            for name, r in table.iterrows():
                lines.append(
                    f"  {name:22s} {r['brier']:.3f}  {r['log_score']:.3f}  "
                    f"{r['skill_vs_base_rate']:+.2f}"
                )
        cells = ", ".join(
            f"{k}: {v['coverage80']:.2f}/{v['coverage95']:.2f} (n {v['n']})"
            for k, v in self.intervals.iterrows()
        )
        lines.append(f"80%/95% coverage by grade: {cells}")
        return "\n".join(lines)

    def write(self, out: Path) -> Path:
        """Write the fresh rows, the tables and the summary into ``out``."""
        out.mkdir(parents=True, exist_ok=True)
        self.probability.to_csv(out / "scores.csv", float_format="%.4f")
        self.reliability.to_csv(out / "reliability.csv", float_format="%.4f")
        self.intervals.to_csv(out / "intervals_by_grade.csv", float_format="%.4f")
        self.rows[REPLAYED_COLUMNS].to_csv(out / "replayed.csv", index=False, float_format="%.4f")
        (out / "summary.txt").write_text(self.summary() + "\n", encoding="utf-8")
        return out


def target_key(rows: pd.DataFrame) -> pd.Series:
    """(region, year, indicator) of each row as ``region.year.indicator``: the row id without
    the ``.2`` a second reading of one target gets (stable when the ledger grows)."""
    return rows["row_id"].astype(str).str.split(".").str[:3].str.join(".")


def frozen(
    published_record: Published,
    ledger: pd.DataFrame | None = None,
    outcomes: pd.DataFrame | None = None,
    jobs: int = 1,
) -> Fresh:
    """Score a committed calibration, unchanged, on the ledger rows its run did not see.

    Not fresh: a row the run scored (``replayed.csv``), and a row whose outcome the run's
    ledger already held (``ledger_at_run.csv`` beside it, when present).

    The replay uses the calibration's method and target shortfall; the map and the band
    factors are applied as committed; nothing is fitted.

    Raises
    ------
    DataError
        If the ledger holds no scored row outside the committed run.
    """
    start = time.perf_counter()
    ledger = ledger_data.load() if ledger is None else ledger
    if outcomes is None:
        outcomes = pd.read_csv(ledger_data.path().with_name("outcomes.csv"), dtype={"note": str},
                               keep_default_na=False)  # fmt: skip
    c = published_record.calibration
    seen = published_record.replayed
    # the outcomes the scored run's ledger held (scored or not) are not fresh either
    held = published_record.folder / "ledger_at_run.csv"
    if held.is_file():
        at_run = pd.read_csv(held, dtype=str, keep_default_na=False)
        seen = pd.concat([seen[["row_id"]], at_run.loc[at_run["status"] == "found", ["row_id"]]])
    judged_rows = scored(replay.replay(ledger, outcomes, jobs=jobs, method=c.method,
                                       shortfall=c.shortfall or None))  # fmt: skip
    rows = judged_rows[~target_key(judged_rows).isin(set(target_key(seen)))]
    if rows.empty:
        raise DataError("no fresh row: every scored ledger row was in the committed run")
    rows = c.widened(rows)
    rows["p_calibrated"] = c.apply(rows["p_meet"])
    history = replay.history_rows(ledger, outcomes)
    earlier = ledger[ledger["status"].eq("found") & ledger["met"].notna()]
    frames = {}
    names = fresh_splits(c.cutoff)
    for split, part in (
        (names[0], rows),
        (names[1], rows[rows["year"] <= c.cutoff]),
        (names[2], rows[rows["year"] > c.cutoff]),
    ):
        if part.empty:
            continue
        forecasts = {
            "engine (calibrated)": part["p_calibrated"],
            f"engine (raw, {c.method})": part["p_meet"],
            "base rate": scores.base_rate(part, earlier),
            "last year": scores.last_year(part, history),
            "coin": pd.Series(0.5, index=part.index),
        }
        frames[split] = scores.probability_table(part, forecasts)
    return Fresh(
        calibration=c,
        rows=rows,
        probability=pd.concat(frames, names=["split"]),
        reliability=scores.reliability(rows["p_calibrated"], rows["met"]),
        intervals=scores.interval_table(rows, "grade"),
        seconds=time.perf_counter() - start,
    )
