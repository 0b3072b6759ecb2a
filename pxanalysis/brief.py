"""Render scenario briefs: papermill -> HTML (no code) -> A4 PDF, safely and fast.

``pxanalysis brief --scenario NAME|all [--params FILE] [--out DIR] [--jobs N] [--lang zh|en]``

For each scenario the brief notebook is executed by papermill (explicit
``python3`` kernel, the project as cwd), exported to self-contained HTML with
every input removed, and printed to PDF by headless Debian chromium. Outputs:
``<out>/<year>/<scenario>/brief.{ipynb,html,pdf}`` and ``<out>/<year>/manifest.json``.

Safety: parameters are validated before anything runs (exit 2); each brief is
built in a temporary directory and moved into place only when complete, so a
failure never touches the previous good brief; a failing cell's partial
notebook is kept under ``<out>/failed/``; concurrent runs into one ``--out``
serialise their final moves and manifest updates with a lock file.

Speed (``make bench``): one kernel serves every scenario (its namespace reset in
between, the imports done once at start-up, the engine's caches shared), HTML
is exported in-process and one chromium prints every PDF.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pxanalysis import __version__, params
from pxanalysis.params import ParameterError

# jsonschema (pulled in by nbformat) imports rfc3987_syntax inside
# suppress(ImportError), only for the optional "iri" format check; importing it
# builds a parser grammar (~0.7 s per process; toolchain.md section 6). Notebook
# validation does not use that format, so skip it in this process.
sys.modules.setdefault("rfc3987_syntax", None)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "brief.ipynb"
SCENARIO_DIR = ROOT / "scenarios"
KERNEL = "python3"
BUILTIN = ("baseline", "optimistic", "pessimistic", "targets_met")
PREIMPORT = "import pxanalysis.report, pxanalysis.plots, statsmodels.api, seaborn"
RESET = "get_ipython().run_line_magic('reset', '-f')\nimport matplotlib.pyplot as _plt\n_plt.close('all')"

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class BriefError(RuntimeError):
    """A brief could not be rendered (the message says which step and why)."""


@dataclass
class Job:
    """One brief to render: its validated parameters."""

    name: str
    parameters: dict
    source: str = ""


@dataclass
class Outcome:
    """What happened to one brief."""

    name: str
    ok: bool
    outputs: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    error: str = ""
    failed_notebook: str = ""


# --------------------------------------------------------------------------- jobs


def scenario_files() -> list[Path]:
    """Every scenario file in ``scenarios/``: the built-ins first, then the rest by name."""
    order = ["baseline", "optimistic", "pessimistic", "targets_met"]
    files = sorted(SCENARIO_DIR.glob("*.yaml"), key=lambda p: (p.stem not in order,
                   order.index(p.stem) if p.stem in order else 0, p.stem))  # fmt: skip
    return files


def plan(
    scenario: str | None = None, params_file: str | None = None, lang: str | None = None
) -> list[Job]:
    """Validate everything and return the briefs to render; nothing runs yet.

    Raises
    ------
    ParameterError
        For any bad scenario name, parameter or scenario file.
    """
    if scenario is None:
        scenario = "from-file" if params_file else "baseline"
    if scenario == "all":
        if params_file:
            raise ParameterError(
                "--scenario all renders scenarios/*.yaml; do not combine with --params"
            )
        sources = scenario_files()
    elif params_file:
        sources = [Path(params_file)]
    elif scenario in BUILTIN:
        sources = [SCENARIO_DIR / f"{scenario}.yaml"]
    elif scenario in params.SCENARIOS:
        raise ParameterError(f"scenario {scenario!r} needs --params FILE.yaml with its assumptions")
    else:
        raise ParameterError(
            f"unknown scenario {scenario!r}; allowed: {', '.join(params.SCENARIOS)} or all"
        )
    jobs = []
    for path in sources:
        values = params.read_file(path)
        if params_file and scenario not in ("all", "from-file"):
            if scenario not in params.SCENARIOS:
                raise ParameterError(
                    f"unknown scenario {scenario!r}; allowed: {', '.join(params.SCENARIOS)} or all"
                )
            if values.setdefault("scenario", scenario) != scenario:
                raise ParameterError(
                    f"--scenario {scenario} disagrees with scenario: {values['scenario']} in {path}"
                )
        if lang:
            values["lang"] = lang
        full = params.resolve_brief(values, root=ROOT)  # the notebook does the same check
        jobs.append(Job(name=full["scenario"], parameters=values, source=str(path)))
    names = [j.name for j in jobs]
    if len(set(names)) != len(names):
        raise ParameterError(f"two scenario files render the same scenario: {names}")
    return jobs


def preflight() -> None:
    """Fail early, with the package to install, when chromium or the CJK font is missing."""
    from pxanalysis import pdf, style

    pdf.find_chromium()
    style.find_cjk_font()


# --------------------------------------------------------------------------- kernel


class KernelSession:
    """One ``python3`` kernel reused for several notebooks (reset in between)."""

    def __init__(self, cwd: Path = ROOT):
        from jupyter_client.manager import KernelManager

        self.km = KernelManager(kernel_name=KERNEL)
        env = dict(
            os.environ, PYTHONHASHSEED="0", MPLBACKEND="module://matplotlib_inline.backend_inline"
        )
        self.km.start_kernel(cwd=str(cwd), env=env)
        self.kc = self.km.blocking_client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self.used = False

    def run(self, code: str, timeout: float = 120) -> None:
        reply = self.kc.execute_interactive(code, timeout=timeout, output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            raise BriefError(f"kernel set-up failed: {reply['content'].get('evalue')}")

    def reset(self) -> None:
        if self.used:
            self.run(RESET)
        self.used = True

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.kc.stop_channels()
        with contextlib.suppress(Exception):
            self.km.shutdown_kernel(now=True)


# --------------------------------------------------------------------------- steps


def execute(job: Job, output: Path, session: KernelSession | None) -> None:
    """Run the brief notebook with papermill (explicit kernel, project cwd)."""
    import papermill as pm

    kwargs = {"km": session.km} if session is not None else {}
    pm.execute_notebook(
        str(NOTEBOOK),
        str(output),
        parameters=job.parameters,
        kernel_name=KERNEL,
        cwd=str(ROOT),
        progress_bar=False,
        log_output=False,
        request_save_on_cell_execute=False,
        shutdown_kernel="immediate",
        **kwargs,
    )


def add_run_parameters(nb, lang: str):
    """Append the run-parameters table, read from the notebook's papermill metadata."""
    import nbformat

    given = nb.metadata.get("papermill", {}).get("parameters", {})
    defaults = {n: params.PARAMS[n].default for n in params.NOTEBOOK_PARAMS["brief"]}
    nb = copy.deepcopy(nb)
    nb.cells.append(nbformat.v4.new_markdown_cell(run_parameters_markdown(given, defaults, lang)))
    return nb


