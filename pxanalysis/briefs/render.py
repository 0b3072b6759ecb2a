"""An executed brief notebook as self-contained HTML: no code, no prompts, no network.

Also the parameters the notebook is given. A title is text: the notebook itself
makes it inert where it prints it (:func:`pxanalysis.present.markup.inert`), so
``[x](https://…)``, ``![](http://…)`` or ``<style>`` in a title stays text, never a
link, an image or a style; it is injected as given.
"""

from __future__ import annotations

import copy
from html import escape

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from pxanalysis import params, paths
from pxanalysis.briefs import fonts
from pxanalysis.present import labels

#: No script, no network: only inline styles, the embedded font and inline images.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:"
)


def notebook_parameters(parameters: dict) -> dict:
    """The parameters papermill injects: as given (the notebook escapes the title where it
    prints it; escaping here too would show the backslashes)."""
    return dict(parameters)


def given_parameters(nb) -> dict:
    """The parameters of an executed brief as they were given (papermill metadata)."""
    given = nb.metadata.get("papermill", {}).get("parameters", {})
    return given if isinstance(given, dict) else {}


def css() -> str:
    """The print stylesheet of the briefs (``briefs/brief.css``)."""
    return paths.package_file("briefs/brief.css").read_text(encoding="utf-8")


def add_run_parameters(nb, lang: str):
    """``nb`` with the run-parameters table appended, read from its papermill metadata.

    ``nb`` itself is left as it is; the result shares its cells (:func:`to_html`
    copies what it changes).
    """
    given = given_parameters(nb)
    defaults = {n: params.PARAMS[n].default for n in params.NOTEBOOK_PARAMS["brief"]}
    table = nbformat.v4.new_markdown_cell(run_parameters_markdown(given, defaults, lang))
    nb = copy.copy(nb)
    nb.cells = [*nb.cells, table]
    return nb


def run_parameters_markdown(parameters: dict, defaults: dict, lang: str = "zh") -> str:
    """The run's parameters (papermill metadata) as a table, defaults marked.

    Values are HTML-escaped: a parameter (a title, say) is text, never markup.
    """
    zh = lang == "zh"
    heading = "## 运行参数" if zh else "## Run parameters"
    head = ("参数", "取值", "来源") if zh else ("parameter", "value", "from")
    given_word, default_word = ("papermill注入", "默认") if zh else ("papermill", "default")
    rows = []
    for name, default in defaults.items():
        if name in parameters:
            value, source = parameters[name], given_word
        else:
            value, source = default, default_word
        rows.append(
            f"<tr><td><code>{escape(name)}</code></td><td><code>{escape(repr(value))}</code></td>"
            f"<td>{source}</td></tr>"
        )
    cells = "".join(f"<th>{h}</th>" for h in head)
    return f"{heading}\n\n<table><tr>{cells}</tr>{''.join(rows)}</table>\n"


def to_html(nb, title: str) -> str:
    """Self-contained HTML without any code input or prompt, no external resource."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.get("output_type") == "stream"
                            and o.get("name") == "stderr")]  # fmt: skip
    exporter = HTMLExporter(template_name="basic")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.anchor_link_text = ""
    remove = TagRemovePreprocessor(remove_cell_tags={"remove-cell", "papermill-error-cell-tag"})
    exporter.register_preprocessor(remove, enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
        f"<title>{escape(title)}</title><style>{fonts.font_face(title + body + labels.all_text())}\n{css()}</style>"
        f"</head>\n<body>\n{body}\n</body></html>\n"
    )
