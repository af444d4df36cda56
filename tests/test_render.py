"""The render stage: every page of a small briefing, parsed as a reader's browser would."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup, Tag

from builder import views
from builder.briefing import Briefing
from builder.markdown import Markdown
from builder.model import Page
from builder.plan import plan_pages
from builder.render import Renderer, render_pages, render_site
from builder.urls import Urls
from tests.render_fixture import make_briefing

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def render(briefing: Briefing | None = None, base_url: str = "/") -> dict[str, bytes]:
    briefing = briefing or make_briefing(base_url)
    return render_site(briefing, TEMPLATES, Urls(base_url))


def soup(html: bytes) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def html_pages(site: dict[str, bytes]) -> Iterator[tuple[str, BeautifulSoup]]:
    for path, data in site.items():
        if path.endswith(".html"):
            yield path, soup(data)


@pytest.fixture(scope="module")
def site() -> dict[str, bytes]:
    return render()


def contexts_by_path(briefing: Briefing) -> dict[str, dict[str, object]]:
    renderer = Renderer(briefing, Urls("/"), TEMPLATES)
    return {job.path: dict(job.build(renderer.site)) for job in plan_pages(briefing, Urls("/"))}


# Pages and contexts ----------------------------------------------------------------------


def test_every_page_of_the_product_is_rendered(site: dict[str, bytes]) -> None:
    expected = {
        "index.html",
        "404.html",
        "paris/index.html",
        "allies/index.html",
        "russia/index.html",
        "allies/france/index.html",
        "allies/uk/index.html",
        "topics/misc/index.html",
        "timeline/index.html",
        "actors/index.html",
        "actors/putin/index.html",
        "sources/index.html",
        "sources/src-a/index.html",
        "facts/uk-france-signed/index.html",
        "facts/states-27/index.html",
        "disputes/index.html",
        "search/index.html",
        "static/style.css",
    }
    assert expected <= set(site)
    # Topics that have a page are not rendered twice.
    assert "topics/paris/index.html" not in site


def test_fact_page_context_is_the_contract() -> None:
    ctx = contexts_by_path(make_briefing())["facts/uk-france-signed/index.html"]
    page, layout = ctx["page"], ctx["layout"]
    assert isinstance(page, views.FactPage)
    assert isinstance(layout, views.Layout)
    assert page.title == "The UK and France signed a declaration of intent."
    assert str(page.claim_html) == "The UK and France <em>signed</em> a declaration of intent."
    assert page.date is not None and page.date.iso == "2026-01-06"
    assert page.date.human == "6 January 2026"
    assert [a.text for a in page.actors] == ["United Kingdom", "France"]
    assert page.corroboration == "corroborated by 2 sources"
    assert [c.source.text for c in page.citations] == ["Report A: “signed” in Paris", "Report B"]
    assert page.citations[0].original_url.startswith("https://example.org/a#:~:text=")
    assert page.citations[1].original_url == ""  # no url: no text-fragment link
    appears = {link.url for link in page.appearances}
    assert {"/", "/paris/", "/timeline/", "/actors/uk/", "/sources/src-b/"} <= appears
    assert "/facts/uk-france-signed/" not in appears
    # Disputing facts list each other under "Disputed", never under "where it appears".
    ctxs = contexts_by_path(make_briefing())
    for path in ("facts/france-troops/index.html", "facts/states-27/index.html"):
        fact_page = ctxs[path]["page"]
        assert isinstance(fact_page, views.FactPage)
        assert not [a for a in fact_page.appearances if a.url.startswith("/facts/")], path
        assert len(fact_page.disputes) == 1
    assert layout.canonical == "/facts/uk-france-signed/"
    assert layout.og_url == ""  # no origin in base_url
    assert layout.search_kind == "Fact"


def test_home_context_has_key_facts_and_latest_changes() -> None:
    ctx = contexts_by_path(make_briefing())["index.html"]
    page = ctx["page"]
    assert isinstance(page, views.HomePage)
    assert len(page.key_facts) == 1 and "declaration of intent" in page.key_facts[0]
    # Newest first: 7 January, 6 January, then the month-only date; the other fact of
    # 6 January is the key fact above, and a card is shown once on a page.
    changed = [soup(card.encode()).find("time")["datetime"] for card in page.changed]
    assert changed == ["2026-01-07", "2026-01-06", "2026-01"]
    assert not any('permalink" href="/facts/uk-france-signed/' in card for card in page.changed)
    assert page.as_of.iso == "2026-01-08"


def test_each_claim_is_rendered_once_per_build(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: Counter[str] = Counter()
    original = Markdown.inline

    def counting(self: Markdown, text: str) -> object:
        calls[text] += 1
        return original(self, text)

    monkeypatch.setattr(Markdown, "inline", counting)
    briefing = make_briefing()
    render(briefing)
    assert set(calls) == {f.claim for f in briefing.facts}
    assert max(calls.values()) == 1


def test_output_is_byte_identical_for_identical_input() -> None:
    assert render() == render()


# Citations, corroboration, disputes ---------------------------------------------------------


def card_for(page: BeautifulSoup, fact_id: str) -> Tag:
    link = page.select_one(f'.fact a.permalink[href="/facts/{fact_id}/"]')
    assert link is not None, f"no card for {fact_id}"
    card = link.find_parent(class_="fact")
    assert isinstance(card, Tag)
    return card


def test_each_cited_passage_has_one_number_per_page_in_reading_order(
    site: dict[str, bytes],
) -> None:
    page = soup(site["paris/index.html"])
    prose = page.select_one(".prose")
    assert prose is not None
    card = card_for(page, "uk-france-signed")
    # The prose cites the fact first: its two passages are 1 and 2, and its card below
    # reuses them instead of starting a second [1].
    assert [m.get_text() for m in prose.select("a.fn")] == ["1", "2"]
    assert [m.get_text() for m in card.select("a.fn")] == ["1", "2"]
    numbers = [int(m.get_text()) for m in page.select("main a.fn")]
    first_uses = list(dict.fromkeys(numbers))
    assert first_uses == list(range(1, len(first_uses) + 1))
    assert card.select("a.fn")[1]["aria-label"] == "Reference 2: Report B"
    assert "corroborated by 2 sources" in card.get_text()


def test_every_mark_links_to_its_reference_at_the_foot(site: dict[str, bytes]) -> None:
    page = soup(site["paris/index.html"])
    refs = page.select("main section.references ol > li")
    assert [li["id"] for li in refs] == [f"ref-{n}" for n in range(1, len(refs) + 1)]
    for mark in page.select("main a.fn"):
        assert page.select_one(mark["href"]) in refs
    first, second = refs[0], refs[1]
    assert "The UK and France signed a declaration of intent" in first.get_text()
    assert "Report A: “signed” in Paris, Outlet A, 6 January 2026." in first.get_text()
    assert "Report B, outlet unknown, date unknown." in second.get_text()
    passage = first.select_one("a.ref-passage")
    assert passage is not None and passage["href"] == "/sources/src-a/#cite-uk-france-signed-1"
    assert first.select_one('a.ref-fact[href="/facts/uk-france-signed/"]') is not None
    # The References close the page: nothing of the page's own comes after them.
    main = page.select_one("main")
    assert main is not None
    assert main.find_all(recursive=False)[-1].name == "section"
    assert "references" in main.find_all(recursive=False)[-1]["class"]


def test_pages_citing_nothing_have_no_references(site: dict[str, bytes]) -> None:
    for path in ("sources/index.html", "actors/index.html", "search/index.html"):
        assert soup(site[path]).select_one("section.references") is None, path
        assert b"<!--" not in site[path], path


def test_two_documents_of_one_outlet_are_a_single_source(site: dict[str, bytes]) -> None:
    card = card_for(soup(site["allies/index.html"]), "uk-air")
    assert len(card.select("a.fn")) == 2
    assert "single source (2 documents relaying one outlet)" in card.get_text()
    assert "corroborated" not in card.get_text()


def test_a_dispute_shows_on_both_sides_and_is_explained_once(site: dict[str, bytes]) -> None:
    page = soup(site["allies/index.html"])
    notes = []
    for fact_id, other in (("france-troops", "states-27"), ("states-27", "france-troops")):
        note = card_for(page, fact_id).select_one(".fact-dispute")
        assert note is not None
        assert note.a is not None and note.a["href"] == f"/facts/{other}/"
        notes.append(note.get_text())
    # Both cards are on the page: the first explains, the second points to it.
    assert ["Sources differ on who takes part." in n for n in notes] == [True, False]
    assert "see the note above" in notes[1]
    # A fact's own page explains above the other side's card, not in it.
    alone = card_for(soup(site["facts/france-troops/index.html"]), "states-27")
    assert alone.select_one(".fact-dispute") is None
    disputes = soup(site["disputes/index.html"]).select("article.dispute")
    assert len(disputes) == 1
    assert len(disputes[0].select(".fact")) == 2
    # The note is printed once, above the two cards, not again in each.
    assert disputes[0].get_text().count("Sources differ on who takes part.") == 1


def test_inline_fact_citations_in_prose(site: dict[str, bytes]) -> None:
    prose = soup(site["paris/index.html"]).select_one(".prose")
    assert prose is not None
    assert [a["href"] for a in prose.select("a.fn")] == ["#ref-1", "#ref-2"]
    assert "↗" not in prose.get_text()  # the fact is reached from the reference instead
    assert "[@" not in prose.get_text()
    # The body's own `##` heading is demoted below the page's single h1.
    assert prose.find("h2") is not None and prose.find("h1") is None


def test_dates_use_time_elements(site: dict[str, bytes]) -> None:
    card = card_for(soup(site["allies/index.html"]), "uk-air")
    time = card.find("time")
    assert time is not None and time["datetime"] == "2026-01"
    assert time.get_text() == "January 2026"
    undated = card_for(soup(site["allies/index.html"]), "states-27")
    assert undated.find("time") is None and "Undated" in undated.get_text()


# Source pages --------------------------------------------------------------------------


def test_source_page_shows_full_text_with_each_passage_marked_and_anchored(
    site: dict[str, bytes],
) -> None:
    briefing = make_briefing()
    source = briefing.source_by_id["src-b"]
    page = soup(site["sources/src-b/index.html"])
    text = page.select_one(".source-text")
    assert text is not None
    for back in text.select("a.backref"):
        back.decompose()
    # Each anchor carries a note, shown only on the passage a reader lands on, naming
    # the claims the passage supports.
    note = text.select_one("#cite-putin-targets-1 .landed-note")
    assert note is not None and note.a is not None
    assert note.a["href"] == "/facts/putin-targets/"
    for landed in text.select(".landed-note"):
        landed.decompose()
    assert text.get_text() == source.text  # the full text, nothing lost or added
    # Walk the text in order: where each anchor sits, which characters are marked.
    anchors: dict[str, int] = {}
    marked_at: set[int] = set()
    offset = 0
    for node in text.children:
        if isinstance(node, Tag) and node.get("id"):
            anchors[str(node["id"])] = offset
        length = len(node.get_text())
        if isinstance(node, Tag) and node.name == "mark":
            marked_at.update(range(offset, offset + length))
        offset += length
    citations = [c for f in briefing.facts for c in f.citations if c.source == "src-b"]
    assert set(anchors) == {c.anchor for c in citations}
    for cit in citations:
        assert anchors[cit.anchor] == cit.start, cit.anchor
        assert set(range(cit.start, cit.end)) <= marked_at, cit.anchor
    assert len(marked_at) == len(set().union(*(range(c.start, c.end) for c in citations)))
    marked = "".join(m.get_text() for m in text.find_all("mark"))
    assert "France signed a declaration of intent" in marked
    # Overlapping passages: the shared words are marked once, flagged as an overlap.
    overlaps = [m.get_text() for m in text.select("mark.overlap")]
    assert overlaps == ["France signed a declaration of intent"]


def test_ids_are_unique_and_each_page_has_one_h1(site: dict[str, bytes]) -> None:
    for path, page in html_pages(site):
        ids = [t["id"] for t in page.find_all(id=True)]
        assert len(ids) == len(set(ids)), path
        assert len(page.find_all("h1")) == 1, path
        assert page.find("main", id="main") is not None, path


def test_backrefs_link_each_mark_to_the_facts_citing_it(site: dict[str, bytes]) -> None:
    text = soup(site["sources/src-b/index.html"]).select_one(".source-text")
    assert text is not None
    hrefs = sorted(a["href"] for a in text.select("a.backref"))
    assert hrefs == sorted(
        [
            "/facts/misc-undated/",
            "/facts/uk-france-signed/",
            "/facts/states-27/",
            "/facts/putin-targets/",
        ]
    )


def test_sources_table(site: dict[str, bytes]) -> None:
    rows = soup(site["sources/index.html"]).select("table.sources tbody tr")
    cells = {r.th.get_text(): [td.get_text() for td in r.find_all("td")] for r in rows}
    assert cells["Report B"][:4] == ["unknown", "unknown", "aggregator", "4"]
    assert cells["Report A: “signed” in Paris"][:4] == ["Outlet A", "6 January 2026", "news", "3"]
    assert all(re.fullmatch(r"\d{1,3}\.\d\u00a0%", row[4]) for row in cells.values())
    for th in soup(site["sources/index.html"]).select("thead th"):
        assert th["scope"] == "col"


# Allies, Russia, timeline ---------------------------------------------------------------


def test_matrix_cells_show_the_stance_in_words_and_link_to_facts(site: dict[str, bytes]) -> None:
    table = soup(site["allies/index.html"]).select_one("table.matrix")
    assert table is not None
    headers = [th.get_text() for th in table.select("thead th")]
    assert headers == ["Ally", "Ground troops", "Air support"]
    rows = {r.th.get_text(): r.find_all("td") for r in table.select("tbody tr")}
    france, uk = rows["France"], rows["United Kingdom"]
    # A compact cell: a symbol and the stance word; the note and the facts one tap away.
    summary = france[0].select_one("details > summary")
    assert summary is not None and summary.get_text(" ", strip=True) == "● committed"
    assert "After a ceasefire." in france[0].details.get_text()
    assert [a["href"] for a in france[0].find_all("a")] == ["/facts/france-troops/"]
    # A cell no fact speaks to is quiet: a dash, "no fact" for screen readers.
    assert france[1].get_text(" ", strip=True) == "– no fact"
    assert france[1].find(["details", "strong", "b"]) is None
    assert [a["href"] for a in uk[1].find_all("a")] == ["/facts/uk-air/"]
    region = table.find_parent(attrs={"role": "region"})
    assert region is not None and region["tabindex"] == "0" and region["aria-labelledby"]
    legend = [
        li.get_text(" ", strip=True)
        for li in soup(site["allies/index.html"]).select(".matrix-legend li")
    ]
    assert legend[:2] == ["● committed", "◐ conditional"] and "– no fact" in legend


def test_matrix_lists_lead_nations_first_then_the_rest_by_name() -> None:
    briefing = make_briefing()
    alphabetical = soup(render(briefing)["allies/index.html"]).select("table.matrix tbody th")
    assert [th.get_text() for th in alphabetical] == ["France", "United Kingdom"]
    led = replace(briefing, site=replace(briefing.site, matrix_order=("uk",)))
    first = soup(render(led)["allies/index.html"]).select("table.matrix tbody th")
    assert [th.get_text() for th in first] == ["United Kingdom", "France"]


def test_ally_page_lists_positions_with_their_facts(site: dict[str, bytes]) -> None:
    page = soup(site["allies/uk/index.html"])
    sections = page.select("section.position")
    assert [s.h2.get_text(" ", strip=True) for s in sections] == ["Air support: Conditional"]
    assert sections[0].select_one('a.permalink[href="/facts/uk-air/"]') is not None
    # Issues with no stated position: one line, not a section each.
    unstated = page.select_one(".unstated-issues")
    assert unstated is not None and "on: Ground troops." in unstated.get_text()


def test_russia_page_groups_responses_by_actor(site: dict[str, bytes]) -> None:
    section = soup(site["russia/index.html"]).select_one('section[aria-labelledby="topic-facts"]')
    assert section is not None
    assert [h.get_text() for h in section.find_all("h3")] == ["Vladimir Putin"]
    assert card_for(section, "putin-targets").find("time") is not None


def test_timeline_is_a_chronology_with_undated_facts_folded_by_topic(
    site: dict[str, bytes],
) -> None:
    page = soup(site["timeline/index.html"])
    days = [s.h2.time["datetime"] for s in page.select("section.chrono-day")]
    assert days == ["2026-01", "2026-01-06", "2026-01-07"]
    rows = page.select(".chronology li.chrono-row")
    assert len(rows) == 4  # one line per dated fact, no cards
    assert page.select_one(".chronology .fact") is None
    key = page.select("li.chrono-key")
    assert [r.select_one("a.chrono-fact")["href"] for r in key] == ["/facts/uk-france-signed/"]
    undated = page.select_one('section[aria-labelledby="undated"]')
    assert undated is not None
    assert "No source states when" in undated.get_text()
    groups = undated.select("details.undated-group")
    assert groups and all(not g.has_attr("open") for g in groups)
    ids = {a["href"] for a in undated.select("a.chrono-fact")}
    assert ids == {"/facts/states-27/", "/facts/misc-undated/"}


# Escaping ----------------------------------------------------------------------------------

HOSTILE = (
    "<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3)) "
    '[data](data:text/html,x) [ok](https://example.org/) "quoted" \' <b onclick="x">b</b>'
)


def test_hostile_claims_and_titles_render_inert() -> None:
    page = Page(
        "hostile",
        'Title "><script>alert(4)</script>',
        '" onmouseover="x',
        9,
        "[x](vbscript:msgbox) <iframe src=x></iframe> [@uk-air]",
    )
    briefing = make_briefing(claims={"uk-air": HOSTILE}, extra_pages=[page])
    site = render(briefing)
    for path, doc in html_pages(site):
        # The only scripts are the site's own (previews and menu; search), loaded by URL,
        # never inline; the rest is JSON-LD, a data block whose text is JSON, no markup.
        for script in doc.find_all("script"):
            if script.get("type") == "application/ld+json":
                assert "<" not in script.string and json.loads(script.string), (path, script)
                continue
            assert script.get("src") in ("/static/site.js", "/static/search.js"), path
            assert not script.string, (path, script)
        assert doc.find(["img", "iframe", "b"]) is None, path
        for tag in doc.find_all(True):
            for name, value in tag.attrs.items():
                assert not name.startswith("on"), (path, tag.name, name)
                values = value if isinstance(value, list) else [value]
                for v in values:
                    assert not re.match(r"\s*(javascript|data|vbscript):", v, re.I), (path, v)
    fact = soup(site["facts/uk-air/index.html"])
    h1 = fact.h1
    assert h1 is not None
    assert "<script>alert(1)</script>" in h1.get_text()
    assert "[click](javascript:alert(3))" in h1.get_text()
    assert [a["href"] for a in h1.find_all("a")] == ["https://example.org/"]
    hostile = soup(site["hostile/index.html"])
    assert hostile.title is not None
    assert hostile.title.get_text().startswith('Title "><script>alert(4)</script>')
    description = hostile.find("meta", attrs={"name": "description"})
    assert description is not None and description["content"] == '" onmouseover="x'


# URLs, links, base_url -------------------------------------------------------------------


def resolve(site: dict[str, bytes], base_path: str, href: str) -> tuple[str, str] | None:
    """The output file and fragment an internal link points to; None for external links."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    assert parts.path.startswith(base_path), href
    rel = unquote(parts.path[len(base_path) :])
    target = rel + "index.html" if rel == "" or rel.endswith("/") else rel
    return target, unquote(parts.fragment)


