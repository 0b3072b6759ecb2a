"""Every YAML file the package reads goes through :func:`load_yaml`: safe and bounded.

A YAML file is data from a user or a report: it must never run code (a safe
loader), hang (an alias "billion laughs" bomb, a file that never ends: a size
cap and only regular files), blow the stack (nesting depth) or hide a mistake
(a key given twice, a key that is not text). Each limit is a named constant.
"""

from __future__ import annotations

import stat
from pathlib import Path

import yaml

from pxanalysis.errors import DataValidationError

#: The largest YAML file read (bytes): a registry or profile is a few kB.
MAX_BYTES = 1024 * 1024
#: The deepest nesting of mappings and lists.
MAX_DEPTH = 20
#: The most aliases (``*name``) a file may use: a bomb needs thousands.
MAX_ALIASES = 100
#: The longest integer (digits): a 5000-digit number is a mistake, not a value.
MAX_INT_DIGITS = 30


class _Loader(yaml.SafeLoader):
    """A safe loader that refuses a duplicate or non-text key, deep nesting, many aliases."""

    def __init__(self, stream):
        super().__init__(stream)
        self._aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, f"more than {MAX_ALIASES} aliases (*name)", event.start_mark
                )
        depth = getattr(self, "_depth", 0)
        if depth > MAX_DEPTH:
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"nested deeper than {MAX_DEPTH} levels", event.start_mark
            )
        self._depth = depth + 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth = depth

    def construct_yaml_int(self, node):
        digits = sum(ch.isdigit() for ch in str(node.value))
        if digits > MAX_INT_DIGITS:
            raise yaml.constructor.ConstructorError(
                None, None, f"an integer of {digits} digits (at most {MAX_INT_DIGITS})",
                node.start_mark,
            )  # fmt: skip
        return super().construct_yaml_int(node)

    def construct_mapping(self, node, deep=False):
        seen: dict[str, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                shown = (
                    f"key {key_node.value!r} is read as {type(key).__name__}"
                    if isinstance(key_node, yaml.ScalarNode)
                    else f"a {key_node.id} is used as a key"
                )
                raise yaml.constructor.ConstructorError(
                    None, None, f"{shown}, not text (quote it)", key_node.start_mark
                )
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (first on line {seen[key] + 1})",
                    key_node.start_mark,
                )  # fmt: skip
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


def parse_yaml(text: str, where: str):
    """Parse YAML ``text`` with the limits above; ``where`` names it in errors.

    Raises
    ------
    ValueError
        With the reason and the line (callers wrap it in their own error).
    """
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ValueError(f"{where}: not valid YAML ({exc})") from None
    except RecursionError:
        raise ValueError(f"{where}: nested too deeply") from None


def read_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Raises
    ------
    DataValidationError
        For a missing file, a folder, a pipe or device (it would block or never
        end), or a file over the limit.
    """
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise DataValidationError(path, None, None, "not found") from None
    except OSError as exc:
        raise DataValidationError(path, None, None, f"cannot be read: {exc.strerror}") from None
    if not stat.S_ISREG(mode):
        raise DataValidationError(
            path, None, None, "not a regular file (a folder, pipe, device or socket)"
        )
    try:
        with open(path, "rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise DataValidationError(path, None, None, f"cannot be read: {exc.strerror}") from None
    if len(raw) > limit:
        raise DataValidationError(path, None, None, f"larger than {limit} bytes")
    return raw


def load_yaml(path: Path, limit: int = MAX_BYTES):
    """Read and parse a YAML file safely (regular file, size, depth, aliases, keys).

    Raises
    ------
    DataValidationError
        Naming the file and the problem.
    """
    raw = read_bytes(path, limit)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataValidationError(path, line, None, "not UTF-8: save it as UTF-8") from None
    try:
        return parse_yaml(text, str(path))
    except ValueError as exc:
        raise DataValidationError(path, None, None, str(exc).split(": ", 1)[-1]) from None
