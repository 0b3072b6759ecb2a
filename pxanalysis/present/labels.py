"""Bilingual labels. Parameter values stay ASCII; text shown to readers comes from here.

Texts name the current report's years and regions through placeholders filled
when they are read: ``{year}`` (the targets' year), ``{review}`` (the year the
report reviews), ``{region}`` and ``{region_en}``, ``{self}`` (本市, 本省 …: how the
report names its own region), ``{parent}`` and ``{parent_en}`` (the region one
level up). Indicator names come from the registry (``data/registry/indicators.yaml``).
"""

from __future__ import annotations

import math

from pxanalysis import data
from pxanalysis.data import regions, registry
from pxanalysis.errors import check_name
from pxanalysis.vocab import LANGS

SCENARIOS = {
    "baseline": ("基准情景", "Baseline"),
    "optimistic": ("乐观情景", "Optimistic"),
    "pessimistic": ("悲观情景", "Pessimistic"),
    "targets_met": ("目标全部实现", "Targets met"),
    "custom": ("自定义情景", "Custom"),
}

#: One sentence per scenario: the story its numbers tell.
SCENARIO_STORIES = {
    "baseline": (
        "基准情景:各项指标取预测分布的中位数,即依据现有全部证据最可能的结果。",
        "Baseline: every indicator at the median of its distribution, the most likely outcome on the evidence.",
    ),
    "optimistic": (
        "乐观情景:外部需求和工业生产回暖,整体经济好于预期(约十年一遇的好年景),"
        "各项指标按与经济的联动程度同步向好。",
        "Optimistic: demand and industry pick up and the whole economy does better than expected "
        "(about one year in ten); the indicators improve together, each by its co-movement.",
    ),
    "pessimistic": (
        "悲观情景:需求疲弱、工业和投资放缓,整体经济差于预期(约十年一遇的坏年景),"
        "各项指标按与经济的联动程度同步走弱。",
        "Pessimistic: weak demand slows industry and investment and the economy does worse than "
        "expected (about one year in ten); the indicators weaken together.",
    ),
    "targets_met": (
        "目标全部实现情景:假定每项目标恰好实现,达标概率仍来自预测分布。",
        "Targets met: every target exactly met; the probabilities still come from the projections.",
    ),
    "custom": (
        "自定义情景:部分指标采用使用者给出的增速假设,其余按预测。",
        "Custom: the user's growth assumptions for some indicators, projections for the rest.",
    ),
}

#: Short names of the kinds of evidence.
EVIDENCE_KINDS = {
    "own": ("本市序列", "own series"),
    "latest": ("{review}年数", "{review} figure"),
    "longrun": ("2016-2020年均", "2016-20 avg"),
    "comove": ("联动", "co-movement"),
    "province": ("{parent}目标", "{parent_en} target"),
    "target": ("{self}目标−缺口", "own target - shortfall"),
    "ytd": ("累计", "year to date"),
}

#: What each grade means.
GRADES = {
    "A": (
        "A:{self}年度序列≥8个观测,时间序列方法",
        "A: >= 8 own annual observations, time-series methods",
    ),
    "B": ("B:4-7个观测", "B: 4-7 observations"),
    "C": ("C:观测不足,综合各项证据锚定", "C: fewer; anchored on all the evidence"),
    "U": ("U:使用者假设", "U: user assumption"),
}

KINDS = {
    "actual": ("实际", "actual"),
    "estimate": ("预计", "estimate"),
    "target": ("目标", "target"),
    "commitment": ("工作承诺", "commitment"),
    "projection": ("预测", "projection"),
    "derived": ("推算", "derived"),
}

