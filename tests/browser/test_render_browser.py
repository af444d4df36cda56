"""The stylesheet in a real browser: print, dark mode, the skip link, landing on a passage."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bs4 import BeautifulSoup

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.conftest import BuiltSite


def _first_citation(site: BuiltSite) -> tuple[str, str]:
    """A fact page's URL and the passage its first reference links to."""
    for html in sorted((site.out / "facts").glob("*/index.html")):
        doc = BeautifulSoup(html.read_text("utf-8"), "html.parser")
        passage = doc.select_one("#ref-1 a.ref-passage")
        if doc.select_one("a.fn") is not None and passage is not None:
            return site.url_of(html), str(passage["href"])
    raise AssertionError("no fact page has a reference")


def test_print_hides_navigation_and_prints_no_address_inline(
    page: Page, built_site: BuiltSite
) -> None:
    url, _ = _first_citation(built_site)
    page.goto(url)
    page.emulate_media(media="print", color_scheme="dark")
    assert page.evaluate("getComputedStyle(document.querySelector('header nav')).display") == (
        "none"
    )
    # No link prints its address after it; marks print as plain numbers.
    printed = page.evaluate("""() => [...document.querySelectorAll('a')].map(
        a => getComputedStyle(a, '::after').content).filter(c => c !== 'none' && c !== 'normal')""")
    assert printed == []
    assert page.evaluate("getComputedStyle(document.querySelector('a.fn')).backgroundColor") in (
        "rgba(0, 0, 0, 0)",
        "transparent",
    )
    # Paper is white whatever the screen's theme.
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"


def test_dark_mode_follows_the_reader(page: Page, built_site: BuiltSite) -> None:
    page.goto(built_site.url)
    page.emulate_media(color_scheme="light")
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.emulate_media(color_scheme="dark")
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert light == "rgb(255, 255, 255)"
    assert dark != light


def test_the_skip_link_comes_first_shows_on_focus_and_reaches_main(
    page: Page, built_site: BuiltSite
) -> None:
    page.goto(built_site.url + "timeline/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["y"] >= 0 and box["height"] > 0
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


def test_a_citation_lands_on_its_marked_passage(page: Page, built_site: BuiltSite) -> None:
    url, href = _first_citation(built_site)
    page.goto(url)
    page.locator("a.fn").first.click()  # a mouse click follows the mark to its reference
    page.wait_for_load_state()
    assert page.url.endswith("#ref-1")
    page.locator("#ref-1 a.ref-passage").click()
    page.wait_for_load_state()
    anchor = href.split("#", 1)[1]
    assert page.url.endswith("#" + anchor)
    mark = page.locator(f"[id='{anchor}'] + mark")
    assert mark.is_visible()
    assert "landed" in (mark.get_attribute("class") or "")
    box = mark.bounding_box()
    assert box is not None and 0 <= box["y"] < 900
