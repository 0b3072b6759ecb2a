"""The scenario explorer for JupyterLab (``notebooks/explore.ipynb``).

>>> from pxanalysis.present.explorer import Explorer
>>> Explorer().show()        # doctest: +SKIP

Controls: indicator, scenario, method, window, band (80/95 %), the
pessimistic/optimistic quantiles, a growth assumption with its uncertainty for
the selected indicator, the language; outputs: the fan chart (one figure,
redrawn in place into an ``Image`` widget), P(meet target) for the selected
indicator and the key-numbers table for all nine. "Save scenario" writes the
settings as a scenario file that ``pxanalysis brief --params FILE`` accepts.

Bad input (an assumption that is not a number, or beyond +/-50 %) shows a
message and keeps the last valid chart; nothing raises into the notebook.
"""

from __future__ import annotations

import io
import threading
import time
from html import escape
from pathlib import Path

import ipywidgets as w
import pandas as pd
import yaml
from IPython.display import display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from pxanalysis import data, params, paths
from pxanalysis.engine import comparison, judgement, scenarios, series
from pxanalysis.errors import ParameterError
from pxanalysis.present import labels, plots, style, tables
from pxanalysis.vocab import (
    METHOD_CHOICES,
    QUANTILE_HIGH,
    QUANTILE_LOW,
    SCENARIOS,
    SHIPPED_SCENARIO_FILES,
)

MAX_WINDOW = 12


_ui = labels.text


