"""facts.json, facts.csv, feed.xml, sitemap.xml and robots.txt, read back as a consumer would."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.briefing import Briefing
from builder.feeds import CSV_HEADER, Feeds
from builder.markdown import Markdown
from builder.model import (
    Actor,
    ActorKind,
    Citation,
    Dispute,
    DisputeKind,
    Fact,
    PartialDate,
    Site,
    Source,
    SourceKind,
    Status,
    Topic,
)
from builder.urls import Urls
from tests.conftest import BuiltSite

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SCHEMA = json.loads((Path(__file__).parent.parent / "docs" / "facts.schema.json").read_text())

Outputs = tuple[Urls, dict[str, bytes]]

HOSTILE = "</script><b>x</b> ]]> \x00\x07\x1b \u202eevil\u202c \ufeff & \"q\" 'a'"

SOURCE_TEXT = (
    "Paris, 6 January. The leaders signed a declaration of intent.\n"
    "Macron said 26 countries had formally committed to deploying troops.\n"
    '=HYPERLINK("http://bad.example") appeared in a comment.\n'
    "A hostile line: " + HOSTILE + "\n"
)


def cite(fact_id: str, source: Source, quote: str, number: int = 1) -> Citation:
    start = source.text.index(quote)
    return Citation(
        source=source.id,
        quote=quote,
        number=number,
        start=start,
        end=start + len(quote),
        line=source.text.count("\n", 0, start) + 1,
        anchor=f"cite-{fact_id}-{number}",
        passage=source.text[start : start + len(quote)],
    )


def make_briefing(
    base_url: str = "/", author: str = "", hostile: str = HOSTILE, topic: str = "Russia"
) -> Briefing:
    site = Site(
        title="Paris & MNF-U <briefing>",
        description="Cited facts.",
        language="en",
        base_url=base_url,
        as_of=PartialDate(2026, 1, 8),
        nav=(),
        topics=(Topic("paris-declaration", "The Paris declaration"), Topic("russia", topic)),
        issues=(),
        author=author,
    )
    seed = Source(
        id="seed-a",
        title='Seed A: "quotes" & <tags>',
        outlet="unknown",
        published=None,
        kind=SourceKind.NEWS,
        file="seeds/a.txt",
        text=SOURCE_TEXT,
    )
    other = Source(
        id="seed-b",
        title="Seed B",
        outlet="BBC",
        published=PartialDate(2026, 1, 7),
        kind=SourceKind.ANALYSIS,
        file="seeds/b.txt",
        text=SOURCE_TEXT,
        url="https://news.example/story",
        strand="BBC",
    )
    actors = (
        Actor("macron", "Emmanuel Macron", ActorKind.PERSON, country="france"),
        Actor("france", "France", ActorKind.COUNTRY),
    )
    facts = (
        Fact(
            id="signed-declaration",
            claim="The leaders *signed* a [declaration](https://x.example/).",
            topic="paris-declaration",
            date=PartialDate(2026, 1, 6),
            actors=("france",),
            citations=(
                cite("signed-declaration", seed, "The leaders signed a declaration of intent."),
                cite("signed-declaration", other, "signed a declaration", 2),
            ),
        ),
        Fact(
            id="macron-26",
            claim="Macron said 26 countries committed troops.",
            topic="paris-declaration",
            date=PartialDate(2026, 1),
            actors=("macron", "france"),
            citations=(cite("macron-26", other, "Macron said 26 countries"),),
            status=Status.DISPUTED,
            disputes=(Dispute("signed-declaration", DisputeKind.CONTRADICTS, "Counts differ."),),
        ),
        Fact(
            id="formula",
            claim='=HYPERLINK("http://bad.example") -1 +1 @x',
            topic="russia",
            date=PartialDate(2026, 1, 6),
            actors=(),
            citations=(cite("formula", seed, '=HYPERLINK("http://bad.example")'),),
        ),
        Fact(
            id="hostile",
            claim=hostile,
            topic="russia",
            date=PartialDate(2025, 12, 31),
            actors=(),
            citations=(cite("hostile", seed, HOSTILE),),
        ),
        Fact(
            id="undated",
            claim="No source dates this.",
            topic="russia",
            date=None,
            actors=(),
            citations=(cite("undated", seed, "appeared in a comment"),),
        ),
    )
    return Briefing.assemble(site, (seed, other), actors, facts, ())


PAGES = [
    "/",
    "/facts/hostile/",
    "/facts/formula/",
    "/facts/macron-26/",
    "/facts/signed-declaration/",
    "/facts/undated/",
    "/sources/seed-a/",
]


@pytest.fixture(params=["/", "https://example.org/briefing/"])
def outputs(request: pytest.FixtureRequest) -> Outputs:
    urls = Urls(request.param)
    pages = [urls.path(p.lstrip("/")) for p in PAGES]
    return urls, Feeds(make_briefing(request.param), urls).files(pages)


def test_every_machine_output_is_made() -> None:
    out = Feeds(make_briefing(), Urls("/")).files(PAGES)
    assert sorted(out) == [
        "actors.csv",
        "citations.csv",
        "datapackage.json",
        "events.csv",
        "facts.csv",
        "facts.json",
        "feed.xml",
        "positions.csv",
        "robots.txt",
        "sitemap.xml",
        "sources.csv",
    ]


def test_facts_json_validates_against_the_published_schema(outputs: Outputs) -> None:
    _, out = outputs
    data = json.loads(out["facts.json"])
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)


def test_facts_json_round_trips_the_model() -> None:
    briefing = make_briefing("https://example.org/briefing/")
    urls = Urls(briefing.site.base_url)
    data = json.loads(Feeds(briefing, urls).files()["facts.json"])
    assert data["as_of"] == "2026-01-08"
    assert data["site"]["url"] == "https://example.org/briefing/"
    by_id = {f["id"]: f for f in data["facts"]}
    assert sorted(by_id) == sorted(f.id for f in briefing.facts)
    for fact in briefing.facts:
        record = by_id[fact.id]
        assert record["claim"]["markdown"] == fact.claim
        assert record["topic"] == fact.topic
        assert record["date"] == (fact.date.iso() if fact.date else None)
        assert record["actors"] == list(fact.actors)
        assert record["status"] == fact.status.value
        assert record["url"] == f"https://example.org/briefing/facts/{fact.id}/"
        cited = [(c["source"], c["quote"], c["passage"], c["line"]) for c in record["citations"]]
        assert cited == [(c.source, c.quote, c.passage, c.line) for c in fact.citations]
    signed = by_id["signed-declaration"]
    assert signed["claim"]["text"] == "The leaders signed a declaration."
    assert signed["citations"][0]["url"] == (
        "https://example.org/briefing/sources/seed-a/#cite-signed-declaration-1"
    )
    assert signed["citations"][0]["source_title"] == 'Seed A: "quotes" & <tags>'
    assert signed["citations"][0]["original_url"] is None
    assert signed["citations"][1]["original_url"].startswith("https://news.example/story#:~:text=")
    assert signed["independent_sources"] == 2
    # A dispute declared on one side shows on both.
    assert [d["fact"] for d in signed["disputes"]] == ["macron-26"]
    assert [d["fact"] for d in by_id["macron-26"]["disputes"]] == ["signed-declaration"]
    assert by_id["hostile"]["claim"]["markdown"] == HOSTILE


def test_a_quote_that_differs_from_its_passage_keeps_both() -> None:
    briefing = make_briefing()
    fact = briefing.fact_by_id["signed-declaration"]
    first = replace(fact.citations[0], quote="The leaders  signed a “declaration” of intent.")
    edited = replace(fact, citations=(first, *fact.citations[1:]))
    facts = tuple(edited if f.id == fact.id else f for f in briefing.facts)
    changed = Briefing.assemble(briefing.site, briefing.sources, briefing.actors, facts, ())
    data = json.loads(Feeds(changed, Urls("/")).files()["facts.json"])
    cited = next(f for f in data["facts"] if f["id"] == fact.id)["citations"]
    assert cited[0]["quote"] == first.quote
    assert cited[0]["passage"] == "The leaders signed a declaration of intent."
    assert cited[1]["quote"] == cited[1]["passage"] == "signed a declaration"


def read_csv(out: dict[str, bytes]) -> list[list[str]]:
    return list(csv.reader(io.StringIO(out["facts.csv"].decode("utf-8"), newline="")))


def test_csv_has_the_documented_header_and_one_row_per_citation(outputs: Outputs) -> None:
    urls, out = outputs
    rows = read_csv(out)
    assert tuple(rows[0]) == CSV_HEADER
    assert rows[0][:3] == ["fact_id", "claim", "topic"]
    body = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert len(body) == 6  # 1 + 1 + 1 + 2 + 1 citations
    assert [(r["fact_id"], r["citation"]) for r in body] == [
        ("formula", "1"),
        ("hostile", "1"),
        ("macron-26", "1"),
        ("signed-declaration", "1"),
        ("signed-declaration", "2"),
        ("undated", "1"),
    ]
    assert next(r for r in body if r["fact_id"] == "undated")["date"] == ""
    macron = next(r for r in body if r["fact_id"] == "macron-26")
    assert macron["actors"] == "macron;france"
    assert macron["fact_url"] == urls.origin + urls.fact("macron-26")


def test_csv_neutralises_spreadsheet_formulas() -> None:
    rows = read_csv(Feeds(make_briefing(), Urls("/")).files())
    formula = next(row for row in rows if row[0] == "formula")
    cells = dict(zip(rows[0], formula, strict=True))
    assert cells["claim"] == '\'=HYPERLINK("http://bad.example") -1 +1 @x'
    assert cells["quote"].startswith("'=HYPERLINK")
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_feed_is_atom_with_unique_ids_newest_first(outputs: Outputs) -> None:
    urls, out = outputs
    root = ET.fromstring(out["feed.xml"])
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title") == "Paris & MNF-U <briefing>"
    assert root.findtext(f"{ATOM}updated") == "2026-01-08T00:00:00Z"
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "Paris & MNF-U <briefing>"
    entries = root.findall(f"{ATOM}entry")
    # Only dated facts, newest first (ties in id order); `undated` is left out.
    links = [e.find(f"{ATOM}link").get("href") for e in entries]  # type: ignore[union-attr]
    order = ("formula", "signed-declaration", "macron-26", "hostile")
    assert links == [urls.origin + urls.fact(f) for f in order]
    assert [e.findtext(f"{ATOM}updated") for e in entries] == [
        "2026-01-06T00:00:00Z",
        "2026-01-06T00:00:00Z",
        "2026-01-01T00:00:00Z",
        "2025-12-31T00:00:00Z",
    ]
    ids = [root.findtext(f"{ATOM}id")] + [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids)
    for ident in ids:
        assert ident and (ident.startswith("urn:uuid:") or ident.startswith("https://"))
    content = entries[1].find(f"{ATOM}content")
    assert content is not None and content.get("type") == "html"
    assert "<em>signed</em>" in (content.text or "")
    assert 'href="https://x.example/"' in (content.text or "")


def test_feed_ids_are_permalinks_with_an_origin_and_stable_urns_without() -> None:
    with_origin = ET.fromstring(
        Feeds(make_briefing(), Urls("https://example.org/b/")).files()["feed.xml"]
    )
    assert with_origin.findtext(f"{ATOM}id") == "https://example.org/b/"
    assert with_origin.findtext(f"{ATOM}entry/{ATOM}id") == "https://example.org/b/facts/formula/"
    bare = Feeds(make_briefing(), Urls("/b/")).files()["feed.xml"]
    root = ET.fromstring(bare)
    assert root.findtext(f"{ATOM}id", "").startswith("urn:uuid:")
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "/b/feed.xml"  # type: ignore[union-attr]
    # Another base path is another feed.
    other = ET.fromstring(Feeds(make_briefing(), Urls("/c/")).files()["feed.xml"])
    assert other.findtext(f"{ATOM}id") != root.findtext(f"{ATOM}id")


def test_feed_author_comes_from_the_site() -> None:
    out = Feeds(make_briefing(author="The desk"), Urls("/")).files()
    assert ET.fromstring(out["feed.xml"]).findtext(f"{ATOM}author/{ATOM}name") == "The desk"


def test_sitemap_lists_every_page_once(outputs: Outputs) -> None:
    urls, out = outputs
    root = ET.fromstring(out["sitemap.xml"])
    assert root.tag == f"{SITEMAP}urlset"
    locs = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    assert locs == sorted(urls.origin + urls.path(p.lstrip("/")) for p in PAGES)
    for fact in ("formula", "hostile", "macron-26", "signed-declaration", "undated"):
        assert urls.origin + urls.fact(fact) in locs


def test_robots_allows_all_and_names_the_sitemap(outputs: Outputs) -> None:
    urls, out = outputs
    lines = out["robots.txt"].decode().splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines
    assert f"Sitemap: {urls.origin}{urls.sitemap()}" in lines


def test_outputs_are_byte_identical_across_calls() -> None:
    first = Feeds(make_briefing(), Urls("https://example.org/")).files(PAGES)
    second = Feeds(make_briefing(), Urls("https://example.org/")).files(list(reversed(PAGES)))
    assert first == second


def test_hostile_text_stays_inert(outputs: Outputs) -> None:
    _, out = outputs
    # JSON: the exact text comes back; nothing was executed or dropped.
    data = json.loads(out["facts.json"])
    hostile = next(f for f in data["facts"] if f["id"] == "hostile")
    assert hostile["citations"][0]["passage"] == HOSTILE
    # XML: parses (no illegal control characters, no broken CDATA), and the hostile markup
    # is text, not elements.
    for name in ("feed.xml", "sitemap.xml"):
        raw = out[name]
        assert b"\x00" not in raw and b"\x07" not in raw and b"\x1b" not in raw
        root = ET.fromstring(raw)
        assert not list(root.iter("script")) and not list(root.iter(f"{ATOM}script"))
    feed = ET.fromstring(out["feed.xml"])
    entries = feed.findall(f"{ATOM}entry")
    formula = entries[0].find(f"{ATOM}content")
    assert formula is not None
    hostile_entry = entries[-1]
    # The title is plain text: the markup is characters, controls removed, bidi kept.
    assert hostile_entry.findtext(f"{ATOM}title", "").startswith("</script><b>x</b> ]]>")
    assert "\u202eevil" in hostile_entry.findtext(f"{ATOM}title", "")
    # The html content escapes the claim's markup: no <script> or <b> element in it.
    content_html = hostile_entry.findtext(f"{ATOM}content", "")
    assert "<script" not in content_html and "<b>" not in content_html
    assert "&lt;/script&gt;" in content_html
    # The content is HTML escaped inside XML: parsing gives back markup with the source title
    # escaped once more, so a reader's HTML parser shows it as text.
    assert "Seed A: &quot;quotes&quot; &amp; &lt;tags&gt;" in (formula.text or "")
    # CSV: parses back, controls gone, bidi characters kept as plain text.
    rows = read_csv(out)
    hostile_row = next(row for row in rows if row[0] == "hostile")
    assert "\u202eevil" in hostile_row[1]
    assert "\x00" not in "".join(hostile_row)


def test_unsafe_links_in_claims_do_not_reach_the_feed() -> None:
    claim = "See [here](javascript:alert(1)) and [there](https://ok.example/)."
    briefing = make_briefing(hostile=claim)
    feed = ET.fromstring(Feeds(briefing, Urls("/")).files()["feed.xml"])
    entry = next(
        e for e in feed.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title", "").startswith("See ")
    )
    content = BeautifulSoup(entry.findtext(f"{ATOM}content", ""), "html.parser")
    hrefs = [a["href"] for a in content.find_all("a")]
    assert "https://ok.example/" in hrefs
    assert not [h for h in hrefs if not h.startswith(("https://", "/"))], hrefs


# The repository's own site -----------------------------------------------------------------


def test_the_real_sites_outputs_are_valid(built_site: BuiltSite) -> None:
    out = built_site.out
    data = json.loads((out / "facts.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert data["facts"], "the repository's briefing has facts"
    # Every page of the site is in the sitemap, and nothing else.
    locs = {loc.text for loc in ET.parse(out / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")}
    pages = {
        "/" + built_site.url_of(p).removeprefix(built_site.url)
        for p in built_site.html_pages()
        if p.name != "404.html"
    }
    assert locs == pages
    for fact in data["facts"]:
        assert fact["url"] in locs
        for citation in fact["citations"]:
            source_page, anchor = citation["url"].split("#")
            html = (out / source_page.strip("/") / "index.html").read_text(encoding="utf-8")
            assert f'id="{anchor}"' in html, citation["url"]
    feed = ET.parse(out / "feed.xml").getroot()
    dated = [f for f in data["facts"] if f["date"]]
    assert len(feed.findall(f"{ATOM}entry")) == len(dated)
    rows = read_csv({"facts.csv": (out / "facts.csv").read_bytes()})
    assert len(rows) - 1 == sum(len(f["citations"]) for f in data["facts"])


def test_claims_rendered_by_the_pages_are_reused() -> None:
    briefing = make_briefing()
    asked: list[str] = []

    def claim(fact_id: str) -> tuple[str, str]:
        asked.append(fact_id)
        return f"<em>{fact_id}</em>", f"plain {fact_id}"

    out = Feeds(briefing, Urls("/"), claim).files(())
    assert set(asked) == {f.id for f in briefing.facts}  # asked, never rendered here
    data = json.loads(out["facts.json"])
    assert {f["claim"]["text"] for f in data["facts"]} == {f"plain {f.id}" for f in briefing.facts}
    assert "&lt;em&gt;formula&lt;/em&gt;" in out["feed.xml"].decode()


# The files keep the layout the standard encoders give them ---------------------------------


def _as_elementtree_writes_it(data: bytes) -> bytes:
    """The document parsed and written again by ElementTree (the writer the feed and the
    sitemap were first made with), namespace declaration first as ours has it."""
    root = ET.fromstring(data)
    namespace = root.tag[1:].split("}")[0]
    for element in root.iter():
        element.tag = element.tag.split("}")[1]
    root.attrib = {"xmlns": namespace, **root.attrib}
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode()


XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _csv_writer_rows(rows: list[list[str]]) -> bytes:
    """`rows` as `csv.writer` writes them, once the characters XML forbids are dropped and a
    cell a spreadsheet would run as a formula has a `'` before it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        cells = [XML_ILLEGAL.sub("", cell) for cell in row]
        writer.writerow(
            ["'" + c if c.startswith(("=", "+", "-", "@", "\t", "\r")) else c for c in cells]
        )
    return out.getvalue().encode()


