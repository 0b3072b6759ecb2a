"""Build the ledger from the annotators' readings (``data/ledger/raw/<batch>/``).

Each batch folder holds verbatim text snippets (``<region>_<year>_<part>.txt``),
``snippets.csv`` (where each snippet comes from) and ``reading.csv``: an
annotator's reading, one row per target, with the target's and the outcome's
quote. The build

- checks that every quote is a piece of its snippet and every value is written
  in its quote (a reading that fails is an error naming the batch and the row);
- files the indicator under its registry id (:func:`pxanalysis.data.registry.canonical`);
- dates the target by its report and the outcome by the next report
  (:data:`REPORT_DAY`);
- lets the extractor read each quote independently (``check_target``,
  ``check_outcome``: ``agree`` when it finds the same indicator and value,
  ``value`` when it finds the value under another name, ``differs`` otherwise):
  a second reading of every number;
- decides ``met`` with the engine's own definition (:func:`pxanalysis.engine.meet.met`).

Run ``python scripts/build_ledger.py``; a test checks that the committed
``ledger.csv`` is what the build makes of the committed readings.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from collections import Counter
from pathlib import Path

from pxanalysis.data import ledger, registry
from pxanalysis.engine.meet import met
from pxanalysis.errors import DataValidationError
from pxanalysis.extract.scan import scan
from pxanalysis.extract.text import normalise

#: The day a report of each level is dated when its snippet carries no delivery
#: date: the END of the season in which such reports are delivered, so that a
#: replay as of that day never uses a report that had not been read yet. National
#: reports open the NPC session in early March (2020: 22 May, the session was
#: postponed); provincial people's congresses meet in January and February;
#: prefecture and county congresses from January to March. The outcome of year t
#: is dated by the report of t + 1 that states it.
REPORT_DAY = {"national": "03-31", "province": "02-28", "prefecture": "03-31", "county": "03-31"}
LATE_SESSIONS = {("national", 2020): "05-31"}

#: A snippet's publication date is taken as the report's date only inside the
#: delivery season (January to April of the report's year); a compilation
#: printed later says nothing about when the report itself was read.
SEASON_END = (4, 30)

#: Words in an annotator's note that lower a row's trust (mirror and spam copies,
#: machine translations, a figure matched by its place in a list).
LOW_TRUST = ("spam", "mirror", "machine", "Epoch", "garbled", "list position", "revised")

#: Outcomes an annotator wrote as a word with a definite number: 同比持平 is a change of 0.
WORD_VALUES = {"持平": "0"}

_CHINESE = re.compile(r"\(([^()]*[\u4e00-\u9fff][^()]*)\)")


def report_date(level: str, year: int, published: str = "") -> str:
    """The date a report of ``level`` for ``year`` is known (see :data:`REPORT_DAY`)."""
    try:
        day = dt.date.fromisoformat(published)
    except ValueError:
        day = None
    if day is not None and day.year == year and (day.month, day.day) <= SEASON_END:
        return day.isoformat()
    return f"{year}-{LATE_SESSIONS.get((level, year), REPORT_DAY[level])}"


def indicator_id(name: str) -> str:
    """The registry id of an annotator's indicator name ('' when the registry has none).

    English glosses with the Chinese name in brackets (``retail sales (社会消费品零售总额)``)
    are read by their Chinese name.
    """
    inner = _CHINESE.search(name)
    return registry.canonical(inner.group(1) if inner and not re.search(r"[\u4e00-\u9fff]", name.split("(")[0]) else name) or ""  # fmt: skip


_DIGITS = dict(zip("零一二两三四五六七八九", (0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))


def _arabic(match: re.Match) -> str:
    """A Chinese numeral below a thousand (八, 十二, 二十五, 七点五) in digits."""
    whole, _, decimals = match.group(0).partition("点")
    value = 0
    if "百" in whole:
        head, _, whole = whole.partition("百")
        value += _DIGITS.get(head, 1) * 100
    if "十" in whole:
        head, _, whole = whole.partition("十")
        value += _DIGITS.get(head, 1) * 10
    value += sum(_DIGITS[c] for c in whole)
    return str(value) + ("." + "".join(str(_DIGITS[c]) for c in decimals) if decimals else "")


def _value_written(value: str, quote: str) -> bool:
    if value in WORD_VALUES:
        return value in quote
    number = value.lstrip("-")
    quote = re.sub(r"[零一二两三四五六七八九十百]+(?:点[零一二三四五六七八九]+)?", _arabic, quote)
    text = unicodedata.normalize("NFKC", quote)  # １０ -> 10
    text = re.sub(r"(?<=\d)[\s,]+(?=\d)|(?<=\d)\s+(?=\.)|(?<=\.)\s+(?=\d)", "", text)  # 1,200; 8 .8
    return number in text or (number.endswith(".0") and number[:-2] in text)


def extractor_check(quote: str, year: int, indicator: str, value: float) -> str:
    """The extractor's independent reading of ``quote`` (a report of ``year``)."""
    if not quote:
        return ""
    try:
        figures = scan(normalise(quote), year)
    except Exception:  # noqa: BLE001  the check reports, never stops the build
        return "differs"
    same = [f for f in figures if abs(abs(f.value) - abs(value)) < 1e-9]
    if any(registry.canonical(f.indicator) == indicator for f in same if indicator):
        return "agree"
    return "value" if same else "differs"


