"""Seconds for the whole track record and for judging every region's 2026 report.

Usage: ``python benchmarks/scale.py`` (``make bench``). Writes ``bench/scale.json`` and prints
one line per figure: the track record on the whole ledger (replay of every report with five
methods, ``--jobs 2``) and ``brief --region all --year 2026`` with ``--jobs 1`` and ``--jobs 2``
(every region held with a 2026 report, its league table).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "pxanalysis.cli"]


def timed(args: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    run = subprocess.run(CLI + args, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({run.returncode}):\n{run.stderr[-2000:]}")
    return seconds, run.stdout


def main() -> int:
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        seconds, out = timed(["track-record", "--jobs", "2", "--out", f"{tmp}/track"])
        results["track_record_whole_ledger_s"] = round(seconds, 1)
        print(f"track-record, whole ledger, --jobs 2: {seconds:.1f} s")
        print(out.splitlines()[0])
        for jobs in (1, 2):
            seconds, out = timed(["brief", "--region", "all", "--year", "2026", "--jobs", str(jobs),
                                  "--out", f"{tmp}/briefs{jobs}"])  # fmt: skip
            results[f"brief_region_all_2026_jobs{jobs}_s"] = round(seconds, 1)
            print(f"brief --region all --year 2026 --jobs {jobs}: {seconds:.1f} s")
    (ROOT / "bench").mkdir(exist_ok=True)
    (ROOT / "bench" / "scale.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
