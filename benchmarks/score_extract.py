"""Score ``pxanalysis extract`` on the Pingxiang gold and every held-out report.

Run with ``make score`` (also part of ``make bench``). Prints one row per report:
gold rows, drafted rows, matches on (value, unit, year, kind), recall, precision,
qualifier agreement on the matched rows and the main targets drafted exactly;
``--verbose`` lists the misses, the extra rows and the qualifier slips. The role
of each held-out report (development, or the untouched final test) is in
``data/extract_gold/sources.csv`` and its README.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pxanalysis.extract import score

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "data" / "extract_gold"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list misses and extra rows")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    scores = [score.score_package(ROOT / "data" / "pingxiang" / "2024", "pingxiang_2024")]
    roles = {"pingxiang_2024": "gold (dev)"}
    for report in score.held_out(GOLD):
        scores.append(score.score_held_out(GOLD, report["id"], int(report["year"])))
        roles[report["id"]] = report["role"]
    lines = score.table(scores).splitlines()
    print(lines[0] + "  role")
    print(lines[1] + "-" * 12)
    for line, s in zip(lines[2:], scores, strict=True):
        print(f"{line}  {roles[s.report]}")
    elapsed = time.perf_counter() - started
    total = sum(s.gold for s in scores)
    print(f"\n{len(scores)} reports, {total} gold rows, scored in {elapsed:.1f} s")
    if args.verbose:
        for s in scores:
            for title, rows in (("missed", s.missed), ("extra", s.spurious),
                                ("qualifiers", s.qualifier_slips)):  # fmt: skip
                for row in rows:
                    print(f"{s.report}: {title}: {row}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
