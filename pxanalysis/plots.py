"""Charts with Chinese text. Every function returns a matplotlib Figure."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from pxanalysis import data, labels


def target_vs_2023(lang: str = "zh") -> Figure:
    """Horizontal bars: each 2024 main target beside its 2023 figure.

    2023 estimates (预计) are hatched; indicators without a 2023 figure show
    the target alone. A decline target (energy intensity) is drawn negative.

    Parameters
    ----------
    lang : {'zh', 'en'}

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    t = data.targets().iloc[::-1]
    names = [labels.indicator(i, lang) for i in t.index]
    y = np.arange(len(t))
    fig, ax = plt.subplots(figsize=(8, 5))
    height = 0.38
    ax.barh(
        y + height / 2, t["value"], height, color="#c0392b", label=labels.text("target_2024", lang)
    )
    has_2023 = t["value_2023"].notna()
    for is_estimate in (False, True):
        sel = has_2023 & ((t["kind_2023"] == "estimate") == is_estimate)
        kind = "estimate" if is_estimate else "actual"
        ax.barh(
            y[sel.to_numpy()] - height / 2,
            t.loc[sel, "value_2023"],
            height,
            color="#7f8c8d",
            hatch="//" if is_estimate else None,
            edgecolor="white",
            label=f"{labels.text('value_2023', lang)} ({labels.kind(kind, lang)})",
        )
    for yi, value in zip(y, t["value"], strict=True):
        ax.annotate(f"{value:g}", (value, yi + height / 2), xytext=(3 if value >= 0 else -3, 0),
                    textcoords="offset points", va="center", ha="left" if value >= 0 else "right",
                    fontsize=9)  # fmt: skip
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, names)
    ax.set_xlabel(labels.text("growth_pct", lang))
    ax.set_title(labels.text("chart_target_vs_2023", lang))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=9, frameon=False)
    fig.text(0.01, 0.01, labels.text("source_note", lang), fontsize=8, color="#555555")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def show(fig: Figure) -> None:
    """Display a figure once in a notebook and close it.

    Closing keeps the inline backend from showing it a second time and keeps
    memory flat when a notebook draws many charts.
    """
    import matplotlib.pyplot as plt
    from IPython.display import display

    display(fig)
    plt.close(fig)
