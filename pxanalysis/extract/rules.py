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

from pxanalysis.data import registry, report_schema

#: Units (normalised text), longest first so that 亿元 wins over 元.
UNITS = report_schema.UNITS
UNIT_ALIASES = {"万名": "万人", "个百分点": "百分点", "百分点": "百分点", "个工作日": "工作日",
                "个月": None, "多个": None}  # fmt: skip
#: People written after 万 or 亿 (1000多万失业人员, 近1亿农村贫困人口): counted in 万人 / 亿人.
PEOPLE = re.compile(
    r"(?:[\u4e00-\u9fff]{0,6}?)(人口|人员|学生|群众|农民工|农民|职工|居民|老人|儿童|"
    r"劳动力|毕业生|贫困人口|患者|游客|旅客)"
)
COUNT_UNITS = {"个", "家", "项", "场", "名", "户", "人", "条", "所", "座", "辆", "台", "套", "次",
               "批", "处", "件", "张", "万户", "万人", "万人次", "万家", "万个", "万辆", "批次", "起",
               "例", "届", "颗", "架", "艘", "类", "件次", "人次"}  # fmt: skip

#: Words that make the growth (or percentage-point change) after them a decline.
DECLINE = ("下降", "减少", "回落", "降低", "压减", "缩减", "削减")
#: Verbs of growth: a % after one of these is a growth rate.
GROWTH = ("增长", "增速", "同比增长", "成长", "提高", "增加", "上涨", "涨幅", "增", "下降", "减少", "回落",
          "降低", "年均增长", "压减", "缩减", "削减")  # fmt: skip
#: "About", before a number (约6700万人): 左右.
ABOUT_BEFORE = ("约", "大约")
#: Qualifiers that open a scope running to the next ``;`` or ``。``.
SCOPED = ("预计", "力争", "争取", "确保")
#: ... of which only these in the work plan (in a review, 争取 means "secured").
PLAN_ONLY = ("力争", "争取", "确保")
AFTER = ("左右", "以上", "以内", "以下")
#: Words written between a number and its unit that qualify it (400多万人, 1.2万余家).
BETWEEN = ("余", "多")
SURPASS = ("突破", "超过", "超", "过")
#: Words before a number that bound it (不低于2000亿元: 以上; 不超过120个工作日: 以内).
BOUND_BEFORE = {"不低于": "以上", "不少于": "以上", "不超过": "以内", "不高于": "以内"}
#: Milestone phrases, not figures (迈上千亿元台阶, 连跨4个千亿元台阶).
MILESTONE_BEFORE = ("迈上", "跃上", "跨上", "跨越", "连跨", "跨")
#: A count ranked, not measured (12项主要经济指标有7项位居全州前三).
RANKED = re.compile(r"[^,;。]{0,16}?(?:位居|居全|排名|排在|前三|前列|前十)")

#: Headings and cues of the sections.
REVIEW_CUES = ("工作回顾", "过去一年", "过去五年", "成绩单", "回顾")
PLAN_CUES = ("工作安排", "工作任务", "重点工作", "总体要求", "主要任务")
TARGET_CUES = ("主要预期目标", "预期目标", "主要目标")
#: A news write-up's way of stating a target (报告还将今年GDP增长目标设为5%左右,
#: 2026年地区生产总值预期增长5%以上).
TARGET_PHRASE = re.compile(
    r"(今年|20\d{2}年)[^。;]{0,24}?(?:目标(?:设为|设定为|定为|确定为|为|是)|预期增长)"
    r"|目标[^,;。]{0,4}(今年|20\d{2}年)"
)
#: Words before a target cue that make it a review of targets (完成了…确定的主要目标任务).
CUE_REVIEWED = re.compile(
    r"(?:完成|实现|达到|达成|超额|确定的|较好|顺利|各项|好于|高于|低于)[^,。;]{0,8}$"
)
#: Words after a target cue that make it no list of targets (主要目标任务, 预期目标完成情况).
CUE_NOT_A_LIST = ("任务", "完成", "实现情况", "的实现", "顺利", "作为")
#: How a cue introduces its list (主要预期目标是/为/:/建议为/如下): without one, it is no list.
CUE_LIST = re.compile(r"[^,。;]{0,4}?(?:是|为|:|如下|建议|拟|确定|设定|安排|定在|—|-|\d)")
#: Cues in a line that the plan of the coming year starts (将重点抓好十方面工作).
PLAN_PHRASE = re.compile(r"(?:重点抓好|着力抓好|着重抓好|突出抓好|抓好以下|重点做好|做好以下)")
#: A note after figures that they are estimates (130亿元、增长6.5%(预计数,下同)).
ESTIMATE_NOTE = re.compile(r"\(预计(?:数)?(?:,?(下同))?\)?")
#: How a paragraph of the review starts (过去一年, 一年来, 去年).
REVIEW_START = ("过去一年", "一年来", "去年", "过去五年", "五年来")
#: Fiscal plans: quantified, but plans, never growth targets (赤字率拟按3%左右安排).
FISCAL_PLAN = re.compile(r"赤字|专项债|国债|财政支出|一般公共预算支出|转移支付|减税降费")
SUMMARY_CUES = ("主要经济指标", "摘要")


def exact_names() -> set[str]:
    """Names that mean an indicator only whole (经济增长): the verb is part of the name."""
    return {n for entry in registry.indicators().values() for n in entry.exact}


def canonical(name: str) -> str | None:
    """The indicator id a name means (:func:`pxanalysis.data.registry.canonical`), or None."""
    return registry.canonical(name)


def unit_of(text: str) -> tuple[str, int] | None:
    """(unit, length in the text) of the unit starting ``text``, or None.

    万 or 亿 followed by people (1000多万失业人员 after the 多) is 万人 or 亿人, the rest of
    the name staying a name.
    """
    for alias, unit in UNIT_ALIASES.items():
        if text.startswith(alias):
            return (unit, len(alias)) if unit else None
    for unit in UNITS:
        if text.startswith(unit):
            return unit, len(unit)
    if text[:1] in ("万", "亿"):
        people = PEOPLE.match(text, 1)
        if people and people.end() <= 9:
            return text[0] + "人", 1
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
