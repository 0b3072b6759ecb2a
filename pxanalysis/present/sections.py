"""The content of a brief: each function is one section of ``notebooks/brief.ipynb``.

A section either returns an object the notebook displays (a DataFrame) or
displays itself (Markdown, a figure). All reader-facing text is bilingual.

Every text that comes from a report, a data file or a user (a title, a region's
name, an indicator's name, a source) goes into the Markdown through
:func:`pxanalysis.present.markup.inert`: it is shown as written, never as markup
(no ``<style>``, no link). Tables are HTML-escaped by pandas.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML, Markdown, display

from pxanalysis import data, params, paths
from pxanalysis.data import ledger
from pxanalysis.engine import (
    anchored,
    comparison,
    judgement,
    nowcast,
    projection,
    scenarios,
    selection,
    series,
)
from pxanalysis.engine.calibration import ESTIMATE_SD, SHOCK_PROBABILITY
from pxanalysis.engine.evidence import target_shortfall
from pxanalysis.engine.meet import ABOUT_BAND
from pxanalysis.errors import PxError
from pxanalysis.present import labels, plots, style, tables
from pxanalysis.present.markup import inert
from pxanalysis.vocab import AUTO_METHOD


@dataclass
class Context:
    """What every section needs: validated parameters, the scenario, the language."""

    params: dict
    scenario: scenarios.Scenario
    lang: str
    title: str


def standard_title(scenario: scenarios.Scenario, lang: str = "zh") -> str:
    """The library's standard brief title."""
    name = labels.scenario(scenario.name, lang)
    if lang == "zh":
        return labels.fill(f"{{region}}{{year}}年主要经济指标预期目标实现情况研判({name})")
    return labels.fill(f"{{region_en}} {{year}}: main indicators against the targets ({name})")


def setup(namespace: dict) -> Context:
    """First call of the brief notebook: validate the parameters, set the style.

    Parameters
    ----------
    namespace : dict
        The notebook's ``globals()`` after papermill injected the parameters.
    """
    p = params.resolve_brief(namespace)
    data.use(p["region"], p["year"])
    scenario = scenarios.from_params({k: p[k] for k in params.NOTEBOOK_PARAMS["scenario_file"]})
    style.setup_notebook()
    title = p["title"] or standard_title(scenario, p["lang"])
    return Context(params=p, scenario=scenario, lang=p["lang"], title=title)


def _md(text: str):
    display(Markdown(text))


def _table(frame: pd.DataFrame, wrap: bool = False) -> None:
    """Display a table without its index (deterministic HTML, for nbval and the PDF).

    ``wrap``: let every cell wrap (long sources), with fixed column widths.
    """
    classes = "px-table px-wrap" if wrap else "px-table"
    display(HTML(frame.to_html(index=False, na_rep="", border=0, classes=classes)))


_t = labels.text


def _zh(ctx: Context) -> bool:
    return ctx.lang == "zh"


def _compared(ctx: Context) -> pd.DataFrame:
    return comparison.compare_targets(ctx.scenario)


def title_block(ctx: Context) -> None:
    """Title, scenario, information date, method rule and generation date."""
    today = dt.date.today().isoformat()
    lang = ctx.lang
    method = ctx.scenario.method
    if method == AUTO_METHOD:
        chosen, note = projection.resolve_method(AUTO_METHOD, ctx.scenario.as_of)
        by_record = "track record" in note
        how = ("按成绩记录选定" if by_record else "按规则选定") if _zh(ctx) else (
            "by the track record" if by_record else "by the rule")  # fmt: skip
        method = f"{chosen}({how})"
    _md(
        f"# {inert(ctx.title)}\n\n"
        f"**{_t('scenario', lang)}**:{labels.scenario(ctx.scenario.name, lang)} · "
        f"**{_t('as_of', lang)}**:{ctx.scenario.as_of} · "
        f"**{_t('method', lang)}**:{method} · "
        f"**{_t('date', lang)}**:{today}\n\n{inert(_t('data_note', lang))}"
    )
    report_date = data.current().date
    if ctx.scenario.as_of > report_date and nowcast.new_since_report(ctx.scenario.as_of) == 0:
        _md(
            f"自报告日({report_date})至{ctx.scenario.as_of}没有新发布的月度数据:判断与报告日相同。"
            if _zh(ctx)
            else f"No monthly release was published between the report ({report_date}) and "
            f"{ctx.scenario.as_of}: the judgement is the report date's."
        )


