"""The machine-readable outputs: `facts.json`, `facts.csv`, `feed.xml`, `sitemap.xml`, `robots.txt`.

Goes in: a `Briefing`, its `Urls` and the list of HTML page URLs. Comes out: output-relative
path -> bytes, byte-identical for identical input (no wall clock, sorted iteration).
Formats are documented in `docs/facts-json.md`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from html import escape as html_escape

from builder.markdown import Markdown
from builder.model import Briefing, Fact, PartialDate
from builder.urls import Urls, text_fragment_url

SCHEMA_VERSION = 1
ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

CSV_HEADER = (
    "fact_id", "claim", "topic", "date", "status", "actors", "disputes", "fact_url",
    "citation", "source_id", "source_title", "quote", "passage", "line", "citation_url",
)
"""One row per citation; the fact's columns repeat on each of its citations' rows."""

# Characters XML 1.0 forbids (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Spreadsheets run a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def machine_outputs(
    briefing: Briefing,
    urls: Urls,
    page_urls: Iterable[str] = (),
    claim: Callable[[str], tuple[str, str]] | None = None,
) -> dict[str, bytes]:
    """Every machine-readable file of the site. `page_urls` are the site's HTML page URLs
    (site-absolute paths as `Urls` builds them) for the sitemap; `claim(fact_id)` gives a
    claim as (html, plain text) when the pages have rendered it already."""
    claims = _claim_parts(briefing, claim)
    return {
        "facts.json": facts_json(briefing, urls, claims),
        "facts.csv": facts_csv(briefing, urls, claims),
        "feed.xml": atom_feed(briefing, urls, claims),
        "sitemap.xml": sitemap_xml(page_urls, urls),
        "robots.txt": robots_txt(urls),
    }


# Claims ------------------------------------------------------------------------------------


def _claim_parts(
    briefing: Briefing, claim: Callable[[str], tuple[str, str]] | None
) -> dict[str, tuple[str, str]]:
    """Each claim as (html, plain text), from `claim` or the site's one markdown renderer."""
    if claim is None:
        markdown = Markdown()
        return {f.id: (str(markdown.inline(f.claim)), markdown.plain(f.claim))
                for f in briefing.facts}
    return {f.id: claim(f.id) for f in briefing.facts}


# facts.json --------------------------------------------------------------------------------


def _full(urls: Urls, path: str) -> str:
    """A site-absolute path with the origin when `base_url` has one."""
    return urls.origin + path


def _iso(date: PartialDate | None) -> str | None:
    return date.iso() if date else None


def _sorted_facts(briefing: Briefing) -> list[Fact]:
    return sorted(briefing.facts, key=lambda f: f.id)


def _fact_record(
    briefing: Briefing, urls: Urls, fact: Fact, claim: tuple[str, str]
) -> dict[str, object]:
    citations = []
    for cit in fact.citations:
        source = briefing.source_by_id[cit.source]
        citations.append({
            "number": cit.number,
            "source": source.id,
            "source_title": source.title,
            "quote": cit.quote,
            "passage": cit.passage,
            "line": cit.line,
            "url": _full(urls, urls.citation(source.id, cit.anchor)),
            "original_url": text_fragment_url(source.url, cit.passage) if source.url else None,
        })
    return {
        "id": fact.id,
        "url": _full(urls, urls.fact(fact.id)),
        "claim": {"markdown": fact.claim, "text": claim[1]},
        "topic": fact.topic,
        "date": _iso(fact.date),
        "actors": list(fact.actors),
        "status": fact.status.value,
        "disputes": [
            {"fact": d.fact, "note": d.note, "url": _full(urls, urls.fact(d.fact))}
            for d in briefing.disputes_of.get(fact.id, ())
        ],
        "independent_sources": len(briefing.strands_of.get(fact.id, ())),
        "citations": citations,
    }


def facts_json(
    briefing: Briefing, urls: Urls, claims: dict[str, tuple[str, str]]
) -> bytes:
    site = briefing.site
    data = {
        "schema_version": SCHEMA_VERSION,
        "site": {
            "title": site.title,
            "description": site.description,
            "language": site.language,
            "url": _full(urls, urls.home()),
        },
        "as_of": site.as_of.iso(),
        "topics": [
            {"id": t.id, "title": t.title, "url": _full(urls, urls.topic(t.id))}
            for t in sorted(site.topics, key=lambda t: t.id)
        ],
        "actors": [
            {"id": a.id, "name": a.name, "kind": a.kind.value, "url": _full(urls, urls.actor(a.id))}
            for a in briefing.actors
        ],
        "sources": [
            {
                "id": s.id,
                "title": s.title,
                "outlet": s.outlet,
                "published": _iso(s.published),
                "kind": s.kind.value,
                "url": _full(urls, urls.source(s.id)),
                "original_url": s.url,
            }
            for s in briefing.sources
        ],
        "facts": [
            _fact_record(briefing, urls, fact, claims[fact.id])
            for fact in _sorted_facts(briefing)
        ],
    }
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
    return (text + "\n").encode("utf-8")


