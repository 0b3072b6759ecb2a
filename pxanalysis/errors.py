"""One exception tree for the whole package, and the one unknown-name check.

::

    PxError
    ├── UsageError            bad parameters, unknown ids, bad paths: exit 2, nothing ran
    │   └── ParameterError
    │       └── UnknownNameError      an id that is not one of the allowed ones
    ├── DataError             a data file is malformed (names file, row, field): exit 1
    │   ├── DataValidationError
    │   └── LevelBreakError   growth asked across a change of statistical basis
    ├── EngineError           a computation could not be done
    │   └── MethodUnavailable a projection method cannot run on this series
    └── RenderError           making a brief failed: exit 1
        ├── KernelError       the kernel died, timed out or would not start
        ├── ChromiumNotFoundError
        ├── ChromiumError     chromium crashed, hung or printed no PDF
        ├── FontNotFoundError
        ├── UnreadablePdfError  the printed PDF lacks the CJK font or its glyphs
        └── PublishError      the output could not be written or published

Stopping is not an error: SIGINT or SIGTERM while briefs render raise
``KeyboardInterrupt(signum)`` (it must pass every ``except Exception``, and
asyncio re-raises it at once); :func:`stop_signal` reads the signal back and
the exit code is 128 + its number (130, 143).

Usage and data errors also derive from ``ValueError`` (they are bad values, and
``except ValueError`` keeps working). Every class pickles and unpickles with its
attributes, so errors cross process pools intact. The command line maps the
branches to exit codes in :func:`exit_code`.
"""

from __future__ import annotations

import difflib
import signal
from collections.abc import Iterable
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class PxError(Exception):
    """Root of every error pxanalysis raises on purpose."""

    exit_code = EXIT_FAILED

    def __reduce__(self):
        # BaseException pickles (cls, self.args); classes with their own
        # __init__ keep their constructor arguments in self.args for this.
        return (type(self), self.args, dict(self.__dict__))


# --------------------------------------------------------------------------- usage


class UsageError(PxError, ValueError):
    """The user asked for something that cannot be done as asked; nothing ran."""

    exit_code = EXIT_USAGE


class ParameterError(UsageError):
    """A parameter is unknown, of the wrong type, or out of range."""


class UnknownNameError(ParameterError):
    """A name (indicator, method, scenario, ...) that is not one of the allowed ones.

    Attributes
    ----------
    what : str
        What kind of name (``indicator``, ``method``, ...).
    name : str
        The name given.
    allowed : tuple of str
        The allowed names.
    suggestion : str or None
        The closest allowed name, if any is close.
    """

    def __init__(self, what: str, name, allowed: Iterable[str], where: str = ""):
        allowed = tuple(str(a) for a in allowed)
        super().__init__(what, name, allowed, where)
        self.what, self.name, self.allowed, self.where = what, name, allowed, where
        close = difflib.get_close_matches(str(name), allowed, n=1)
        self.suggestion = close[0] if close else None

    def __str__(self) -> str:
        hint = f" (did you mean {self.suggestion!r}?)" if self.suggestion else ""
        prefix = f"{self.where}: " if self.where else ""
        return (
            f"{prefix}unknown {self.what} {self.name!r}{hint}; allowed: {', '.join(self.allowed)}"
        )


def check_name(name, allowed: Iterable[str], what: str, where: str = ""):
    """Return ``name`` if it is one of ``allowed``; else raise :class:`UnknownNameError`.

    The one check for every id of the package (indicators, methods, scenarios,
    languages, geographies, kinds); the message suggests the nearest name.
    """
    allowed = tuple(allowed)
    if name not in allowed:
        raise UnknownNameError(what, name, allowed, where)
    return name


# --------------------------------------------------------------------------- data


class DataError(PxError, ValueError):
    """A data file is missing or malformed."""


class DataValidationError(DataError):
    """A data file does not match its schema (or cannot be read).

    Attributes
    ----------
    path : pathlib.Path
        The file.
    row : int or None
        1-based data row (the header is row 0; the row is on line ``row + 1``).
    field : str or None
        The offending field.
    problem : str
        What is wrong, and where it helps, how to fix it.
    """

    def __init__(self, path, row: int | None, field: str | None, problem: str):
        super().__init__(path, row, field, problem)
        self.path, self.row, self.field, self.problem = Path(path), row, field, problem

    def __str__(self) -> str:
        where = f"{self.path}"
        if self.row is not None:
            where += f", row {self.row} (line {self.row + 1})"
        if self.field is not None:
            where += f", field {self.field!r}"
        return f"{where}: {self.problem}"


class LevelBreakError(DataError):
    """A computation would cross a level break (a change of statistical basis)."""


# --------------------------------------------------------------------------- engine


class EngineError(PxError):
    """A computation of the engine could not be done."""


class MethodUnavailable(EngineError):
    """A projection method cannot run on this series; the message says why."""


# --------------------------------------------------------------------------- rendering


class RenderError(PxError):
    """A brief could not be rendered (the message says which step and why)."""


class KernelError(RenderError):
    """The notebook kernel died, timed out, or could not be started."""


class ChromiumNotFoundError(RenderError):
    """No usable chromium binary."""


class ChromiumError(RenderError):
    """Chromium crashed, hung, or did not produce a PDF."""


class FontNotFoundError(RenderError):
    """No font with Chinese glyphs could be found."""


class UnreadablePdfError(RenderError):
    """A printed PDF does not embed the CJK font, or lacks glyphs for its text."""


class PublishError(RenderError):
    """An output could not be written or published."""


# --------------------------------------------------------------------------- stopping


def stop_signal(interrupt: KeyboardInterrupt) -> int:
    """The signal that stopped a run: the number a ``KeyboardInterrupt`` carries, else SIGINT."""
    number = interrupt.args[0] if interrupt.args else None
    return int(number) if isinstance(number, int) else int(signal.SIGINT)


def signal_name(number: int) -> str:
    """``SIGTERM`` for 15."""
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def exit_code(error: BaseException) -> int:
    """The command line's exit code for an error: 2 for usage errors, 128 + n when stopped by
    signal n, 1 otherwise."""
    if isinstance(error, KeyboardInterrupt):
        return 128 + stop_signal(error)
    return getattr(error, "exit_code", EXIT_FAILED) if isinstance(error, PxError) else EXIT_FAILED
