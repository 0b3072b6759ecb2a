"""The content of a brief: each function is one section of ``notebooks/brief.ipynb``.

A section either returns an object the notebook displays (a DataFrame) or
displays itself (Markdown, a figure). All reader-facing text is bilingual.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

import pandas as pd
from IPython.display import HTML, Markdown, display

from pxanalysis import data, params
from pxanalysis.engine import backtest, comparison, scenarios
from pxanalysis.present import labels, plots, style, tables


@dataclass
class Context:
    """What every section needs: validated parameters, the scenario, the language."""

    params: dict
    scenario: scenarios.Scenario
    lang: str
    title: str


def standard_title(scenario: scenarios.Scenario, lang: str = "zh") -> str:
    """The library's standard brief title."""
    if lang == "zh":
        return (
            f"萍乡市2024年主要经济指标预期目标实现情况研判({labels.scenario(scenario.name, 'zh')})"
        )
    return f"Pingxiang 2024: main indicators against the targets ({labels.scenario(scenario.name, 'en')})"


def resolve(values: dict) -> dict:
    """Validate brief parameters (see :func:`pxanalysis.params.resolve_brief`)."""
    return params.resolve_brief(values)


def setup(namespace: dict) -> Context:
    """First call of the brief notebook: validate the parameters, set the style.

    Parameters
    ----------
    namespace : dict
        The notebook's ``globals()`` after papermill injected the parameters.
    """
    p = resolve(namespace)
    scenario = scenarios.from_params({k: p[k] for k in params.NOTEBOOK_PARAMS["scenario_file"]})
    style.setup_notebook()
    title = p["title"] or standard_title(scenario, p["lang"])
    return Context(params=p, scenario=scenario, lang=p["lang"], title=title)


def _md(text: str):
    display(Markdown(text))


def _table(frame: pd.DataFrame) -> None:
    """Display a table without its index (deterministic HTML, for nbval and the PDF)."""
    display(HTML(frame.to_html(index=False, na_rep="", border=0, classes="px-table")))


_t = labels.text


def title_block(ctx: Context) -> None:
    """Title, scenario, method and date."""
    today = dt.date.today().isoformat()
    lang = ctx.lang
    _md(
        f"# {escape(ctx.title)}\n\n"
        f"**{_t('scenario', lang)}**:{labels.scenario(ctx.scenario.name, lang)} · "
        f"**{_t('method', lang)}**:{ctx.scenario.method} · "
        f"**{_t('date', lang)}**:{today}\n\n{_t('data_note', lang)}"
    )


def headline(ctx: Context) -> None:
    """One paragraph: the GDP projection against its target, and what cannot be projected."""
    c = comparison.compare_targets(ctx.scenario).set_index("indicator_id")
    g = c.loc["gdp"]
    thin = [labels.indicator(i, ctx.lang) for i in c.index[c["flag"] == "insufficient_history"]]
    names = "、".join(thin) if ctx.lang == "zh" else ", ".join(thin)
    if ctx.lang == "zh":
        text = (
            f"按历史增速({g['method']}方法,{g['n_obs']}个年度观测),2024年地区生产总值增速预测中位数为"
            f"{g['median']:.1f}%,80%区间为[{g['lo80']:.1f}%, {g['hi80']:.1f}%];"
            f"达到{g['target']:g}%左右目标的概率约为{g['p_meet']:.0%}。"
            f"本情景取值为{g['scenario_value']:.1f}%。"
        )
        if len(thin):
            text += f"\n\n{names}等{len(thin)}项指标历史数据不足(少于4个年度观测),未作模型预测;可在自定义情景中给出增速假设。"
    else:
        text = (
            f"From historical growth ({g['method']}, {g['n_obs']} annual observations), the median "
            f"projection of 2024 GDP growth is {g['median']:.1f}%, 80% interval "
            f"[{g['lo80']:.1f}%, {g['hi80']:.1f}%]; the probability of reaching the ~{g['target']:g}% "
            f"target is about {g['p_meet']:.0%}. This scenario's value is {g['scenario_value']:.1f}%."
        )
        if len(thin):
            text += (
                f"\n\n{len(thin)} indicators ({names}) have too little history (fewer than 4 annual "
                "observations) for a model projection; give growth assumptions in a custom scenario."
            )
    _md(text)


def key_numbers(ctx: Context) -> None:
    """The key-numbers table for the nine main indicators."""
    _md(f"## {_t('key_numbers', ctx.lang)}")
    _table(tables.comparison_table(ctx.scenario, ctx.lang).reset_index())


def fan_charts(ctx: Context) -> None:
    """The nine fan charts, target marked."""
    _md(f"## {_t('fans', ctx.lang)}")
    plots.show(plots.fan_chart_grid(ctx.scenario, ctx.lang))


