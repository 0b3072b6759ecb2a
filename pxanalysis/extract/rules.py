"""The genre's own rules: units, qualifiers, kinds, sections and the names of main targets.

These are the conventions of Chinese government work reports (政府工作报告) as
captured in the Pingxiang gold table (``data/pingxiang/2024/README.md``):

- a figure is a number with a unit; years, dates, ranks, names in quotation
  marks, thresholds inside a definition (2000万元以上项目) and durations are not;
- 预计 governs the figures after it up to the next ``;`` or ``。``; so do
  力争, 争取 and 确保 in the work plan; 累计 only the figure right after it;
  左右, 以上, 以内 the figure right before them; 余 sits between number and unit;
- a review section's figures are actuals (or estimates under 预计) of the
  previous year; the main expected targets (主要预期目标) are targets of the
  report year; the rest of the work plan is commitments;
- 下降, 减少, 回落 make a growth figure negative.
"""

from __future__ import annotations

import re

from pxanalysis.data import report_schema

#: Units (normalised text), longest first so that 亿元 wins over 元.
UNITS = report_schema.UNITS
UNIT_ALIASES = {"万名": "万人", "个百分点": "百分点", "百分点": "百分点"}
COUNT_UNITS = {"个", "家", "项", "场", "名", "户", "人", "条", "所", "座", "辆", "台", "套", "次",
               "批", "处", "件", "张", "万户", "万人", "万人次", "万家", "万个", "万辆"}  # fmt: skip

#: Words that make the growth after them a decline.
DECLINE = ("下降", "减少", "回落", "降低")
#: Verbs of growth: a % after one of these is a growth rate.
GROWTH = ("增长", "增速", "同比增长", "提高", "增加", "上涨", "涨幅", "增", "下降", "减少", "回落",
          "降低", "年均增长")  # fmt: skip
#: Qualifiers that open a scope running to the next ``;`` or ``。``.
SCOPED = ("预计", "力争", "争取", "确保")
#: ... of which only these in the work plan (in a review, 争取 means "secured").
PLAN_ONLY = ("力争", "争取", "确保")
AFTER = ("左右", "以上", "以内", "以下")
SURPASS = ("突破", "超过")

#: Main targets: canonical id -> names (normalised text) that mean it.
CANONICAL = {
    "gdp": ("地区生产总值", "生产总值", "GDP", "经济增长", "经济总量增长"),
    "budget_revenue": (
        "一般公共预算收入",
        "地方一般公共预算收入",
        "财政一般公共预算收入",
        "一般预算收入",
    ),
    "industrial_value_added": ("规模以上工业增加值", "规上工业增加值", "工业增加值"),
    "fixed_asset_investment": ("固定资产投资", "全社会固定资产投资"),
    "industrial_investment": ("工业投资",),
    "retail_sales": ("社会消费品零售总额", "零售总额", "社零"),
    "urban_income": ("城镇居民人均可支配收入",),
    "rural_income": ("农村居民人均可支配收入",),
    "energy_intensity": ("万元GDP能耗", "单位GDP能耗", "单位地区生产总值能耗", "单位生产总值能耗"),
    "consumer_prices": (
        "居民消费价格涨幅",
        "居民消费价格总水平涨幅",
        "居民消费价格指数涨幅",
        "居民消费价格总水平",
        "居民消费价格",
    ),  # fmt: skip
    "unemployment_rate": ("城镇调查失业率",),
    "registered_unemployment_rate": ("城镇登记失业率",),
    "new_urban_jobs": ("城镇新增就业",),
    "grain_output": ("粮食产量", "粮食总产量", "粮食总产"),
    "trade": ("外贸进出口总额", "进出口总额", "外贸进出口"),
    "exports": ("出口总额",),
    "foreign_investment": ("实际利用外资", "实际使用外资", "实际利用外商直接投资"),
    "fiscal_revenue_total": ("财政总收入",),
}
#: Targets met by staying at or below them (a cap) or by a decline at least as large.
CEILING = (
    "consumer_prices",
    "unemployment_rate",
    "registered_unemployment_rate",
    "energy_intensity",
)
ENGLISH = {
    "gdp": "GDP",
    "budget_revenue": "General public budget revenue",
    "industrial_value_added": "Value added of industry above designated size",
    "fixed_asset_investment": "Fixed-asset investment",
    "industrial_investment": "Industrial investment",
    "retail_sales": "Retail sales of consumer goods",
    "urban_income": "Urban per-capita disposable income",
    "rural_income": "Rural per-capita disposable income",
    "energy_intensity": "Energy consumption per unit of GDP",
    "consumer_prices": "Consumer prices",
    "unemployment_rate": "Surveyed urban unemployment rate",
    "registered_unemployment_rate": "Registered urban unemployment rate",
    "new_urban_jobs": "New urban jobs",
    "grain_output": "Grain output",
    "trade": "Foreign trade",
    "exports": "Exports",
    "foreign_investment": "Foreign direct investment used",
    "fiscal_revenue_total": "Total fiscal revenue",
}

#: Headings and cues of the sections.
REVIEW_CUES = ("工作回顾", "过去一年", "过去五年", "成绩单", "回顾")
PLAN_CUES = ("工作安排", "工作任务", "重点工作", "总体要求", "主要任务")
TARGET_CUES = ("主要预期目标", "预期目标", "主要目标")
SUMMARY_CUES = ("主要经济指标", "摘要")


#: Names that mean a canonical indicator only when they are the whole name.
EXACT = {"经济增长": "gdp", "经济": "gdp"}


def canonical(name: str) -> str | None:
    """The canonical id of a main target's indicator name, or None."""
    if name.strip() in EXACT:
        return EXACT[name.strip()]
    best, length = None, 0
    for cid, names in CANONICAL.items():
        for n in names:
            if n in name and len(n) > length:
                best, length = cid, len(n)
    return best


def unit_of(text: str) -> tuple[str, int] | None:
    """(unit, length in the text) of the unit starting ``text``, or None."""
    for alias, unit in UNIT_ALIASES.items():
        if text.startswith(alias):
            return unit, len(alias)
    for unit in UNITS:
        if text.startswith(unit):
            return unit, len(unit)
    return None


def measure_of(unit: str, before: str, whole: bool = False) -> str:
    """growth, share, count, level, ratio or change for a figure with ``unit``.

    ``before`` is the text before the figure in its clause; its last eight
    characters hold the verb, unless ``whole`` (a 分别 list: the verb follows 分别).
    """
    if unit == "%":
        tail = before if whole else before[-8:]
        return "growth" if any(w in tail for w in GROWTH) else "share"
    if unit == "百分点":
        return "change"
    if unit == "倍":
        return "ratio"
    return "count" if unit in COUNT_UNITS else "level"


YEAR = re.compile(r"(?<!\d)(20\d{2})年")
RANGE_SEP = "-—–~～至到"
