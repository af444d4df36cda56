"""The machine-readable outputs: `facts.json`, `facts.csv`, `feed.xml`, `sitemap.xml`, `robots.txt`.

Goes in: a `Briefing`, its `Urls` and the list of HTML page URLs. Comes out: output-relative
path -> bytes, byte-identical for identical input (no wall clock, sorted iteration).
Formats are documented in `docs/facts-json.md`.

JSON is written by `json`, the CSV by `csv` (`datapackage.csv_rows`), the feed and the
sitemap by the Jinja templates in `builder/formats/`, which escape every value as XML. Each file is
written in one pass over the facts, each fact's share made as it is written; the preview
keeps the shares (`memo`), so it remakes only those of the facts an edit touched
(`Feeds.keep`).
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from html import escape as html_escape
from typing import Any

from builder.briefing import Briefing
from builder.datapackage import FILES as DATASET_FILES
from builder.datapackage import Dataset, csv_rows
from builder.markdown import Markdown
from builder.model import Fact, PartialDate
from builder.selectors import source_sha256
from builder.urls import Urls, text_fragment_url
from builder.xmlformats import Escaped, render, xml_text

SCHEMA_VERSION = 1
FILES = ("facts.json", "facts.csv", "feed.xml", "sitemap.xml", "robots.txt", *DATASET_FILES)
"""What `Feeds.files` makes."""

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

Claim = Callable[[str], tuple[str, str]]
"""A fact id -> its claim as (html, plain text)."""


class Feeds:
    """One build's machine outputs, each file made in one pass over the facts.

    Make one per build (what it keeps assumes the briefing does not change). With `memo`
    (the preview's), each fact's share of `facts.json`, `facts.csv` and `feed.xml` is kept,
    `keep` hands over the previous build's shares of the facts an edit did not touch, and
    `keys` says what each file was made from. Without it (a build's), no fact's share
    outlives the file it went into: the largest file is the most held at once.
    """

    def __init__(
        self, briefing: Briefing, urls: Urls, claim: Claim | None = None, *, memo: bool = True
    ) -> None:
        self.briefing = briefing
        self.urls = urls
        self.memo = memo
        self._claim = claim if claim is not None else self._markdown_claim
        self._markdown: Markdown | None = None
        self.feed_id = _feed_id(urls, briefing.site.title)
        self._tables: dict[str, tuple[bytes, bytes]] = {}
        """Each fact's line of `facts.json` and rows of `facts.csv` (with `memo`)."""
        self._entries: dict[str, bytes] = {}
        """Each dated fact's `<entry>` of `feed.xml`, encoded (with `memo`)."""
        self.keys: dict[str, tuple[object, ...]] = {}
        """What each file was last made from, with `memo`: equal keys, equal bytes."""
        self._json_head: tuple[tuple[object, ...], bytes] | None = None
        """`facts.json` before its facts, and what it was made from (kept by `keep`)."""
        self.dataset = Dataset(briefing, urls, memo=memo)

    def keep(self, previous: Feeds, fact_ids: Iterable[str]) -> None:
        """Reuse `previous`'s shares of `fact_ids`: the facts nothing shown in them changed
        (not their claim, sources, disputes), with the same site and URLs."""
        self._json_head = previous._json_head
        self.dataset.keep(previous.dataset)
        for fid in fact_ids:
            if fid in previous._tables:
                self._tables[fid] = previous._tables[fid]
            if fid in previous._entries:
                self._entries[fid] = previous._entries[fid]

    def files(
        self,
        page_urls: Iterable[str] = (),
        unchanged: Mapping[str, tuple[object, ...]] | None = None,
    ) -> dict[str, bytes]:
        """Every machine-readable file; with `unchanged` (an earlier `keys`, with `memo`),
        only those whose shares differ from the ones it names."""
        return dict(self.made(page_urls, unchanged))

    def made(
        self,
        page_urls: Iterable[str] = (),
        unchanged: Mapping[str, tuple[object, ...]] | None = None,
    ) -> Iterator[tuple[str, bytes]]:
        """`files` one at a time, each made when asked for: a build writes each and lets
        it go before the next is made."""
        assert unchanged is None or self.memo, "only kept shares say what did not change"
        facts = self.briefing.fact_by_id
        ids = sorted(facts)
        # Newest first; ties in id order (a stable sort keeps them so, reversed or not).
        dated = sorted((fid for fid in ids if facts[fid].date), key=self._when, reverse=True)
        head, feed_head = self._head(), self._feed_head()
        origin, locs = self.urls.origin, sorted(set(page_urls))
        sitemap = origin + self.urls.sitemap()
        keys: dict[str, tuple[object, ...]] = {
            "sitemap.xml": (origin, *locs),
            "robots.txt": (sitemap,),
        }
        if self.memo:
            tables = [self._table(fid) for fid in ids]
            keys["facts.json"] = (head, *(line for line, _ in tables))
            keys["facts.csv"] = tuple(rows for _, rows in tables)
            keys["feed.xml"] = (feed_head, *(self._entry(fid) for fid in dated))
            del tables
            self.keys = keys

        def wanted(name: str) -> bool:
            return unchanged is None or unchanged.get(name) != keys.get(name)

        if wanted("facts.json") or wanted("facts.csv"):
            json_file, csv_file = self._facts_files(head, ids)
            if wanted("facts.json"):
                yield "facts.json", json_file
            del json_file
            if wanted("facts.csv"):
                yield "facts.csv", csv_file
            del csv_file
        if wanted("feed.xml"):
            yield "feed.xml", _feed(feed_head, map(self._entry, dated))
        if wanted("sitemap.xml"):
            yield "sitemap.xml", _sitemap(origin, *locs)
        if wanted("robots.txt"):
            yield "robots.txt", _robots(sitemap)
        for name, data in self.dataset.files(CSV_HEADER).items():
            if self.memo:
                self.keys[name] = (data,)
            if unchanged is None or unchanged.get(name) != (data,):
                yield name, data

    def _full(self, path: str) -> str:
        """A site-absolute path with the origin when `base_url` has one."""
        return self.urls.origin + path

    def _when(self, fact_id: str) -> tuple[int, int, int]:
        """A dated fact's date as (year, month, day), which sorts as dates do."""
        date = self.briefing.fact_by_id[fact_id].date
        assert date is not None
        return (date.year, date.month, date.day)

    def _head(self) -> bytes:
        """`facts.json` before its facts, made again only when what it shows changed."""
        b = self.briefing
        made_from = (b.site, b.actors, b.sources, b.withdrawn)
        if self._json_head is None or self._json_head[0] != made_from:
            self._json_head = (made_from, self._make_json_head())
        return self._json_head[1]

    def _facts_files(self, head: bytes, ids: list[str]) -> tuple[bytes, bytes]:
        """`facts.json` and `facts.csv`, written side by side in one pass over the facts
        (a fact's line and rows come from the same record)."""
        json_file, csv_file = io.BytesIO(), io.BytesIO()
        json_file.write(head + b',\n  "facts": [')
        csv_file.write(csv_rows([CSV_HEADER]))
        between = b"\n"
        for fid in ids:
            line, rows = self._table(fid)
            json_file.write(between)
            json_file.write(line)
            csv_file.write(rows)
            between = b",\n"
        json_file.write(b"\n  ]\n}\n" if ids else b"]\n}\n")
        return json_file.getvalue(), csv_file.getvalue()

    # One fact's share ----------------------------------------------------------------------

    def _table(self, fact_id: str) -> tuple[bytes, bytes]:
        """The fact's line of `facts.json` and its rows of `facts.csv`."""
        made = self._tables.get(fact_id)
        if made is None:
            fact = self.briefing.fact_by_id[fact_id]
            record = self._record(
                fact, self._claim(fact_id)[1], self._full(self.urls.fact(fact_id))
            )
            made = (_record_line(record), _rows(record))
            if self.memo:
                self._tables[fact_id] = made
        return made

    def _entry(self, fact_id: str) -> bytes:
        """A dated fact's `<entry>` of the feed, encoded."""
        made = self._entries.get(fact_id)
        if made is None:
            fact = self.briefing.fact_by_id[fact_id]
            html, text = self._claim(fact_id)
            made = self._make_entry(fact, html, text, self._full(self.urls.fact(fact_id))).encode()
            if self.memo:
                self._entries[fact_id] = made
        return made

    def _record(self, fact: Fact, text: str, fact_url: str) -> dict[str, Any]:
        """The fact's object in `facts.json`'s `facts` list."""
        briefing, urls = self.briefing, self.urls
        citations = []
        for cit, found in zip(fact.citations, self.dataset.selectors(fact), strict=True):
            source = briefing.source_by_id[cit.source]
            citations.append(
                {
                    "number": cit.number,
                    "source": source.id,
                    "source_title": source.title,
                    "quote": cit.quote,
                    "passage": cit.passage,
                    "line": cit.line,
                    "url": self._full(urls.citation(cit.source, cit.anchor)),
                    "original_url": (
                        text_fragment_url(source.url, cit.passage) if source.url else None
                    ),
                    # The passage as a W3C Web Annotation `SpecificResource`.
                    "target": {
                        "source": source.file,
                        "sha256": source_sha256(source),
                        "selector": found.as_json(),
                    },
                }
            )
        record: dict[str, Any] = {
            "id": fact.id,
            "url": fact_url,
            "claim": {"markdown": fact.claim, "text": text},
            "topic": fact.topic,
            "event": fact.event or None,
            "date": _iso(fact.date),
            "actors": list(fact.actors),
            "status": fact.status.value,
            "disputes": [
                {
                    "fact": d.fact,
                    "kind": d.kind.value,
                    "note": d.note,
                    "url": self._full(urls.fact(d.fact)),
                }
                for d in briefing.disputes_of.get(fact.id, ())
            ],
            "independent_sources": len(briefing.strands_of.get(fact.id, ())),
            "citations": citations,
        }
        if fact.corrections:
            record["corrections"] = [
                {"date": c.date.iso(), "what": c.what, "why": c.why} for c in fact.corrections
            ]
        return record

    def _make_entry(self, fact: Fact, claim_html: str, text: str, fact_url: str) -> Escaped:
        """The fact's `<entry>` of the feed."""
        assert fact.date is not None
        briefing = self.briefing
        topic = briefing.topic_by_id.get(fact.topic)
        categories = [(fact.topic, topic.title if topic else fact.topic)]
        event = briefing.site.side_event(fact.event)
        if event is not None:
            # A reader of the feed sees the event in the title, not only in a category.
            text = f"[{event.label}] {text}"
            categories.append((f"event:{event.id}", event.label))
        cited = [
            f'<li><a href="{html_escape(self._full(self.urls.citation(c.source, c.anchor)))}">'
            f"{html_escape(briefing.source_by_id[c.source].title)}</a>: "
            f"“{html_escape(c.passage)}”</li>"
            for c in fact.citations
        ]
        # A reader of the feed sees the corrections too.
        corrected = [
            f"<p>Corrected {c.date.human()}: {html_escape(c.what)} (why: {html_escape(c.why)})</p>"
            for c in fact.corrections
        ]
        updated = fact.corrections[-1].date if fact.corrections else fact.date
        return render(
            "entry.xml",
            # Emptied by what XML forbids, they are written as empty elements.
            id=xml_text(fact_url if self.urls.origin else _urn(f"{self.feed_id}:facts/{fact.id}")),
            title=xml_text(text),
            updated=_timestamp(updated),
            url=fact_url,
            categories=categories,
            content=f"<p>{claim_html.strip()}</p><ol>{''.join(cited)}</ol>{''.join(corrected)}",
        )

    def _markdown_claim(self, fact_id: str) -> tuple[str, str]:
        """A claim rendered here, when the pages have not rendered it already."""
        if self._markdown is None:
            self._markdown = Markdown()
        text = self.briefing.fact_by_id[fact_id].claim
        return str(self._markdown.inline(text)), self._markdown.plain(text)

    # The files ----------------------------------------------------------------------------

    def _make_json_head(self) -> bytes:
        """`facts.json` up to its `facts` list, which `_facts_files` adds."""
        briefing, urls, full = self.briefing, self.urls, self._full
        site = briefing.site
        data: dict[str, object] = {
            "schema_version": SCHEMA_VERSION,
            "site": {
                "title": site.title,
                "description": site.description,
                "language": site.language,
                "url": full(urls.home()),
            },
            "as_of": site.as_of.iso(),
            "topics": [
                {"id": t.id, "title": t.title, "url": full(urls.topic(t.id))}
                for t in sorted(site.topics, key=lambda t: t.id)
            ],
            "actors": [
                {"id": a.id, "name": a.name, "kind": a.kind.value, "url": full(urls.actor(a.id))}
                for a in briefing.actors
            ],
            "sources": [
                {
                    "id": s.id,
                    "title": s.title,
                    "outlet": s.outlet,
                    "published": _iso(s.published),
                    "kind": s.kind.value,
                    "url": full(urls.source(s.id)),
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
                    "url": full(urls.path(f"{w.kind}s/{w.id}/")),
                }
                for w in briefing.withdrawn
            ]
        return json.dumps(data, ensure_ascii=False, indent=2).removesuffix("\n}").encode()

    def _feed_head(self) -> tuple[tuple[str, str], ...]:
        """What `feed.xml` shows before its entries. Links are full URLs when `base_url`
        has an origin, else site-absolute paths (relative references readers resolve
        against the feed's URL)."""
        site, urls = self.briefing.site, self.urls
        head = {
            "language": site.language,
            "id": self.feed_id,
            "title": site.title,
            "subtitle": site.description,
            "updated": _timestamp(site.as_of),
            "author": site.author or site.title,
            "self_url": self._full(urls.feed()),
            "home_url": self._full(urls.home()),
        }
        return tuple((name, xml_text(value)) for name, value in head.items())


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


def _rows(record: dict[str, Any]) -> bytes:
    """A fact's rows of `facts.csv`, one per citation, from its `facts.json` record."""
    fact = [
        record["id"],
        record["claim"]["text"],
        record["topic"],
        record["event"] or "",
        record["date"] or "",
        record["status"],
        ";".join(record["actors"]),
        ";".join(d["fact"] for d in record["disputes"]),
        record["url"],
    ]
    keys = ("number", "source", "source_title", "quote", "passage", "line", "url")
    return csv_rows([[*fact, *(c[k] for k in keys)] for c in record["citations"]])


def _record_line(record: dict[str, Any]) -> bytes:
    """A fact's line of `facts.json`'s `facts` list: compact, as the standard library's C
    encoder writes it (with an indent `json.dumps` runs its pure-Python encoder; see
    `benchmarks/stdlib.md`), so a diff of two builds shows one line per changed fact."""
    return b"    " + json.dumps(record, ensure_ascii=False).encode()


def _feed(head: tuple[tuple[str, str], ...], entries: Iterable[bytes]) -> bytes:
    """Dated facts, newest first (ties in id order). The template is rendered around one
    stand-in entry, where the encoded entries are written: the feed is never held as text,
    which takes more memory than its bytes (`benchmarks/README.md`)."""
    around = render("feed.xml", **dict(head), entries=[_ENTRIES]).encode()
    before, after = around.split(_ENTRIES.encode())
    out = io.BytesIO()
    out.write(before)
    for entry in entries:
        out.write(entry)
    out.write(after)
    return out.getvalue()


def _sitemap(origin: str, *paths: str) -> bytes:
    """Every HTML page, sorted. The sitemap protocol wants full URLs: with a bare-path
    `base_url` the `loc`s are site-absolute paths (set an origin to make it valid)."""
    return render("sitemap.xml", locs=[origin + p for p in paths]).encode()


def _robots(sitemap: str) -> bytes:
    """Allow every crawler; name the sitemap. Crawlers read `robots.txt` only at the root of
    a host, so a site under a sub-path needs the host's own file to say this."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n".encode()


def _iso(date: PartialDate | None) -> str | None:
    return date.iso() if date else None


def _timestamp(date: PartialDate) -> str:
    """RFC 3339 midnight UTC; a month-only date stands for the first of the month."""
    return f"{date.year:04d}-{date.month:02d}-{date.day or 1:02d}T00:00:00Z"


def _feed_id(urls: Urls, title: str) -> str:
    """The home page URL when the site has an origin, else a stable UUID URN (an Atom id
    must be an absolute IRI, which a bare path is not)."""
    if urls.origin:
        return urls.absolute("")
    return _urn(f"briefing:{title}:{urls.base_path}")


def _urn(name: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, name).urn


_ENTRIES = Escaped("<!--entries-->")
"""Where `_feed` puts the entries: no escaped value can write `<!--`."""