TEXT = {
    "indicator": ("指标", "Indicator"),
    "value_review": ("{review}年", "{review}"),
    "kind_review": ("{review}年口径", "{review} basis"),
    "target_2024": ("{year}年目标", "{year} target"),
    "qualifier": ("限定词", "Qualifier"),
    "unit": ("单位", "Unit"),
    "area": ("工作领域", "Area"),
    "item": ("具体工作", "Item"),
    "figure": ("数值", "Figure"),
    "quote": ("原文", "Quote"),
    "growth_pct": ("增速(%)", "Growth (%)"),
    "not_given": ("未公布", "not given"),
    "chart_target_vs_2023": (
        "{year}年主要预期目标与{review}年结果",
        "{year} targets vs {review} results",
    ),
    "source_note": (
        "来源:{region}{year}年政府工作报告",
        "Source: {region_en} {year} government work report",
    ),
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported, else raise :class:`~pxanalysis.errors.UnknownNameError`."""
    return check_name(lang, LANGS, "lang")


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[LANGS.index(check_lang(lang))]


class _Keep(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def fill(template: str) -> str:
    """``template`` with the current report's ``{year}``, ``{review}``, ``{region}``, ``{region_en}``."""
    if "{" not in template:
        return template
    report = data.current()
    profile = regions.get(report.region)
    parent = regions.get(report.parent) if report.parent else None
    values = _Keep(
        year=report.year,
        review=report.review_year,
        region=report.region_name,
        region_en=report.region_name_en,
        self=profile.self_word if profile else "本地",
        parent=parent.name if parent else (report.parent or "上级"),
        parent_en=parent.name_en if parent else (report.parent or "parent region"),
    )
    return template.format_map(values)


def text(key: str, lang: str = "zh") -> str:
    """Return a UI/table text in ``lang`` (for the current report)."""
    return fill(_pick(TEXT[key], lang))


def indicator(indicator_id: str, lang: str = "zh") -> str:
    """Return the display name of an indicator: the registry's, else the report's name."""
    entry = registry.get(indicator_id)
    if entry is not None:
        return entry.zh if check_lang(lang) == "zh" else entry.en
    targets = data.targets()
    check_name(indicator_id, registry.ids() + tuple(targets.index), "indicator")
    row = targets.loc[indicator_id]
    english = row["indicator_en"] if isinstance(row["indicator_en"], str) else ""
    return row["indicator"] if lang == "zh" or not english else english


def story(name: str, lang: str = "zh") -> str:
    """The one-sentence story of a scenario type."""
    return _pick(SCENARIO_STORIES[check_name(name, SCENARIO_STORIES, "scenario")], lang)


def evidence_kind(kind: str, lang: str = "zh") -> str:
    """Short name of a kind of evidence."""
    return fill(_pick(EVIDENCE_KINDS[check_name(kind, EVIDENCE_KINDS, "evidence kind")], lang))


def grade(grade_id: str, lang: str = "zh") -> str:
    """What a grade means."""
    return fill(_pick(GRADES[check_name(grade_id, GRADES, "grade")], lang))


def scenario(name: str, lang: str = "zh") -> str:
    """Return the Chinese or English name of a scenario type."""
    return _pick(SCENARIOS[check_name(name, SCENARIOS, "scenario")], lang)


#: Why a projection is flagged (or not judged), by flag id.
FLAGS = {
    "insufficient_history": ("历史数据不足,未作模型预测", "history too thin: no model projection"),
    "short_history": ("历史较短", "short history"),
    "thin_history": ("证据锚定", "anchored on the evidence"),
    "assumption": ("用户假设", "user assumption"),
    "method_unavailable": ("该方法不适用", "method not applicable"),
    "not_a_growth_target": ("水平目标,未作预测", "a level target: not projected"),
    "no_evidence": (
        "无可用证据,未作判断;可在自定义情景中给出假设",
        "no evidence held: not judged; give an assumption in a custom scenario",
    ),
    "": ("", ""),
}


#: The projection methods' names, by method id (:data:`pxanalysis.vocab.METHOD_CHOICES`).
METHODS = {
    "auto": ("自动(回测择优)", "auto (chosen by backtest)"),
    "mean": ("近五年均值", "mean of the last 5 years"),
    "mean3": ("近三年均值", "mean of the last 3 years"),
    "last": ("上年值(随机游走)", "last value (random walk)"),
    "trend": ("线性趋势", "linear trend"),
    "arima": ("自回归AR(1)", "AR(1) (arima)"),
    "ets": ("阻尼指数平滑", "damped exponential smoothing (ets)"),
    "combo": ("组合平均", "equal-weight combination"),
    "assumption": ("用户假设", "user assumption"),
    "anchored": ("证据锚定", "anchored on the evidence"),
    "nowcast": ("现时预测", "nowcast"),
}


def method(method_id: str, lang: str = "zh") -> str:
    """The name of a projection method in ``lang`` (``"mean"`` → ``"近五年均值"``).

    Parameters
    ----------
    method_id : str
        A method id; an id this module does not name is returned as is.
    lang : {'zh', 'en'}

    Returns
    -------
    str
    """
    parts = str(method_id).split(" ")[0].split("(")[0].split("+")
    if not all(part in METHODS for part in parts):
        return str(method_id)
    return "+".join(_pick(METHODS[part], lang) for part in parts)


#: The engine's and the parameters' English error messages, as patterns with their Chinese
#: wording (``{where}`` is the parameter, said in words). First match wins.
_ERRORS_ZH = [
    (r"^(?P<where>.+?) = (?P<v>.*): not a (finite )?number$", "{where}:{v} 不是数字"),
    (
        r"^(?P<where>.+?)\.growth = (?P<v>.+): outside (the sane range )?(?P<r>.+) \(%\)$",
        "{where}的增速 {v} 超出合理范围 {r}(%)",
    ),
    (
        r"^(?P<where>.+?)\.sd = (?P<v>.+): must be > 0 and <= (?P<r>.+)$",
        "{where}的不确定性 {v} 须大于0且不超过 {r}",
    ),
    (
        r"^(?P<where>.+?)\.through_month = (?P<v>.+): 2\.\.12.*$",
        "{where}的累计月数 {v} 须为2至12(1-2月记为2)",
    ),
    (
        r"^(?P<where>.+?): a release through month (?P<m>\d+) is published after (?P<d>[-\d]+), "
        r"later than as_of (?P<a>[-\d]+).*$",
        "{where}:1-{m}月累计数据在{d}之后才发布,晚于信息截至日{a};请选更晚的截至日或更早的月份",
    ),
    (
        r"^parameter 'as_of' = '(?P<a>[-\d]+)': before the report's date (?P<d>[-\d]+).*$",
        "信息截至日{a}早于报告日期{d}(当时目标尚未公布)",
    ),
    (r"^a scenario file name is empty.*$", "文件名为空:请用文字(含汉字)、数字、-和_"),
    (
        r"^scenario file name (?P<n>.+) has (?P<c>\d+) characters; at most (?P<m>\d+)$",
        "文件名 {n} 有{c}个字符,最多{m}个",
    ),
    (
        r"^scenario file name (?P<n>.+?) may not .+? (?P<ch>'.+?') \((?P<u>U\+[0-9A-F]+)\).*$",
        "文件名 {n} 不能含 {ch}({u}):请用文字(含汉字)、数字、-和_,以文字或数字开头",
    ),
    (
        r"^(?P<n>.+) is a shipped scenario and cannot be overwritten.*$",
        "{n} 是内置情景,不能覆盖;请换一个文件名",
    ),
    (r"^(?P<p>.+) exists; tick .*$", "{p} 已存在;勾选“覆盖同名文件”后再保存"),
    (
        r"^scenario 'custom' needs at least one growth assumption.*$",
        "自定义情景至少需要一项增速假设",
    ),
]


def _where(where: str) -> str:
    """``assumptions['gdp']`` → ``地区生产总值(假设)``: a parameter named in words."""
    import re

    m = re.match(r"^(assumptions|ytd)\['(\w+)'\]$", where)
    if m is None:
        return where
    name = indicator(m.group(2)) if registry.get(m.group(2)) else m.group(2)
    return name + ("(假设)" if m.group(1) == "assumptions" else "(年内累计)")


def error(message: str, lang: str = "zh") -> str:
    """An error message in ``lang``: the library's English messages, worded in Chinese.

    Parameters
    ----------
    message : str
        The text of a :class:`~pxanalysis.errors.PxError` (English).
    lang : {'zh', 'en'}

    Returns
    -------
    str
        In English, ``message``; in Chinese, its Chinese wording where this module
        knows the message, else ``message`` itself.
    """
    import re

    if check_lang(lang) == "en":
        return message
    for pattern, template in _ERRORS_ZH:
        m = re.match(pattern, message, flags=re.S)
        if m:
            values = {k: (v or "") for k, v in m.groupdict().items()}
            if "where" in values:
                values["where"] = _where(values["where"])
            return template.format(**values)
    return message


def flag(flag_id: str, lang: str = "zh") -> str:
    """Return what a projection's flag means."""
    return _pick(FLAGS[check_name(flag_id, FLAGS, "flag")], lang)


def kind(kind_id: str, lang: str = "zh") -> str:
    """Return the label of a data kind (actual, estimate, target, ...)."""
    return _pick(KINDS[kind_id], lang)


#: Chinese headers for exported tables (column id -> header).
COLUMNS_ZH = {
    "indicator_id": "指标代码",
    "indicator": "指标",
    "target": "{year}年目标(%)",
    "direction": "方向",
    "value_review": "{review}年(%)",
    "kind_review": "{review}年口径",
    "method": "方法",
    "n_obs": "观测数",
    "median": "预测中位数(%)",
    "lo80": "80%区间下限",
    "hi80": "80%区间上限",
    "lo95": "95%区间下限",
    "hi95": "95%区间上限",
    "sd": "标准差",
    "scenario": "情景",
    "scenario_value": "情景值(%)",
    "value_source": "情景值来源",
    "gap_pp": "与目标差距(百分点)",
    "p_meet": "达标概率",
    "p_meet_about": "“左右”达标概率",
    "ytd_month": "累计月数",
    "ytd_growth": "年内累计增速(%)",
    "median_january": "年初预测中位数(%)",
    "p_meet_january": "年初达标概率",
    "as_of": "信息截至",
    "grade": "证据等级",
    "evidence": "证据",
    "what_changes": "最能改变判断的证据",
    "p_change_per_pp": "每1个百分点对应的达标概率变化(百分点)",
    "point": "点预测(%)",
    "last_obs_kind": "最后观测口径",
    "implied_level": "隐含{year}年总量",
    "level_unit": "总量单位",
    "parent_target": "{parent}{year}年目标(%)",
    "minus_parent": "{self}目标减{parent}目标(百分点)",
    "flag": "标记",
    "interval_source": "区间来源",
    "note": "说明",
    "year": "年份",
    "horizon": "预测步长(年)",
    "last_obs_year": "最后观测年份",
    "n": "回测次数",
    "mae": "平均绝对误差",
    "rmse": "均方根误差",
    "bias": "偏差",
    "coverage80": "80%区间覆盖率",
    "coverage95": "95%区间覆盖率",
    "rel_mae_vs_mean": "相对均值法MAE",
    "parameter": "参数",
    "value": "值",
}


COLUMNS_ZH.update(
    {
        "n_calibrated": "有区间的次数",
        "width80": "80%区间宽度",
        "n_common": "与均值法共同的次数",
        "diff_abs_error": "与均值法绝对误差之差",
        "diff_se": "差的标准误",
    }
)

#: English headers for exported tables (column id -> header).
COLUMNS_EN = {
    "indicator_id": "Indicator id",
    "indicator": "Indicator",
    "target": "{year} target (%)",
    "direction": "Direction",
    "value_review": "{review} (%)",
    "kind_review": "{review} basis",
    "method": "Method",
    "n_obs": "Observations",
    "median": "Median (%)",
    "lo80": "80% band low",
    "hi80": "80% band high",
    "lo95": "95% band low",
    "hi95": "95% band high",
    "sd": "Standard deviation",
    "scenario": "Scenario",
    "scenario_value": "Scenario value (%)",
    "value_source": "Value source",
    "gap_pp": "Gap to target (pp)",
    "p_meet": "P(meet)",
    "p_meet_about": "P(meet, about)",
    "ytd_month": "Months released",
    "ytd_growth": "Year-to-date growth (%)",
    "median_january": "January median (%)",
    "p_meet_january": "January P(meet)",
    "as_of": "Information as of",
    "grade": "Grade",
    "evidence": "Evidence",
    "what_changes": "What would change it most",
    "p_change_per_pp": "P(meet) change per pp (pp)",
    "point": "Point projection (%)",
    "last_obs_kind": "Last observation basis",
    "implied_level": "Implied {year} level",
    "level_unit": "Level unit",
    "parent_target": "{parent_en} {year} target (%)",
    "minus_parent": "Target minus {parent_en}'s (pp)",
    "flag": "Flag",
    "interval_source": "Interval source",
    "note": "Note",
    "year": "Year",
    "horizon": "Horizon (years)",
    "last_obs_year": "Last observation year",
    "n": "Forecasts",
    "mae": "MAE",
    "rmse": "RMSE",
    "bias": "Bias",
    "n_calibrated": "Forecasts with a band",
    "coverage80": "80% coverage",
    "coverage95": "95% coverage",
    "width80": "80% band width",
    "n_common": "Forecasts shared with the mean",
    "rel_mae_vs_mean": "MAE / mean's MAE",
    "diff_abs_error": "Paired difference of absolute errors",
    "diff_se": "Its standard error",
    "parameter": "Parameter",
    "value": "Value",
}


def zh_columns(frame):
    """Rename a frame's columns to Chinese headers where one is known."""
    return frame.rename(columns={k: fill(v) for k, v in COLUMNS_ZH.items() if k in frame.columns})


def columns(frame, lang: str = "zh"):
    """Rename a frame's columns to the headers of ``lang`` where one is known."""
    if check_lang(lang) == "zh":
        return zh_columns(frame)
    return frame.rename(columns={k: fill(v) for k, v in COLUMNS_EN.items() if k in frame.columns})


#: The levels of government (:data:`pxanalysis.data.regions.LEVELS`), in words.
LEVELS = {
    "national": ("全国", "national"),
    "province": ("省", "province"),
    "prefecture": ("地市", "prefecture"),
    "county": ("县", "county"),
}


def level(level_id: str, lang: str = "zh") -> str:
    """A level of government in words (``"prefecture"`` → ``"地市"``); unknown ids as they are."""
    return _pick(LEVELS[level_id], lang) if level_id in LEVELS else str(level_id)


#: What a target's direction means for meeting it.
DIRECTIONS = {
    "increase": ("不低于目标", "at least the target"),
    "decrease": ("不高于目标", "at most the target"),
}

#: Where a scenario's value comes from (``value_source``; ``projection q=…`` is a quantile).
VALUE_SOURCES = {
    "assumption": ("使用者假设", "user assumption"),
    "target": ("目标值", "the target"),
    "none": ("无", "none"),
}


def direction(direction_id: str, lang: str = "zh") -> str:
    """What meeting a target means: 不低于目标 / at least the target."""
    return _pick(DIRECTIONS[check_name(direction_id, DIRECTIONS, "direction")], lang)


def value_source(source: str, lang: str = "zh") -> str:
    """Where a scenario value comes from, in words (``projection q=0.9``: that quantile)."""
    if str(source).startswith("projection q="):
        q = source.removeprefix("projection q=")
        return f"预测分布的{q}分位数" if check_lang(lang) == "zh" else f"projection, quantile {q}"
    return _pick(VALUE_SOURCES[source], lang) if source in VALUE_SOURCES else source


TEXT.update(
    {
        "history": ("历史实际增速", "history (actual)"),
        "estimate_2023": ("{review}年预计(报告)", "{review} estimate (report)"),
        "median": ("预测中位数", "projection (median)"),
        "band80": ("80%区间", "80% interval"),
        "band95": ("95%区间", "95% interval"),
        "target": ("{year}年目标", "{year} target"),
        "scenario_value": ("情景值", "scenario value"),
        "p_meet": ("达标概率", "P(meet target)"),
        "thin_history": ("历史数据不足", "history too thin"),
        "no_projection": ("未作模型预测", "no model projection"),
        "assumption": ("假设", "assumption"),
        "fan_title": ("{year}年增速预测(扇形图)", "{year} growth projections (fan charts)"),
        "ytd": ("年内累计", "year to date"),
        "path_title": ("达标概率随数据发布的变化", "P(meet) through the year, release by release"),
        "year": ("年份", "Year"),
        # brief sections
        "scenario": ("情景", "Scenario"),
        "method": ("方法", "Method"),
        "date": ("生成日期", "Generated"),
        "data_note": (
            "数据:{region}{year}年政府工作报告;历史增速见“数据来源”",
            "Data: {region_en} {year} government work report; history: see Sources",
        ),
        "key_numbers": (
            "一、主要目标:{review}年结果、{year}年目标、预测与达标概率",
            "1. Key numbers: the targets, {review}, projection, P(meet)",
        ),
        "fans": ("二、扇形图", "2. Fan charts"),
        "through_year": ("三、年内数据与现时预测", "3. Through the year: releases and nowcasts"),
        "evidence": (
            "四、判断依据与可能改变判断的因素",
            "4. Evidence, and what would change each judgement",
        ),
        "backtest": ("五、预测方法实时回测(地区生产总值)", "5. Real-time backtest (GDP)"),
        "track_record": (
            "六、过往判断的成绩:真实目标与实际结果",
            "6. Track record: real targets and what happened",
        ),
        "commitments": (
            "七、{year}年工作安排中的量化任务",
            "7. Quantified {year} commitments by area",
        ),
        "method_caveats": ("八、方法与说明", "8. Method and caveats"),
        "evidence_sources": ("九、证据明细与来源", "9. Every input and its source"),
        "sources": ("十、数据来源", "10. Sources"),
        "as_of": ("信息截至", "Information as of"),
        # explorer controls
        "window": ("窗口", "Window"),
        "band": ("区间", "Band"),
        "q_low": ("悲观分位数", "Pessimistic q"),
        "q_high": ("乐观分位数", "Optimistic q"),
        "use_assumption": ("使用增速假设", "Use growth assumption"),
        "growth": ("假设增速(%)", "Assumed growth (%)"),
        "sd": ("不确定性(百分点)", "Uncertainty (pp)"),
        "lang": ("语言", "Language"),
        "save": ("保存情景", "Save scenario"),
        "save_name": ("文件名", "File name"),
        "replace": ("覆盖同名文件", "Replace an existing file"),
        "ytd_month": ("年内累计月数(0=无)", "Months released (0 = none)"),
        "about": ("“左右”口径", "about"),
        "grade": ("等级", "grade"),
        "ytd_growth": ("累计增速(%)", "Year-to-date growth (%)"),
        "saved": ("已保存:", "Saved: "),
        "type_growth": (
            "请输入假设增速(数字,单位%)",
            "type an assumed growth rate (a number, in %)",
        ),
        "computing": ("计算中…", "computing…"),
        "as_of_choice": ("{date}({what})", "{date} ({what})"),
        "as_of_report": ("报告日", "report date"),
        "as_of_release": (
            "1-{month}月{indicator}发布",
            "{indicator} through month {month} released",
        ),
        "as_of_possible": ("可输入1-{month}月累计", "a release through month {month} may be typed"),
        "january_alone": (
            "1月不单独发布:1-2月合并,请选2",
            "January is not released alone (1-2月 = through February): choose 2",
        ),
        "median_word": ("中位数", "median"),
        "moved_with": ("随{base}联动 {delta} 个百分点", "moved {delta} pp with {base}"),
        "no_projection_hint": (
            "历史数据不足,未作模型预测;可勾选“使用增速假设”。",
            "History too thin for a model projection; tick 'Use growth assumption'.",
        ),
    }
)


def all_text() -> str:
    """Every label and text of this module, in both languages (to size a font subset)."""
    parts = []
    for table in (SCENARIOS, KINDS, TEXT, SCENARIO_STORIES, EVIDENCE_KINDS, GRADES):
        for pair in table.values():
            parts.extend(pair)
    for entry in registry.indicators().values():
        parts.extend((entry.zh, entry.en))
    parts.extend(COLUMNS_ZH.values())
    return "".join(parts)


_INPUT_LABELS_ZH = [
    (
        r"^(\d+) annual observations (\d+)-(\d+) \(last: (\d+)\)$",
        r"\1个年度观测(\2-\3年,最后一年\4年)",
    ),
    (r"^(\d+) target$", r"{self}\1年目标"),
    (r"^region-parent GDP gap \(median\)$", "与{parent}的GDP增速差(中位数)"),
    (r"^(.+) (\d+) target$", "{parent}\\2年目标"),
    (r"^shortfall of local outcomes$", "地方实际低于目标的平均缺口"),
    (r"^gap$", "与联动指标的平均差距"),
    (r"^(\d+)-(\d+) average$", r"\1-\2年年均增速"),
    (r"^([a-z_]+) (\d+) projection \(median\)$", "{indicator}\\2年预测中位数"),
]


def input_label(label: str, lang: str = "zh") -> str:
    """A reader's name for an evidence input (the engine's labels are English)."""
    import re

    if check_lang(lang) == "en":
        return label
    for pattern, replacement in _INPUT_LABELS_ZH:
        m = re.match(pattern, label)
        if m:
            if "{indicator}" in replacement:
                name = indicator(m.group(1)) if registry.get(m.group(1)) else m.group(1)
                replacement = replacement.replace("{indicator}", name)
            return fill(re.sub(pattern, replacement, label))
    return label


# --------------------------------------------------------------------------- verdicts

#: Words for P(meet), the probability of meeting a target, read on the whole percent the
#: key-numbers table prints (so a reader never sees "35%" beside a word of another step).
#: Each step is ``(highest percent, zh, en)``; the lowest starts at 0.
#:
#: Why these cut-offs: they are the IPCC's calibrated likelihood language (very unlikely
#: < 10%, unlikely < 33%, about as likely as not 33-66%, likely > 66%, very likely > 90%),
#: a scale economists already read, rounded to whole percents and made symmetric about
#: 50%, so that meeting a target at p and missing it at 1 - p read as mirror words.
#: The middle step is wide on purpose: one more release or piece of evidence moves a
#: P(meet) between 35% and 65% across 50% often (the evidence table's sensitivity is
#: several points of P(meet) per point of growth), so calling it either way would be
#: false precision.
VERDICT_SCALE = (
    (9, "几乎不可能", "almost impossible"),
    (34, "不太可能", "unlikely"),
    (65, "难以判断", "hard to call"),
    (90, "很可能", "likely"),
    (100, "几乎肯定", "almost certain"),
)

_ZH_NUMERALS = "零一二三四五六七八九十"
#: The fractions "about 1 in 5" may use, the simplest first: any k/n up to fifths, then
#: only 1 in n and n-1 in n (1 in 8, 9 in 10), which a reader takes in at a glance.
ODDS_FRACTIONS = tuple(
    (k, n)
    for n in range(2, 21)
    for k in range(1, n)
    if math.gcd(k, n) == 1 and (n <= 5 or k in (1, n - 1))
)
#: How much a larger denominator costs, in probability, when choosing the fraction.
ODDS_SIMPLER = 0.002


def percent(p: float) -> int:
    """``p`` as the whole percent the tables print (``f"{p:.0%}"``)."""
    return int(f"{p:.0%}".rstrip("%"))


def verdict(p: float, lang: str = "zh") -> str:
    """The word of :data:`VERDICT_SCALE` for a probability of meeting a target.

    Parameters
    ----------
    p : float
        P(meet), between 0 and 1.
    lang : {'zh', 'en'}

    Returns
    -------
    str
        几乎不可能 … 几乎肯定 (almost impossible … almost certain).
    """
    i = LANGS.index(check_lang(lang)) + 1
    shown = percent(p)
    return next(step[i] for step in VERDICT_SCALE if shown <= step[0])


def verdict_scale_text(lang: str = "zh") -> str:
    """The verdict scale in one line, as printed once on the brief's first page."""
    zh = check_lang(lang) == "zh"
    parts, low = [], 0
    for high, *words in VERDICT_SCALE:
        word = words[0 if zh else 1]
        span = (f"<{high + 1}%" if low == 0 else f">{low - 1}%" if high == 100
                else f"{low}%-{high}%")  # fmt: skip
        parts.append(f"{word} {span}")
        low = high + 1
    if zh:
        return (
            "判断用语按达标概率分档:" + ";".join(parts) + "(沿用IPCC的可能性用语分档,"
            "对称于50%:达标与不达标的说法互为镜像)。"
        )
    return (
        "Verdicts by P(meet): " + "; ".join(parts) + " (the IPCC's likelihood steps, "
        "symmetric about 50%: meeting and missing read as mirror words)."
    )


def _zh_number(n: int) -> str:
    if n <= 10:
        return _ZH_NUMERALS[n]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else _ZH_NUMERALS[tens]) + "十" + (_ZH_NUMERALS[units] if units else "")


