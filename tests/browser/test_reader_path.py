"""A reader's path through the real site in Chromium: from the home page to a fact's source
passage and back, search, a deployment under a sub-path, and screenshots at phone and desk widths.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from tests.conftest import BuiltSite

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
TOPIC = "paris-declaration"


def _words(text: str) -> str:
    return " ".join(text.split())


def _path(url: str) -> str:
    return urlsplit(url).path


def test_home_to_topic_to_source_passage_and_back(
    page: Page, built_site: BuiltSite, facts_json: dict[str, Any]
) -> None:
    citations = {
        _path(c["url"]) + "#" + urlsplit(c["url"]).fragment: (fact, c)
        for fact in facts_json["facts"]
        for c in fact["citations"]
    }
    page.goto(built_site.url)
    topic_link = page.locator(f'a[href$="{TOPIC}/"]').first
    topic_link.click()
    page.wait_for_load_state()
    assert _path(page.url).endswith(f"{TOPIC}/"), f"the topic link led to {page.url}"
    topic_url = page.url

    # The first citation mark on the topic page whose target facts.json knows.
    marks = page.locator('main a[href*="/sources/"][href*="#"]')
    assert marks.count(), "the topic page shows no citation mark linking to a source passage"
    hrefs = [marks.nth(i).get_attribute("href") or "" for i in range(marks.count())]
    href = next((h for h in hrefs if h in citations), None)
    assert href, f"no citation mark on the topic page is a citation of facts.json: {hrefs[:5]}"
    fact, citation = citations[href]
    page.locator(f'main a[href="{href}"]').first.click()
    page.wait_for_load_state()
    _assert_passage_in_view(page, fact["url"], citation["passage"])
    source_url = page.url

    # From the marked passage back to the fact it supports: the link that closes the passage.
    back = page.locator(f':target ~ a[href="{_path(fact["url"])}"]').first
    assert back.count(), f"the marked passage has no link back to fact {fact['id']}"
    back.click()
    page.wait_for_load_state()
    assert _path(page.url) == _path(fact["url"])
    assert _words(fact["claim"]["text"]) in _words(page.locator("main").inner_text())

    page.go_back()
    assert page.url == source_url
    _assert_passage_in_view(page, fact["url"], citation["passage"], restored=True)
    page.go_back()
    assert page.url == topic_url


def _assert_passage_in_view(
    page: Page, fact_url: str, passage: str, *, restored: bool = False
) -> None:
    """The fragment's target starts the cited passage: the marked words that follow it, up to
    the link back to the fact, are the quote, and the first of them is on screen (at least
    partly, when `restored` by the Back button to where the reader left)."""
    target = page.locator(":target")
    assert target.count() == 1, f"{page.url}: the fragment names no element"
    marked = target.evaluate(
        """(anchor, factPath) => {
            const texts = [];
            let first = null;
            for (let node = anchor; node; node = node.nextElementSibling) {
                if (node.tagName === "A" && new URL(node.href).pathname === factPath) break;
                if (node.tagName === "MARK") {
                    texts.push(node.textContent);
                    first = first || node;
                }
            }
            if (anchor.tagName === "MARK") { texts.unshift(anchor.textContent); first = anchor; }
            const box = first && first.getBoundingClientRect();
            return {text: texts.join(""), top: box ? box.top : -1, bottom: box ? box.bottom : -1};
        }""",
        _path(fact_url),
    )
    assert marked["text"], "no <mark> follows the citation's anchor"
    assert _words(passage) in _words(marked["text"]), (
        f"the marked words {marked['text']!r} are not the cited passage {passage!r}"
    )
    viewport = page.viewport_size
    assert viewport is not None
    top, bottom, height = marked["top"], marked["bottom"], viewport["height"]
    in_view = (bottom > 0 and top < height) if restored else (top >= 0 and bottom <= height)
    assert in_view, f"the marked passage is out of view ({top:.0f}..{bottom:.0f}px of {height})"


def test_search_finds_a_fact_by_a_word_of_its_claim(
    page: Page, built_site: BuiltSite, facts_json: dict[str, Any]
) -> None:
    fact, word = _fact_with_a_rare_word(facts_json["facts"])
    page.goto(built_site.url + "search/")
    box = page.locator('input[type="search"], .pagefind-ui__search-input').first
    box.fill(word)
    result = page.locator(f'main a[href$="{_path(fact["url"])}"]').first
    result.wait_for(timeout=10_000)
    result.click()
    page.wait_for_load_state()
    assert _path(page.url) == _path(fact["url"])
    assert word.lower() in page.locator("main").inner_text().lower()


def _fact_with_a_rare_word(facts: list[dict[str, Any]]) -> tuple[dict[str, Any], str]:
    """A fact and a long word that no other fact's claim uses, so search must find that fact."""
    words_of = {f["id"]: set(re.findall(r"[A-Za-z]{8,}", f["claim"]["text"])) for f in facts}
    counts = Counter(w.lower() for words in words_of.values() for w in words)
    for fact in facts:
        for word in sorted(words_of[fact["id"]]):
            if counts[word.lower()] == 1:
                return fact, word
    pytest.fail("no fact has a word of its own to search for")


def test_site_deployed_under_a_sub_path_loads_everything(
    browser_context: BrowserContext, subpath_site: BuiltSite
) -> None:
    tab = browser_context.new_page()
    failed: list[str] = []
    tab.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    tab.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
    try:
        tab.goto(subpath_site.url)
        assert tab.evaluate("document.styleSheets.length") > 0, "no stylesheet loaded"
        first_fact = tab.locator('main a[href*="/briefing/facts/"]').first
        first_fact.click()
        tab.wait_for_load_state()
        assert _path(tab.url).startswith("/briefing/facts/")
    finally:
        tab.close()
    assert not failed, "requests that failed under /briefing/:\n" + "\n".join(failed)


@pytest.mark.parametrize("width", [390, 1280])
def test_screenshots_and_no_sideways_scrolling(
    browser_context: BrowserContext,
    built_site: BuiltSite,
    facts_json: dict[str, Any],
    width: int,
) -> None:
    """Saves full-page screenshots for people to look at; a phone must never scroll sideways."""
    facts = facts_json["facts"]
    # The busiest fact page: a disputed fact with the most citations.
    fact = max(facts, key=lambda f: (bool(f["disputes"]), len(f["citations"])))
    source = fact["citations"][0]
    topic = f"{TOPIC}/" if (built_site.out / TOPIC).is_dir() else f"topics/{TOPIC}/"
    pages = {
        "home": built_site.url,
        "topic": built_site.url + topic,
        "allies": built_site.url + "allies/",
        "source": built_site.origin + _path(source["url"]),
        "fact": built_site.origin + _path(fact["url"]),
        "timeline": built_site.url + "timeline/",
    }
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab = browser_context.new_page()
    tab.set_viewport_size({"width": width, "height": 900})
    too_wide = []
    try:
        for name, url in pages.items():
            response = tab.goto(url)
            assert response is not None and response.ok, f"{url} answered {response}"
            tab.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
            scroll_width = tab.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                too_wide.append(f"  {name} ({url}): {scroll_width}px wide")
    finally:
        tab.close()
    assert not too_wide, f"pages wider than a {width}px screen:\n" + "\n".join(too_wide)
