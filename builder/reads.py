"""What a page read while it was rendered, recorded, and what an edit changed, named alike.

Goes in: a briefing and the pages' rendering. Comes out: for each page, the names of what it
read (`fact:<id>`, `source:<id>`, `actor:<id>`, `page:<slug>`, `site`, `template:<name>`,
an index entry such as `facts_by_topic:<topic>`, or a whole collection: `fact`, `source`),
and `changes(old, new)`, the names of what differs between two briefings. A page must be
rendered again when a name it read is among the changes.

Recording is switched on per renderer (the preview's): its briefing is read through
`reading`, its memoised fragments are `Memo`s that replay what their making read, and
templates record their names as they are loaded. A plain build records nothing.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from typing import Any, Generic, TypeVar, cast

from builder.briefing import Briefing
from builder.model import Fact, Page

K = TypeVar("K")
V = TypeVar("V")

_CURRENT: ContextVar[set[str] | None] = ContextVar("reads", default=None)
"""The names the page (or memoised fragment) being made has read so far; None: no recording."""

ENTRIES = {
    "fact_by_id": "fact",
    "source_by_id": "source",
    "actor_by_id": "actor",
    "facts_by_topic": "facts_by_topic",
    "facts_by_actor": "facts_by_actor",
    "facts_by_source": "facts_by_source",
    "disputes_of": "disputes_of",
    "strands_of": "strands_of",
    "coverage": "coverage",
    "history": "history",
}
"""Briefing mappings, read entry by entry: each entry is named `<name>:<key>`, and going
through all of them reads `<name>` (which changes whenever any entry does)."""
WHOLES = {
    "site": "site",
    "topic_by_id": "site",
    "facts": "fact",
    "sources": "source",
    "actors": "actor",
    "pages": "page",
    "timeline": "timeline",
    "undated": "undated",
    "withdrawn": "withdrawn",
}
"""Briefing fields read as a whole: the name that changes whenever anything in them does."""


def record(name: str) -> None:
    """Note that what is being made read `name` (nothing when nothing records)."""
    found = _CURRENT.get()
    if found is not None:
        found.add(name)


def record_all(names: AbstractSet[str]) -> None:
    found = _CURRENT.get()
    if found is not None:
        found |= names


@contextmanager
def collecting() -> Iterator[set[str]]:
    """Record into a new set what the block reads; the reads count for the enclosing
    recording too (a fragment made while a page renders is read by that page)."""
    outer = _CURRENT.get()
    inner: set[str] = set()
    token = _CURRENT.set(inner)
    try:
        yield inner
    finally:
        _CURRENT.reset(token)
        if outer is not None:
            outer |= inner


class Memo(Generic[K, V]):
    """Values made once per build by key. When recording, each value keeps the names its
    making read, and every later use of it reads them again; `keep` carries the values
    whose names did not change over to the next build's memo."""

    __slots__ = ("reads", "values")

    def __init__(self, recording: bool = False) -> None:
        self.values: dict[K, V] = {}
        self.reads: dict[K, frozenset[str]] | None = {} if recording else None

    def get(self, key: K, make: Callable[[K], V]) -> V:
        reads = self.reads
        if reads is None:
            try:
                return self.values[key]
            except KeyError:
                value = self.values[key] = make(key)
                return value
        if key in self.values:
            record_all(reads[key])
            return self.values[key]
        with collecting() as names:
            value = make(key)
        self.values[key] = value
        reads[key] = frozenset(names)
        return value

    def __contains__(self, key: object) -> bool:
        return key in self.values

    def put(self, key: K, value: V, names: AbstractSet[str] = frozenset()) -> None:
        """A value made elsewhere (another process), with what its making read there."""
        self.values[key] = value
        if self.reads is not None:
            self.reads[key] = frozenset(names)

    def keep(self, previous: Memo[K, V], changed: AbstractSet[str]) -> None:
        """Take over `previous`'s values that read nothing in `changed`."""
        if previous.reads is None or self.reads is None:
            return
        reads = self.reads
        for key, names in previous.reads.items():
            if key not in self.values and names.isdisjoint(changed):
                self.values[key] = previous.values[key]
                reads[key] = names