def odds(p: float, lang: str = "zh") -> str:
    """A probability as a simple fraction in words: 约五分之一 / about 1 in 5.

    The fraction of :data:`ODDS_FRACTIONS` nearest to ``p``, a smaller
    denominator preferred (each unit of it counts as 0.2 points of distance:
    45% reads "about 1 in 2", 5% "1 in 20", 12% "1 in 8"); below 5% and above 95%
    (as printed) it says so (不到二十分之一 / under 1 in 20).
    """
    zh = check_lang(lang) == "zh"
    shown = percent(p)
    if shown < 5:
        return "不到二十分之一" if zh else "under 1 in 20"
    if shown > 95:
        return "超过二十分之十九" if zh else "over 19 in 20"
    k, n = min(ODDS_FRACTIONS, key=lambda c: abs(p - c[0] / c[1]) + ODDS_SIMPLER * c[1])
    if zh:
        return "约一半" if (k, n) == (1, 2) else f"约{_zh_number(n)}分之{_zh_number(k)}"
    return f"about {k} in {n}"


#: How a target's qualifier reads after its number.
QUALIFIERS = {
    "左右": ("左右", "or so"),
    "以上": ("以上", "or more"),
    "以内": ("以内", "or less"),
    "以下": ("以下", "or less"),
}

