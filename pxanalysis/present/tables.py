"""Tables of the report for notebooks and briefs, with bilingual headers."""

from __future__ import annotations

import pandas as pd

from pxanalysis import data
from pxanalysis.engine import backtest, comparison, methods, projection, scenarios
from pxanalysis.present import labels


def _fmt(value: float) -> str:
    return f"{value:g}"


def targets_table(lang: str = "zh") -> pd.DataFrame:
    """The report's main targets beside their review-year counterparts.

    Parameters
    ----------
    lang : {'zh', 'en'}

    Returns
    -------
    pandas.DataFrame
        Index: indicator names; columns: the review year's figure (%), its kind
        (actual or estimate), the target (%) and its qualifier. A decline
        (energy intensity) is negative. Missing review-year figures are blank.
    """
    t = data.targets()
    kind = t["kind_review"].map(lambda k: labels.kind(k, lang) if isinstance(k, str) else "")
    out = pd.DataFrame(
        {
            labels.text("value_review", lang) + " (%)": t["value_review"],
            labels.text("kind_review", lang): kind,
            labels.text("target_2024", lang) + " (%)": t["value"],
            labels.text("qualifier", lang): t["qualifier"],
        }
    )
    out.index = [labels.indicator(i, lang) for i in t.index]
    out.index.name = labels.text("indicator", lang)
    return out


def review_results(lang: str = "zh") -> pd.DataFrame:
    """The review year's figures (actual outcomes and 预计 estimates).

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
    f = f[f["year"] == data.current().review_year]
    theme = f["section"].str.split(" > ").map(lambda p: p[1] if len(p) > 1 else p[0])
    name = f["indicator"] if lang == "zh" else f["indicator_en"].fillna(f["indicator"])
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
    """The quantified work-plan commitments of the target year, grouped by area and item.

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
    area = merged["area"].str.split(",").str[0]
    if not zh:
        area = merged["area_en"].fillna(area)
    figure = merged["value"].map(_fmt) + merged["unit"]
    qualifier = merged["qualifier"].fillna("")
    return pd.DataFrame(
        {
            labels.text("area", lang): area,
            labels.text("item", lang): merged["item"]
            if zh
            else merged["item_en"].fillna(merged["item"]),
            labels.text("indicator", lang): merged["indicator"]
            if zh
            else merged["indicator_en"].fillna(merged["indicator"]),
            labels.text("figure", lang): figure,
            labels.text("qualifier", lang): qualifier,
        }
    ).reset_index(drop=True)


def _num(value, digits: int = 1) -> str:
    return "" if pd.isna(value) else f"{value:.{digits}f}"


def _band(lo, hi) -> str:
    return "" if pd.isna(lo) else f"[{lo:.1f}, {hi:.1f}]"


def _pct(p) -> str:
    return "" if pd.isna(p) else f"{p:.0%}"


