"""Command line: ``pxanalysis project …`` and ``pxanalysis brief …``.

Exit codes (mapped in one place, :func:`main`, from :mod:`pxanalysis.errors`):
0 success; 1 a run failed (a notebook cell, chromium, a malformed data file …);
2 bad parameters, scenario file or paths (nothing was run); 130 / 143 stopped
by SIGINT / SIGTERM (what the run started is stopped first).

A log line that cannot be written (stdout a closed pipe, a full disk) is
dropped; it never stops a run.

The heavy modules (the engine, papermill) are imported inside the sub-commands,
so that ``--help`` and usage errors answer at once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import math
import sys
from pathlib import Path

from pxanalysis import __version__, params, paths
from pxanalysis.briefs.log import say
from pxanalysis.errors import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    ParameterError,
    PxError,
    exit_code,
    signal_name,
    stop_signal,
)
from pxanalysis.vocab import (
    BUILTIN_SCENARIOS,
    DEFAULT_BRIEF_TIMEOUT,
    DEFAULT_CELL_TIMEOUT,
    LANGS,
    SCENARIOS,
)

REGION_HELP = "region id: its report is read from data/<region>/<year>/ (default: pingxiang)"
YEAR_HELP = "the report's year (default: the region's latest report)"

#: The longest --cell-timeout / --brief-timeout, in seconds (one week).
MAX_TIMEOUT = 7 * 24 * 3600

AS_OF_HELP = (
    "information date YYYY-MM-DD: only data published by then is used "
    "(default: the report's date, 2024-01-31)"
)


def package_version() -> str:
    """The package's version: the installed distribution's metadata, else the checkout's.

    Returns
    -------
    str
        ``importlib.metadata.version("pxanalysis")``; where no distribution is
        installed (a checkout on ``PYTHONPATH``), the version ``pyproject.toml``
        declares, which it reads from ``pxanalysis.__version__``.
    """
    try:
        return importlib.metadata.version("pxanalysis")
    except importlib.metadata.PackageNotFoundError:
        return __version__


def _scenario_values(args) -> dict:
    """The scenario parameters the ``project`` arguments describe (validated)."""
    from pxanalysis.briefs.plan import read_scenario

    if args.params:
        values = read_scenario(args.params, args.scenario)
    elif args.scenario in BUILTIN_SCENARIOS:
        values = params.read_file(paths.builtin_scenario(args.scenario))
    else:
        values = {}
    if args.scenario:
        values["scenario"] = args.scenario
    for key in ("method", "window", "as_of", "region", "year"):
        if getattr(args, key, None) is not None:
            values[key] = getattr(args, key)
    values = params.validate(values, notebook="scenario_file", partial=True)
    params.check_consistency({k: v for k, v in values.items() if k != "scenario"})
    return values


def cmd_project(args) -> int:
    """``pxanalysis project``: projections and the target comparison to CSV or Excel."""
    from pxanalysis.engine import scenarios
    from pxanalysis.present import export

    values = _scenario_values(args)
    export.check_target(args.to)  # before anything is computed
    scenario = scenarios.from_params(values)
    lang = args.lang or values.get("lang") or "zh"  # --lang, else the scenario file's
    for path in export.write(scenario, args.to, lang):
        say(f"wrote {path}")
    _say_if_nothing_new(scenario)
    return EXIT_OK


def _say_if_nothing_new(scenario) -> None:
    """An as-of date after the report with no release since: say the answer is January's."""
    from pxanalysis import data
    from pxanalysis.engine import nowcast

    with data.using(scenario.region, scenario.year):
        report_date = data.current().date
        if scenario.as_of > report_date and nowcast.new_since_report(scenario.as_of) == 0:
            say(
                f"note: no release of {scenario.region} {scenario.year} was published between the "
                f"report ({report_date}) and --as-of {scenario.as_of}: the answer is the report "
                "date's (add releases with `pxanalysis ytd add`)"
            )