#: English for the units of level targets: a magnitude prefix, then the thing counted.
_MAGNITUDES = (("万亿", 1e12), ("亿", 1e8), ("万", 1e4))
_THINGS = {"人": "people", "元": "yuan", "斤": "jin", "吨": "tonnes", "户": "households",
           "亩": "mu", "千瓦": "kW", "个": ""}  # fmt: skip


def _english_amount(value: float, unit: str) -> str:
    """``value`` ``unit`` (万人, 亿元 …) in English words, or as written when unknown."""
    factor, rest = 1.0, unit
    for prefix, size in _MAGNITUDES:
        if unit.startswith(prefix):
            factor, rest = size, unit[len(prefix) :]
            break
    if rest not in _THINGS:
        return f"{value:g} {unit}"
    amount = value * factor
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(amount) >= size:
            return f"{amount / size:g} {word} {_THINGS[rest]}".strip()
    return f"{amount:,.0f} {_THINGS[rest]}".strip()


def target_words(indicator_id: str, lang: str = "zh") -> str:
    """A main target as the report states it: 地区生产总值增长5.5%左右 / GDP 5.5% or so.

    Parameters
    ----------
    indicator_id : str
        A target of the current report.
    lang : {'zh', 'en'}

    Returns
    -------
    str
        The indicator's name, the direction (增长, 下降, 涨幅 for a ceiling on a
        rate such as consumer prices), the number with its unit and qualifier
        (左右, 以上 …, or a range 5%-5.5%). Plain text: escape it for Markdown.
    """
    zh = check_lang(lang) == "zh"
    row = data.targets().loc[indicator_id]
    name = indicator(indicator_id, lang)
    value, unit = float(row["value"]), str(row["unit"] or "")
    qualifier = row["qualifier"] if isinstance(row["qualifier"], str) else ""
    parts = [q for q in qualifier.split(";") if q]
    ranged = next((q.removeprefix("区间:") for q in parts if q.startswith("区间:")), None)
    after = "".join(QUALIFIERS[q][0 if zh else 1] + ("" if zh else " ") for q in parts
                    if q in QUALIFIERS).strip()  # fmt: skip
    over = "超" in parts
    growth = row["measure"] == "growth" and unit == "%"
    if growth:
        verb_zh, verb_en = (
            ("下降", "down ") if value < 0
            else ("增长", "") if row["direction"] == "increase" else ("涨幅", "up ")
        )  # fmt: skip
        number = f"{ranged.replace('-', '%-')}%" if ranged else f"{abs(value):g}%"
    else:
        verb_zh = verb_en = ""
        number = f"{ranged.replace('-', unit + '-')}{unit}" if ranged else None
        if number is None:
            number = f"{value:g}{unit}" if zh or unit == "%" else _english_amount(value, unit)
    if zh:
        verb_zh = "" if name.endswith(verb_zh) else verb_zh  # 居民消费价格涨幅: no second 涨幅
        return f"{name}{verb_zh}{'超' if over else ''}{number}{after}"
    return " ".join(w for w in (name, ("over " if over else "") + verb_en + number, after) if w)


def grade_sentence(lang: str = "zh") -> str:
    """What the evidence grade says, in one sentence."""
    from pxanalysis.engine.judgement import GRADE_A_OBS, GRADE_B_OBS

    if check_lang(lang) == "zh":
        return fill(
            f"证据等级表示判断有多少依据:A级有{GRADE_A_OBS}个以上{{self}}年度观测,用时间序列方法;"
            f"B级{GRADE_B_OBS}-{GRADE_A_OBS - 1}个;C级更少,综合上年数、{{parent}}目标等多项证据锚定,"
            "区间更宽;U级为使用者给出的假设。"
        )
    return (
        f"The grade says how much evidence stands behind a verdict: A, {GRADE_A_OBS} or more "
        f"annual observations of the region's own and time-series methods; B, {GRADE_B_OBS}-"
        f"{GRADE_A_OBS - 1}; C, fewer, anchored on several pieces of evidence (the last figure, "
        "the parent region's target …) with wider bands; U, a user's assumption."
    )
