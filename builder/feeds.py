"""The machine-readable outputs: `facts.json`, `facts.csv`, `feed.xml`, `sitemap.xml`, `robots.txt`.

Goes in: a `Briefing`, its `Urls` and the list of HTML page URLs. Comes out: output-relative
path -> bytes, byte-identical for identical input (no wall clock, sorted iteration).
Formats are documented in `docs/facts-json.md`.

Each fact's share of `facts.json`, `facts.csv` and `feed.xml` is made once (`Feeds.part`) and
the files are joined from those parts, so the preview remakes only the parts of the facts an
edit touched (`Feeds.keep`). The text is written directly, in exactly the layout of Python's
`json.dumps(indent=2, ensure_ascii=False)` and of ElementTree's indented serialisation, which
are much slower on large briefings.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from html import escape as html_escape
from json.encoder import encode_basestring
from typing import NamedTuple, TypeVar, cast

from builder.datapackage import FILES as DATASET_FILES
from builder.datapackage import FORMULA_START, XML_ILLEGAL, Dataset
from builder.markdown import Markdown
from builder.model import Briefing, Citation, Dispute, Event, Fact, PartialDate, Source
from builder.selectors import Selectors, source_sha256
from builder.urls import Urls, text_fragment_url

SCHEMA_VERSION = 1
ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
FILES = ("facts.json", "facts.csv", "feed.xml", "sitemap.xml", "robots.txt", *DATASET_FILES)
"""What `machine_outputs` makes."""
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'

CSV_HEADER = (
    "fact_id",
    "claim",
    "topic",
    "event",
    "date",
    "status",
    "actors",
    "disputes",
    "fact_url",
    "citation",
    "source_id",
    "source_title",
    "quote",
    "passage",
    "line",
    "citation_url",
)
"""One row per citation; the fact's columns repeat on each of its citations' rows."""

# Characters XML 1.0 forbids (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF).
_XML_ILLEGAL = XML_ILLEGAL
# Spreadsheets run a cell starting with one of these as a formula.
_FORMULA_START = FORMULA_START

T = TypeVar("T")
R = TypeVar("R")
Cited = tuple[Citation, Source, str]
"""A citation, its source and the full URL of the marked passage."""
Claim = Callable[[str], tuple[str, str]]
"""A fact id -> its claim as (html, plain text)."""


def machine_outputs(
    briefing: Briefing,
    urls: Urls,
    page_urls: Iterable[str] = (),
    claim: Claim | None = None,
) -> dict[str, bytes]:
    """Every machine-readable file of the site. `page_urls` are the site's HTML page URLs
    (site-absolute paths as `Urls` builds them) for the sitemap; `claim(fact_id)` gives a
    claim as (html, plain text) when the pages have rendered it already."""
    return Feeds(briefing, urls, claim).files(page_urls)


class FactParts(NamedTuple):
    """One fact's share of the machine outputs, as the bytes that go into each file."""

    json: bytes
    """Its record in `facts.json`'s `facts` list, indented as it stands there."""
    csv: bytes
    """Its rows of `facts.csv`, one per citation."""
    entry: bytes
    """Its `<entry>` of `feed.xml` (empty for an undated fact, which the feed leaves out)."""
    when: tuple[int, int, int] | None
    """Its date as (year, month, day), which sorts as dates do and much faster."""


