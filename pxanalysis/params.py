"""Notebook and scenario parameters: one specification, strict validation.

papermill only *warns* about a parameter the notebook does not declare, and
injects whatever type it was given. :func:`validate` closes that gap: an
unknown name, a wrong type or a value outside the allowed ones raises
:class:`ParameterError` naming the parameter, the bad value and what is allowed,
before any analysis runs. Scenario YAML files (``scenarios/*.yaml``) are
parameter files for the same notebooks, so they go through the same check.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import json
import math
import re
import stat
import types
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pxanalysis import paths
from pxanalysis.errors import ParameterError, check_name
from pxanalysis.safe_yaml import parse_yaml
from pxanalysis.vocab import (
    DEFAULT_METHOD,
    FIRST_YEAR,
    LANGS,
    LAST_YEAR,
    METHOD_CHOICES,
    QUANTILE_HIGH,
    QUANTILE_LOW,
    REGION_PATTERN,
    REPORT_YEAR,
    SCENARIOS,
)

__all__ = [
    "NOTEBOOK_PARAMS",
    "PARAMS",
    "Param",
    "ParameterError",
    "check_consistency",
    "help_table",
    "normalise_assumptions",
    "read_file",
    "resolve_brief",
    "scenario_name",
    "validate",
]

GROWTH_LIMIT = 50.0  # |growth| above this (in %) is not a sane annual assumption
DEFAULT_ASSUMPTION_SD = 1.5


#: The longest scenario file name, in characters before ``.yaml``: 64 CJK characters
#: are 192 bytes of UTF-8, well inside a file name's 255 bytes with the suffix.
SCENARIO_NAME_MAX = 64
#: Punctuation a scenario file name may hold besides letters and digits.
SCENARIO_NAME_PUNCTUATION = "_-"


def scenario_name(name: str) -> str:
    """A scenario file's name, checked: it names the file and its brief's folder.

    The name is normalised to Unicode NFC (the same name typed on two systems is
    one file and one folder). It may hold letters of any script (``稳增长``,
    ``my_view``), decimal digits, ``_`` and ``-``, and begins with a letter or a
    digit: so no path separator (``/``, ``\\``, the full-width ``／``), no dot (no
    hidden file, no ``..``, no second suffix), no space, control, format
    (bidirectional override) or combining character, no leading ``-`` (an option
    on a command line). At most :data:`SCENARIO_NAME_MAX` characters.

    Parameters
    ----------
    name : str
        The name without ``.yaml`` (a file's stem, or typed in the explorer).

    Returns
    -------
    str
        The NFC-normalised name, unchanged otherwise (Chinese characters are kept).

    Raises
    ------
    ParameterError
        Naming the first character that is not allowed, or the length.
    """
    if not isinstance(name, str) or not name:
        raise ParameterError(
            "a scenario file name is empty: use letters (汉字 too), digits, - and _"
        )
    normal = unicodedata.normalize("NFC", name)
    if len(normal) > SCENARIO_NAME_MAX:
        raise ParameterError(
            f"scenario file name {normal[:16]!r}… has {len(normal)} characters; "
            f"at most {SCENARIO_NAME_MAX}"
        )
    for i, ch in enumerate(normal):
        letter_or_digit = unicodedata.category(ch)[0] == "L" or unicodedata.category(ch) == "Nd"
        if not (letter_or_digit or (i > 0 and ch in SCENARIO_NAME_PUNCTUATION)):
            where = "begin with" if i == 0 and ch in SCENARIO_NAME_PUNCTUATION else "hold"
            raise ParameterError(
                f"scenario file name {normal!r} may not {where} {ch!r} (U+{ord(ch):04X}): use letters "
                "(汉字 too), digits, - and _, beginning with a letter or a digit"
            )
    return normal


@dataclass(frozen=True)
class Param:
    """One parameter: its type, default, help text and allowed values.

    ``check`` returns what is wrong with a value (None when it is fine);
    ``normalise`` returns the value in its canonical form, raising
    :class:`ParameterError` for a bad one.
    """

    name: str
    type: type
    default: Any
    help: str
    choices: tuple | None = None
    check: Callable[[Any], str | None] | None = None
    normalise: Callable[[Any], Any] | None = None


def _as_of(value: str) -> str | None:
    if value == "":
        return None
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        return "must be a date written YYYY-MM-DD"
    return None if date.year >= FIRST_YEAR else f"must be in {FIRST_YEAR} or later"


def _region(value: str) -> str | None:
    if not re.fullmatch(REGION_PATTERN, value):
        return "must be a region id: lower-case ASCII letters, digits and _ (e.g. yichun)"
    if not paths.data_dir(value).is_dir():
        held = ", ".join(paths.regions()) or "none"
        return f"no folder data/{value}/ (regions held: {held})"
    return None


def _year(value: int) -> str | None:
    if FIRST_YEAR <= value <= LAST_YEAR:
        return None
    return f"must be a year between {FIRST_YEAR} and {LAST_YEAR}"


def report_target_ids(region: str, year: int) -> tuple[str, ...]:
    """The target ids of a report (``data/<region>/<year>/targets.csv``), read cheaply.

    Raises
    ------
    ParameterError
        If the report is not there (naming the folder and how to draft one).
    """
    path = paths.report_dir(region, year) / "targets.csv"
    try:
        with open(path, encoding="utf-8", newline="") as f:
            return tuple(row["target_id"] for row in csv.DictReader(f))
    except FileNotFoundError:
        raise ParameterError(
            f"no report for region {region!r}, year {year}: {path} not found; draft it with "
            f"`pxanalysis extract REPORT.txt --region {region} --year {year} --out {path.parent}`"
        ) from None
    except (OSError, UnicodeDecodeError, KeyError, csv.Error) as exc:
        raise ParameterError(f"{path} cannot be read: {exc}") from None


def report_date(region: str, year: int) -> dt.date:
    """The date of a report (``report.date`` of ``data/<region>/<year>/datapackage.json``).

    Raises
    ------
    ParameterError
        If the report is not there or its descriptor cannot be read.
    """
    path = paths.report_dir(region, year) / "datapackage.json"
    try:
        return dt.date.fromisoformat(
            str(json.loads(path.read_text(encoding="utf-8"))["report"]["date"])
        )
    except FileNotFoundError:
        report_target_ids(region, year)  # raises the message naming the report and the fix
        raise ParameterError(
            f"no report for region {region!r}, year {year}: {path} not found"
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ParameterError(f"{path} cannot be read: {exc}") from None


def _window(value: int) -> str | None:
    return None if 0 <= value <= 30 else "must be between 0 (method default) and 30"


def _q_low(value: float) -> str | None:
    return None if 0 < value < 0.5 else "must be strictly between 0 and 0.5"


def _q_high(value: float) -> str | None:
    return None if 0.5 < value < 1 else "must be strictly between 0.5 and 1"


def _check_indicator(indicator: Any, ids: tuple[str, ...] | None, where: str) -> None:
    if ids is not None:
        check_name(indicator, ids, "indicator", where=where)
    elif not isinstance(indicator, str) or not indicator.strip():
        raise ParameterError(f"{where}: an indicator is a target id such as 'gdp'")


def _entries(value: Any, label: str, what: str, ids: tuple[str, ...] | None):
    """Yield ``(indicator, spec, where)`` of a mapping ``label`` of indicator -> ``what``.

    Raises
    ------
    ParameterError
        If ``value`` is not a mapping, or an indicator is not one of ``ids``.
    """
    if not isinstance(value, Mapping):
        raise ParameterError(f"{label} must be a mapping of indicator -> {what}, not {value!r}")
    for indicator, spec in value.items():
        where = f"{label}[{indicator!r}]"
        _check_indicator(indicator, ids, where)
        yield indicator, spec, where


def _check_keys(spec: Mapping, allowed: tuple[str, ...], where: str) -> None:
    extra = sorted(set(spec) - set(allowed))
    if extra:
        raise ParameterError(f"{where}: unknown key(s) {extra}; allowed: {', '.join(allowed)}")


def normalise_assumptions(
    value: Mapping, ids: tuple[str, ...] | None = None
) -> dict[str, dict[str, float]]:
    """Validate growth assumptions; return ``{indicator: {'growth': g, 'sd': s}}``.

    Accepts ``{indicator: growth}`` or ``{indicator: {'growth': g, 'sd': s}}``;
    ``ids``: the report's target ids (checked by :func:`check_consistency` once
    the region and year are known).

    Raises
    ------
    ParameterError
        Naming the indicator or key and the allowed values.
    """
    out = {}
    for indicator, spec, where in _entries(value, "assumptions", "growth", ids):
        if not isinstance(spec, Mapping):
            spec = {"growth": spec}
        _check_keys(spec, ("growth", "sd"), where)
        if "growth" not in spec:
            raise ParameterError(f"{where}: missing 'growth' (annual growth in %)")
        growth = _number(spec["growth"], f"{where}.growth")
        sd = _number(spec.get("sd", DEFAULT_ASSUMPTION_SD), f"{where}.sd")
        if abs(growth) > GROWTH_LIMIT:
            raise ParameterError(
                f"{where}.growth = {growth}: outside the sane range -{GROWTH_LIMIT:g}..{GROWTH_LIMIT:g} (%)"
            )
        if not 0 < sd <= GROWTH_LIMIT:
            raise ParameterError(f"{where}.sd = {sd}: must be > 0 and <= {GROWTH_LIMIT:g}")
        out[str(indicator)] = {"growth": growth, "sd": sd}
    return out


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            value = float(str(value).strip())
        except ValueError:
            raise ParameterError(f"{where} = {value!r}: not a number") from None
    if not math.isfinite(float(value)):
        raise ParameterError(f"{where} = {value!r}: not a finite number")
    return float(value)


def normalise_ytd(
    value: Mapping, ids: tuple[str, ...] | None = None
) -> dict[str, dict[str, float]]:
    """Validate hypothetical year-to-date releases ``{indicator: {through_month, growth}}``.

    Raises
    ------
    ParameterError
        Naming the indicator or key and what is allowed.
    """
    out = {}
    keys = ("through_month", "growth")
    for indicator, spec, where in _entries(value, "ytd", "release", ids):
        if not isinstance(spec, Mapping):
            raise ParameterError(f"{where}: expected {{through_month: 2..12, growth: %}}")
        _check_keys(spec, keys, where)
        for key in keys:
            if key not in spec:
                raise ParameterError(f"{where}: missing {key!r}")
        month = _number(spec["through_month"], f"{where}.through_month")
        if not (month.is_integer() and 2 <= month <= 12):
            raise ParameterError(
                f"{where}.through_month = {spec['through_month']!r}: 2..12 (1-2月 = 2)"
            )
        growth = _number(spec["growth"], f"{where}.growth")
        if abs(growth) > GROWTH_LIMIT:
            raise ParameterError(
                f"{where}.growth = {growth}: outside -{GROWTH_LIMIT:g}..{GROWTH_LIMIT:g} (%)"
            )
        out[str(indicator)] = {"through_month": int(month), "growth": growth}
    return out


PARAMS: dict[str, Param] = {
    p.name: p
    for p in (
        Param(
            "scenario",
            str,
            "baseline",
            "baseline | optimistic | pessimistic | targets_met | custom",
            SCENARIOS,
        ),
        Param("scenario_file", str, "", "path to a scenario YAML file (empty = none)"),
        Param(
            "region",
            str,
            paths.DEFAULT_REGION,
            "region id: its report is read from data/<region>/<year>/",
            check=_region,
        ),
        Param("year", int, REPORT_YEAR, "the report's year (of its targets)", check=_year),
        Param(
            "method",
            str,
            DEFAULT_METHOD,
            "auto (the rule's choice) | mean | mean3 | last | trend | arima | ets | combo",
            METHOD_CHOICES,
        ),
        Param("window", int, 0, "last N observations to use; 0 = method default", check=_window),
        Param(
            "quantile_low",
            float,
            QUANTILE_LOW,
            "pessimistic quantile of the predictive distribution",
            check=_q_low,
        ),
        Param(
            "quantile_high",
            float,
            QUANTILE_HIGH,
            "optimistic quantile of the predictive distribution",
            check=_q_high,
        ),
        Param(
            "as_of",
            str,
            "",
            "information date YYYY-MM-DD (only data published by then); empty = the report's date",
            check=_as_of,
        ),
        Param("lang", str, "zh", "zh | en", LANGS),
        Param("title", str, "", "brief title; empty = the library's standard title"),
        Param(
            "assumptions",
            dict,
            {},
            "custom growth assumptions {indicator: {growth, sd}}",
            normalise=normalise_assumptions,
        ),
        Param(
            "ytd",
            dict,
            {},
            "hypothetical year-to-date releases {indicator: {through_month, growth}}",
            normalise=normalise_ytd,
        ),
    )
}

#: Which parameters each notebook declares.
NOTEBOOK_PARAMS = {
    "brief": (
        "scenario",
        "scenario_file",
        "region",
        "year",
        "as_of",
        "method",
        "window",
        "lang",
        "title",
        "quantile_low",
        "quantile_high",
        "assumptions",
        "ytd",
    ),
    "projections": (
        "scenario",
        "region",
        "year",
        "as_of",
        "method",
        "window",
        "quantile_low",
        "quantile_high",
    ),
    "scenario_file": (
        "scenario",
        "method",
        "window",
        "quantile_low",
        "quantile_high",
        "lang",
        "title",
        "assumptions",
        "region",
        "year",
        "as_of",
        "ytd",
    ),
}

_IGNORED_GLOBALS = {"In", "Out", "get_ipython", "exit", "quit", "open"}


def _coerce(param: Param, value: Any) -> Any:
    expected = param.type
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if expected is int and isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) and expected is not bool:
        raise ParameterError(
            f"parameter {param.name!r} = {value!r}: expected {expected.__name__} ({param.help})"
        )
    if not isinstance(value, expected):
        raise ParameterError(
            f"parameter {param.name!r} = {value!r}: expected {expected.__name__}, "
            f"got {type(value).__name__} ({param.help})"
        )
    return value


def validate(values: Mapping[str, Any], notebook: str = "brief", partial: bool = False) -> dict:
    """Validate parameters; return them complete (defaults filled) and typed.

    Parameters
    ----------
    values : mapping
        Parameter values, e.g. a notebook's ``globals()`` (modules, functions,
        private names and IPython's own names are ignored) or a YAML file.
    notebook : {'brief', 'projections', 'scenario_file'}
        Which parameter set is allowed.
    partial : bool, default False
        Return only the given values (still validated), without defaults.

    Returns
    -------
    dict

    Raises
    ------
    ParameterError
        For an unknown name (with the closest allowed name), a wrong type or a
        value outside the allowed ones.
    """
    allowed = NOTEBOOK_PARAMS[notebook]
    given = {
        k: v
        for k, v in values.items()
        if not k.startswith("_")
        and k not in _IGNORED_GLOBALS
        and not isinstance(
            v, (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, type)
        )
    }
    for name in given:
        check_name(name, allowed, "parameter")
    out = {} if partial else {name: PARAMS[name].default for name in allowed}
    for name, value in given.items():
        param = PARAMS[name]
        value = _coerce(param, value)
        if param.choices is not None:
            check_name(value, param.choices, name, where=f"parameter {name!r}")
        if param.check is not None:
            problem = param.check(value)
            if problem:
                raise ParameterError(f"parameter {name!r} = {value!r}: {problem}")
        if param.normalise is not None:
            value = param.normalise(value)
        out[name] = value
    return out


def help_table(notebook: str = "brief") -> str:
    """A plain-text table of the parameters of a notebook (for ``--help``)."""
    lines = []
    for name in NOTEBOOK_PARAMS[notebook]:
        p = PARAMS[name]
        lines.append(f"  {name:<14} {p.type.__name__:<6} default {p.default!r:<12} {p.help}")
    return "\n".join(lines)


def check_consistency(p: Mapping[str, Any]) -> None:
    """Checks across parameters: ``custom`` needs assumptions; the report exists; the
    indicators of ``assumptions`` and ``ytd`` are its targets; ``as_of`` is not before
    the report's date (its targets were not known then)."""
    if p.get("scenario") == "custom" and not p.get("assumptions"):
        raise ParameterError(
            "scenario 'custom' needs at least one growth assumption "
            "(assumptions: {indicator: {growth: ..., sd: ...}})"
        )
    region = p.get("region") or paths.DEFAULT_REGION
    if p.get("assumptions") or p.get("ytd") or "region" in p:
        ids = report_target_ids(region, p.get("year") or latest_year(region))
        normalise_assumptions(p.get("assumptions") or {}, ids)
        normalise_ytd(p.get("ytd") or {}, ids)
    if p.get("as_of"):
        year = p.get("year") or latest_year(region)
        date = report_date(region, year)
        as_of = dt.date.fromisoformat(p["as_of"])
        if as_of < date:
            raise ParameterError(
                f"parameter 'as_of' = {p['as_of']!r}: before the report's date {date} (its "
                f"targets were not known yet); give {date} or later, or leave it empty"
            )
        for indicator, spec in (p.get("ytd") or {}).items():
            month = int(spec["through_month"]) if isinstance(spec, Mapping) else 0
            if not 2 <= month <= 12:
                continue  # normalise_ytd said what is wrong
            end = dt.date(year, month, calendar.monthrange(year, month)[1])
            if as_of <= end:
                raise ParameterError(
                    f"ytd[{indicator!r}]: a release through month {month} is published after "
                    f"{end}, later than as_of {as_of}: a file cannot pair them; give an as_of "
                    "after the release, or an earlier month"
                )