def verdict_lines(compared: pd.DataFrame, lang: str = "zh") -> list[str]:
    """One plain-words line per target, from the comparison table's rows.

    ``地区生产总值增长5.5%左右:不太可能(约五分之一;A级);2024年一季度地区生产总值(4月)发布后变化最大``
    / ``GDP 5.5% or so: unlikely (about 1 in 5; grade A); moves most with Q1 2024 GDP (April)``:
    the target as the report states it (:func:`labels.target_words`), the word of
    :data:`labels.VERDICT_SCALE` for its P(meet), that probability as a simple
    fraction, the evidence grade, and the release that would move it most
    (``what_changes``; left out when no new release is due). A target without a
    P(meet) says why it is not judged.

    Parameters
    ----------
    compared : pandas.DataFrame
        :func:`pxanalysis.engine.comparison.compare_targets` (one row per target).
    lang : {'zh', 'en'}

    Returns
    -------
    list of str
        Plain text, in the table's order (escape it for Markdown).
    """
    zh = labels.check_lang(lang) == "zh"
    lines = []
    for r in compared.itertuples():
        target = labels.target_words(r.indicator_id, lang)
        if pd.isna(r.p_meet):  # the flag says why (水平目标,未作预测 …)
            why = labels.flag(r.flag, lang) if r.flag in labels.FLAGS else ""
            why = why or ("未作判断" if zh else "not judged")
            lines.append(f"{target}:{why}" if zh else f"{target}: {why}")
            continue
        word, odds = labels.verdict(r.p_meet, lang), labels.odds(r.p_meet, lang)
        line = (f"{target}:{word}({odds};{r.grade}级)" if zh
                else f"{target}: {word} ({odds}; grade {r.grade})")  # fmt: skip
        release = judgement.NEXT_RELEASE.get(r.what_changes) if r.what_changes else None
        if release and not release[0].startswith("("):  # "(目标不变)": no new release is due
            release = labels.fill(release[0 if zh else 1])
            line += f";{release}发布后变化最大" if zh else f"; moves most with {release}"
        lines.append(line)
    return lines


def verdicts(ctx: Context) -> None:
    """Page 1: one line per target in plain words, the verdict scale, the grades in a sentence."""
    lines = verdict_lines(_compared(ctx), ctx.lang)
    head = "结论" if _zh(ctx) else "Verdicts"
    items = "\n".join(f"- {inert(line)}" for line in lines)
    scale = inert(labels.verdict_scale_text(ctx.lang))
    grades = inert(labels.grade_sentence(ctx.lang))
    space = "" if _zh(ctx) else " "
    record_line = track_sentence(ctx.lang)
    record_line = f"\n\n{inert(record_line)}" if record_line else ""
    _md(f"**{head}**\n\n{items}\n\n{scale}{space}{grades}{record_line}")


def track_sentence(lang: str = "zh") -> str:
    """What the committed track record says of these probabilities, in one sentence ('' if
    there is none): the calibrated engine's Brier score on the evaluation years beside the
    base rate's and a coin's, and whether it showed skill."""
    from pxanalysis.track import record

    pub = record.published()
    if pub is None:
        return ""
    ev = pub.scores.loc["evaluation"]
    engine, base, coin = (ev.loc[k] for k in ("engine (calibrated)", "base rate", "coin"))
    n, cut = int(engine["n"]), pub.calibration.cutoff
    skilled = engine["brier"] < min(base["brier"], coin["brier"])
    if lang == "zh":
        verdict = (
            "优于两者"
            if skilled
            else "不如历史实现率或抛硬币:这些概率尚未被证明有预测能力,只宜作粗略参考"
        )
        return (
            f"成绩记录:{cut}年以后{n}个真实目标上,本工具(校准后)的Brier得分{engine['brier']:.3f},"
            f"历史实现率{base['brier']:.3f},抛硬币{coin['brier']:.3f},{verdict}(见第六节)。"
        )
    verdict = (
        "better than both"
        if skilled
        else "worse than the base rate or a coin: these probabilities have not yet shown "
        "skill; read them as rough guides"
    )
    return (
        f"Track record: on {n} real targets after {cut}, this tool's calibrated Brier score was "
        f"{engine['brier']:.3f}, the base rate's {base['brier']:.3f}, a coin's "
        f"{coin['brier']:.3f}: {verdict} (see the track-record section)."
    )


def headline(ctx: Context) -> None:
    """One paragraph: how many of the targets look likely, and GDP's numbers."""
    c = _compared(ctx).set_index("indicator_id")
    n = len(c)
    not_judged = [inert(labels.indicator(i, ctx.lang)) for i in c.index[c["p_meet"].isna()]]
    likely = [inert(labels.indicator(i, ctx.lang)) for i in c.index[c["p_meet"] >= 0.5]]
    unlikely = [inert(labels.indicator(i, ctx.lang)) for i in c.index[c["p_meet"] < 0.25]]
    sep = "、" if _zh(ctx) else ", "
    grades = c["grade"].value_counts().to_dict()
    if _zh(ctx):
        text = (
            f"截至{ctx.scenario.as_of},依据当时可得的全部证据,{n}项主要预期目标中,"
            f"达标概率不低于50%的有{len(likely)}项({sep.join(likely) or '无'}),"
            f"低于25%的有{len(unlikely)}项({sep.join(unlikely) or '无'})"
            + (f",未作判断的{len(not_judged)}项({sep.join(not_judged)})" if not_judged else "")
            + "。"
            + _gdp_sentence(c, "zh")
            + f"证据等级:A级{grades.get('A', 0)}项、B级{grades.get('B', 0)}项、C级{grades.get('C', 0)}项。"
        )
    else:
        text = (
            f"As of {ctx.scenario.as_of}, on all the evidence then available, {len(likely)} of the {n} "
            f"main targets have P(meet) of at least 50% ({sep.join(likely) or 'none'}) and "
            f"{len(unlikely)} below 25% ({sep.join(unlikely) or 'none'})"
            + (f"; {len(not_judged)} not judged ({sep.join(not_judged)})" if not_judged else "")
            + ". "
            + _gdp_sentence(c, "en")
            + f"Grades: A {grades.get('A', 0)}, B {grades.get('B', 0)}, C {grades.get('C', 0)}."
        )
    _md(text)