@pytest.mark.parametrize("base_url", ["/", "/briefing/"])
def test_every_internal_link_resolves_including_fragments(base_url: str) -> None:
    site = render(base_url=base_url)
    ids = {path: {t["id"] for t in doc.find_all(id=True)} for path, doc in html_pages(site)}
    for path, doc in html_pages(site):
        for tag in doc.find_all(["a", "link"], href=True):
            href = tag["href"]
            if href.startswith("#"):
                assert href[1:] in ids[path], (path, href)
                continue
            found = resolve(site, urlsplit(Urls(base_url).base_url).path, href)
            if found is None:
                continue
            target, fragment = found
            assert target in site, (path, href)
            if fragment and not fragment.startswith(":~:"):
                assert fragment in ids[target], (path, href)


def test_site_under_a_sub_path_with_an_origin() -> None:
    site = render(base_url="https://example.org/briefing/")
    page = soup(site["facts/uk-air/index.html"])
    canonical = page.find("link", rel="canonical")
    assert canonical is not None and canonical["href"] == (
        "https://example.org/briefing/facts/uk-air/"
    )
    og_url = page.find("meta", property="og:url")
    assert og_url is not None and og_url["content"] == "https://example.org/briefing/facts/uk-air/"
    for tag in page.find_all(["a", "link"], href=True):
        href = tag["href"]
        if href.startswith("/"):
            assert href.startswith("/briefing/"), href
    not_found = soup(site["404.html"])
    assert not_found.find("link", rel="canonical") is None
    assert not_found.find("link", rel="stylesheet")["href"] == "/briefing/static/style.css"


