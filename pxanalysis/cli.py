"""Command line: ``pxanalysis project …`` and ``pxanalysis brief …``.

Exit codes: 0 success; 1 a run failed (a notebook cell, chromium, …);
2 bad parameters or scenario file (nothing was run).
"""

from __future__ import annotations

import argparse
import sys

from pxanalysis.params import ParameterError

EXIT_FAILED = 1
EXIT_USAGE = 2


def _scenario_from_args(args):
    from pxanalysis import params, scenarios

    values = {}
    if args.params:
        values.update(scenarios.read_file(args.params))
    if getattr(args, "scenario", None) and args.scenario != "all":
        if args.params and "scenario" in values and values["scenario"] != args.scenario:
            raise ParameterError(
                f"--scenario {args.scenario} disagrees with scenario: {values['scenario']} "
                f"in {args.params}"
            )
        if not args.params and args.scenario in scenarios.BUILTIN:
            values.update(scenarios.read_file(scenarios.SCENARIO_DIR / f"{args.scenario}.yaml"))
        values["scenario"] = args.scenario
    for key in ("method", "window"):
        if getattr(args, key, None) is not None:
            values[key] = getattr(args, key)
    params.validate(values, notebook="scenario_file", partial=True)
    return scenarios.from_params(values)


def cmd_project(args) -> int:
    from pxanalysis import export

    scenario = _scenario_from_args(args)
    for path in export.write(scenario, args.to):
        print(f"wrote {path}")
    return 0


def cmd_brief(args) -> int:
    from pxanalysis import brief

    return brief.main(args)


def build_parser() -> argparse.ArgumentParser:
    from pxanalysis.params import SCENARIOS

    parser = argparse.ArgumentParser(prog="pxanalysis", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("project", help="write projections and the target comparison")
    p.add_argument(
        "--scenario", choices=SCENARIOS, help="default: baseline, or the --params file's"
    )
    p.add_argument("--params", help="scenario YAML file (e.g. scenarios/custom_example.yaml)")
    p.add_argument("--method", help="projection method (default: combo)")
    p.add_argument("--window", type=int, help="last N observations (0 = method default)")
    p.add_argument("--to", required=True, help="output FILE.csv or FILE.xlsx")
    p.set_defaults(func=cmd_project)

    b = sub.add_parser("brief", help="render PDF briefs (papermill -> HTML -> chromium)")
    b.add_argument(
        "--scenario",
        default=None,
        help="a scenario name, or 'all' (default: baseline, or the --params file's)",
    )
    b.add_argument("--params", help="scenario/parameter YAML file")
    b.add_argument("--out", default="reports", help="output directory (default: reports)")
    b.add_argument("--jobs", type=int, default=1, help="worker processes (1 is fastest on 2 cores)")
    b.add_argument("--lang", choices=("zh", "en"), default=None)
    b.set_defaults(func=cmd_brief)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ParameterError as exc:
        print(f"pxanalysis: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:
        if args.command == "project":
            print(f"pxanalysis: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        raise


if __name__ == "__main__":
    sys.exit(main())
