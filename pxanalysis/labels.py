"""Bilingual labels. Parameter values stay ASCII; text shown to readers comes from here."""

from __future__ import annotations

LANGS = ("zh", "en")

#: Short display names of the nine main indicators.
INDICATORS = {
    "gdp": ("地区生产总值", "GDP"),
    "budget_revenue": ("一般公共预算收入", "Budget revenue"),
    "industrial_value_added": ("规上工业增加值", "Industrial value added"),
    "fixed_asset_investment": ("固定资产投资", "Fixed-asset investment"),
    "industrial_investment": ("工业投资", "Industrial investment"),
    "retail_sales": ("社会消费品零售总额", "Retail sales"),
    "urban_income": ("城镇居民人均可支配收入", "Urban disposable income"),
    "rural_income": ("农村居民人均可支配收入", "Rural disposable income"),
    "energy_intensity": ("万元GDP能耗", "Energy per unit of GDP"),
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
    "value_2023": ("2023年", "2023"),
    "kind_2023": ("2023年口径", "2023 basis"),
    "target_2024": ("2024年目标", "2024 target"),
    "qualifier": ("限定词", "Qualifier"),
    "unit": ("单位", "Unit"),
    "area": ("工作领域", "Area"),
    "item": ("具体工作", "Item"),
    "figure": ("数值", "Figure"),
    "quote": ("原文", "Quote"),
    "growth_pct": ("增速(%)", "Growth (%)"),
    "not_given": ("未公布", "not given"),
    "chart_target_vs_2023": ("2024年主要预期目标与2023年结果", "2024 targets vs 2023 results"),
    "source_note": (
        "来源:萍乡市2024年政府工作报告要点",
        "Source: Pingxiang 2024 government work report",
    ),
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported, else raise ``ValueError`` listing the valid ones."""
    if lang not in LANGS:
        raise ValueError(f"unknown lang {lang!r}; valid: {', '.join(LANGS)}")
    return lang


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[LANGS.index(check_lang(lang))]


def text(key: str, lang: str = "zh") -> str:
    """Return a UI/table text in ``lang``."""
    return _pick(TEXT[key], lang)


def indicator(indicator_id: str, lang: str = "zh") -> str:
    """Return the display name of one of the nine main indicators."""
    if indicator_id not in INDICATORS:
        raise ValueError(f"unknown indicator {indicator_id!r}; valid ids: {', '.join(INDICATORS)}")
    return _pick(INDICATORS[indicator_id], lang)


def kind(kind_id: str, lang: str = "zh") -> str:
    """Return the label of a data kind (actual, estimate, target, ...)."""
    return _pick(KINDS[kind_id], lang)
