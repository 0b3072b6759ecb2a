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
- a chromium crash or hang fails the brief being printed; a new chromium prints the rest;
- an unreadable PDF (missing CJK font) is never published;
- a publication that cannot complete (full disk) leaves the previous brief and
  manifest as they were (:mod:`pxanalysis.briefs.publish`);
- whatever stage a brief fails at (a cell, a full disk, HTML, PDF, publishing),
  its executed notebook is kept in ``<out>/failed/`` and the others go on;
- a log line that cannot be written (closed pipe, full disk) loses no brief, and
  a brief that never got an outcome counts as failed;
- SIGINT or SIGTERM stops the run: the kernels, chromium and worker processes
  it started are stopped, their temporary files removed, nothing is half
  published, and ``KeyboardInterrupt(signum)`` tells the caller.

Speed (``make bench``): the kernel (one core) runs brief k+1 while this process
and chromium (the other core) turn brief k into HTML and PDF.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import os
import shutil
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from queue import Queue

import nbformat
from papermill.exceptions import PapermillExecutionError

from pxanalysis import paths
from pxanalysis.briefs import fonts, pdf, publish
from pxanalysis.briefs.kernel import PREIMPORT, KernelSession, execute
from pxanalysis.briefs.log import say
from pxanalysis.briefs.plan import Job, Outcome
from pxanalysis.briefs.render import add_run_parameters, notebook_parameters, to_html
from pxanalysis.data import regions
from pxanalysis.errors import KernelError, stop_signal
from pxanalysis.vocab import DEFAULT_BRIEF_TIMEOUT, DEFAULT_CELL_TIMEOUT, REPORT_YEAR


def expected_text(job: Job) -> str:
    """Text the brief's PDF must contain (checked after printing): its region's name,
    Chinese (萍乡) in a Chinese brief, English in an English one."""
    profile = regions.get(job.parameters.get("region", paths.DEFAULT_REGION))
    if profile is None:
        return ""
    return profile.short if job.parameters.get("lang", "zh") == "zh" else profile.name_en


#: Seconds the worker processes get to stop their kernel and chromium after a SIGTERM.
STOP_GRACE = 30.0
#: The signal that stopped this process's run, once one has (see :func:`stopping`).
_STOP: dict = {"signum": None, "busy": False}
_PR_SET_PDEATHSIG = 1


def guarded(log):
    """``log``, made unable to fail: a log line that cannot be written never loses a brief."""

    def safe(message: str) -> None:
        with contextlib.suppress(Exception):
            log(message)

    return safe


def _on_signal(signum, frame) -> None:
    if _STOP["signum"] is None:  # the first signal stops the run; the clean-up is not interrupted
        _STOP["signum"] = signum
        raise KeyboardInterrupt(signum)


@contextlib.contextmanager
def stopping():
    """While rendering, SIGINT and SIGTERM raise ``KeyboardInterrupt(signum)`` in the main thread,
    once.

    The ``finally`` blocks of the pipeline then stop what the run started. The
    previous handlers are restored at the end; in another thread this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _STOP["signum"] = None
    previous = {s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            if handler is not None:
                signal.signal(number, handler)
        signum, _STOP["signum"] = _STOP["signum"], None
    if signum is not None:  # the body ended although a signal came: stop now
        raise KeyboardInterrupt(signum)


def _check_stop() -> None:
    if _STOP["signum"] is not None:
        raise KeyboardInterrupt(_STOP["signum"])


def preflight() -> None:
    """Fail early, with the package to install, when chromium or the CJK font is missing."""
    pdf.find_chromium()
    fonts.faces()  # the font files the HTML embeds and the PDF check reads (cached)


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


def _keep_failed(outcome: Outcome, out: Path, tmp: Path | None) -> None:
    """Keep the brief's (partial or executed) notebook in ``<out>/failed/``, if it has one."""
    if tmp is None:
        return
    try:
        kept = publish.keep_failed(out, outcome.name, tmp / "brief.ipynb")
    except OSError as exc:
        outcome.error += f" (its notebook could not be kept in {out / 'failed'}: {exc.strerror})"
        return
    outcome.failed_notebook = str(kept) if kept else ""


def _os_problem(exc: OSError, out: Path) -> str:
    """A failed read or write, said plainly (with what to check)."""
    where = f": {exc.filename}" if exc.filename else ""
    return (
        f"{type(exc).__name__}: {exc.strerror or exc}{where} "
        f"(check the free space and permissions of {out})"
    )


