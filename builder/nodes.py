"""Located YAML nodes: what every content file is read into (by `libyaml`), each value with
the 1-based line and column it was written at.
"""

from __future__ import annotations

from dataclasses import dataclass

from builder.errors import Problem

MAX_DEPTH = 32
"""YAML nested deeper than this is refused (the content model is at most five levels deep)."""
NULLS = frozenset(("", "~", "null", "Null", "NULL"))
"""Plain values YAML reads as null."""
SPECIAL_PLAIN = {"<<": "tag:yaml.org,2002:merge", "=": "tag:yaml.org,2002:value"}
"""Plain values YAML reads as something other than text."""


def too_deep(rel: str, line: int, column: int) -> Problem:
    """File `rel` nests past MAX_DEPTH at `line`, `column`."""
    return Problem(
        rel,
        line,
        column,
        "",
        f"YAML is nested too deeply (limit {MAX_DEPTH})",
        hint="flatten the structure",
    )


@dataclass(slots=True)
class Scalar:
    """A YAML scalar exactly as written: `value` is the text (None for null)."""

    value: str | None
    line: int
    column: int
    quoted: bool = False


@dataclass(slots=True)
class Entry:
    """A mapping entry: the key's position and the value node."""

    key: str
    line: int
    column: int
    value: Node


@dataclass(slots=True)
class Mapping:
    entries: dict[str, Entry]
    line: int
    column: int

    def text(self, key: str) -> str | None:
        """The text of `key`'s value, or None when it is missing, null or not a scalar."""
        entry = self.entries.get(key)
        return entry.value.value if entry is not None and isinstance(entry.value, Scalar) else None


@dataclass(slots=True)
class Sequence:
    items: list[Node]
    line: int
    column: int


Node = Scalar | Mapping | Sequence
