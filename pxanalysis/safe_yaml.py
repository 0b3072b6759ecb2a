"""Every YAML file the package reads goes through :func:`parse_yaml`: safe and bounded.

A YAML file is data from a user or a report: it must never run code (a safe
loader), hang (an alias "billion laughs" bomb, a file that never ends: a size
cap and only regular files), blow the stack (nesting depth) or hide a mistake
(a key given twice, a key that is not text). Each limit is a named constant.
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from pxanalysis.errors import DataValidationError

#: The largest YAML file read from the data folder (bytes): a registry or profile is a few kB.
MAX_BYTES = 1024 * 1024


#: Limits of every YAML file the package reads (:func:`load_yaml`): nesting depth, and
#: the nodes of the document once its aliases are expanded. A scenario file is a flat
#: mapping of a few dozen nodes; ``non_figures.yaml`` holds a few hundred. A 497-byte
#: alias bomb expands to 10^9 nodes, and 10 000 nested ``[`` overflow the stack.
YAML_MAX_DEPTH = 20
YAML_MAX_NODES = 100_000
#: Digits of an integer in a YAML file: a year has 4, no parameter needs 20; Python
#: refuses to convert more than 4300 (``int('1' * 5000)`` raises).
YAML_MAX_DIGITS = 20


class _YAMLLimitError(yaml.YAMLError):
    """A YAML document beyond :data:`YAML_MAX_DEPTH`, :data:`YAML_MAX_NODES` or
    :data:`YAML_MAX_DIGITS` (said with the line where it was found)."""


class _Loader(yaml.SafeLoader):
    """A safe YAML loader that refuses a key given twice (YAML would keep the last)
    and a key that is not text (``1:``, ``yes:``, ``null:``, ``[a, b]:``); and, before
    anything is built, a document nested deeper than :data:`YAML_MAX_DEPTH`, larger
    than :data:`YAML_MAX_NODES` with its aliases expanded (an alias bomb), or holding
    an integer of more than :data:`YAML_MAX_DIGITS` digits."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        if self._depth >= YAML_MAX_DEPTH:
            raise _YAMLLimitError(
                f"nested deeper than {YAML_MAX_DEPTH} levels (line "
                f"{self.peek_event().start_mark.line + 1}): a parameter file is a flat mapping"
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_node(self):
        node = super().get_single_node()
        if node is not None:
            _expanded_size(node)
        return node

    def construct_yaml_int(self, node):
        digits = sum(ch.isalnum() for ch in str(node.value)) - str(node.value).count("0x")
        if digits > YAML_MAX_DIGITS:
            raise _YAMLLimitError(
                f"an integer of {digits} digits (line {node.start_mark.line + 1}): at most "
                f"{YAML_MAX_DIGITS} digits"
            )
        return super().construct_yaml_int(node)

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                shown = (
                    f"key {key_node.value!r} is read as {type(key).__name__}"
                    if isinstance(key_node, yaml.ScalarNode)
                    else f"a {key_node.id} is used as a key"
                )
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"{shown}, not text: every key must be a parameter or indicator name "
                    "(quote it if it is one)",
                    key_node.start_mark,
                )
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first on line {seen[key] + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


def _expanded_size(root) -> int:
    """The nodes of the document under ``root`` with every alias expanded (shared nodes are
    counted once per use); raise :class:`_YAMLLimitError` beyond :data:`YAML_MAX_NODES`.

    Counted on the composed graph (each shared node's size computed once), so a bomb
    is refused in microseconds, before anything is constructed.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node) -> int:
        if id(node) in sizes:
            return sizes[id(node)]
        if id(node) in active:
            raise _YAMLLimitError(
                f"a recursive alias (line {node.start_mark.line + 1}): a parameter file has none"
            )
        active.add(id(node))
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        active.discard(id(node))
        if total > YAML_MAX_NODES:
            raise _YAMLLimitError(
                f"more than {YAML_MAX_NODES} values once its aliases (*name) are expanded "
                f"(line {node.start_mark.line + 1}): an alias bomb, or not a parameter file"
            )
        sizes[id(node)] = total
        return total

    return size(root)


def parse_yaml(text: str, where: str, error: Callable[[str], Exception] = ValueError) -> Any:
    """Parse one YAML document safely: the one YAML reader of the package.

    Safe tags only, no duplicate or non-text key, and the limits of
    :data:`YAML_MAX_DEPTH`, :data:`YAML_MAX_NODES` (aliases expanded) and
    :data:`YAML_MAX_DIGITS`: an alias bomb, a deeply nested document or a huge
    integer is refused at once, never a hang or a traceback. The caller caps the
    text's size.

    Parameters
    ----------
    text : str
        The document.
    where : str
        What it is (a file), for the message ("" when ``error`` names it).
    error : callable
        Makes the exception to raise from the message (default :class:`ValueError`).

    Returns
    -------
    object
        The document's value.

    Raises
    ------
    Exception
        ``error(f"{where}: not valid YAML (…)")``.
    """
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise error(f"{where + ': ' if where else ''}not valid YAML ({exc})") from None


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

    def problem(message: str) -> DataValidationError:
        return DataValidationError(path, None, None, message)

    return parse_yaml(text, "", problem)
