"""Render scenario briefs: papermill -> HTML (no code) -> A4 PDF, safely and fast.

For each scenario the brief notebook is executed by papermill (explicit
``python3`` kernel), exported to self-contained HTML with every input removed,
and printed to PDF by headless Debian chromium. Outputs:
``<out>/<year>/<scenario>/brief.{ipynb,html,pdf}`` and ``<out>/<year>/manifest.json``.

Safety: parameters are validated before anything runs (:mod:`~pxanalysis.briefs.plan`);
each brief is built in a temporary directory and moved into place only when
complete (:mod:`~pxanalysis.briefs.publish`), so a failure never touches the
previous good brief; a failing cell's partial notebook is kept under
``<out>/failed/``; concurrent runs into one ``--out`` serialise their final moves
and manifest updates with a lock file.

Speed (``make bench``): one kernel serves every scenario (its namespace reset in
between, the imports done once at start-up, the engine's caches shared), HTML
is exported in-process, and one chromium prints every PDF while the kernel runs
the next brief.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from queue import Queue

import nbformat
from papermill.exceptions import PapermillExecutionError

from pxanalysis.briefs import pdf, publish
from pxanalysis.briefs.kernel import PREIMPORT, KernelSession, execute
from pxanalysis.briefs.plan import Job, Outcome
from pxanalysis.briefs.render import add_run_parameters, to_html
from pxanalysis.errors import KernelError, RenderError
from pxanalysis.present import style
from pxanalysis.vocab import REPORT_YEAR


def preflight() -> None:
    """Fail early, with the package to install, when chromium or the CJK font is missing."""
    pdf.find_chromium()
    style.find_cjk_font()


def execute_stage(job: Job, out: Path, session: KernelSession | None) -> tuple[Outcome, Path]:
    """Execute one brief into a fresh temporary directory under ``out``.

    On a failing cell the partial notebook is kept under ``<out>/failed/`` and
    the outcome says which cell failed; nothing is published.
    """
    outcome = Outcome(job.name, ok=False)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{job.name}-", dir=out))
    t0 = time.perf_counter()
    try:
        if session is not None:
            session.reset()
        execute(job.parameters, tmp / "brief.ipynb", session)
    except PapermillExecutionError as exc:
        failed_dir = out / "failed"
        failed_dir.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
        kept = failed_dir / f"{job.name}-{stamp}-{os.getpid()}.ipynb"
        shutil.copy2(tmp / "brief.ipynb", kept)
        shutil.rmtree(tmp, ignore_errors=True)
        outcome.failed_notebook = str(kept)
        outcome.error = (
            f"cell {exc.cell_index} (execution count {exc.exec_count}) failed: "
            f"{exc.ename}: {exc.evalue}"
        )
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    outcome.timings["execute"] = round(time.perf_counter() - t0, 3)
    return outcome, tmp


def finish_stage(job: Job, outcome: Outcome, tmp: Path, out: Path, printer) -> Outcome:
    """HTML, PDF, checks, then publish atomically (the temporary directory is always removed)."""
    year = REPORT_YEAR
    try:
        t1 = time.perf_counter()
        nb = nbformat.read(tmp / "brief.ipynb", as_version=4)
        lang = nb.metadata.get("papermill", {}).get("parameters", {}).get("lang", "zh")
        (tmp / "brief.html").write_text(
            to_html(add_run_parameters(nb, lang), job.name), encoding="utf-8"
        )
        t2 = time.perf_counter()
        printer.print_pdf(tmp / "brief.html", tmp / "brief.pdf")
        t3 = time.perf_counter()
        if (tmp / "brief.pdf").read_bytes()[:5] != b"%PDF-":
            raise RenderError(f"{job.name}: chromium wrote something that is not a PDF")
        outcome.timings.update({"html": round(t2 - t1, 3), "pdf": round(t3 - t2, 3)})
        hashes = {
            f"brief.{ext}": publish.sha256(tmp / f"brief.{ext}") for ext in ("ipynb", "html", "pdf")
        }
        final = out / str(year) / job.name
        outcome.outputs = {k: str(final / k) for k in hashes} | {"sha256": hashes}
        with publish.locked(out):
            publish.publish(tmp, final)
            publish.update_manifest(out / str(year) / "manifest.json", outcome, job, year)
        outcome.ok = True
    except Exception as exc:  # noqa: BLE001 - reported per brief
        outcome.error = f"{type(exc).__name__}: {exc}"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return outcome


def _render_serial(jobs: list[Job], out: Path, log=print) -> list[Outcome]:
    """One kernel executes the notebooks while a second thread exports and prints.

    The kernel (one core) runs brief k+1 while this process and chromium (the
    other core) turn brief k into HTML and PDF.
    """
    printer = pdf.ChromiumPrinter()
    printer.launch()  # before any thread: launching uses preexec_fn
    box: dict = {}

    def start_kernel():
        try:
            session = KernelSession()
            session.run(PREIMPORT)
            box["session"] = session
        except Exception as exc:  # noqa: BLE001 - reported below
            box["error"] = exc

    starter = threading.Thread(target=start_kernel)
    starter.start()  # the kernel starts and imports while chromium starts
    try:
        printer.start()
    finally:
        starter.join()
    if "error" in box:
        printer.close()
        raise KernelError(f"could not start the python3 kernel: {box['error']}")
    session = box["session"]
    outcomes: list[Outcome] = []
    todo: Queue = Queue()

    def finisher():
        while (item := todo.get()) is not None:
            job, outcome, tmp = item
            outcomes.append(finish_stage(job, outcome, tmp, out, printer))
            _report(outcomes[-1], log)

    worker = threading.Thread(target=finisher)
    worker.start()
    try:
        for job in jobs:
            outcome, tmp = execute_stage(job, out, session)
            if outcome.error:
                outcomes.append(outcome)
                _report(outcome, log)
                session.close()  # a failed cell may leave the kernel in any state
                session = KernelSession()
                continue
            todo.put((job, outcome, tmp))
    finally:
        todo.put(None)
        worker.join()
        session.close()
        printer.close()
    order = {j.name: i for i, j in enumerate(jobs)}
    return sorted(outcomes, key=lambda o: order[o.name])


def _worker(args) -> list[Outcome]:
    jobs, out = args
    return _render_serial(jobs, Path(out))


def _report(outcome: Outcome, log=print) -> None:
    if outcome.ok:
        t = outcome.timings
        log(
            f"brief {outcome.name}: {outcome.outputs['brief.pdf']} "
            f"(execute {t['execute']:.1f}s, html {t['html']:.1f}s, pdf {t['pdf']:.1f}s)"
        )
    else:
        log(f"brief {outcome.name}: FAILED: {outcome.error}")
        if outcome.failed_notebook:
            log(f"  the failed notebook is kept at {outcome.failed_notebook}")
        log("  the previous brief for this scenario (if any) is untouched")


def render(
    jobs: list[Job], out: str | Path = "reports", n_jobs: int = 1, log=print
) -> list[Outcome]:
    """Render briefs (see the module docstring).

    Parameters
    ----------
    jobs : list of Job
        From :func:`plan`.
    out : path
        Output directory.
    n_jobs : int
        Worker processes, each with its own kernel and chromium (on 2 cores,
        1 is usually fastest).

    Returns
    -------
    list of Outcome
    """
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    preflight()
    n_jobs = max(1, min(n_jobs, len(jobs)))
    if n_jobs == 1:
        return _render_serial(jobs, out, log)
    shards = [jobs[i::n_jobs] for i in range(n_jobs)]
    with ProcessPoolExecutor(max_workers=n_jobs) as pool:
        results = list(pool.map(_worker, [(s, str(out)) for s in shards]))
    outcomes = [o for shard in results for o in shard]
    for o in outcomes:
        _report(o, log)
    return outcomes
