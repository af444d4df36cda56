"""YAML text -> located nodes, read by libyaml: the one YAML reader of every content file.

Goes in: the text of a YAML document. Comes out: a located `Node` tree built straight from
libyaml's parse events (no composed tree, no tag resolver), or every `Problem` libyaml
finds, worded for an editor; indentation by tabs is named before libyaml is asked. Nesting
past `MAX_DEPTH` is refused with its place, whether the builder meets it or libyaml's own
scanner stops at its limit first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NoReturn

import yaml

from builder.errors import Problem
from builder.nodes import (
    MAX_DEPTH,
    NULLS,
    SPECIAL_PLAIN,
    Entry,
    Mapping,
    Node,
    Scalar,
    Sequence,
    too_deep,
)

try:  # PyYAML's libyaml binding is ten times faster; the pure loader is the fallback.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_STANDARD_TAGS = frozenset(
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)
_STR, _SEQ, _MAP = (f"tag:yaml.org,2002:{t}" for t in ("str", "seq", "map"))


def parse_yaml(text: str, rel: str, problems: list[Problem], line_offset: int = 0) -> Node | None:
    """Plain YAML text -> a located `Node` tree (None for an empty document or on error)."""
    if "\t" in text:
        # YAML forbids tabs in indentation; libyaml's message for it is cryptic.
        for number, row in enumerate(text.splitlines(), 1):
            stripped = row.lstrip(" ")
            if stripped.startswith("\t"):
                problems.append(
                    Problem(
                        rel,
                        number + line_offset,
                        len(row) - len(stripped) + 1,
                        "",
                        "a tab character is used for indentation",
                        hint="indent with spaces only",
                    )
                )
                return None
    return _read(text, rel, problems, line_offset)


def _read(text: str, rel: str, problems: list[Problem], line_offset: int = 0) -> Node | None:
    """`text` read by libyaml; None, with its problems, on error."""
    rows = text.split("\n")
    loader = _Loader(text)
    builder = _Builder(loader, rel, line_offset, rows)
    try:
        node = builder.document()
    except _Abort:
        problems.extend(builder.problems)
        return None
    except yaml.MarkedYAMLError as exc:
        if exc.problem == "exceeded maximum nesting depth":  # libyaml's own limit (1,000)
            mark = exc.problem_mark
            problems.append(
                builder.deep
                or too_deep(
                    rel,
                    (mark.line + 1 + line_offset) if mark else 0,
                    (mark.column + 1) if mark else 0,
                )
            )
            return None
        mark = exc.problem_mark or exc.context_mark
        if "quoted scalar" in (exc.context or "") and exc.context_mark:
            mark = exc.context_mark  # where the unclosed quote opens, not the end of the file
        line = (mark.line + 1 + line_offset) if mark else 0
        column = (mark.column + 1) if mark else 0
        # (libyaml may place an error on the line after the last one)
        row = rows[mark.line] if mark and mark.line < len(rows) else ""
        above = next((r for r in reversed(rows[: mark.line]) if r.strip()), "") if mark else ""
        problems.append(
            Problem(rel, line, column, "", _yaml_message(exc), hint=_yaml_hint(exc, row, above))
        )
        return None
    except yaml.YAMLError as exc:
        problems.append(
            Problem(rel, 0, 0, "", f"YAML error: {exc}", hint="check the file's syntax")
        )
        return None
    finally:
        loader.dispose()
    problems.extend(builder.problems)
    return node


_VALUE_START = re.compile(r"\s*(?:-\s+)*(?:[^\s#'\"][^#]*?:\s+)?([*&@`%\[{])")


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "invalid YAML"
    context = f" {exc.context}" if exc.context else ""
    text = f"YAML syntax error: {problem}{context}"
    if "expected a single document" in text:
        return "the file holds several YAML documents (a `---` line inside it)"
    return text


def _indent(row: str) -> int:
    """Where a line's content starts (a list's `- ` counts as indentation)."""
    return len(row) - len(row.lstrip(" -"))


def _yaml_hint(exc: yaml.MarkedYAMLError, row: str = "", above: str = "") -> str:
    """How to fix a syntax error; `row` is the line it was found on, `above` the line before."""
    problem = exc.problem or ""
    key = re.match(r"\s*([\w-]+):(\s|$)", row)
    if (
        "mapping values are not allowed" in problem
        and key
        and above
        and _indent(row) > _indent(above)
        and not above.rstrip().endswith(":")
    ):
        return (
            f"this line is indented more than the one above: line up `{key.group(1)}:` "
            "with the other fields of the entry"
        )
    start = _VALUE_START.match(row)
    if start and "quoted scalar" not in (exc.context or ""):
        char = start.group(1)
        if char in "[{":
            return (
                f"a value that starts with `{char}` is read as a list: put the whole value "
                f"in quotes if it is text, or close the list"
            )
        return (
            f"a value that starts with `{char}` must be in quotes, e.g. "
            f'claim: "{char}..." (YAML reads `{char}` as syntax)'
        )
    if "mapping values are not allowed" in problem:
        return 'a value containing ": " must be quoted, e.g. claim: "He said: yes"'
    if "found character" in problem and "cannot start any token" in problem:
        return "quote values that start with `@`, `` ` ``, `%` or similar characters"
    if "found undefined alias" in problem or "alias" in problem:
        return "anchors and aliases are not supported; write the value out in full"
    if "while scanning a quoted scalar" in (exc.context or "") or "end of stream" in problem:
        return "a quoted value is not closed: check the quote marks on this line"
    if "several YAML documents" in _yaml_message(exc):
        return "remove the `---` line: one file holds one list"
    if "while parsing a block" in (exc.context or ""):
        return "check the indentation: items of one list or mapping must line up"
    return "check the YAML syntax near this line (quotes, colons, indentation)"


class _Abort(Exception):
    pass


class _Refused(Exception):
    """A value was refused (its problem is recorded): stop building the document."""


_ScalarEvent, _AliasEvent = yaml.ScalarEvent, yaml.AliasEvent
_MappingStart, _SequenceStart = yaml.MappingStartEvent, yaml.SequenceStartEvent
_MappingEnd, _SequenceEnd = yaml.MappingEndEvent, yaml.SequenceEndEvent
_ALIASES = (
    "anchors and aliases (`&name`, `*name`) are not supported",
    "write the value out in full",
)


def _quick(event: Any, offset: int, words: bool) -> Scalar | None:
    """A scalar event's value made at once when it is the usual kind: text with no tag or
    anchor, quoted, or plain but not null, `<<`, `=` nor (unless `words`) several words, which
    `_Builder.value` checks. None for any other."""
    if event.tag is not None or event.anchor is not None:
        return None
    text = event.value
    mark = event.start_mark
    if event.style:
        return Scalar(text, mark.line + 1 + offset, mark.column + 1, True)
    if not text or text in SPECIAL_PLAIN or text in NULLS or (not words and " " in text):
        return None
    return Scalar(text, mark.line + 1 + offset, mark.column + 1, False)


class _Builder:
    """libyaml's parse events -> our located nodes, in one pass (no yaml.Node tree, no tag
    resolver). Refuses aliases, tags, merge keys, duplicate keys and too deep nesting.

    Problems are reported the way composing the whole document first would: a syntax error
    anywhere (or a composer error: undefined alias, duplicate anchor, a second document)
    replaces every other problem of the file, so after the first refusal the rest of the
    stream is still read, only for such errors.
    """

    def __init__(self, loader: _Loader, rel: str, line_offset: int, lines: list[str]) -> None:
        self.next: Callable[[], Any] = loader.get_event
        self.rel = rel
        self.offset = line_offset
        self.lines = lines
        self.problems: list[Problem] = []
        self.anchors: dict[str, Any] = {}
        self.deep: Problem | None = None
        """Where the document first nests past `MAX_DEPTH`, once met."""

    def fail(self, mark: Any, message: str, hint: str, field: str = "") -> None:
        self.problems.append(
            Problem(
                self.rel, mark.line + 1 + self.offset, mark.column + 1, field, message, hint=hint
            )
        )

    def refuse(self, mark: Any, message: str, hint: str) -> NoReturn:
        self.fail(mark, message, hint)
        raise _Refused

    def document(self) -> Node | None:
        """The single document's root node (None for an empty stream); raises YAMLError for
        a syntax error and _Abort after a refusal (its problem is in `problems`)."""
        self.next()  # the stream's start
        event = self.next()
        if isinstance(event, yaml.StreamEndEvent):
            return None
        start = event.start_mark
        refused = False
        root: Node | None = None
        try:
            root = self.value(self.next(), 0, None)
            self.next()  # the document's end
        except _Refused:
            refused = True
            self.skip(yaml.DocumentEndEvent)
        event = self.next()
        if not isinstance(event, yaml.StreamEndEvent):
            raise yaml.composer.ComposerError(
                "expected a single document in the stream",
                start,
                "but found another document",
                event.start_mark,
            )
        if refused:
            raise _Abort
        return root

    def skip(self, until: type | None = None) -> None:
        """Read past events unchecked, only for composer errors: up to `until`, or past one
        value (all of a collection) when it is None."""
        depth = 0
        while True:
            event = self.next()
            cls = type(event)
            if cls is until:
                return
            if cls is _MappingStart or cls is _SequenceStart:
                depth += 1
            elif cls is _MappingEnd or cls is _SequenceEnd:
                depth -= 1
            if (
                cls is not _MappingEnd
                and cls is not _SequenceEnd
                and cls is not yaml.DocumentEndEvent
                and event.anchor is not None
            ):
                self.anchor(event)
            if until is None and depth == 0:
                return

    def anchor(self, event: Any) -> None:
        """Remember an anchor (`&name`); an alias (`*name`) must name one met before."""
        name = event.anchor
        mark: Any = event.start_mark
        if isinstance(event, _AliasEvent):
            if name not in self.anchors:
                raise yaml.composer.ComposerError(None, None, "found undefined alias", mark)
            return
        if name in self.anchors:
            raise yaml.composer.ComposerError(
                "found duplicate anchor; first occurrence",
                self.anchors[name],
                "second occurrence",
                mark,
            )
        self.anchors[name] = mark

    def value(self, event: Any, depth: int, key: str | None) -> Node:
        """One value (the root, a list item, or the value of mapping entry `key`)."""
        cls = type(event)
        mark = event.start_mark
        if event.anchor is not None:
            self.anchor(event)
            if cls is not _AliasEvent:  # an anchor alone is refused too, where it stands
                self.refuse(mark, *_ALIASES)
        if depth >= MAX_DEPTH and (cls is _MappingStart or cls is _SequenceStart):
            self.deep = too_deep(self.rel, mark.line + 1 + self.offset, mark.column + 1)
            self.problems.append(self.deep)
            raise _Refused
        if cls is _AliasEvent:
            self.refuse(self.anchors[event.anchor], *_ALIASES)
        tag = event.tag
        line, column = mark.line + 1 + self.offset, mark.column + 1
        if cls is _ScalarEvent:
            value = event.value
            plain = not event.style
            if tag is None or tag == "!":
                tag = SPECIAL_PLAIN.get(value, _STR) if plain and event.implicit[0] else _STR
            if tag is not _STR and tag not in _STANDARD_TAGS:
                self.refuse(
                    mark,
                    f"YAML tag `{tag}` is not allowed",
                    "remove the `!!...` tag; write plain values",
                )
            if not plain:
                return Scalar(value, line, column, True)
            if value in NULLS:
                return Scalar(None, line, column, False)
            if key is not None and " " in value:
                self.check_cut(event, key)
            return Scalar(value, line, column, False)
        if tag is None or tag == "!":
            tag = _MAP if cls is _MappingStart else _SEQ
        if tag not in _STANDARD_TAGS:
            self.refuse(
                mark,
                f"YAML tag `{tag}` is not allowed",
                "remove the `!!...` tag; write plain values",
            )
        if cls is _MappingStart:
            return self.mapping(Mapping({}, line, column), depth + 1)
        return self.sequence(Sequence([], line, column), depth + 1)

    def item(self, event: Any, depth: int, key: str | None) -> Node:
        """A list item (`key` None) or the value of entry `key`: the usual scalar made at
        once (`_quick`), anything else checked by `value`."""
        if type(event) is _ScalarEvent:
            quick = _quick(event, self.offset, key is None)
            if quick is not None:
                return quick
        return self.value(event, depth, key)

    def sequence(self, node: Sequence, depth: int) -> Sequence:
        """A list's items (depth: theirs), up to its end."""
        items = node.items
        while True:
            event = self.next()
            if type(event) is _SequenceEnd:
                return node
            items.append(self.item(event, depth, None))

    def mapping(self, node: Mapping, depth: int) -> Mapping:
        """A mapping's entries (depth: their values'), up to its end."""
        entries = node.entries
        offset = self.offset
        while True:
            event = self.next()
            cls = type(event)
            if cls is _MappingEnd:
                return node
            if event.anchor is not None:
                self.anchor(event)
            mark = event.start_mark
            if cls is not _ScalarEvent:
                if cls is _AliasEvent:
                    self.refuse(self.anchors[event.anchor], *_ALIASES)
                self.refuse(mark, "a mapping key must be a plain name", "use `name: value`")
            key = event.value
            if key == "<<":
                self.refuse(
                    mark, "merge keys (`<<`) are not supported", "write the fields out in full"
                )
            if key in entries:
                self.problems.append(
                    Problem(
                        self.rel,
                        mark.line + 1 + offset,
                        mark.column + 1,
                        key,
                        f"duplicate key `{key}` (first given on line {entries[key].line})",
                        hint="keep one of them: YAML would silently drop the first",
                    )
                )
                self.skip()  # the dropped value
                continue
            line, column = mark.line + 1 + offset, mark.column + 1
            entries[key] = Entry(key, line, column, self.item(self.next(), depth, key))

    def check_cut(self, event: Any, key: str) -> None:
        """Text cut at ` #`: an unquoted value of several words followed by one space and `#`
        is surely text YAML took for a comment (a real comment has two spaces before it)."""
        end = event.end_mark
        rest = self.lines[end.line][end.column :] if end.line < len(self.lines) else ""
        if rest[:1] in (" ", "\t") and rest[1:2] == "#":
            self.problems.append(
                Problem(
                    self.rel,
                    end.line + 1 + self.offset,
                    end.column + 2,
                    key,
                    f"`{key}` is cut off before `{rest[1:].strip()[:30]}`: YAML reads ` #` and "
                    "what follows as a comment",
                    hint=f'put the whole value in quotes: {key}: "{event.value}{rest.rstrip()}", '
                    "or leave two spaces before a comment you mean",
                )
            )
