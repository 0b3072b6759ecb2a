"""``make bench`` (``python benchmarks/run.py``): the engine's accuracy and speed, the briefs, the explorer.

Prints tables and writes ``bench/results.json`` (git-ignored). This is a
benchmark, not a test: it measures, it does not assert.

Measured here:

``engine_s``        the nine judgements as of the report (the default rule with its
                    backtests, calibration, thinning GDP, anchored projections), on
                    cold caches, imports excluded. Goal: < 1 s.
``gdp_h1_*``        GDP one year ahead, real-time, shipped intervals: the default
                    method against the naive mean (MAE, 80 % coverage, mean 80 %
                    width, number of origins). Goals: coverage 0.70-0.90, MAE no
                    worse than the mean's.
``grade_c_coverage80``  real-time 80 % coverage of the grade C band (thinning GDP).
``nowcast_*``       the nowcast's calibration: scale, 80 % coverage, pairs.
``naive_s``, ``brief_all_s``, ``brief_speedup``
                    every scenario's brief by hand (papermill, nbconvert, chromium CLIs)
                    against ``pxanalysis brief --scenario all``; see ``bench_briefs.py``.
``brief_noop_s``, ``brief_one_release_s``
                    a scheduled run with nothing new (goal < 2 s), and one after a
                    new release that touches one brief.
``explorer_update_p95_ms``
                    one control change of the explorer, 95th percentile of 200;
                    see ``bench_explorer.py``. Goal: < 100 ms.
``explorer_browser_*``
                    the explorer in JupyterLab and chromium (``tests/browser``): time to
                    usable and the p95 of 20 updates, cold and cached. Goals: < 2 s, < 100 ms.
"""

from __future__ import annotations

import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_briefs import bench_briefs
from bench_explorer import bench_explorer

from pxanalysis import data, engine
from pxanalysis.engine import anchored, backtest, judgement, nowcast, selection

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"


def _clear() -> None:
    data.clear_cache()
    engine.clear_cache()


def engine_once() -> float:
    _clear()
    start = time.perf_counter()
    judgement.judge_all()
    return time.perf_counter() - start


def bench_engine(repeat: int = 5) -> dict:
    engine_once()  # warm the interpreter (imports, statsmodels lazy modules)
    times = [engine_once() for _ in range(repeat)]
    return {"engine_s": statistics.median(times), "engine_min_s": min(times), "repeat": repeat}


def bench_accuracy() -> dict:
    """GDP one year ahead: the default against the naive mean; grade C; the nowcast."""
    default = selection.choose().method
    results = backtest.backtest("gdp", (default, "mean"), 1)
    out = {"default_method": default}
    for label, frame in (("", results), ("_no_pandemic", results[~results["pandemic"]])):
        s = backtest.summary(frame)
        for name, method in (("default", default), ("mean", "mean")):
            r = s.loc[method]
            out[f"gdp_h1_{name}_mae{label}"] = float(r["mae"])
            out[f"gdp_h1_{name}_coverage80{label}"] = float(r["coverage80"])
            out[f"gdp_h1_{name}_width80{label}"] = float(r["width80"])
            out[f"gdp_h1_{name}_origins{label}"] = int(r["n"])
        out[f"gdp_h1_default_diff_vs_mean{label}"] = float(s.loc[default, "diff_abs_error"])
        out[f"gdp_h1_default_diff_se{label}"] = float(s.loc[default, "diff_se"])
    thin = anchored.thinning_backtest()
    cal = thin[thin["calibrated"]]
    out["grade_c_coverage80"] = float(cal["in80"].mean())
    out["grade_c_coverage80_no_pandemic"] = float(cal.loc[~cal["pandemic"], "in80"].mean())
    out["grade_c_forecasts"] = len(cal)
    scale, coverage, pairs = nowcast.calibration_factor("2024-08-31")
    out.update({"nowcast_scale": scale, "nowcast_coverage80": coverage, "nowcast_pairs": pairs})
    return out


def bench_browser() -> dict:
    """The explorer in JupyterLab and chromium (``tests/browser``): time to usable (Shift+Enter
    to P(meet) and the table on screen) and the p95 of 20 updates, with an empty explorer
    cache ("cold") and with the first view cached by an earlier session ("cached")."""
    results = ROOT / "reports" / "explorer_browser.json"
    results.unlink(missing_ok=True)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          str(ROOT / "tests" / "browser")], cwd=ROOT, capture_output=True,
                         text=True, timeout=1800)  # fmt: skip
    if not results.exists():
        print(run.stdout[-2000:], run.stderr[-2000:])
        return {"explorer_browser_error": f"browser test exit {run.returncode}"}
    out = {}
    for cache, figures in json.loads(results.read_text()).items():
        out[f"explorer_browser_{cache}_widgets_s"] = figures["widgets_s"]
        out[f"explorer_browser_{cache}_time_to_usable_s"] = figures["time_to_usable_s"]
        out[f"explorer_browser_{cache}_update_p95_ms"] = figures["update_p95_ms"]
        out[f"explorer_browser_{cache}_update_median_ms"] = figures["update_median_ms"]
    return out


def main(argv: list[str] | None = None) -> int:
    argv = argv or []
    results = {"python": sys.version.split()[0], "machine": platform.machine()}
    results.update(bench_engine())
    results.update(bench_accuracy())
    results.update(bench_explorer())
    if "--no-browser" not in argv:
        results.update(bench_browser())
    if "--no-briefs" not in argv:
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
