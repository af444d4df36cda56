"""A fact of another event than the main one is labelled, in words, on every kind of page it
appears on; a fact of the main event is not. Pages are built for real and parsed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest
from bs4 import BeautifulSoup, Tag

from builder.build import build
from tests.helpers import edit, with_events

EARLIER = "dozens-of-countries"
"""Cites only beta, which covers the earlier summit."""
MAIN = "declaration-signed"
LABEL = "Earlier Paris summit"
SCHEMA = json.loads((Path(__file__).parent.parent / "docs" / "facts.schema.json").read_text())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = with_events(tmp_path_factory.mktemp("badges"))
    # The UK's matrix cell rests on the earlier fact too; the home page's prose cites it.
    edit(
        root,
        "content/actors.yaml",
        "facts: [uk-france-lead-force]",
        f"facts: [uk-france-lead-force, {EARLIER}]",
    )
    edit(
        root,
        "content/pages/index.md",
        "Russia objected [@legitimate-targets].",
        f"Russia objected [@legitimate-targets]. Dozens joined [@{EARLIER}].",
    )
    # An earlier-summit fact dated well before the main event reaches the feed.
    edit(
        root,
        "content/facts/russia.yaml",
        "  topic: russian-responses\n  actors: [zakharova]",
        "  topic: russian-responses\n  date: 2025-09\n  actors: [zakharova]",
    )
    result = build(root, search=False)
    assert result.ok, [p.as_text() for p in result.problems]
    return root / "site"


def page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_bytes(), "html.parser")


def card(doc: BeautifulSoup, fact_id: str) -> Tag:
    """The fact card whose "Details" link goes to the fact's page."""
    link = doc.select_one(f'.fact a.permalink[href="/facts/{fact_id}/"]')
    assert link is not None, f"no card of {fact_id}"
    found = link.find_parent("div", class_="fact")
    assert isinstance(found, Tag)
    return found


def badge_text(tag: Tag) -> str:
    badge = tag.select_one(".event-badge")
    assert badge is not None, f"no event badge in {tag}"
    return badge.get_text(" ", strip=True)


@pytest.mark.parametrize(
    "path",
    [
        "paris-declaration/index.html",  # a topic page
        "actors/uk/index.html",  # an actor page
        "allies/uk/index.html",  # an ally page
        "disputes/index.html",  # the disputes page
    ],
)
def test_cards_of_the_earlier_event_wear_its_badge(site: Path, path: str) -> None:
    doc = page(site, path)
    assert LABEL in badge_text(card(doc, EARLIER))
    # The badge is words a reader sees, at the head of the claim, not a colour alone.
    claim = card(doc, EARLIER).select_one(".fact-claim")
    assert claim is not None and claim.get_text(" ", strip=True).startswith(f"Event: {LABEL}")


@pytest.mark.parametrize(
    "path", ["paris-declaration/index.html", "timeline/index.html", "disputes/index.html"]
)
def test_cards_of_the_main_event_wear_none(site: Path, path: str) -> None:
    doc = page(site, path)
    for fact_id in (MAIN, "twenty-seven-states"):
        if doc.select_one(f'a.permalink[href="/facts/{fact_id}/"]') is not None:
            assert card(doc, fact_id).select_one(".event-badge") is None


def test_the_matrix_cell_resting_on_the_earlier_fact_says_so(site: Path) -> None:
    cell = page(site, "allies/index.html").select_one("table.matrix td")
    assert cell is not None
    links = cell.select(".cell-facts a")
    assert [a["href"] for a in links] == ["/facts/uk-france-lead-force/", f"/facts/{EARLIER}/"]
    badges = cell.select(".event-badge")
    assert len(badges) == 1 and LABEL in badges[0].get_text()
    # It follows the link to the earlier fact, not the other one.
    assert badges[0].find_previous("a") is links[1]


def test_timeline_rows_of_the_earlier_event_wear_its_badge(site: Path) -> None:
    """The chronology shows lines, not cards: the line of the earlier fact starts with its
    event in words; a line of the main event has no badge."""
    doc = page(site, "timeline/index.html")

    def row(fact_id: str) -> Tag:
        link = doc.select_one(f'li.chrono-row a.chrono-fact[href="/facts/{fact_id}/"]')
        assert link is not None, f"no timeline row of {fact_id}"
        found = link.find_parent("li")
        assert isinstance(found, Tag)
        return found

    claim = row(EARLIER).select_one(".chrono-claim")
    assert claim is not None and claim.get_text(" ", strip=True).startswith(f"Event: {LABEL}")
    assert row(MAIN).select_one(".event-badge") is None


def _prose_marks_by_fact(doc: BeautifulSoup) -> dict[str, Tag]:
    """Each group of citation marks in the prose, by the fact its references are cited for."""
    by_fact = {}
    for cites in doc.select(".prose .cites"):
        first = cites.select_one("a.fn")
        assert first is not None
        ref = doc.select_one(str(first["href"]))
        assert ref is not None, f"no reference {first['href']}"
        fact = ref.select_one("a.ref-fact")
        assert fact is not None
        by_fact[str(fact["href"])] = cites
    return by_fact


