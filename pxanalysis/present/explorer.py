"""The scenario explorer for JupyterLab (``notebooks/explore.ipynb``).

>>> from pxanalysis.present.explorer import Explorer
>>> Explorer().show()        # doctest: +SKIP

Controls: indicator, scenario, method, window, band (80/95 %), the
pessimistic/optimistic quantiles, the information date (*as of*: the report's
date or a release date known for the report), a growth assumption with its
uncertainty for the selected indicator, a year-to-date release, the language;
outputs: the fan chart, P(meet target) for the selected indicator and the
key-numbers table for all targets. "Save scenario" writes the settings (the
as-of date with them) as a scenario file that ``pxanalysis brief --params FILE``
accepts.

Responsiveness. What the screen shows for one set of inputs (a *view*: the
P(meet) line, the table and the chart's PNG) is computed once and kept, in
memory and on disk (:func:`pxanalysis.paths.user_cache_dir`, keyed on the report's
data fingerprint, the package's code and the inputs), so a view seen before,
in this session or an earlier one, is shown at once. A view not ready is marked
"计算中… / computing…" and computed by one background thread, which, when idle,
computes the views a user is likely to ask for next (every method, every
scenario, every indicator) and warms the engine's caches (every method x
window). The thread reads the report fixed when the explorer was made
(:func:`pxanalysis.data.using`, its own context), gets immutable scenarios
through a queue, and writes to the widgets only under a lock and only for the
inputs still on screen.

Bad input (an assumption that is not a number, beyond +/-50 %, a release not yet
published on the as-of date) shows a message in the chosen language and keeps
the last valid view; nothing raises into the notebook.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import queue
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path

import ipywidgets as w
import pandas as pd
import yaml
from IPython.display import display
from PIL import Image

import pxanalysis
from pxanalysis import data, params, paths
from pxanalysis.engine import scenarios
from pxanalysis.errors import ParameterError, PxError
from pxanalysis.present import labels
from pxanalysis.vocab import (
    METHOD_CHOICES,
    QUANTILE_HIGH,
    QUANTILE_LOW,
    SCENARIOS,
    SHIPPED_SCENARIO_FILES,
)

MAX_WINDOW = 12
#: Views kept in memory (each ~30 kB).
MAX_VIEWS = 512
#: Views kept on disk, per user.
MAX_DISK_VIEWS = 2048
#: The background thread precomputes only after the inputs have rested this long (s):
#: a CPU-bound thread beside the kernel's own would slow every message the widgets
#: send while the explorer is being drawn or driven (the GIL's convoy effect).
IDLE_DELAY = 1.0


_ui = labels.text


@dataclass(frozen=True)
class View:
    """What the explorer shows for one set of inputs."""

    p_html: str
    table_html: str
    png: bytes


def as_of_choices(report: data.Report | None = None, lang: str = "zh") -> list[tuple[str, str]]:
    """The information dates the explorer offers, in order.

    Parameters
    ----------
    report : Report, optional
        Default: the current report.
    lang : {'zh', 'en'}

    Returns
    -------
    list of (label, 'YYYY-MM-DD')
        The report's date; every date on which a year-to-date release of the
        report's region for the report's year became known, labelled with what was
        released; and the 20th of each month after a month's end (after the city's
        mid-month release), from which a typed release through that month may be
        assumed known.
    """
    report = report or data.current()
    rows = data.monthly_releases(geo=report.region)
    rows = rows[(rows["year"] == report.year) & (rows["known_from"].astype(str) > report.date)]
    choices = {report.date: _ui("as_of_report", lang)}
    for date, group in rows.sort_values(["known_from", "through_month"]).groupby("known_from"):
        choices[str(date)] = "; ".join(
            _ui("as_of_release", lang).format(
                month=int(r.through_month), indicator=labels.indicator(r.indicator, lang)
            )
            for r in group.itertuples()
        )
    for month in range(2, 13):
        year, after = (report.year, month + 1) if month < 12 else (report.year + 1, 1)
        date = f"{year}-{after:02d}-20"
        if date > report.date and date not in choices:
            choices[date] = _ui("as_of_possible", lang).format(month=month)
    return [
        (_ui("as_of_choice", lang).format(date=date, what=what), date)
        for date, what in sorted(choices.items())
    ]


def _code_fingerprint() -> str:
    """The package's version and the newest modification time of its modules."""
    root = paths.package_file(".")
    newest = max((p.stat().st_mtime_ns for p in root.rglob("*.py")), default=0)
    return f"{getattr(pxanalysis, '__version__', '')}-{newest}"


