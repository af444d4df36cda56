"""Files -> raw records with positions: YAML as located nodes, markdown front matter, seeds.

Goes in: a project root. Comes out: a `RawProject` of `Node` trees (every value keeps its
1-based line and column) and the seed texts, plus every `Problem` met while reading. Nothing
is typed or checked here beyond "is this readable, plain YAML".
"""

from __future__ import annotations

import os
import re
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import yaml

from builder.errors import Problem

try:  # PyYAML's libyaml binding is ten times faster; the pure loader is the fallback.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 8 * 1024 * 1024
"""Larger content or seed files are refused: no briefing needs them, and they hint at a mistake."""
MAX_DEPTH = 32
"""YAML nested deeper than this is refused (the content model is at most five levels deep)."""
SAFE_NESTING = 1_000
"""Text that could nest deeper than this is measured with the (iterative) event parser before
it is composed: libyaml's recursive composer overflows the C stack at a few ten thousand levels."""

_STANDARD_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "timestamp",
                                       "map", "seq")
)
STILL_NS = 3_000_000_000
"""A file changed less than this long ago (in nanoseconds) may change again unseen within
its timestamps' resolution: `ParseCache.read` reads it again rather than trust its stat."""
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_STR, _SEQ, _MAP = (f"tag:yaml.org,2002:{t}" for t in ("str", "seq", "map"))
_SPECIAL_PLAIN = {"<<": "tag:yaml.org,2002:merge", "=": "tag:yaml.org,2002:value"}


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


@dataclass(slots=True)
class Sequence:
    items: list[Node]
    line: int
    column: int


Node = Scalar | Mapping | Sequence


@dataclass(slots=True)
class RawFile:
    """One parsed content file: `node` is None when it could not be read or parsed."""

    path: str
    node: Node | None


@dataclass(slots=True)
class RawText:
    """A content file read but not parsed yet: fact files are parsed where they are checked,
    one file at a time. `text` is None when the file could not be read."""

    path: str
    text: str | None


@dataclass(slots=True)
class RawPage:
    path: str
    front: Node | None
    body: str
    body_line: int
    """1-based line where the markdown body starts."""


@dataclass(slots=True)
class RawProject:
    root: Path
    site: RawFile
    sources: RawFile
    actors: RawFile
    facts: list[RawText]
    pages: list[RawPage]
    seeds: dict[str, str]
    """Seed texts by project-relative path (`seeds/x.txt`)."""
    problems: list[Problem] = field(default_factory=list)


class ParseCache:
    """The last parse of each YAML file, reused while its text is unchanged: the preview
    re-loads the project after every save, and usually only one file differs. Later stages
    keep what they made of a file here too (`made`/`keep`), under a key of what it depends on."""

    def __init__(self) -> None:
        self._files: dict[str, tuple[str, Node | None, tuple[Problem, ...]]] = {}
        self._made: dict[str, tuple[object, object]] = {}
        self._texts: dict[str, tuple[tuple[int, ...], str]] = {}

    def read(self, root: Path, rel: str, problems: list[Problem],
             folders: dict[str, str] | None = None) -> str | None:
        """`read_text`, skipped for a file whose size, times and inode are those it had
        when it was last read without a problem, having been left alone for `STILL_NS`
        already: the preview reads the project after every save, and seeds rarely change."""
        path = os.path.join(root, rel)
        try:
            st = os.stat(path)
        except OSError:
            return read_text(root, rel, problems, folders)
        key = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
        hit = self._texts.get(path)
        if hit is not None and hit[0] == key:
            return hit[1]
        found: list[Problem] = []
        text = read_text(root, rel, found, folders)
        problems.extend(found)
        if text is not None and not found and \
                time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > STILL_NS:
            self._texts[path] = (key, text)
        else:
            self._texts.pop(path, None)
        return text

    def made(self, name: str, key: object) -> object | None:
        """What was kept under `name`, if it was made from an equal `key`."""
        hit = self._made.get(name)
        return hit[1] if hit is not None and hit[0] == key else None

    def keep(self, name: str, key: object, value: object) -> None:
        self._made[name] = (key, value)

    def parse(self, text: str, rel: str, problems: list[Problem]) -> Node | None:
        hit = self._files.get(rel)
        if hit is not None and hit[0] == text:
            problems.extend(hit[2])
            return hit[1]
        found: list[Problem] = []
        node = parse_yaml(text, rel, found)
        problems.extend(found)
        self._files[rel] = (text, node, tuple(found))
        return node