def _as_csv_writer_writes_it(data: dict[str, Any]) -> bytes:
    """`facts.csv` written by `csv.writer` from the values in `facts.json`."""
    rows = [list(CSV_HEADER)]
    for fact in data["facts"]:
        shared = [
            fact["id"],
            fact["claim"]["text"],
            fact["topic"],
            fact["event"] or "",
            fact["date"] or "",
            fact["status"],
            ";".join(fact["actors"]),
            ";".join(d["fact"] for d in fact["disputes"]),
            fact["url"],
        ]
        rows += [
            [
                *shared,
                str(c["number"]),
                c["source"],
                c["source_title"],
                c["quote"],
                c["passage"],
                str(c["line"]),
                c["url"],
            ]
            for c in fact["citations"]
        ]
    return _csv_writer_rows(rows)


def _as_json_writes_it(data: dict[str, Any]) -> bytes:
    """`facts.json`'s layout: the standard encoder's `indent=2` for everything but the
    facts, then each fact on a line of its own, as the compact standard encoder writes it."""
    facts = data["facts"]
    head = json.dumps(
        {k: v for k, v in data.items() if k != "facts"}, ensure_ascii=False, indent=2
    ).removesuffix("\n}")
    lines = ",\n".join("    " + json.dumps(f, ensure_ascii=False) for f in facts)
    return f'{head},\n  "facts": [\n{lines}\n  ]\n}}\n'.encode()