def latest_year(region: str) -> int:
    """The year of a region's latest report (Pingxiang: 2024)."""
    year = paths.latest_year(region)
    return REPORT_YEAR if year is None else year


#: A scenario file is a few lines; anything larger is a mistake (and costly to parse).
MAX_FILE_BYTES = 64 * 1024


def load_yaml(text: str, where: str, error: Callable[[str], Exception] = ParameterError) -> Any:
    """Parse a parameter file's YAML with the package's one YAML reader
    (:func:`pxanalysis.safe_yaml.parse_yaml`: safe tags, no duplicate or non-text key,
    limits on depth, aliases and integers); a problem is a :class:`ParameterError`."""
    return parse_yaml(text, where, error)


def _check_text(value: Any, where: str, key: str = "") -> None:
    """Raise :class:`ParameterError` for a string that is not valid Unicode text.

    YAML's ``"\\ud800"`` gives a lone surrogate, which no file, notebook or PDF can hold.
    """
    if isinstance(value, Mapping):
        for k, v in value.items():
            _check_text(k, where, key)
            _check_text(v, where, f"{key}.{k}" if key else k)
    elif isinstance(value, list):
        for item in value:
            _check_text(item, where, key)
    elif isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ParameterError(
                f"{where}: {repr(key) if key else 'a key'} holds {value[exc.start]!r} (a lone surrogate), which is not "
                "a character: remove it"
            ) from None