def load_project(root: Path, cache: ParseCache | None = None) -> RawProject:
    """Read every content file and seed of the project at `root`."""
    problems: list[Problem] = []
    content = root / "content"
    folders: dict[str, str] = {}  # real paths, resolved once for the many facts and seeds
    read = cache.read if cache is not None else read_text

    def yaml_file(rel: str) -> RawFile:
        return load_yaml_file(root, rel, problems, cache)

    facts_dir = content / "facts"
    fact_files = sorted(p.name for p in facts_dir.glob("*.yaml")) if facts_dir.is_dir() else []
    for extra in sorted(facts_dir.glob("*.yml")) if facts_dir.is_dir() else []:
        problems.append(Problem(
            file=_rel(root, extra), line=0, column=0, field="",
            message="fact files must end in `.yaml`; this `.yml` file is ignored",
            hint=f"rename it to {extra.stem}.yaml",
        ))
    pages_dir = content / "pages"
    page_files = sorted(p.name for p in pages_dir.glob("*.md")) if pages_dir.is_dir() else []
    project = RawProject(
        root=root,
        site=yaml_file("content/site.yaml"),
        sources=yaml_file("content/sources.yaml"),
        actors=yaml_file("content/actors.yaml"),
        facts=[RawText(rel, read(root, rel, problems, folders))
               for rel in (f"content/facts/{name}" for name in fact_files)],
        pages=[load_page(root, f"content/pages/{name}", problems) for name in page_files],
        seeds=load_seeds(root, problems, folders, cache),
        problems=problems,
    )
    return project


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def read_text(root: Path, rel: str, problems: list[Problem],
              folders: dict[str, str] | None = None) -> str | None:
    """Read a project file as UTF-8 text: BOM dropped, CRLF/CR turned into LF.

    Refuses files outside their top folder (through symlinks too), oversized files, NUL bytes and
    other encodings, each with a problem that says how to fix it. `folders` keeps the real
    path of each folder met, for reading many files of one folder at once.
    """
    path = os.path.join(root, rel)
    try:
        size = os.stat(path).st_size
    except OSError:
        problems.append(Problem(rel, 0, 0, "", "file not found",
                                hint=f"create {rel} (see docs/content-format.md)"))
        return None
    # A file is confined to its top folder (content/, seeds/...), through symlinks too.
    folder = rel.split("/", 1)[0] + "/" if "/" in rel else ""
    try:
        folders = {} if folders is None else folders
        resolved = _real_path(path, folders)
        top = folders.get(f"top:{folder}")
        if top is None:
            top = folders[f"top:{folder}"] = os.path.realpath(os.path.join(root, folder))
        inside = resolved == top or resolved.startswith(top.rstrip(os.sep) + os.sep)
    except OSError:
        inside = False
    if not inside:
        where = folder or "the project"
        problems.append(Problem(rel, 0, 0, "", f"file points outside {where} (through a symlink)",
                                hint=f"replace the symlink by a real file inside {where}"))
        return None
    try:
        if size > MAX_FILE_BYTES:
            problems.append(Problem(rel, 0, 0, "",
                                    f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                                    hint="split it into several files"))
            return None
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        problems.append(Problem(rel, 0, 0, "", f"cannot read the file: {exc.strerror}",
                                hint="check the file's permissions"))
        return None
    return decode(data, rel, problems)


