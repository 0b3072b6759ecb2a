"""A report's text normalised for reading, with the way back to the verbatim source.

Public copies of government work reports come in many hands: traditional
characters (繁體), full-width digits and punctuation, conversion debris such as
pinyin in brackets after a character (``現(xiàn)``), zero-width characters. The
scanner reads a *normalised* text; every normalised character remembers the
position of the source character it came from, so that each figure's quote is
cut from the source verbatim.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import opencc

#: Pinyin with tone marks in brackets right after a character (a conversion artefact).
_PINYIN = re.compile(r"\((?:[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+)\)")
_DROP = {"\u200b", "\u200c", "\u200d", "\ufeff"}


@functools.lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=4096)
def _char(ch: str) -> str:
    """One character, simplified and half-width (one character out, or the input)."""
    nfkc = unicodedata.normalize("NFKC", ch)
    if len(nfkc) == 1:
        ch = nfkc
    simple = _t2s().convert(ch)
    return simple if len(simple) == 1 else ch


@dataclass(frozen=True)
class Text:
    """The normalised text and, for each of its characters, the source position."""

    source: str
    normal: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> str:
        """The verbatim source text behind normalised positions ``start:end``."""
        if start >= end:
            return ""
        return self.source[self.origin[start] : self.origin[end - 1] + 1]

    @property
    def traditional(self) -> bool:
        """Whether the source was (largely) in traditional characters."""
        changed = sum(1 for a, i in zip(self.normal, self.origin, strict=True)
                      if a != self.source[i] and "\u4e00" <= a <= "\u9fff")  # fmt: skip
        return changed > 20


#: A text hard-wrapped at a fixed width (a copy of a PDF): most lines this long or longer.
WRAP_WIDTH = 30
_SENTENCE_END = set("。!?！？:：;；")


def hard_wraps(source: str) -> set[int]:
    """Positions of line breaks that only wrap a paragraph at a fixed width.

    A text is hard-wrapped when most of its long lines do not end a sentence; a
    break there, between two characters of text, is not a paragraph's end (a number
    split as ``25\n0.3亿元`` is one number).
    """
    lines = source.split("\n")
    long = [ln for ln in lines if len(ln.strip()) >= WRAP_WIDTH]
    if len(long) < 4:
        return set()
    open_ended = [ln for ln in long if ln.rstrip()[-1:] not in _SENTENCE_END]
    if len(open_ended) < 0.6 * len(long):
        return set()
    out, position = set(), 0
    for ln, nxt in zip(lines, lines[1:], strict=False):
        position += len(ln)
        if (len(ln.strip()) >= WRAP_WIDTH and ln.rstrip()[-1:] not in _SENTENCE_END
                and nxt.strip() and not nxt.startswith((" ", "\u3000"))):  # fmt: skip
            out.add(position)
        position += 1
    return out


def normalise(source: str) -> Text:
    """Normalise ``source`` (see the module docstring; hard wraps are joined)."""
    skip = hard_wraps(source)
    for m in _PINYIN.finditer(source):
        if m.start() > 0 and "\u4e00" <= source[m.start() - 1] <= "\u9fff":
            skip.update(range(m.start(), m.end()))
    chars, origin = [], []
    for i, ch in enumerate(source):
        if i in skip or ch in _DROP:
            continue
        chars.append(_char(ch))
        origin.append(i)
    return Text(source, "".join(chars), tuple(origin))