# facts.csv ---------------------------------------------------------------------------------


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = _XML_ILLEGAL.sub("", str(value))
    return "'" + text if text.startswith(_FORMULA_START) else text


def facts_csv(
    briefing: Briefing, urls: Urls, claims: dict[str, tuple[str, str]]
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_HEADER)
    for fact in _sorted_facts(briefing):
        shared = [
            fact.id,
            claims[fact.id][1],
            fact.topic,
            _iso(fact.date) or "",
            fact.status.value,
            ";".join(fact.actors),
            ";".join(d.fact for d in briefing.disputes_of.get(fact.id, ())),
            _full(urls, urls.fact(fact.id)),
        ]
        for cit in fact.citations:
            source = briefing.source_by_id[cit.source]
            row = [
                *shared,
                cit.number,
                source.id,
                source.title,
                cit.quote,
                cit.passage,
                cit.line,
                _full(urls, urls.citation(source.id, cit.anchor)),
            ]
            writer.writerow([_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")


# feed.xml (Atom 1.0) -----------------------------------------------------------------------


def _xml_text(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _xml_text(text)
    return element


def _timestamp(date: PartialDate) -> str:
    """RFC 3339 midnight UTC; a month-only date stands for the first of the month."""
    return f"{date.year:04d}-{date.month:02d}-{date.day or 1:02d}T00:00:00Z"


def _feed_id(urls: Urls, title: str) -> str:
    """The home page URL when the site has an origin, else a stable UUID URN (an Atom id
    must be an absolute IRI, which a bare path is not)."""
    if urls.origin:
        return urls.absolute("")
    return uuid.uuid5(uuid.NAMESPACE_URL, f"briefing:{title}:{urls.base_path}").urn


def _entry_id(urls: Urls, feed_id: str, fact_id: str) -> str:
    if urls.origin:
        return _full(urls, urls.fact(fact_id))
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{feed_id}:facts/{fact_id}").urn


def _entry_html(briefing: Briefing, urls: Urls, fact: Fact, claim_html: str) -> str:
    items = []
    for cit in fact.citations:
        source = briefing.source_by_id[cit.source]
        href = html_escape(_full(urls, urls.citation(source.id, cit.anchor)))
        items.append(
            f'<li><a href="{href}">{html_escape(source.title)}</a>: '
            f"“{html_escape(cit.passage)}”</li>"
        )
    return f"<p>{claim_html.strip()}</p><ol>{''.join(items)}</ol>"


def atom_feed(
    briefing: Briefing, urls: Urls, claims: dict[str, tuple[str, str]]
) -> bytes:
    """Dated facts, newest first. Links are full URLs when `base_url` has an origin, else
    site-absolute paths (relative references readers resolve against the feed's URL)."""
    site = briefing.site
    feed_id = _feed_id(urls, site.title)
    feed = ET.Element("feed", {"xmlns": ATOM_NS, XML_LANG: _xml_text(site.language)})
    _sub(feed, "id", feed_id)
    _sub(feed, "title", site.title)
    if site.description:
        _sub(feed, "subtitle", site.description)
    _sub(feed, "updated", _timestamp(site.as_of))
    author = _sub(feed, "author")
    _sub(author, "name", site.author or site.title)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=_full(urls, urls.feed()))
    _sub(feed, "link", rel="alternate", type="text/html", href=_full(urls, urls.home()))
    _sub(feed, "generator", "briefing")

    dated = [(f.date, f) for f in _sorted_facts(briefing) if f.date]
    dated.sort(key=lambda pair: pair[0], reverse=True)  # stable: ties stay in id order
    for date, fact in dated:
        html, text = claims[fact.id]
        entry = _sub(feed, "entry")
        _sub(entry, "id", _entry_id(urls, feed_id, fact.id))
        _sub(entry, "title", text)
        _sub(entry, "updated", _timestamp(date))
        _sub(entry, "link", rel="alternate", type="text/html", href=_full(urls, urls.fact(fact.id)))
        topic = briefing.topic_by_id.get(fact.topic)
        _sub(entry, "category", term=fact.topic, label=topic.title if topic else fact.topic)
        _sub(entry, "content", _entry_html(briefing, urls, fact, html), type="html")
    return _xml_bytes(feed)


def _xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")


# sitemap.xml, robots.txt -------------------------------------------------------------------


def sitemap_xml(page_urls: Iterable[str], urls: Urls) -> bytes:
    """Every HTML page, sorted. The sitemap protocol wants full URLs: with a bare-path
    `base_url` the `loc`s are site-absolute paths (set an origin to make it valid)."""
    urlset = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    for path in sorted(set(page_urls)):
        url = _sub(urlset, "url")
        _sub(url, "loc", _full(urls, path))
    return _xml_bytes(urlset)


def robots_txt(urls: Urls) -> bytes:
    """Allow every crawler; name the sitemap. Crawlers read `robots.txt` only at the root of
    a host, so a site under a sub-path needs the host's own file to say this."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {_full(urls, urls.sitemap())}\n".encode()