class Feeds:
    """One build's machine outputs, joined from each fact's memoised `FactParts`.

    Make one per build (its parts assume the briefing does not change); the preview hands
    over the previous build's parts of the facts an edit did not touch with `keep`.
    """

    def __init__(self, briefing: Briefing, urls: Urls, claim: Claim | None = None) -> None:
        self.briefing = briefing
        self.urls = urls
        self._claim = claim if claim is not None else self._markdown_claim
        self._markdown: Markdown | None = None
        self.origin = urls.origin
        self.feed_id = _feed_id(urls, briefing.site.title)
        self._parts: dict[str, FactParts] = {}
        self._categories: dict[str, str] = {}
        self._sources_json: dict[str, str] = {}
        self.keys: dict[str, tuple[object, ...]] = {}
        """What each file was last joined from: equal keys, equal bytes."""
        self._memo: dict[str, tuple[object, object]] = {}
        """Work on the whole briefing, by what it was made from (see `_remember`)."""
        self.dataset = Dataset(briefing, urls)

    def keep(self, previous: Feeds, fact_ids: Iterable[str]) -> None:
        """Reuse `previous`'s parts of `fact_ids`: the facts nothing shown in their parts
        changed (not their claim, sources, disputes), with the same site and URLs."""
        self._memo = dict(previous._memo)
        self.dataset.keep(previous.dataset)
        parts = previous._parts
        for fid in fact_ids:
            found = parts.get(fid)
            if found is not None:
                self._parts[fid] = found

    def part(self, fact_id: str) -> FactParts:
        found = self._parts.get(fact_id)
        if found is None:
            found = self._parts[fact_id] = self._make_part(self.briefing.fact_by_id[fact_id])
        return found

    def files(
        self,
        page_urls: Iterable[str] = (),
        unchanged: Mapping[str, tuple[object, ...]] | None = None,
    ) -> dict[str, bytes]:
        """Every machine-readable file; with `unchanged` (an earlier `keys`), only those
        whose parts differ from the ones it names."""
        ids = self._remember("ids", tuple(self.briefing.fact_by_id), sorted)
        parts = [self.part(fid) for fid in ids]
        newest_first = self._remember("feed order", tuple(p.when for p in parts), _newest_first)
        dated = [parts[i] for i in newest_first]
        joins: dict[str, tuple[Callable[..., bytes], tuple[object, ...]]] = {
            "facts.json": (_join_json, (self._json_head(), *(p.json for p in parts))),
            "facts.csv": (_join_csv, tuple(p.csv for p in parts)),
            "feed.xml": (_join_feed, (self._feed_head(), *(p.entry for p in dated))),
            "sitemap.xml": (
                _sitemap,
                self._remember(
                    "sitemap",
                    (self.urls.origin, *page_urls),
                    lambda given: (given[0], *sorted(set(given[1:]))),
                ),
            ),
            "robots.txt": (_robots, (self._full(self.urls.sitemap()),)),
        }
        out: dict[str, bytes] = {}
        for name, (join, key) in joins.items():
            self.keys[name] = key
            if unchanged is None or unchanged.get(name) != key:
                out[name] = join(*key)
        for name, data in self.dataset.files(CSV_HEADER).items():
            self.keys[name] = (data,)
            if unchanged is None or unchanged.get(name) != (data,):
                out[name] = data
        return out

    def _remember(self, name: str, inputs: T, make: Callable[[T], R]) -> R:
        """`make(inputs)`, or what it gave last time for equal inputs (kept across builds
        by `keep`): for the parts of the files made from the whole briefing, which the
        preview makes again only when what they show changed."""
        found = self._memo.get(name)
        if found is not None and found[0] == inputs:
            return cast(R, found[1])
        made = make(inputs)
        self._memo[name] = (inputs, made)
        return made

    # Parts ---------------------------------------------------------------------------------

    def _full(self, path: str) -> str:
        """A site-absolute path with the origin when `base_url` has one."""
        return self.origin + path

    def _make_part(self, fact: Fact) -> FactParts:
        html, text = self._claim(fact.id)
        briefing, urls = self.briefing, self.urls
        cited = [
            (
                cit,
                briefing.source_by_id[cit.source],
                self._full(urls.citation(cit.source, cit.anchor)),
            )
            for cit in fact.citations
        ]
        fact_url = self._full(urls.fact(fact.id))
        disputes = briefing.disputes_of.get(fact.id, ())
        return FactParts(
            self._record(fact, text, fact_url, cited, disputes).encode(),
            self._rows(fact, text, fact_url, cited, disputes),
            self._entry(fact, str(html), text, fact_url, cited) if fact.date else b"",
            (fact.date.year, fact.date.month, fact.date.day) if fact.date else None,
        )

    def _record(
        self,
        fact: Fact,
        text: str,
        fact_url: str,
        cited: list[Cited],
        disputes: tuple[Dispute, ...],
    ) -> str:
        """The fact's object in `facts.json`'s `facts` list, written out by hand (the
        layout of `_json`, which the tests check against Python's encoder)."""
        s = encode_basestring
        citations = []
        selected = self.dataset.selectors(fact)
        for (cit, source, url), found in zip(cited, selected, strict=True):
            quote = s(cit.quote)
            passage = quote if cit.passage == cit.quote else s(cit.passage)
            citations.append(
                f'{{\n          "number": {cit.number},{self._source_json(source)}'
                f'\n          "quote": {quote},\n          "passage": {passage},'
                f'\n          "line": {cit.line},\n          "url": {s(url)},'
                '\n          "original_url": '
                f"{s(text_fragment_url(source.url, cit.passage)) if source.url else 'null'}"
                f',\n          "target": {_json(self._target(found, source), "          ")}'
                "\n        }"
            )
        shown = [
            f'{{\n          "fact": {s(d.fact)},\n          "kind": {s(d.kind.value)},'
            f'\n          "note": {s(d.note)},'
            f'\n          "url": {s(self._full(self.urls.fact(d.fact)))}\n        }}'
            for d in disputes
        ]
        return (
            f'    {{\n      "id": {s(fact.id)},\n      "url": {s(fact_url)},'
            f'\n      "claim": {{\n        "markdown": {s(fact.claim)},\n        "text": {s(text)}'
            f'\n      }},\n      "topic": {s(fact.topic)},'
            f'\n      "event": {s(fact.event) if fact.event else "null"},'
            f'\n      "date": {s(fact.date.iso()) if fact.date else "null"},'
            f'\n      "actors": {_json_list([s(a) for a in fact.actors], "      ")},'
            f'\n      "status": {s(fact.status.value)},'
            f'\n      "disputes": {_json_list(shown, "      ")},'
            f'\n      "independent_sources": {len(self.briefing.strands_of.get(fact.id, ()))},'
            f'\n      "citations": {_json_list(citations, "      ")}'
            f"{_corrections_json(fact)}\n    }}"
        )

    def _target(self, found: Selectors, source: Source) -> dict[str, object]:
        """The passage as a W3C Web Annotation `SpecificResource`: the archived file, its
        digest when pinned, and the selectors that find the passage in it."""
        return {"source": source.file, "sha256": source_sha256(source), "selector": found.as_json()}

    def _source_json(self, source: Source) -> str:
        """A citation's `source` and `source_title` members, made once per source."""
        found = self._sources_json.get(source.id)
        if found is None:
            found = self._sources_json[source.id] = (
                f'\n          "source": {encode_basestring(source.id)},'
                f'\n          "source_title": {encode_basestring(source.title)},'
            )
        return found

    def _rows(
        self,
        fact: Fact,
        text: str,
        fact_url: str,
        cited: list[Cited],
        disputes: tuple[Dispute, ...],
    ) -> bytes:
        """The fact's rows of `facts.csv`, one per citation, as `csv.writer` writes them."""
        shared = [
            fact.id,
            text,
            fact.topic,
            fact.event,
            _iso(fact.date) or "",
            fact.status.value,
            ";".join(fact.actors),
            ";".join(d.fact for d in disputes),
            fact_url,
        ]
        rows = [
            [str(cit.number), source.id, source.title, cit.quote, cit.passage, str(cit.line), url]
            for cit, source, url in cited
        ]
        return _csv_part(shared, rows)

    def _entry(
        self, fact: Fact, claim_html: str, text: str, fact_url: str, cited: list[Cited]
    ) -> bytes:
        """The fact's `<entry>`, indented as the second level of the feed."""
        assert fact.date is not None
        entry_id = fact_url if self.origin else _url_uuid_urn(f"{self.feed_id}:facts/{fact.id}")
        items = "".join(
            [
                f'<li><a href="{_html_escape(url)}">{_html_escape(source.title)}</a>: '
                f"“{_html_escape(cit.passage)}”</li>"
                for cit, source, url in cited
            ]
        )
        content = f"<p>{claim_html.strip()}</p><ol>{items}</ol>{_corrections_html(fact)}"
        updated = fact.corrections[-1].date if fact.corrections else fact.date
        category = self._category(fact.topic)
        event = self.briefing.site.side_event(fact.event)
        if event is not None:
            # A reader of the feed sees the event in the title, not only in a category.
            text = f"[{event.label}] {text}"
            category += "\n    " + self._event_category(event)
        rest = (_timestamp(updated), fact_url, category, content)
        written = _xml_bytes(_entry_xml(entry_id, text, *rest))
        if written is None:
            # Drop the characters XML forbids: from the id and the title first, which that
            # may leave empty (`<title />`), then from the rest, whose escaping keeps them.
            written = _xml_text(_entry_xml(_xml_text(entry_id), _xml_text(text), *rest)).encode()
        return written

    def _category(self, topic_id: str) -> str:
        """A topic's `<category>` element, made once per topic."""
        found = self._categories.get(topic_id)
        if found is None:
            topic = self.briefing.topic_by_id.get(topic_id)
            label = topic.title if topic else topic_id
            found = self._categories[topic_id] = (
                f'<category term="{_escape_attribute(topic_id)}" '
                f'label="{_escape_attribute(label)}" />'
            )
        return found

    def _event_category(self, event: Event) -> str:
        """An event's `<category>` element (its term prefixed `event:`), made once."""
        key = f"event:{event.id}"
        found = self._categories.get(key)
        if found is None:
            found = self._categories[key] = (
                f'<category term="{_escape_attribute(key)}" '
                f'label="{_escape_attribute(event.label)}" />'
            )
        return found

    def _markdown_claim(self, fact_id: str) -> tuple[str, str]:
        """A claim rendered here, when the pages have not rendered it already."""
        if self._markdown is None:
            self._markdown = Markdown()
        text = self.briefing.fact_by_id[fact_id].claim
        return str(self._markdown.inline(text)), self._markdown.plain(text)

    # What comes before the facts -----------------------------------------------------------

    def _json_head(self) -> bytes:
        """`facts.json` up to its `facts` list, which `_join_json` adds."""
        inputs = (
            self.briefing.site,
            self.briefing.actors,
            self.briefing.sources,
            self.briefing.withdrawn,
        )
        return self._remember("json head", inputs, lambda _: self._make_json_head())

    def _make_json_head(self) -> bytes:
        briefing, urls = self.briefing, self.urls
        site = briefing.site
        data = {
            "schema_version": SCHEMA_VERSION,
            "site": {
                "title": site.title,
                "description": site.description,
                "language": site.language,
                "url": self._full(urls.home()),
            },
            "as_of": site.as_of.iso(),
            "topics": [
                {"id": t.id, "title": t.title, "url": self._full(urls.topic(t.id))}
                for t in sorted(site.topics, key=lambda t: t.id)
            ],
            "actors": [
                {
                    "id": a.id,
                    "name": a.name,
                    "kind": a.kind.value,
                    "url": self._full(urls.actor(a.id)),
                }
                for a in briefing.actors
            ],
            "sources": [
                {
                    "id": s.id,
                    "title": s.title,
                    "outlet": s.outlet,
                    "published": _iso(s.published),
                    "kind": s.kind.value,
                    "url": self._full(urls.source(s.id)),
                    "original_url": s.url,
                    "covers": list(s.covers),
                }
                for s in briefing.sources
            ],
            "main_event": site.main_event or None,
            "events": [
                {"id": e.id, "label": e.label, "description": e.description} for e in site.events
            ],
            "issues": [{"id": i.id, "title": i.title} for i in site.issues],
            "allies_matrix": allies_matrix(briefing),
        }
        if briefing.withdrawn:  # facts, actors and sources taken down: their URLs stay
            data["withdrawn"] = [
                {
                    "kind": w.kind,
                    "id": w.id,
                    "date": w.date.iso(),
                    "reason": w.reason,
                    "title": w.title,
                    "url": self._full(urls.path(f"{w.kind}s/{w.id}/")),
                }
                for w in briefing.withdrawn
            ]
        return _json(data, "").removesuffix("\n}").encode()

    def _feed_head(self) -> bytes:
        """`feed.xml` up to its entries, which `_join_feed` adds. Links are full URLs when
        `base_url` has an origin, else site-absolute paths (relative references readers
        resolve against the feed's URL)."""
        site, urls = self.briefing.site, self.urls
        children = [_element("id", self.feed_id), _element("title", site.title)]
        if site.description:
            children.append(_element("subtitle", site.description))
        children += [
            _element("updated", _timestamp(site.as_of)),
            "<author>\n    " + _element("name", site.author or site.title) + "\n  </author>",
            _element(
                "link", None, rel="self", type="application/atom+xml", href=self._full(urls.feed())
            ),
            _element("link", None, rel="alternate", type="text/html", href=self._full(urls.home())),
            _element("generator", "briefing"),
        ]
        start = _start_tag("feed", {"xmlns": ATOM_NS, "xml:lang": site.language})
        return (XML_DECLARATION + start + ">" + "".join("\n  " + c for c in children)).encode()