def _gdp_sentence(c: pd.DataFrame, lang: str) -> str:
    """GDP's median, band and P(meet), where GDP is a target of the report."""
    if "gdp" not in c.index or pd.isna(c.loc["gdp", "median"]):
        return ""
    g = c.loc["gdp"]
    if lang == "zh":
        return (
            f"地区生产总值增速预测中位数{g['median']:.1f}%,80%区间[{g['lo80']:.1f}%, {g['hi80']:.1f}%],"
            f"达到{g['target']:g}%的概率约{g['p_meet']:.0%},按“左右”口径(不低于{g['target'] - ABOUT_BAND:g}%)约{g['p_meet_about']:.0%}。"
        )
    return (
        f"GDP growth: median {g['median']:.1f}%, 80% band [{g['lo80']:.1f}%, {g['hi80']:.1f}%], "
        f"P(>= {g['target']:g}%) about {g['p_meet']:.0%}, 'about' (>= {g['target'] - ABOUT_BAND:g}%) "
        f"{g['p_meet_about']:.0%}. "
    )


def _not_judged_note(c: pd.DataFrame, lang: str) -> str:
    """Why a target has no judgement (no evidence, a level target, thin history)."""
    parts = [
        f"{inert(labels.indicator(r.indicator_id, lang))}:{labels.flag(r.flag, lang)}"
        for r in c.itertuples()
        if pd.isna(r.p_meet) and r.flag in labels.FLAGS
    ]
    if not parts:
        return ""
    return ("未作判断:" if lang == "zh" else " Not judged: ") + ";".join(parts) + "。"


def key_numbers(ctx: Context) -> None:
    """The key-numbers table of the targets, and how to read it."""
    _md(f"## {_t('key_numbers', ctx.lang)}")
    compared = _compared(ctx)
    _table(tables.comparison_table(ctx.scenario, ctx.lang, compared).reset_index())
    not_judged = _not_judged_note(compared, ctx.lang)
    if _zh(ctx):
        note = (
            f"注:*为报告中的“预计”数。达标概率为P(结果≥目标)(能耗为降幅不小于目标);"
            f"目标写作“左右”的,另列P(结果≥目标−{ABOUT_BAND:g})(约定:目标按0.5个百分点一档设定,"
            f"差距在半档以内视为“左右”)。等级的含义见上文“结论”。"
            f"{labels.story(ctx.scenario.name)}{not_judged}"
        )
    else:
        note = (
            f"Note: \\* marks the report's estimate (预计). P(meet) is P(outcome >= target) (energy intensity: a "
            f"decline at least as large); for targets written 左右 (about), P(outcome >= target - "
            f"{ABOUT_BAND:g}) too (convention: targets move in 0.5 pp steps; within half a step is "
            f"'about'). The grades are explained under Verdicts above. "
            f"{labels.story(ctx.scenario.name, 'en')}{not_judged}"
        )
    _md(note)


#: What each shipped scenario assumes, in words (the scenario page).
SCENARIO_STORIES = {
    "baseline": ("每个指标取预测中位数。", "Every indicator at its projected median."),
    "optimistic": (
        "全局经济因子处于其第90百分位:与经济关联越强的指标(登记表中的载荷)上调越多。",
        "The economy-wide factor at its 90th percentile: indicators that move more with the "
        "economy (their registry loading) move up more.",
    ),
    "pessimistic": (
        "全局经济因子处于其第10百分位,按载荷下调。",
        "The economy-wide factor at its 10th percentile, each indicator down by its loading.",
    ),
    "targets_met": (
        "假设每个目标恰好实现:用于测算目标隐含的规模。",
        "Every target met exactly: what the targets imply for the levels.",
    ),
    "custom": (
        "用户为历史太短的指标给出增速假设(含不确定性);与GDP关联的指标随GDP假设移动。",
        "A user's growth assumptions (with their uncertainty); indicators that move with GDP "
        "follow a GDP assumption.",
    ),
}


