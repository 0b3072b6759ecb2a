"""Brief pipeline timings for ``make bench``: by hand vs ``pxanalysis brief --scenario all``.

``naive_s``: for each scenario, one after another, what a user does by hand:
the ``papermill`` CLI on ``notebooks/brief.ipynb``, then ``jupyter nbconvert
--to html --no-input``, then one ``chromium --print-to-pdf`` process.
``brief_all_s``: ``pxanalysis brief --scenario all`` (a fresh process).
Both on warm caches (each is run once before the measured run), same scenarios.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pxanalysis.briefs import pdf, plan

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(cmd: list[str], extra: dict | None = None) -> None:
    env = dict(os.environ, PYTHONHASHSEED="0", **(extra or {}))
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stderr[-2000:]}")


def naive(out: Path, files: list[Path]) -> float:
    start = time.perf_counter()
    for f in files:
        nb = out / f"{f.stem}.ipynb"
        _run([str(BIN / "papermill"), "notebooks/brief.ipynb", str(nb), "-f", str(f), "-k", "python3",
              "--cwd", str(ROOT)])  # fmt: skip
        _run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb)])
        pdf.print_with_cli(nb.with_suffix(".html"), nb.with_suffix(".pdf"))
    return time.perf_counter() - start


def brief_all(out: Path, env: dict | None = None, force: bool = True) -> float:
    start = time.perf_counter()
    cmd = [str(BIN / "pxanalysis"), "brief", "--scenario", "all", "--out", str(out)]
    _run(cmd + (["--force"] if force else []), env)
    return time.perf_counter() - start


def scheduled(tmp: Path) -> dict:
    """A no-op scheduled run, and one after a new release that touches one brief.

    A data copy and a user scenario dated August 2024: the release (published in
    May) changes that brief's information set only.
    """
    shutil.copytree(
        ROOT / "data", tmp / "data", ignore=shutil.ignore_patterns("extract_gold", "corpus")
    )
    user = tmp / "scenarios"
    user.mkdir()
    (user / "august.yaml").write_text("scenario: baseline\nas_of: '2024-08-31'\n", encoding="utf-8")
    env = {"PXANALYSIS_DATA_DIR": str(tmp / "data"), "PXANALYSIS_SCENARIO_DIR": str(user)}
    out = tmp / "sched"
    brief_all(out, env, force=False)
    noop = [brief_all(out, env, force=False) for _ in range(3)]
    _run([str(BIN / "pxanalysis"), "ytd", "add", "--indicator", "industrial_value_added",
          "--through", "4", "--growth", "9.1", "--published", "2024-05-20", "--source", "bench",
          "--quote", "增长9.1%"], env)  # fmt: skip
    one = brief_all(out, env, force=False)
    return {"brief_noop_s": statistics.median(noop), "brief_one_release_s": one}


def bench_briefs() -> dict:
    files = plan.scenario_files()
    with tempfile.TemporaryDirectory(prefix="pxa-bench-") as tmp:
        tmp = Path(tmp)
        (tmp / "naive").mkdir()
        naive(tmp / "naive", files[:1])  # warm-up
        brief_all(tmp / "warm")
        naive_s = naive(tmp / "naive", files)
        brief_all_s = brief_all(tmp / "all")
        schedule = scheduled(tmp)
    return {
        "briefs": len(files),
        "naive_s": naive_s,
        "brief_all_s": brief_all_s,
        "brief_speedup": naive_s / brief_all_s,
        **schedule,
    }