def allies_matrix(briefing: Briefing) -> list[dict[str, object]]:
    """The allied-positions matrix as data: one cell per ally and issue with a stated
    position, allies and issues in the site's order, each with the facts behind it."""
    order = {issue.id: i for i, issue in enumerate(briefing.site.issues)}
    return [
        {
            "ally": actor.id,
            "issue": pos.issue,
            "stance": pos.stance.value,
            "note": pos.note,
            "facts": list(pos.facts),
        }
        for actor in briefing.actors
        for pos in sorted(actor.positions, key=lambda p: order.get(p.issue, len(order)))
    ]


# JSON ----------------------------------------------------------------------------------------


def _json(value: object, indent: str) -> str:
    """`value` as `json.dumps(value, ensure_ascii=False, indent=2)` writes it, nested at
    `indent` (the indentation of the line it starts on)."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if type(value) is int:
        return int.__repr__(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = indent + "  "
        items = [f"{inner}{encode_basestring(k)}: {_json(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        inner = indent + "  "
        return "[\n" + ",\n".join(inner + _json(v, inner) for v in value) + "\n" + indent + "]"
    return json.dumps(value)  # numbers, booleans and null, exactly as the encoder writes them


def _json_list(items: list[str], indent: str) -> str:
    """A list of values encoded already, laid out as `_json` lays out a list at `indent`."""
    if not items:
        return "[]"
    inner = indent + "  "
    return "[\n" + inner + (",\n" + inner).join(items) + "\n" + indent + "]"


def _corrections_json(fact: Fact) -> str:
    """A fact record's `corrections` member (nothing for a fact never corrected)."""
    if not fact.corrections:
        return ""
    items = [
        _json({"date": c.date.iso(), "what": c.what, "why": c.why}, "        ")
        for c in fact.corrections
    ]
    return f',\n      "corrections": {_json_list(items, "      ")}'