class _ReadingMapping(Mapping[str, Any]):
    """A briefing mapping that records each entry read, and the whole when iterated."""

    __slots__ = ("_data", "_name", "_prefix")

    def __init__(self, data: Mapping[str, Any], name: str) -> None:
        self._data = data
        self._name = name
        self._prefix = name + ":"

    def __getitem__(self, key: str) -> Any:
        record(self._prefix + key)
        return self._data[key]

    def __contains__(self, key: object) -> bool:
        record(f"{self._prefix}{key}")
        return key in self._data

    def get(self, key: str, default: Any = None) -> Any:
        record(self._prefix + key)
        return self._data.get(key, default)

    def __iter__(self) -> Iterator[str]:
        record(self._name)
        return iter(self._data)

    def __len__(self) -> int:
        record(self._name)
        return len(self._data)


class _ReadingBriefing:
    """A briefing whose every read is recorded under the names `changes` gives."""

    def __init__(self, briefing: Briefing) -> None:
        self._briefing = briefing
        # Plain attributes, found without calling `__getattr__` (pages read them often).
        for name, kind in ENTRIES.items():
            setattr(self, name, _ReadingMapping(getattr(briefing, name), kind))

    def __getattr__(self, name: str) -> Any:
        """A field read as a whole (the mappings are attributes of their own)."""
        whole = WHOLES.get(name)
        if whole is None:
            raise AttributeError(f"briefing field {name!r} has no dependency name (reads.py)")
        record(whole)
        return getattr(self._briefing, name)

    def page(self, slug: str) -> Page | None:
        record(f"page:{slug}")
        return self._briefing.page(slug)

    def redirects(self) -> list[tuple[str, str, str]]:
        record_all({"fact", "actor", "source"})
        return self._briefing.redirects()


def reading(briefing: Briefing) -> Briefing:
    """`briefing` with every read of it recorded (for a renderer that records)."""
    return cast(Briefing, _ReadingBriefing(briefing))


# What an edit changed -------------------------------------------------------------------


def changes(old: Briefing, new: Briefing) -> set[str]:
    """The names of everything that differs between two briefings, as pages record them."""
    found: set[str] = set()
    if old.site != new.site:
        found.add("site")
    _entries(found, "fact", old.fact_by_id, new.fact_by_id, _same_fact)
    if [f.id for f in old.facts] != [f.id for f in new.facts]:
        found.add("fact")  # file order, which lists follow
    if [p.slug for p in old.pages] != [p.slug for p in new.pages]:
        found.add("page")
    _entries(found, "page", {p.slug: p for p in old.pages}, {p.slug: p for p in new.pages})
    for name, kind in ENTRIES.items():
        if kind != "fact":
            _entries(found, kind, getattr(old, name), getattr(new, name))
    for name, kind in WHOLES.items():
        if kind == name and getattr(old, name) != getattr(new, name):
            found.add(kind)
    return found


def _same_fact(a: object, b: object) -> bool:
    """Where a fact sits in its file is not shown anywhere: adding a line above it is no
    change."""
    if a is b or a == b:
        return True
    return isinstance(a, Fact) and isinstance(b, Fact) and replace(a, line=b.line) == b


def _entries(
    found: set[str],
    kind: str,
    old: Mapping[str, object],
    new: Mapping[str, object],
    same: Callable[[object, object], bool] = operator.eq,
) -> None:
    """`<kind>:<key>` of each entry added, removed or changed, and `<kind>` if any."""
    if old is new:
        return
    differ = {f"{kind}:{key}" for key in old.keys() ^ new.keys()}
    for key, was in old.items():
        now = new.get(key)
        if now is not None and now is not was and not same(was, now):
            differ.add(f"{kind}:{key}")
    if differ:
        found |= differ
        found.add(kind)