def backtest_summary(ctx: Context) -> None:
    """Rolling-origin accuracy of each method for GDP, one and two years ahead."""
    _md(f"## {_t('backtest', ctx.lang)}")
    frames = []
    for h in (1, 2):
        s = backtest.summary(backtest.backtest("gdp", horizon=h)).round(2)
        s.insert(0, "horizon", h)
        frames.append(s.reset_index())
    out = pd.concat(frames, ignore_index=True)
    if ctx.lang == "zh":
        out = labels.zh_columns(out.rename(columns={"method": "方法"}))
        note = (
            "每年只用此前的数据预测,再与实际值比较;“相对均值法MAE”小于1表示优于历史均值这一朴素基准。"
            "默认方法 combo 在提前一年和两年的回测中平均绝对误差都不高于均值法,区间覆盖率也最接近名义水平。"
        )
    else:
        note = (
            "Each year is projected from earlier data only and compared with the outcome; "
            "'rel_mae_vs_mean' below 1 beats the naive historical mean. The default, combo, has an "
            "MAE no worse than the mean at one and two years ahead, and coverage closest to nominal."
        )
    _md(note)
    _table(out)


def commitments(ctx: Context) -> None:
    """The quantified 2024 work-plan commitments by area."""
    _md(f"## {_t('commitments', ctx.lang)}")
    _table(tables.commitments_by_area(ctx.lang))


CAVEATS = {
    "zh": """\
- **方法**:对每项指标的年度实际增速,分别用历史均值(最近5年,朴素基准)、末值(随机游走)、线性趋势(OLS)、AR(1)状态空间模型和阻尼趋势指数平滑进行预测;默认 `combo` 为各可用方法预测分布的等权混合。80%/95%区间来自模型;若滚动回测的均方根误差大于模型标准差,则按回测误差放宽区间(英格兰银行1996年前的做法)。乐观/悲观情景取同一预测分布的分位数(默认90%/10%)。
- **历史数据很少**:萍乡只有2011–2016年和2018–2022年的地区生产总值实际增速(缺2017年和2023年),其余8项指标几乎没有年度历史,因此不作模型预测,只能在自定义情景中给出假设。2023年数据多为报告中的“预计”数,未用于模型。
- **口径变化**:第四次全国经济普查后,2019年以后的地区生产总值总量与此前不可比;本工具只使用实际增速,不跨口径用总量计算增速。
- **关于地方目标**:文献表明,地方增长目标逐级加码(Li等,2019),实际公布增速通常达到或略高于目标,目标事实上是下限(徐现祥、刘毓芸,2017);地方统计数据可能高估增长约1.7个百分点(Chen等,BPEA 2019)。因此仅凭历史增速的预测在经济放缓时常低于目标,这是预期之中的,而非需要“修正”的问题。国际货币基金组织的评估显示,近期平均增速这一朴素预测很难被超越。
""",
    "en": """\
- **Method**: each indicator's annual real growth is projected with the historical mean (last 5 years, the naive benchmark), the last value (random walk), a linear trend (OLS), an AR(1) state-space model and damped-trend exponential smoothing; the default `combo` is an equal-weight mixture of the available methods' predictive distributions. The 80%/95% intervals come from the models, widened to the rolling-origin backtest RMSE where that is larger than the model's standard deviation (the Bank of England's pre-1996 approach). Optimistic/pessimistic scenarios are quantiles (default 90%/10%) of the same predictive distribution.
- **History is thin**: Pingxiang has real GDP growth for 2011–2016 and 2018–2022 only (2017 and 2023 missing); the other eight indicators have almost no annual history, so they get no model projection, only user assumptions in a custom scenario. The 2023 figures are mostly the report's estimates (预计) and are not used by the models.
- **Census revisions**: after the 4th economic census, GDP levels from 2019 are not comparable with earlier ones; the tool uses real growth rates and never computes growth from levels across the break.
- **Local targets**: the literature finds that targets are amplified down the hierarchy (Li et al., 2019), reported growth usually meets or slightly exceeds the target, which acts as a floor (Xu & Liu, 2017), and local statistics may overstate growth by about 1.7 pp (Chen et al., BPEA 2019). A projection from history alone will therefore often sit below the target in a slowing economy: this is expected, not something to fix. IMF evaluations find the naive recent-average forecast hard to beat.
""",
}


def method_and_caveats(ctx: Context) -> None:
    """Method, thin history, census revisions and the literature on local targets."""
    _md(f"## {_t('method_caveats', ctx.lang)}\n\n{CAVEATS[ctx.lang]}")


def sources(ctx: Context) -> None:
    """The report and every history source the projections used."""
    obs = data.history_observations()
    used = obs[(obs["geo"] == "pingxiang") & obs["preferred"] & (obs["kind"] != "derived")]
    titles = sorted(set(used["source_title"]))
    jx = sorted(set(obs.loc[obs["geo"] == "jiangxi", "source_title"]))
    if ctx.lang == "zh":
        head = "- 《奋力谱写中国式现代化萍乡篇章——2024年政府工作报告要点摘登》(每个数字附原文引语,见 `data/pingxiang/2024/figures.csv`)\n"
        mid, prov = (
            "萍乡历史数据(可信度与修订规则见 `data/pingxiang/history/README.md`):",
            "江西省(仅作背景):",
        )
    else:
        head = "- Pingxiang 2024 government work report highlights (every figure with its verbatim quote: `data/pingxiang/2024/figures.csv`)\n"
        mid, prov = (
            "Pingxiang history (trust and revision rule: `data/pingxiang/history/README.md`):",
            "Jiangxi province (context only):",
        )
    lines = [f"## {_t('sources', ctx.lang)}", "", head, f"{mid}", ""]
    lines += [f"- {t}" for t in titles]
    lines += ["", prov, ""] + [f"- {t}" for t in jx]
    _md("\n".join(lines))
