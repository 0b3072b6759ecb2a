"""The CJK font of a brief: embedded in its HTML, and checked in its printed PDF.

Chromium finds fonts through fontconfig, which may know no CJK font at all (or
a different one than matplotlib uses). A brief therefore does not rely on it:
the HTML carries, as an ``@font-face`` data URL, a subset of the *same* font
file the charts use (:func:`pxanalysis.present.style.find_cjk_font`), cut down
to the characters of the page. Subsets are cached on disk, keyed by the font
file, so a scheduled run pays for subsetting once; each cache entry is one file
holding the subset *and* the characters it covers, replaced in one rename, so
concurrent runs can never pair a font with another subset's character list.

After printing, :func:`check_pdf` reads the PDF back (poppler's ``pdffonts`` and
``pdftotext``): every text font must be the embedded CJK font, and the font
must have a glyph for every character of the text. A text layer alone is no
proof: boxes (tofu) can carry the right Unicode.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

from pxanalysis import paths
from pxanalysis.errors import UnreadablePdfError
from pxanalysis.present.style import DEBIAN_PACKAGE, find_cjk_font

#: The CSS family name the brief's stylesheet uses for every text.
FAMILY = "PxBriefCJK"
#: Characters always included, so that most briefs reuse one cached subset.
BASE_CHARACTERS = (
    "".join(chr(c) for c in range(0x20, 0x7F)) + "·—–−‘’“”…×÷±≤≥%‰°℃→←↑↓■□●○★☆"
    "，。、；：？！「」『』（）【】《》〈〉〔〕＋－／＝％～０１２３４５６７８９"
)
POPPLER_PACKAGE = "poppler-utils"


@functools.lru_cache(maxsize=4)
def _face(path: str) -> tuple[int, str]:
    """(index in the collection, PostScript name) of the Simplified Chinese face."""
    if not path.lower().endswith((".ttc", ".otc")):
        font = TTFont(path, lazy=True)
        return -1, font["name"].getDebugName(6)
    faces = TTCollection(path, lazy=True).fonts
    names = [(f["name"].getDebugName(1) or "", f["name"].getDebugName(6) or "") for f in faces]
    for index, (family, postscript) in enumerate(names):
        if family.endswith("CJK SC") or postscript.endswith("sc-Regular"):
            return index, postscript
    return 0, names[0][1]


@functools.lru_cache(maxsize=4)
def _cmap(path: str) -> frozenset[int]:
    """The code points the chosen face of a font file has glyphs for."""
    index, _ = _face(path)
    return frozenset(TTFont(path, lazy=True, fontNumber=max(index, 0)).getBestCmap())


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pxanalysis" / "fonts"


def _to_truetype(font: TTFont) -> None:
    """Replace a font's CFF outlines by TrueType ones, in place.

    Chromium's PDF backend embeds a web font with CFF outlines as Type 3
    (unnamed, no font program); with TrueType outlines it embeds a proper
    ``CID TrueType`` subset. Cubic curves become quadratic within 1 font unit
    (fontTools' cu2qu).
    """
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    font["head"].glyphDataFormat = 0
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):  # fmt: skip
        setattr(maxp, field, 0)
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    font.sfntVersion = "\x00\x01\x00\x00"


def _subset(path: Path, characters: str) -> bytes:
    """The chosen face of ``path`` cut down to ``characters``, as a TrueType font."""
    index, _ = _face(str(path))
    font = TTFont(str(path), lazy=True, fontNumber=max(index, 0))
    options = subset.Options()
    options.name_IDs = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    if "CFF " in font:
        _to_truetype(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def faces() -> dict[int, Path]:
    """The font files of the brief by CSS weight: regular (400) and, where installed, bold (700).

    Without a bold file the regular face serves every weight: chromium would
    otherwise embolden it synthetically, which it prints as an unnamed Type 3 font.
    Found once per setting of ``PXANALYSIS_CJK_FONT`` and ``FONTCONFIG_FILE``.

    Returns
    -------
    dict
        ``{400: regular file}``, and ``700: bold file`` where there is one.

    Raises
    ------
    pxanalysis.errors.FontNotFoundError
        If no CJK font is installed (names the Debian package).
    """
    return dict(_faces(os.environ.get("PXANALYSIS_CJK_FONT"), os.environ.get("FONTCONFIG_FILE")))


@functools.lru_cache(maxsize=8)
def _faces(override: str | None, fontconfig: str | None) -> tuple[tuple[int, Path], ...]:
    """:func:`faces` for one setting of its environment variables (the cache key)."""
    regular = find_cjk_font()
    bold = regular.with_name(regular.name.replace("Regular", "Bold"))
    out = [(400, regular)]
    if bold != regular and bold.is_file():
        out.append((700, bold))
    return tuple(out)


#: First bytes of a cache entry: ``PXSUBSET1 <n>\n``, then n bytes of characters, then the font.
_CACHE_MAGIC = b"PXSUBSET1 "


def _read_cache(file: Path) -> tuple[set[str], bytes] | None:
    """(characters, font) of a cache entry; None if it is missing or damaged."""
    try:
        raw = file.read_bytes()
        header, rest = raw.split(b"\n", 1)
        if not header.startswith(_CACHE_MAGIC):
            return None
        size = int(header[len(_CACHE_MAGIC) :])
        characters, font = rest[:size].decode("utf-8"), rest[size:]
    except (OSError, ValueError):  # ValueError: no header line, bad size, not UTF-8
        return None
    return (set(characters), font) if font else None


def _cached_subset(path: Path, wanted: set[str]) -> bytes:
    """A subset of ``path`` covering ``wanted``, from the disk cache where it has one."""
    stat = path.stat()
    identity = hashlib.sha256(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    key = identity.hexdigest()[:16]
    cache = _cache_dir()
    entry = cache / f"{key}.subset"
    cached = _read_cache(entry)
    if cached is not None:
        if wanted <= cached[0]:
            return cached[1]
        wanted = wanted | cached[0]  # grow the cached subset rather than replace it
    characters = "".join(sorted(wanted))
    data = _subset(path, characters)
    encoded = characters.encode("utf-8")
    content = _CACHE_MAGIC + str(len(encoded)).encode() + b"\n" + encoded + data
    with contextlib.suppress(OSError):  # a cache that cannot be written costs time only
        paths.atomic_write(entry, lambda tmp: tmp.write_bytes(content))  # one file, one rename
    return data


def _missing(text: str, cmaps) -> str:
    """The characters of ``text`` (spaces aside) that one of ``cmaps`` lacks, sorted."""
    return "".join(
        sorted({ch for ch in text if not ch.isspace() and any(ord(ch) not in c for c in cmaps)})
    )


def missing_glyphs(text: str) -> str:
    """The characters of ``text`` (spaces aside) that a face of the brief's CJK font lacks.

    Raises
    ------
    pxanalysis.errors.FontNotFoundError
        If no CJK font is installed.
    """
    return _missing(text, [_cmap(str(p)) for p in faces().values()])


def font_face(text: str) -> str:
    """CSS ``@font-face`` rules embedding the CJK font, subset to ``text``'s characters.

    Raises
    ------
    pxanalysis.errors.FontNotFoundError
        If no CJK font is installed (names the Debian package).
    """
    wanted = set(text) | set(BASE_CHARACTERS)
    by_weight = faces()
    rules = []
    for weight, path in by_weight.items():
        encoded = base64.b64encode(_cached_subset(path, wanted)).decode("ascii")
        css_weight = weight if len(by_weight) > 1 else "100 900"
        rules.append(
            f"@font-face {{ font-family: '{FAMILY}'; font-style: normal; "
            f"font-weight: {css_weight}; "
            f"src: url(data:font/ttf;base64,{encoded}) format('truetype'); }}"
        )
    return "\n".join(rules)


def _poppler(tool: str, pdf: Path) -> str:
    if not shutil.which(tool):
        raise UnreadablePdfError(
            f"{tool} not found: install the Debian package {POPPLER_PACKAGE} "
            f"(sudo apt-get install {POPPLER_PACKAGE}, or `make setup`)"
        )
    result = subprocess.run([tool, str(pdf), "-"] if tool == "pdftotext" else [tool, str(pdf)],
                            capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    if result.returncode != 0:
        raise UnreadablePdfError(f"{tool} cannot read {pdf}: {result.stderr.strip()[-300:]}")
    return result.stdout


def embedded_fonts(pdf: Path) -> list[tuple[str, bool]]:
    """(base font name without the subset tag, embedded?) of every font of a PDF."""
    lines = _poppler("pdffonts", pdf).splitlines()[2:]
    fonts = []
    for line in lines:
        fields = line.split()
        if len(fields) >= 5:
            # columns: name type [type...] encoding emb sub uni object ID
            emb = fields[-5]
            fonts.append((re.sub(r"^[A-Z]{6}\+", "", fields[0]), emb == "yes"))
    return fonts


def check_pdf(pdf: Path, expected: str = "") -> None:
    """Raise unless the PDF's text is set in the embedded CJK font, which has all its glyphs.

    Parameters
    ----------
    pdf : path
    expected : str
        A string the text layer must contain (e.g. the city's name).

    Raises
    ------
    UnreadablePdfError
        Naming the fonts found, the characters without a glyph, and the fix.
    """
    by_weight = faces()
    path = by_weight[400]
    postscripts = {_face(str(p))[1] for p in by_weight.values()}
    postscript = _face(str(path))[1]
    fonts = embedded_fonts(pdf)
    text = _poppler("pdftotext", pdf)
    fix = (
        f"the brief must embed {postscript} from {path}: install the Debian package "
        f"{DEBIAN_PACKAGE} (or set PXANALYSIS_CJK_FONT to a CJK font file)"
    )
    if not fonts or not text.strip():
        raise UnreadablePdfError(
            f"{pdf.name} has no text at all (chromium found no usable font: check fontconfig, "
            f"FONTCONFIG_FILE={os.environ.get('FONTCONFIG_FILE', '(unset)')}); {fix}"
        )
    others = sorted({name for name, _ in fonts if name not in postscripts})
    if others:
        raise UnreadablePdfError(
            f"{pdf.name} sets text in {', '.join(others)} instead of the CJK font: {fix}"
        )
    if not all(embedded for _, embedded in fonts):
        raise UnreadablePdfError(f"{pdf.name} does not embed its font: {fix}")
    missing = _missing(text, [_cmap(str(path))])
    if missing:
        raise UnreadablePdfError(
            f"{pdf.name}: the font {postscript} has no glyph for {missing[:20]!r}"
        )
    if expected and expected not in text:
        raise UnreadablePdfError(f"{pdf.name}: the text layer lacks {expected!r}")
