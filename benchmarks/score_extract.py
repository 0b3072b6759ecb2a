"""Score ``pxanalysis extract`` on the Pingxiang gold and the corpus of ``data/extract_gold``.

Run with ``make score`` (also part of ``make bench``): one row per development report
(gold rows, drafted rows, matches on value, unit, year and kind, recall, precision,
qualifier agreement on the matched rows, the main targets drafted exactly), then the
pooled scores by level and overall. ``--verbose`` lists the misses, the extra rows and
the qualifier slips.

``--final`` scores the frozen final test set instead: no rule was written with it
in view, and it is scored once, at the end (its first and only score is in
``data/extract_gold/README.md``). Development reports are never mixed with it.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

from pxanalysis.extract import score

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "data" / "extract_gold"


def _pooled_line(name: str, p: dict) -> str:
    return (f"{name:<20} {p['gold']:>5} {p['drafted']:>5} {p['matched']:>5} {p['recall']:>7.1%} "
            f"{p['precision']:>7.1%} {p['qualifier_agreement']:>7.1%} "
            f"{p['main_exact']:>3}/{p['main_targets']:<3} ({p['reports']} reports)")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list misses and extra rows")
    parser.add_argument("--final", action="store_true", help="score the frozen final set")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    role = "final" if args.final else "dev"
    reports = score.held_out(GOLD, role)
    scores, levels = [], {}
    if not args.final:
        scores.append(score.score_package(ROOT / "data" / "pingxiang" / "2024", "pingxiang_2024"))
        levels["pingxiang_2024"] = "prefecture"
    for report in reports:
        scores.append(score.score_held_out(GOLD, report))
        levels[report["id"]] = report["level"]
    lines = score.table(scores).splitlines()
    print(lines[0] + "  level")
    print(lines[1] + "-" * 12)
    for line, s in zip(lines[2:], scores, strict=True):
        print(f"{line}  {levels[s.report]}")
    print(f"\npooled ({role}):      gold draft match  recall precis. qualif.   main")
    by_level = defaultdict(list)
    for s in scores:
        by_level[levels[s.report]].append(s)
    for level in ("national", "province", "prefecture", "county"):
        if by_level[level]:
            print(_pooled_line(level, score.pooled(by_level[level])))
    print(_pooled_line("all", score.pooled(scores)))
    elapsed = time.perf_counter() - started
    print(f"\n{len(scores)} reports scored in {elapsed:.1f} s")
    if args.verbose:
        for s in scores:
            for title, rows in (("missed", s.missed), ("extra", s.spurious),
                                ("qualifiers", s.qualifier_slips)):  # fmt: skip
                for row in rows:
                    print(f"{s.report}: {title}: {row}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
