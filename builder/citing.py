"""The facts that cite a source: goes in the project's facts files and a source id, comes out
each citation of that source (fact, quote, file, line), for the finder to say which facts
already cite a passage.

The files are read as text once; a source's citations are looked for only when asked, and
only the facts that name the source are parsed. A facts file is a YAML list whose items start
with `- ` at the line's start, so a file splits into its facts there; a fact that cites a
source names its id (the build refuses YAML aliases, so no fact can point at an id written
elsewhere). If a fact does not parse on its own, the whole file is parsed instead, with the
usual reader and its usual problems.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from builder.errors import Problem
from builder.libyaml import parse_yaml
from builder.load import Mapping, Node, read_text
from builder.load import Sequence as YamlList

_ITEM = re.compile(r"\n-(?=[ \n])")
"""A line break before a top-level list item (a literal first: quick to look for)."""


@dataclass(frozen=True, slots=True)
class CitedQuote:
    """One citation of a fact, where it is written."""

    fact: str
    source: str
    quote: str
    file: str
    line: int
    """Line of the `quote:` in `file`."""


@dataclass
class FactFiles:
    """The facts files' texts, and the citations of each source asked about so far."""

    texts: list[tuple[str, str]]
    """(project-relative path, text) of each facts file that reads."""
    problems: list[Problem]
    _items: list[list[tuple[int, str]]] = field(default_factory=list)
    """Each file cut into its facts: (first line, text)."""
    _cited: dict[str, list[CitedQuote]] = field(default_factory=dict)

    def citations(self, source: str) -> list[CitedQuote]:
        """Every citation of `source`, in file order."""
        found = self._cited.get(source)
        if found is None:
            found = self._cited[source] = self._read(source)
        return found

    def _read(self, source: str) -> list[CitedQuote]:
        if not self._items:
            self._items = [_items(text) for _, text in self.texts]
        found: list[CitedQuote] = []
        for (rel, text), items in zip(self.texts, self._items, strict=True):
            naming = [(line, item) for line, item in items if source in item]
            if not naming:
                continue
            problems: list[Problem] = []
            nodes = [parse_yaml(item, rel, problems, line - 1) for line, item in naming]
            if problems:  # a fact that does not stand alone: read the file as a whole
                problems = []
                nodes = [parse_yaml(text, rel, problems)]
                self.problems += [p for p in problems if p not in self.problems]
            for node in nodes:
                found += [c for c in _citations(node, rel) if c.source == source]
        return found


def read_fact_files(root: Path) -> FactFiles:
    """The text of every `content/facts/*.yaml` (a file that does not read is a problem)."""
    problems: list[Problem] = []
    folder = root / "content" / "facts"
    names = sorted(p.name for p in folder.glob("*.yaml")) if folder.is_dir() else []
    folders: dict[str, str] = {}
    texts = []
    for name in names:
        rel = f"content/facts/{name}"
        text = read_text(root, rel, problems, folders)
        if text is not None:
            texts.append((rel, text))
    return FactFiles(texts, problems)


def _items(text: str) -> list[tuple[int, str]]:
    """A facts file cut where its top-level items start (the whole text when none does)."""
    # A match's start in "\n" + text is where its item starts in text.
    starts = [m.start() for m in _ITEM.finditer("\n" + text)]
    if not starts:
        return [(1, text)]
    line = text.count("\n", 0, starts[0]) + 1
    items = []
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        item = text[start:end]
        items.append((line, item))
        line += item.count("\n")
    return items


def _citations(node: Node | None, rel: str) -> list[CitedQuote]:
    found: list[CitedQuote] = []
    for fact in node.items if isinstance(node, YamlList) else []:
        if not isinstance(fact, Mapping):
            continue
        ident, cited = fact.text("id"), fact.entries.get("citations")
        if ident is None or cited is None or not isinstance(cited.value, YamlList):
            continue
        for item in cited.value.items:
            if not isinstance(item, Mapping):
                continue
            source, quote = item.text("source"), item.text("quote")
            if source is not None and quote is not None:
                found.append(CitedQuote(ident, source, quote, rel, item.entries["quote"].line))
    return found
