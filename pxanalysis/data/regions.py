"""Regions as data: ``data/<region>/region.yaml``, a small profile beside its report packages.

A region is a folder of report packages (``data/<region>/<year>/``) plus a
profile: its Chinese and English names, its level (national, province,
prefecture, county), its parent region and, optionally, its administrative
code. No code names a region: what is "the parent's target", which series pool
with it, how the brief names it, all follow from the profiles.

>>> from pxanalysis.data import regions
>>> regions.get("pingxiang").parent                               # doctest: +SKIP
'jiangxi'
>>> [r.id for r in regions.ancestors("pingxiang")]                # doctest: +SKIP
['jiangxi', 'china']

This module imports no numerical library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pxanalysis import caching, paths
from pxanalysis.errors import DataValidationError, ParameterError
from pxanalysis.safe_yaml import load_yaml
from pxanalysis.vocab import REGION_PATTERN

#: The levels of government whose reports the project reads, top down.
LEVELS = ("national", "province", "prefecture", "county")
#: Keys of a profile; ``code`` and ``aliases`` may be left out.
KEYS = ("id", "name", "name_en", "level", "parent", "code", "aliases")
#: How a report of each level refers to its own region ("本市目标"), by the name's suffix
#: (a county-level 市 says 本市, a 区 本区); the level's word when no suffix matches.
_SELF_BY_SUFFIX = (("自治区", "本区"), ("自治州", "本州"), ("省", "本省"), ("市", "本市"),
                   ("县", "本县"), ("区", "本区"), ("旗", "本旗"), ("州", "本州"), ("盟", "本盟"))  # fmt: skip
_SELF_BY_LEVEL = {"national": "全国", "province": "本省", "prefecture": "本市", "county": "本县"}
#: Suffixes dropped for a region's short name (萍乡市 -> 萍乡).
_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "特别行政区", "省", "市",
             "县", "区", "旗", "盟", "地区")  # fmt: skip


@dataclass(frozen=True)
class Region:
    """A region's profile."""

    id: str
    name: str
    name_en: str
    level: str
    parent: str | None
    code: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def short(self) -> str:
        """The name without its administrative suffix (萍乡市 -> 萍乡; 中国 stays)."""
        for suffix in _SUFFIXES:
            if self.name.endswith(suffix) and len(self.name) > len(suffix) + 1:
                return self.name[: -len(suffix)]
        return self.name

    @property
    def self_word(self) -> str:
        """How the region's own report refers to it: 本市, 本省, 本县, 全国."""
        if self.level == "national":
            return "全国"
        for suffix, word in _SELF_BY_SUFFIX:
            if self.name.endswith(suffix):
                return word
        return _SELF_BY_LEVEL[self.level]


def profile_path(region: str) -> Path:
    """``<data>/<region>/region.yaml``."""
    return paths.region_dir(region) / "region.yaml"


def _read(file: Path, stamp: tuple) -> Region:
    raw = load_yaml(file, limit=64 * 1024)
    if not isinstance(raw, dict):
        raise DataValidationError(file, None, None, "a profile is a mapping (id, name, level …)")
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        raise DataValidationError(
            file, None, unknown[0], f"not a key of a profile; allowed: {', '.join(KEYS)}"
        )
    for key in ("id", "name", "name_en", "level"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise DataValidationError(file, None, key, "required text")
    if raw["id"] != file.parent.name:
        raise DataValidationError(
            file, None, "id", f"{raw['id']!r} is not the folder's name {file.parent.name!r}"
        )
    if not re.fullmatch(REGION_PATTERN, raw["id"]):
        raise DataValidationError(file, None, "id", "lower-case ASCII letters, digits and _")
    if raw["level"] not in LEVELS:
        raise DataValidationError(
            file, None, "level", f"{raw['level']!r}: one of {', '.join(LEVELS)}"
        )
    parent = raw.get("parent")
    if raw["level"] == "national":
        if parent is not None:
            raise DataValidationError(
                file, None, "parent", "a national region has no parent (null)"
            )
    elif not isinstance(parent, str) or not re.fullmatch(REGION_PATTERN, parent):
        raise DataValidationError(file, None, "parent", "the id of the region one level up")
    aliases = raw.get("aliases") or ()
    if not isinstance(aliases, (list, tuple)) or not all(isinstance(a, str) for a in aliases):
        raise DataValidationError(file, None, "aliases", "a list of names")
    code = raw.get("code") or ""
    return Region(raw["id"], raw["name"].strip(), raw["name_en"].strip(), raw["level"], parent,
                  str(code), tuple(aliases))  # fmt: skip


_read_cached = caching.memoize(maxsize=1024)(_read)


def _stamp(file: Path) -> tuple | None:
    try:
        st = file.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (st.st_mtime_ns, st.st_size)


def get(region: str) -> Region | None:
    """The profile of ``region``, or None if ``data/<region>/region.yaml`` is not there.

    Raises
    ------
    DataValidationError
        If the profile is malformed (naming the file and key).
    """
    file = profile_path(region)
    stamp = _stamp(file)
    return None if stamp is None else _read_cached(file, stamp)


def require(region: str) -> Region:
    """The profile of ``region``; a missing one is a usage error saying how to add it."""
    found = get(region)
    if found is None:
        held = ", ".join(ids()) or "none"
        raise ParameterError(
            f"no profile for region {region!r}: write {profile_path(region)} (id, name, name_en, "
            f"level: {' | '.join(LEVELS)}, parent), or draft its report with `pxanalysis extract "
            f"… --region {region} --name … --level … --parent …` (regions held: {held})"
        )
    return found


def ids() -> tuple[str, ...]:
    """Every region with a profile under the data folder, sorted."""
    root = paths.data_root()
    return tuple(sorted(p.parent.name for p in root.glob("*/region.yaml")))


def ancestors(region: str) -> list[Region]:
    """The regions above ``region`` whose profiles are held, nearest first."""
    out, seen = [], {region}
    current = get(region)
    while current is not None and current.parent and current.parent not in seen:
        seen.add(current.parent)
        current = get(current.parent)
        if current is None:
            break
        out.append(current)
    return out


def parent(region: str) -> Region | None:
    """The profile of the region one level up, if held."""
    up = ancestors(region)
    return up[0] if up else None


def clear_cache() -> None:
    """Forget the parsed profiles (every cache: :func:`pxanalysis.caching.clear`)."""
    caching.clear()
