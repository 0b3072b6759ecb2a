"""The indicator registry: ``data/registry/indicators.yaml``, read once and checked.

Every module that needs to know something about an indicator (which Chinese
names mean it, its English name, whether its target is a ceiling, its basis, what
it moves with, how volatile it is, its plausible range) asks here; no code keeps
its own table of indicators. Adding an indicator is one entry in the file.

>>> from pxanalysis.data import registry
>>> registry.canonical("规模以上工业增加值")                       # doctest: +SKIP
'industrial_value_added'
>>> registry.get("gdp").direction                                  # doctest: +SKIP
'increase'

This module imports no numerical library (the extractor reads it).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields
from pathlib import Path

from pxanalysis import caching, paths
from pxanalysis.errors import DataValidationError, check_name
from pxanalysis.safe_yaml import load_yaml

#: Values a registry entry may omit, and what they then are.
DEFAULTS = {
    "aliases": (),
    "exact": (),
    "exclude": (),
    "measure": "growth",
    "unit": "%",
    "direction": "increase",
    "cap": False,
    "basis": "nominal",
    "comoves_with": None,
    "volatility": 1.0,
    "loading": 0.5,
    "back_loaded": False,
    "countercyclical": False,
    "bounds": None,
    "bounds_why": "",
}
MEASURES = ("growth", "rate", "level", "count")
DIRECTIONS = ("increase", "decrease")
BASES = ("real", "nominal")
ID_PATTERN = re.compile(r"[a-z][a-z0-9_]{1,39}")

#: The scenario loading and volatility of a target the registry does not hold (a
#: target kept under its Chinese name): half the economy-wide factor, GDP's volatility.
UNKNOWN_LOADING = 0.5
UNKNOWN_VOLATILITY = 1.0


@dataclass(frozen=True)
class Indicator:
    """One entry of the registry (see the file's header for each field)."""

    id: str
    zh: str
    en: str
    aliases: tuple[str, ...]
    exact: tuple[str, ...]
    exclude: tuple[str, ...]
    measure: str
    unit: str
    direction: str
    cap: bool
    basis: str
    comoves_with: str | None
    volatility: float
    loading: float
    back_loaded: bool
    countercyclical: bool
    bounds: tuple[float, float] | None
    bounds_why: str


def path() -> Path:
    """The registry file: ``<data>/registry/indicators.yaml``."""
    return _path(os.environ.get("PXANALYSIS_DATA_DIR"), os.environ.get("PXANALYSIS_HOME"))


@caching.memoize(maxsize=8)
def _path(data_dir: str | None, home: str | None) -> Path:
    return paths.data_root() / "registry" / "indicators.yaml"


def _problem(file: Path, number: int | None, field: str | None, message: str):
    return DataValidationError(file, number, field, message)


def _entry(file: Path, number: int, raw) -> Indicator:
    if not isinstance(raw, dict):
        raise _problem(file, number, None, "an entry must be a mapping (id: …, zh: …, en: …)")
    names = {f.name for f in fields(Indicator)}
    unknown = sorted(set(raw) - names)
    if unknown:
        raise _problem(
            file, number, unknown[0], f"not a key of an entry; allowed: {', '.join(sorted(names))}"
        )
    for key in ("id", "zh", "en"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise _problem(file, number, key, "required text")
    if not ID_PATTERN.fullmatch(raw["id"]):
        raise _problem(file, number, "id", f"{raw['id']!r}: lower-case ASCII, e.g. gdp")
    values = {**DEFAULTS, **{k: v for k, v in raw.items() if v is not None or k == "comoves_with"}}
    for key in ("aliases", "exact", "exclude"):
        items = values[key]
        if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) for i in items):
            raise _problem(file, number, key, "a list of names")
        values[key] = tuple(items)
    for key, allowed in (("measure", MEASURES), ("direction", DIRECTIONS), ("basis", BASES)):
        if values[key] not in allowed:
            raise _problem(file, number, key, f"{values[key]!r}: one of {', '.join(allowed)}")
    for key in ("cap", "back_loaded", "countercyclical"):
        if not isinstance(values[key], bool):
            raise _problem(file, number, key, "true or false")
    for key in ("volatility", "loading"):
        value = values[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise _problem(file, number, key, f"{value!r}: a number > 0")
        values[key] = float(value)
    for key in ("unit", "bounds_why"):
        if not isinstance(values[key], str):
            raise _problem(file, number, key, "text")
    bounds = values["bounds"]
    if bounds is not None:
        ok = (
            isinstance(bounds, (list, tuple))
            and len(bounds) == 2
            and all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds)
            and bounds[0] < bounds[1]
        )
        if not ok:
            raise _problem(file, number, "bounds", f"{bounds!r}: [low, high] with low < high")
        values["bounds"] = (float(bounds[0]), float(bounds[1]))
    comove = values["comoves_with"]
    if comove is not None and not isinstance(comove, str):
        raise _problem(file, number, "comoves_with", "an indicator id, or null")
    return Indicator(**values)