def _corrections_html(fact: Fact) -> str:
    """The corrections under a fact's feed entry: a reader of the feed sees them too."""
    return "".join(
        f"<p>Corrected {c.date.human()}: {_html_escape(c.what)} (why: {_html_escape(c.why)})</p>"
        for c in fact.corrections
    )


def _join_json(head: bytes, *facts: bytes) -> bytes:
    if not facts:
        return head + b',\n  "facts": []\n}\n'
    # One join of every piece: the file is copied once, not once per `+`.
    pieces = [head, b',\n  "facts": [\n']
    for fact in facts:
        pieces += (fact, b",\n")
    pieces[-1] = b"\n  ]\n}\n"
    return b"".join(pieces)


def _iso(date: PartialDate | None) -> str | None:
    return date.iso() if date else None


# CSV -----------------------------------------------------------------------------------------


def _csv_part(shared: list[str], rows: list[list[str]]) -> bytes:
    """Rows of `facts.csv` that start with the cells `shared` and go on with each of `rows`:
    what `csv.writer(..., lineterminator="\\r\\n", quoting=csv.QUOTE_MINIMAL)` writes of
    them once the characters XML forbids are dropped (as the feed drops them) and a cell that
    starts as a formula has a `'` before it."""
    written = _xml_bytes(_csv_rows(shared, rows))
    if written is None:  # rare: clean every cell, then write them again
        written = _csv_rows(_xml_texts(shared), [_xml_texts(row) for row in rows]).encode()
    return written


