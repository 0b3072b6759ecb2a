"""Provenance checks: every figure is quoted verbatim, and no figure is missed.

Used by the tests and by anyone editing ``figures.csv``::

    >>> from pxanalysis import provenance
    >>> provenance.check_figures()          # doctest: +SKIP
    >>> provenance.uncovered_numbers()      # doctest: +SKIP
    []
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from pxanalysis.data import loaders as data
from pxanalysis.errors import DataError

#: Arabic numbers (2023, 3.5, 50.01) and runs of Chinese numerals (八, 二十).
ARABIC = re.compile(r"\d+(?:\.\d+)?")
CHINESE = re.compile(r"[一二三四五六七八九十两百千]+")
DECLINE_WORDS = ("下降",)


@dataclass(frozen=True)
class NumberToken:
    """One number written in the source."""

    start: int
    text: str
    context: str


def number_tokens(text: str) -> list[NumberToken]:
    """Return every Arabic number and every run of Chinese numerals in ``text``."""
    out = []
    for pattern in (ARABIC, CHINESE):
        for m in pattern.finditer(text):
            context = text[max(0, m.start() - 10) : m.end() + 10].replace("\n", "⏎")
            out.append(NumberToken(m.start(), m.group(), context))
    return sorted(out, key=lambda t: t.start)


def _occurrences(text: str, fragment: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(fragment), text)]


def figure_problems(figures: pd.DataFrame | None = None, text: str | None = None) -> list[str]:
    """Check each figure's quote and value against the source.

    A figure passes when its quote is a verbatim substring of the source, its
    ``value_text`` is a number written in the quote, ``abs(value)`` equals
    ``value_text``, and a negative value is written as a decline (下降) in the
    quote (a positive one is not).

    Returns
    -------
    list of str
        One message per problem; empty when every figure passes.
    """
    figures = data.report_figures() if figures is None else figures
    text = data.source_text() if text is None else text
    problems = []
    for row in figures.itertuples():
        if row.quote not in text:
            problems.append(f"{row.figure_id}: quote is not in the source: {row.quote!r}")
            continue
        numbers = ARABIC.findall(row.quote)
        if row.value_text not in numbers:
            problems.append(f"{row.figure_id}: {row.value_text!r} is not a number of the quote")
        if abs(row.value) != float(row.value_text):
            problems.append(f"{row.figure_id}: value {row.value} != written {row.value_text}")
        declined = any(f"{w}{row.value_text}" in row.quote for w in DECLINE_WORDS)
        if (row.value < 0) != declined:
            problems.append(f"{row.figure_id}: sign of {row.value} disagrees with the quote")
    return problems


def check_figures() -> None:
    """Raise :class:`~pxanalysis.errors.DataError` listing every figure whose check fails."""
    problems = figure_problems()
    if problems:
        raise DataError("figures.csv provenance problems:\n" + "\n".join(problems))


def _captured(figures: pd.DataFrame, text: str) -> set[tuple[int, str]]:
    """(start, token) of every number that is the value of a figure, inside its quote."""
    spans = set()
    for row in figures.itertuples():
        for q in _occurrences(text, row.quote):
            for m in ARABIC.finditer(row.quote):
                if m.group() == row.value_text:
                    spans.add((q + m.start(), m.group()))
    return spans


def _listed(entries: list[dict], text: str) -> set[tuple[int, str]]:
    """(start, token) covered by the non-figures list."""
    spans = set()
    for entry in entries:
        token, context = str(entry["token"]), entry["context"]
        pattern = ARABIC if ARABIC.fullmatch(token) else CHINESE
        for c in _occurrences(text, context):
            for m in pattern.finditer(context):
                if m.group() == token:
                    spans.add((c + m.start(), token))
    return spans


def uncovered_numbers(
    text: str | None = None,
    figures: pd.DataFrame | None = None,
    entries: list[dict] | None = None,
) -> list[NumberToken]:
    """Return the numbers of the source that are neither captured nor listed.

    Parameters
    ----------
    text, figures, entries : optional
        Default to :func:`pxanalysis.data.source_text`,
        :func:`pxanalysis.data.report_figures` and
        :func:`pxanalysis.data.non_figures`.

    Returns
    -------
    list of NumberToken
        Empty when every number in the source is accounted for.
    """
    text = data.source_text() if text is None else text
    figures = data.report_figures() if figures is None else figures
    entries = data.non_figures() if entries is None else entries
    covered = _captured(figures, text) | _listed(entries, text)
    return [t for t in number_tokens(text) if (t.start, t.text) not in covered]


def unused_non_figures(text: str | None = None, entries: list[dict] | None = None) -> list[dict]:
    """Return non-figure entries whose context is not in the source (stale entries)."""
    text = data.source_text() if text is None else text
    entries = data.non_figures() if entries is None else entries
    return [e for e in entries if e["context"] not in text]


def value_in_quote(value: float, quote: str) -> bool:
    """Whether a number (or one of its written forms) appears in a history quote.

    Accepts trailing zeros (``14.3`` in ``14.3000``), a decimal comma
    (``8,2%``), thousands separators (``11.100``) and the researcher's bracketed unit conversions.
    """
    forms = {f"{value:g}", f"{abs(value):g}", repr(value), repr(abs(value))}
    for text in list(forms):
        if "." in text:
            forms.add(text.replace(".", ","))
    if float(value).is_integer():
        whole = int(abs(value))
        forms |= {str(whole), f"{whole:,}", f"{whole:,}".replace(",", ".")}  # 11.100 (German)
    numbers = [n.replace(",", ".") for n in re.findall(r"\d+(?:[.,]\d+)?", quote)]
    return any(float(n) == abs(value) for n in numbers) or any(f in quote for f in forms)