@caching.memoize(maxsize=8)
def _load(file: Path) -> dict[str, Indicator]:
    if not file.is_file():
        raise DataValidationError(
            file, None, None, "the indicator registry is missing: reinstall, or set PXANALYSIS_HOME"
        )
    document = load_yaml(file)
    if not isinstance(document, dict) or not isinstance(document.get("indicators"), list):
        raise _problem(file, None, "indicators", "the file must hold `indicators:`, a list")
    out: dict[str, Indicator] = {}
    for number, raw in enumerate(document["indicators"], start=1):
        entry = _entry(file, number, raw)
        if entry.id in out:
            raise _problem(file, number, "id", f"{entry.id!r} is given twice")
        out[entry.id] = entry
    for number, entry in enumerate(out.values(), start=1):
        if entry.comoves_with is not None and entry.comoves_with not in out:
            raise _problem(
                file, number, "comoves_with", f"{entry.comoves_with!r} is not an indicator id"
            )
    return out


def indicators() -> dict[str, Indicator]:
    """Every indicator of the registry, by id (in the file's order).

    Raises
    ------
    DataValidationError
        If the file is missing or an entry is malformed (naming the entry and key).
    """
    return _load(path())


def ids() -> tuple[str, ...]:
    """The registry's ids, in the file's order."""
    return tuple(indicators())


def get(indicator_id: str) -> Indicator | None:
    """The entry of ``indicator_id``, or None for a target the registry does not hold."""
    return indicators().get(indicator_id)


def require(indicator_id: str) -> Indicator:
    """The entry of ``indicator_id``; an unknown id raises naming the ids there are."""
    return indicators()[check_name(indicator_id, ids(), "indicator")]


@caching.memoize(maxsize=8)
def _matchers(file: Path) -> tuple:
    table = _load(file)
    exact = {name: entry.id for entry in table.values() for name in entry.exact}
    aliases = sorted(
        ((alias, entry) for entry in table.values() for alias in entry.aliases),
        key=lambda pair: -len(pair[0]),
    )
    return exact, aliases


def canonical(name: str) -> str | None:
    """The id of the indicator a Chinese name means, or None.

    A whole name listed under ``exact`` wins; else the longest alias the name
    contains, unless the name also holds one of that indicator's ``exclude`` words.
    """
    name = (name or "").strip()
    if not name:
        return None
    exact, aliases = _matchers(path())
    if name in exact:
        return exact[name]
    for alias, entry in aliases:
        if alias in name and not any(word in name for word in entry.exclude):
            return entry.id
    return None


def direction(indicator_id: str) -> str:
    """increase or decrease (an unknown id: increase)."""
    entry = get(indicator_id)
    return entry.direction if entry else "increase"


def volatility(indicator_id: str) -> float:
    """The indicator's volatility relative to GDP (:data:`UNKNOWN_VOLATILITY` if unknown)."""
    entry = get(indicator_id)
    return entry.volatility if entry else UNKNOWN_VOLATILITY


def countercyclical(indicator_id: str) -> bool:
    """True when the indicator's surprises have the opposite sign to GDP's (an unemployment
    rate rises when growth falls short): GDP's skewed errors, when borrowed, are mirrored."""
    entry = get(indicator_id)
    return bool(entry.countercyclical) if entry else False


def loading(indicator_id: str) -> float:
    """The indicator's loading on the scenarios' factor (:data:`UNKNOWN_LOADING` if unknown)."""
    entry = get(indicator_id)
    return entry.loading if entry else UNKNOWN_LOADING


def clear_cache() -> None:
    """Forget the parsed registry (and every other cache: :func:`pxanalysis.caching.clear`)."""
    caching.clear()