def test_head_has_language_description_feed_and_open_graph(site: dict[str, bytes]) -> None:
    page = soup(site["sources/src-a/index.html"])
    assert page.html is not None and page.html["lang"] == "en"
    feed = page.find("link", rel="alternate", type="application/atom+xml")
    assert feed is not None and feed["href"] == "/feed.xml"
    for prop in ("og:title", "og:description", "og:type"):
        assert page.find("meta", property=prop) is not None, prop
    assert page.select_one("a.skip-link")["href"] == "#main"
    for landmark in ("header", "nav", "main", "footer"):
        assert page.find(landmark) is not None
    assert page.main is not None and page.main.has_attr("data-pagefind-body")
    assert page.header is not None and page.header.has_attr("data-pagefind-ignore")
    assert not soup(site["timeline/index.html"]).main.has_attr("data-pagefind-body")


def test_search_page_is_a_static_index(site: dict[str, bytes]) -> None:
    page = soup(site["search/index.html"])
    links = {a["href"] for a in page.select("ul.index a")}
    briefing = make_briefing()
    assert {f"/facts/{f.id}/" for f in briefing.facts} <= links
    assert {f"/actors/{a.id}/" for a in briefing.actors} <= links
    assert {f"/sources/{s.id}/" for s in briefing.sources} <= links