@pytest.mark.parametrize("hostile", [HOSTILE, "", "tab\there \"quoted\" <b> & 'a'"])
def test_the_files_keep_the_standard_encoders_layout(outputs: Outputs, hostile: str) -> None:
    urls, _ = outputs
    out = Feeds(make_briefing(urls.base_url, hostile=hostile), urls).files(
        [urls.path(p.lstrip("/")) for p in PAGES]
    )
    data = json.loads(out["facts.json"])
    assert out["facts.json"] == _as_json_writes_it(data)
    assert out["facts.csv"] == _as_csv_writer_writes_it(data)
    assert out["feed.xml"] == _as_elementtree_writes_it(out["feed.xml"])
    assert out["sitemap.xml"] == _as_elementtree_writes_it(out["sitemap.xml"])


def test_kept_parts_are_reused_and_unchanged_files_left_out() -> None:
    briefing = make_briefing()
    asked: list[str] = []

    markdown = Markdown()

    def claim(fact_id: str) -> tuple[str, str]:
        asked.append(fact_id)
        text = briefing.fact_by_id[fact_id].claim
        return str(markdown.inline(text)), markdown.plain(text)

    first = Feeds(briefing, Urls("/"))
    before = first.files(PAGES)
    again = Feeds(briefing, Urls("/"), claim)
    again.keep(first, [f.id for f in briefing.facts if f.id != "formula"])
    assert again.files(PAGES, unchanged=first.keys) == {}
    assert set(asked) == {"formula"}  # only the fact not kept is made again

    edited = replace(briefing.fact_by_id["formula"], claim="Plain now.")
    facts = tuple(edited if f.id == "formula" else f for f in briefing.facts)
    changed = Briefing.assemble(briefing.site, briefing.sources, briefing.actors, facts, ())
    later = Feeds(changed, Urls("/"))
    later.keep(first, [f.id for f in briefing.facts if f.id != "formula"])
    out = later.files(PAGES, unchanged=first.keys)
    assert sorted(out) == ["facts.csv", "facts.json", "feed.xml"]
    assert out == {
        name: data
        for name, data in Feeds(changed, Urls("/")).files(PAGES).items()
        if data != before[name]
    }


