"""Replay: every ledger target judged by the engine as of its report's date.

The replay writes the ledger as report packages into a private data folder, one
package per (region, year) with targets: the targets of that year, and every
outcome of the region's earlier years that was known by the report's date (from
the ledger and ``outcomes.csv``). The engine then judges each package exactly as
it judges a real report (:func:`pxanalysis.engine.comparison.compare_targets`,
baseline scenario, ``as_of`` the report's date), so it sees only what was
published by then: the region's earlier outcomes, its own and its parent's
earlier targets, and the shared context packages' rows known by that date.

A replayed package's text is written from the ledger (one line per figure); the
verbatim quotes stay in the ledger.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from pxanalysis import data, paths
from pxanalysis.data import ledger as ledger_data
from pxanalysis.data import loaders, registry, report_schema
from pxanalysis.engine import comparison
from pxanalysis.engine.scenarios import Scenario
from pxanalysis.extract import draft
from pxanalysis.extract.text import normalise

#: What the replay keeps of each judgement (the comparison table's columns).
KEPT = ["p_meet", "p_meet_about", "median", "lo80", "hi80", "lo95", "hi95", "method", "n_obs",
        "grade", "flag", "interval_source"]  # fmt: skip

#: The registry measures the engine projects (a count or a level target is not replayed).
JUDGED_MEASURES = ("growth", "rate")


def judged(frame: pd.DataFrame) -> pd.Series:
    """Which ledger rows the engine can judge: a % target of a growth or rate indicator."""
    measures = frame["indicator_id"].map(lambda i: getattr(registry.get(i), "measure", ""))
    return (
        frame["indicator_id"].ne("") & measures.isin(JUDGED_MEASURES) & frame["target_unit"].eq("%")
    )


def history_rows(ledger: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Every outcome (region, indicator, year, value, kind, known) of the ledger and outcomes.csv."""
    found = ledger[ledger["status"].eq("found")]
    a = pd.DataFrame({"region_id": found["region_id"], "indicator_id": found["indicator_id"],
                      "year": found["year"], "value": found["outcome_value"],
                      "kind": found["outcome_kind"], "known": found["outcome_known"]})  # fmt: skip
    b = pd.DataFrame({"region_id": outcomes["region_id"], "indicator_id": outcomes["indicator_id"],
                      "year": outcomes["year"], "value": outcomes["value"].astype(float),
                      "kind": outcomes["kind"], "known": outcomes["known"]})  # fmt: skip
    rows = pd.concat([a, b], ignore_index=True)
    rows = rows[rows["indicator_id"].ne("") & rows["value"].notna()]
    return rows.drop_duplicates(["region_id", "indicator_id", "year"], keep="first")


def _line(zh: str, year: int, kind: str, value: float) -> tuple[str, str]:
    text = f"{abs(value):g}"
    word = {"target": "目标", "actual": "实际", "estimate": "预计"}[kind]
    change = "下降" if value < 0 else ""
    return f"{zh}{year}年{word}{change}{text}%", text