def _real_path(path: str, folders: dict[str, str]) -> str:
    """`os.path.realpath(path, strict=True)`, resolving each folder once (`folders`)."""
    parent, name = os.path.split(path)
    if name in ("", ".", "..") or stat.S_ISLNK(os.lstat(path).st_mode):
        return os.path.realpath(path, strict=True)
    real = folders.get(parent)
    if real is None:
        real = folders[parent] = os.path.realpath(parent, strict=True)
    return os.path.join(real, name)


def decode(data: bytes, rel: str, problems: list[Problem]) -> str | None:
    """Bytes -> text, or a problem naming the first bad byte's line."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(Problem(rel, 1, 1, "", "file is UTF-16; content files must be UTF-8",
                                hint="re-save the file as UTF-8"))
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        problems.append(Problem(rel, line, 0, "", "file contains a NUL byte (binary data?)",
                                hint="remove the NUL character or re-save the file as text"))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(Problem(rel, line, column, "",
                                f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                                hint="re-save the file with UTF-8 encoding"))
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def load_yaml_file(root: Path, rel: str, problems: list[Problem],
                   cache: ParseCache | None = None) -> RawFile:
    text = read_text(root, rel, problems)
    if text is None:
        return RawFile(rel, None)
    if cache is not None:
        return RawFile(rel, cache.parse(text, rel, problems))
    return RawFile(rel, parse_yaml(text, rel, problems))


def parse_yaml(text: str, rel: str, problems: list[Problem], line_offset: int = 0) -> Node | None:
    """Plain YAML text -> a located `Node` tree (None for an empty document or on error)."""
    if "\t" in text:
        # YAML forbids tabs in indentation; libyaml's message for it is cryptic.
        for number, row in enumerate(text.splitlines(), 1):
            stripped = row.lstrip(" ")
            if stripped.startswith("\t"):
                problems.append(Problem(rel, number + line_offset, len(row) - len(stripped) + 1,
                                        "", "a tab character is used for indentation",
                                        hint="indent with spaces only"))
                return None
    rows = text.split("\n")  # once, for every reader below
    deep = _too_deep(text, rows)
    if deep is not None:
        problems.append(Problem(rel, deep[0] + line_offset, deep[1], "",
                                f"YAML is nested too deeply (limit {MAX_DEPTH})",
                                hint="flatten the structure"))
        return None
    try:  # most content files: read without libyaml, to the same nodes
        return _Lines(rows, line_offset).document()
    except _NotSimple:
        pass
    loader = _Loader(text)
    builder = _Builder(loader, rel, line_offset, rows)
    try:
        node = builder.document()
    except _Abort:
        problems.extend(builder.problems)
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if "quoted scalar" in (exc.context or "") and exc.context_mark:
            mark = exc.context_mark  # where the unclosed quote opens, not the end of the file
        line = (mark.line + 1 + line_offset) if mark else 0
        column = (mark.column + 1) if mark else 0
        # (libyaml may place an error on the line after the last one)
        row = rows[mark.line] if mark and mark.line < len(rows) else ""
        above = next((r for r in reversed(rows[:mark.line]) if r.strip()), "") if mark else ""
        problems.append(Problem(rel, line, column, "", _yaml_message(exc),
                                hint=_yaml_hint(exc, row, above)))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(rel, 0, 0, "", f"YAML error: {exc}",
                                hint="check the file's syntax"))
        return None
    except RecursionError:
        problems.append(Problem(rel, 0, 0, "", f"YAML is nested too deeply (limit {MAX_DEPTH})",
                                hint="flatten the structure"))
        return None
    finally:
        loader.dispose()
    problems.extend(builder.problems)
    return node


def _too_deep(text: str, rows: list[str]) -> tuple[int, int] | None:
    """Line and column where nesting passes MAX_DEPTH, for text that could nest deeper than
    SAFE_NESTING; None otherwise (ordinary depth is checked while converting).

    Block nesting needs a deeper indent (or another `- `) per level and flow nesting a
    bracket, so their sum bounds the depth without parsing.
    """
    brackets = text.count("[") + text.count("{")
    if max(map(len, rows)) + brackets <= SAFE_NESTING:  # no line is long enough to go deep
        return None
    indents = max((len(row) - len(row.lstrip(" -?")) for row in rows), default=0)
    if indents + brackets <= SAFE_NESTING:
        return None
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    return (mark.line + 1, mark.column + 1) if mark else (0, 0)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None  # composing reports the syntax error with its place
    return None


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
    if ("mapping values are not allowed" in problem and key and above
            and _indent(row) > _indent(above) and not above.rstrip().endswith(":")):
        return (f"this line is indented more than the one above: line up `{key.group(1)}:` "
                "with the other fields of the entry")
    start = _VALUE_START.match(row)
    if start and "quoted scalar" not in (exc.context or ""):
        char = start.group(1)
        if char in "[{":
            return (f"a value that starts with `{char}` is read as a list: put the whole value "
                    f"in quotes if it is text, or close the list")
        return (f"a value that starts with `{char}` must be in quotes, e.g. "
                f"claim: \"{char}...\" (YAML reads `{char}` as syntax)")
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
_ALIASES = ("anchors and aliases (`&name`, `*name`) are not supported",
            "write the value out in full")


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
    if not text or text in _SPECIAL_PLAIN or text in _NULLS or (not words and " " in text):
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

    def __init__(self, loader: _Loader, rel: str, line_offset: int,
                 lines: list[str]) -> None:
        self.next: Callable[[], Any] = loader.get_event
        self.rel = rel
        self.offset = line_offset
        self.lines = lines
        self.problems: list[Problem] = []
        self.anchors: dict[str, Any] = {}

    def fail(self, mark: Any, message: str, hint: str, field: str = "") -> None:
        self.problems.append(Problem(self.rel, mark.line + 1 + self.offset, mark.column + 1,
                                     field, message, hint=hint))

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
            raise yaml.composer.ComposerError("expected a single document in the stream",
                                              start, "but found another document",
                                              event.start_mark)
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
            if cls is not _MappingEnd and cls is not _SequenceEnd and \
                    cls is not yaml.DocumentEndEvent and event.anchor is not None:
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
            raise yaml.composer.ComposerError("found duplicate anchor; first occurrence",
                                              self.anchors[name], "second occurrence", mark)
        self.anchors[name] = mark

    def value(self, event: Any, depth: int, key: str | None) -> Node:
        """One value (the root, a list item, or the value of mapping entry `key`)."""
        if event.anchor is not None:
            self.anchor(event)
        cls = type(event)
        mark = event.start_mark
        if depth > MAX_DEPTH:
            self.refuse(mark, f"YAML is nested too deeply (limit {MAX_DEPTH})", "flatten it")
        if cls is _AliasEvent:
            self.refuse(self.anchors[event.anchor], *_ALIASES)
        tag = event.tag
        line, column = mark.line + 1 + self.offset, mark.column + 1
        if cls is _ScalarEvent:
            value = event.value
            plain = not event.style
            if tag is None or tag == "!":
                tag = _SPECIAL_PLAIN.get(value, _STR) if plain and event.implicit[0] else _STR
            if tag is not _STR and tag not in _STANDARD_TAGS:
                self.refuse(mark, f"YAML tag `{tag}` is not allowed",
                            "remove the `!!...` tag; write plain values")
            if not plain:
                return Scalar(value, line, column, True)
            if value in _NULLS:
                return Scalar(None, line, column, False)
            if key is not None and " " in value:
                self.check_cut(event, key)
            return Scalar(value, line, column, False)
        if tag is None or tag == "!":
            tag = _MAP if cls is _MappingStart else _SEQ
        if tag not in _STANDARD_TAGS:
            self.refuse(mark, f"YAML tag `{tag}` is not allowed",
                        "remove the `!!...` tag; write plain values")
        if cls is _MappingStart:
            return self.mapping(Mapping({}, line, column), depth + 1)
        return self.sequence(Sequence([], line, column), depth + 1)

    def sequence(self, node: Sequence, depth: int) -> Sequence:
        """A list's items (depth: theirs), up to its end."""
        items = node.items
        offset = self.offset
        while True:
            event = self.next()
            cls = type(event)
            if cls is _SequenceEnd:
                return node
            quick = _quick(event, offset, True) if cls is _ScalarEvent and depth <= MAX_DEPTH \
                else None
            items.append(quick if quick is not None else self.value(event, depth, None))

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
                self.refuse(mark, "merge keys (`<<`) are not supported",
                            "write the fields out in full")
            if key in entries:
                self.problems.append(Problem(
                    self.rel, mark.line + 1 + offset, mark.column + 1, key,
                    f"duplicate key `{key}` (first given on line {entries[key].line})",
                    hint="keep one of them: YAML would silently drop the first"))
                self.skip()  # the dropped value
                continue
            line, column = mark.line + 1 + offset, mark.column + 1
            event = self.next()
            quick = _quick(event, offset, False) if type(event) is _ScalarEvent \
                and depth <= MAX_DEPTH else None
            value = quick if quick is not None else self.value(event, depth, key)
            entries[key] = Entry(key, line, column, value)

    def check_cut(self, event: Any, key: str) -> None:
        """Text cut at ` #`: an unquoted value of several words followed by one space and `#`
        is surely text YAML took for a comment (a real comment has two spaces before it)."""
        end = event.end_mark
        rest = self.lines[end.line][end.column:] if end.line < len(self.lines) else ""
        if rest[:1] in (" ", "\t") and rest[1:2] == "#":
            self.problems.append(Problem(
                self.rel, end.line + 1 + self.offset, end.column + 2, key,
                f"`{key}` is cut off before `{rest[1:].strip()[:30]}`: YAML reads ` #` and "
                "what follows as a comment",
                hint=f'put the whole value in quotes: {key}: "{event.value}{rest.rstrip()}", '
                     "or leave two spaces before a comment you mean"))