class Explorer:
    """Interactive scenarios: widgets in, one fan chart and two tables out.

    Parameters
    ----------
    lang : {'zh', 'en'}
    warm : bool, default True
        Precompute, in a background thread, every method x window projection
        of the indicators that have enough history, so that later changes are
        served from the engine's cache.
    """

    def __init__(self, lang: str = "zh", warm: bool = True):
        style.apply_theme()
        self.lang = labels.check_lang(lang)
        self.assumptions: dict[str, dict[str, float]] = {}
        self.ytd: dict[str, dict[str, float]] = {}
        self.last_valid: scenarios.Scenario | None = None
        self.timings_ms: list[float] = []
        self._build_widgets()
        self.figure = Figure(figsize=(7.2, 4.0), dpi=80)
        self.canvas = FigureCanvasAgg(self.figure)
        self.ax = self.figure.add_subplot()
        self.figure.subplots_adjust(left=0.09, right=0.98, bottom=0.09, top=0.91)
        self._charts: dict[tuple, bytes] = {}  # PNG of the fan chart by what it depends on
        self._wire()
        self.warm_thread = None
        if warm:
            self.warm_thread = threading.Thread(target=self._warm, daemon=True)
            self.warm_thread.start()
        self.update()

    # ------------------------------------------------------------------ widgets
    def _build_widgets(self) -> None:
        lang = self.lang
        self.w_indicator = w.Dropdown(options=self._indicator_options(), value="gdp")
        self.w_scenario = w.Dropdown(options=[(labels.scenario(s, lang), s) for s in SCENARIOS],
                                     value="baseline")  # fmt: skip
        self.w_method = w.Dropdown(options=list(METHOD_CHOICES), value=METHOD_CHOICES[0])
        self.w_window = w.IntSlider(value=0, min=0, max=MAX_WINDOW, continuous_update=False)
        self.w_band = w.ToggleButtons(options=[("80%", 80), ("95%", 95)], value=80)
        self.w_q_low = w.FloatSlider(
            value=QUANTILE_LOW, min=0.01, max=0.49, step=0.01, continuous_update=False
        )
        self.w_q_high = w.FloatSlider(
            value=QUANTILE_HIGH, min=0.51, max=0.99, step=0.01, continuous_update=False
        )
        self.w_use = w.Checkbox(value=False)
        self.w_growth = w.Text(value="", placeholder="5.0", continuous_update=False)
        self.w_sd = w.Text(value=str(params.DEFAULT_ASSUMPTION_SD), continuous_update=False)
        self.w_ytd_month = w.IntSlider(value=0, min=0, max=12, continuous_update=False)
        self.w_ytd_growth = w.Text(value="", placeholder="7.5", continuous_update=False)
        self.w_lang = w.ToggleButtons(options=[("中文", "zh"), ("English", "en")], value=lang)
        self.w_save_name = w.Text(value="my_scenario")
        self.w_save = w.Button(icon="save")
        self.w_replace = w.Checkbox(value=False)
        self.w_message = w.HTML()
        self.w_p = w.HTML()
        self.w_image = w.Image(format="png")
        self.w_table = w.HTML()
        self._relabel()

    def _indicator_options(self):
        return [(labels.indicator(i, self.lang), i) for i in data.target_ids()]

    def _relabel(self) -> None:
        lang = self.lang
        pairs = [
            (self.w_indicator, "indicator"), (self.w_scenario, "scenario"), (self.w_method, "method"),
            (self.w_window, "window"), (self.w_band, "band"), (self.w_q_low, "q_low"),
            (self.w_q_high, "q_high"), (self.w_use, "use_assumption"), (self.w_growth, "growth"),
            (self.w_sd, "sd"), (self.w_lang, "lang"), (self.w_save_name, "save_name"),
            (self.w_ytd_month, "ytd_month"), (self.w_ytd_growth, "ytd_growth"),
            (self.w_replace, "replace"),
        ]  # fmt: skip
        for widget, key in pairs:
            widget.description = _ui(key, lang)
            widget.style = {"description_width": "initial"}
        self.w_save.description = _ui("save", lang)

    def _wire(self) -> None:
        for widget in (self.w_indicator, self.w_scenario, self.w_method, self.w_window, self.w_band,
                       self.w_q_low, self.w_q_high, self.w_use, self.w_growth, self.w_sd,
                       self.w_ytd_month, self.w_ytd_growth):  # fmt: skip
            widget.observe(self._on_change, names="value")
        self.w_lang.observe(self._on_lang, names="value")
        self.w_save.on_click(lambda _: self.save())

    def _on_change(self, change) -> None:
        if change["owner"] is self.w_indicator:
            spec = self.assumptions.get(self.w_indicator.value)
            with self.w_growth.hold_trait_notifications(), self.w_use.hold_trait_notifications():
                self._silently(self.w_use, spec is not None)
                if spec is not None:
                    self._silently(self.w_growth, f"{spec['growth']:g}")
                    self._silently(self.w_sd, f"{spec['sd']:g}")
            release = self.ytd.get(self.w_indicator.value)
            self._silently(self.w_ytd_month, release["through_month"] if release else 0)
            self._silently(self.w_ytd_growth, f"{release['growth']:g}" if release else "")
        self.update()

    def _silently(self, widget, value) -> None:
        widget.unobserve(self._on_change, names="value")
        try:
            widget.value = value
        finally:
            widget.observe(self._on_change, names="value")

    def _on_lang(self, change) -> None:
        self.lang = change["new"]
        current = self.w_indicator.value
        self.w_indicator.unobserve(self._on_change, names="value")
        self.w_indicator.options = self._indicator_options()
        self.w_indicator.value = current
        self.w_indicator.observe(self._on_change, names="value")
        self._relabel()
        self.update()

    # ------------------------------------------------------------------ state
    def _assumption_from_inputs(self) -> None:
        """Validate the typed assumption of the selected indicator; raise ParameterError."""
        indicator = self.w_indicator.value
        if not self.w_use.value:
            self.assumptions.pop(indicator, None)
            return
        growth_text = self.w_growth.value.strip()
        if not growth_text:
            raise ParameterError(_ui("type_growth", self.lang))
        spec = params.normalise_assumptions(
            {
                indicator: {
                    "growth": growth_text,
                    "sd": self.w_sd.value.strip() or params.DEFAULT_ASSUMPTION_SD,
                }
            }
        )
        self.assumptions[indicator] = spec[indicator]

    def _ytd_from_inputs(self) -> None:
        """Validate the typed year-to-date release of the selected indicator (0 months: none)."""
        indicator = self.w_indicator.value
        month, text = self.w_ytd_month.value, self.w_ytd_growth.value.strip()
        if month == 0 or not text:
            self.ytd.pop(indicator, None)
            return
        if month == 1:
            raise ParameterError(
                "1月不单独发布:1-2月合并,请选2" if self.lang == "zh"
                else "January is not released alone (1-2月 = through February): choose 2"
            )  # fmt: skip
        spec = params.normalise_ytd({indicator: {"through_month": month, "growth": text}})
        self.ytd[indicator] = spec[indicator]

    def scenario(self) -> scenarios.Scenario:
        """The scenario the controls describe (raises ParameterError on bad input)."""
        self._assumption_from_inputs()
        self._ytd_from_inputs()
        values = {
            "scenario": self.w_scenario.value,
            "method": self.w_method.value,
            "window": self.w_window.value,
            "quantile_low": round(self.w_q_low.value, 4),
            "quantile_high": round(self.w_q_high.value, 4),
            "assumptions": dict(self.assumptions),
            "ytd": dict(self.ytd),
        }
        return scenarios.from_params(values)

    def as_params(self) -> dict:
        """The current settings as scenario-file parameters (for :meth:`save`)."""
        out = self.scenario().as_params()
        out["lang"] = self.lang
        return out

    # ------------------------------------------------------------------ outputs
    def update(self) -> float:
        """Recompute and redraw; return the time it took in ms. Never raises."""
        start = time.perf_counter()
        try:
            sc = self.scenario()
            compared = comparison.compare_targets(sc)
            c = compared.set_index("indicator_id")
        except (ParameterError, ValueError) as exc:
            self.w_message.value = f'<span style="color:#c0392b">⚠ {escape(str(exc))}</span>'
            return self._done(start)
        self.last_valid = sc
        indicator = self.w_indicator.value
        row = c.loc[indicator]
        self.w_image.value = self._chart(indicator, sc)
        self.w_p.value = self._p_html(row)
        table = tables.comparison_table(sc, self.lang, compared=compared)
        self.w_table.value = table.to_html(border=0, na_rep="", classes="px-key-numbers")
        self.w_message.value = ""
        return self._done(start)

    def _chart(self, indicator: str, sc) -> bytes:
        """The fan chart as PNG: drawn once for everything it depends on, then reused.

        It depends on the indicator, the band, the language, the report, the date,
        the method and window, and that indicator's assumption and year-to-date
        input (not on the scenario's quantiles or the other indicators' inputs).
        """
        key = (indicator, self.w_band.value, self.lang, sc.region, sc.year, sc.as_of, sc.method,
               sc.window, repr(sc.assumptions.get(indicator)), repr(sc.ytd.get(indicator)))  # fmt: skip
        if key not in self._charts:
            self.ax.clear()
            plots.fan_chart(indicator, sc, self.lang, ax=self.ax, bands=(self.w_band.value,))
            self.ax.legend(fontsize=7, loc="upper left", frameon=False)  # "best" costs a search
            self.canvas.draw()  # Agg + PIL: half the time of savefig's second pass
            width, height = self.canvas.get_width_height()
            image = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba())
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, format="PNG", compress_level=1)
            if len(self._charts) >= 256:
                self._charts.pop(next(iter(self._charts)))
            self._charts[key] = buffer.getvalue()
        return self._charts[key]

    def _p_html(self, row) -> str:
        name = labels.indicator(row.name, self.lang)
        if row["p_meet"] != row["p_meet"]:  # NaN: no projection
            return f"<b>{name}</b>:{_ui('no_projection_hint', self.lang)}"
        band = self.w_band.value
        lo, hi = (row["lo80"], row["hi80"]) if band == 80 else (row["lo95"], row["hi95"])
        about = (
            ""
            if row["p_meet_about"] == row["p_meet"]
            else f" ({_ui('about', self.lang)} {row['p_meet_about']:.0%})"
        )
        ytd = f" · 1-{row['ytd_month']}: {row['ytd_growth']:g}%" if row["ytd_month"] else ""
        return (
            f"<b>{name}</b> · {_ui('p_meet', self.lang)} (≥ {row['target']:g}%): "
            f'<span class="px-p-meet" style="font-size:1.4em;color:#8e1b10">{row["p_meet"]:.0%}</span>'
            f"{about} · median {row['median']:.2f}% · {band}% [{lo:.2f}, {hi:.2f}] · "
            f"{_ui('grade', self.lang)} {row['grade']} · {row['method']}, n_obs={row['n_obs']}{ytd}"
        )

    def _done(self, start: float) -> float:
        ms = (time.perf_counter() - start) * 1000
        self.timings_ms.append(ms)
        return ms

    def summary(self) -> pd.DataFrame:
        """The key-numbers table of the current (last valid) scenario."""
        return tables.comparison_table(self.last_valid, self.lang)

    # ------------------------------------------------------------------ save
    def save(
        self, name: str | None = None, directory: Path | None = None, replace: bool | None = None
    ) -> Path | None:
        """Write the settings as ``<directory>/<name>.yaml``; show where, or why not.

        The file is validated before it is written, and written whole or not at
        all. A shipped scenario's name is refused; an existing file is replaced
        only when asked (``replace``, default: the *replace* checkbox). The brief
        of the saved file is named after it (``pxanalysis brief --params``, or
        ``--scenario all``). The name may be Chinese (``稳增长``): it is NFC-normalised
        and checked by :func:`pxanalysis.params.scenario_name` (letters of any script,
        digits, ``-`` and ``_``; no separator, no dot, at most 64 characters).

        ``directory`` defaults to :func:`pxanalysis.paths.user_scenario_dir`.
        """
        name = (name or self.w_save_name.value).strip()
        directory = Path(paths.user_scenario_dir() if directory is None else directory)
        replace = self.w_replace.value if replace is None else replace
        try:
            name = params.scenario_name(name)  # 稳增长 is kept; NFC; no separator or dot
            if name in SHIPPED_SCENARIO_FILES:
                raise ParameterError(
                    f"{name!r} is a shipped scenario and cannot be overwritten; choose another name"
                )
            path = directory / f"{name}.yaml"
            if path.exists() and not replace:
                raise ParameterError(
                    f"{path} exists; tick '{_ui('replace', self.lang)}' to overwrite it"
                )
            values = self.as_params()
            params.validate(values, notebook="scenario_file")  # what the brief will check
            header = f"# Saved by the pxanalysis explorer. Render it with:\n#   pxanalysis brief --params {path}\n"
            text = header + yaml.safe_dump(values, allow_unicode=True, sort_keys=False)
            paths.atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        except (ParameterError, OSError) as exc:
            self.w_message.value = f'<span style="color:#c0392b">⚠ {escape(str(exc))}</span>'
            return None
        self.w_message.value = (
            f'<span style="color:#1e8449">{_ui("saved", self.lang)} {path}</span>'
        )
        return path

    # ------------------------------------------------------------------ layout
    def widget(self) -> w.Widget:
        """The whole explorer as one widget."""
        controls = w.VBox([self.w_lang, self.w_indicator, self.w_scenario, self.w_method, self.w_window,
                           self.w_band, self.w_q_low, self.w_q_high, self.w_use, self.w_growth, self.w_sd,
                           self.w_ytd_month, self.w_ytd_growth,
                           w.HBox([self.w_save_name, self.w_save]), self.w_replace],
                          layout=w.Layout(width="34%"))  # fmt: skip
        right = w.VBox([self.w_message, self.w_p, self.w_image], layout=w.Layout(width="66%"))
        return w.VBox([w.HBox([controls, right]), self.w_table], layout=w.Layout(width="100%"))

    def show(self) -> None:
        """Display the explorer in the notebook."""
        display(self.widget())

    # ------------------------------------------------------------------ warm-up
    def _warm(self) -> None:
        """Judge every target for every method and window (GDP's choice drives the others)."""
        as_of = data.current().date
        n = len(series.growth_series("gdp", as_of)) if "gdp" in data.target_ids() else 0
        for method in METHOD_CHOICES:
            for window in [None, *range(1, min(n, MAX_WINDOW) + 1)]:
                try:
                    judgement.judge_all(method=method, window=window, as_of=as_of)
                except ValueError:
                    pass
