"""Render scenario briefs: papermill -> HTML (no code) -> A4 PDF, checked, then published.

For each brief the notebook is executed by papermill in one reused ``python3``
kernel, exported to self-contained HTML with every input removed and the CJK
font embedded, printed by one headless Debian chromium, checked (the PDF's
text must be set in the CJK font, which must have every glyph), and published
with its manifest entry. Outputs: ``<out>/<year>/<name>/brief.{ipynb,html,pdf}``
and ``<out>/<year>/manifest.json``.

Faults are contained to the brief they hit:

- a failing cell, a dead kernel or a timeout fails that brief: its partial
  notebook is kept in ``<out>/failed/``, a new kernel runs the remaining ones;
- a chromium crash fails the brief being printed; a new chromium prints the rest;
- an unreadable PDF (missing CJK font) is never published;
- a publication that cannot complete (full disk) leaves the previous brief and
  manifest as they were (:mod:`pxanalysis.briefs.publish`).

Speed (``make bench``): the kernel (one core) runs brief k+1 while this process
and chromium (the other core) turn brief k into HTML and PDF.
"""

from __future__ import annotations

import datetime as dt
import shutil
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from queue import Queue

import nbformat
from papermill.exceptions import PapermillExecutionError

from pxanalysis.briefs import fonts, pdf, publish
from pxanalysis.briefs.kernel import PREIMPORT, KernelSession, execute
from pxanalysis.briefs.plan import Job, Outcome
from pxanalysis.briefs.render import add_run_parameters, to_html
from pxanalysis.errors import KernelError, RenderError
from pxanalysis.present import style
from pxanalysis.vocab import DEFAULT_BRIEF_TIMEOUT, DEFAULT_CELL_TIMEOUT

#: Text every brief's PDF must contain (checked after printing).
EXPECTED_TEXT = "萍乡"


def preflight() -> None:
    """Fail early, with the package to install, when chromium or the CJK font is missing."""
    pdf.find_chromium()
    style.find_cjk_font()


def _running_cell(notebook: Path) -> str:
    """The cell that failed or was running when the kernel stopped, from the saved notebook."""
    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception:  # noqa: BLE001 - the partial notebook may be unreadable
        return "a cell"
    started = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and c.get("metadata", {}).get("papermill", {}).get("start_time")
    ]
    if not started:
        return "before the first cell"
    source = nb.cells[started[-1]].source.strip()
    return f"cell {started[-1]} ({source.splitlines()[0] if source else 'empty'})"


def execute_stage(job: Job, out: Path, session: KernelSession, timeouts: dict) -> tuple:
    """Execute one brief into a fresh build folder under ``out``.

    Returns
    -------
    (Outcome, Path or None)
        The build folder, or None when the brief failed (then the outcome says
        why and where the partial notebook is kept).
    """
    outcome = Outcome(job.name, ok=False)
    tmp = publish.temp_dir(out, job.name)
    t0 = time.perf_counter()
    try:
        session.reset()
        execute(job.parameters, tmp / "brief.ipynb", session, **timeouts)
    except (PapermillExecutionError, KernelError) as exc:
        if isinstance(exc, PapermillExecutionError):
            outcome.error = (
                f"cell {exc.cell_index} (execution count {exc.exec_count}) failed: "
                f"{exc.ename}: {exc.evalue}"
            )
        else:
            outcome.error = f"{_running_cell(tmp / 'brief.ipynb')}: {exc}"
        kept = publish.keep_failed(out, job.name, tmp / "brief.ipynb")
        outcome.failed_notebook = str(kept) if kept else ""
        shutil.rmtree(tmp, ignore_errors=True)
        return outcome, None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    outcome.timings["execute"] = round(time.perf_counter() - t0, 3)
    return outcome, tmp


