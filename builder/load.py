"""Files -> raw records with positions: YAML as located nodes, markdown front matter, seeds.

Goes in: a project root. Comes out: a `RawProject` of `Node` trees (every value keeps its
1-based line and column) and the seed texts, plus every `Problem` met while reading. Nothing
is typed or checked here beyond "is this readable, plain YAML".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

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
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_STR, _SEQ, _MAP = (f"tag:yaml.org,2002:{t}" for t in ("str", "seq", "map"))
_SPECIAL_PLAIN = {"<<": "tag:yaml.org,2002:merge", "=": "tag:yaml.org,2002:value"}


class _PlainLoader(_Loader):
    """The loader with a quick tag resolver. Every scalar is read as text, so a plain scalar's
    implicit type (int, bool, date...) is never used: only the two implicit tags that are not
    standard (`<<` merge keys and `=`) matter, and they are kept so that they are refused."""

    def resolve(self, kind: type[yaml.Node], value: str | None,
                implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            return _SPECIAL_PLAIN.get(value or "", _STR) if implicit[0] else _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP


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
        facts=[RawText(rel, read_text(root, rel, problems))
               for rel in (f"content/facts/{name}" for name in fact_files)],
        pages=[load_page(root, f"content/pages/{name}", problems) for name in page_files],
        seeds=load_seeds(root, problems),
        problems=problems,
    )
    return project


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def read_text(root: Path, rel: str, problems: list[Problem]) -> str | None:
    """Read a project file as UTF-8 text: BOM dropped, CRLF/CR turned into LF.

    Refuses files outside their top folder (through symlinks too), oversized files, NUL bytes and
    other encodings, each with a problem that says how to fix it.
    """
    path = root / rel
    if not path.exists():
        problems.append(Problem(rel, 0, 0, "", "file not found",
                                hint=f"create {rel} (see docs/content-format.md)"))
        return None
    # A file is confined to its top folder (content/, seeds/...), through symlinks too.
    folder = rel.split("/", 1)[0] + "/" if "/" in rel else ""
    try:
        resolved = path.resolve(strict=True)
        resolved.relative_to((root / folder).resolve())
    except (ValueError, OSError):
        where = folder or "the project"
        problems.append(Problem(rel, 0, 0, "", f"file points outside {where} (through a symlink)",
                                hint=f"replace the symlink by a real file inside {where}"))
        return None
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(Problem(rel, 0, 0, "",
                                    f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                                    hint="split it into several files"))
            return None
        data = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(rel, 0, 0, "", f"cannot read the file: {exc.strerror}",
                                hint="check the file's permissions"))
        return None
    return decode(data, rel, problems)


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
    deep = _too_deep(text)
    if deep is not None:
        problems.append(Problem(rel, deep[0] + line_offset, deep[1], "",
                                f"YAML is nested too deeply (limit {MAX_DEPTH})",
                                hint="flatten the structure"))
        return None
    loader = _PlainLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if "quoted scalar" in (exc.context or "") and exc.context_mark:
            mark = exc.context_mark  # where the unclosed quote opens, not the end of the file
        line = (mark.line + 1 + line_offset) if mark else 0
        column = (mark.column + 1) if mark else 0
        rows = text.split("\n")
        row = rows[mark.line] if mark else ""
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
    if node is None:
        return None
    converter = _Converter(rel, problems, line_offset, text.split("\n"))
    try:
        return converter.convert(node, 0)
    except _Abort:
        return None


def _too_deep(text: str) -> tuple[int, int] | None:
    """Line and column where nesting passes MAX_DEPTH, for text that could nest deeper than
    SAFE_NESTING; None otherwise (ordinary depth is checked while converting).

    Block nesting needs a deeper indent (or another `- `) per level and flow nesting a
    bracket, so their sum bounds the depth without parsing.
    """
    indents = max((len(row) - len(row.lstrip(" -?")) for row in text.split("\n")), default=0)
    if indents + text.count("[") + text.count("{") <= SAFE_NESTING:
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


class _Converter:
    """yaml.Node -> our located nodes; refuses aliases, tags, merge keys, duplicate keys."""

    def __init__(self, rel: str, problems: list[Problem], line_offset: int,
                 lines: list[str]) -> None:
        self.rel = rel
        self.problems = problems
        self.offset = line_offset
        self.lines = lines
        self.seen: set[int] = set()

    def fail(self, node: yaml.Node, message: str, hint: str, field: str = "") -> None:
        self.problems.append(Problem(self.rel, node.start_mark.line + 1 + self.offset,
                                     node.start_mark.column + 1, field, message, hint=hint))

    def check_cut(self, node: yaml.Node, key: str) -> None:
        """Text cut at ` #`: an unquoted value of several words followed by one space and `#`
        is surely text YAML took for a comment (a real comment has two spaces before it)."""
        if not isinstance(node, yaml.ScalarNode) or node.style or " " not in node.value:
            return
        end = node.end_mark
        rest = self.lines[end.line][end.column:] if end.line < len(self.lines) else ""
        if rest[:1] in (" ", "\t") and rest[1:2] == "#":
            self.problems.append(Problem(
                self.rel, end.line + 1 + self.offset, end.column + 2, key,
                f"`{key}` is cut off before `{rest[1:].strip()[:30]}`: YAML reads ` #` and "
                "what follows as a comment",
                hint=f'put the whole value in quotes: {key}: "{node.value}{rest.rstrip()}", '
                     "or leave two spaces before a comment you mean"))

    def convert(self, node: yaml.Node, depth: int) -> Node:
        if depth > MAX_DEPTH:
            self.fail(node, f"YAML is nested too deeply (limit {MAX_DEPTH})", "flatten it")
            raise _Abort
        if id(node) in self.seen:  # a node met twice is an alias of an anchored one
            self.fail(node, "anchors and aliases (`&name`, `*name`) are not supported",
                      "write the value out in full")
            raise _Abort
        self.seen.add(id(node))
        line, column = node.start_mark.line + 1 + self.offset, node.start_mark.column + 1
        if node.tag not in _STANDARD_TAGS:
            self.fail(node, f"YAML tag `{node.tag}` is not allowed",
                      "remove the `!!...` tag; write plain values")
            raise _Abort
        if isinstance(node, yaml.ScalarNode):
            plain = not node.style  # libyaml says '' for plain scalars, the pure parser None
            if plain and node.value in _NULLS:
                return Scalar(None, line, column, False)
            return Scalar(str(node.value), line, column, not plain)
        if isinstance(node, yaml.SequenceNode):
            return Sequence([self.convert(item, depth + 1) for item in node.value], line, column)
        entries: dict[str, Entry] = {}
        assert isinstance(node, yaml.MappingNode)
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(key_node, "a mapping key must be a plain name", "use `name: value`")
                raise _Abort
            key = str(key_node.value)
            if key == "<<":
                self.fail(key_node, "merge keys (`<<`) are not supported",
                          "write the fields out in full")
                raise _Abort
            if key in entries:
                first = entries[key]
                self.fail(key_node, f"duplicate key `{key}` (first given on line {first.line})",
                          "keep one of them: YAML would silently drop the first", field=key)
                continue
            entries[key] = Entry(key, key_node.start_mark.line + 1 + self.offset,
                                 key_node.start_mark.column + 1,
                                 self.convert(value_node, depth + 1))
            self.check_cut(value_node, key)
        return Mapping(entries, line, column)


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


def load_seeds(root: Path, problems: list[Problem]) -> dict[str, str]:
    """Every text file under `seeds/`, by project-relative path."""
    seeds: dict[str, str] = {}
    seeds_dir = root / "seeds"
    if not seeds_dir.is_dir():
        return seeds
    for path in sorted(seeds_dir.rglob("*")):
        if path.is_dir() or path.name.startswith("."):
            continue
        rel = _rel(root, path)
        text = read_text(root, rel, problems)
        if text is not None:
            seeds[rel] = text
    return seeds
