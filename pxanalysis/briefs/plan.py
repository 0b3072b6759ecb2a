"""Which briefs to render, validated before any kernel or chromium starts.

A brief is named by its scenario *file* (``scenarios/optimistic.yaml`` renders
into ``<out>/2024/optimistic/`` for Pingxiang's 2024 report, ``<out>/yichun-2023/…``
for another region's; a user's ``my_view.yaml`` into ``my_view/``), so
a user's file never overwrites a shipped brief of the same scenario type.
``--scenario all`` renders every shipped file and every user file; a user file
that is invalid is reported and skipped (the run then ends with exit 1), a
shipped one that is invalid stops everything (exit 2), and so does finding no
scenario file at all.

A title is text on one line: control characters and line breaks become spaces,
and a title with characters the brief's CJK font cannot print is refused
before anything runs.
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pxanalysis import params, paths
from pxanalysis.data import reports
from pxanalysis.errors import DataError, FontNotFoundError, ParameterError, check_name
from pxanalysis.vocab import BUILTIN_SCENARIOS, REPORT_YEAR, SCENARIOS, SHIPPED_SCENARIO_FILES


@dataclass
class Job:
    """One brief to render: its name (output folder) and validated parameters."""

    name: str
    parameters: dict
    source: str = ""
    inputs: str = ""  # sha256 of everything the brief depends on (briefs.inputs)
    folder: str = str(REPORT_YEAR)  # the report's folder under --out: 2024, yichun-2023
    report_dir: Path | None = None  # the report package the brief reads (data/<region>/<year>)

    def __post_init__(self):
        if self.report_dir is None:  # built by hand: the report its parameters name, or the default
            region = self.parameters.get("region", paths.DEFAULT_REGION)
            self.report_dir = paths.report_dir(
                region, int(self.parameters.get("year", REPORT_YEAR))
            )


@dataclass
class Outcome:
    """What happened to one brief."""

    name: str
    ok: bool
    outputs: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    error: str = ""
    failed_notebook: str = ""
    provenance: dict = field(default_factory=dict)  # what the brief was made with (manifest)


@dataclass
class Plan:
    """The briefs to render, and the user files skipped (each with its problem)."""

    jobs: list[Job]
    skipped: list[str] = field(default_factory=list)


def scenario_files() -> list[Path]:
    """Every scenario file: the shipped ones in their order, then the user's by name."""
    shipped = [paths.builtin_scenario(name) for name in SHIPPED_SCENARIO_FILES]
    shipped = [p for p in shipped if p.is_file()]
    seen = {p.resolve() for p in shipped}
    user = sorted(paths.user_scenario_dir().glob("*.yaml"))
    return shipped + [p for p in user if p.resolve() not in seen]


def is_shipped(path: Path) -> bool:
    """Whether ``path`` is one of the scenario files shipped with the package."""
    shipped = {paths.builtin_scenario(n).resolve() for n in SHIPPED_SCENARIO_FILES}
    return Path(path).resolve() in shipped


def read_scenario(path: str | Path, scenario: str | None = None) -> dict:
    """The parameters of a scenario file, checked against ``--scenario`` where given.

    Parameters
    ----------
    path : str or pathlib.Path
        A scenario YAML file (a ``--params`` file, or a shipped one).
    scenario : str, optional
        The ``--scenario`` given with it: the file's ``scenario:`` must be the
        same (a file without one gets it).

    Returns
    -------
    dict
        The file's parameters (not validated yet).

    Raises
    ------
    ParameterError
        If the file cannot be read, or names another scenario.
    """
    values = params.read_file(path)
    if scenario is not None and values.setdefault("scenario", scenario) != scenario:
        raise ParameterError(
            f"--scenario {scenario} disagrees with scenario: {values['scenario']} in {path}"
        )
    return values


def check_home() -> Path:
    """The home, checked: a directory holding the brief notebook (else a usage error).

    Raises
    ------
    ParameterError
        Naming ``PXANALYSIS_HOME`` or the missing notebook, and the fix.
    """
    try:
        home = paths.home()
    except DataError as exc:
        raise ParameterError(
            f"{exc}: point PXANALYSIS_HOME at a checkout (a folder with data/, scenarios/ "
            "and notebooks/) or unset it"
        ) from None
    notebook = paths.brief_notebook()
    if not notebook.is_file():
        fix = (
            "point PXANALYSIS_HOME at a checkout or unset it"
            if os.environ.get("PXANALYSIS_HOME")
            else "reinstall the package"
        )
        raise ParameterError(f"the brief notebook {notebook} is missing: {fix}")
    return home