def _describe(exc: Exception, out: Path, tmp: Path | None) -> str:
    """Why a brief failed, said plainly (a cell, the kernel, a read or write, anything else)."""
    if isinstance(exc, PapermillExecutionError):
        return (
            f"cell {exc.cell_index} (execution count {exc.exec_count}) failed: "
            f"{exc.ename}: {exc.evalue}"
        )
    if isinstance(exc, KernelError) and tmp is not None:
        return f"{_running_cell(tmp / 'brief.ipynb')}: {exc}"
    if isinstance(exc, OSError):
        return _os_problem(exc, out)
    return f"{type(exc).__name__}: {exc}"


def execute_stage(job: Job, out: Path, session: KernelSession, timeouts: dict) -> tuple:
    """Execute one brief into a fresh build folder under ``out``.

    Returns
    -------
    (Outcome, Path or None)
        The build folder, or None when the brief failed (then the outcome says
        why and where the partial notebook is kept). Any ``Exception`` (a cell,
        the kernel, a full disk …) fails this brief only.
    """
    outcome = Outcome(job.name, ok=False)
    tmp = None
    t0 = time.perf_counter()
    try:
        tmp = publish.temp_dir(out, job.name)
        outcome.provenance = publish.provenance(job.report_dir)
        session.reset()
        execute(notebook_parameters(job.parameters), tmp / "brief.ipynb", session, **timeouts)
    except Exception as exc:  # noqa: BLE001 - reported per brief; the others go on
        outcome.error = _describe(exc, out, tmp)
        _keep_failed(outcome, out, tmp)
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        return outcome, None
    except BaseException:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    outcome.timings["execute"] = round(time.perf_counter() - t0, 3)
    return outcome, tmp


def finish_stage(job: Job, outcome: Outcome, tmp: Path, out: Path, printer, log=print) -> Outcome:
    """HTML, PDF, the PDF check, then publish (the build folder is always removed).

    On failure the executed notebook is kept in ``<out>/failed/``.
    """
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
        fonts.check_pdf(tmp / "brief.pdf", expected=expected_text(job))
        outcome.timings.update({"html": round(t2 - t1, 3), "pdf": round(t3 - t2, 3)})
        entry = {
            "as_of": job.parameters.get("as_of", ""),
            "region": job.parameters.get("region", paths.DEFAULT_REGION),
            "year": job.parameters.get("year", REPORT_YEAR),
            "inputs_sha256": job.inputs,
            "parameters": job.parameters,
            "scenario_file": job.source,
            "rendered": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "timings_s": outcome.timings,
            **outcome.provenance,
            "outputs": {"sha256": {n: publish.sha256(tmp / n) for n in publish.OUTPUTS}},
        }
        final = publish.publish(tmp, out, job.folder, job.name, entry, log, job.report_dir)
        outcome.outputs = {n: str(final / n) for n in publish.OUTPUTS} | entry["outputs"]
        outcome.ok = True
    except Exception as exc:  # noqa: BLE001 - reported per brief; the others go on
        outcome.error = _describe(exc, out, tmp)
        _keep_failed(outcome, out, tmp)
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
    """One kernel executes the notebooks while a second thread exports, prints and publishes.

    Every job gets an outcome: one the finisher thread could not finish counts as failed.
    """
    # The main thread waits for its threads on Events, not Thread.join(): a join that a
    # signal interrupts marks the thread as stopped while it still runs (Python 3.11).
    timeouts = timeouts or {}
    log = guarded(log)
    printer = pdf.ChromiumPrinter()
    box: dict = {}
    kernel_ready = threading.Event()

    def start_kernel():
        try:
            box["session"] = _start_kernel()
        except Exception as exc:  # noqa: BLE001 - reported below
            box["error"] = exc
        finally:
            kernel_ready.set()

    def abandon():
        """Stop before any brief: wait for the kernel's start, then close it and chromium."""
        kernel_ready.wait()
        try:
            if "session" in box:
                box["session"].close()
        finally:
            printer.close(graceful=False)

    threading.Thread(target=start_kernel).start()  # the kernel starts while chromium starts
    try:
        printer.start()
        kernel_ready.wait()
    except BaseException:
        abandon()
        raise
    if "error" in box:
        printer.close()
        error = box["error"]
        raise error if isinstance(error, KernelError) else KernelError(str(error))
    session = box["session"]
    outcomes: list[Outcome] = []
    todo: Queue = Queue()
    stop, finished = threading.Event(), threading.Event()

    def finisher():
        try:
            finish_all()
        finally:
            finished.set()

    def finish_all():
        while (item := todo.get()) is not None:
            job, outcome, tmp = item
            if stop.is_set():  # the run is being stopped: nothing more is published
                shutil.rmtree(tmp, ignore_errors=True)
                outcome.error = "not published: the run was stopped"
                outcomes.append(outcome)
                continue
            try:
                outcome = finish_stage(job, outcome, tmp, out, printer, log)
            except BaseException as exc:  # noqa: BLE001 - this thread must live to the end
                outcome.ok, outcome.error = False, f"{type(exc).__name__}: {exc}"
                shutil.rmtree(tmp, ignore_errors=True)
            outcomes.append(outcome)
            if not stop.is_set():
                with contextlib.suppress(Exception):
                    report(outcome, log)

    def stop_finisher():
        stop.set()
        printer.kill()  # the brief being printed fails at once, instead of being published

    threading.Thread(target=finisher, name="pxanalysis-finisher").start()
    try:
        for job in jobs:
            _check_stop()
            outcome, tmp = execute_stage(job, out, session, timeouts)
            if tmp is None:
                outcomes.append(outcome)
                report(outcome, log)
                session.close()  # a failed brief may leave the kernel in any state, or dead
                session = _start_kernel()
                continue
            todo.put((job, outcome, tmp))
        todo.put(None)
        finished.wait()
    except KeyboardInterrupt:
        stop_finisher()
        raise
    finally:
        todo.put(None)
        try:
            finished.wait()  # a second signal is ignored, so this returns
        finally:
            try:
                session.close()
            finally:
                printer.close()
    done = {o.name for o in outcomes}
    for job in jobs:
        if job.name not in done:  # never lose a brief silently
            outcomes.append(Outcome(job.name, ok=False, error="the run ended before it finished"))
    order = {j.name: i for i, j in enumerate(jobs)}
    return sorted(outcomes, key=lambda o: order[o.name])


