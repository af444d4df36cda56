"""The briefing as a described dataset: tables beside `facts.csv`, and `datapackage.json`.

Goes in: a `Briefing`, its `Urls` and the header of `facts.csv` (which `feeds` writes). Comes
out (`Dataset.files`): output path -> bytes of `citations.csv`, `actors.csv`, `sources.csv`,
`positions.csv`, `events.csv` and the Frictionless Data Package descriptor
(https://specs.frictionlessdata.io/) whose Table Schemas type every column and link the
tables by their keys. Documented in `docs/facts-json.md`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from builder.briefing import Briefing
from builder.model import ActorKind, Fact, Source, SourceKind, Stance, Status
from builder.selectors import Selectors, select, source_sha256
from builder.urls import Urls
from builder.values import DATE_JSON_PATTERN, ID_JSON_PATTERN

TABLES = ("citations.csv", "actors.csv", "sources.csv", "positions.csv", "events.csv")
DESCRIPTOR = "datapackage.json"
FILES = (*TABLES, DESCRIPTOR)
"""What `Dataset.files` makes (`facts.csv` is made with the other feeds)."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet runs a cell starting with one of these as a formula."""
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 forbids, dropped from every table as from the feed."""

"""`YYYY-MM-DD`, or `YYYY-MM` when only the month is known: a string, as Table Schema's
`date` type cannot hold both."""


@dataclass(frozen=True, slots=True)
class Column:
    """One field of a Table Schema."""

    name: str
    type: str
    description: str
    constraints: dict[str, object] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "name": self.name,
            "type": self.type,
            "description": self.description,
        }
        if self.constraints:
            data["constraints"] = self.constraints
        return data


def _id(name: str, description: str, required: bool = True) -> Column:
    constraints: dict[str, object] = {"pattern": ID_JSON_PATTERN}
    if required:
        constraints["required"] = True
    return Column(name, "string", description, constraints)


def _enum(name: str, description: str, values: Iterable[str]) -> Column:
    return Column(name, "string", description, {"required": True, "enum": list(values)})


def _text(name: str, description: str) -> Column:
    return Column(name, "string", description)


def _count(name: str, description: str, minimum: int) -> Column:
    return Column(name, "integer", description, {"required": True, "minimum": minimum})


def _date(name: str, description: str) -> Column:
    return Column(
        name,
        "string",
        description + " YYYY-MM-DD, or YYYY-MM for a month.",
        {"pattern": DATE_JSON_PATTERN},
    )


FILE = _text("file", "The archived text file, relative to the project root.")
SHA256 = Column(
    "sha256",
    "string",
    "SHA-256 of the archived file when the source is pinned.",
    {"pattern": "^[0-9a-f]{64}$"},
)

FACT_COLUMNS = {
    c.name: c
    for c in (
        _id("fact_id", "The fact's id; with `citation`, the row's key."),
        _text("claim", "The claim as plain text."),
        _id("topic", "The topic it is filed under."),
        _id(
            "event",
            "The event it belongs to (`events` in facts.json), or empty when the "
            "briefing declares none.",
            required=False,
        ),
        _id(
            "event",
            "The event it belongs to; empty when the briefing declares none.",
            required=False,
        ),
        _date("date", "When it happened or was said, or empty when no source dates it."),
        _enum("status", "reported, claimed or disputed.", [s.value for s in Status]),
        _text("actors", "Actor ids, joined with `;`."),
        _text("disputes", "Ids of the facts it disputes or is disputed by, joined with `;`."),
        _text("fact_url", "The fact's page."),
        _count("citation", "The citation's number (its mark) among the fact's citations.", 1),
        _id("source_id", "The cited source."),
        _text("source_title", "The cited source's title."),
        _text("quote", "The quote as the editor wrote it."),
        _text("passage", "The passage as it stands in the archived text."),
        _count("line", "Line of the archived file where the passage starts.", 1),
        _text("citation_url", "The marked passage on the source's page."),
    )
}
"""The columns of `facts.csv` this module knows; any other is described as text."""

CITATION_COLUMNS = (
    _id("fact_id", "The citing fact."),
    _count("citation", "The citation's number among the fact's citations.", 1),
    _id("source_id", "The cited source."),
    FILE,
    SHA256,
    _count(
        "start",
        "Where the passage starts in the archived text, in code points (W3C TextPositionSelector).",
        0,
    ),
    _count("end", "Where it ends: text[start:end] is the passage.", 1),
    _text("prefix", "The text just before the passage (W3C TextQuoteSelector)."),
    _text("exact", "The passage as it stands in the archived text."),
    _text("suffix", "The text just after it; prefix + exact + suffix occurs once."),
)
ACTOR_COLUMNS = (
    _id("id", "The actor's id."),
    _text("name", "The actor's name."),
    _enum("kind", "country, person or organisation.", [k.value for k in ActorKind]),
    _text("role", "The actor's role, when given."),
    _id("country", "The id of the country a person or organisation belongs to.", required=False),
    _text("aliases", "Other names, joined with `;`."),
    _text("url", "The actor's page."),
)
SOURCE_COLUMNS = (
    _id("id", "The source's id."),
    _text("title", "The document's title."),
    _text("outlet", "Who published it, or `unknown`."),
    _date("published", "When it was published, or empty when the document does not make it clear."),
    _enum("kind", "news, analysis, aggregator or official.", [k.value for k in SourceKind]),
    FILE,
    SHA256,
    _text("original_url", "Where it was published, when known."),
    _text("url", "The source's page here, with its archived text."),
    _text("strand", "Its independence group: sources of one strand count once."),
    _text("cites", "Outlets the document itself names, joined with `;`."),
)
EVENT_COLUMNS = (
    _id("id", "The event's id."),
    _text("label", "Its short label (the badge of a fact outside the main event)."),
    _text("description", "What happened."),
    Column("main", "boolean", "Whether it is the event the briefing is about.", {"required": True}),
)
POSITION_COLUMNS = (
    _id("actor_id", "The ally."),
    _id("issue", "The issue (a column of the allied-positions matrix)."),
    _text("issue_title", "The issue's title."),
    _enum("stance", "The ally's stance on the issue.", [s.value for s in Stance]),
    _id("fact_id", "A fact that supports the stance (one row per fact)."),
    _text("note", "The editors' note on the position, when given."),
)


class Dataset:
    """One build's dataset files. A fact's rows of `citations.csv` are made once, and kept
    across the preview's builds (`keep`) while the fact and the sources it cites are
    unchanged; the small tables and the descriptor are made again only when the site, the
    actors or the sources changed."""

    def __init__(self, briefing: Briefing, urls: Urls, *, memo: bool = True) -> None:
        self.briefing = briefing
        self.urls = urls
        self.memo = memo
        """Keep each fact's selectors and rows for the next build (the preview's); a build
        makes the selectors again for `citations.csv` rather than hold them all."""
        self._rows: dict[str, tuple[Fact, tuple[Source, ...], bytes]] = {}
        self._selected: dict[str, tuple[Fact, tuple[Source, ...], tuple[Selectors, ...]]] = {}
        self._small: tuple[tuple[object, ...], dict[str, bytes]] | None = None

    def keep(self, previous: Dataset) -> None:
        """Start from `previous`'s work (the last build's, with the same URLs)."""
        self._selected = previous._selected
        if previous.urls == self.urls:
            self._rows, self._small = previous._rows, previous._small

    def selectors(self, fact: Fact) -> tuple[Selectors, ...]:
        """The W3C selectors of each of the fact's citations, made once for `facts.json`
        and `citations.csv` (and kept while the fact and its sources stay the same)."""
        cited = self._cited(fact)
        found = self._selected.get(fact.id)
        if found is None or found[0] != fact or found[1] != cited:
            made = tuple(
                [
                    select(source.text, cit.start, cit.end)
                    for cit, source in zip(fact.citations, cited, strict=True)
                ]
            )
            found = (fact, cited, made)
            if self.memo:
                self._selected[fact.id] = found
        return found[2]

    def _cited(self, fact: Fact) -> tuple[Source, ...]:
        return tuple([self.briefing.source_by_id[c.source] for c in fact.citations])

    def files(self, facts_header: Sequence[str]) -> dict[str, bytes]:
        """The tables and their descriptor. `facts_header` is the header `facts.csv` is
        written with, so the descriptor describes the file as it is."""
        b = self.briefing
        rows: dict[str, tuple[Fact, tuple[Source, ...], bytes]] = {}
        pieces = [_csv(CITATION_COLUMNS, ())]
        for fact in sorted(b.facts, key=lambda f: f.id):
            cited = self._cited(fact)
            found = self._rows.get(fact.id)
            if found is None or found[0] != fact or found[1] != cited:
                found = (fact, cited, _citation_rows(fact, cited, self.selectors(fact)))
            if self.memo:
                rows[fact.id] = found
            pieces.append(found[2])
        self._rows = rows
        self._selected = {fid: self._selected[fid] for fid in rows if fid in self._selected}
        key = (b.site, b.actors, b.sources, self.urls, tuple(facts_header))
        if self._small is None or self._small[0] != key:
            self._small = (key, _small_tables(b, self.urls, facts_header))
        return {"citations.csv": b"".join(pieces), **self._small[1]}


def _citation_rows(fact: Fact, cited: tuple[Source, ...], selected: tuple[Selectors, ...]) -> bytes:
    """A fact's rows of `citations.csv` (no header)."""
    rows = []
    for cit, source, found in zip(fact.citations, cited, selected, strict=True):
        rows.append(
            [
                fact.id,
                cit.number,
                source.id,
                source.file,
                source_sha256(source) or "",
                cit.start,
                cit.end,
                found.prefix,
                found.exact,
                found.suffix,
            ]
        )
    return _csv((), rows)