# The usual shape of a content file, read without libyaml ------------------------------------

_KEY = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_.-]*):(?: +|$)")
"""`name: ` at the start of a line's content (a key the fast reader takes)."""
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_FLOW = re.compile(r"\[ *(?:[A-Za-z0-9][A-Za-z0-9_.-]*(?: *, *[A-Za-z0-9][A-Za-z0-9_.-]*)*)? *\]")
"""`[a, b-c, d.e]`: a flow list of plain words, all on one line."""
_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
_MAX_FAST_DEPTH = 8


class _NotSimple(Exception):
    """The text is not of the usual shape: libyaml reads it (and reports what is wrong)."""


class _Lines:
    """Block YAML of the usual shape -> the same located nodes `_Builder` makes from
    libyaml's events, several times faster: mappings of `name: value`, lists of `- `,
    values quoted on one line, plain on one line or `[a, b]` lists of words, comments and
    blank lines. Anything else (a value running over lines, escapes, anchors, tags, a
    duplicate key, a document marker...) raises `_NotSimple`, and libyaml reads the file."""

    def __init__(self, lines: list[str], offset: int) -> None:
        self.offset = offset
        self.rows: list[tuple[int, int, str]] = []
        """(line index, indent, content) of each line that holds something."""
        for number, row in enumerate(lines):
            # (Python's printable characters are a part of YAML's, and none breaks a line.)
            if not row.isprintable():
                raise _NotSimple
            content = row.lstrip(" ")
            if not content or content[0] == "#":
                continue
            if row.startswith(("---", "...", "%")):
                raise _NotSimple
            self.rows.append((number, len(row) - len(content), content.rstrip(" ")))
        self.at = 0

    def document(self) -> Node:
        if not self.rows:
            raise _NotSimple  # an empty document: libyaml says what it is
        node = self.block(self.rows[0][1], 0)
        if self.at != len(self.rows):
            raise _NotSimple
        return node

    def block(self, indent: int, depth: int) -> Node:
        """The list or mapping whose first line is the next one, at `indent`."""
        if depth > _MAX_FAST_DEPTH:
            raise _NotSimple
        content = self.rows[self.at][2]
        if content == "-" or content.startswith("- "):
            return self.sequence(indent, depth)
        if _KEY.match(content) is None:
            raise _NotSimple
        return self.mapping(indent, 0, depth)

    def sequence(self, indent: int, depth: int) -> Sequence:
        number = self.rows[self.at][0]
        node = Sequence([], number + 1 + self.offset, indent + 1)
        rows = self.rows
        while self.at < len(rows):
            number, at, content = rows[self.at]
            if at < indent:
                break
            if at > indent or not content.startswith("- "):
                if at == indent and content != "-":
                    break  # the mapping around the list goes on
                raise _NotSimple
            rest = content[2:].lstrip(" ")
            column = indent + len(content) - len(rest)
            if _KEY.match(rest) is not None:  # `- name: value`: a mapping starts here
                node.items.append(self.mapping(column, len(content) - len(rest), depth + 1))
            else:
                node.items.append(self.value(rest, number, column))
                self.at += 1
        return node

    def mapping(self, indent: int, skip: int, depth: int) -> Mapping:
        """Entries at `indent`; the first one's key starts `skip` characters into its line's
        content (after its `- `)."""
        rows, offset = self.rows, self.offset
        at = self.at
        node = Mapping({}, rows[at][0] + 1 + offset, indent + 1)
        entries = node.entries
        start, base = skip, indent - skip  # where the key is; the column of content[0]
        while at < len(rows):
            number, row_indent, content = rows[at]
            if start < 0:
                if row_indent != indent:
                    if row_indent > indent:
                        raise _NotSimple
                    break
                start, base = 0, indent
            found = _KEY.match(content, start)
            start = -1
            if found is None:
                if content.startswith("- ") or content == "-":
                    break  # a list at the mapping's indent belongs to an outer entry
                raise _NotSimple
            key = found.group(1)
            if key in entries:
                raise _NotSimple  # libyaml's reading reports the duplicate
            end = found.end()
            at += 1
            if end == len(content) or content[end] == "#":  # the value is a block below
                if at == len(rows):
                    raise _NotSimple
                _, below_at, below_content = rows[at]
                indentless = below_at == indent and below_content.startswith("- ")
                if below_at <= indent and not indentless:
                    raise _NotSimple  # an empty value
                self.at = at
                value: Node = self.block(below_at, depth + 1)
                at = self.at
            else:
                value = self.value(content[end:], number, base + end)
            entries[key] = Entry(key, number + 1 + offset, indent + 1, value)
        self.at = at
        return node

    def value(self, text: str, number: int, column: int) -> Node:
        """A value on one line, starting at 0-based `column`: quoted, `[a, b]` or plain."""
        line = number + 1 + self.offset
        first = text[0]
        if first == '"':
            parts, at = [], 1
            while True:  # to the closing quote, taking `\"` and `\\` (other escapes: libyaml)
                end, escape = text.find('"', at), text.find("\\", at)
                if end < 0:
                    raise _NotSimple
                if escape < 0 or end < escape:
                    break
                if text[escape + 1:escape + 2] not in ('"', "\\"):
                    raise _NotSimple
                parts.append(text[at:escape] + text[escape + 1])
                at = escape + 2
            self.end_of_line(text[end + 1:])
            return Scalar("".join(parts) + text[at:end], line, column + 1, True)
        if first == "'":
            end = text.find("'", 1)
            while end >= 0 and text[end + 1:end + 2] == "'":
                end = text.find("'", end + 2)
            if end < 0:
                raise _NotSimple
            self.end_of_line(text[end + 1:])
            return Scalar(text[1:end].replace("''", "'"), line, column + 1, True)
        if first == "[":
            found = _FLOW.match(text)
            if found is None:
                raise _NotSimple
            self.end_of_line(text[found.end():])
            items: list[Node] = [
                Scalar(None if w.group() in _NULLS else w.group(), line, column + w.start() + 1)
                for w in _WORD.finditer(text, 1, found.end())
            ]
            return Sequence(items, line, column + 1)
        if first in _PLAIN_START or ": " in text or " #" in text or text.endswith(":"):
            raise _NotSimple
        if text in _SPECIAL_PLAIN:
            raise _NotSimple
        return Scalar(None if text in _NULLS else text, line, column + 1, False)

    @staticmethod
    def end_of_line(rest: str) -> None:
        """After a closed value only spaces, or a comment after a space, may follow."""
        stripped = rest.lstrip(" ")
        if stripped and (stripped[0] != "#" or stripped == rest):
            raise _NotSimple