def finish_stage(job: Job, outcome: Outcome, tmp: Path, out: Path, printer, log=print) -> Outcome:
    """HTML, PDF, the PDF check, then publish (the build folder is always removed)."""
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
        fonts.check_pdf(tmp / "brief.pdf", expected=EXPECTED_TEXT)
        outcome.timings.update({"html": round(t2 - t1, 3), "pdf": round(t3 - t2, 3)})
        entry = {
            "as_of": job.parameters["as_of"],
            "region": job.parameters["region"],
            "year": job.parameters["year"],
            "inputs_sha256": job.inputs,
            "parameters": job.parameters,
            "scenario_file": job.source,
            "rendered": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "timings_s": outcome.timings,
            "outputs": {"sha256": {n: publish.sha256(tmp / n) for n in publish.OUTPUTS}},
        }
        final = publish.publish(tmp, out, job.folder, job.name, entry, log)
        outcome.outputs = {n: str(final / n) for n in publish.OUTPUTS} | entry["outputs"]
        outcome.ok = True
    except Exception as exc:  # noqa: BLE001 - reported per brief; the others go on
        outcome.error = f"{type(exc).__name__}: {exc}"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return outcome


def _start_kernel() -> KernelSession:
    session = KernelSession()
    try:
        session.run(PREIMPORT)
    except KernelError:
        session.close()
        raise
    return session


def _render_serial(jobs: list[Job], out: Path, log=print, timeouts: dict | None = None) -> list:
    """One kernel executes the notebooks while a second thread exports, prints and publishes."""
    timeouts = timeouts or {}
    printer = pdf.ChromiumPrinter()
    box: dict = {}

    def start_kernel():
        try:
            box["session"] = _start_kernel()
        except Exception as exc:  # noqa: BLE001 - reported below
            box["error"] = exc

    starter = threading.Thread(target=start_kernel)
    starter.start()  # the kernel starts and imports while chromium starts
    try:
        printer.start()
    except RenderError:
        starter.join()
        if "session" in box:
            box["session"].close()
        printer.close(graceful=False)
        raise
    starter.join()
    if "error" in box:
        printer.close()
        error = box["error"]
        raise error if isinstance(error, KernelError) else KernelError(str(error))
    session = box["session"]
    outcomes: list[Outcome] = []
    todo: Queue = Queue()

    def finisher():
        while (item := todo.get()) is not None:
            job, outcome, tmp = item
            outcomes.append(finish_stage(job, outcome, tmp, out, printer, log))
            report(outcomes[-1], log)

    worker = threading.Thread(target=finisher)
    worker.start()
    try:
        for job in jobs:
            outcome, tmp = execute_stage(job, out, session, timeouts)
            if tmp is None:
                outcomes.append(outcome)
                report(outcome, log)
                session.close()  # a failed brief may leave the kernel in any state, or dead
                session = _start_kernel()
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
    jobs, out, timeouts = args
    return _render_serial(jobs, Path(out), lambda m: print(m, flush=True), timeouts)


def report(outcome: Outcome, log=print) -> None:
    """One line (two on failure) saying what happened to a brief."""
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
        log("  the previous brief of this name (if any) is untouched")


def render(
    jobs: list[Job],
    out: str | Path,
    n_jobs: int = 1,
    log=print,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    brief_timeout: float = DEFAULT_BRIEF_TIMEOUT,
) -> list[Outcome]:
    """Render briefs (see the module docstring).

    Parameters
    ----------
    jobs : list of Job
        From :func:`pxanalysis.briefs.plan.plan`.
    out : path
        Output directory (checked by :func:`pxanalysis.briefs.plan.check_out`).
    n_jobs : int
        Worker processes, each with its own kernel and chromium (on 2 cores,
        1 is usually fastest).
    cell_timeout : int
        Seconds a cell may run (whole seconds: nbclient's unit).
    brief_timeout : float
        Seconds a whole brief may run in the kernel.

    Returns
    -------
    list of Outcome

    Raises
    ------
    RenderError
        When nothing can be rendered: chromium, the font or the kernel missing
        or failing at start.
    """
    out = publish.make_dir(Path(out).resolve())
    preflight()
    with publish.locked(out):
        publish.clean_leftovers(out)
    timeouts = {"cell_timeout": cell_timeout, "brief_timeout": brief_timeout}
    n_jobs = max(1, min(n_jobs, len(jobs)))
    if n_jobs == 1:
        return _render_serial(jobs, out, log, timeouts)
    shards = [jobs[i::n_jobs] for i in range(n_jobs)]
    with ProcessPoolExecutor(max_workers=n_jobs) as pool:
        results = list(pool.map(_worker, [(s, str(out), timeouts) for s in shards]))
    return [o for shard in results for o in shard]
