"""Text from a report or a user made inert in Markdown and HTML (a root module: the extractor's
review file and the brief both use it; :mod:`pxanalysis.present.markup` adds charts and
spreadsheet cells)."""

from __future__ import annotations

import string
from html import escape

#: ASCII punctuation, which a backslash escapes in Markdown (CommonMark), except the HTML
#: characters ``& < > " '``: :func:`inert` writes those as entities.
MARKDOWN_PUNCTUATION = frozenset(string.punctuation) - set("&<>\"'")


def markdown_text(text: str) -> str:
    """``text`` with a backslash before every Markdown punctuation character but ``& < > " '``."""
    return "".join("\\" + ch if ch in MARKDOWN_PUNCTUATION else ch for ch in str(text))


def inert(text) -> str:
    """``text`` as inert Markdown and HTML: it is shown as written, and nothing else happens.

    Markdown punctuation gets a backslash (no emphasis, link, image, heading,
    autolink: ``https\\://`` is not a link) and ``& < > " '`` become entities (no
    tag, no ``<style>``, no raw HTML). Line breaks become spaces: a line of text
    cannot start a new Markdown block.

    Parameters
    ----------
    text : str
        Text from a report, a data file or a user (anything else is ``str()``-ed).

    Returns
    -------
    str
        Markdown that renders as exactly ``text`` (on one line).
    """
    return escape(markdown_text(" ".join(str(text).split())), quote=True)
