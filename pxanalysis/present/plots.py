"""Charts with Chinese text. Every function returns a matplotlib Figure."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator, PercentFormatter

from pxanalysis import data
from pxanalysis.engine import comparison, judgement, nowcast, scenarios, series
from pxanalysis.engine.meet import meet_probabilities
from pxanalysis.present import labels
from pxanalysis.present.markup import chart_text


def target_vs_review(lang: str = "zh") -> Figure:
    """Horizontal bars: each main target beside the report's figure for the review year.

    Estimates (预计) are hatched; indicators without a review-year figure show
    the target alone. A decline target (energy intensity) is drawn negative.

    Parameters
    ----------
    lang : {'zh', 'en'}

    Returns
    -------
    matplotlib.figure.Figure
    """
    t = data.targets().iloc[::-1]
    names = [chart_text(labels.indicator(i, lang)) for i in t.index]
    y = np.arange(len(t))
    fig, ax = plt.subplots(figsize=(8, 5))
    height = 0.38
    ax.barh(
        y + height / 2, t["value"], height, color="#c0392b", label=labels.text("target_2024", lang)
    )
    has_2023 = t["value_review"].notna()
    for is_estimate in (False, True):
        sel = has_2023 & ((t["kind_review"] == "estimate") == is_estimate)
        kind = "estimate" if is_estimate else "actual"
        ax.barh(
            y[sel.to_numpy()] - height / 2,
            t.loc[sel, "value_review"],
            height,
            color="#7f8c8d",
            hatch="//" if is_estimate else None,
            edgecolor="white",
            label=f"{labels.text('value_review', lang)} ({labels.kind(kind, lang)})",
        )
    for yi, value in zip(y, t["value"], strict=True):
        ax.annotate(
            f"{value:g}",
            (value, yi + height / 2),
            xytext=(3 if value >= 0 else -3, 0),
            textcoords="offset points",
            va="center",
            ha="left" if value >= 0 else "right",
            fontsize=9,
        )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, names)
    ax.set_xlabel(labels.text("growth_pct", lang))
    ax.set_title(labels.text("chart_target_vs_2023", lang))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=9, frameon=False)
    fig.text(0.01, 0.01, chart_text(labels.text("source_note", lang)), fontsize=8, color="#555555")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def show(fig: Figure) -> None:
    """Display a figure once in a notebook and close it.

    Closing keeps the inline backend from showing it a second time and keeps
    memory flat when a notebook draws many charts.
    """
    display(fig)
    plt.close(fig)


def fan_chart(indicator: str, scenario=None, lang: str = "zh", ax=None, bands=(80, 95)):
    """History, the target year's projection (80/95 %) from the last point, and the target.

    The band of a grade C (anchored) judgement is drawn hatched: it rests on
    evidence, not on the city's own series. A year-to-date release known on the
    scenario's date is marked at the target year (◆) and the band is its nowcast.

    Parameters
    ----------
    indicator : str
        A target id of the current report.
    scenario : pxanalysis.engine.scenarios.Scenario, optional
        Method, window, assumptions, the date; default baseline.
    lang : {'zh', 'en'}
    ax : matplotlib Axes, optional
    bands : tuple of {80, 95}
        Which intervals to draw.

    Returns
    -------
    matplotlib.figure.Figure
    """
    scenario = scenario or scenarios.Scenario()
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 3.6))
    else:
        fig = ax.figure
    t = data.targets(scenario.year).loc[indicator]
    own = series.growth_series(indicator, scenario.as_of)
    own = own[own.index < scenario.year]
    actual = own[own["kind"] == "actual"]
    if len(actual):
        ax.plot(actual.index, actual["value"], "o-", color="#2c3e50", ms=3, lw=1.2,
                label=labels.text("history", lang))  # fmt: skip
    estimate = own[own["kind"] == "estimate"]
    if len(estimate):
        ax.plot(estimate.index, estimate["value"], "o", mfc="white", mec="#2c3e50", ms=5,
                label=labels.text("estimate_2023", lang))  # fmt: skip
    p = comparison.indicator_projection(indicator, scenario)
    title = chart_text(labels.indicator(indicator, lang))
    if p.dist is None:
        msg = f"{labels.text('thin_history', lang)} (n={p.n_obs})\n{labels.text('no_projection', lang)}"
        ax.text(0.5, 0.5, msg, transform=ax.transAxes, ha="center", va="center", fontsize=9,
                color="#7f8c8d")  # fmt: skip
    else:
        q = p.quantiles()
        start = (int(own.index[-1]), float(own["value"].iloc[-1])) if len(own) else None
        from_last = start is not None and start[0] == scenario.year - 1
        anchored_band = p.grade == "C"
        style_of = {95: ("lo95", "hi95", 0.20, "band95"), 80: ("lo80", "hi80", 0.42, "band80")}
        for band in sorted(bands, reverse=True):
            lo, hi, alpha, name = style_of[band]
            label = labels.text(name, lang) + (" (C)" if anchored_band else "")
            if from_last:
                xs = [start[0], scenario.year]
                ax.fill_between(xs, [start[1], q[lo]], [start[1], q[hi]], color="#e67e22",
                                alpha=alpha, lw=0, hatch="////" if anchored_band else None,
                                edgecolor="#a04000" if anchored_band else None, label=label)  # fmt: skip
            else:
                ax.add_patch(Rectangle((scenario.year - 0.3, q[lo]), 0.3, q[hi] - q[lo],
                                       color="#e67e22", alpha=alpha + 0.1, lw=0,
                                       hatch="////" if anchored_band else None, label=label))  # fmt: skip
        if from_last:
            ax.plot([start[0], scenario.year], [start[1], q["median"]], "--", color="#d35400",
                    lw=1.2, label=labels.text("median", lang))  # fmt: skip
        else:
            ax.plot([scenario.year - 0.15], [q["median"]], "_", color="#d35400", ms=12, mew=2,
                    label=labels.text("median", lang))  # fmt: skip
        ytd = next((a for a in p.evidence if a.kind == "ytd"), None)
        if ytd is not None:
            ax.plot([scenario.year + 0.1], [ytd.value], "D", color="#1f618d", ms=5,
                    label=labels.text("ytd", lang))  # fmt: skip
        p_meet = meet_probabilities(p, t["value"], t["direction"], t["qualifier"])[0]
        title += f"  [{p.shown_grade}, {labels.text('p_meet', lang)} {p_meet:.0%}]"
    ax.plot([scenario.year], [t["value"]], "*", color="#c0392b", ms=12,
            label=f"{labels.text('target', lang)} {t['value']:g}%")  # fmt: skip
    ax.axhline(0, color="black", lw=0.6)
    ax.set_title(title, fontsize=10, y=1.0)  # a fixed y skips the costly auto-placement
    # each chart its own axis: from its first year of history (at most ten years back)
    shown = own[own["kind"].isin(["actual", "estimate"])]
    first = int(shown.index.min()) if len(shown) else scenario.year - 1
    ax.set_xlim(max(first, scenario.year - 10) - 0.5, scenario.year + 0.6)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    ax.set_ylabel(labels.text("growth_pct", lang), fontsize=9)
    ax.tick_params(labelsize=8)
    return fig


def meet_path_chart(scenario=None, lang: str = "zh") -> Figure | None:
    """P(meet) at the January projection and after each release, for the indicators with releases.

    Returns
    -------
    matplotlib.figure.Figure or None
        None when no release is known on the scenario's date.
    """
    scenario = scenario or scenarios.Scenario()
    t = data.targets(scenario.year)
    paths = {}
    for indicator in data.target_ids():
        annual = judgement.judge(indicator, scenario.year, scenario.method, scenario.window,
                                 scenario.as_of)  # fmt: skip
        target = t.loc[indicator]
        path = nowcast.path(annual, indicator, float(target["value"]), target["direction"],
                            scenario.year, scenario.as_of, target["qualifier"])  # fmt: skip
        if len(path) > 1:
            paths[indicator] = path
    if not paths:
        return None
    fig, ax = plt.subplots(figsize=(7, 2.8))
    for indicator, path in paths.items():
        dates = pd.to_datetime(path["date"])
        ax.step(dates, path["p_meet"], where="post", marker="o", ms=4,
                label=chart_text(labels.indicator(indicator, lang)))  # fmt: skip
        for d, p in zip(dates, path["p_meet"], strict=True):
            ax.annotate(f"{p:.0%}", (d, p), xytext=(3, 4), textcoords="offset points", fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_ylabel(labels.text("p_meet", lang), fontsize=9)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_title(labels.text("path_title", lang), fontsize=10)
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    ax.tick_params(labelsize=8)
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.15, top=0.88)
    return fig


def fan_chart_grid(scenario=None, lang: str = "zh") -> Figure:
    """:func:`fan_chart` for every main target, three to a row (nine: a 3x3 figure)."""
    ids = data.target_ids()
    rows = max(1, math.ceil(len(ids) / 3))
    fig, axes = plt.subplots(rows, 3, figsize=(12, 8.5 * rows / 3 + 0.4 * (rows < 3)),
                             squeeze=False)  # fmt: skip
    for ax, indicator in zip(axes.flat, ids, strict=False):
        fan_chart(indicator, scenario, lang, ax=ax)
    for ax in list(axes.flat)[len(ids) :]:
        ax.set_visible(False)
    handles, names = {}, []
    for ax in axes.flat:
        for handle, name in zip(*ax.get_legend_handles_labels(), strict=True):
            key = name.split(" ")[0] if name.startswith(labels.text("target", lang)) else name
            if key not in handles:
                handles[key] = handle
                names.append(name if key == name else labels.text("target", lang))
    fig.legend(list(handles.values()), names, loc="lower center", ncol=7, fontsize=9, frameon=False)
    fig.suptitle(labels.text("fan_title", lang), fontsize=13)
    # fixed margins instead of tight_layout: a layout pass costs a full draw
    fig.subplots_adjust(left=0.05, right=0.99, bottom=0.09, top=0.92, wspace=0.22, hspace=0.28)
    return fig


def reliability_chart(table: pd.DataFrame, lang: str = "zh") -> Figure:
    """Forecast probability against the share met, one dot per bin sized by its cases.

    ``table``: the track record's reliability table (columns ``n``, ``forecast``, ``met``).
    """
    rows = table[table["n"] > 0]
    fig, ax = plt.subplots(figsize=(3.6, 3.2))
    ax.plot([0, 1], [0, 1], color="0.6", lw=0.8, ls="--")
    ax.scatter(rows["forecast"], rows["met"], s=12 + 6 * rows["n"], color="#1f4e79", alpha=0.8)
    for r in rows.itertuples():
        ax.annotate(f"n={r.n}", (r.forecast, r.met), xytext=(4, -10), textcoords="offset points",
                    fontsize=7)  # fmt: skip
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    zh = lang == "zh"
    ax.set_xlabel("工具给出的实现概率" if zh else "P(meet) the tool gave", fontsize=8)
    ax.set_ylabel("实际实现的比例" if zh else "share actually met", fontsize=8)
    ax.set_title("可靠性(评估年份)" if zh else "Reliability (evaluation years)", fontsize=9)
    ax.tick_params(labelsize=7)
    fig.subplots_adjust(left=0.2, right=0.96, bottom=0.16, top=0.9)
    return fig
