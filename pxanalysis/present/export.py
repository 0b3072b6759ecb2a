"""Write a scenario's projections and target comparison to CSV or Excel.

The workbook is for readers: headers, a units row under them, and values in the
chosen language (``zh``: 不低于目标, 证据锚定, 自定义情景 under Chinese headers;
``en``: the same in English), each numeric column with its number format (growth
rates ``0.0``, probabilities and coverages as percentages, counts ``0``). The
CSV files are for programs: column ids and the engine's ids as values.

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
SHEETS_EN = {
    "comparison": "Comparison",
    "projections": "Projections",
    "backtest_gdp": "GDP backtest",
    "parameters": "Parameters",
}

_GROWTH = ("%", "%", "0.0")
_PP = ("百分点", "pp", "0.0")
_PROBABILITY = ("概率", "probability", "0%")
_SHARE = ("比例", "share", "0%")
_ERROR = ("百分点", "pp", "0.00")
#: Per numeric column id: its unit (zh, en) for the units row and its Excel number format.
NUMBER_COLUMNS = {
    **dict.fromkeys(
        ["target", "value_review", "median", "lo80", "hi80", "lo95", "hi95", "scenario_value",
         "ytd_growth", "median_january", "parent_target", "point"], _GROWTH,
    ),
    **dict.fromkeys(["sd", "gap_pp", "minus_parent", "p_change_per_pp"], _PP),
    **dict.fromkeys(["p_meet", "p_meet_about", "p_meet_january"], _PROBABILITY),
    **dict.fromkeys(["coverage80", "coverage95"], _SHARE),
    **dict.fromkeys(["mae", "rmse", "bias", "width80", "diff_abs_error", "diff_se"], _ERROR),
    **dict.fromkeys(["n_obs", "n", "n_calibrated", "n_common"], ("个", "count", "0")),
    "rel_mae_vs_mean": ("倍", "ratio", "0.00"),
    "ytd_month": ("月", "months", "0"),
    "horizon": ("年", "years", "0"),
    **dict.fromkeys(["year", "last_obs_year"], ("", "", "0")),
    "implied_level": ("见总量单位", "see level unit", "#,##0.0"),
}  # fmt: skip
#: Text columns that are English prose of the engine: marked so under a Chinese header.
ENGLISH_PROSE = ("interval_source", "note")
#: Parameter ids' names (the parameters sheet), where labels has none.
_PARAMETERS = {
    "scenario": ("情景", "Scenario"),
    "method": ("方法", "Method"),
    "window": ("窗口", "Window"),
    "quantile_low": ("悲观分位数", "Pessimistic quantile"),
    "quantile_high": ("乐观分位数", "Optimistic quantile"),
    "region": ("地区", "Region"),
    "year": ("年份", "Year"),
    "as_of": ("信息截至", "Information as of"),
    "assumptions": ("增速假设", "Growth assumptions"),
    "ytd": ("年内累计数据", "Year-to-date releases"),
    "lang": ("语言", "Language"),
}


def _known(convert, value, lang: str):
    """``convert(value, lang)`` for an id it knows; anything else (a report's text) as it is."""
    try:
        return convert(value, lang)
    except (KeyError, ParameterError):
        return value


def _evidence_words(text, lang: str):
    """The evidence column: in Chinese, each anchor's kind and value (``本市序列 2.0; …``)."""
    if lang == "en" or not isinstance(text, str) or not text:
        return text
    parts = []
    for piece in text.split(" | "):
        kind, _, rest = piece.partition(" ")
        value = rest.split(":", 1)[0]
        if kind not in labels.EVIDENCE_KINDS:
            return text
        parts.append(f"{labels.evidence_kind(kind, 'zh')} {value}")
    return "; ".join(parts)


def localise(name: str, frame: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """A table's ids turned into a reader's words in ``lang`` (columns keep their ids).

    Parameters
    ----------
    name : str
        The table (a key of :data:`SHEETS_ZH`).
    frame : pandas.DataFrame
    lang : {'zh', 'en'}

    Returns
    -------
    pandas.DataFrame
        A copy: indicators by name, directions, kinds, methods, scenarios, value
        sources, evidence kinds and flags in words; numbers unchanged; any value
        that is not a known id (a report's text) as it is.
    """
    labels.check_lang(lang)
    out = frame.copy()
    words = {
        "direction": labels.direction,
        "kind_review": labels.kind,
        "last_obs_kind": labels.kind,
        "method": labels.method,
        "scenario": labels.scenario,
        "value_source": labels.value_source,
        "what_changes": labels.evidence_kind,
        "flag": labels.flag,
    }
    for column, convert in words.items():
        if column in out.columns and not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = [v if pd.isna(v) else _known(convert, v, lang) for v in out[column]]
    if "indicator" in out.columns:
        ids = out["indicator_id"] if "indicator_id" in out.columns else out["indicator"]
        out["indicator"] = [
            _known(labels.indicator, i, lang) if isinstance(i, str) else v
            for i, v in zip(ids, out["indicator"], strict=True)
        ]
    if "evidence" in out.columns:
        out["evidence"] = [_evidence_words(v, lang) for v in out["evidence"]]
    if name == "parameters" and {"parameter", "value"} <= set(out.columns):
        convert = {"scenario": labels.scenario, "method": labels.method}
        out["value"] = [
            _known(convert[p], v, lang) if p in convert else v
            for p, v in zip(out["parameter"], out["value"], strict=True)
        ]
        out["parameter"] = [
            _PARAMETERS[p][lang == "en"] if p in _PARAMETERS else p for p in out["parameter"]
        ]
    return out


def _headers(frame: pd.DataFrame, lang: str) -> list[str]:
    """The sheet's headers: the ids' names in ``lang``; English prose marked in Chinese."""
    named = list(labels.columns(frame, lang).columns)
    if lang == "zh":
        named = [h + "(英文)" if c in ENGLISH_PROSE else h
                 for c, h in zip(frame.columns, named, strict=True)]  # fmt: skip
    return named


def _write_sheet(xl: pd.ExcelWriter, sheet_name: str, frame: pd.DataFrame, lang: str) -> None:
    """One sheet: headers, the units row, the values with their number formats."""
    from openpyxl.styles import Font

    i = labels.LANGS.index(lang)
    headers = [markup.cell(h) for h in _headers(frame, lang)]
    units = [NUMBER_COLUMNS.get(c, ("", "", None))[i] for c in frame.columns]
    markup.cells(frame).to_excel(xl, sheet_name=sheet_name, index=False, header=False, startrow=2)
    sheet = xl.sheets[sheet_name]
    for j, (header, unit) in enumerate(zip(headers, units, strict=True), start=1):
        sheet.cell(row=1, column=j, value=header).font = Font(bold=True)
        sheet.cell(row=2, column=j, value=unit or None).font = Font(italic=True, color="666666")
    for j, column in enumerate(frame.columns, start=1):
        number_format = NUMBER_COLUMNS.get(column, (None, None, None))[2]
        if number_format and pd.api.types.is_numeric_dtype(frame[column]):
            for row in range(3, len(frame) + 3):
                sheet.cell(row=row, column=j).number_format = number_format
    sheet.freeze_panes = "A3"


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


def write(scenario: Scenario, path: str | Path, lang: str = "zh") -> list[Path]:
    """Write the export.

    Parameters
    ----------
    scenario : Scenario
    path : str or pathlib.Path
        ``*.xlsx``: one sheet per table, headers and a units row in ``lang``, values
        in words and numbers with formats (:func:`localise`, :data:`NUMBER_COLUMNS`).
        ``*.csv``: the comparison in ``path`` and each other table beside it
        (``<stem>_projections.csv`` …), column ids and the engine's ids as values,
        UTF-8 with BOM so Excel reads Chinese.
    lang : {'zh', 'en'}
        The workbook's language (the CSV files have none).

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
    lang = labels.check_lang(lang)
    if path.suffix == ".xlsx":
        names = SHEETS_ZH if lang == "zh" else SHEETS_EN
        sheets = {name: localise(name, frame, lang) for name, frame in tables(scenario).items()}

        def write_xlsx(tmp: Path) -> None:
            with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
                for name, frame in sheets.items():
                    _write_sheet(xl, names[name], frame, lang)

        paths.atomic_write(path, write_xlsx)
        return [path]
    frames = {name: markup.cells(frame) for name, frame in tables(scenario).items()}
    written = []
    for name, frame in frames.items():
        target = path if name == "comparison" else path.with_name(f"{path.stem}_{name}.csv")
        paths.atomic_write(
            target, lambda tmp, f=frame: f.to_csv(tmp, index=False, encoding="utf-8-sig")
        )
        written.append(target)
    return written