def scenario_table(ctx: Context, files: list | None = None) -> pd.DataFrame:
    """Every scenario side by side: per target, each scenario's value, and P(meet) where a
    scenario changes the distribution (a custom scenario's assumptions).

    Parameters
    ----------
    files : list of path, optional
        Scenario files to add (default: the custom files of the user's scenario folder).
    """
    zh = _zh(ctx)
    base = ctx.scenario
    shown = {}
    for name in ("baseline", "optimistic", "pessimistic", "targets_met"):
        shown[labels.scenario(name, ctx.lang)] = dataclasses.replace(base, name=name)
    if files is None:
        folder = paths.user_scenario_dir()
        files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    for file in files:
        try:
            sc = scenarios.load(file)
        except PxError:
            continue  # an invalid file is reported by `brief --scenario all`, not here
        if sc.name == "custom" and (sc.region, sc.year) == (base.region, base.year):
            shown[file.stem] = dataclasses.replace(sc, as_of=base.as_of)
    columns = {}
    first = None
    for title, sc in shown.items():
        c = comparison.compare_targets(sc).set_index("indicator_id")
        first = c if first is None else first
        value = c["scenario_value"].map(lambda v: "—" if pd.isna(v) else f"{v:.1f}%")
        if sc.name == "custom":
            value = value + " / " + c["p_meet"].map(_pct)
        columns[title] = value
    table = pd.DataFrame(columns)
    name_col = "指标" if zh else "indicator"
    target_col = "目标" if zh else "target"
    p_col = "达标概率(基准)" if zh else "P(meet), baseline"
    table.insert(0, p_col, first["p_meet"].map(_pct))
    table.insert(0, target_col, first["target"].map(lambda v: f"{v:g}%"))
    table.insert(0, name_col, [labels.indicator(i, ctx.lang) for i in table.index])
    return table.reset_index(drop=True)


def scenario_page(ctx: Context) -> None:
    """One page for the scenarios: what each assumes and what it changes, side by side."""
    zh = _zh(ctx)
    _md(f"## {'情景对比' if zh else 'Scenarios side by side'}")
    stories = "\n".join(
        f"- **{labels.scenario(name, ctx.lang)}**:{text[0]}" if zh
        else f"- **{labels.scenario(name, ctx.lang)}**: {text[1]}"
        for name, text in SCENARIO_STORIES.items()
    )  # fmt: skip
    _md(stories)
    _table(scenario_table(ctx))
    _md(
        "表中为各情景下各指标的取值;乐观、悲观与“目标均实现”只移动取值,不改变预测分布,故达标概率相同;"
        "自定义情景(用户文件)改变分布,列出“取值 / 达标概率”。"
        if zh
        else "Each scenario's value per target. Optimistic, pessimistic and targets-met move the "
        "value, not the distribution, so P(meet) is the baseline's; a custom scenario (a user's "
        "file) changes the distribution: 'value / P(meet)'."
    )


def fan_charts(ctx: Context) -> None:
    """The fan charts of the targets, target marked, grade C hatched."""
    _md(f"## {_t('fans', ctx.lang)}")
    plots.show(plots.fan_chart_grid(ctx.scenario, ctx.lang))
    _md(fan_captions(_compared(ctx), ctx.lang))


def fan_captions(c: pd.DataFrame, lang: str) -> str:
    """The fan charts in words: one line per target (median, 80 % band, target, P(meet), grade)."""
    zh = lang == "zh"
    lines = [
        "每幅图:实线为已公布的历年增速,空心点为报告预计数,橙色扇形为目标年份80%(深)与95%(浅)区间,"
        "斜线表示C级(证据锚定)区间,红星为目标。各图纵轴、横轴各自独立。"
        if zh
        else "Each chart: the line is the published growth history, a hollow dot the report's "
        "estimate, the orange fan the target year's 80 % (dark) and 95 % (light) band, hatched "
        "for grade C (anchored on evidence), the red star the target. Each chart has its own axes."
    ]
    for r in c.itertuples():
        name = inert(labels.indicator(r.indicator_id, lang) if r.indicator_id else r.indicator)
        if pd.isna(r.median):
            lines.append(
                f"- **{name}**:"
                + ("历史太短,无预测。" if zh else " history too thin: no projection.")
            )
            continue
        if zh:
            lines.append(
                f"- **{name}**:中位数{r.median:.1f}%,80%区间{r.lo80:.1f}%至{r.hi80:.1f}%;"
                f"目标{r.target:g}%,达标概率{r.p_meet:.0%}(证据等级{r.grade})。"
            )
        else:
            lines.append(
                f"- **{name}**: median {r.median:.1f}%, 80% band {r.lo80:.1f}% to {r.hi80:.1f}%; "
                f"target {r.target:g}%, P(meet) {r.p_meet:.0%} (grade {r.grade})."
            )
    return "\n".join(lines)


