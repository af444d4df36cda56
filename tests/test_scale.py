"""A large briefing stays readable: the pictures and the reference lists aggregate past a
bound instead of growing with every fact (a page a reader opens stays a page).

Built from the benchmark's synthetic corpus (1,500 facts over five months), parsed as a
browser would. Sizes here are reader-facing bounds, not timings.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from benchmarks import gen_corpus
from builder.build import build

REPO = Path(__file__).resolve().parent.parent
N = 1500


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("large")
    gen_corpus.generate(N, root)
    shutil.copytree(REPO / "templates", root / "templates")
    result = build(root, search=False)
    assert result.ok, result.problems[:3]
    return root / "site"


def page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize(
    ("path", "figure"), [("index.html", "home-strip"), ("timeline/index.html", "timeline-strip")]
)
def test_the_strip_draws_bars_by_month_not_a_dot_per_fact(
    site: Path, path: str, figure: str
) -> None:
    strip = page(site, path).find(id=figure)
    assert strip is not None
    wide = strip.select_one("svg.strip-wide")
    assert wide is not None
    labels = [t.get_text(" ", strip=True) for t in wide.select(".strip-label")]
    # five months of facts: a column per month, not one per day
    assert labels == [
        "September 2025",
        "October 2025",
        "November 2025",
        "December 2025",
        "January 2026",
    ]
    bars = wide.select("a:has(> rect.strip-bar)")
    assert len(bars) == 5
    assert not wide.select("circle.strip-dot")
    caption = strip.figcaption.get_text(" ", strip=True)
    assert "one bar per month" in caption and "that month's page" in caption
    assert "dot" not in caption  # there is none
    # a bar's name says how many facts it stands for; together they are every dated fact,
    # and each links to its month's page of the timeline, which lists that many
    counts = [
        int(re.search(r": ([\d,]+) facts", a["aria-label"]).group(1).replace(",", "")) for a in bars
    ]
    for a, count in zip(bars, counts, strict=True):
        month = page(site, a["href"].lstrip("/") + "index.html")
        assert len(month.select(".chrono-row")) == count


def test_a_long_timeline_is_a_page_per_month(site: Path) -> None:
    first = page(site, "timeline/index.html")
    months = first.select("nav.timeline-months a")
    assert [a.get_text() for a in months] == [
        "September 2025",
        "October 2025",
        "November 2025",
        "December 2025",
        "January 2026",
    ]
    assert not first.select("[id^=d-] .chrono-row")  # the dated lines are on the months' pages
    assert first.select("details.undated-group .chrono-row")  # the undated ones stay here
    seen: list[str] = []
    for a in months:
        path = a["href"].lstrip("/") + "index.html"
        month = page(site, path)
        assert month.h1.get_text() == f"Timeline: {a.get_text()}"
        assert month.select_one('nav.timeline-months [aria-current="page"]').get_text() == (
            a.get_text()
        )
        rows = month.select(".chrono-row")
        count = int(
            re.search(r"\(([\d,]+) facts?\)", a.parent.get_text()).group(1).replace(",", "")
        )
        assert len(rows) == count
        days = [d["id"] for d in month.select("section.chrono-day")]
        assert days == sorted(days) and all(d.startswith(f"d-{path[9:16]}") for d in days)
        seen += [r.select_one("a.chrono-fact")["href"] for r in rows]
        # every mark on a month's page resolves to its own References list
        ids = {li["id"] for li in month.select("ol.references-list > li")}
        assert {m["href"][1:] for m in month.select("a.fn")} <= ids
    assert len(seen) == len(set(seen)) > 1000  # each dated fact once, on its month's page
    # a fact's page says on which month's page of the timeline it appears
    fact = page(site, seen[0].lstrip("/") + "index.html")
    appears = [a["href"] for a in fact.select("#appears ~ ul a")]
    assert months[0]["href"] in appears


def test_a_column_of_few_facts_keeps_a_dot_per_fact(tmp_path: Path) -> None:
    root = tmp_path / "small"
    gen_corpus.generate(60, root)  # dozens of days, a handful of facts a month
    shutil.copytree(REPO / "templates", root / "templates")
    assert build(root, search=False).ok
    strip = page(root / "site", "index.html").select_one("#home-strip svg.strip-wide")
    assert strip is not None
    assert not strip.select("rect.strip-bar")
    dots = strip.select("a > circle.strip-dot")
    timeline = page(root / "site", "timeline/index.html")
    dated = [a["href"] for d in timeline.select("[id^=d-]") for a in d.select("a.chrono-fact")]
    assert sorted(d.parent["href"] for d in dots) == sorted(dated)


def test_a_long_references_list_is_folded_and_compact(site: Path) -> None:
    timeline = page(site, "timeline/index.html")
    box = timeline.select_one("section.references details.references-box")
    assert box is not None and not box.has_attr("open")
    entries = box.select("ol.references-list > li")
    assert len(entries) >= 100
    for li in entries[:50]:
        # the words, the source, and the link to the passage: the passage's own page links
        # the original and the facts
        assert li.select_one("q.ref-quote").get_text()
        assert li.select_one(".ref-source cite").get_text()
        assert li.select_one("a.ref-passage")["href"].startswith("/sources/")
        assert not li.select("a.ref-fact")
    # every mark on the page still resolves to its entry
    ids = {li["id"] for li in entries}
    assert {a["href"][1:] for a in timeline.select("a.fn")} <= ids


def test_a_short_references_list_keeps_the_facts_and_the_original(site: Path) -> None:
    fact = next((site / "facts").iterdir())
    entries = page(site, f"facts/{fact.name}/index.html").select("ol.references-list > li")
    assert entries
    assert all(li.select("a.ref-fact") for li in entries)
