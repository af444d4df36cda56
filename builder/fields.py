"""Located YAML nodes read as typed fields (text, ids, dates, choices), with a problem
recorded at its place for every value that is not what the field expects.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

from builder.errors import HIDDEN, Problem, Severity
from builder.load import Entry, Mapping, Node, Scalar, Sequence
from builder.model import PartialDate
from builder.values import ID_PATTERN, parse_date, suggest_id

MAX_FIELD_CHARS = 5_000
"""A claim, title or quote longer than this is refused: it is surely a paste gone wrong."""
INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")

T = TypeVar("T")


class Ref(NamedTuple):
    """An id mentioned somewhere, to be checked once everything is known."""

    kind: str
    value: str
    file: str
    line: int
    column: int
    field: str


@dataclass
class Reader:
    """Typed access to located nodes, recording a problem for every mismatch."""

    file: str
    problems: list[Problem]

    def problem(
        self,
        node: Node | Entry | None,
        field: str,
        message: str,
        hint: str = "",
        severity: Severity = Severity.ERROR,
        excerpt: str = "",
    ) -> None:
        line = node.line if node is not None else 0
        column = node.column if node is not None else 0
        self.problems.append(
            Problem(self.file, line, column, field, message, hint, severity, excerpt)
        )

    def missing(self, node: Node | None, message: str, hint: str) -> bool:
        """True when a file has no content; says so unless reading it already failed."""
        if node is not None:
            return False
        if not any(p.file == self.file for p in self.problems):
            self.problem(None, "", message, hint=hint)
        return True

    def mapping(self, node: Node | None, field: str, what: str) -> Mapping | None:
        if isinstance(node, Mapping):
            return node
        self.problem(
            node,
            field,
            f"expected {what} (a mapping of `name: value` lines)",
            hint=f"write {what} as indented `name: value` lines",
        )
        return None

    def sequence(self, node: Node | None, field: str, what: str) -> list[Node]:
        if isinstance(node, Sequence):
            return node.items
        if node is None or (isinstance(node, Scalar) and node.value is None):
            return []
        self.problem(
            node,
            field,
            f"expected a list of {what}",
            hint=f"write `{field.rsplit('.', 1)[-1]}: [a, b]` or one `- item` per line",
        )
        return []

    def fields(self, node: Mapping, allowed: Iterable[str], prefix: str) -> None:
        """Unknown keys get a did-you-mean hint; invisible characters are named."""
        allowed = tuple(allowed)
        for key, entry in node.entries.items():
            if key in allowed:
                continue
            where = f"{prefix}{key}"
            visible = INVISIBLE.sub("", key)
            if visible != key:
                chars = ", ".join(f"U+{ord(c):04X}" for c in INVISIBLE.findall(key))
                self.problem(
                    entry,
                    where,
                    f"field name `{visible}` contains invisible character(s) {chars}",
                    hint=f"retype the name `{visible}`",
                )
                continue
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = (
                f"did you mean `{close[0]}`?"
                if close
                else "allowed fields: " + ", ".join(f"`{a}`" for a in allowed)
            )
            self.problem(entry, where, f"unknown field `{key}`", hint=hint)

    def text(
        self, node: Mapping, key: str, prefix: str, *, required: bool = True, what: str = "text"
    ) -> str | None:
        entry = node.entries.get(key)
        value = entry.value if entry is not None else None
        if (
            type(value) is Scalar
            and value.value
            and len(value.value) <= MAX_FIELD_CHARS
            and value.value.isprintable()
            and not value.value.isspace()
        ):
            return value.value  # the common case: short visible text
        where = f"{prefix}{key}"
        if entry is None or (isinstance(entry.value, Scalar) and entry.value.value is None):
            if required:
                self.problem(
                    entry or node,
                    where,
                    f"missing required field `{key}`",
                    hint=f"add `{key}: <{what}>`",
                )
            return None
        value = entry.value
        if not isinstance(value, Scalar):
            self.problem(
                value,
                where,
                f"`{key}` must be {what}, not a "
                f"{'list' if isinstance(value, Sequence) else 'mapping'}",
                hint="write it on one line after the colon (quote it if needed)",
            )
            return None
        text = value.value or ""
        if required and not text.strip():
            self.problem(
                value,
                where,
                f"`{key}` is empty",
                hint=f"write the {what} after `{key}:` (or delete the line if it is optional)",
            )
            return None
        if len(text) > MAX_FIELD_CHARS:
            self.problem(
                value,
                where,
                f"`{key}` is {len(text):,} characters long; the limit is {MAX_FIELD_CHARS:,}",
                hint="shorten it",
            )
            return None
        if not self.visible(value, where, text):
            return None
        return text

    def visible(self, node: Node, where: str, text: str) -> bool:
        """False (with a problem) when the text hides control or bidi-override characters."""
        if text.isprintable():  # every hidden character is unprintable
            return True
        hidden = HIDDEN.search(text)
        if hidden is None:
            return True
        self.problem(
            node,
            where,
            f"`{where}` contains the invisible control character "
            f"U+{ord(hidden.group()):04X} at character {hidden.start() + 1}",
            hint="delete it (retype the words around it): control and bidi characters "
            "can make text display differently from what it says",
        )
        return False

    def ident(self, node: Mapping, key: str, prefix: str, *, required: bool = True) -> str | None:
        value = self.text(node, key, prefix, required=required, what="an id")
        if value is None:
            return None
        if not ID_PATTERN.fullmatch(value):
            self.problem(
                node.entries[key].value,
                f"{prefix}{key}",
                f"`{value}` is not a valid id",
                hint="ids are kebab-case: lower-case letters, digits and single "
                f"hyphens, starting with a letter, e.g. `{suggest_id(value)}`",
            )
            return None
        return value

    def ref(
        self,
        node: Mapping,
        key: str,
        prefix: str,
        kind: str,
        refs: list[Ref],
        *,
        required: bool = True,
    ) -> str | None:
        """An id naming a `kind` defined elsewhere, noted in `refs` to be checked once every
        id is known."""
        value = self.ident(node, key, prefix, required=required)
        if value:
            where = node.entries[key].value
            refs.append(Ref(kind, value, self.file, where.line, where.column, f"{prefix}{key}"))
        return value

    def ids(
        self, node: Mapping, key: str, prefix: str, kind: str, refs: list[Ref]
    ) -> tuple[str, ...]:
        entry = node.entries.get(key)
        if entry is None:
            return ()
        out: list[str] = []
        value = entry.value
        items = (
            [value]
            if isinstance(value, Scalar) and value.value is not None
            else self.sequence(value, f"{prefix}{key}", f"{kind} ids")
        )
        for i, item in enumerate(items):
            where = f"{prefix}{key}[{i + 1}]" if not isinstance(value, Scalar) else f"{prefix}{key}"
            if not isinstance(item, Scalar) or item.value is None:
                self.problem(item, where, f"expected a {kind} id", hint="write the id as text")
                continue
            if not ID_PATTERN.fullmatch(item.value):
                self.problem(
                    item,
                    where,
                    f"`{item.value}` is not a valid {kind} id",
                    hint=f"ids are kebab-case, e.g. `{suggest_id(item.value)}`",
                )
                continue
            if item.value in out:
                self.problem(
                    item,
                    where,
                    f"{kind} `{item.value}` is listed twice in `{key}`",
                    hint="delete the second mention",
                )
                continue
            refs.append(Ref(kind, item.value, self.file, item.line, item.column, where))
            out.append(item.value)
        return tuple(out)

    def strings(self, node: Mapping, key: str, prefix: str) -> tuple[str, ...]:
        entry = node.entries.get(key)
        if entry is None:
            return ()
        out = []
        for i, item in enumerate(self.sequence(entry.value, f"{prefix}{key}", "names")):
            if isinstance(item, Scalar) and item.value is not None:
                if self.visible(item, f"{prefix}{key}[{i + 1}]", item.value):
                    out.append(item.value)
            else:
                self.problem(
                    item,
                    f"{prefix}{key}[{i + 1}]",
                    "expected a name (text)",
                    hint="write each entry as text",
                )
        return tuple(out)

    def choice(
        self,
        node: Mapping,
        key: str,
        prefix: str,
        enum: type[T],
        *,
        required: bool = True,
        default: T | None = None,
    ) -> T | None:
        value = self.text(node, key, prefix, required=required, what="a choice")
        if value is None:
            return default
        options = [m.value for m in enum]  # type: ignore[attr-defined]
        if value in options:
            return enum(value)  # type: ignore[call-arg]
        close = difflib.get_close_matches(value.lower(), options, n=1, cutoff=0.5)
        hint = f"did you mean `{close[0]}`? " if close else ""
        self.problem(
            node.entries[key].value,
            f"{prefix}{key}",
            f"`{value}` is not a valid {key}",
            hint=hint + "expected one of: " + ", ".join(f"`{o}`" for o in options),
        )
        return default

    def date(
        self,
        node: Mapping,
        key: str,
        prefix: str,
        *,
        required: bool = False,
        unknown_ok: bool = False,
    ) -> PartialDate | None:
        value = self.text(node, key, prefix, required=required, what="a date")
        if value is None or (unknown_ok and value == "unknown"):
            return None
        parsed = parse_date(value)
        if parsed is None:
            extra = " or `unknown`" if unknown_ok else ""
            self.problem(
                node.entries[key].value,
                f"{prefix}{key}",
                f"`{value}` is not a valid date",
                hint=f"write `YYYY-MM-DD` or `YYYY-MM`{extra}, e.g. `2026-01-06`; "
                "leave the date out when no source states it",
            )
        return parsed

    def integer(self, node: Mapping, key: str, prefix: str, default: int) -> int:
        value = self.text(node, key, prefix, required=False, what="a whole number")
        if value is None:
            return default
        if re.fullmatch(r"-?\d{1,9}", value):
            return int(value)
        self.problem(
            node.entries[key].value,
            f"{prefix}{key}",
            f"`{value}` is not a whole number",
            hint=f"write a number, e.g. `{key}: 3`",
        )
        return default

    def flag(self, node: Mapping, key: str, prefix: str) -> bool:
        value = self.text(node, key, prefix, required=False, what="`true` or `false`")
        if value is None or value in ("true", "false"):
            return value == "true"
        self.problem(
            node.entries[key].value,
            f"{prefix}{key}",
            f"`{value}` is not `true` or `false`",
            hint=f"write `{key}: true`, or leave it out",
        )
        return False