def write_packages(ledger: pd.DataFrame, outcomes: pd.DataFrame, root: Path,
                   shortfall: dict | None = None) -> list[tuple]:  # fmt: skip
    """Write the replay's data folder ``root``; return the (region, year, date) judged.

    ``root`` gets the registry and the shared context packages of the current data
    folder (their rows carry their own ``known_from`` dates), one profile per region
    and one package per (region, year) with a judged target. ``shortfall`` (level ->
    pp) is written as the folder's only calibration: the engine's own method, no map,
    no widening, the target shortfall by level (the committed calibration is never read).
    """
    source = paths.data_root()
    shutil.copytree(source / "registry", root / "registry")
    for package in paths.shared_dirs():
        # the ledger's own history package is left out: the replay writes each region's
        # outcomes into its packages, dated, from the ledger it is given
        if not loaders.is_fallback(package):
            shutil.copytree(package, root / "shared" / package.name)
    if shortfall:
        folder = root / "ledger" / "track_record"
        folder.mkdir(parents=True)
        prior = {"method": "auto", "a": 0.0, "b": 1.0, "adopted": False, "cutoff": 0,
                 "widen": {}, "shortfall": shortfall}  # fmt: skip
        (folder / "calibration.json").write_text(json.dumps(prior) + "\n")
    history = history_rows(ledger, outcomes)
    targets = ledger[judged(ledger)]
    names = ledger.drop_duplicates("region_id").set_index("region_id")
    parents = set(ledger["parent_id"]) - set(ledger["region_id"]) - {""}
    for region in list(names.index) + sorted(parents):
        row = names.loc[region] if region in names.index else None
        level = row["level"] if row is not None else "province"
        parent = row["parent_id"] if row is not None and row["parent_id"] else None
        (root / region).mkdir(parents=True, exist_ok=True)
        profile = {"id": region, "name": row["region_name"] if row is not None else region,
                   "name_en": region.title(), "level": level,
                   "parent": None if level == "national" else (parent or "china")}  # fmt: skip
        (root / region / "region.yaml").write_text(json.dumps(profile, ensure_ascii=False))
    plan = []
    dates = targets.groupby(["region_id", "year"])["target_known"].max()
    used: set[tuple] = set()
    for (region, year), day in dates.items():
        rows, lines = [], []
        for t in targets[(targets["region_id"] == region) & (targets["year"] == year)].itertuples():
            if any(
                r["indicator"] == registry.get(t.indicator_id).zh and r["kind"] == "target"
                for r in rows
            ):
                continue  # one target per indicator
            entry = registry.get(t.indicator_id)
            line, value_text = _line(entry.zh, year, "target", float(t.target_value))
            lines.append(line)
            rows.append(_figure(f"t{year % 100:02d}_{t.indicator_id}", entry, year, "target", float(t.target_value),
                                value_text, t.target_qualifier, line))  # fmt: skip
        past = history[(history["region_id"] == region) & (history["year"] < year)
                       & (history["known"] <= day)]  # fmt: skip
        for h in past.itertuples():
            if (region, h.indicator_id, h.year) in used or registry.get(h.indicator_id) is None:
                continue
            used.add((region, h.indicator_id, h.year))
            entry = registry.get(h.indicator_id)
            line, value_text = _line(entry.zh, h.year, h.kind, float(h.value))
            lines.append(line)
            rows.append(_figure(f"r{h.year % 100:02d}_{h.indicator_id}", entry, h.year, h.kind,
                                float(h.value), value_text, "", line))  # fmt: skip
        target_rows = []
        for order, f in enumerate((r for r in rows if r["kind"] == "target"), start=1):
            iid = f["figure_id"].split("_", 1)[1]
            wanted = f"r{(year - 1) % 100:02d}_{iid}"
            review = next((r["figure_id"] for r in rows if r["figure_id"] == wanted), "")
            target_rows.append({"target_id": iid, "figure_id": f["figure_id"],
                                "direction": registry.direction(iid), "counterpart_figure_id": review,
                                "history_series": iid, "order": order, "level_figure_id": ""})  # fmt: skip
        report = {"region": region, "region_name": names.loc[region, "region_name"], "year": int(year),
                  "date": day, "title": f"{region} {year} (ledger replay)", "source": "data/ledger",
                  "published": ""}  # fmt: skip
        text = normalise("\n".join(lines) + "\n")
        result = draft.Draft(region, int(year), text, rows, target_rows, [], [], report)
        draft.write(result, root / region / str(year))
        plan.append((region, int(year), day))
    return plan


def _qualifier(text: str) -> str:
    """The annotator's qualifier tokens a package may hold (控制在 is wording, not a qualifier)."""
    field = next(f for f in report_schema.schema("figures")["fields"] if f["name"] == "qualifier")
    pattern = field.get("constraints", {}).get("pattern", ".*")
    return ";".join(t for t in str(text or "").split(";") if t and re.fullmatch(pattern, t))