def cmd_brief(args) -> int:
    """``pxanalysis brief``: render PDF briefs (usage checked before anything starts)."""
    from pxanalysis.briefs import inputs, plan

    if args.jobs < 1:
        raise ParameterError("--jobs must be >= 1")
    for name in ("cell_timeout", "brief_timeout"):
        value = getattr(args, name)
        if not (math.isfinite(value) and 0 < value <= MAX_TIMEOUT):
            raise ParameterError(
                f"--{name.replace('_', '-')} {value:g}: give a number of seconds > 0 "
                f"and at most {MAX_TIMEOUT} (one week)"
            )
    planned = plan.plan(args.scenario, args.params, args.lang, args.as_of, args.region, args.year)
    out = plan.check_out(args.out or paths.reports_dir(), planned.jobs)
    plan.check_tmpdir()
    for problem in planned.skipped:
        say(f"pxanalysis brief: skipped: {problem}", sys.stderr)
    for job in planned.jobs:
        job.inputs = inputs.inputs_hash(job)
    same = {} if args.force else inputs.unchanged(planned.jobs, out)
    for (folder, name), digest in same.items():
        shown = name if folder == planned.jobs[0].folder else f"{folder}/{name}"
        say(f"brief {shown}: unchanged (inputs {digest[:12]}); kept as it is")
    todo = [job for job in planned.jobs if (job.folder, job.name) not in same]
    failed = []
    if todo:
        from pxanalysis.briefs import pipeline

        outcomes = pipeline.render(
            todo,
            out,
            args.jobs,
            log=say,
            cell_timeout=args.cell_timeout,
            brief_timeout=args.brief_timeout,
        )
        failed = [o for o in outcomes if not o.ok]
        for o in failed:
            say(f"pxanalysis brief: {o.name} failed: {o.error}", sys.stderr)
    if args.region == plan.ALL_REGIONS:
        failed += _league(args, out)
    # every job has an outcome: pipeline.render gives one to a brief the run could not finish
    return EXIT_FAILED if failed or planned.skipped else EXIT_OK


def _league(args, out: Path) -> list[str]:
    """The league table of ``--region all`` (CSV and a one-page PDF); the problems, if any."""
    import time

    from pxanalysis.briefs import league, pdf, plan

    started = time.perf_counter()
    held = plan.held_reports(args.year)
    year = args.year or max(r.year for r in held)
    try:
        frame = league.league_frame(held)
        with pdf.ChromiumPrinter() as printer:
            folder = league.publish_league(frame, year, out, printer, args.lang or "zh")
    except PxError as exc:
        say(f"pxanalysis brief: the league table failed: {exc}", sys.stderr)
        return [str(exc)]
    say(f"league table of {frame['region'].nunique()} regions: {folder}/league.pdf, league.csv "
        f"({time.perf_counter() - started:.1f} s)")  # fmt: skip
    return []


def cmd_extract(args) -> int:
    """``pxanalysis extract``: draft a report's tables from its text, with a review list.

    Every usage problem (a bad id, year or date, a folder it may not write, a new
    region without its level and parent) is found before the text is read.
    """
    from pxanalysis.data import regions, report_schema
    from pxanalysis.extract import draft

    report_schema.check_region(args.region)
    report_schema.check_year(args.year)
    if args.date is not None:
        try:
            dt.date.fromisoformat(args.date)
        except ValueError:
            raise ParameterError(f"--date {args.date!r} is not a date (YYYY-MM-DD)") from None
    default_out = paths.report_dir(args.region, args.year)
    out = draft.check_out(Path(args.out) if args.out else default_out, args.region, args.year,
                          args.replace)  # fmt: skip
    profile = regions.get(args.region)
    new_region = profile is None and out == default_out.absolute()
    if new_region and not (args.level and (args.parent or args.level == "national")):
        raise ParameterError(
            f"region {args.region!r} has no profile ({regions.profile_path(args.region)}): give "
            f"--level ({' | '.join(regions.LEVELS)}), --parent (the region one level up) and "
            "--name (its Chinese name) so that it can be judged"
        )
    source = Path(args.report)
    text = draft.read_report(source)
    name = args.name or (profile.name if profile else None)
    result = draft.draft(
        text, args.region, args.year, name, args.date, args.title, args.source, args.published
    )
    if new_region:
        written = draft.write_profile(
            args.region, name or args.region, args.name_en or args.region.replace("_", " ").title(),
            args.level, args.parent,
        )  # fmt: skip
        print(f"wrote the region's profile {written} (check its names)")
    out = draft.write(result, out, replace=args.replace)
    print(
        f"drafted {len(result.figures)} figures, {len(result.targets)} main targets, "
        f"{len(result.workplan)} work-plan items into {out} (valid); "
        f"{len(result.review)} line(s) to review in {out / 'REVIEW.md'}"
    )
    return EXIT_OK