def through_the_year(ctx: Context) -> None:
    """The latest release of each indicator, its nowcast against January, and P(meet)'s path."""
    _md(f"## {_t('through_year', ctx.lang)}")
    c = _compared(ctx)
    released = c[c["ytd_month"] > 0]
    if released.empty:
        _md(
            f"截至{ctx.scenario.as_of},尚无{ctx.scenario.year}年年内累计数据发布;以上为年初判断。"
            if _zh(ctx)
            else f"No {ctx.scenario.year} year-to-date release was out by {ctx.scenario.as_of}: "
            "the judgements above are January's."
        )
        return
    zh = _zh(ctx)
    rows = []
    for r in released.itertuples():
        rows.append(
            {
                labels.text("indicator", ctx.lang): labels.indicator(r.indicator_id, ctx.lang),
                (
                    "最新累计" if zh else "Latest release"
                ): f"1-{r.ytd_month}{'月' if zh else ''}: {r.ytd_growth:g}%",
                ("年初预测中位数" if zh else "January median"): f"{r.median_january:.1f}",
                ("年初达标概率" if zh else "January P(meet)"): f"{r.p_meet_january:.0%}",
                ("现时预测中位数" if zh else "Nowcast median"): f"{r.median:.1f}",
                ("现时达标概率" if zh else "Nowcast P(meet)"): f"{r.p_meet:.0%}",
            }
        )
    _table(pd.DataFrame(rows))
    scale, coverage, n_pairs = nowcast.calibration_factor(ctx.scenario.as_of)
    _md(
        (
            f"现时预测:全年增速 = 已过月份占全年比重×累计增速 + 其余月份按年初预测(其离散度乘以{scale:.2f},"
            f"该系数依据{n_pairs}组其他地区(上级地区及全国)的“年内累计—全年”数据校准,80%区间覆盖率{coverage:.0%});"
            "投资按“前低后高”的假定进度折算;到12月即为公布数。"
        )
        if zh
        else (
            f"Nowcast: full year = share of the year covered x year-to-date growth + the rest of the "
            f"year from the January projection (its spread x {scale:.2f}, calibrated on {n_pairs} "
            f"other regions' (parent and national) year-to-date/full-year pairs, 80% coverage {coverage:.0%}); "
            "investment follows an assumed back-loaded profile; at month 12 it is the released figure."
        )
    )
    figure = plots.meet_path_chart(ctx.scenario, ctx.lang)
    if figure is not None:
        plots.show(figure)


def evidence(ctx: Context) -> None:
    """Per target: the evidence used and what would change the judgement most; every input's source."""
    _md(f"## {_t('evidence', ctx.lang)}")
    _table(tables.evidence_table(ctx.scenario, ctx.lang, _compared(ctx)))
    value, _, kind = target_shortfall()
    level = labels.level(data.current().level, ctx.lang)
    if kind == "derived" and _zh(ctx):
        shortfall = (
            labels.fill("“{self}目标−缺口”:")
            + f"缺口取{value:g}个百分点:跟踪记录开发年份(2019年及以前)中{level}级目标减实际结果的中位数"
            "(见“跟踪记录”一节,规则事先登记于 data/ledger/PREREGISTRATION.md)。"
        )
    elif kind == "derived":
        shortfall = (
            f"'Own target - shortfall': the shortfall is {value:g} pp, the median of target minus "
            f"outcome for {level}-level targets in the track record's development years (up to "
            "2019; see the track-record section; rule pre-registered in data/ledger/PREREGISTRATION.md)."
        )
    elif _zh(ctx):
        shortfall = (
            labels.fill("“{self}目标−缺口”:")
            + f"各地实际结果平均低于目标约{value:g}个百分点(江西省“十三五”GDP目标年均8.5%,实际7.6%;"
            "市级目标实现度低于省级、2013年后增长目标普遍未实现——吕冰洋、张兆强,2022;2021年约八成省份完成GDP目标——财联社)。"
        )
    else:
        shortfall = (
            f"'Own target - shortfall': local outcomes fall about {value:g} pp short of "
            "targets on average (Jiangxi's 2016-20 GDP target 8.5%/yr, outcome 7.6%; city targets are met "
            "less often than provincial ones, and growth targets were generally missed after 2013: 吕冰洋 & "
            "张兆强 2022; about 80% of provinces met their 2021 GDP target: 财联社)."
        )
    _md(shortfall)


def evidence_sources(ctx: Context) -> None:
    """Every input of every judgement with its source, trust and date."""
    _md(f"## {_t('evidence_sources', ctx.lang)}")
    _table(tables.sources_table(ctx.scenario, ctx.lang), wrap=True)


