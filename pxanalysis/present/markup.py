"""Text from a report or a user, made inert wherever it lands: Markdown, HTML, spreadsheet cells.

A report's title, a region's name (``extract --name``), a source address
(``--source``), a brief's title, an indicator's name from ``targets.csv``: each is
text, never markup. :func:`inert` escapes it for a Markdown cell of the brief
(which nbconvert turns into HTML, and chromium into the PDF): no ``<style>``, no
link, no image, no ``/URI`` annotation can come out of it. :func:`chart_text`
keeps a ``$`` in a chart's label a dollar sign (matplotlib would typeset
``$…$`` as mathematics). :func:`cell` and
:func:`cells` do the same for a CSV or XLSX export, where a leading ``= + - @``
would make a formula (``=HYPERLINK(…)``).
"""

from __future__ import annotations

import pandas as pd

from pxanalysis.escaping import MARKDOWN_PUNCTUATION, inert, markdown_text

__all__ = ["MARKDOWN_PUNCTUATION", "inert", "markdown_text", "chart_text", "cell", "cells"]

#: What makes a spreadsheet read a cell as a formula (OWASP "CSV injection"): ``= + - @``,
#: and a tab or carriage return before one of them.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def chart_text(text) -> str:
    """``text`` for a matplotlib label: a ``$`` is a dollar sign, never the start of mathtext
    (``$x^2$`` in a region's name would be typeset, an unpaired ``$\\`` would fail the chart)."""
    return str(text).replace("$", r"\$")


def cell(value):
    """A spreadsheet cell that cannot be a formula: text starting with ``= + - @`` (or a tab or
    carriage return) gets a leading ``'``; numbers and anything else are returned as they are.

    Parameters
    ----------
    value : object
        A cell's value.

    Returns
    -------
    object
        ``value``, or ``"'" + value`` for text a spreadsheet would evaluate.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def cells(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell, and every column name, made inert by :func:`cell`.

    Parameters
    ----------
    frame : pandas.DataFrame

    Returns
    -------
    pandas.DataFrame
        A copy; number columns are unchanged.
    """
    out = frame.copy()
    for column in out.columns:
        if not (
            pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_bool_dtype(out[column])
        ):
            out[column] = out[column].map(cell)
    out.columns = [cell(c) for c in out.columns]
    return out