def _trust(batch: str, note: str, snippet_note: str) -> str:
    text = f"{note} {snippet_note}"
    if any(word.lower() in text.lower() for word in LOW_TRUST):
        return "low"
    return "high" if batch == "national" else "medium"


def read_batch(folder: Path) -> list[dict]:
    """The ledger rows of one batch folder (checked; see the module docstring)."""
    snippets = {}
    with open(folder / "snippets.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            snippets[row["file"]] = row
    out = []
    with open(folder / "reading.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for line, r in enumerate(rows, start=1):
        out.append(_row(folder, line, r, snippets))
    return out


def _snippet(folder: Path, name: str, snippets: dict, line: int, field: str):
    file = (folder / name).resolve()
    if not file.is_file():
        raise DataValidationError(folder / "reading.csv", line, field, f"no snippet {name}")
    meta = snippets.get(name) or snippets.get(Path(name).name)
    if meta is None and name.startswith("../"):
        other = folder / Path(name).parent / "snippets.csv"
        with open(other, encoding="utf-8", newline="") as handle:
            meta = next((m for m in csv.DictReader(handle) if m["file"] == Path(name).name), None)
    return file.read_text(encoding="utf-8"), meta or {}


def _row(folder: Path, line: int, r: dict, snippets: dict) -> dict:
    batch = folder.name

    def bad(field, problem):
        raise DataValidationError(folder / "reading.csv", line, field, problem)

    year = int(r["year"])
    if not r["target_value"] and not r["target_file"]:
        return _outcome_only(folder, line, r, snippets)
    text, meta = _snippet(folder, r["target_file"], snippets, line, "target_file")
    if r["target_quote"] not in text:
        bad("target_quote", f"not a piece of {r['target_file']}")
    if not _value_written(r["target_value"], r["target_quote"]):
        bad("target_value", f"{r['target_value']} is not written in the target quote")
    iid = indicator_id(r["indicator"])
    entry = registry.get(iid) if iid else None
    # a cap (CPI 3%) and a decline written negative (能耗 -3) are both met at or below
    direction = entry.direction if entry else "increase"
    target_known = report_date(r["level"], year, meta.get("published", ""))
    row = {
        "batch": batch,
        "region_id": r["region_id"],
        "region_name": r["region_name"],
        "level": r["level"],
        "parent_id": meta.get("parent_id", "") or ("" if r["level"] == "national" else "china"),
        "year": year,
        "indicator_id": iid,
        "indicator": r["indicator"],
        "target_value": r["target_value"],
        "target_unit": r["target_unit"],
        "target_qualifier": r["target_qualifier"],
        "direction": direction,
        "target_quote": r["target_quote"],
        "target_file": f"raw/{batch}/{r['target_file']}",
        "target_known": target_known,
        "outcome_value": "",
        "outcome_kind": "",
        "outcome_quote": "",
        "outcome_file": "",
        "outcome_known": "",
        "status": r["outcome_status"],
        "met": "",
        "met_about": "",
        "check_target": extractor_check(r["target_quote"], year, iid, float(r["target_value"])),
        "check_outcome": "",
        "trust": _trust(batch, r.get("note", ""), meta.get("note", "")),
        "note": r.get("note", ""),
    }
    if r["outcome_status"] == "found" and not r["outcome_value"]:
        # the next report speaks of it in words only (达到预期目标, 未能实现, 较低水平):
        # kept with its quote, never turned into a number or a met flag
        row.update(status="qualitative", outcome_quote=r["outcome_quote"],
                   outcome_file=f"raw/{batch}/{r['outcome_file']}")  # fmt: skip
    elif r["outcome_status"] == "found":
        text, meta = _snippet(folder, r["outcome_file"], snippets, line, "outcome_file")
        if r["outcome_quote"] not in text:
            bad("outcome_quote", f"not a piece of {r['outcome_file']}")
        if not _value_written(r["outcome_value"], r["outcome_quote"]):
            bad("outcome_value", f"{r['outcome_value']} is not written in the outcome quote")
        written = r["outcome_value"]
        value, target = float(WORD_VALUES.get(written, written)), float(r["target_value"])
        met_strict, met_about = met(value, target, row["direction"], r["target_qualifier"])
        known = report_date(r["level"], year + 1, meta.get("published", ""))
        row.update(
            outcome_value=WORD_VALUES.get(written, written),
            outcome_kind=r["outcome_kind"] or "actual",
            outcome_quote=r["outcome_quote"],
            outcome_file=f"raw/{batch}/{r['outcome_file']}",
            outcome_known=known,
            met=str(int(met_strict)),
            met_about=str(int(met_about)),
            check_outcome=extractor_check(r["outcome_quote"], year + 1, iid, value),
        )
    return row


def _outcome_only(folder: Path, line: int, r: dict, snippets: dict) -> dict:
    """An outcome found without its target: history for the replay, not a ledger row."""
    text, meta = _snippet(folder, r["outcome_file"], snippets, line, "outcome_file")
    where = folder / "reading.csv"
    if r["outcome_quote"] not in text:
        raise DataValidationError(
            where, line, "outcome_quote", f"not a piece of {r['outcome_file']}"
        )
    if not _value_written(r["outcome_value"], r["outcome_quote"]):
        raise DataValidationError(where, line, "outcome_value", "not written in the outcome quote")
    year = int(r["year"])
    return {
        "outcome_only": True,
        "region_id": r["region_id"],
        "level": r["level"],
        "year": year,
        "indicator_id": indicator_id(r["indicator"]),
        "indicator": r["indicator"],
        "value": r["outcome_value"],
        "kind": r["outcome_kind"] or "actual",
        "quote": r["outcome_quote"],
        "file": f"raw/{folder.name}/{r['outcome_file']}",
        "known": report_date(r["level"], year + 1, meta.get("published", "")),
        "note": r.get("note", ""),
    }


_STATUS_RANK = {"found": 0, "qualitative": 1, "silent": 2, "missing": 3}
_TRUST_RANK = {"high": 0, "medium": 1, "low": 2}


def _one_per_target(rows: list[dict]) -> list[dict]:
    """One row per (region, year, indicator): two readings of one target (two batches, two
    sources) keep the one with an outcome, then the more trusted; the other is named in its note."""
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        key = (r["region_id"], r["year"], r["indicator_id"] or r["indicator"])
        groups.setdefault(key, []).append(r)
    kept = []
    for group in groups.values():
        group.sort(key=lambda r: (_STATUS_RANK[r["status"]], _TRUST_RANK[r["trust"]]))
        best = group[0]
        for other in group[1:]:
            seen = f"also read in {other['target_file']}"
            if other["outcome_value"] and other["outcome_value"] != best["outcome_value"]:
                seen += f" (outcome {other['outcome_value']} there)"
            best["note"] = f"{best['note']}; {seen}".strip("; ")
        kept.append(best)
    return kept


OUTCOME_COLUMNS = ["region_id", "level", "year", "indicator_id", "indicator", "value", "kind",
                   "quote", "file", "known", "note"]  # fmt: skip


def build(raw: Path) -> tuple[list[dict], list[dict]]:
    """Every batch under ``raw`` read and checked: (ledger rows, outcome-only rows).

    Ledger rows get their ``row_id`` and are sorted; an outcome found without its
    target (``outcomes.csv``) is history for the replay.
    """
    rows, outcomes = [], []
    for folder in sorted(p.parent for p in raw.glob("*/reading.csv")):
        for row in read_batch(folder):
            (outcomes if row.pop("outcome_only", False) else rows).append(row)
    outcomes.sort(key=lambda r: (r["region_id"], r["year"], r["indicator_id"]))
    rows = _one_per_target(rows)
    rows.sort(key=lambda r: (r["level"], r["region_id"], r["year"], r["indicator_id"], r["batch"]))
    seen: Counter = Counter()
    for r in rows:
        base = f"{r['region_id']}.{r['year']}.{r['indicator_id'] or 'other'}"
        seen[base] += 1
        r["row_id"] = base if seen[base] == 1 else f"{base}.{seen[base]}"
    return rows, outcomes


#: The ledger's outcomes as history (``data/shared/ledger/``, a fallback shared package:
#: :func:`pxanalysis.data.loaders.is_fallback`): the live engine reads the same outcomes,
#: dated the same way, as the replay that scored it.
HISTORY_COLUMNS = ["obs_id", "geo", "series", "indicator", "year", "measure", "kind", "basis",
                   "value", "unit", "period", "trust", "published", "known_from",
                   "known_from_basis", "preferred", "level_basis", "break_before",
                   "derived_from", "source_title", "source_ref", "quote", "note"]  # fmt: skip
#: The years the history schema holds.
HISTORY_YEARS = (2000, 2035)


def history(rows: list[dict], outcomes: list[dict]) -> list[dict]:
    """The ledger's numeric outcomes in % of a growth or rate indicator, as history rows.

    One row per (region, indicator, year): a target row's outcome first, then an
    outcome found without its target. Dated by the report that states it (``known``).
    """
    out, seen = [], set()
    found = [r for r in rows if r["status"] == "found" and r["outcome_value"] != ""]
    candidates = [
        (r["region_id"], r["indicator_id"], int(r["year"]), r["outcome_value"], r["outcome_kind"],
         r["outcome_known"], r["outcome_quote"], r["outcome_file"], r["trust"], r["note"],
         r["target_unit"] == "%")
        for r in found
    ] + [
        (o["region_id"], o["indicator_id"], int(o["year"]), o["value"], o["kind"], o["known"],
         o["quote"], o["file"], "medium", o["note"], True)
        for o in outcomes
    ]  # fmt: skip
    for region, iid, year, value, kind, known, quote, file, trust, note, in_percent in candidates:
        entry = registry.get(iid) if iid else None
        if entry is None or entry.unit != "%" or entry.measure not in ("growth", "rate"):
            continue
        if not in_percent or not HISTORY_YEARS[0] <= year <= HISTORY_YEARS[1]:
            continue
        if (region, iid, year) in seen:
            continue
        seen.add((region, iid, year))
        out.append({
            "obs_id": f"{region}.{iid}.{year}.ledger", "geo": region, "series": iid,
            "indicator": entry.zh, "year": year, "measure": "growth", "kind": kind or "actual",
            "basis": entry.basis, "value": value, "unit": "%", "period": "full_year",
            "trust": trust, "published": "", "known_from": known,
            "known_from_basis": "the ledger's date of the report of the next year that states "
                                "it (pxanalysis.track.build.REPORT_DAY)",
            "preferred": "true", "level_basis": "", "break_before": "false", "derived_from": "",
            "source_title": f"ledger: {file.removeprefix('raw/')}", "source_ref": f"data/ledger/{file}",
            "quote": quote, "note": note,
        })  # fmt: skip
    out.sort(key=lambda r: (r["geo"], r["series"], r["year"]))
    return out


def write_history(rows: list[dict], outcomes: list[dict], folder: Path) -> Path:
    """Write :func:`history` as ``<folder>/history/observations.csv`` (the descriptor,
    ``datapackage.json``, is committed beside it)."""
    out = folder / "history" / "observations.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    _write_csv(history(rows, outcomes), HISTORY_COLUMNS, out)
    return out


def _write_csv(rows: list[dict], columns: list[str], out: Path) -> None:
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow({c: r.get(c, "") for c in columns})


def write(rows: list[dict], outcomes: list[dict], folder: Path) -> Path:
    """Write ``ledger.csv`` (checked by :func:`pxanalysis.data.ledger.load`) and
    ``outcomes.csv`` into ``folder``; return the ledger's path."""
    out = folder / "ledger.csv"
    _write_csv(outcomes, OUTCOME_COLUMNS, folder / "outcomes.csv")
    tmp = out.with_name(f".{out.name}.tmp")
    _write_csv(rows, ledger.COLUMNS, tmp)
    try:
        ledger.load(tmp)
    except DataValidationError:
        tmp.unlink()
        raise
    tmp.replace(out)
    return out