def _csv_rows(shared: list[str], rows: list[list[str]]) -> str:
    """`_csv_part` with no character to drop. Each cell is quoted on its own (no row is a
    single empty cell, the writer's one exception), so the shared cells are written once."""
    head = _csv_cells(shared)
    return "".join([f"{head},{_csv_cells(row)}\r\n" for row in rows])


_FORMULA_AFTER_COMMA = re.compile(",[-=+@\t]").search


def _csv_cells(cells: list[str]) -> str:
    """`cells` joined as one stretch of a CSV row (see `_csv_rows`). Most rows need neither
    quotes nor a formula guard, which a few scans of the joined line show."""
    line = ",".join(cells)
    if (
        line.count(",") >= len(cells)
        or '"' in line
        or "\n" in line
        or "\r" in line
        or line.startswith(_FORMULA_START)
        or _FORMULA_AFTER_COMMA(line)
    ):
        return ",".join([_csv_cell(cell) for cell in cells])
    return line  # no cell holds a comma, so every ",=" would start a cell


def _csv_cell(cell: str) -> str:
    """One cell as a spreadsheet shows it as text, quoted as `csv.QUOTE_MINIMAL` quotes:
    when it holds the delimiter, the quote (doubled inside) or a line end."""
    if cell.startswith(_FORMULA_START):
        cell = "'" + cell
    if '"' in cell:
        return '"' + cell.replace('"', '""') + '"'
    if "," in cell or "\n" in cell or "\r" in cell:
        return '"' + cell + '"'
    return cell