def clean_title(title: str) -> str:
    """``title`` on one line: control and format characters and line breaks become spaces.

    A title is text, never layout: a newline would end the notebook's Markdown
    heading, a bidirectional override would reorder what the reader sees.
    """
    kept = (" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in title)
    return " ".join("".join(kept).split())


def check_title(title: str, where: str) -> str:
    """The cleaned title (:func:`clean_title`); raise if the CJK font lacks one of its characters.

    Raises
    ------
    ParameterError
        Naming the characters without a glyph and the font.
    """
    from pxanalysis.briefs import fonts  # fontTools, matplotlib: only for a brief with a title

    title = clean_title(title)
    try:
        missing = fonts.missing_glyphs(title)
    except FontNotFoundError:
        return title  # no font at all: the pre-flight check names the package to install
    if missing:
        raise ParameterError(
            f"{where}: the title has characters the CJK font {fonts.faces()[400].name} cannot "
            f"print: {missing!r}; remove them (or set PXANALYSIS_CJK_FONT to a font that has them)"
        )
    return title


def _job(
    path: Path,
    lang: str | None,
    scenario: str | None = None,
    as_of: str | None = None,
    region: str | None = None,
    year: int | None = None,
) -> Job:
    """A job from one scenario file (raises ParameterError naming the file)."""
    try:  # the brief's folder: the file's name, NFC-normalised (params.scenario_name)
        name = params.scenario_name(path.stem)
    except ParameterError as exc:
        raise ParameterError(f"scenario file {path}: {exc} (it names the brief's folder)") from None
    if not is_shipped(path) and name in SHIPPED_SCENARIO_FILES:
        raise ParameterError(
            f"scenario file {path}: {name!r} is the name of a shipped scenario; rename the file"
        )
    values = read_scenario(path, scenario)
    if lang:
        values["lang"] = lang
    if as_of:
        values["as_of"] = as_of
    if region:
        values["region"] = region
    if year:
        values["year"] = year
    try:
        resolved = params.resolve_brief(values)  # the notebook does the same check
        report = reports.describe(resolved["region"], resolved["year"])
        if not params.report_target_ids(report.region, report.year):
            raise ParameterError(
                f"the report {report.directory} has no targets (targets.csv is empty): "
                "there is nothing to judge; draft it again or add its targets"
            )
    except ParameterError as exc:
        raise ParameterError(f"scenario file {path}: {exc}") from None
    if resolved["title"]:  # given here or by a scenario_file: explicit, so it wins in the notebook
        values["title"] = check_title(resolved["title"], f"scenario file {path}")
    values["region"], values["year"] = report.region, report.year
    values["as_of"] = resolved["as_of"] or report.date  # a brief always records its date
    return Job(name, values, str(path), folder=report.folder, report_dir=report.directory)


def plan(
    scenario: str | None = None,
    params_file: str | None = None,
    lang: str | None = None,
    as_of: str | None = None,
    region: str | None = None,
    year: int | None = None,
) -> Plan:
    """Validate everything and return the briefs to render; nothing runs yet.

    Raises
    ------
    ParameterError
        For a bad scenario name, a bad ``--params`` file, an invalid shipped file,
        a bad home (``PXANALYSIS_HOME``, the brief notebook) or no scenario file at all.
    """
    if scenario is not None:
        check_name(scenario, (*SCENARIOS, "all"), "scenario")
    check_home()
    if region == ALL_REGIONS:
        return _every_region(scenario, params_file, lang, as_of, year)
    if scenario == "all":
        if params_file:
            raise ParameterError(
                "--scenario all renders every scenario file; do not combine with --params"
            )
        files = scenario_files()
        if not files:
            raise ParameterError(
                f"--scenario all: no scenario file in {paths.builtin_scenario_dir()} or "
                f"{paths.user_scenario_dir()}, nothing to render: add a scenario YAML file "
                "or check PXANALYSIS_HOME and PXANALYSIS_SCENARIO_DIR"
            )
        jobs, skipped, folders = [], [], {}
        for path in files:
            try:
                job = _job(path, lang, as_of=as_of, region=region, year=year)
                earlier = folders.setdefault((job.folder, job.name), path)
                if earlier != path:  # two spellings of one name (NFC and NFD): one folder
                    raise ParameterError(
                        f"scenario file {path}: its name is the same as {earlier.name}'s once "
                        f"normalised ({job.name!r}), and names the same folder; rename one"
                    )
                jobs.append(job)
            except ParameterError as exc:
                if is_shipped(path):
                    raise
                skipped.append(str(exc))
        return Plan(jobs, skipped)
    if params_file:
        return Plan([_job(Path(params_file), lang, scenario, as_of, region, year)])
    scenario = scenario or "baseline"
    if scenario not in BUILTIN_SCENARIOS:
        raise ParameterError(f"scenario {scenario!r} needs --params FILE.yaml with its assumptions")
    return Plan(
        [_job(paths.builtin_scenario(scenario), lang, as_of=as_of, region=region, year=year)]
    )


#: ``--region all``: every region with a report of the year (or its latest report).
ALL_REGIONS = "all"


def held_reports(year: int | None = None) -> list[reports.Report]:
    """The reports ``--region all`` judges: every region's report of ``year``, or each
    region's latest report when ``year`` is None.

    Raises
    ------
    ParameterError
        If no region has a report of that year.
    """
    found: dict[str, int] = {}
    for region, y in paths.reports():
        if (year is None or y == year) and y >= found.get(region, 0):
            found[region] = y
    if not found:
        held = sorted({y for _, y in paths.reports()})
        raise ParameterError(
            f"--region all: no region has a report of {year} (years held: "
            f"{', '.join(map(str, held)) or 'none'})"
        )
    return [reports.describe(region, y) for region, y in sorted(found.items())]


def _every_region(scenario, params_file, lang, as_of, year) -> Plan:
    """The jobs of ``--region all``: the scenario (default baseline) for every held report."""
    if scenario == "all" or params_file:
        raise ParameterError(
            "--region all renders one scenario for every region: give --scenario NAME "
            "(default baseline), not 'all' or --params"
        )
    scenario = scenario or "baseline"
    if scenario not in BUILTIN_SCENARIOS:
        raise ParameterError(
            f"--region all: scenario {scenario!r} needs --params; use a built-in one"
        )
    if as_of:
        raise ParameterError("--region all judges every region as of its own report: no --as-of")
    path = paths.builtin_scenario(scenario)
    jobs = [
        _job(path, lang, region=report.region, year=report.year) for report in held_reports(year)
    ]
    return Plan(jobs)


def check_tmpdir() -> Path:
    """The temporary folder, checked: chromium's profile and the kernels' connection files go
    there, and an unusable ``TMPDIR`` would make chromium crash without saying why.

    Python falls back to ``/tmp`` when ``TMPDIR`` is unusable; chromium does not, so
    ``TMPDIR`` itself is checked by creating and removing a file in it.

    Raises
    ------
    ParameterError
        Naming ``TMPDIR``, what is wrong with it and the fix.
    """
    folder = os.environ.get("TMPDIR") or tempfile.gettempdir()
    fix = "unset TMPDIR or point it at a writable folder"
    if not os.path.isdir(folder):
        raise ParameterError(f"TMPDIR={folder} is not a folder: {fix}")
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".pxanalysis-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ParameterError(f"TMPDIR={folder} cannot be written ({exc.strerror}): {fix}") from None
    return Path(folder)


def check_out(out: Path, jobs: list[Job] = ()) -> Path:
    """Check that briefs can be written under ``out``; return it resolved.

    ``out`` may not exist yet; then its nearest existing parent must be a
    writable directory. Tried by creating and removing a probe file, so a
    read-only file system or a missing permission is caught before anything runs;
    the folders the ``jobs`` write in (``<out>/2024/``, ``<out>/2024/<name>/``,
    ``<out>/failed/``) must not be files.

    Raises
    ------
    ParameterError
        Naming ``out`` and what is wrong with it.
    """
    out = Path(out).expanduser().resolve()
    probe_dir = out
    while not probe_dir.exists():
        probe_dir = probe_dir.parent
    if not probe_dir.is_dir():
        raise ParameterError(f"--out {out}: {probe_dir} is a file, not a directory")
    for folder in sorted({job.folder for job in jobs} | {"failed"}):  # what the run writes in
        for place in (out / folder, *(out / folder / j.name for j in jobs if j.folder == folder)):
            if place.exists() and not place.is_dir():
                raise ParameterError(
                    f"--out {out}: {place} is a file, not a folder, and the briefs go there: "
                    "move it away or choose another --out"
                )
    try:
        fd, probe = tempfile.mkstemp(dir=probe_dir, prefix=".pxanalysis-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ParameterError(f"--out {out}: cannot write in {probe_dir} ({exc.strerror})") from None
    return out