def _figure(fid, entry, year, kind, value, value_text, qualifier, quote) -> dict:
    return {"figure_id": fid, "section": "ledger", "item_id": "", "indicator": entry.zh,
            "indicator_en": entry.en, "year": int(year), "kind": kind,
            "measure": "share" if entry.measure == "rate" else "growth", "value": value,
            "value_text": value_text, "unit": "%", "qualifier": _qualifier(qualifier),
            "period": "full_year", "quote": quote, "note": "", "confidence": 1.0}  # fmt: skip


@contextlib.contextmanager
def data_folder(root: Path) -> Iterator[None]:
    """The engine reads ``root`` inside the block (every cache cleared on the way in and out)."""
    old = os.environ.get("PXANALYSIS_DATA_DIR")
    os.environ["PXANALYSIS_DATA_DIR"] = str(root)
    data.clear_cache()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("PXANALYSIS_DATA_DIR", None)
        else:
            os.environ["PXANALYSIS_DATA_DIR"] = old
        data.clear_cache()


def judge(region: str, year: int, day: str, method: str = "auto") -> pd.DataFrame:
    """The engine's baseline judgement (with ``method``) of one replayed report as of ``day``."""
    with data.using(region, year):
        table = comparison.compare_targets(Scenario(as_of=day, method=method))
    out = table[["indicator_id", *KEPT]].copy()
    out.insert(0, "year", year)
    out.insert(0, "region_id", region)
    return out


def _judge_many(root: str, plan: list[tuple], method: str) -> list[pd.DataFrame]:
    with data_folder(Path(root)):
        out = []
        for region, year, day in plan:
            try:
                out.append(judge(region, year, day, method))
            except Exception as exc:  # noqa: BLE001  a replay records what failed, then goes on
                out.append(
                    pd.DataFrame([{"region_id": region, "year": year, "flag": f"error: {exc}"}])
                )
        return out


def replay(ledger: pd.DataFrame | None = None, outcomes: pd.DataFrame | None = None,
           jobs: int = 1, method: str = "auto", shortfall: dict | None = None) -> pd.DataFrame:  # fmt: skip
    """Judge every judged ledger target as of its report's date.

    Parameters
    ----------
    ledger, outcomes : pandas.DataFrame, optional
        Default: the committed ledger and ``outcomes.csv``.
    method : str
        The engine's method (``auto``: its own selection rule).
    jobs : int
        Processes (the plan is split by region, so one region's years share caches).
    shortfall : dict, optional
        Level -> target shortfall (pp) for the anchored projection (see
        :func:`pxanalysis.track.recalibrate.shortfall_by_level`); default: the engine's judgement.

    Returns
    -------
    pandas.DataFrame
        The ledger's judged rows with the engine's answer (:data:`KEPT`) beside
        them; ``flag`` says why a row has no probability.
    """
    ledger = ledger_data.load() if ledger is None else ledger
    if outcomes is None:
        outcomes = pd.read_csv(ledger_data.path().with_name("outcomes.csv"), dtype={"note": str},
                               keep_default_na=False)  # fmt: skip
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="pxanalysis-replay-") as tmp:
        root = Path(tmp) / "data"
        plan = write_packages(ledger, outcomes, root, shortfall)
        by_region: dict[str, list] = {}
        for item in plan:
            by_region.setdefault(item[0], []).append(item)
        chunks = [[] for _ in range(max(1, jobs))]
        for i, items in enumerate(sorted(by_region.values(), key=len, reverse=True)):
            min(chunks, key=len).extend(items) if i else chunks[0].extend(items)
        if jobs <= 1:
            results = _judge_many(str(root), plan, method)
        else:
            with ProcessPoolExecutor(jobs) as pool:
                parts = pool.map(_judge_many, [str(root)] * len(chunks), chunks,
                                 [method] * len(chunks))  # fmt: skip
                results = [frame for part in parts for frame in part]
    answers = pd.concat(results, ignore_index=True) if results else pd.DataFrame()
    rows = ledger[judged(ledger)].merge(
        answers, on=["region_id", "year", "indicator_id"], how="left"
    )
    rows.attrs["seconds"] = time.perf_counter() - start
    rows.attrs["reports"] = len(plan)
    return rows.drop_duplicates("row_id")
