"""The schema of a report as data: one package per region and year, ``data/<region>/<year>/``.

Every government work report the project reads, hand-made (Pingxiang 2024) or
drafted by ``pxanalysis extract``, is a Frictionless data package of the same
shape:

- ``datapackage.json``: the descriptor, with a ``report`` property (region id and
  Chinese name, year, date, title, source address and publication date);
- the text, verbatim (``report_text``);
- ``figures.csv``: one row per figure with its verbatim quote (at least one);
- ``targets.csv``: the main expected targets (主要预期目标), canonical ids where
  the indicator is a common one, else the Chinese name;
- ``workplan.csv``: the areas of work and their items;
- optionally ``non_figures.yaml``: the numbers of the text that are not figures.

This module is the single source of the field definitions (the committed
descriptors are checked against it by the tests) and validates a package:
rows, cross-references, every quote being a verbatim substring of the text, at
least one target, and each target's figure within its plausibility bounds
(:mod:`pxanalysis.data.bounds`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import unicodedata
from pathlib import Path

from pxanalysis.data import registry
from pxanalysis.data.bounds import plausible
from pxanalysis.data.schema import read_text, validate_rows
from pxanalysis.errors import DataValidationError, ParameterError
from pxanalysis.vocab import FIGURE_KINDS, LAST_YEAR, REGION_PATTERN
from pxanalysis.vocab import FIRST_REPORT_YEAR as FIRST_YEAR

#: Units of amounts that 万, 亿 and 万亿 scale (万公里, 亿千瓦, 万亿元).
SCALABLE_UNITS = (
    "元", "美元", "人", "人次", "户", "家", "个", "辆", "套", "间", "台", "件", "张", "亩", "吨",
    "斤", "公里", "千瓦", "千瓦时", "标箱", "平方米", "平方公里", "立方米", "吨标准煤", "公斤",
    "家庭", "册", "头", "株", "只", "场",
)  # fmt: skip
#: Units that are never scaled (rates, multiples, counts of events, concentrations).
PLAIN_UNITS = (
    "微克/立方米", "万吨/年", "百分点", "%", "‰", "个", "家", "项", "场", "名", "户", "人", "条",
    "所", "座", "亩", "吨", "倍", "辆", "台", "套", "次", "批次", "批", "处", "件次", "件", "张",
    "年", "工作日", "天", "成", "千米", "类", "起", "例", "届", "颗", "架", "艘", "兆元",
)  # fmt: skip
#: Units a figure may carry, longest first (so that 亿元 is read before 元).
UNITS = tuple(
    sorted(
        {*PLAIN_UNITS, *SCALABLE_UNITS,
         *(p + u for p in ("万", "亿", "万亿") for u in SCALABLE_UNITS)},
        key=lambda u: (-len(u), u),
    )
)  # fmt: skip
#: Qualifiers of a figure (always written in simplified characters).
QUALIFIER_WORDS = (
    "预计",
    "力争",
    "争取",
    "确保",
    "累计",
    "左右",
    "以上",
    "以内",
    "以下",
    "余",
    "多",
    "超",
)
_QUALIFIER = "(?:" + "|".join(QUALIFIER_WORDS) + r"|1至\d{1,2}月|区间:\d+(?:\.\d+)?-\d+(?:\.\d+)?)"
QUALIFIER_PATTERN = f"{_QUALIFIER}(?:;{_QUALIFIER})*"
MEASURES = ("growth", "level", "count", "share", "change", "ratio")
MONTHS = ("feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov")
PERIODS = ("full_year", *(f"jan_{m}" for m in MONTHS))
TARGET_ID_PATTERN = r"[a-z0-9_]+|[^\s,;]{1,40}"


def _string(name, required=False, **constraints):
    cons = {"required": True} if required else {}
    cons.update(constraints)
    field = {"name": name, "type": "string", "description": ""}
    if cons:
        field["constraints"] = cons
    return field


def _field(name, kind, required=False, **constraints):
    field = _string(name, required, **constraints)
    field["type"] = kind
    return field


FIELDS = {
    "figures": [
        _string("figure_id", True, unique=True, pattern=r"(r|t|c)\d{2}_[a-z0-9_]+"),
        _string("section", True),
        _string("item_id", pattern=r"\d{1,3}\.\d{1,3}"),
        _string("indicator", True),
        _string("indicator_en"),
        _field("year", "integer", True, minimum=FIRST_YEAR, maximum=LAST_YEAR),
        _string("kind", True, enum=list(FIGURE_KINDS)),
        _string("measure", True, enum=list(MEASURES)),
        _field("value", "number", True),
        _string("value_text", True, pattern=r"\d{1,3}(,\d{3})+(\.\d+)?|\d+(\.\d+)?"),
        _string("unit", True, enum=list(UNITS)),
        _string("qualifier", pattern=QUALIFIER_PATTERN),
        _string("period", True, enum=list(PERIODS)),
        _string("quote", True),
        _string("note"),
        _field("confidence", "number", minimum=0, maximum=1),
    ],
    "targets": [
        _string("target_id", True, unique=True, pattern=TARGET_ID_PATTERN),
        _string("figure_id", True, unique=True, pattern=r"t\d{2}_[a-z0-9_]+"),
        _string("direction", True, enum=["increase", "decrease"]),
        _string("counterpart_figure_id", pattern=r"r\d{2}_[a-z0-9_]+"),
        _string("history_series", pattern=r"[a-z][a-z0-9_]{1,39}"),
        _field("order", "integer", True, unique=True, minimum=1),
        _string("level_figure_id", pattern=r"t\d{2}_[a-z0-9_]+"),
    ],
    "workplan": [
        _string("item_id", True, unique=True, pattern=r"\d{1,3}\.\d{1,3}"),
        _field("area_id", "integer", True, minimum=1),
        _string("area", True),
        _string("area_en"),
        _string("item", True),
        _string("item_en"),
        _field("heading_in_body", "boolean", True),
        _field("in_outline", "boolean", True),
        _string("anchor", True),
        _string("note"),
    ],
}
DESCRIPTIONS = {
    "figures": "One row per figure: the review year's outcomes (actual) and estimates (预计), "
    "the main targets (target) and the other quantified commitments (commitment); every row "
    "with its verbatim quote.",
    "targets": "The main expected targets (主要预期目标), canonical ids where the indicator is "
    "a common one; values live in figures.csv.",
    "workplan": "The areas of work and their items.",
}
#: Keys of the ``report`` property of a report package.
REPORT_KEYS = ("region", "region_name", "year", "date", "title", "source", "published")


def check_region(region: str) -> str:
    """``region`` if it is a valid region id (lower-case ASCII), else ParameterError."""
    if not isinstance(region, str) or not re.fullmatch(REGION_PATTERN, region):
        raise ParameterError(
            f"region {region!r} is not a region id: use lower-case ASCII letters, digits "
            "and _ (e.g. pingxiang, yichun)"
        )
    return region


def check_year(year) -> int:
    """``year`` as an int if it is a plausible report year, else ParameterError."""
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ParameterError(f"year {year!r} must be a year between {FIRST_YEAR} and {LAST_YEAR}")
    return year


DESCRIBED = {
    (
        "figures",
        "figure_id",
    ): "Stable id: r<yy>_ (review year: actual or estimate), t<yy>_ (main target), c<yy>_ (commitment), yy the figure's year",
    ("figures", "section"): "The report's heading path, ' > '-separated",
    (
        "figures",
        "item_id",
    ): "Work-plan item (workplan.csv) for commitments, e.g. 1.1; empty otherwise",
    ("figures", "indicator"): "Indicator name in Chinese (simplified), as in the text",
    ("figures", "indicator_en"): "English name (empty in a draft until reviewed)",
    ("figures", "year"): "Year the figure refers to",
    (
        "figures",
        "kind",
    ): "actual (reported outcome), estimate (预计, a preliminary estimate), target (main expected target), commitment (another quantified pledge)",
    (
        "figures",
        "measure",
    ): "growth (% change on a year earlier), level (amount), count, share (% of a total), change (百分点), ratio (倍)",
    (
        "figures",
        "value",
    ): "The figure; a decline written 下降3.4% is -3.4; a range keeps its lower bound",
    (
        "figures",
        "value_text",
    ): "The number exactly as written in the quote (without sign words; thousands separators kept; a Chinese numeral is converted)",
    ("figures", "unit"): "Unit (万名 normalised to 万人; traditional characters to simplified)",
    (
        "figures",
        "qualifier",
    ): "';'-separated qualifiers: 预计, 力争, 争取, 确保, 累计, 左右, 以上, 以内, 以下, 余, 多, 超 (突破/超过), 1至N月, 区间:a-b",
    ("figures", "period"): "full_year, or jan_<month> for a year-to-date figure (1至11月: jan_nov)",
    ("figures", "quote"): "Verbatim fragment of the report's text containing the figure",
    ("figures", "note"): "How the row was read, where it needed a decision",
    (
        "figures",
        "confidence",
    ): "The extractor's confidence in a drafted row (0-1); empty for a hand-made row",
    (
        "targets",
        "target_id",
    ): "Canonical id (gdp, consumer_prices, …) where the indicator is a common one, else its Chinese name",
    ("targets", "figure_id"): "The target's row in figures.csv",
    (
        "targets",
        "direction",
    ): "increase: met when growth >= target; decrease: met when the outcome <= target (a decline at least as large, or a cap)",
    (
        "targets",
        "counterpart_figure_id",
    ): "The review year's figure for the same indicator in figures.csv, where the report gives one",
    (
        "targets",
        "history_series",
    ): "Indicator id of the registry (data/registry/indicators.yaml) whose history the target uses; empty where none",
    ("targets", "order"): "Order in the report",
    (
        "targets",
        "level_figure_id",
    ): "The same target stated as a level (地区生产总值增长5.5%、达到1250亿元: the 1250), in figures.csv",
    ("workplan", "item_id"): "area.item",
    ("workplan", "area_id"): "Area number",
    ("workplan", "area"): "Area heading",
    ("workplan", "area_en"): "English summary of the area (empty in a draft)",
    ("workplan", "item"): "Sub-item heading",
    ("workplan", "item_en"): "English (empty in a draft)",
    (
        "workplan",
        "heading_in_body",
    ): "False where the heading was lost at a page break and recovered from the outline",
    ("workplan", "in_outline"): "Whether an outline in the source lists the item",
    ("workplan", "anchor"): "Verbatim text where the item's paragraph starts in the source",
    ("workplan", "note"): "Artefacts affecting the item",
}
for _table, _fields in FIELDS.items():
    for _f in _fields:
        _f["description"] = DESCRIBED[(_table, _f["name"])]


def schema(name: str) -> dict:
    """The Table Schema of ``figures``, ``targets`` or ``workplan`` (a fresh copy)."""
    fields = json.loads(json.dumps(FIELDS[name]))
    out = {"fields": fields, "missingValues": [""]}
    out["primaryKey"] = [fields[0]["name"]]
    return out


def package(report: dict, text_path: str = "report.txt", non_figures: bool = False) -> dict:
    """The descriptor of a report package.

    Parameters
    ----------
    report : dict
        The ``report`` property: ``region``, ``region_name``, ``year``, ``date``
        (the information date of the report, YYYY-MM-DD), ``title``, ``source``
        (where the text was taken from), ``published``.
    text_path : str
        The text file, relative to the package.
    non_figures : bool
        Whether the package lists its non-figures (``non_figures.yaml``).
    """
    missing = [k for k in REPORT_KEYS if k not in report]
    if missing:
        raise ParameterError(f"the report property lacks {missing}")
    region, year = check_region(report["region"]), check_year(report["year"])
    resources = [
        {
            "name": "report_text",
            "path": text_path,
            "type": "text",
            "format": "txt",
            "mediatype": "text/plain",
            "encoding": "utf-8",
            "description": "The report's text, verbatim.",
        }
    ]
    for name in ("figures", "targets", "workplan"):
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "format": "csv",
                "encoding": "utf-8",
                "description": DESCRIPTIONS[name],
                "schema": schema(name),
            }
        )
    if non_figures:
        resources.append(
            {
                "name": "non_figures",
                "path": "non_figures.yaml",
                "type": "file",
                "format": "yaml",
                "mediatype": "application/yaml",
                "encoding": "utf-8",
                "description": "The numbers of the text that are not figures, with context.",
            }
        )
    return {
        "name": f"{region.replace('_', '-')}-{year}-report",
        "title": report["title"],
        "report": {k: report[k] for k in REPORT_KEYS},
        "resources": resources,
    }


def write_csv(path: Path, name: str, rows: list[dict]) -> None:
    """Write ``rows`` as the table ``name`` (columns in schema order)."""
    names = [f["name"] for f in FIELDS[name]]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([_cell(row.get(n)) for n in names])
    Path(path).write_text(buffer.getvalue(), encoding="utf-8")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}" if value == value else ""
    return str(value)


def read_descriptor(directory: Path) -> dict:
    """The parsed ``datapackage.json`` of a report package, with its ``report`` checked."""
    path = Path(directory) / "datapackage.json"
    if not path.is_file():
        raise DataValidationError(path, None, None, "not found: no report package here")
    try:
        descriptor = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise DataValidationError(
            path, None, None, f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    report = descriptor.get("report") if isinstance(descriptor, dict) else None
    if not isinstance(report, dict):
        raise DataValidationError(path, None, "report", "no 'report' property (region, year, …)")
    for key in REPORT_KEYS:
        if key not in report:
            raise DataValidationError(path, None, f"report.{key}", "missing")
    try:
        check_region(report["region"])
        check_year(report["year"])
        dt.date.fromisoformat(str(report["date"]))
    except (ParameterError, ValueError) as exc:
        raise DataValidationError(path, None, "report", str(exc)) from None
    if not isinstance(descriptor.get("resources"), list):
        raise DataValidationError(path, None, "resources", "missing or not a list")
    return descriptor


def resource(descriptor: dict, name: str, directory: Path) -> dict:
    """The resource ``name`` of a report package descriptor."""
    for item in descriptor["resources"]:
        if isinstance(item, dict) and item.get("name") == name:
            if not isinstance(item.get("path"), str):
                raise DataValidationError(
                    Path(directory) / "datapackage.json", None, f"{name}.path", "missing"
                )
            return item
    raise DataValidationError(
        Path(directory) / "datapackage.json", None, "resources", f"no resource named {name!r}"
    )


def validate(directory: Path) -> dict:
    """Validate a report package: rows, cross-references, verbatim quotes.

    Returns
    -------
    dict
        ``{'figures': rows, 'targets': rows, 'workplan': rows, 'text': str,
        'report': dict}``.

    Raises
    ------
    DataValidationError
        On the first problem, naming the file, row and field.
    """
    directory = Path(directory)
    descriptor = read_descriptor(directory)
    text = read_text(directory / resource(descriptor, "report_text", directory)["path"])
    tables, files = {}, {}
    for name in FIELDS:
        # the library's schema, always (as the loaders read the tables; the tests keep
        # the committed descriptors' copies equal to it)
        files[name] = directory / resource(descriptor, name, directory)["path"]
        tables[name] = validate_rows(files[name], schema(name))
    figures_path, targets_path = files["figures"], files["targets"]
    for name in ("figures", "targets"):
        if not tables[name]:
            raise DataValidationError(
                files[name], None, None,
                f"no {name}: a report package holds at least one main target and its figure "
                "(an empty draft is not a report; check the text given to `pxanalysis extract`)",
            )  # fmt: skip
    for number, row in enumerate(tables["figures"], start=1):
        if row["quote"] not in text:
            raise DataValidationError(figures_path, number, "quote", "not verbatim in the text")
        quote = unicodedata.normalize("NFKC", row["quote"])
        if row["value_text"] not in quote and not _numeral_quote(row):
            raise DataValidationError(figures_path, number, "value_text", "not in the quote")
    ids = {r["figure_id"]: r for r in tables["figures"]}
    for number, row in enumerate(tables["targets"], start=1):
        target = ids.get(row["figure_id"])
        if target is None or target["kind"] != "target":
            raise DataValidationError(
                targets_path, number, "figure_id", f"{row['figure_id']} is not a target figure"
            )
        series = row.get("history_series")
        if series and registry.get(series) is None:
            raise DataValidationError(
                targets_path, number, "history_series",
                f"{series!r} is not an indicator of the registry ({registry.path()})",
            )  # fmt: skip
        level = row.get("level_figure_id")
        if level and (level not in ids or ids[level]["kind"] != "target"):
            raise DataValidationError(
                targets_path, number, "level_figure_id", f"{level} is not a target figure"
            )
        problem = plausible(row.get("history_series") or row["target_id"], target["measure"],
                            target["value"])  # fmt: skip
        if problem:
            raise DataValidationError(targets_path, number, "target_id", f"its figure: {problem}")
        counterpart = row.get("counterpart_figure_id")
        if counterpart and counterpart not in ids:
            raise DataValidationError(
                targets_path, number, "counterpart_figure_id", f"{counterpart} not in figures"
            )
    items = {r["item_id"] for r in tables["workplan"]}
    for number, row in enumerate(tables["figures"], start=1):
        if row.get("item_id") and row["item_id"] not in items:
            raise DataValidationError(
                figures_path, number, "item_id", f"{row['item_id']} not in workplan.csv"
            )
    return tables | {"text": text, "report": descriptor["report"]}


def _numeral_quote(row: dict) -> bool:
    """Whether the quote writes the value in Chinese numerals (八十 for 80)."""
    return bool(re.search(r"[一二两三四五六七八九十百千万亿]", row["quote"]))