def cmd_ytd(args) -> int:
    """``pxanalysis ytd add|check``: record a year-to-date release, or check the file."""
    from pxanalysis.data import releases

    if args.action == "check":
        n = releases.check(args.file)
        print(f"{args.file or releases.path()}: {n} releases, all valid")
        return EXIT_OK
    row = releases.add(
        args.indicator,
        args.through,
        args.growth,
        args.published,
        args.source,
        args.quote,
        year=args.year,
        geo=args.geo,
        trust=args.trust,
        level=args.level,
        unit=args.unit,
        source_ref=args.url,
        file=args.file,
    )
    print(f"added {row['release_id']} to {args.file or releases.path(writable=True)}")
    return EXIT_OK


def cmd_track_record(args) -> int:
    """``pxanalysis track-record``: replay the ledger, calibrate, score, export."""

    from pxanalysis.data import ledger
    from pxanalysis.track import recalibrate, record

    if args.frozen:
        return _track_record_frozen(args)
    methods = tuple(m.strip() for m in args.methods.split(",") if m.strip())
    unknown = [m for m in methods if m not in recalibrate.METHODS]
    if unknown or not methods:
        raise ParameterError(
            f"--methods {args.methods!r}: choose from {', '.join(recalibrate.METHODS)}"
        )
    if args.jobs < 1:
        raise ParameterError(f"--jobs {args.jobs}: give 1 or more processes")
    rows = ledger.load(args.ledger) if args.ledger else None
    outcomes = _outcomes_beside(args.ledger) if args.ledger else None
    result = record.track_record(rows, outcomes, methods, args.jobs, args.cutoff)
    out = result.write(Path(args.out) if args.out else paths.reports_dir() / "track-record")
    print(result.summary())
    print(f"written to {out}")
    return EXIT_OK


def _track_record_frozen(args) -> int:
    """``pxanalysis track-record --frozen``: the committed calibration scored once on the
    ledger rows its run did not see (pre-registration, amendment 2)."""
    from pxanalysis.data import ledger
    from pxanalysis.track import record

    published = record.published(Path(args.calibrated) if args.calibrated else None)
    if published is None:
        raise ParameterError(
            "--frozen needs a committed track record (calibration.json, replayed.csv): "
            "run `make track-record` first or give --calibrated DIR"
        )
    if args.jobs < 1:
        raise ParameterError(f"--jobs {args.jobs}: give 1 or more processes")
    out = Path(args.out) if args.out else paths.reports_dir() / "track-record-fresh"
    if (out / "summary.txt").exists() and not args.replace:
        raise ParameterError(
            f"{out} already holds a frozen score: it is scored once (give --replace to redo "
            "a run that failed, or another --out)"
        )
    rows = ledger.load(args.ledger) if args.ledger else None
    outcomes = _outcomes_beside(args.ledger) if args.ledger else None
    result = record.frozen(published, rows, outcomes, args.jobs)
    result.write(out)
    print(result.summary())
    print(f"written to {out}")
    return EXIT_OK