def _join_csv(*facts: bytes) -> bytes:
    header = ",".join(CSV_HEADER) + "\r\n"
    return b"".join((header.encode(), *facts))


# XML (feed.xml, sitemap.xml) -----------------------------------------------------------------


def _xml_text(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


def _xml_texts(texts: list[str]) -> list[str]:
    return [_XML_ILLEGAL.sub("", text) for text in texts]


_C0_ILLEGAL = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
"""The characters of `_XML_ILLEGAL` that UTF-8 writes as one byte."""


def _xml_bytes(text: str) -> bytes | None:
    """`text` in UTF-8, or None when it holds a character XML forbids (`_XML_ILLEGAL`): one
    fast pass over the bytes instead of a regular expression over the characters."""
    if "\ufffe" in text or "\uffff" in text:
        return None
    try:
        data = text.encode()
    except UnicodeEncodeError:  # a lone surrogate
        return None
    return data if len(data.translate(None, _C0_ILLEGAL)) == len(data) else None


def _escape_text(text: str) -> str:
    """Character data as ElementTree escapes it."""
    if not ("&" in text or "<" in text or ">" in text):  # three searches, no copies
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _html_escape(text: str) -> str:
    """`html.escape(text)`, without its five copies of text that needs none."""
    if not ("&" in text or "<" in text or ">" in text or '"' in text or "'" in text):
        return text
    return html_escape(text)


def _escape_attribute(text: str) -> str:
    """An attribute value as ElementTree escapes it (line ends and tabs kept as references)."""
    return (
        _escape_text(text)
        .replace('"', "&quot;")
        .replace("\r", "&#13;")
        .replace("\n", "&#10;")
        .replace("\t", "&#09;")
    )


def _attribute(value: str) -> str:
    return _escape_attribute(_xml_text(value))


def _start_tag(tag: str, attrs: Mapping[str, str]) -> str:
    return "<" + tag + "".join(f' {name}="{_attribute(value)}"' for name, value in attrs.items())


def _element(tag: str, text: str | None, **attrs: str) -> str:
    """A childless element as ElementTree writes it, `<tag />` when it has no text."""
    start = _start_tag(tag, attrs)
    text = _xml_text(text) if text else ""
    if not text:
        return start + " />"
    return f"{start}>{_escape_text(text)}</{tag}>"


def _text_element(tag: str, text: str) -> str:
    """`_element` of text with no character XML forbids, and no attributes."""
    return f"<{tag}>{_escape_text(text)}</{tag}>" if text else f"<{tag} />"


def _entry_xml(
    entry_id: str, title: str, when: str, fact_url: str, category: str, content: str
) -> str:
    """A feed `<entry>` as ElementTree writes it, of texts with no character XML forbids."""
    return (
        f"\n  <entry>\n    {_text_element('id', entry_id)}\n    {_text_element('title', title)}"
        f"\n    <updated>{when}</updated>"
        f'\n    <link rel="alternate" type="text/html" href="{_escape_attribute(fact_url)}" />'
        f"\n    {category}"
        f'\n    <content type="html">{_escape_text(content)}</content>'
        "\n  </entry>"
    )


def _timestamp(date: PartialDate) -> str:
    """RFC 3339 midnight UTC; a month-only date stands for the first of the month."""
    return f"{date.year:04d}-{date.month:02d}-{date.day or 1:02d}T00:00:00Z"


def _newest_first(dates: tuple[tuple[int, int, int] | None, ...]) -> list[int]:
    """Where the dated facts are among `dates` (in id order), newest first, ties in id
    order (a stable sort)."""
    dated = {i: when for i, when in enumerate(dates) if when}
    return sorted(dated, key=dated.__getitem__, reverse=True)


def _feed_id(urls: Urls, title: str) -> str:
    """The home page URL when the site has an origin, else a stable UUID URN (an Atom id
    must be an absolute IRI, which a bare path is not)."""
    if urls.origin:
        return urls.absolute("")
    return _url_uuid_urn(f"briefing:{title}:{urls.base_path}")


_URL_NAMESPACE = uuid.NAMESPACE_URL.bytes


def _url_uuid_urn(name: str) -> str:
    """`uuid.uuid5(uuid.NAMESPACE_URL, name).urn`, made without a `UUID` object (one per
    dated fact of the feed)."""
    raw = bytearray(hashlib.sha1(_URL_NAMESPACE + name.encode()).digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x50  # version 5
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = raw.hex()
    return f"urn:uuid:{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _join_feed(head: bytes, *entries: bytes) -> bytes:
    """Dated facts, newest first."""
    return b"".join((head, *entries, b"\n</feed>\n"))


def _sitemap(origin: str, *paths: str) -> bytes:
    """Every HTML page, sorted. The sitemap protocol wants full URLs: with a bare-path
    `base_url` the `loc`s are site-absolute paths (set an origin to make it valid)."""
    start = _start_tag("urlset", {"xmlns": SITEMAP_NS})
    if not paths:
        return (XML_DECLARATION + start + " />\n").encode()
    urls = "".join(f"\n  <url>\n    {_element('loc', origin + p)}\n  </url>" for p in paths)
    return (XML_DECLARATION + start + ">" + urls + "\n</urlset>\n").encode()


def _robots(sitemap: str) -> bytes:
    """Allow every crawler; name the sitemap. Crawlers read `robots.txt` only at the root of
    a host, so a site under a sub-path needs the host's own file to say this."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n".encode()
