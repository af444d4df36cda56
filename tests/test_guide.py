"""The "How to read this briefing" page: linked from every page's footer, it explains events
(with this briefing's own labels), statuses, dispute kinds, corroboration counts, citation
marks and why outlets and dates read "unknown"."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from builder.build import build
from tests.helpers import edit, with_events


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = with_events(tmp_path_factory.mktemp("guide"))
    # Two documents of one outlet: they count once.
    edit(
        root,
        "content/sources.yaml",
        "  kind: aggregator\n",
        "  kind: aggregator\n  strand: Alpha News\n",
    )
    assert build(root, search=False).ok
    return root / "site"


def page(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel).read_bytes(), "html.parser")


def test_every_page_links_to_it_from_its_footer(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 15
    for path in pages:
        doc = BeautifulSoup(path.read_bytes(), "html.parser")
        link = doc.select_one("footer a[href='/how-to-read/']")
        assert link is not None, path.relative_to(site)
        assert link.get_text() == "How to read this briefing"


def test_it_explains_each_thing_a_reader_meets(site: Path) -> None:
    doc = page(site, "how-to-read/index.html")
    assert doc.h1 is not None and doc.h1.get_text() == "How to read this briefing"
    sections = {s.h2.get_text(): s for s in doc.select("main section") if s.h2}
    assert list(sections) == [
        "Events",
        "Statuses",
        "When sources disagree",
        "“Single source” and “corroborated by N sources”",
        "Citation marks",
        "Why outlets and dates read “unknown”",
    ]
    events = sections["Events"].get_text(" ", strip=True)
    # The briefing's own events: the main one named as such, the other shown as its badge.
    assert "January 2026 declaration (the main event" in events
    badge = sections["Events"].select_one(".event-badge")
    assert badge is not None and "Earlier Paris summit" in badge.get_text()
    assert [dt.get_text() for dt in sections["Statuses"].select("dt")] == [
        "Reported",
        "Claimed",
        "Disputed",
    ]
    assert [dt.get_text() for dt in sections["When sources disagree"].select("dt")] == [
        "Sources contradict each other",
        "Reported differently",
        "A source at odds with itself",
    ]
    assert "leaves something out does not disagree" in sections["When sources disagree"].get_text()
    strands = sections["“Single source” and “corroborated by N sources”"]
    assert [a.get_text() for a in strands.select("li a")] == ["Alpha report", "Beta digest"]
    assert "[1]" in sections["Citation marks"].get_text()
    unknown = sections["Why outlets and dates read “unknown”"].get_text(" ", strip=True)
    # Beta names no outlet and states no date; Alpha does both.
    assert "1 of 2 documents do not name who published them" in unknown
    assert "1 of 2 documents do not make their own date clear" in unknown


def test_editors_may_put_it_in_the_navigation(tmp_path: Path) -> None:
    root = with_events(tmp_path)
    edit(
        root,
        "content/site.yaml",
        "nav: [paris-declaration,",
        "nav: [how-to-read, paris-declaration,",
    )
    assert build(root, search=False).ok
    nav = page(root / "site", "index.html").select_one("header nav")
    assert nav is not None and nav.select_one("a[href='/how-to-read/']") is not None