def test_prose_citing_the_earlier_fact_shows_the_badge(site: Path) -> None:
    """The badge stands just before the marks of the earlier fact, and before no other."""
    marks = _prose_marks_by_fact(page(site, "index.html"))

    def badge_before(cites: Tag) -> Tag | None:
        before = cites.find_previous_sibling()
        return before if isinstance(before, Tag) and "event-badge" in before["class"] else None

    badge = badge_before(marks[f"/facts/{EARLIER}/"])
    assert badge is not None and LABEL in badge.get_text(" ", strip=True)
    assert badge_before(marks["/facts/legitimate-targets/"]) is None


def test_the_fact_page_names_its_event_for_readers_and_search(site: Path) -> None:
    doc = page(site, f"facts/{EARLIER}/index.html")
    terms = [dt.get_text() for dt in doc.select("dl.meta dt")]
    assert "Event" in terms
    meta = doc.select_one('main [data-pagefind-meta="event"]')
    assert meta is not None and meta.get_text() == LABEL
    assert page(site, f"facts/{MAIN}/index.html").select_one(".event-badge") is None


def test_the_search_index_without_javascript_labels_the_fact(site: Path) -> None:
    doc = page(site, "search/index.html")
    entry = doc.select_one(f'.index a[href="/facts/{EARLIER}/"]')
    assert entry is not None and entry.parent is not None
    assert LABEL in badge_text(entry.parent)
    main = doc.select_one(f'.index a[href="/facts/{MAIN}/"]')
    assert main is not None and main.parent is not None
    assert main.parent.select_one(".event-badge") is None


def test_search_results_show_the_event_from_the_index_metadata() -> None:
    script = (Path(__file__).resolve().parent.parent / "templates/static/search.js").read_text()
    assert "meta.event" in script and '"event-badge"' in script


def test_the_sources_list_and_source_page_say_which_event(site: Path) -> None:
    rows = page(site, "sources/index.html").select("table.sources tbody tr")
    cells = {
        r.th.get_text(strip=True): [td.get_text(strip=True) for td in r.select("td")]
        for r in rows
        if r.th
    }
    assert LABEL in cells["Beta digest"]
    assert "January 2026 declaration" in cells["Alpha report"]
    passages = page(site, "sources/beta/index.html").select("ol.passages li")
    by_fact = {
        li.select_one(".cited-by a[href^='/facts/']")["href"]: li  # type: ignore[index]
        for li in passages
    }
    assert LABEL in badge_text(by_fact[f"/facts/{EARLIER}/"])
    assert by_fact["/facts/legitimate-targets/"].select_one(".event-badge") is None


def test_facts_json_carries_events_dispute_kinds_and_the_matrix(site: Path) -> None:
    data = json.loads((site / "facts.json").read_bytes())
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert data["main_event"] == "january"
    assert [e["label"] for e in data["events"]] == ["January 2026 declaration", LABEL]
    facts = {f["id"]: f for f in data["facts"]}
    assert facts[EARLIER]["event"] == "earlier"
    assert facts[MAIN]["event"] == "january"
    assert [(d["fact"], d["kind"]) for d in facts[EARLIER]["disputes"]] == [
        ("twenty-seven-states", "contradicts")
    ]
    assert {s["id"]: s["covers"] for s in data["sources"]} == {
        "alpha": ["january"],
        "beta": ["earlier"],
    }
    assert data["issues"] == [{"id": "ground-troops", "title": "Ground troops"}]
    assert data["allies_matrix"] == [
        {
            "ally": "uk",
            "issue": "ground-troops",
            "stance": "committed",
            "note": "",
            "facts": ["uk-france-lead-force", EARLIER],
        }
    ]


def test_facts_csv_has_each_facts_event(site: Path) -> None:
    rows = list(csv.DictReader(io.StringIO((site / "facts.csv").read_text(encoding="utf-8"))))
    events = {row["fact_id"]: row["event"] for row in rows}
    assert events[EARLIER] == "earlier" and events[MAIN] == "january"


def test_feed_entries_of_another_event_say_so_in_their_title(site: Path) -> None:
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ElementTree.fromstring((site / "feed.xml").read_bytes())
    titles = {e.findtext("a:id", namespaces=ns): e for e in feed.findall("a:entry", ns)}
    earlier = next(
        e
        for e in titles.values()
        if (e.findtext("a:title", namespaces=ns) or "").endswith("'axis of war'.")
    )
    assert (earlier.findtext("a:title", namespaces=ns) or "").startswith(f"[{LABEL}] ")
    terms = {c.get("term"): c.get("label") for c in earlier.findall("a:category", ns)}
    assert terms["event:earlier"] == LABEL
    for entry in titles.values():
        if entry is not earlier:
            assert not (entry.findtext("a:title", namespaces=ns) or "").startswith("[")
