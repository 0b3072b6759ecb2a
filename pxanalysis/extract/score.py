"""Scoring a draft against a gold table: recall, precision, qualifiers, main targets.

A drafted figure matches a gold figure when they agree on **value, unit, year
and kind** (units compared in simplified characters, 億元 = 亿元); each gold row
matches at most one draft row. Then:

- **recall** = matched gold rows / gold rows; **precision** = matched draft rows
  / draft rows (a draft row of a figure the gold leaves out, e.g. a number in
  a part of the text the gold does not cover, counts against precision);
- **qualifier agreement** = matched pairs whose qualifier sets are equal /
  matched pairs;
- **main targets**: gold main targets with a draft target row equal in value,
  unit, year, qualifiers and indicator (canonical id where there is one).

Gold tables come in two forms: a report package's own ``figures.csv`` and
``targets.csv`` (Pingxiang 2024), and the short form of the held-out reports
(``quote, indicator, year, kind, value, unit, qualifiers, is_main_target``; see
``data/extract_gold/README.md``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from pxanalysis.data import report_schema
from pxanalysis.extract import rules
from pxanalysis.extract.draft import Draft, draft
from pxanalysis.extract.text import normalise


@dataclass(frozen=True)
class Score:
    """How one draft compares with its gold table."""

    report: str
    gold: int
    drafted: int
    matched: int
    qualifiers_agree: int
    main_targets: int
    main_exact: int
    missed: tuple[str, ...]
    spurious: tuple[str, ...]
    qualifier_slips: tuple[str, ...]

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.drafted if self.drafted else 1.0

    @property
    def qualifier_agreement(self) -> float:
        return self.qualifiers_agree / self.matched if self.matched else 1.0


def _unit(unit: str) -> str:
    return normalise(unit).normal


def _quals(text: str | None) -> frozenset[str]:
    if not text:
        return frozenset()
    return frozenset(normalise(q.strip()).normal for q in text.split(";") if q.strip())


def _row(value, unit, year, kind, qualifiers, indicator, main, quote, target_id=None) -> dict:
    return {
        "key": (round(float(value), 6), _unit(unit), int(year), kind),
        "qualifiers": _quals(qualifiers),
        "indicator": normalise(indicator).normal,
        "main": main,
        "quote": quote,
        "target_id": target_id,
    }


def read_gold(path: Path) -> list[dict]:
    """A held-out gold table (short form) as comparable rows."""
    with open(path, encoding="utf-8", newline="") as f:
        return [
            _row(
                r["value"],
                r["unit"],
                r["year"],
                r["kind"],
                r["qualifiers"],
                r["indicator"],
                r["is_main_target"] == "true",
                r["quote"],
            )  # fmt: skip
            for r in csv.DictReader(f)
        ]


def package_gold(figures: list[dict], targets: list[dict]) -> list[dict]:
    """A report package's own tables (figures and targets rows) as comparable rows."""
    main = {t["figure_id"]: t["target_id"] for t in targets}
    return [
        _row(
            r["value"],
            r["unit"],
            r["year"],
            r["kind"],
            r.get("qualifier"),
            r["indicator"],
            r["figure_id"] in main,
            r["quote"],
            main.get(r["figure_id"]),
        )  # fmt: skip
        for r in figures
    ]


def draft_rows(result: Draft) -> list[dict]:
    """The draft's figures as comparable rows."""
    return package_gold(result.figures, result.targets)


def _same_target(gold: dict, drafted: dict) -> bool:
    if drafted["target_id"] is None:
        return False
    if gold["target_id"] is not None:
        return gold["target_id"] == drafted["target_id"]
    return (rules.canonical(gold["indicator"]) or gold["indicator"]) == drafted["target_id"]