def backtest_summary(ctx: Context) -> None:
    """The honest backtest of GDP, the rule that chose the default, and grade C's coverage."""
    _md(f"## {_t('backtest', ctx.lang)}")
    _table(tables.backtest_table("gdp", ctx.lang, ctx.scenario.as_of))
    thin = anchored.thinning_backtest(ctx.scenario.as_of)
    cal = thin[thin["calibrated"]]
    cov, n = float(cal["in80"].mean()), len(cal)
    cov_np = float(cal.loc[~cal["pandemic"], "in80"].mean())
    if _zh(ctx):
        text = (
            "实时回测:每个起点只用当时已知的数据预测下一年(或后两年),只按真实步长计入(2017年缺失,2016→2018只算提前两年);"
            f"区间是实际发布的、按此前误差校准后的区间;{_pool_text('zh')}合并计算,“预测次数”即起点数。"
            "“配对差”为与朴素均值法逐次绝对误差之差的均值,负值表示更准。"
            f"\n\n{selection.RULE['zh']}\n\n"
            f"C级(证据锚定)区间的校准:在过去各起点,只用C级指标拥有的证据种类(上年数与更早年份的均值)对GDP做锚定预测,"
            f"按其实时误差确定区间宽度;其80%区间实时覆盖率为{cov:.0%}({n}次,不含疫情年份{cov_np:.0%})。"
        )
    else:
        text = (
            "Real-time backtest: each origin projects the next year (or the one after) from what was "
            "known then, at true horizons only (2017 is missing, so 2016 -> 2018 counts as two years "
            f"ahead); the intervals are the shipped, calibrated ones; {_pool_text('en')} pooled; "
            "n is the number of origins. 'Paired diff' is the mean difference of absolute "
            f"errors against the naive mean (negative: better).\n\n{selection.RULE['en']}\n\n"
            "Grade C bands: at every past origin GDP was projected with only the kinds of evidence a "
            "grade C indicator has (the last figure and an older average), and the band sized by those "
            f"real-time errors; its 80% real-time coverage is {cov:.0%} ({n} forecasts; "
            f"{cov_np:.0%} outside the pandemic years)."
        )
    chosen = ledger.calibration()
    if chosen is not None and chosen["method"] != "auto":
        name = labels.method(chosen["method"], ctx.lang)
        text += (
            f"\n\n这条规则已被跟踪记录取代:本简报的默认方法为{name}({chosen['method']}),"
            f"即{chosen['cutoff']}年及以前的真实目标上实时对数得分最好的方法(见第六节)。"
            if _zh(ctx)
            else f"\n\nThis rule has been superseded by the track record: the brief's default "
            f"method is {name} ({chosen['method']}), the best real-time log score on the ledger's "
            f"targets up to {chosen['cutoff']} (see the track-record section)."
        )
    _md(text)


def _pct(x: float) -> str:
    return "—" if pd.isna(x) else f"{x:.0%}"


def track_record(ctx: Context) -> None:
    """How the tool's past probabilities fared on real targets (the committed track record).

    Per target of this report: of the past ledger targets the tool judged in the same
    20-point band, how many were met; the scores of the evaluation years against the
    baselines; the reliability chart.
    """
    from pxanalysis.track import record

    zh = _zh(ctx)
    _md(f"## {_t('track_record', ctx.lang)}")
    pub = record.published()
    if pub is None:
        _md("尚无成绩记录:运行 `make track-record`。" if zh
            else "No track record yet: run `make track-record`.")  # fmt: skip
        return
    c = _compared(ctx)
    spread = comparison.method_range(ctx.scenario)
    column = "p_calibrated" if pub.calibration.adopted else "p_meet"
    rows = []
    for r in c.itertuples():
        if pd.isna(r.p_meet):
            continue
        band, n, share = pub.like_this(float(r.p_meet), column)
        name = labels.indicator(r.indicator_id, ctx.lang) if r.indicator_id else r.indicator
        low, high = spread.loc[r.indicator_id, ["p_min", "p_max"]]
        methods = f"{_pct(low)}–{_pct(high)}"
        if zh:
            rows.append({"指标": name, "本次实现概率": _pct(r.p_meet), "各方法范围": methods,
                         "过往同档判断": band, "过往目标数": n, "其中实现": _pct(share)})  # fmt: skip
        else:
            rows.append({"indicator": name, "P(meet) now": _pct(r.p_meet), "across methods": methods,
                         "past band": band, "past targets": n, "share met": _pct(share)})  # fmt: skip
    evaluation = pub.scores.loc["evaluation"]
    n_eval = int(evaluation["n"].iloc[0])
    n_all = len(pub.replayed)
    cut = pub.calibration.cutoff
    if zh:
        _md(
            f"台账中有{n_all}个真实目标及其实际结果(国家、省、市、县各级),每个目标都按其报告发布之日已知的信息重新判断。"
            f"下表:对本报告每个目标,各预测方法(last、mean3、trend、combo)给出的实现概率范围,以及过往被判断在同一概率档的目标中实际实现的比例。"
            f"校准只用{cut}年及以前的目标;{cut}年以后的{n_eval}个目标只评分一次。"
        )
    else:
        _md(
            f"The ledger holds {n_all} real targets with their outcomes (national, provincial, city "
            "and county), each judged again with only what was known on its report's date. The table: "
            "for each target of this report, P(meet) across the methods (last, mean3, trend, combo) "
            "and the share met among past targets the tool put in the same "
            f"band. Calibration used target years up to {cut}; the {n_eval} later targets were "
            "scored once."
        )
    if rows:
        _table(pd.DataFrame(rows))
    names = {"engine (calibrated)": ("本工具(校准后)", "this tool (calibrated)"),
             "engine (raw, auto)": ("本工具(未校准)", "this tool (raw)"),
             "base rate": ("历史实现率", "base rate"), "last year": ("上年结果是否达标", "last year"),
             "coin": ("抛硬币(50%)", "coin (50%)")}  # fmt: skip
    table = pd.DataFrame(
        [
            {
                ("预测" if zh else "forecast"): names.get(k, (k, k))[0 if zh else 1],
                "Brier": f"{v['brier']:.3f}",
                ("对数得分" if zh else "log score"): f"{v['log_score']:.3f}",
                (
                    "相对历史实现率的技能" if zh else "skill vs base rate"
                ): f"{v['skill_vs_base_rate']:+.2f}",
            }
            for k, v in evaluation.iterrows()
        ]  # fmt: skip
    )
    _md(f"**{'评估年份得分' if zh else 'Scores on the evaluation years'}** (n = {n_eval})")
    _table(table)
    _md(track_sentence(ctx.lang))
    fresh = record.published_fresh()
    if fresh is not None:
        engine, base, coin = (fresh.loc[k] for k in ("engine (calibrated)", "base rate", "coin"))
        n_fresh = int(engine["n"])
        _md(
            f"第二次检验:评分之后新收集的{n_fresh}个真实目标,校准参数冻结、只评分一次:"
            f"本工具Brier得分{engine['brier']:.3f},历史实现率{base['brier']:.3f},"
            f"抛硬币{coin['brier']:.3f}。"
            if zh
            else f"A second test: {n_fresh} real targets collected after that run, scored once "
            f"with the calibration frozen: this tool's Brier score {engine['brier']:.3f}, the "
            f"base rate's {base['brier']:.3f}, a coin's {coin['brier']:.3f}."
        )
    plots.show(plots.reliability_chart(pub.reliability, ctx.lang))


