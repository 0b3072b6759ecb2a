"""Chinese text renders with a real CJK font; a missing font is a clear error."""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import pytest

from pxanalysis.present import plots, style


def _render(tmp_path, title):
    fig, ax = plt.subplots()
    ax.set_title(title)
    ax.plot([-1, 0, 1], [1, -2, 3])  # negative tick labels: unicode minus must be off
    fig.savefig(tmp_path / "chart.png")
    plt.close(fig)


def test_chinese_chart_renders_without_missing_glyph(tmp_path):
    style.setup_cjk()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _render(tmp_path, "萍乡市地区生产总值增速")
        fig = plots.target_vs_review()
        fig.savefig(tmp_path / "targets.png")
        plt.close(fig)
    assert plt.rcParams["axes.unicode_minus"] is False


def test_without_the_cjk_font_a_glyph_warning_is_raised(tmp_path):
    # guards the test above: it would catch tofu
    with plt.rc_context({"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"]}):
        with pytest.warns(UserWarning, match="missing from font"):
            _render(tmp_path, "萍乡")


def test_missing_font_names_the_package(monkeypatch, tmp_path):
    monkeypatch.setenv("PXANALYSIS_CJK_FONT", str(tmp_path / "none.ttc"))
    with pytest.raises(style.FontNotFoundError, match="fonts-noto-cjk"):
        style.setup_cjk()


def test_a_font_without_chinese_glyphs_is_refused(monkeypatch):
    from matplotlib import font_manager

    dejavu = font_manager.findfont("DejaVu Sans")
    monkeypatch.setenv("PXANALYSIS_CJK_FONT", dejavu)
    with pytest.raises(style.FontNotFoundError):
        style.find_cjk_font()