def score(name: str, result: Draft, gold: list[dict]) -> Score:
    """Compare the draft ``result`` with ``gold`` (see the module docstring)."""
    drafted = draft_rows(result)
    free = list(range(len(drafted)))
    pairs = []
    for g in gold:
        candidates = [i for i in free if drafted[i]["key"] == g["key"]]
        if not candidates:
            continue
        # prefer the draft row quoting the same words, then the same qualifiers
        best = max(
            candidates,
            key=lambda i: (
                g["quote"] in drafted[i]["quote"] or drafted[i]["quote"] in g["quote"],
                drafted[i]["qualifiers"] == g["qualifiers"],
            ),
        )
        free.remove(best)
        pairs.append((g, drafted[best]))
    matched_gold = {id(g) for g, _ in pairs}
    agree = [p for p in pairs if p[0]["qualifiers"] == p[1]["qualifiers"]]
    main = [g for g in gold if g["main"]]
    exact = [
        g
        for g in main
        if any(
            d["main"] and d["key"] == g["key"] and d["qualifiers"] == g["qualifiers"]
            and _same_target(g, d)
            for d in drafted
        )
    ]  # fmt: skip
    return Score(
        report=name,
        gold=len(gold),
        drafted=len(drafted),
        matched=len(pairs),
        qualifiers_agree=len(agree),
        main_targets=len(main),
        main_exact=len(exact),
        missed=tuple(_show(g) for g in gold if id(g) not in matched_gold),
        spurious=tuple(_show(drafted[i]) for i in free),
        qualifier_slips=tuple(
            f"{_show(g)} gold {sorted(g['qualifiers'])} draft {sorted(d['qualifiers'])}"
            for g, d in pairs
            if g["qualifiers"] != d["qualifiers"]
        ),
    )


def _show(row: dict) -> str:
    value, unit, year, kind = row["key"]
    return f"{value:g}{unit} {kind} {year} 「{row['quote']}」"


#: Goals on Pingxiang (issue 13): recall and precision on (value, unit, year, kind),
#: qualifier agreement on matched rows, and every main target exact.
GOALS = {"recall": 0.95, "precision": 0.95, "qualifier_agreement": 0.90}
#: Goals on the whole development corpus, pooled (issue 17).
CORPUS_GOALS = {"recall": 0.97, "precision": 0.97}
#: The roles of a corpus report: development (rules may be written with it in view) or
#: the frozen final test (no rule is written against it; scored once, at the end).
ROLES = ("dev", "final")


def held_out(gold_dir: Path, role: str | None = None) -> list[dict]:
    """The corpus reports of ``gold_dir`` (``sources.csv``: id, role, level, year …), of one role."""
    with open(Path(gold_dir) / "sources.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [r for r in rows if role is None or r["role"] == role]


def text_path(gold_dir: Path, report: dict) -> Path:
    """A corpus report's text: ``<gold_dir>/<role>/<id>.txt``."""
    return Path(gold_dir) / report["role"] / f"{report['id']}.txt"


def score_held_out(gold_dir: Path, report: dict) -> Score:
    """Draft the corpus report ``report`` (a row of ``sources.csv``) and score it."""
    path = text_path(gold_dir, report)
    result = draft(path.read_text(encoding="utf-8"), "heldout", int(report["year"]))
    return score(report["id"], result, read_gold(path.with_name(f"{report['id']}.gold.csv")))


def pooled(scores: list[Score]) -> dict:
    """Recall, precision and qualifier agreement over all the rows of ``scores``."""
    gold = sum(s.gold for s in scores)
    drafted = sum(s.drafted for s in scores)
    matched = sum(s.matched for s in scores)
    agree = sum(s.qualifiers_agree for s in scores)
    return {
        "reports": len(scores),
        "gold": gold,
        "drafted": drafted,
        "matched": matched,
        "recall": matched / gold if gold else 1.0,
        "precision": matched / drafted if drafted else 1.0,
        "qualifier_agreement": agree / matched if matched else 1.0,
        "main_targets": sum(s.main_targets for s in scores),
        "main_exact": sum(s.main_exact for s in scores),
    }


def score_package(directory: Path, name: str) -> Score:
    """Draft a report package's text and score it against the package's own tables."""
    tables = report_schema.validate(Path(directory))
    report = tables["report"]
    result = draft(tables["text"], report["region"], int(report["year"]))
    return score(name, result, package_gold(tables["figures"], tables["targets"]))


def table(scores: list[Score]) -> str:
    """The scores as a plain-text table."""
    head = f"{'report':<20} {'gold':>4} {'draft':>5} {'match':>5} {'recall':>7} {'precis.':>7} {'qualif.':>7} {'main':>6}"
    lines = [head, "-" * len(head)]
    for s in scores:
        lines.append(
            f"{s.report:<20} {s.gold:>4} {s.drafted:>5} {s.matched:>5} {s.recall:>7.1%} "
            f"{s.precision:>7.1%} {s.qualifier_agreement:>7.1%} {s.main_exact:>3}/{s.main_targets:<2}"
        )
    return "\n".join(lines)