def read_file(path) -> dict:
    """Read and validate a scenario (parameter) YAML file; return the values it gives.

    The file must be a readable UTF-8 file of at most :data:`MAX_FILE_BYTES`,
    a YAML mapping without duplicate keys, of known parameters.

    Raises
    ------
    ParameterError
        Naming the file and the problem.
    """
    path = Path(path)
    where = f"scenario file {path}"
    try:
        if path.is_dir():
            raise ParameterError(f"{where} is a directory; give a YAML file")
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO would block, /dev/zero never end
            raise ParameterError(
                f"{where} is not a regular file (a pipe, device or socket); give a YAML file"
            )
        with open(path, "rb") as handle:
            raw_bytes = handle.read(MAX_FILE_BYTES + 1)
        if len(raw_bytes) > MAX_FILE_BYTES:
            raise ParameterError(
                f"{where} has more than {MAX_FILE_BYTES} bytes; a scenario file is at most "
                f"{MAX_FILE_BYTES} bytes"
            )
    except FileNotFoundError:
        raise ParameterError(f"{where} not found") from None
    except OSError as exc:
        raise ParameterError(f"{where} cannot be read: {exc.strerror}") from None
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw_bytes[: exc.start].count(b"\n") + 1
        raise ParameterError(f"{where}: not UTF-8 at line {line}; save it as UTF-8") from None
    raw = load_yaml(text, where)
    if not isinstance(raw, dict):
        raise ParameterError(f"{where}: expected a mapping of parameters")
    _check_text(raw, where)
    try:
        values = validate(raw, notebook="scenario_file", partial=True)
        if values.get("assumptions") or values.get("ytd"):
            check_consistency({k: v for k, v in values.items() if k != "scenario"})
        return values
    except ParameterError as exc:
        raise ParameterError(f"{where}: {exc}") from None


def resolve_brief(values: Mapping[str, Any], root=None) -> dict:
    """Validate brief parameters and merge ``scenario_file`` into them.

    The file's values replace parameters still at their default; parameters
    given explicitly (different from the default) win over the file. A relative
    ``scenario_file`` is looked up from the current directory, then ``root``
    (default: the package home, :func:`pxanalysis.paths.home`).

    Raises
    ------
    ParameterError
        Naming the parameter, the bad value and the allowed ones.
    """
    p = validate(values, notebook="brief")
    if p["scenario_file"]:
        path = Path(p["scenario_file"])
        if not path.is_absolute() and not path.exists():
            path = Path(root if root is not None else paths.home()) / path
        for key, value in read_file(path).items():
            if p[key] == PARAMS[key].default:
                p[key] = value
    check_consistency(p)
    return p
