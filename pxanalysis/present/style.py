"""Matplotlib and seaborn set-up with a CJK font.

matplotlib caches its font list and never rescans, so a font installed after the
first import is invisible to it. :func:`setup_cjk` therefore registers the font
*file* directly with ``fontManager.addfont``.

seaborn and pandas are imported by the functions that use them: finding the
font (:func:`find_cjk_font`, which the briefs call) costs no seaborn import.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from matplotlib import font_manager, rcParams
from matplotlib.ft2font import FT2Font

from pxanalysis.errors import FontNotFoundError

CJK_FAMILY = "Noto Sans CJK SC"
DEBIAN_PACKAGE = "fonts-noto-cjk"
_KNOWN_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
)
_PROBE = "中国经济数据"


def _has_glyphs(path: str) -> bool:
    try:
        charmap = FT2Font(path).get_charmap()
    except (OSError, RuntimeError):
        return False
    return all(ord(ch) in charmap for ch in _PROBE)


def find_cjk_font() -> Path:
    """Return the path of a font file that has Chinese glyphs.

    Looks at ``PXANALYSIS_CJK_FONT`` first (a file path), then asks fontconfig
    (``fc-match``) for Noto Sans CJK SC, then the Debian install location.
    A candidate counts only if it really contains Chinese glyphs: fontconfig
    always answers with *some* font.

    Raises
    ------
    FontNotFoundError
        With the Debian package to install.
    """
    candidates = []
    override = os.environ.get("PXANALYSIS_CJK_FONT")
    if override:
        candidates.append(override)
    else:
        if shutil.which("fc-match"):
            result = subprocess.run(
                ["fc-match", "-f", "%{file}", f"{CJK_FAMILY}:lang=zh-cn"],
                capture_output=True,
                text=True,
                check=False,
            )
            if result.stdout:
                candidates.append(result.stdout.strip())
        if not os.environ.get("FONTCONFIG_FILE"):
            candidates.extend(_KNOWN_FILES)
    for candidate in candidates:
        if Path(candidate).is_file() and _has_glyphs(candidate):
            return Path(candidate)
    raise FontNotFoundError(
        f"no font with Chinese glyphs found (tried {candidates or 'nothing'}); "
        f"install the Debian package {DEBIAN_PACKAGE}: sudo apt-get install {DEBIAN_PACKAGE} "
        "(or run `make setup`), or set PXANALYSIS_CJK_FONT to a CJK font file"
    )


def setup_cjk() -> Path:
    """Register a CJK font with matplotlib and make it the default sans-serif.

    Also sets ``axes.unicode_minus = False`` (CJK fonts lack U+2212).

    Returns
    -------
    pathlib.Path
        The registered font file.

    Raises
    ------
    FontNotFoundError
        If no CJK font is installed.
    """
    path = find_cjk_font()
    font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    rcParams["font.family"] = "sans-serif"
    rcParams["font.sans-serif"] = [family, "DejaVu Sans"]
    rcParams["axes.unicode_minus"] = False
    return path


def apply_theme() -> Path:
    """Seaborn's whitegrid theme with the CJK font and PNG-friendly sizes.

    Returns
    -------
    pathlib.Path
        The registered font file.
    """
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook")
    path = setup_cjk()
    rcParams["figure.dpi"] = 100
    rcParams["savefig.dpi"] = 150
    return path


def setup_notebook() -> None:
    """One call at the top of a notebook: theme, CJK font, PNG figures, table sizes.

    Figures are PNG only (SVG output is not reproducible under nbval), and
    pandas shows up to 200 rows so that the report's tables are never cut.
    """
    import pandas as pd

    apply_theme()
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        # PNG only; no bbox_inches="tight": figures set their own margins, and the
        # tight bounding box costs a second full draw of every figure
        set_matplotlib_formats("png", bbox_inches=None)
    except ImportError:  # pragma: no cover - outside IPython
        pass
    pd.set_option("display.max_rows", 200)
    pd.set_option("display.max_columns", 20)
    pd.set_option("display.width", 120)
