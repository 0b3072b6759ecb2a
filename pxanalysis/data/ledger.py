"""The ledger: real targets and what happened (``data/ledger/ledger.csv``).

One row per (region, year, indicator) target of a government work report: the
target with its qualifier and verbatim quote, the report's date, and the outcome
of that year (actual or 预计) with its quote and the date it was known, or the
fact that no outcome was found (``missing``) or that the next report's whole
review section is silent on it (``silent``). The file is built from the
annotators' readings under ``data/ledger/raw/`` by ``scripts/build_ledger.py``
(:mod:`pxanalysis.track.build`); this module reads and checks it.

>>> from pxanalysis.data import ledger
>>> ledger.load().groupby("level").size()                          # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd

from pxanalysis import caching, paths
from pxanalysis.errors import DataValidationError

COLUMNS = [
    "row_id",  # <region>.<year>.<indicator_id or slug>[.n]
    "batch",  # the raw folder the annotator's reading comes from
    "region_id",
    "region_name",
    "level",  # national | province | prefecture | county
    "parent_id",
    "year",  # the target year
    "indicator_id",  # registry id, empty when the registry has no such indicator
    "indicator",  # the name as the report writes it
    "target_value",  # declines are negative (单位GDP能耗下降3% -> -3)
    "target_unit",
    "target_qualifier",  # 左右 | 以上 | 以内 | 区间:a-b ... (;-separated)
    "direction",  # increase | decrease (a cap: CPI, unemployment)
    "target_quote",
    "target_file",  # raw/<batch>/<file>
    "target_known",  # YYYY-MM-DD: the report's date (see pxanalysis.track.build)
    "outcome_value",
    "outcome_kind",  # actual | estimate
    "outcome_quote",
    "outcome_file",
    "outcome_known",  # YYYY-MM-DD
    "status",  # found | qualitative (words, no figure) | silent | missing
    "met",  # 1 / 0 (strict: >= target, <= a cap), empty without an outcome
    "met_about",  # 1 / 0 within the 左右 band, empty without an outcome
    "check_target",  # the extractor's reading of the target quote: agree | value | differs
    "check_outcome",  # the same for the outcome quote (empty without an outcome)
    "trust",  # high | medium | low
    "note",
]
LEVELS = ("national", "province", "prefecture", "county")
STATUSES = ("found", "qualitative", "silent", "missing")
KINDS = ("actual", "estimate")
CHECKS = ("agree", "value", "differs")


def path() -> Path:
    """The built ledger: ``<data>/ledger/ledger.csv``."""
    return paths.data_root() / "ledger" / "ledger.csv"


def load(file: Path | str | None = None) -> pd.DataFrame:
    """The ledger, checked (a copy: callers may change it).

    Parameters
    ----------
    file : path, optional
        Another ledger file of the same columns (a test fixture); default :func:`path`.

    Raises
    ------
    DataValidationError
        Naming the row and the field when a row breaks the ledger's rules (a
        value not in its quote, an outcome without a date, ``met`` that
        contradicts the values ...).
    """
    file = Path(file) if file is not None else path()
    if not file.is_file():
        raise DataValidationError(
            file, None, None, "no ledger here: build it with `python scripts/build_ledger.py`"
        )
    stat = file.stat()
    return _load(str(file), stat.st_mtime_ns, stat.st_size).copy()


@caching.memoize(maxsize=4)
def _load(file: str, mtime: int, size: int) -> pd.DataFrame:
    frame = pd.read_csv(file, dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise DataValidationError(Path(file), None, missing[0], "column missing")
    for i, row in frame.iterrows():
        check_row(Path(file), i + 2, row)
    frame["year"] = frame["year"].astype(int)
    for column in ("target_value", "outcome_value"):
        frame[column] = pd.to_numeric(frame[column].replace("", math.nan))
    for column in ("met", "met_about"):
        frame[column] = pd.to_numeric(frame[column].replace("", math.nan))
    return frame[COLUMNS]


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def check_row(file: Path, line: int, row) -> None:
    """Raise :class:`DataValidationError` (naming ``line`` and the field) if ``row`` is bad."""

    def bad(field, problem):
        raise DataValidationError(file, line, field, problem)

    if row["level"] not in LEVELS:
        bad("level", f"{row['level']!r} is not one of {', '.join(LEVELS)}")
    if row["status"] not in STATUSES:
        bad("status", f"{row['status']!r} is not one of {', '.join(STATUSES)}")
    if not row["year"].isdigit() or not 1950 <= int(row["year"]) <= 2100:
        bad("year", f"{row['year']!r} is not a year")
    try:
        target = float(row["target_value"])
    except ValueError:
        bad("target_value", f"{row['target_value']!r} is not a number")
    if not math.isfinite(target):
        bad("target_value", "not a finite number")
    known = _date(row["target_known"])
    if known is None or known.year != int(row["year"]):
        bad("target_known", f"{row['target_known']!r} is not a date of the target year")
    if row["direction"] not in ("increase", "decrease"):
        bad("direction", f"{row['direction']!r} is neither increase nor decrease")
    found = row["status"] == "found"
    if found != (row["outcome_value"] != ""):
        bad("outcome_value", "an outcome is given exactly when the status is found")
    if found:
        if row["outcome_kind"] not in KINDS:
            bad("outcome_kind", f"{row['outcome_kind']!r} is not one of {', '.join(KINDS)}")
        when = _date(row["outcome_known"])
        if when is None or when <= known:
            bad("outcome_known", "an outcome is known after its target (a date after target_known)")
        if row["met"] not in ("0", "1") or row["met_about"] not in ("0", "1"):
            bad("met", "met and met_about are 0 or 1 when an outcome is found")
    elif row["met"] or row["met_about"]:
        bad("met", "no outcome, so met stays empty")
    for field in ("check_target", "check_outcome"):
        if row[field] and row[field] not in CHECKS:
            bad(field, f"{row[field]!r} is not one of {', '.join(CHECKS)}")


#: Bounds of a level's target shortfall (pp), pre-registered (``PREREGISTRATION.md``, amendment 1).
SHORTFALL_BOUNDS = (-1.0, 3.0)


def calibration_path() -> Path:
    """The committed calibration of the track record (``make track-record`` writes it)."""
    return paths.data_root() / "ledger" / "track_record" / "calibration.json"


def calibration() -> dict | None:
    """The committed calibration (method, map, band factors), or None when there is none.

    The engine applies it to every P(meet) and band it prints (see
    :func:`pxanalysis.engine.meet.calibrated`); ``data.clear_cache()`` forgets it.
    """
    file = calibration_path()
    if not file.is_file():
        return None
    stat = file.stat()
    return _calibration(str(file), stat.st_mtime_ns, stat.st_size)


@caching.memoize(maxsize=2)
def _calibration(file: str, mtime: int, size: int) -> dict:
    import json

    try:
        raw = json.loads(Path(file).read_text(encoding="utf-8"))
        out = {"method": str(raw["method"]), "a": float(raw["a"]), "b": float(raw["b"]),
               "adopted": bool(raw["adopted"]), "cutoff": int(raw["cutoff"]),
               "widen": {str(k): float(v) for k, v in dict(raw.get("widen", {})).items()},
               "shortfall": {str(k): float(v) for k, v in dict(raw.get("shortfall", {})).items()}}  # fmt: skip
    except (ValueError, KeyError, TypeError) as exc:
        raise DataValidationError(Path(file), None, None, f"not a calibration file ({exc}): "
                                  "run `make track-record` again") from None  # fmt: skip
    if not 0 <= out["b"] <= 1 or not all(1 <= v <= 3 for v in out["widen"].values()):
        raise DataValidationError(Path(file), None, "b", "outside the pre-registered bounds")
    low, high = SHORTFALL_BOUNDS
    if not all(low <= v <= high for v in out["shortfall"].values()):
        raise DataValidationError(
            Path(file), None, "shortfall", f"outside the pre-registered bounds [{low}, {high}] pp"
        )
    return out