def _die_with_parent(parent: int) -> None:
    """Ask Linux to send SIGTERM to this process when its parent dies (``PR_SET_PDEATHSIG``)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM))
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(128 + signal.SIGTERM)


def _on_signal_in_worker(signum, frame) -> None:
    if not _STOP["busy"]:
        os._exit(128 + signum)  # between shards: nothing of ours to stop
    _on_signal(signum, frame)


def _worker_init(parent: int) -> None:
    """Each pool worker stops with its parent and, on SIGTERM or SIGINT, stops what it started."""
    _die_with_parent(parent)
    _STOP.update(signum=None, busy=False)
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, _on_signal_in_worker)


def _worker(args) -> list[Outcome]:
    jobs, out, timeouts = args
    _STOP["busy"] = True
    try:
        return _render_serial(jobs, Path(out), say, timeouts)
    except KeyboardInterrupt as exc:
        os._exit(128 + stop_signal(exc))  # its kernel and chromium are stopped; no other shard
    finally:
        _STOP["busy"] = False


def _stop_workers(pool: ProcessPoolExecutor, grace: float = STOP_GRACE) -> None:
    """SIGTERM to the pool's workers (they stop their kernel and chromium), then SIGKILL."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            if process.is_alive():
                process.kill()
                process.join(5)


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
    KeyboardInterrupt
        With the signal's number, on SIGINT or SIGTERM (in the main thread), once what
        the run started is stopped.
    """
    out = publish.make_dir(Path(out).resolve())
    preflight()
    with publish.locked(out):
        publish.clean_leftovers(out)
    timeouts = {"cell_timeout": cell_timeout, "brief_timeout": brief_timeout}
    n_jobs = max(1, min(n_jobs, len(jobs)))
    with stopping():
        if n_jobs == 1:
            return _render_serial(jobs, out, log, timeouts)
        shards = [jobs[i::n_jobs] for i in range(n_jobs)]
        pool = ProcessPoolExecutor(
            max_workers=n_jobs, initializer=_worker_init, initargs=(os.getpid(),)
        )
        try:
            futures = [pool.submit(_worker, (s, str(out), timeouts)) for s in shards]
            results = [future.result() for future in futures]
        except BaseException:
            _stop_workers(pool)  # no worker goes on publishing after the run has ended
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    return [o for shard in results for o in shard]