AWKWARD = ",\"\r\n\t =+-@;'\x00\x07\x0b\x1b\x1f\ud800\udfff\ufffe\uffff\ufeff\u202e\u00a0é€😀aZ9"


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=AWKWARD.replace("\ud800", "").replace("\udfff", "") + "<>&*_[]`", max_size=10)
)
def test_any_claim_keeps_the_standard_layouts(claim: str) -> None:
    """The claim is in the feed's text, the topic's title in its attributes."""
    out = Feeds(make_briefing(hostile=claim, topic=claim), Urls("/")).files(PAGES)
    assert out["feed.xml"] == _as_elementtree_writes_it(out["feed.xml"])
    assert out["facts.csv"] == _as_csv_writer_writes_it(json.loads(out["facts.json"]))


@pytest.mark.parametrize("facts", ["all", "none"])
def test_a_build_makes_the_same_files_keeping_no_fact_s_share(facts: str) -> None:
    """A build writes each file in one pass and keeps nothing for a next build; the files
    are the preview's, byte for byte (with no facts too: `"facts": []`)."""
    briefing = make_briefing()
    if facts == "none":
        briefing = Briefing.assemble(briefing.site, briefing.sources, briefing.actors, (), ())
    kept = Feeds(briefing, Urls("/"))
    streamed = Feeds(briefing, Urls("/"), memo=False)
    files = streamed.files(PAGES)
    assert files == kept.files(PAGES)
    data = json.loads(files["facts.json"])
    if briefing.facts:
        assert files["facts.json"] == _as_json_writes_it(data)
    else:  # the standard encoder's own layout, empty list and all
        assert (
            files["facts.json"] == (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()
        )
    assert len(data["facts"]) == len(briefing.facts)
    assert streamed.keys == {}  # nothing a later build could compare against
    with pytest.raises(AssertionError):
        streamed.files(PAGES, unchanged=kept.keys)
