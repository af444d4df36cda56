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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from builder.errors import Problem
from builder.nodes import MAX_DEPTH as MAX_DEPTH
from builder.nodes import NULLS as _NULLS
from builder.nodes import SPECIAL_PLAIN as _SPECIAL_PLAIN
from builder.nodes import Entry as Entry
from builder.nodes import Mapping as Mapping
from builder.nodes import Node as Node
from builder.nodes import Scalar as Scalar
from builder.nodes import Sequence as Sequence
from builder.nodes import too_deep

MAX_FILE_BYTES = 8 * 1024 * 1024
"""Larger content or seed files are refused: no briefing needs them, and they hint at a mistake."""
SAFE_NESTING = 1_000
"""Text that could nest deeper than this is measured with the (iterative) event parser before
it is composed: libyaml's recursive composer overflows the C stack at a few ten thousand levels.
At most libyaml's own limit (1,000 levels), which only the event parser's pass words as ours."""

WITHDRAWN = "content/withdrawn.yaml"
"""Published ids taken down, with date and reason (optional)."""
CAPTURE_SUFFIXES = (".html", ".htm")
"""Files under `seeds/` kept as raw captures beside their extracted text, not read as text."""

STILL_NS = 3_000_000_000
"""A file changed less than this long ago (in nanoseconds) may change again unseen within
its timestamps' resolution: `ParseCache.read` reads it again rather than trust its stat."""


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
    withdrawn: RawFile | None = None
    """`content/withdrawn.yaml`, when the briefing has one."""


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
        withdrawn=yaml_file(WITHDRAWN) if (root / WITHDRAWN).exists() else None,
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
    try:  # most content files: read without libyaml, to the same nodes
        return _Lines(rows, line_offset).document()
    except _NotSimple:
        pass
    # Only libyaml could be led deep enough to matter: the line reader refuses anything
    # nested more than a few levels. (Checked first, this took a full libyaml pass over a
    # 50,000-fact corpus's sources and actors, whose many one-line lists defeat the cheap
    # bound: 0.11 s before checking could begin, by cProfile.)
    deep = _too_deep(text, rows)
    if deep is not None:
        problems.append(too_deep(rel, deep[0] + line_offset, deep[1]))
        return None
    from builder import libyaml  # only now: most content files never need it

    return libyaml.read(text, rel, problems, line_offset, rows)


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
    from builder import libyaml

    return libyaml.deepest(text)


# The usual shape of a content file, read without libyaml ------------------------------------

_KEY = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_.-]*):(?: +|$)")
"""`name: ` at the start of a line's content (a key the fast reader takes)."""
_ITEM = r"""(?:[A-Za-z0-9][A-Za-z0-9_.-]*(?: [A-Za-z0-9_.-]+)*|"[^"\\]*"|'[^']*')"""
_WORD = re.compile(_ITEM)
"""Plain words (one space apart), or text in quotes with no escape, in a flow list."""
_FLOW = re.compile(rf"\[ *(?:{_ITEM}(?: *, *{_ITEM})*)? *\]")
"""`[a, Sir Keir, "d e"]`: a flow list of plain words and quoted texts, on one line."""
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
            items: list[Node] = []
            for w in _WORD.finditer(text, 1, found.end()):
                word = w.group()
                items.append(Scalar(word[1:-1], line, column + w.start() + 1, True)
                             if word[0] in "\"'" else
                             Scalar(None if word in _NULLS else word, line, column + w.start() + 1))
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


_FRONT_MATTER = re.compile(r"^-{3,}\s*$", re.MULTILINE)
"""A line of three or more dashes: where front matter starts and ends."""


def load_page(root: Path, rel: str, problems: list[Problem]) -> RawPage:
    """A markdown page: YAML front matter between `---` lines, then the body.

    The text is split at its first two lines of three or more dashes (`_FRONT_MATTER`);
    the YAML is parsed here so that every field keeps its line, and a BOM is already gone.
    """
    text = read_text(root, rel, problems)
    if text is None:
        return RawPage(rel, None, "", 1)
    if not _FRONT_MATTER.match(text):
        first = text.lstrip()
        hint = ("remove the blank lines before the opening `---`"
                if first.startswith("---") else
                "start the file with a front matter block: `---`, `title: ...`, `---`")
        problems.append(Problem(rel, 1, 1, "", "the page has no front matter on its first line",
                                hint=hint))
        return RawPage(rel, None, text, 1)
    parts = _FRONT_MATTER.split(text, 2)
    if len(parts) != 3:
        problems.append(Problem(rel, 1, 1, "", "the front matter is not closed",
                                hint="add a line `---` after the front matter fields"))
        return RawPage(rel, None, "", 1)
    _, front_text, body = parts
    opening = _FRONT_MATTER.search(text)
    offset = text.count("\n", 0, opening.end()) if opening else 0
    front = parse_yaml(front_text, rel, problems, line_offset=offset)
    body_line = offset + front_text.count("\n") + 1
    if body.startswith("\n"):
        body, body_line = body[1:], body_line + 1
    return RawPage(rel, front, body, body_line)


def load_seeds(root: Path, problems: list[Problem], folders: dict[str, str] | None = None,
               cache: ParseCache | None = None) -> dict[str, str]:
    """Every text file under `seeds/`, by project-relative path (unchanged ones from `cache`);
    raw captures (saved HTML) are left out."""
    seeds: dict[str, str] = {}
    seeds_dir = root / "seeds"
    if not seeds_dir.is_dir():
        return seeds
    read = cache.read if cache is not None else read_text
    for rel in sorted(_files_under(str(seeds_dir), "seeds/"), key=lambda rel: rel.split("/")):
        if rel.endswith(CAPTURE_SUFFIXES):
            continue  # a raw capture kept beside its text: never cited, never read here
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