def run_parameters_markdown(parameters: dict, defaults: dict, lang: str = "zh") -> str:
    """A Markdown table of a run's parameters (papermill metadata), defaults marked."""
    head = ("## 运行参数\n\n| 参数 | 取值 | 来源 |\n|---|---|---|" if lang == "zh"
            else "## Run parameters\n\n| parameter | value | from |\n|---|---|---|")  # fmt: skip
    given_word, default_word = (
        ("papermill注入", "默认") if lang == "zh" else ("papermill", "default")
    )
    rows = []
    for name, default in defaults.items():
        if name in parameters:
            value, source = parameters[name], given_word
        else:
            value, source = default, default_word
        rows.append(f"| `{name}` | `{value!r}` | {source} |")
    return head + "\n" + "\n".join(rows) + "\n"


CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; color: #555; } }
html { font-family: "Noto Sans CJK SC", "Noto Sans CJK", sans-serif; font-size: 10pt; color: #1b1b1b; }
body { margin: 0; }
h1 { font-size: 17pt; margin: 0 0 6pt; color: #8e1b10; }
h2 { font-size: 12.5pt; margin: 14pt 0 6pt; border-bottom: 1px solid #ccc; padding-bottom: 2pt;
     break-after: avoid; }
p, li { line-height: 1.55; }
table { border-collapse: collapse; margin: 4pt 0 8pt; font-size: 8.5pt; break-inside: avoid; }
table.px-table { width: 100%; }
th, td { border: 1px solid #d0d0d0; padding: 2pt 4pt; text-align: right; }
th { background: #f3f3f3; font-weight: 600; } .px-table td { white-space: nowrap; }
td:first-child, th:first-child { text-align: left; }
.px-table td:last-child { white-space: normal; text-align: left; }
td:first-child { white-space: nowrap; } td:nth-child(2) code { white-space: normal; word-break: break-all; }
img { max-width: 100%; break-inside: avoid; }
.jp-OutputArea-output pre { white-space: pre-wrap; }
code { font-family: "Noto Sans Mono CJK SC", monospace; font-size: 8.5pt; }
"""


def to_html(nb, title: str) -> str:
    """Self-contained HTML without any code input or prompt, no external resource."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.get("output_type") == "stream"
                            and o.get("name") == "stderr")]  # fmt: skip
    exporter = HTMLExporter(template_name="basic")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.anchor_link_text = ""
    remove = TagRemovePreprocessor(remove_cell_tags={"remove-cell", "papermill-error-cell-tag"})
    exporter.register_preprocessor(remove, enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    from html import escape

    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>\n<body>\n{body}\n</body></html>\n"
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True,
                             text=True, check=True, timeout=10)  # fmt: skip
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()  # fmt: skip
        return out.stdout.strip() + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def data_hashes() -> dict:
    """sha256 of every data file of the data package (read from its descriptor)."""
    base = Path(os.environ.get("PXANALYSIS_DATA_DIR", ROOT / "data" / "pingxiang"))
    descriptor = base / "datapackage.json"
    resources = json.loads(descriptor.read_text(encoding="utf-8"))["resources"]
    files = [base / r["path"] for r in resources] + [descriptor]
    return {str(f.relative_to(ROOT) if f.is_relative_to(ROOT) else f): sha256(f) for f in files}


@contextlib.contextmanager
def locked(out: Path):
    """An exclusive lock on ``<out>/.pxanalysis.lock`` (serialises moves and manifest)."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / ".pxanalysis.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def publish(tmp: Path, final: Path) -> None:
    """Replace ``final`` by the complete directory ``tmp`` (caller holds the lock)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        os.replace(final, old)
    os.replace(tmp, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def update_manifest(path: Path, outcome: Outcome, job: Job, year: int) -> None:
    """Read-modify-write ``manifest.json`` atomically (caller holds the lock)."""
    manifest = json.loads(path.read_text()) if path.exists() else {"scenarios": {}}
    manifest.update(
        {
            "year": year,
            "updated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "package_version": __version__,
            "git_commit": git_commit(),
            "python": sys.version.split()[0],
            "data_files": data_hashes(),
        }
    )
    manifest["scenarios"][outcome.name] = {
        "parameters": job.parameters,
        "scenario_file": job.source,
        "rendered": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "timings_s": outcome.timings,
        "outputs": outcome.outputs,
    }
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


# --------------------------------------------------------------------------- pipeline


def execute_stage(job: Job, out: Path, session: KernelSession | None) -> tuple[Outcome, Path]:
    """Execute one brief into a fresh temporary directory under ``out``.

    On a failing cell the partial notebook is kept under ``<out>/failed/`` and
    the outcome says which cell failed; nothing is published.
    """
    from papermill.exceptions import PapermillExecutionError

    outcome = Outcome(job.name, ok=False)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{job.name}-", dir=out))
    t0 = time.perf_counter()
    try:
        if session is not None:
            session.reset()
        execute(job, tmp / "brief.ipynb", session)
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
    import nbformat

    year = params.PARAMS["year"].default
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
            raise BriefError(f"{job.name}: chromium wrote something that is not a PDF")
        outcome.timings.update({"html": round(t2 - t1, 3), "pdf": round(t3 - t2, 3)})
        hashes = {f"brief.{ext}": sha256(tmp / f"brief.{ext}") for ext in ("ipynb", "html", "pdf")}
        final = out / str(year) / job.name
        outcome.outputs = {k: str(final / k) for k in hashes} | {"sha256": hashes}
        with locked(out):
            publish(tmp, final)
            update_manifest(out / str(year) / "manifest.json", outcome, job, year)
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
    from queue import Queue

    from pxanalysis.pdf import ChromiumPrinter

    printer = ChromiumPrinter()
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
        raise BriefError(f"could not start the python3 kernel: {box['error']}")
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


def main(args) -> int:
    """Entry point of ``pxanalysis brief``."""
    from pxanalysis.pdf import ChromiumNotFoundError, PrintError
    from pxanalysis.style import FontNotFoundError

    try:
        jobs = plan(args.scenario, args.params, args.lang)
    except ParameterError as exc:
        print(f"pxanalysis brief: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.jobs < 1:
        print("pxanalysis brief: error: --jobs must be >= 1", file=sys.stderr)
        return EXIT_USAGE
    try:
        outcomes = render(jobs, args.out, args.jobs, log=lambda m: print(m, flush=True))
    except (ChromiumNotFoundError, FontNotFoundError, PrintError, BriefError) as exc:
        print(f"pxanalysis brief: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    failed = [o for o in outcomes if not o.ok]
    if failed:
        for o in failed:
            print(f"pxanalysis brief: {o.name} failed: {o.error}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