class Explorer:
    """Interactive scenarios: widgets in, one fan chart and two tables out.

    Parameters
    ----------
    lang : {'zh', 'en'}
    warm : bool, default True
        Compute in one background thread: the explorer is shown at once (with the
        view cached on disk, if any, else "computing…"), every view is computed
        there, and the thread, when idle, precomputes likely views and warms the
        engine's caches. ``False``: every update computes in the caller's thread
        (tests, scripts).
    disk_cache : bool, default True
        Read and write views under :func:`pxanalysis.paths.user_cache_dir`.
    """

    def __init__(self, lang: str = "zh", warm: bool = True, disk_cache: bool = True):
        self.report = data.current()  # fixed for this explorer (the worker reads it too)
        self.lang = labels.check_lang(lang)
        self.assumptions: dict[str, dict[str, float]] = {}
        self.ytd: dict[str, dict[str, float]] = {}
        self.last_valid: scenarios.Scenario | None = None
        self.timings_ms: list[float] = []
        self.shown_at: float | None = None  # perf_counter when the first answer was on screen
        self.created_at = time.perf_counter()
        self.figure = self.canvas = self.ax = None  # made by the first chart drawn
        self._charts: OrderedDict[tuple, bytes] = OrderedDict()  # PNG by what it depends on
        self._views: OrderedDict[tuple, View] = OrderedDict()
        self._lock = threading.RLock()  # the view caches, what is wanted, the output widgets
        self._figure_lock = threading.Lock()
        self._wanted: tuple | None = None
        self._last_input = time.perf_counter()
        self._requests: queue.SimpleQueue = queue.SimpleQueue()
        self._idle = threading.Event()
        self._idle.set()
        self._stop = threading.Event()
        self.warmed = threading.Event()  # set when the idle steps are all done
        self._disk = self._disk_dir() if disk_cache else None
        self._code = _code_fingerprint()
        with data.using(self.report):
            self._build_widgets()
        self._wire()
        self.warm_thread: threading.Thread | None = None
        if warm:
            self.warm_thread = threading.Thread(target=self._work, name="px-explorer", daemon=True)
            self.warm_thread.start()
        self.update()

    # ------------------------------------------------------------------ widgets
    def _build_widgets(self) -> None:
        lang = self.lang
        self.w_indicator = w.Dropdown(options=self._indicator_options(), value="gdp")
        self.w_scenario = w.Dropdown(options=self._scenario_options(), value="baseline")
        self.w_method = w.Dropdown(options=self._method_options(), value=METHOD_CHOICES[0])
        self.w_as_of = w.Dropdown(options=as_of_choices(self.report, lang), value=self.report.date)
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
        self.w_message.add_class("px-message")
        self.w_status = w.HTML()
        self.w_p = w.HTML()
        self.w_p.add_class("px-p-line")  # the P(meet) line, for the browser test
        self.w_image = w.Image(format="png")
        self.w_table = w.HTML()
        self._relabel()

    def _indicator_options(self):
        with data.using(self.report):
            return [(labels.indicator(i, self.lang), i) for i in data.target_ids()]

    def _scenario_options(self):
        return [(labels.scenario(s, self.lang), s) for s in SCENARIOS]

    def _method_options(self):
        return [(labels.method(m, self.lang), m) for m in METHOD_CHOICES]

    def _relabel(self) -> None:
        lang = self.lang
        pairs = [
            (self.w_indicator, "indicator"), (self.w_scenario, "scenario"), (self.w_method, "method"),
            (self.w_as_of, "as_of"), (self.w_window, "window"), (self.w_band, "band"),
            (self.w_q_low, "q_low"), (self.w_q_high, "q_high"), (self.w_use, "use_assumption"),
            (self.w_growth, "growth"), (self.w_sd, "sd"), (self.w_lang, "lang"),
            (self.w_save_name, "save_name"), (self.w_ytd_month, "ytd_month"),
            (self.w_ytd_growth, "ytd_growth"), (self.w_replace, "replace"),
        ]  # fmt: skip
        for widget, key in pairs:
            widget.description = _ui(key, lang)
            widget.style = {"description_width": "initial"}
        self.w_save.description = _ui("save", lang)

    def _inputs(self):
        return (self.w_indicator, self.w_scenario, self.w_method, self.w_as_of, self.w_window,
                self.w_band, self.w_q_low, self.w_q_high, self.w_use, self.w_growth, self.w_sd,
                self.w_ytd_month, self.w_ytd_growth)  # fmt: skip

    def _wire(self) -> None:
        for widget in self._inputs():
            widget.observe(self._on_change, names="value")
        self.w_lang.observe(self._on_lang, names="value")
        self.w_save.on_click(lambda _: self.save())

    def _on_change(self, change) -> None:
        if change["owner"] is self.w_indicator:
            spec = self.assumptions.get(self.w_indicator.value)
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
        for widget, options in ((self.w_indicator, self._indicator_options()),
                                (self.w_scenario, self._scenario_options()),
                                (self.w_method, self._method_options()),
                                (self.w_as_of, as_of_choices(self.report, self.lang))):  # fmt: skip
            current = widget.value
            widget.unobserve(self._on_change, names="value")
            try:
                widget.options = options
                widget.value = current
            finally:
                widget.observe(self._on_change, names="value")
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
            raise ParameterError(_ui("january_alone", self.lang))
        spec = params.normalise_ytd({indicator: {"through_month": month, "growth": text}})
        self.ytd[indicator] = spec[indicator]

    def scenario(self) -> scenarios.Scenario:
        """The scenario the controls describe (raises ParameterError on bad input).

        The as-of date is always explicit: a year-to-date release not yet published
        on it is refused (:func:`pxanalysis.params.check_consistency`).
        """
        self._assumption_from_inputs()
        self._ytd_from_inputs()
        values = {
            "scenario": self.w_scenario.value,
            "method": self.w_method.value,
            "window": self.w_window.value,
            "quantile_low": round(self.w_q_low.value, 4),
            "quantile_high": round(self.w_q_high.value, 4),
            "region": self.report.region,
            "year": self.report.year,
            "as_of": self.w_as_of.value,
            "assumptions": dict(self.assumptions),
            "ytd": dict(self.ytd),
        }
        with data.using(self.report):
            return scenarios.from_params(values)

    def as_params(self) -> dict:
        """The current settings as scenario-file parameters (for :meth:`save`)."""
        out = self.scenario().as_params()
        out["lang"] = self.lang
        return out

    # ------------------------------------------------------------------ outputs
    def _key(self, sc: scenarios.Scenario) -> tuple:
        """What a view depends on: the report's data, the inputs, indicator, band, language."""
        inputs = json.dumps(sc.as_params(), sort_keys=True, default=str)
        return (self.report.key, sc.name, inputs, self.w_indicator.value, self.w_band.value,
                self.lang)  # fmt: skip

    def update(self) -> float:
        """Show the view of the current inputs; return the time it took in ms. Never raises.

        A view computed before (memory or disk) is shown at once; otherwise, with
        the background thread, the outputs say "computing…" and the thread fills
        them when the view is ready; without it, the view is computed here.
        """
        start = time.perf_counter()
        self._last_input = start
        try:
            sc = self.scenario()
        except (PxError, ValueError) as exc:
            self._error(exc)
            return self._done(start)
        self.last_valid = sc
        key = self._key(sc)
        with self._lock:
            self._wanted = key
            view = self._cached(key)
        if view is None and self.warm_thread is None:
            try:
                view = self._compute(key, sc)
            except (PxError, ValueError) as exc:
                self._error(exc)
                return self._done(start)
        if view is not None:
            self._show(key, view)
        else:
            with self._lock:
                self.w_status.value = self._computing_html()
                self.w_p.value = self._computing_html(self.w_indicator.value)
            self._idle.clear()
        if self.warm_thread is not None:
            # the thread computes what is missing, then precomputes around these inputs
            # (also after a view shown from the cache: its neighbours may not be)
            self.warmed.clear()
            self._requests.put((key, sc))
        return self._done(start)

    def _error(self, exc: Exception) -> None:
        shown = escape(labels.error(str(exc), self.lang))
        with self._lock:
            self.w_message.value = (
                f'<span style="color:#c0392b" title="{escape(str(exc))}">⚠ {shown}</span>'
            )

    def _computing_html(self, indicator: str | None = None) -> str:
        name = f"<b>{escape(labels.indicator(indicator, self.lang))}</b> · " if indicator else ""
        return f'{name}<span class="px-computing" style="color:#7f8c8d">{_ui("computing", self.lang)}</span>'

    def _show(self, key: tuple, view: View) -> bool:
        """Put ``view`` on screen if its inputs are still the ones asked for."""
        with self._lock:
            if key != self._wanted:
                return False
            if self.w_image.value != view.png:
                self.w_image.value = view.png
            self.w_p.value = view.p_html
            if self.w_table.value != view.table_html:
                self.w_table.value = view.table_html
            self.w_message.value = ""
            self.w_status.value = ""
            if self.shown_at is None:
                self.shown_at = time.perf_counter()
        return True

    def _cached(self, key: tuple) -> View | None:
        view = self._views.get(key)
        if view is None and self._disk is not None:
            view = self._disk_get(key)
            if view is not None:
                self._remember(key, view)
        return view

    def _remember(self, key: tuple, view: View) -> None:
        with self._lock:
            self._views[key] = view
            self._views.move_to_end(key)
            while len(self._views) > MAX_VIEWS:
                self._views.popitem(last=False)

    def _compute(self, key: tuple, sc: scenarios.Scenario) -> View:
        """The view of ``key`` (any thread): P(meet) line, table and chart."""
        from pxanalysis.engine import comparison  # the engine is imported on first use
        from pxanalysis.present import tables

        _, _, _, indicator, band, lang = key
        with data.using(self.report):
            compared = comparison.compare_targets(sc)
            row = compared.set_index("indicator_id").loc[indicator]
            table = tables.comparison_table(sc, lang, compared=compared)
            view = View(
                p_html=self._p_html(row, band, lang),
                table_html=table.to_html(border=0, na_rep="", classes="px-key-numbers"),
                png=self._chart(indicator, sc, band, lang),
            )
        self._remember(key, view)
        if self._disk is not None:
            self._disk_put(key, view)
        return view

    def _chart(self, indicator: str, sc, band: int, lang: str) -> bytes:
        """The fan chart as PNG: drawn once for everything it depends on, then reused.

        It depends on the indicator, the band, the language, the report, the date,
        the method and window, and the assumption and year-to-date input of that
        indicator and of the indicator it moves with (GDP moves retail sales), not
        on the scenario's quantiles or the other indicators' inputs. One figure
        and axes are reused (no ``tight_layout``).
        """
        from pxanalysis.engine import evidence
        from pxanalysis.present import plots

        base = evidence.comoves_with(indicator)
        inputs = [(i, repr(sc.assumptions.get(i)), repr(sc.ytd.get(i))) for i in (indicator, base)]
        key = (indicator, band, lang, sc.region, sc.year, sc.as_of, sc.method, sc.window,
               tuple(inputs))  # fmt: skip
        with self._figure_lock:
            if key not in self._charts:
                self._drawing()
                self.ax.clear()
                plots.fan_chart(indicator, sc, lang, ax=self.ax, bands=(band,))
                self.ax.legend(fontsize=7, loc="upper left", frameon=False)  # "best" searches
                self.canvas.draw()  # Agg + PIL: half the time of savefig's second pass
                width, height = self.canvas.get_width_height()
                image = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba())
                buffer = io.BytesIO()
                image.convert("RGB").save(buffer, format="PNG", compress_level=1)
                while len(self._charts) >= 256:
                    self._charts.popitem(last=False)
                self._charts[key] = buffer.getvalue()
            return self._charts[key]

    def _drawing(self) -> None:
        """The one figure every chart is drawn on, made at the first chart (matplotlib and
        the theme are imported then, not before the first screen)."""
        if self.figure is not None:
            return
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from pxanalysis.present import style

        style.apply_theme()
        self.figure = Figure(figsize=(7.2, 4.0), dpi=80)
        self.canvas = FigureCanvasAgg(self.figure)
        self.ax = self.figure.add_subplot()
        self.figure.subplots_adjust(left=0.09, right=0.98, bottom=0.09, top=0.91)

    def _p_html(self, row, band: int, lang: str) -> str:
        name = labels.indicator(row.name, lang)
        if row["p_meet"] != row["p_meet"]:  # NaN: no projection
            flag = str(row["flag"] or "")
            if flag in labels.FLAGS and flag not in ("", "insufficient_history"):
                return f"<b>{name}</b>:{labels.flag(flag, lang)} ({labels.method(row['method'], lang)})"
            return f"<b>{name}</b>:{_ui('no_projection_hint', lang)}"
        lo, hi = (row["lo80"], row["hi80"]) if band == 80 else (row["lo95"], row["hi95"])
        about = (
            ""
            if row["p_meet_about"] == row["p_meet"]
            else f" ({_ui('about', lang)} {row['p_meet_about']:.0%})"
        )
        ytd = f" · 1-{row['ytd_month']}: {row['ytd_growth']:g}%" if row["ytd_month"] else ""
        moved = ""
        for note in str(row["note"]).split("; "):
            if note.startswith("moved ") and " pp with " in note:
                delta, base = note[len("moved ") :].split(" pp with ")
                base = base.split(" ")[0]
                moved = " · " + _ui("moved_with", lang).format(
                    delta=delta, base=labels.indicator(base, lang)
                )
        method = labels.method(row["method"], lang)
        return (
            f"<b>{name}</b> · {_ui('p_meet', lang)} (≥ {row['target']:g}%): "
            f'<span class="px-p-meet" style="font-size:1.4em;color:#8e1b10">{row["p_meet"]:.0%}</span>'
            f"{about} · {_ui('median_word', lang)} {row['median']:.2f}% · {band}% [{lo:.2f}, {hi:.2f}] · "
            f"{_ui('grade', lang)} {row['grade']} · {escape(method)}, n_obs={row['n_obs']}{ytd}{moved}"
            f" · {_ui('as_of', lang)} {row['as_of']}"
        )

    def _done(self, start: float) -> float:
        ms = (time.perf_counter() - start) * 1000
        self.timings_ms.append(ms)
        return ms

    def summary(self) -> pd.DataFrame:
        """The key-numbers table of the current (last valid) scenario."""
        from pxanalysis.present import tables

        with data.using(self.report):
            return tables.comparison_table(self.last_valid, self.lang)

    def wait(self, timeout: float = 60.0) -> bool:
        """Block until the background thread has put the current view on screen.

        Returns
        -------
        bool
            False if it had not within ``timeout`` seconds.
        """
        return self._idle.wait(timeout)

    # ------------------------------------------------------------------ disk cache
    @staticmethod
    def _disk_dir() -> Path | None:
        try:
            folder = paths.user_cache_dir() / "explorer"
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        return folder if os.access(folder, os.W_OK) else None

    def _disk_path(self, key: tuple) -> Path:
        digest = hashlib.sha256(repr((self._code, key)).encode()).hexdigest()[:32]
        return self._disk / f"{digest}.json"

    def _disk_get(self, key: tuple) -> View | None:
        try:
            raw = json.loads(self._disk_path(key).read_text(encoding="utf-8"))
            return View(raw["p_html"], raw["table_html"], base64.b64decode(raw["png"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _disk_put(self, key: tuple, view: View) -> None:
        text = json.dumps({"p_html": view.p_html, "table_html": view.table_html,
                           "png": base64.b64encode(view.png).decode()})  # fmt: skip
        try:
            paths.atomic_write(self._disk_path(key), lambda t: t.write_text(text, encoding="utf-8"))
            files = list(self._disk.glob("*.json"))
            if len(files) > MAX_DISK_VIEWS:
                for old in sorted(files, key=lambda p: p.stat().st_mtime)[: len(files) // 4]:
                    old.unlink(missing_ok=True)
        except OSError:
            pass

    # ------------------------------------------------------------------ save
    def save(
        self, name: str | None = None, directory: Path | None = None, replace: bool | None = None
    ) -> Path | None:
        """Write the settings as ``<directory>/<name>.yaml``; show where, or why not.

        The file is validated before it is written, and written whole or not at
        all; it holds the as-of date (a release it holds is known on that date). A
        shipped scenario's name is refused; an existing file is replaced only when
        asked (``replace``, default: the *replace* checkbox). The brief of the saved
        file is named after it (``pxanalysis brief --params``, or ``--scenario
        all``). The name may be Chinese (``稳增长``): it is NFC-normalised and
        checked by :func:`pxanalysis.params.scenario_name` (letters of any script,
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
            values = self.as_params()
            params.validate(values, notebook="scenario_file")  # what the brief will check
            header = f"# Saved by the pxanalysis explorer. Render it with:\n#   pxanalysis brief --params {path}\n"
            text = header + yaml.safe_dump(values, allow_unicode=True, sort_keys=False)
            directory.mkdir(parents=True, exist_ok=True)
            # the look and the write under one lock: two explorers saving one name at once
            # never both see "no such file" and silently replace each other's scenario
            with paths.locked(path):
                if path.exists() and not replace:
                    raise ParameterError(
                        f"{path} exists; tick '{_ui('replace', 'en')}' to overwrite it"
                    )
                paths.atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        except (PxError, OSError, ValueError) as exc:
            self._error(exc)
            return None
        with self._lock:
            self.w_message.value = (
                f'<span style="color:#1e8449">{_ui("saved", self.lang)} {escape(str(path))}</span>'
            )
        return path

    # ------------------------------------------------------------------ layout
    def widget(self) -> w.Widget:
        """The whole explorer as one widget."""
        controls = w.VBox([self.w_lang, self.w_indicator, self.w_scenario, self.w_method,
                           self.w_as_of, self.w_window, self.w_band, self.w_q_low, self.w_q_high,
                           self.w_use, self.w_growth, self.w_sd, self.w_ytd_month,
                           self.w_ytd_growth, w.HBox([self.w_save_name, self.w_save]),
                           self.w_replace],
                          layout=w.Layout(width="34%"))  # fmt: skip
        right = w.VBox([self.w_message, self.w_status, self.w_p, self.w_image],
                       layout=w.Layout(width="66%"))  # fmt: skip
        return w.VBox([w.HBox([controls, right]), self.w_table], layout=w.Layout(width="100%"))

    def show(self) -> None:
        """Display the explorer in the notebook."""
        display(self.widget())

    def close(self, timeout: float = 60.0) -> None:
        """Stop the background thread: it ends after its current step (waited for up to
        ``timeout`` seconds)."""
        self._stop.set()
        self._requests.put(None)
        if self.warm_thread is not None and self.warm_thread is not threading.current_thread():
            self.warm_thread.join(timeout)

    # ------------------------------------------------------------------ background
    def _work(self) -> None:
        """The background thread: requested views first, then likely views, then the engine."""
        with data.using(self.report):
            warm = None  # the idle steps: None = not started, False = done
            while not self._stop.is_set():
                request = self._next_request(block=warm is False)
                if request is None:
                    if warm is False or self._stop.is_set():
                        continue
                    rested = time.perf_counter() - self._last_input
                    if self.last_valid is None or rested < IDLE_DELAY:
                        self._stop.wait(0.05)  # no inputs yet, or the user is at work
                        continue
                    warm = self._warm_steps() if warm is None else warm
                    try:
                        next(warm)()
                    except StopIteration:
                        warm = False
                        self.warmed.set()
                    except (PxError, ValueError, ArithmeticError):
                        pass  # a variant that cannot be computed is not precomputed
                    continue
                key, sc = request
                if key == self._wanted:
                    try:
                        view = self._cached(key) or self._compute(key, sc)
                    except (PxError, ValueError) as exc:
                        with self._lock:
                            self.w_status.value = ""
                        self._error(exc)
                    else:
                        self._show(key, view)
                if self._requests.empty():
                    self._idle.set()
                warm = None  # new inputs: precompute around them
                self.warmed.clear()

    def _next_request(self, block: bool):
        """The newest request (older ones are stale), or None (none, or :meth:`close`)."""
        try:
            request = self._requests.get() if block else self._requests.get_nowait()
        except queue.Empty:
            return None
        while True:
            try:
                request = self._requests.get_nowait()
            except queue.Empty:
                return request

    def _warm_steps(self):
        """Steps (callables) the idle thread runs, one at a time, most useful first.

        The views of the current inputs under every method, every as-of date (on
        which the typed year-to-date inputs were already published), every scenario,
        every indicator, then every method on every date; then the engine's
        judgements for every method x window.
        """
        sc = self.last_valid
        key = self._wanted
        if sc is None or key is None:
            return
        region_key, _, _, indicator, band, lang = key

        def view(variant: scenarios.Scenario, ind: str = indicator):
            def step():
                k = (region_key, variant.name, json.dumps(variant.as_params(), sort_keys=True,
                     default=str), ind, band, lang)  # fmt: skip
                if self._cached(k) is None:
                    self._compute(k, variant)

            return step

        for method in METHOD_CHOICES:
            yield view(replace(sc, method=method))
        for _, as_of in self.w_as_of.options:
            try:
                variant = replace(sc, as_of=as_of)
            except (PxError, ValueError):
                continue  # a typed release not yet published on that date
            yield view(variant)
        for name in SCENARIOS:
            if name != "custom" or sc.assumptions:
                yield view(replace(sc, name=name))
        for ind in [i for _, i in self.w_indicator.options]:
            yield view(sc, ind)
        for method in METHOD_CHOICES:  # an explorer kept open: every method on every date
            for _, as_of in self.w_as_of.options:
                try:
                    variant = replace(sc, method=method, as_of=as_of)
                except (PxError, ValueError):
                    continue
                yield view(variant)
        from pxanalysis.engine import judgement, series

        n = len(series.growth_series("gdp", sc.as_of)) if "gdp" in data.target_ids() else 0
        for method in METHOD_CHOICES:
            for window in [None, *range(1, min(n, MAX_WINDOW) + 1)]:
                yield lambda m=method, win=window: judgement.judge_all(
                    method=m, window=win, as_of=sc.as_of
                )
