"""The briefing as published at a git revision, or as it stands in the work tree, reduced to
what changes are judged by: each fact's record and every id that has a URL.

Goes in: a project root and a revision (or the files themselves). Comes out: a `Snapshot`.
Files are read as located YAML and nothing is verified: an old revision is taken as it was
published, and a fact that cannot be read at all is simply not in it.
"""

from __future__ import annotations

from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from pathlib import Path

from builder.libyaml import parse_yaml
from builder.load import WITHDRAWN, Mapping, Node, Scalar, Sequence, decode

KINDS = ("fact", "actor", "source")
FACTS_DIR = "content/facts"
ACTORS = "content/actors.yaml"
SOURCES = "content/sources.yaml"
COMPARED = ("claim", "date", "actors", "status", "citations")
"""The fields whose change a published fact must own up to with a correction."""


@dataclass(frozen=True, slots=True)
class FactRecord:
    """A fact as written, unverified: what readers saw of it."""

    id: str
    claim: str
    topic: str
    date: str
    actors: tuple[str, ...]
    status: str
    citations: tuple[tuple[str, str], ...]
    """`(source, quote)` in order."""
    corrections: tuple[tuple[str, str, str], ...]
    """`(date, what, why)` as written."""
    minor: bool
    aliases: tuple[str, ...]
    file: str
    line: int

    def changed_fields(self, other: FactRecord) -> tuple[str, ...]:
        """The compared fields (`COMPARED`) whose value differs in `other`."""
        return tuple(name for name in COMPARED if getattr(self, name) != getattr(other, name))


@dataclass(frozen=True, slots=True)
class Retired:
    """A withdrawn id as `content/withdrawn.yaml` gives it."""

    kind: str
    id: str
    date: str
    reason: str
    title: str


@dataclass
class Snapshot:
    facts: dict[str, FactRecord] = field(default_factory=dict)
    live: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in KINDS})
    """Ids with a page of their own, by kind."""
    withdrawn: dict[tuple[str, str], Retired] = field(default_factory=dict)
    aliases: dict[tuple[str, str], str] = field(default_factory=dict)
    """`(kind, old id)` -> the id that replaced it."""

    def published(self, kind: str) -> set[str]:
        """Every id of `kind` whose URL serves a page: live, withdrawn or redirected."""
        return (
            self.live[kind]
            | {i for k, i in self.withdrawn if k == kind}
            | {i for k, i in self.aliases if k == kind}
        )


def snapshot_at(root: Path, revision: str) -> Snapshot:
    """The project's content at a revision (a `GitError` when git cannot tell)."""
    from builder import gitrepo

    commit = gitrepo.resolve(root, revision)
    paths = [*gitrepo.list_files(root, commit, FACTS_DIR), ACTORS, SOURCES, WITHDRAWN]
    blobs = gitrepo.read_files(root, ((commit, p) for p in paths))
    return snapshot_from({path: data for (_, path), data in blobs.items()})


def snapshot_of_tree(root: Path) -> Snapshot:
    """The project's content as it stands in the work tree."""
    files: dict[str, bytes] = {}
    facts = root / FACTS_DIR
    paths = (
        [f"{FACTS_DIR}/{p.name}" for p in sorted(facts.glob("*.yaml"))] if facts.is_dir() else []
    )
    for rel in [*paths, ACTORS, SOURCES, WITHDRAWN]:
        try:
            files[rel] = (root / rel).read_bytes()
        except OSError:
            continue
    return snapshot_from(files)


def snapshot_from(files: MappingABC[str, bytes]) -> Snapshot:
    """A snapshot of these content files, by project path."""
    snap = Snapshot()
    for path in sorted(files):
        node = _parse(path, files[path])
        if path.startswith(FACTS_DIR + "/"):
            for item in _records(node):
                fact = _fact(item, path)
                if fact is not None:
                    snap.facts.setdefault(fact.id, fact)
                    snap.live["fact"].add(fact.id)
                    for old in fact.aliases:
                        snap.aliases[("fact", old)] = fact.id
        elif path in (ACTORS, SOURCES):
            kind, key = ("actor", "former_ids") if path == ACTORS else ("source", "aliases")
            for item in _records(node):
                ident = _text(item, "id")
                if ident:
                    snap.live[kind].add(ident)
                    for old in _texts(item, key):
                        snap.aliases[(kind, old)] = ident
        elif path == WITHDRAWN:
            for item in _records(node):
                gone = Retired(
                    _text(item, "kind"),
                    _text(item, "id"),
                    _text(item, "date"),
                    _text(item, "reason"),
                    _text(item, "title"),
                )
                if gone.kind in KINDS and gone.id:
                    snap.withdrawn[(gone.kind, gone.id)] = gone
    return snap


def _parse(path: str, data: bytes) -> Node | None:
    text = decode(data, path, [])
    return parse_yaml(text, path, []) if text is not None else None


def _records(node: Node | None) -> list[Mapping]:
    return [i for i in node.items if isinstance(i, Mapping)] if isinstance(node, Sequence) else []


def _text(node: Mapping, key: str) -> str:
    return node.text(key) or ""


def _texts(node: Mapping, key: str) -> tuple[str, ...]:
    entry = node.entries.get(key)
    value = entry.value if entry is not None else None
    if isinstance(value, Scalar):
        return (value.value,) if value.value else ()
    if isinstance(value, Sequence):
        return tuple(i.value for i in value.items if isinstance(i, Scalar) and i.value)
    return ()


def _fact(node: Mapping, path: str) -> FactRecord | None:
    fid = _text(node, "id")
    if not fid:
        return None
    cites = node.entries.get("citations")
    citations = tuple(
        (_text(c, "source"), " ".join(_text(c, "quote").split()))
        for c in _records(cites.value if cites is not None else None)
    )
    fixes = node.entries.get("corrections")
    corrections = tuple(
        (_text(c, "date"), _text(c, "what"), _text(c, "why"))
        for c in _records(fixes.value if fixes is not None else None)
    )
    return FactRecord(
        id=fid,
        claim=" ".join(_text(node, "claim").split()),
        topic=_text(node, "topic"),
        date=_text(node, "date"),
        actors=_texts(node, "actors"),
        status=_text(node, "status") or "reported",
        citations=citations,
        corrections=corrections,
        minor=_text(node, "minor") == "true",
        aliases=_texts(node, "aliases"),
        file=path,
        line=node.line,
    )
