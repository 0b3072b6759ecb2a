"""Build ``data/ledger/ledger.csv`` from the readings under ``data/ledger/raw/``.

Usage: ``python scripts/build_ledger.py [--check]`` (``--check``: exit 1 if the
committed file differs from a fresh build, write nothing).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from pxanalysis.track import build

ROOT = Path(__file__).resolve().parents[1] / "data" / "ledger"
#: The ledger's outcomes as a fallback shared package (history for the live engine).
HISTORY = ROOT.parent / "shared" / "ledger"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args()
    rows, outcomes = build.build(ROOT / "raw")
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            build.write(rows, outcomes, Path(tmp))
            history = build.write_history(rows, outcomes, Path(tmp))
            committed = HISTORY / "history" / "observations.csv"
            same = (
                all(
                    (ROOT / name).read_bytes() == (Path(tmp) / name).read_bytes()
                    for name in ("ledger.csv", "outcomes.csv")
                )
                and committed.is_file()
                and committed.read_bytes() == history.read_bytes()
            )
        print("the ledger is up to date" if same else "the ledger differs from a fresh build")
        return 0 if same else 1
    build.write(rows, outcomes, ROOT)
    history = build.write_history(rows, outcomes, HISTORY)
    print(
        f"{len(rows)} target rows, {len(outcomes)} outcome-only rows -> {ROOT}; history -> {history}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