# What each page read, recorded while rendering ---------------------------------------------


def test_each_page_records_what_it_read() -> None:
    briefing = make_briefing()
    jobs = plan_pages(briefing, Urls("/"))
    renderer = Renderer(briefing, Urls("/"), TEMPLATES, recording=True)
    pages = render_pages(jobs, renderer)
    assert pages == {path: data for path, data in render().items() if path in pages}
    reads = renderer.reads
    assert reads.keys() == {job.path for job in jobs}

    def reading(name: str) -> set[str]:
        return {path for path, names in reads.items() if name in names}

    assert {
        "facts/putin-targets/index.html",
        "russia/index.html",
        "timeline/index.html",
        "actors/putin/index.html",
        "sources/src-b/index.html",
    } <= reading("fact:putin-targets")
    assert "allies/uk/index.html" not in reading("fact:putin-targets")
    assert "facts/uk-air/index.html" not in reading("fact:putin-targets")
    assert len(reading("fact:putin-targets")) < len(jobs) / 2
    # Every layout extends base.html; a page listed in the navigation titles every page's.
    assert reading("template:base.html") == reading("page:allies") == set(reads)
    assert reading("template:_matrix.html") == {"allies/index.html"}


def test_a_repeated_note_is_said_in_full_once() -> None:
    from builder.repeats import say_once

    html = (
        "<!--once a+b-->FULL<!--again-->short<!--/once--> x "
        "<!--once a+b-->FULL<!--again-->short<!--/once--> "
        "<!--once c+d-->OTHER<!--again-->o<!--/once-->"
    )
    assert say_once(html) == "FULL x short OTHER"
    assert say_once("no notes") == "no notes"
