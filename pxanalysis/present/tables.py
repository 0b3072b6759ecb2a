"""Tables of the report for notebooks and briefs, with bilingual headers."""

from __future__ import annotations

import pandas as pd

from pxanalysis import data
from pxanalysis.engine import backtest, comparison, methods, projection, scenarios
from pxanalysis.present import labels


def _fmt(value: float) -> str:
    return f"{value:g}"


def targets_table(lang: str = "zh") -> pd.DataFrame:
    """The nine main 2024 targets beside their 2023 counterparts.

    Parameters
    ----------
    lang : {'zh', 'en'}

    Returns
    -------
    pandas.DataFrame
        Index: indicator names; columns: the 2023 figure (%), its kind
        (actual or estimate), the 2024 target (%) and its qualifier. A decline
        (energy intensity) is negative. Missing 2023 figures are blank.
    """
    t = data.targets()
    kind = t["kind_2023"].map(lambda k: labels.kind(k, lang) if isinstance(k, str) else "")
    out = pd.DataFrame(
        {
            labels.text("value_2023", lang) + " (%)": t["value_2023"],
            labels.text("kind_2023", lang): kind,
            labels.text("target_2024", lang) + " (%)": t["value"],
            labels.text("qualifier", lang): t["qualifier"],
        }
    )
    out.index = [labels.indicator(i, lang) for i in t.index]
    out.index.name = labels.text("indicator", lang)
    return out


def results_2023(lang: str = "zh") -> pd.DataFrame:
    """The 2023 review's figures (actual outcomes and 预计 estimates).

    Parameters
    ----------
    lang : {'zh', 'en'}

    Returns
    -------
    pandas.DataFrame
        One row per figure: section theme, indicator, value, unit, kind, qualifier.
    """
    labels.check_lang(lang)
    f = data.report_figures()
    f = f[f["year"] == 2023]
    theme = f["section"].str.split(" > ").map(lambda p: p[1] if len(p) > 1 else p[0])
    name = f["indicator"] if lang == "zh" else f["indicator_en"]
    if lang == "en":
        theme = theme.map(_SECTIONS_EN).fillna(theme)
    out = pd.DataFrame(
        {
            ("领域" if lang == "zh" else "Theme"): theme,
            labels.text("indicator", lang): name,
            labels.text("figure", lang): f["value"].map(_fmt),
            labels.text("unit", lang): f["unit"],
            ("口径" if lang == "zh" else "Kind"): f["kind"].map(lambda k: labels.kind(k, lang)),
            labels.text("qualifier", lang): f["qualifier"].fillna(""),
        }
    )
    return out.reset_index(drop=True)


_SECTIONS_EN = {
    "2023年工作回顾": "Overview",
    "产业转型升级迈出坚实步伐": "Industrial upgrading",
    "重大项目建设扎实推进": "Major projects",
    "改革创新活力竞相迸发": "Reform and innovation",
    "城乡面貌发生深刻变化": "Urban and rural development",
    "民生事业交出暖心答卷": "Livelihoods",
}


def commitments_by_area(lang: str = "zh") -> pd.DataFrame:
    """The quantified 2024 work-plan commitments, grouped by area and item.

    Parameters
    ----------
    lang : {'zh', 'en'}

    Returns
    -------
    pandas.DataFrame
        Area, item, indicator, value with unit and qualifiers, in report order.
    """
    labels.check_lang(lang)
    c = data.report_figures("commitment")
    plan = data.workplan().set_index("item_id")
    merged = c.join(plan[["area_id", "area", "area_en", "item", "item_en"]], on="item_id")
    merged = merged.sort_values(["item_id"], kind="stable")
    zh = lang == "zh"
    area = merged["area"].str.split(",").str[0] if zh else merged["area_en"]
    figure = merged["value"].map(_fmt) + merged["unit"]
    qualifier = merged["qualifier"].fillna("")
    return pd.DataFrame(
        {
            labels.text("area", lang): area,
            labels.text("item", lang): merged["item"] if zh else merged["item_en"],
            labels.text("indicator", lang): merged["indicator"] if zh else merged["indicator_en"],
            labels.text("figure", lang): figure,
            labels.text("qualifier", lang): qualifier,
        }
    ).reset_index(drop=True)