def _small_tables(b: Briefing, urls: Urls, facts_header: Sequence[str]) -> dict[str, bytes]:
    """The actors, sources and positions tables, and the descriptor."""
    full = urls.origin
    actors = [
        [
            a.id,
            a.name,
            a.kind.value,
            a.role,
            a.country or "",
            ";".join(a.aliases),
            full + urls.actor(a.id),
        ]
        for a in b.actors
    ]
    sources = [
        [
            s.id,
            s.title,
            s.outlet,
            s.published.iso() if s.published else "",
            s.kind.value,
            s.file,
            source_sha256(s) or "",
            s.url or "",
            full + urls.source(s.id),
            s.strand,
            ";".join(s.cites),
        ]
        for s in b.sources
    ]
    issue_titles = {issue.id: issue.title for issue in b.site.issues}
    positions = [
        [a.id, p.issue, issue_titles.get(p.issue, p.issue), p.stance.value, fid, p.note]
        for a in b.actors
        for p in sorted(a.positions, key=lambda p: p.issue)
        for fid in sorted(set(p.facts))
    ]
    events = [
        [e.id, e.label, e.description, "true" if e.id == b.site.main_event else "false"]
        for e in b.site.events
    ]
    return {
        "events.csv": _csv(EVENT_COLUMNS, events),
        "actors.csv": _csv(ACTOR_COLUMNS, actors),
        "sources.csv": _csv(SOURCE_COLUMNS, sources),
        "positions.csv": _csv(POSITION_COLUMNS, positions),
        DESCRIPTOR: _descriptor(b, urls, facts_header),
    }