def _outcomes_beside(ledger_file: str):
    """The ``outcomes.csv`` beside a ledger file (an empty frame when there is none)."""
    import pandas as pd

    beside = Path(ledger_file).with_name("outcomes.csv")
    if beside.is_file():
        return pd.read_csv(beside, keep_default_na=False, dtype={"note": str})
    return pd.DataFrame(columns=["region_id", "indicator_id", "year", "value", "kind", "known"])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pxanalysis", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--version", action="version", version=f"pxanalysis {package_version()}",
        help="print the package version and exit",
    )  # fmt: skip
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("project", help="write projections and the target comparison")
    p.add_argument(
        "--scenario", choices=SCENARIOS, help="default: baseline, or the --params file's"
    )
    p.add_argument("--params", help="scenario YAML file (e.g. scenarios/custom_example.yaml)")
    p.add_argument("--method", help="projection method (default: auto, the rule's choice)")
    p.add_argument("--window", type=int, help="last N observations (0 = method default)")
    p.add_argument("--as-of", dest="as_of", help=AS_OF_HELP)
    p.add_argument("--region", default=None, help=REGION_HELP)
    p.add_argument("--year", type=int, default=None, help=YEAR_HELP)
    p.add_argument("--to", required=True, help="output FILE.csv or FILE.xlsx")
    p.add_argument("--lang", choices=LANGS, default=None,
                   help="the workbook's headers, units and words (default: the file's, or zh)")  # fmt: skip
    p.set_defaults(func=cmd_project)

    b = sub.add_parser("brief", help="render PDF briefs (papermill -> HTML -> chromium)")
    b.add_argument(
        "--scenario",
        default=None,
        help="a scenario name, or 'all' (default: baseline, or the --params file's)",
    )
    b.add_argument("--params", help="scenario/parameter YAML file")
    b.add_argument(
        "--out",
        default=None,
        help="output directory (default: the checkout's reports/, or ./reports when installed)",
    )
    b.add_argument("--jobs", type=int, default=1, help="worker processes (1 is fastest on 2 cores)")
    b.add_argument("--lang", choices=LANGS, default=None)
    b.add_argument("--as-of", dest="as_of", default=None, help=AS_OF_HELP)
    b.add_argument("--region", default=None, help=REGION_HELP)
    b.add_argument("--year", type=int, default=None, help=YEAR_HELP)
    b.add_argument(
        "--cell-timeout",
        type=int,
        default=DEFAULT_CELL_TIMEOUT,
        help=f"seconds one notebook cell may run (default {DEFAULT_CELL_TIMEOUT:g})",
    )
    b.add_argument(
        "--brief-timeout",
        type=float,
        default=DEFAULT_BRIEF_TIMEOUT,
        help=f"seconds one brief may run in the kernel (default {DEFAULT_BRIEF_TIMEOUT:g})",
    )
    b.add_argument(
        "--force", action="store_true", help="rebuild every brief even if its inputs are unchanged"
    )
    b.set_defaults(func=cmd_brief)

    e = sub.add_parser(
        "extract", help="draft figures.csv, targets.csv and workplan.csv from a report's text"
    )
    e.add_argument("report", help="the report's text file (UTF-8; traditional or simplified)")
    e.add_argument("--region", required=True, help="region id, lower-case ASCII (e.g. yichun)")
    e.add_argument("--year", type=int, required=True, help="the report's year (of its targets)")
    e.add_argument(
        "--out", default=None,
        help="output directory (default: data/<region>/<year>; inside the data folder only there)",
    )  # fmt: skip
    e.add_argument("--replace", action="store_true", help="overwrite an existing report package")
    e.add_argument("--name", default=None, help="the region's Chinese name (e.g. 宜春市)")
    e.add_argument("--name-en", dest="name_en", default=None, help="its English name (Yichun)")
    e.add_argument(
        "--level", default=None, choices=("national", "province", "prefecture", "county"),
        help="the region's level (a new region's profile needs it)",
    )  # fmt: skip
    e.add_argument("--parent", default=None, help="the region one level up (e.g. jiangxi)")
    e.add_argument("--date", default=None, help="the report's date YYYY-MM-DD (default Jan 31)")
    e.add_argument("--title", default=None, help="the report's title (default: its first line)")
    e.add_argument("--source", default="", help="where the text comes from (an address)")
    e.add_argument("--published", default="", help="when it was published (YYYY-MM-DD)")
    e.set_defaults(func=cmd_extract)

    t = sub.add_parser(
        "track-record", help="replay the ledger's targets, calibrate, score against baselines"
    )
    t.add_argument("--ledger", help="a ledger CSV (default: data/ledger/ledger.csv)")
    t.add_argument("--out", help="folder for the tables (default: <reports>/track-record)")
    t.add_argument("--jobs", type=int, default=1, help="processes for the replay")
    t.add_argument("--cutoff", type=int, default=2019,
                   help="last development target year (pre-registered: 2019)")  # fmt: skip
    t.add_argument("--methods", default="auto,last,mean3,trend,combo",
                   help="methods replayed (comma-separated)")  # fmt: skip
    t.add_argument("--frozen", action="store_true",
                   help="score the committed calibration, unchanged, on ledger rows its run "
                        "did not see (once; pre-registration amendment 2)")  # fmt: skip
    t.add_argument("--calibrated", default=None,
                   help="with --frozen: the committed run's folder (default "
                        "data/ledger/track_record)")  # fmt: skip
    t.add_argument("--replace", action="store_true",
                   help="with --frozen: overwrite an earlier frozen score in --out")  # fmt: skip
    t.set_defaults(func=cmd_track_record)

    y = sub.add_parser("ytd", help="record or check year-to-date releases (monthly/releases.csv)")
    ysub = y.add_subparsers(dest="action", required=True)
    add = ysub.add_parser("add", help="add one release (checked; nothing written on error)")
    add.add_argument(
        "--indicator", required=True, help="an indicator id, e.g. industrial_value_added"
    )
    add.add_argument("--through", type=int, required=True, help="last month covered (1-2月 = 2)")
    add.add_argument("--growth", type=float, required=True, help="cumulative growth, %%")
    add.add_argument("--published", required=True, help="release date YYYY-MM-DD")
    add.add_argument("--source", required=True, help="source title")
    add.add_argument("--quote", required=True, help="the verbatim sentence stating the figure")
    add.add_argument("--url", default="", help="source address")
    add.add_argument("--year", type=int, default=2024)
    add.add_argument("--geo", default="pingxiang", help="pingxiang (default), jiangxi or china")
    add.add_argument("--trust", default="medium", help="high | medium-high | medium | low")
    add.add_argument("--level", type=float, default=None, help="cumulative level, where given")
    add.add_argument("--unit", default="", help="unit of the level (亿元)")
    add.add_argument("--file", default=None, help="releases file (default: the data directory's)")
    chk = ysub.add_parser("check", help="validate the releases file")
    chk.add_argument("--file", default=None, help="releases file (default: the data directory's)")
    y.set_defaults(func=cmd_ytd)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return its exit code (see the module docstring)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except PxError as exc:
        prefix = "pxanalysis: error" if exit_code(exc) == EXIT_USAGE else "pxanalysis: failed"
        say(f"{prefix}: {exc}", sys.stderr)
        return exit_code(exc)
    except KeyboardInterrupt as exc:  # SIGINT or SIGTERM while rendering, or Ctrl-C
        what = (
            ": the kernels and chromium it started are stopped; briefs published before are "
            "kept, none is half published"
            if args.command == "brief"
            else ""
        )
        say(f"pxanalysis: stopped by {signal_name(stop_signal(exc))}{what}", sys.stderr)
        return exit_code(exc)


if __name__ == "__main__":
    sys.exit(main())