def comparison_table(
    scenario=None, lang: str = "zh", compared: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Key numbers of the targets: review year, target, projection, bands, P(meet) both ways, grade.

    Parameters
    ----------
    scenario : pxanalysis.engine.scenarios.Scenario, optional
    lang : {'zh', 'en'}
    compared : pandas.DataFrame, optional
        The result of :func:`pxanalysis.engine.comparison.compare_targets`, if already computed.

    Returns
    -------
    pandas.DataFrame
        Display strings (rounded), indexed by indicator name. Where a year-to-date
        release is known, the projection is its nowcast and the year-to-date
        figure is shown.
    """
    c = compared if compared is not None else comparison.compare_targets(scenario)
    zh = labels.check_lang(lang) == "zh"
    ytd = [
        "" if not m else f"1-{int(m)}月 {g:g}" if zh else f"Jan-{_MONTHS[int(m)]} {g:g}"
        for m, g in zip(c["ytd_month"], c["ytd_growth"], strict=True)
    ]
    out = pd.DataFrame(
        {
            labels.text("value_review", lang) + ("(%)" if zh else " (%)"): [
                "" if pd.isna(v) else f"{v:g}" + ("*" if k == "estimate" else "")
                for v, k in zip(c["value_review"], c["kind_review"], strict=True)
            ],
            ("目标(%)" if zh else "Target (%)"): c["target"].map(_num),
            ("预测中位数(%)" if zh else "Median (%)"): c["median"].map(_num),
            ("80%区间" if zh else "80% band"): [
                _band(a, b) for a, b in zip(c["lo80"], c["hi80"], strict=True)
            ],
            ("95%区间" if zh else "95% band"): [
                _band(a, b) for a, b in zip(c["lo95"], c["hi95"], strict=True)
            ],
            ("达标概率" if zh else "P(meet)"): c["p_meet"].map(_pct),
            ("“左右”达标" if zh else "P(about)"): c["p_meet_about"].map(_pct),
            ("等级" if zh else "Grade"): c["grade"],
            ("情景值(%)" if zh else "Scenario (%)"): c["scenario_value"].map(_num),
            ("最新累计(%)" if zh else "Latest YTD (%)"): ytd,
        }
    )
    out.index = [labels.indicator(i, lang) for i in c["indicator_id"]]
    out.index.name = labels.text("indicator", lang)
    return out


_MONTHS = {m: name for m, name in enumerate(
    ["", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])}  # fmt: skip


def evidence_summary(p, lang: str = "zh") -> str:
    """The anchors of one judgement in one line: kind value; kind value ..."""
    parts = []
    for a in p.evidence:
        parts.append(f"{labels.evidence_kind(a.kind, lang)} {a.value:.1f}")
    return "; ".join(parts)


def evidence_table(scenario=None, lang: str = "zh", compared: pd.DataFrame | None = None):
    """Per target: grade, the evidence used, and what would change the judgement most."""
    from pxanalysis.engine import judgement

    c = compared if compared is not None else comparison.compare_targets(scenario)
    scenario = scenario or scenarios.Scenario()
    zh = labels.check_lang(lang) == "zh"
    i = 0 if zh else 1
    rows = []
    for r in c.itertuples():
        p = comparison.indicator_projection(r.indicator_id, scenario)
        release = labels.fill(judgement.NEXT_RELEASE.get(r.what_changes, ("", ""))[i])
        change = (
            "" if not r.what_changes or pd.isna(r.p_change_per_pp)
            else (f"{release}:每变动1个百分点,达标概率约变{r.p_change_per_pp:.0f}个百分点" if zh
                  else f"{release}: about {r.p_change_per_pp:.0f} pp of P(meet) per point")
        )  # fmt: skip
        rows.append(
            {
                labels.text("indicator", lang): labels.indicator(r.indicator_id, lang),
                ("等级" if zh else "Grade"): r.grade,
                ("证据(锚定值,%)" if zh else "Evidence (anchor, %)"): evidence_summary(p, lang),
                ("最能改变判断的数据" if zh else "What would change it most"): change,
            }
        )
    return pd.DataFrame(rows)


def sources_table(scenario=None, lang: str = "zh") -> pd.DataFrame:
    """Every input of every judgement: the number, its trust and date, and where it came from."""
    scenario = scenario or scenarios.Scenario()
    zh = labels.check_lang(lang) == "zh"
    rows = []
    for indicator in data.target_ids():
        p = comparison.indicator_projection(indicator, scenario)
        for a in p.evidence:
            for src in a.inputs:
                rows.append(
                    {
                        labels.text("indicator", lang): labels.indicator(indicator, lang),
                        ("证据" if zh else "Evidence"): labels.evidence_kind(a.kind, lang),
                        ("输入" if zh else "Input"): labels.input_label(src.label, lang),
                        ("数值" if zh else "Value"): f"{src.value:.2f}".rstrip("0").rstrip("."),
                        ("可信度" if zh else "Trust"): src.trust,
                        ("可知日期" if zh else "Known from"): src.known_from,
                        ("来源" if zh else "Source"): src.source,
                    }
                )
    return pd.DataFrame(rows)


def methods_table(indicator: str = "gdp", scenario=None, lang: str = "zh") -> pd.DataFrame:
    """Every method's projection of one indicator, side by side (method, n_obs, bands, source)."""
    scenario = scenario or scenarios.Scenario()
    rows, zh = [], lang == "zh"
    for method in methods.METHODS:
        p = projection.cached(indicator, scenario.year, method, None, scenario.as_of).row()
        rows.append(
            {
                labels.text("method", lang): method,
                ("观测数" if zh else "n_obs"): p["n_obs"],
                ("中位数(%)" if zh else "Median (%)"): _num(p["median"], 2),
                labels.text("band80", lang): _band(p["lo80"], p["hi80"]),
                labels.text("band95", lang): _band(p["lo95"], p["hi95"]),
                ("区间来源" if zh else "Interval source"): p["interval_source"],
                ("说明" if zh else "Note"): p["note"],
            }
        )
    return pd.DataFrame(rows)


def backtest_table(indicator: str = "gdp", lang: str = "zh", as_of=None) -> pd.DataFrame:
    """The honest backtest: one and two years ahead, the shipped intervals, n origins, vs the mean.

    Rows: the default method (by the rule), the naive mean and the professional
    benchmarks (random walk from the last figure, mean of the last three, the
    parent-anchored projection, which has no past origins: no earlier targets of
    the parent region are held), for h = 1 and 2, all target years.
    """
    from pxanalysis.engine import selection

    zh = labels.check_lang(lang) == "zh"
    default = selection.choose(as_of).method
    shown = list(dict.fromkeys([default, "mean", "last", "mean3", "combo"]))
    names = {
        "mean": ("朴素均值(近5年)", "naive mean (5 yrs)"),
        "last": ("随机游走(上年数)", "random walk (last figure)"),
        "mean3": ("近3年均值", "mean of last 3"),
        "combo": ("组合", "combination"),
        "trend": ("线性趋势", "linear trend"),
        "province": (labels.fill("{parent}目标+差距"), labels.fill("{parent_en} target + gap")),
    }
    rows = []
    for h in (1, 2):
        s = backtest.summary(backtest.backtest(indicator, tuple(shown), h, as_of=as_of))
        for method in shown + ["province"]:
            label = names.get(method, (method, method))[0 if zh else 1]
            if method == default:
                label += " ★默认" if zh else " * default"
            if method == "province":
                no_past = labels.fill(
                    "无({parent}往年目标未收录,无法回测)"
                    if zh
                    else "none (no earlier {parent_en} targets held: no past origins)"
                )
                rows.append({"h": h, "method": label, "n": "0", "mae": no_past})
                continue
            r = s.loc[method]
            rows.append(
                {
                    "h": h,
                    "method": label,
                    "n": str(int(r["n"])),
                    "mae": _num(r["mae"], 2),
                    "n_cal": str(int(r["n_calibrated"])),
                    "cov80": _pct(r["coverage80"]),
                    "width80": _num(r["width80"], 1),
                    "rel": _num(r["rel_mae_vs_mean"], 2),
                    "diff": ""
                    if method == "mean"
                    else f"{r['diff_abs_error']:+.2f} ± {r['diff_se']:.2f}",
                }
            )
    out = pd.DataFrame(rows).fillna("")
    headers = {
        "h": ("提前年数", "h"),
        "method": ("方法", "Method"),
        "n": ("预测次数", "n"),
        "mae": ("平均绝对误差", "MAE"),
        "n_cal": ("有区间的次数", "n (interval)"),
        "cov80": ("80%区间覆盖率", "80% coverage"),
        "width80": ("80%区间宽度", "80% width"),
        "rel": ("相对均值法MAE", "MAE / mean's"),
        "diff": ("与均值法配对差±标准误", "paired diff ± SE"),
    }
    return out.rename(columns={k: v[0 if zh else 1] for k, v in headers.items()})
