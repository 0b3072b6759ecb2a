"""A report's draft tables: figures, main targets, work plan, and the review list.

:func:`draft` turns the text of a government work report into the three tables
of the project's report schema (:mod:`pxanalysis.data.report_schema`), the
same schema the hand-made Pingxiang tables follow, so that the draft can be
reviewed, corrected and then read by the engine like any other report:

- ``figures.csv``: one row per figure, with its verbatim quote, section path,
  indicator, year, kind, value (negative after 下降), unit, qualifiers, period and
  a confidence; a figure stated twice (a summary box repeating the body, a
  headline restating a target) is one row, quoted where it is stated as a target
  if it is one, else where it first appears;
- ``targets.csv``: the main expected targets (主要预期目标), mapped to canonical
  ids where the indicator is one of the registry's (``data/registry/indicators.yaml``),
  else kept under their Chinese names;
- ``workplan.csv``: the areas of work and their items.

:func:`write` saves them with a ``datapackage.json`` (validated as it is
written) and ``REVIEW.md``, the rows a human should check first.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pxanalysis import paths
from pxanalysis.data import registry, report_schema
from pxanalysis.errors import DataValidationError, ParameterError
from pxanalysis.escaping import inert
from pxanalysis.extract import rules
from pxanalysis.extract.scan import Figure, scan, workplan_items
from pxanalysis.extract.text import Text, normalise

#: Rows below this confidence are listed in ``REVIEW.md`` for a human to check.
REVIEW_BELOW = 0.8
#: The longest text drafted (characters): a full national report has about 40,000,
#: a provincial one 30,000; a file of a million characters is not one report.
MAX_TEXT_CHARS = 1_000_000
#: The most figures one report may give: the longest reports hold about 600.
MAX_FIGURES = 10_000


def read_report(source: Path) -> str:
    """The text of a report file: a regular UTF-8 file of at most :data:`MAX_TEXT_CHARS`.

    Raises
    ------
    ParameterError
        For a missing file, a folder, pipe or device, a file too large, or one not UTF-8.
    """
    from pxanalysis.safe_yaml import read_bytes

    source = Path(source)
    try:
        raw = read_bytes(source, limit=4 * MAX_TEXT_CHARS)
    except DataValidationError as exc:
        raise ParameterError(f"{source}: {exc.problem}: give the report's text file") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ParameterError(f"{source}: not UTF-8 at line {line}; save it as UTF-8") from None
    if len(text) > MAX_TEXT_CHARS:
        raise ParameterError(
            f"{source} has {len(text)} characters, more than one report ({MAX_TEXT_CHARS}): "
            "split it into one file per report"
        )
    return text


@dataclass
class Draft:
    """The drafted tables of one report (lists of row dicts) and what to review."""

    region: str
    year: int
    text: Text
    figures: list[dict]
    targets: list[dict]
    workplan: list[dict]
    review: list[str]
    report: dict


def _key(f: Figure) -> tuple:
    """What makes two mentions the same figure: its indicator, value, unit, year and kind."""
    name = rules.canonical(f.indicator) or f.indicator or f.quote
    return (name, round(f.value, 6), f.unit, f.year, f.kind, f.period)


def _merge(figures: list[Figure]) -> list[Figure]:
    """One figure per :func:`_key`: the target-section mention, else the first."""
    kept: dict[tuple, Figure] = {}
    for f in figures:
        key = _key(f)
        old = kept.get(key)
        if old is None:
            kept[key] = f
        elif f.in_target_list and not old.in_target_list:
            kept[key] = f
    return sorted(kept.values(), key=lambda f: f.start)


def _slug(f: Figure, used: set[str], counter: list[int]) -> str:
    prefix = {"actual": "r", "estimate": "r", "target": "t", "commitment": "c"}[f.kind]
    base = f"{prefix}{f.year % 100:02d}_"
    cid = rules.canonical(f.indicator)
    if f.measure not in ("growth", "change") and f.kind != "target":
        cid = None
    if cid and f.measure == "change":
        cid = f"{cid}_change"
    name = base + (cid or f"fig{counter[0]:03d}")
    if not cid:
        counter[0] += 1
    while name in used:
        name += "_2" if not name[-2:-1] == "_" else ""
        if name in used:
            name = f"{name[:-1]}{int(name[-1]) + 1}"
    used.add(name)
    return name


def _figure_rows(figures: list[Figure], items: list[dict]) -> list[dict]:
    rows, used, counter = [], set(), [1]
    for f in figures:
        item_id = next((i["item_id"] for i in reversed(items) if i["start"] <= f.start), None)
        cid = rules.canonical(f.indicator)
        rows.append(
            {
                "figure_id": _slug(f, used, counter),
                "section": f.section or "(no heading)",
                "item_id": item_id if f.kind == "commitment" else None,
                "indicator": f.indicator or "(unnamed)",
                "indicator_en": registry.get(cid).en if cid else "",
                "year": f.year,
                "kind": f.kind,
                "measure": f.measure,
                "value": f.value,
                "value_text": f.value_text,
                "unit": f.unit,
                "qualifier": ";".join(f.qualifiers),
                "period": f.period,
                "quote": f.quote,
                "note": "; ".join(f.reasons),
                "confidence": round(f.confidence, 2),
                "_figure": f,
            }
        )
    return rows


def _target_rows(rows: list[dict]) -> list[dict]:
    """One main target per indicator, in the report's order.

    An indicator the registry measures as growth (or a rate) takes its figure in %
    (地区生产总值增长5%左右), never its level (达到67665亿元); a level stated with it is
    linked as the target's ``level_figure_id``.
    """
    out, by_id = [], {}
    review = [r for r in rows if r["kind"] in ("actual", "estimate")]
    mains = [r for r in rows if r["_figure"].main_target
             and r["measure"] in ("growth", "share", "level", "count")]  # fmt: skip
    for row in mains:
        cid = rules.canonical(row["indicator"]) or row["indicator"]
        entry = registry.get(cid)
        wants_rate = entry is not None and entry.measure in ("growth", "rate")
        is_rate = row["unit"] == "%"
        held = by_id.get(cid)
        if held is not None:
            if wants_rate and is_rate and held["_row"]["unit"] != "%":
                held["level_figure_id"] = held["figure_id"]  # the rate replaces the level
                held.update(_target(row, cid, review, held["order"]))
            elif wants_rate and not is_rate and held["_row"]["unit"] == "%":
                held.setdefault("level_figure_id", row["figure_id"])
            continue
        by_id[cid] = _target(row, cid, review, len(out) + 1)
        out.append(by_id[cid])
    for target in out:
        target.pop("_row")
        if target.get("level_figure_id") == target["figure_id"]:
            target["level_figure_id"] = None
    return out


def _target(row: dict, cid: str, review: list[dict], order: int) -> dict:
    f = row["_figure"]
    decrease = (
        row["value"] < 0
        or registry.direction(cid) == "decrease"
        or {"以内", "以下"} & set(f.qualifiers)
    )
    entry = registry.get(cid)
    rate = entry is not None and entry.measure in ("growth", "rate") and row["unit"] == "%"
    candidates = [
        r
        for r in review
        if (rules.canonical(r["indicator"]) or r["indicator"]) == cid
        and r["year"] == row["year"] - 1
        and (r["measure"] == row["measure"] or (rate and r["unit"] == "%"))
    ]
    # the region's own figure: a growth rate before a share, never the nation's (全国GDP5%)
    candidates.sort(key=lambda r: (r["measure"] != "growth", r["indicator"].startswith("全国")))
    counterpart = candidates[0]["figure_id"] if candidates else None
    return {
        "target_id": cid,
        "figure_id": row["figure_id"],
        "direction": "decrease" if decrease else "increase",
        "counterpart_figure_id": counterpart,
        "history_series": cid if registry.get(cid) else None,
        "order": order,
        "_row": row,
    }


#: The information date of a report whose date is not given: the end of January of its
#: year (local reports are delivered to the people's congress in January or February;
#: Pingxiang's 2024 report uses the same convention, see ``pxanalysis.vocab.REPORT_DATE``).
DEFAULT_DATE = "{year}-01-31"


def draft(
    source: str,
    region: str,
    year: int,
    region_name: str | None = None,
    date: str | None = None,
    title: str | None = None,
    origin: str = "",
    published: str = "",
) -> Draft:
    """Draft the tables of the report ``source`` (its text) for ``region`` and ``year``.

    Parameters
    ----------
    source : str
        The report's text as published (traditional or simplified, any width).
    region : str
        The region's id (lower-case ASCII, e.g. ``yichun``).
    year : int
        The report's year: the year of its main targets.
    region_name : str, optional
        The region's Chinese name (default: the id; set it for the brief's title).
    date : str, optional
        The report's information date YYYY-MM-DD (default: January 31 of ``year``,
        flagged for review).
    title : str, optional
        The report's title (default: the first line of the text).
    origin, published : str
        Where the text was taken from (an address) and when it was published.

    Returns
    -------
    Draft
    """
    report_schema.check_region(region)
    report_schema.check_year(year)
    if len(source) > MAX_TEXT_CHARS:
        raise ParameterError(
            f"the text has {len(source)} characters, more than one report ({MAX_TEXT_CHARS})"
        )
    text = normalise(source)
    figures = _merge(scan(text, year))
    if len(figures) > MAX_FIGURES:
        raise ParameterError(
            f"the text gives {len(figures)} figures, more than any report ({MAX_FIGURES}): is it "
            "one report?"
        )
    items = workplan_items(text)
    rows = _figure_rows(figures, items)
    targets = _target_rows(rows)
    review = _review(rows, targets, text)
    if date is None:
        date = DEFAULT_DATE.format(year=year)
        review.insert(0, f"- The report's date was not given: {date} assumed (set `report.date`).")
    first = next((ln.strip(" #*") for ln in source.splitlines() if ln.strip()), "")
    report = {
        "region": region,
        "region_name": region_name or region,
        "year": year,
        "date": date,
        "title": title or first[:80] or f"{region} {year}",
        "source": origin,
        "published": published,
    }
    for row in rows:
        row.pop("_figure")
    workplan = [{k: v for k, v in i.items() if k not in ("start", "end")} for i in items]
    return Draft(region, year, text, rows, targets, workplan, review, report)


def _review(rows: list[dict], targets: list[dict], text: Text) -> list[str]:
    lines = []
    if not targets:
        lines.append("- **No main targets found**: is there a 主要预期目标 section in the text?")
    if text.traditional:
        lines.append(
            "- The text is in traditional characters: names were converted to simplified; "
            "quotes stay verbatim."
        )
    for row in rows:
        if row["confidence"] < REVIEW_BELOW:
            lines.append(
                f"- `{row['figure_id']}` {row['value_text']}{row['unit']} "
                f"({row['kind']} {row['year']}, confidence {row['confidence']:.2f}): "
                f"{inert(row['note'] or 'check')} — 「{inert(row['quote'])}」"
            )
    for t in targets:
        if not re.fullmatch(r"[a-z0-9_]+", t["target_id"]):
            lines.append(
                f"- target `{t['target_id']}` has no canonical id: kept under its Chinese name"
            )
    return lines


def check_out(out: Path, region: str, year: int, replace: bool = False) -> Path:
    """Where a draft may be written, checked before anything is read or written.

    Inside the data folder a package goes to ``<data>/<region>/<year>/`` and nowhere
    else (never onto a region's folder, a shared package or the registry); outside it,
    to any new or empty folder. A folder that already holds a report package is
    replaced only with ``replace``; a folder holding anything else never is.

    Raises
    ------
    ParameterError
        Naming the folder and what to do instead.
    """
    out = Path(out).absolute()
    root = paths.data_root().absolute()
    expected = (root / region / str(year)).absolute()
    if out.is_relative_to(root) and out != expected:
        raise ParameterError(
            f"--out {out}: inside the data folder a report package goes to {expected} only "
            "(leave --out out to write there)"
        )
    if out.exists() and not out.is_dir():
        raise ParameterError(f"--out {out} is a file, not a directory")
    if out.is_dir() and any(out.iterdir()):
        if not (out / "datapackage.json").is_file():
            raise ParameterError(
                f"--out {out} is not empty and holds no report package: give a new or empty "
                "directory"
            )
        if not replace:
            raise ParameterError(
                f"--out {out} already holds a report package (perhaps reviewed by hand): "
                "give --replace to overwrite it, or another --out"
            )
    parent = out.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise ParameterError(f"--out {out}: {parent} is a file, not a folder")
    return out


def write(result: Draft, out: Path, replace: bool = False) -> Path:
    """Write the draft into ``out`` whole and valid, or not at all; return ``out``.

    The package is written into a temporary folder beside ``out`` and validated
    there; only a valid package takes ``out``'s place (an old package, with
    ``replace``, is swapped out in the same step and removed). An invalid draft
    leaves nothing behind.

    Raises
    ------
    ParameterError
        If ``out`` may not be written (see :func:`check_out`).
    DataValidationError
        If the drafted package does not validate: naming the table, the row and
        the field to fix (a bug of the extractor, or a text it cannot read).
    """
    out = check_out(out, result.region, result.year, replace)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.draft-"))
    try:
        os.chmod(staging, paths.umask_mode(0o777))
        (staging / "report.txt").write_text(result.text.source, encoding="utf-8")
        report_schema.write_csv(staging / "figures.csv", "figures", result.figures)
        report_schema.write_csv(staging / "targets.csv", "targets", result.targets)
        report_schema.write_csv(staging / "workplan.csv", "workplan", result.workplan)
        package = report_schema.package(result.report)
        (staging / "datapackage.json").write_text(
            json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        (staging / "REVIEW.md").write_text(_review_text(result), encoding="utf-8")
        try:
            report_schema.validate(staging)
        except DataValidationError as exc:
            raise DataValidationError(
                out / exc.path.name, exc.row, exc.field,
                f"{exc.problem} (the draft is not valid, so nothing was written: check that "
                "row of the text, or report the extractor's mistake)",
            ) from None  # fmt: skip
        old = None
        if out.exists():
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            os.replace(out, old)
        os.replace(staging, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out


def write_profile(region: str, name: str, name_en: str, level: str, parent: str | None) -> Path:
    """Write ``<data>/<region>/region.yaml`` (a new region's profile); return its path.

    Raises
    ------
    ParameterError
        For a level that is not one of the levels, or a missing parent.
    """
    from pxanalysis.data import regions

    if level not in regions.LEVELS:
        raise ParameterError(f"--level {level!r}: one of {', '.join(regions.LEVELS)}")
    if level != "national" and not parent:
        raise ParameterError("--parent: the id of the region one level up (e.g. jiangxi)")
    if parent:
        report_schema.check_region(parent)
    lines = [
        "# A region's profile (written by pxanalysis extract; check the names)",
        f"id: {region}",
        f"name: {json.dumps(name, ensure_ascii=False)}",
        f"name_en: {json.dumps(name_en, ensure_ascii=False)}",
        f"level: {level}  # national | province | prefecture | county",
        f"parent: {parent if parent else 'null'}",
    ]
    path = regions.profile_path(region)
    paths.atomic_write(path, lambda tmp: tmp.write_text("\n".join(lines) + "\n", encoding="utf-8"))
    return path


def _review_text(result: Draft) -> str:
    head = (
        f"# Review: drafted {inert(result.region)} {result.year}\n\n"
        f"{len(result.figures)} figures, {len(result.targets)} main targets, "
        f"{len(result.workplan)} work-plan items were drafted by `pxanalysis extract`.\n"
        "Check the rows below first, then every quote against the text; fill "
        "`indicator_en`, `area_en` and `item_en`; set the `history_series` of a target "
        "whose history the project holds.\n\n"
    )
    body = "\n".join(result.review) if result.review else "Nothing flagged."
    return head + body + "\n"