def commitments(ctx: Context) -> None:
    """The quantified work-plan commitments of the target year, by area."""
    _md(f"## {_t('commitments', ctx.lang)}")
    table = tables.commitments_by_area(ctx.lang)
    if table.empty:
        _md(
            "报告文本中没有量化的工作任务(或文本只是摘录)。"
            if _zh(ctx)
            else "The report's text holds no quantified commitment (or is an excerpt)."
        )
        return
    _table(table)


def _pool_text(lang: str, as_of=None) -> str:
    """Which series the real-time errors pool: the region and its peers of the same level."""
    n = len(series.panel_series("gdp", as_of)) - 1
    if lang == "zh":
        text = labels.fill(f"{{region}}与数据中{n}个同级地区") if n else labels.fill("{region}自身")
    else:
        text = (
            labels.fill(f"{{region_en}} and {n} peer regions of its level")
            if n
            else labels.fill("{region_en} alone")
        )
    return inert(text)


def _history_text(lang: str, as_of=None) -> str:
    """The caveat on the region's own history: what it holds, indicator by indicator."""
    held = []
    for indicator in data.target_ids():
        own = series.growth_series(indicator, as_of)
        if len(own):
            name = inert(labels.indicator(indicator, lang))
            years = f"{int(own.index.min())}-{int(own.index.max())}"
            held.append(f"{name} {len(own)}{'个观测' if lang == 'zh' else ' obs'} ({years})")
    gaps = ""
    gdp = series.growth_series("gdp", as_of) if "gdp" in data.target_ids() else None
    if gdp is not None and len(gdp) > 1:
        missing = sorted(
            set(range(int(gdp.index.min()), int(gdp.index.max()) + 1)) - set(gdp.index)
        )
        if missing:
            gaps = (
                f"GDP缺{'、'.join(map(str, missing))}年;"
                if lang == "zh"
                else f"GDP lacks {', '.join(map(str, missing))}; "
            )
    if lang == "zh":
        listed = "、".join(held) if held else "无"
        return inert(labels.fill("{region}")) + (
            f"的年度序列(本地区往年政府工作报告及共享数据包):{listed};{gaps}"
            f"不足4个观测的指标按C级证据锚定判断;{_pool_text('zh', as_of)}的GDP增速用于校准。"
        )
    listed = "; ".join(held) if held else "none"
    return (
        inert(labels.fill("{region_en}"))
        + f"'s annual series (its earlier reports and the shared packages): {listed}; "
        f"{gaps}indicators with fewer than 4 observations are judged from anchors (grade C); "
        f"the GDP growth of {_pool_text('en', as_of)} for calibration. "
    )


