"""Every region judged at once: one summary table (region x target) as CSV and a one-page PDF.

``pxanalysis brief --region all --year 2026`` renders one brief per region with a
report of that year, then this league table: for every region and each of its
main targets, the median, the 80 % band, P(meet) and the evidence grade, computed
by the same engine the briefs use (the baseline scenario, as of each report's
date). The CSV is long (one row per region and target); the PDF shows the
regions as rows and the most common targets as columns, GDP first.

Both are published like a brief: written beside, checked, then moved into place
(``<out>/league-<year>/league.{csv,html,pdf}``).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from html import escape
from pathlib import Path

import pandas as pd

from pxanalysis import paths
from pxanalysis.briefs import fonts
from pxanalysis.briefs.render import CONTENT_SECURITY_POLICY, css
from pxanalysis.data import regions, registry, reports
from pxanalysis.present import labels

#: Columns of the league CSV.
COLUMNS = [
    "region", "region_name", "level", "parent", "year", "as_of", "indicator_id", "indicator",
    "target", "direction", "qualifier", "median", "lo80", "hi80", "p_meet", "grade", "flag",
]  # fmt: skip
#: How many target columns the one-page table shows (the most common targets, GDP first).
PAGE_TARGETS = 7
#: Level order of the rows (then by name).
_LEVEL_ORDER = {level: i for i, level in enumerate(regions.LEVELS)}


def league_frame(report_list: list[reports.Report], method: str = "auto") -> pd.DataFrame:
    """Every region's main targets judged (baseline, as of each report's date).

    Parameters
    ----------
    report_list : list of Report
        The reports to judge.
    method : str
        The projection method (``auto``: the rule's choice).

    Returns
    -------
    pandas.DataFrame
        One row per region and target: see :data:`COLUMNS`.
    """
    from pxanalysis.engine import comparison, scenarios

    rows = []
    for report in report_list:
        with reports.using(report.region, report.year):
            scenario = scenarios.Scenario(name="baseline", method=method)
            compared = comparison.compare_targets(scenario)
            targets = reports_targets()
            for r in compared.itertuples():
                rows.append(
                    {
                        "region": report.region,
                        "region_name": report.region_name,
                        "level": report.level,
                        "parent": report.parent or "",
                        "year": report.year,
                        "as_of": scenario.as_of,
                        "indicator_id": r.indicator_id,
                        "indicator": labels.indicator(r.indicator_id),
                        "target": r.target,
                        "direction": r.direction,
                        "qualifier": targets.get(r.indicator_id, ""),
                        "median": r.median,
                        "lo80": r.lo80,
                        "hi80": r.hi80,
                        "p_meet": r.p_meet,
                        "grade": r.grade,
                        "flag": r.flag,
                    }
                )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    order = frame["level"].map(_LEVEL_ORDER).fillna(len(_LEVEL_ORDER))
    return (
        frame.assign(_order=order)
        .sort_values(["_order", "region"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def reports_targets() -> dict[str, str]:
    """The current report's targets' qualifiers (左右, 以上 …), by target id."""
    from pxanalysis import data

    t = data.targets()
    return {i: (q if isinstance(q, str) else "") for i, q in t["qualifier"].items()}


def page_columns(frame: pd.DataFrame) -> list[str]:
    """The targets the one-page table shows: GDP, then the most common others."""
    counts = (
        frame.groupby("indicator_id")["region"]
        .nunique()
        .sort_values(ascending=False, kind="stable")
    )
    ids = [i for i in counts.index if i != "gdp"]
    return (["gdp"] if "gdp" in counts.index else []) + ids[: PAGE_TARGETS - 1]


def target_text(value: float, qualifier: str) -> str:
    """A target as the report writes it: 5左右, 5以上, a range 4.5–5 (escaped for HTML)."""
    parts = [q for q in (qualifier or "").split(";") if q]
    ranged = next((q for q in parts if q.startswith("区间:")), None)
    if ranged:
        low, high = ranged.removeprefix("区间:").split("-")
        return escape(f"{low}–{high}")
    words = "".join(q for q in parts if q in ("左右", "以上", "以内", "以下"))
    return escape(f"{value:g}{words}")


def _cell(row) -> str:
    if pd.isna(row.p_meet):
        return "—"
    return f"{row.p_meet:.0%}<span class=g>{escape(str(row.grade))}</span>"


def league_html(frame: pd.DataFrame, year: int, lang: str = "zh") -> str:
    """The one-page league table (landscape A4) as self-contained HTML."""
    zh = lang == "zh"
    columns = page_columns(frame)
    names = {i: escape(labels.indicator(i, lang) if registry.get(i) else i) for i in columns}
    head = "".join(f"<th>{names[i]}</th>" for i in columns)
    gdp_head = ("GDP目标", "GDP中位数") if zh else ("GDP target", "GDP median")
    lines = []
    for (_region, name), rows in frame.groupby(["region", "region_name"], sort=False):
        by_id = {r.indicator_id: r for r in rows.itertuples()}
        gdp = by_id.get("gdp")
        target = target_text(gdp.target, gdp.qualifier) if gdp is not None else ""
        median = f"{gdp.median:.1f}" if gdp is not None and pd.notna(gdp.median) else ""
        cells = "".join(f"<td>{_cell(by_id[i]) if i in by_id else ''}</td>" for i in columns)
        lines.append(
            f"<tr><td>{escape(str(name))}</td><td>{target}</td><td>{median}</td>{cells}</tr>"
        )
    title = (
        f"{year}年主要预期目标达标概率一览(基准情景)"
        if zh
        else f"{year} targets: P(meet) by region (baseline)"
    )
    note = (
        "单元格:达标概率与证据等级(A:本地区年度序列≥8个观测;B:4-7个;C:证据锚定;—:未作判断)。"
        f"每个地区按其报告日期的已知信息判断;共{frame['region'].nunique()}个地区。"
        f"生成于{dt.date.today().isoformat()}。"
        if zh
        else "Cells: P(meet) and evidence grade (A: >= 8 own annual observations; B: 4-7; "
        "C: anchored on the evidence; —: not judged). Each region as known on its report's "
        f"date; {frame['region'].nunique()} regions. Generated {dt.date.today().isoformat()}."
    )
    region_head = "地区" if zh else "Region"
    body = (
        f"<h1>{escape(title)}</h1><table class=league><tr><th>{region_head}</th>"
        f"<th>{gdp_head[0]}</th><th>{gdp_head[1]}</th>{head}</tr>{''.join(lines)}</table>"
        f"<p class=note>{escape(note)}</p>"
    )
    style = (
        "@page { size: A4 landscape; margin: 10mm; } table.league { width: 100%; font-size: 7.5pt; }"
        " table.league td, table.league th { padding: 1pt 3pt; } .g { color: #777; font-size: 6pt;"
        " margin-left: 2pt; } p.note { font-size: 7.5pt; }"
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
        f"<title>{escape(title)}</title><style>{fonts.font_face(title + body)}\n{css()}\n{style}"
        f"</style></head>\n<body>\n{body}\n</body></html>\n"
    )


def publish_league(frame: pd.DataFrame, year: int, out: Path, printer, lang: str = "zh") -> Path:
    """Write ``league.csv``, ``league.html`` and ``league.pdf`` into ``<out>/league-<year>/``.

    Written into a temporary folder beside it and moved into place in one step: a
    failure (chromium, a full disk) leaves the previous league table as it was.
    """
    target = Path(out) / f"league-{year}"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".league-{year}-"))
    try:
        frame.to_csv(tmp / "league.csv", index=False, encoding="utf-8-sig")
        (tmp / "league.html").write_text(league_html(frame, year, lang), encoding="utf-8")
        printer.print_pdf(tmp / "league.html", tmp / "league.pdf")
        fonts.check_pdf(tmp / "league.pdf")
        for f in tmp.iterdir():
            f.chmod(paths.umask_mode())
        tmp.chmod(paths.umask_mode(0o777))
        old = None
        if target.exists():
            old = target.parent / f".league-{year}.old"
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
        tmp.rename(target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target