def load_page(root: Path, rel: str, problems: list[Problem]) -> RawPage:
    """A markdown page: YAML front matter between `---` lines, then the body.

    python-frontmatter splits the text; the YAML is parsed here so that every field keeps
    its line, and a BOM (which python-frontmatter would trip on) is already gone.
    """
    from frontmatter.default_handlers import YAMLHandler

    text = read_text(root, rel, problems)
    if text is None:
        return RawPage(rel, None, "", 1)
    handler = YAMLHandler()
    if not handler.detect(text):
        first = text.lstrip()
        hint = ("remove the blank lines before the opening `---`"
                if first.startswith("---") else
                "start the file with a front matter block: `---`, `title: ...`, `---`")
        problems.append(Problem(rel, 1, 1, "", "the page has no front matter on its first line",
                                hint=hint))
        return RawPage(rel, None, text, 1)
    try:
        front_text, body = handler.split(text)
    except ValueError:
        problems.append(Problem(rel, 1, 1, "", "the front matter is not closed",
                                hint="add a line `---` after the front matter fields"))
        return RawPage(rel, None, "", 1)
    opening = handler.FM_BOUNDARY.search(text)
    offset = text.count("\n", 0, opening.end()) if opening else 0
    front = parse_yaml(front_text, rel, problems, line_offset=offset)
    body_line = offset + front_text.count("\n") + 1
    if body.startswith("\n"):
        body, body_line = body[1:], body_line + 1
    return RawPage(rel, front, body, body_line)


def load_seeds(root: Path, problems: list[Problem], folders: dict[str, str] | None = None,
               cache: ParseCache | None = None) -> dict[str, str]:
    """Every text file under `seeds/`, by project-relative path (unchanged ones from `cache`)."""
    seeds: dict[str, str] = {}
    seeds_dir = root / "seeds"
    if not seeds_dir.is_dir():
        return seeds
    read = cache.read if cache is not None else read_text
    for rel in sorted(_files_under(str(seeds_dir), "seeds/"), key=lambda rel: rel.split("/")):
        text = read(root, rel, problems, folders)
        if text is not None:
            seeds[rel] = text
    return seeds


def _files_under(folder: str, prefix: str) -> Iterator[str]:
    """The files under `folder` as `prefix` + their path below it, as `Path.rglob("*")`
    finds them (folders linked to are not entered), leaving out hidden files."""
    try:
        entries = list(os.scandir(folder))
    except OSError:  # unreadable: rglob passes over it too
        return
    for entry in entries:
        rel = prefix + entry.name
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if not entry.is_symlink():
                yield from _files_under(entry.path, rel + "/")
        elif not entry.name.startswith("."):
            yield rel