def _num(value, digits: int = 1) -> str:
    return "" if pd.isna(value) else f"{value:.{digits}f}"


def _band(lo, hi) -> str:
    return "" if pd.isna(lo) else f"[{lo:.1f}, {hi:.1f}]"


FLAG_TEXT = {
    "insufficient_history": ("历史数据不足,未作模型预测", "history too thin: no model projection"),
    "short_history": ("历史较短,区间较宽", "short history: wide band"),
    "assumption": ("用户假设", "user assumption"),
    "method_unavailable": ("该方法不适用", "method not applicable"),
    "": ("", ""),
}


def comparison_table(
    scenario=None, lang: str = "zh", compared: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Key numbers per target: 2023, target, projection with 80 % band, P(meet), method, n_obs.

    Parameters
    ----------
    scenario : pxanalysis.engine.scenarios.Scenario, optional
    lang : {'zh', 'en'}
    compared : pandas.DataFrame, optional
        The result of :func:`pxanalysis.engine.comparison.compare_targets`, if already computed.

    Returns
    -------
    pandas.DataFrame
        Display strings (rounded), indexed by indicator name.
    """
    c = compared if compared is not None else comparison.compare_targets(scenario)
    zh = labels.check_lang(lang) == "zh"
    i = 0 if zh else 1
    out = pd.DataFrame(
        {
            ("2023年(%)" if zh else "2023 (%)"): c["value_2023"].map(_num),
            ("2024年目标(%)" if zh else "2024 target (%)"): c["target"].map(_num),
            ("预测中位数(%)" if zh else "Projection (%)"): c["median"].map(_num),
            ("80%区间" if zh else "80% interval"): [
                _band(a, b) for a, b in zip(c["lo80"], c["hi80"], strict=True)
            ],
            ("情景值(%)" if zh else "Scenario (%)"): c["scenario_value"].map(_num),
            ("达标概率" if zh else "P(meet)"): c["p_meet"].map(
                lambda p: "" if pd.isna(p) else f"{p:.0%}"
            ),
            ("方法" if zh else "Method"): c["method"].where(c["median"].notna(), "—"),
            ("观测数" if zh else "n_obs"): c["n_obs"],
            ("江西省目标(%)" if zh else "Jiangxi target (%)"): c["jiangxi_target"].map(_num),
            ("说明" if zh else "Note"): c["flag"].map(lambda f: FLAG_TEXT.get(f, (f, f))[i]),
        }
    )
    out.index = [labels.indicator(i, lang) for i in c["indicator_id"]]
    out.index.name = labels.text("indicator", lang)
    return out


def methods_table(indicator: str = "gdp", scenario=None, lang: str = "zh") -> pd.DataFrame:
    """Every method's projection of one indicator, side by side (method, n_obs, bands, source)."""
    scenario = scenario or scenarios.Scenario()
    rows = []
    for method in methods.METHODS:
        p = projection.cached(indicator, scenario.year, method, None, scenario.as_of).row()
        rows.append(
            {
                ("方法" if lang == "zh" else "Method"): method,
                ("观测数" if lang == "zh" else "n_obs"): p["n_obs"],
                ("中位数(%)" if lang == "zh" else "Median (%)"): _num(p["median"], 2),
                ("80%区间" if lang == "zh" else "80% interval"): _band(p["lo80"], p["hi80"]),
                ("95%区间" if lang == "zh" else "95% interval"): _band(p["lo95"], p["hi95"]),
                ("区间来源" if lang == "zh" else "Interval source"): p["interval_source"],
                ("说明" if lang == "zh" else "Note"): p["note"],
            }
        )
    return pd.DataFrame(rows)


def backtest_table(indicator: str = "gdp", horizon: int = 1, lang: str = "zh") -> pd.DataFrame:
    """Rolling-origin accuracy by method (rounded for display)."""
    s = backtest.summary(backtest.backtest(indicator, horizon=horizon)).round(2)
    if lang == "zh":
        s = labels.zh_columns(s)
        s.index.name = "方法"
    return s
