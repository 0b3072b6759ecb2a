"""``make bench`` (``python benchmarks/run.py``): time the engine, the briefs and the explorer.

Prints a table and writes ``bench/results.json`` (git-ignored). This is a
benchmark, not a test: it measures, it does not assert.

Measured here:

``engine_s``  projecting the nine main indicators with every method, plus the
              full rolling-origin backtest (every method, horizons 1 and 2), on
              cold caches (imports excluded). Goal: < 1 s.
``naive_s``, ``brief_all_s``, ``brief_speedup``
              every scenario's PDF brief by hand (papermill, nbconvert and
              chromium CLIs, one after another) against ``pxanalysis brief
              --scenario all``; see ``benchmarks/bench_briefs.py``. Goal: speedup >= 3.
``explorer_update_p95_ms``
              one control change of the explorer (recompute + redraw), 95th
              percentile of 200; see ``benchmarks/bench_explorer.py``. Goal: < 100 ms.
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import time
from pathlib import Path

from bench_briefs import bench_briefs
from bench_explorer import bench_explorer

from pxanalysis import data, engine
from pxanalysis.engine import backtest, methods, projection
from pxanalysis.vocab import TARGET_IDS

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"


def engine_once() -> float:
    data.clear_cache()
    engine.clear_cache()
    start = time.perf_counter()
    for indicator in TARGET_IDS:
        for method in methods.METHODS:
            projection.project(indicator, 2024, method)
    for horizon in (1, 2):
        backtest.summary(backtest.backtest("gdp", horizon=horizon))
    return time.perf_counter() - start


def bench_engine(repeat: int = 5) -> dict:
    engine_once()  # warm the interpreter (imports, statsmodels lazy modules)
    times = [engine_once() for _ in range(repeat)]
    return {"engine_s": statistics.median(times), "engine_min_s": min(times), "repeat": repeat}


def main(argv: list[str] | None = None) -> int:
    results = {"python": sys.version.split()[0], "machine": platform.machine()}
    results.update(bench_engine())
    results.update(bench_explorer())
    if "--no-briefs" not in (argv or []):
        results.update(bench_briefs())
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    width = max(len(k) for k in results)
    print(f"{'figure':<{width}}  value")
    for key, value in results.items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        print(f"{key:<{width}}  {shown}")
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
