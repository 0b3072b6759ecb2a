"""The ``pxanalysis brief`` sub-command (the renderer lives in :mod:`pxanalysis.brief`)."""

from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("brief", help="render PDF briefs (papermill -> HTML -> chromium)")
    p.add_argument(
        "--scenario",
        default=None,
        help="a scenario name, or 'all' (default: baseline, or the --params file's)",
    )
    p.add_argument("--params", help="scenario/parameter YAML file")
    p.add_argument("--out", default="reports", help="output directory (default: reports)")
    p.add_argument("--jobs", type=int, default=1, help="parallel workers")
    p.add_argument("--lang", choices=("zh", "en"), default=None)
    p.set_defaults(func=_run)


def _run(args) -> int:
    from pxanalysis import brief

    return brief.main(args)