def _caveats(lang: str) -> str:
    review = data.current().review_year
    if lang == "zh":
        return f"""\
- **信息截至日**:每个判断只使用截至该日已公布的数据(每条历史数据都记录了最早可知日期;统计公报类数据按次年4月底计,往年政府工作报告按其发布日期计)。报告中的{review}年数作为最后一个数据点,其中“预计”数另加{ESTIMATE_SD:g}个百分点的不确定性(按其在预测中的权重折算)。
- **区间**:点预测来自方法本身;区间宽度来自同一方法在真实步长下的实时预测误差({_pool_text("zh")}合并,近10个非疫情年份),可放宽也可收窄;误差偏斜时用两段正态分布。2020—2022年疫情年份的误差不计入主体区间,而作为概率{SHOCK_PROBABILITY:g}的冲击成分保留在尾部。
- **C级判断**:综合{review}年数、2016—2020年均增速、与GDP(或投资)的联动、{inert(labels.fill("{parent}目标加与{parent}的增速差距、{self}目标减平均缺口"))}等证据,按事先确定的权重加权;区间按“对GDP作同样稀疏证据的锚定预测”的实时误差确定,乘以各指标相对GDP的波动倍数,并计入各证据之间的分歧。
- **情景**:乐观、悲观情景移动同一个整体经济因子,各项指标按其与经济的联动程度同步变化,而非各取各的分位数。
- **历史数据**:{_history_text("zh")}第四次、第五次经济普查后总量口径变化,不跨口径用总量计算增速。
- **关于地方目标**:文献表明增长目标逐级加码,实际公布增速常接近目标,但2013年后市级目标普遍未完成(吕冰洋、张兆强,2022);地方统计可能高估增长(Chen等,BPEA 2019)。
"""
    return f"""\
- **Information date**: each judgement uses only data published by then (every history row records when it could first be known; statistical bulletins count from the end of April of the next year). The report's {review} figures are the last data point; an estimate (预计) adds {ESTIMATE_SD:g} pp of uncertainty, through its weight in the forecast.
- **Intervals**: the point comes from the method; the width from the same method's real-time errors at the same true horizon ({_pool_text("en")} pooled, the last 10 non-pandemic years), widened or narrowed; a two-piece normal where the errors are skewed. Errors of the pandemic years 2020-2022 stay out of the core and form a shock component of probability {SHOCK_PROBABILITY:g} in the tails.
- **Grade C**: the report's {review} figure, the 2016-2020 average, co-movement with GDP (or investment), {inert(labels.fill("{parent_en}"))}'s target plus the region-parent gap, and the region's own target less the usual shortfall, weighted as fixed in advance; the band from the real-time errors of the same thin-evidence method applied to GDP, times each indicator's volatility relative to GDP, plus the disagreement between the anchors.
- **Scenarios**: optimistic and pessimistic move one economy-wide factor; the indicators move together by their co-movement, not by independent quantiles.
- **History**: {_history_text("en")} Levels change basis with the economic censuses; growth is never computed across them.
- **Local targets**: targets are amplified down the hierarchy and reported growth often lands near them, but city growth targets were generally missed after 2013 (吕冰洋 & 张兆强 2022); local statistics may overstate growth (Chen et al., BPEA 2019).
"""


def method_and_caveats(ctx: Context) -> None:
    """Information date, intervals, grade C, scenarios, history and the literature on targets."""
    _md(f"## {_t('method_caveats', ctx.lang)}\n\n{_caveats(ctx.lang)}")


def sources(ctx: Context) -> None:
    """The report and every history source the projections used."""
    report = data.current()
    obs = data.history_observations(ctx.scenario.as_of)
    mine = obs[(obs["geo"] == report.region) & obs["preferred"] & (obs["kind"] != "derived")]
    titles = sorted(set(mine["source_title"]))
    panel = data.known_by(data.load_table("city_panel"), ctx.scenario.as_of)
    titles += sorted(set(panel.loc[panel["geo"] == report.region, "source_title"]) - set(titles))
    parent = obs[obs["geo"] == (report.parent or "")]
    up = sorted(set(parent["source_title"]))
    figures = f"data/{report.region}/{report.year}/figures.csv"
    where = f"; {inert(report.source)}" if report.source else ""
    title = inert(report.title)
    if ctx.lang == "zh":
        head = f"- 《{title}》{where}(每个数字附原文引语,见 `{figures}`)\n"
        mid = inert(labels.fill("{region}")) + "历史数据(可信度与修订规则见各共享数据包的说明):"
        prov = inert(labels.fill("{parent}")) + "(仅作背景):"
    else:
        head = f"- {title}{where} (every figure with its verbatim quote: `{figures}`)\n"
        mid = inert(labels.fill("{region_en}")) + (
            " history (trust and revision rules: each shared package's README):"
        )
        prov = inert(labels.fill("{parent_en}")) + " (context only):"
    lines = [f"## {_t('sources', ctx.lang)}", "", head, f"{mid}", ""]
    lines += [f"- {inert(t)}" for t in titles]
    lines += ["", prov, ""] + [f"- {inert(t)}" for t in up]
    _md("\n".join(lines))
