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
from builder.libyaml import parse_yaml
from builder.nodes import MAX_DEPTH as MAX_DEPTH
from builder.nodes import Entry as Entry
from builder.nodes import Mapping as Mapping
from builder.nodes import Node as Node
from builder.nodes import Scalar as Scalar
from builder.nodes import Sequence as Sequence

MAX_FILE_BYTES = 8 * 1024 * 1024
"""Larger content or seed files are refused: no briefing needs them, and they hint at a mistake."""

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

    def read(
        self, root: Path, rel: str, problems: list[Problem], folders: dict[str, str] | None = None
    ) -> str | None:
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
        if (
            text is not None
            and not found
            and time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > STILL_NS
        ):
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
        problems.append(
            Problem(
                file=_rel(root, extra),
                line=0,
                column=0,
                field="",
                message="fact files must end in `.yaml`; this `.yml` file is ignored",
                hint=f"rename it to {extra.stem}.yaml",
            )
        )
    pages_dir = content / "pages"
    page_files = sorted(p.name for p in pages_dir.glob("*.md")) if pages_dir.is_dir() else []
    problems.extend(nested_files(root, facts_dir, ".yaml"))
    problems.extend(nested_files(root, pages_dir, ".md"))
    project = RawProject(
        root=root,
        site=yaml_file("content/site.yaml"),
        sources=yaml_file("content/sources.yaml"),
        actors=yaml_file("content/actors.yaml"),
        facts=[
            RawText(rel, read(root, rel, problems, folders))
            for rel in (f"content/facts/{name}" for name in fact_files)
        ],
        pages=[load_page(root, f"content/pages/{name}", problems) for name in page_files],
        seeds=load_seeds(root, problems, folders, cache),
        problems=problems,
        withdrawn=yaml_file(WITHDRAWN) if (root / WITHDRAWN).exists() else None,
    )
    return project


def nested_files(root: Path, folder: Path, suffix: str) -> list[Problem]:
    """A problem for each `suffix` file in a sub-folder of `folder`, which the build does
    not read: said, never silently skipped."""
    if not folder.is_dir():
        return []
    return [
        Problem(
            _rel(root, path),
            0,
            0,
            "",
            f"files in sub-folders of {_rel(root, folder)}/ are not read",
            hint=f"move it into {_rel(root, folder)}/ itself",
        )
        for path in sorted(folder.glob(f"*/**/*{suffix}"))
    ]


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def read_text(
    root: Path, rel: str, problems: list[Problem], folders: dict[str, str] | None = None
) -> str | None:
    """Read a project file as UTF-8 text: BOM dropped, CRLF/CR turned into LF.

    Refuses files outside their top folder (through symlinks too), oversized files, NUL bytes and
    other encodings, each with a problem that says how to fix it. `folders` keeps the real
    path of each folder met, for reading many files of one folder at once.
    """
    path = os.path.join(root, rel)
    try:
        st = os.stat(path)
    except OSError:
        problems.append(
            Problem(
                rel, 0, 0, "", "file not found", hint=f"create {rel} (see docs/content-format.md)"
            )
        )
        return None
    size = st.st_size
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):  # reading could hang
        problems.append(
            Problem(
                rel,
                0,
                0,
                "",
                "cannot read the file: it is a FIFO, device or socket, not a regular file",
                hint="replace it by a plain text file, or remove it",
            )
        )
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
        problems.append(
            Problem(
                rel,
                0,
                0,
                "",
                f"file points outside {where} (through a symlink)",
                hint=f"replace the symlink by a real file inside {where}",
            )
        )
        return None
    try:
        if size > MAX_FILE_BYTES:
            problems.append(
                Problem(
                    rel,
                    0,
                    0,
                    "",
                    f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                    hint="split it into several files",
                )
            )
            return None
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        problems.append(
            Problem(
                rel,
                0,
                0,
                "",
                f"cannot read the file: {exc.strerror}",
                hint="check the file's permissions",
            )
        )
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
        problems.append(
            Problem(
                rel,
                1,
                1,
                "",
                "file is UTF-16; content files must be UTF-8",
                hint="re-save the file as UTF-8",
            )
        )
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        problems.append(
            Problem(
                rel,
                line,
                0,
                "",
                "file contains a NUL byte (binary data?)",
                hint="remove the NUL character or re-save the file as text",
            )
        )
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(
            Problem(
                rel,
                line,
                column,
                "",
                f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                hint="re-save the file with UTF-8 encoding",
            )
        )
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def load_yaml_file(
    root: Path, rel: str, problems: list[Problem], cache: ParseCache | None = None
) -> RawFile:
    text = read_text(root, rel, problems)
    if text is None:
        return RawFile(rel, None)
    if cache is not None:
        return RawFile(rel, cache.parse(text, rel, problems))
    return RawFile(rel, parse_yaml(text, rel, problems))


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
        hint = (
            "remove the blank lines before the opening `---`"
            if first.startswith("---")
            else "start the file with a front matter block: `---`, `title: ...`, `---`"
        )
        problems.append(
            Problem(rel, 1, 1, "", "the page has no front matter on its first line", hint=hint)
        )
        return RawPage(rel, None, text, 1)
    parts = _FRONT_MATTER.split(text, 2)
    if len(parts) != 3:
        problems.append(
            Problem(
                rel,
                1,
                1,
                "",
                "the front matter is not closed",
                hint="add a line `---` after the front matter fields",
            )
        )
        return RawPage(rel, None, "", 1)
    _, front_text, body = parts
    opening = _FRONT_MATTER.search(text)
    offset = text.count("\n", 0, opening.end()) if opening else 0
    front = parse_yaml(front_text, rel, problems, line_offset=offset)
    body_line = offset + front_text.count("\n") + 1
    if body.startswith("\n"):
        body, body_line = body[1:], body_line + 1
    return RawPage(rel, front, body, body_line)


def load_seeds(
    root: Path,
    problems: list[Problem],
    folders: dict[str, str] | None = None,
    cache: ParseCache | None = None,
) -> dict[str, str]:
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