def _descriptor(briefing: Briefing, urls: Urls, facts_header: Sequence[str]) -> bytes:
    site = briefing.site
    facts = [FACT_COLUMNS.get(name) or _text(name, "") for name in facts_header]
    package: dict[str, object] = {
        "profile": "tabular-data-package",
        "name": "briefing",
        "title": site.title,
        "description": site.description,
    }
    if urls.origin:
        package["homepage"] = urls.absolute("")
    package["sources"] = [
        {"title": s.title, **({"path": s.url} if s.url else {})} for s in briefing.sources
    ]
    package["resources"] = [
        _resource(
            "facts",
            "facts.csv",
            "Every citation of every fact: one row per citation, the fact's columns repeated.",
            facts,
            ["fact_id", "citation"],
            [
                _foreign("source_id", "sources", "id"),
                *([_foreign("event", "events", "id")] if "event" in facts_header else []),
            ],
        ),
        _resource(
            "citations",
            "citations.csv",
            "Where each cited passage stands in its "
            "archived text: W3C Web Annotation quote and position selectors.",
            CITATION_COLUMNS,
            ["fact_id", "citation"],
            [
                _foreign(["fact_id", "citation"], "facts", ["fact_id", "citation"]),
                _foreign("source_id", "sources", "id"),
            ],
        ),
        _resource(
            "actors",
            "actors.csv",
            "Countries, people and organisations.",
            ACTOR_COLUMNS,
            ["id"],
            [_foreign("country", "", "id")],
        ),
        _resource(
            "sources", "sources.csv", "The archived source documents.", SOURCE_COLUMNS, ["id"], []
        ),
        _resource(
            "positions",
            "positions.csv",
            "The allied-positions matrix: each ally's "
            "stance on each issue, one row per supporting fact.",
            POSITION_COLUMNS,
            ["actor_id", "issue", "fact_id"],
            [_foreign("actor_id", "actors", "id"), _foreign("fact_id", "facts", "fact_id")],
        ),
        _resource("events", "events.csv", "The events facts belong to.", EVENT_COLUMNS, ["id"], []),
    ]
    return (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode()


def _resource(
    name: str,
    path: str,
    description: str,
    columns: Iterable[Column],
    key: list[str],
    foreign: list[dict[str, object]],
) -> dict[str, object]:
    schema: dict[str, object] = {
        "fields": [c.as_json() for c in columns],
        "primaryKey": key,
        "missingValues": [""],
    }
    if foreign:
        schema["foreignKeys"] = foreign
    return {
        "name": name,
        "path": path,
        "profile": "tabular-data-resource",
        "description": description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {
            "delimiter": ",",
            "doubleQuote": True,
            "lineTerminator": "\r\n",
            "header": True,
        },
        "schema": schema,
    }


def _foreign(
    fields: str | list[str], resource: str, reference: str | list[str]
) -> dict[str, object]:
    """A foreign key; `resource` empty for a key into the same table."""
    return {"fields": fields, "reference": {"resource": resource, "fields": reference}}


def _csv(columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> bytes:
    """A table with a header row naming `columns` (none: rows only), as `csv_rows` writes it."""
    header = [[c.name for c in columns]] if columns else []
    return csv_rows([*header, *rows])


def csv_rows(rows: Iterable[Sequence[object]]) -> bytes:
    """Rows as every table of the site is written (`facts.csv` too): RFC 4180, CRLF,
    characters XML forbids dropped, a text cell that a spreadsheet would run as a formula
    with a `'` before it."""
    rows = list(rows)
    text = _write(
        [
            ["'" + c if type(c) is str and c.startswith(FORMULA_START) else c for c in row]
            for row in rows
        ]
    )
    if XML_ILLEGAL.search(text):  # rare: write them again from cleaned cells
        text = _write([[_cell(c) for c in row] for row in rows])
    return text.encode()


def _write(rows: list[list[object]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _cell(value: object) -> object:
    if not isinstance(value, str):
        return value
    value = XML_ILLEGAL.sub("", value)
    return "'" + value if value.startswith(FORMULA_START) else value
