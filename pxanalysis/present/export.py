"""Write a scenario's projections and target comparison to CSV or Excel.

Every text cell goes through :func:`pxanalysis.present.markup.cells`: a target
named ``=HYPERLINK(…)`` in a report is written ``'=HYPERLINK(…)``, text and not a
formula, in the CSV and the XLSX alike.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pxanalysis import paths
from pxanalysis.engine import backtest, comparison, judgement
from pxanalysis.engine.scenarios import Scenario
from pxanalysis.errors import ParameterError
from pxanalysis.present import labels, markup


def tables(scenario: Scenario) -> dict[str, pd.DataFrame]:
    """The tables of an export: comparison (with grades and evidence), the nine judgements,
    the GDP backtest, the parameters."""
    judged = judgement.judge_all(scenario.year, scenario.method, scenario.window, scenario.as_of)
    projections = pd.DataFrame([p.row() for p in judged])
    bt = backtest.summary(backtest.backtest("gdp", as_of=scenario.as_of)).reset_index()
    parameters = pd.DataFrame(
        [{"parameter": k, "value": str(v)} for k, v in scenario.as_params().items()]
    )
    return {
        "comparison": comparison.compare_targets(scenario),
        "projections": projections,
        "backtest_gdp": bt,
        "parameters": parameters,
    }


SHEETS_ZH = {
    "comparison": "目标对比",
    "projections": "预测",
    "backtest_gdp": "GDP回测",
    "parameters": "参数",
}


def check_target(path: Path) -> Path:
    """Check that an export can be written at ``path`` (before anything is computed).

    Missing folders are created when writing; the nearest existing one must be a folder.

    Raises
    ------
    ParameterError
        If ``path`` is a folder, or lies under a file.
    """
    path = Path(path)
    if path.is_dir():
        raise ParameterError(f"--to {path} is a folder; give a file name ending in .csv or .xlsx")
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise ParameterError(
            f"--to {path}: {parent} is a file, not a folder; choose another place for the export"
        )
    return path


def write(scenario: Scenario, path: str | Path) -> list[Path]:
    """Write the export.

    Parameters
    ----------
    scenario : Scenario
    path : str or pathlib.Path
        ``*.xlsx``: one sheet per table with Chinese headers. ``*.csv``: the
        comparison in ``path`` and each other table beside it
        (``<stem>_projections.csv`` …), UTF-8 with BOM so Excel reads Chinese.

    Returns
    -------
    list of pathlib.Path
        The files written (each written atomically, with the umask's mode).

    Raises
    ------
    ParameterError
        For an unsupported suffix, or a ``path`` that is a folder or lies under a file.
    """
    path = Path(path)
    if path.suffix not in (".csv", ".xlsx"):
        raise ParameterError(f"unsupported export format {path.suffix!r}; use .csv or .xlsx")
    check_target(path)
    frames = {name: markup.cells(frame) for name, frame in tables(scenario).items()}
    if path.suffix == ".xlsx":

        def write_xlsx(tmp: Path) -> None:
            with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
                for name, frame in frames.items():
                    markup.cells(labels.zh_columns(frame)).to_excel(
                        xl, sheet_name=SHEETS_ZH[name], index=False
                    )

        paths.atomic_write(path, write_xlsx)
        return [path]
    written = []
    for name, frame in frames.items():
        target = path if name == "comparison" else path.with_name(f"{path.stem}_{name}.csv")
        paths.atomic_write(
            target, lambda tmp, f=frame: f.to_csv(tmp, index=False, encoding="utf-8-sig")
        )
        written.append(target)
    return written
