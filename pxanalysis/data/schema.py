"""Validate tabular data files against their Frictionless Table Schema.

The schema of every file lives in its package's ``datapackage.json``; this
module reads it and checks each row, so that a malformed row stops the loader
with an error naming the file, the row and the field (the full ``frictionless``
validator runs in the tests; this one is small and fast enough for every load).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import stat
from pathlib import Path

from pxanalysis.data.bounds import plausible
from pxanalysis.errors import DataValidationError

#: The Table Schema property that says which columns :func:`validate_rows` checks for
#: plausibility (:func:`pxanalysis.data.bounds.plausible`): a list of
#: ``{"indicator": FIELD, "value": FIELD, "measure_field": FIELD}`` or, where every row
#: has the same measure, ``{"indicator": FIELD, "value": FIELD, "measure": "growth"}``.
PLAUSIBLE = "x-plausible"

TRUE_VALUES = {"true", "True", "TRUE", "1"}
FALSE_VALUES = {"false", "False", "FALSE", "0"}


def _convert(value: str, spec: dict):
    """Convert one cell to its Python value; raise ``ValueError`` with the reason."""
    kind = spec.get("type", "string")
    if kind == "string":
        return value
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", value):
            raise ValueError(f"{value!r} is not an integer")
        return int(value)
    if kind == "number":
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a number") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError(f"{value!r} is not a finite number")
        return number
    if kind == "boolean":
        if value in TRUE_VALUES:
            return True
        if value in FALSE_VALUES:
            return False
        raise ValueError(f"{value!r} is not a boolean (use true or false)")
    if kind == "date":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None
    raise ValueError(f"unsupported field type {kind!r}")


#: The largest data file read (bytes). The largest the project holds is under 400 KB;
#: a file of 16 MiB is not a table of a city's statistics but a mistake (or /dev/zero).
MAX_FILE_BYTES = 16 * 1024 * 1024


def read_text(path: Path) -> str:
    """Read a UTF-8 text file; a file in another encoding names its first bad line.

    Only a regular file is read, and at most :data:`MAX_FILE_BYTES`: a FIFO would
    block for ever, ``/dev/zero`` would never end. It is checked before it is
    opened, and opened without blocking (then checked again).

    Raises
    ------
    DataValidationError
        If the file is missing, not a regular file, too large, or not UTF-8 (GBK,
        say), naming the file (and line).
    """
    path = Path(path)
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise DataValidationError(path, None, None, _NOT_REGULAR)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped meanwhile
                raise DataValidationError(path, None, None, _NOT_REGULAR)
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise DataValidationError(path, None, None, "file not found") from None
    except OSError as exc:
        raise DataValidationError(path, None, None, f"cannot read: {exc.strerror}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise DataValidationError(
            path, None, None, f"larger than {MAX_FILE_BYTES // 2**20} MiB: not a data file"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataValidationError(
            path, None, None, f"not UTF-8 at line {line} (byte {exc.start}): save the file as UTF-8"
        ) from None


_NOT_REGULAR = "not a regular file (a pipe, a device, a folder): give the data file itself"


def validate_rows(path: Path, schema: dict) -> list[dict]:
    """Read a CSV file and check every row against a Table Schema.

    Parameters
    ----------
    path : pathlib.Path
        The CSV file (UTF-8, header row).
    schema : dict
        A Frictionless Table Schema (``fields`` with ``type`` and ``constraints``:
        required, unique, enum, minimum, maximum, pattern).

    Returns
    -------
    list of dict
        The rows with typed values (missing values are ``None``).

    Raises
    ------
    DataValidationError
        On the first problem, naming the file, the row and the field.
    """
    path = Path(path)
    with io.StringIO(read_text(path), newline="") as f:
        reader = csv.reader(f, strict=True)
        try:
            rows = _rows(path, reader, schema)
        except csv.Error as exc:
            raise DataValidationError(
                path, None, None, f"not valid CSV at line {reader.line_num}: {exc} (truncated?)"
            ) from None
    check_plausible(path, rows, schema)
    return rows


def check_plausible(path: Path, rows: list[dict], schema: dict) -> None:
    """Check the values the schema's :data:`PLAUSIBLE` property names against their bounds.

    Parameters
    ----------
    path : pathlib.Path
        The file (for the error).
    rows : list of dict
        Its typed rows (:func:`validate_rows`).
    schema : dict
        Its Table Schema; without :data:`PLAUSIBLE` nothing is checked.

    Raises
    ------
    DataValidationError
        Naming the file, the row, the field and the bounds (a typo, a unit error).
    """
    for check in schema.get(PLAUSIBLE, ()):
        for number, row in enumerate(rows, start=1):
            value = row.get(check["value"])
            if value is None:
                continue
            measure = check.get("measure") or row.get(check.get("measure_field", ""))
            problem = plausible(str(row.get(check["indicator"])), str(measure), value)
            if problem:
                raise DataValidationError(path, number, check["value"], problem)


def _rows(path: Path, reader, schema: dict) -> list[dict]:
    """Check the rows of a CSV reader against a Table Schema (see :func:`validate_rows`)."""
    fields = schema["fields"]
    names = [f["name"] for f in fields]
    missing_values = set(schema.get("missingValues", [""]))
    try:
        header = next(reader)
    except StopIteration:
        raise DataValidationError(path, None, None, "the file is empty") from None
    if header != names:
        raise DataValidationError(
            path, 0, None, f"header {header} does not match the schema's fields {names}"
        )
    rows, seen = [], {n: {} for n in names}
    for number, cells in enumerate(reader, start=1):
        if len(cells) != len(names):
            raise DataValidationError(
                path, number, None, f"{len(cells)} cells, expected {len(names)} ({names})"
            )
        row = {}
        for spec, cell in zip(fields, cells, strict=True):
            name, cons = spec["name"], spec.get("constraints", {})
            if cell in missing_values:
                if cons.get("required"):
                    raise DataValidationError(path, number, name, "empty, but required")
                row[name] = None
                continue
            try:
                value = _convert(cell, spec)
            except ValueError as exc:
                raise DataValidationError(path, number, name, str(exc)) from None
            if "enum" in cons and value not in cons["enum"]:
                raise DataValidationError(
                    path, number, name, f"{cell!r} is not one of {cons['enum']}"
                )
            if "minimum" in cons and value < cons["minimum"]:
                raise DataValidationError(
                    path, number, name, f"{cell} is below the minimum {cons['minimum']}"
                )
            if "maximum" in cons and value > cons["maximum"]:
                raise DataValidationError(
                    path, number, name, f"{cell} is above the maximum {cons['maximum']}"
                )
            if "pattern" in cons and not re.fullmatch(cons["pattern"], cell):
                raise DataValidationError(
                    path, number, name, f"{cell!r} does not match {cons['pattern']!r}"
                )
            if cons.get("unique") or schema.get("primaryKey") == [name]:
                if value in seen[name]:
                    raise DataValidationError(
                        path,
                        number,
                        name,
                        f"duplicate {cell!r} (first in row {seen[name][value]})",
                    )
                seen[name][value] = number
            row[name] = value
        rows.append(row)
    return rows
