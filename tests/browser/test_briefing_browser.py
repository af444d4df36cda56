"""Reading the briefing in Chromium as a busy reader: the summary first, reference previews
on hover, focus and tap, print, the phone menu, the matrix on a phone, the pictures, the
timeline's height, a card once per page, and landing on a passage and going back."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Route

    from tests.conftest import BuiltSite

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A 390 px wide touch screen."""
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    tab = context.new_page()
    yield tab
    context.close()


# 1. Summary first ---------------------------------------------------------------------------


def test_home_leads_with_the_news_and_an_at_a_glance_box(
    browser_context: BrowserContext, phone: Page, built_site: BuiltSite
) -> None:
    tab = browser_context.new_page()
    tab.goto(built_site.url)
    first = tab.locator("main .prose p").first.inner_text()
    assert "6 January 2026" in first and "Paris" in first
    glance = tab.locator("aside.glance")
    labels = glance.locator("dt").all_inner_texts()
    assert [label.lower() for label in labels] == [
        "signed",
        "commits to",
        "the force",
        "us role",
        "russia’s answer",
        "still open",
    ]
    assert glance.locator("dd").nth(0).locator("a.fn").count() >= 1  # each point is cited
    # Wide: beside the lead; phone: before it.
    prose, box = tab.locator("main .prose").bounding_box(), glance.bounding_box()
    assert prose and box and box["x"] > prose["x"] + prose["width"] - 1
    tab.close()
    phone.goto(built_site.url)
    prose, box = (
        phone.locator("main .prose").bounding_box(),
        phone.locator("aside.glance").bounding_box(),
    )
    assert prose and box and box["y"] + box["height"] <= prose["y"]


# 2. One footnote system: previews on hover, focus and tap -----------------------------------


def test_hovering_a_mark_previews_its_quoted_words(page: Page, built_site: BuiltSite) -> None:
    page.goto(built_site.url)
    mark = page.locator("main .prose a.fn").first
    number = mark.inner_text()
    quote = page.locator(f"#ref-{number} .ref-quote").inner_text()
    mark.hover()
    preview = page.locator(".fn-preview")
    preview.wait_for()
    assert " ".join(quote.split()) in " ".join(preview.inner_text().split())
    assert preview.get_by_role("link", name="Open the passage").is_visible()
    page.keyboard.press("Escape")
    assert page.locator(".fn-preview").count() == 0


def test_focusing_a_mark_previews_it_and_tab_reaches_its_links(
    page: Page, built_site: BuiltSite
) -> None:
    page.goto(built_site.url)
    mark = page.locator("main .prose a.fn").first
    mark.focus()
    preview = page.locator(".fn-preview")
    preview.wait_for()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('.fn-preview') !== null")
    assert focused, "Tab from a mark does not reach its preview's links"
    assert page.evaluate("document.activeElement.textContent") == "Open the passage"


def test_tapping_a_mark_previews_it_and_a_second_tap_follows_it(
    phone: Page, built_site: BuiltSite
) -> None:
    phone.goto(built_site.url)
    mark = phone.locator("main .prose a.fn").first
    number = mark.inner_text()
    mark.tap()
    phone.locator(".fn-preview").wait_for()
    assert urlsplit(phone.url).fragment == ""  # the first tap only previews
    mark.tap()
    phone.wait_for_function(f"location.hash === '#ref-{number}'")


def test_without_javascript_a_mark_links_to_its_reference(
    browser: Browser, built_site: BuiltSite
) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    try:
        tab.goto(built_site.url)
        mark = tab.locator("main a.fn").first
        href = mark.get_attribute("href")
        assert href and re.fullmatch(r"#ref-\d+", href)
        mark.click()
        assert tab.locator(href).is_visible()
    finally:
        context.close()


def test_marks_are_24_px_targets_and_prose_has_no_arrows(page: Page, built_site: BuiltSite) -> None:
    page.goto(built_site.url + "paris-declaration/")
    sizes = page.evaluate("""() => [...document.querySelectorAll('main a.fn')].map(a => {
        const r = a.getBoundingClientRect(); return [r.width, r.height]; })""")
    assert sizes and all(w >= 24 and h >= 24 for w, h in sizes)
    assert "↗" not in page.locator("main .prose").inner_text()


# 3. Print -----------------------------------------------------------------------------------


def test_printing_gives_plain_numbers_and_references_with_full_addresses(
    page: Page, tmp_path: Path
) -> None:
    """Built for a full `base_url`, a printed page ends with its references and their full
    addresses, prints no address inline, and no navigation, search or preview."""
    from builder.build import build
    from tests.conftest import ROOT

    out = tmp_path / "site"
    result = build(ROOT, out=out, base_url="https://briefing.example/")
    assert result.ok

    def from_disk(route: Route) -> None:
        path = urlsplit(route.request.url).path.lstrip("/")
        file = out / path / "index.html" if not Path(path).suffix else out / path
        types = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}
        if file.is_file():
            route.fulfill(
                body=file.read_bytes(),
                content_type=types.get(file.suffix, "text/html; charset=utf-8"),
            )
        else:
            route.fulfill(status=404, body="")

    page.route("https://briefing.example/**", from_disk)
    page.goto("https://briefing.example/paris-declaration/")
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['header nav', '.references-box > summary']
        .map(s => getComputedStyle(document.querySelector(s)).display)""")
    assert hidden == ["none", "none"]
    inline = page.evaluate("""() => [...document.querySelectorAll('main a')]
        .map(a => getComputedStyle(a, '::after').content)
        .filter(c => c !== 'none' && c !== 'normal')""")
    assert inline == []
    urls = page.locator(".references .ref-url")
    assert urls.count() > 0 and urls.first.is_visible()
    assert urls.first.inner_text().startswith("https://briefing.example/sources/")
    # The references close the page, before the footer that says when it is current to.
    last = page.evaluate("document.querySelector('main').lastElementChild.className")
    assert "references" in last
    assert "Current to" in page.locator("footer").inner_text()


# 4. No repetition ---------------------------------------------------------------------------


def test_a_fact_card_appears_at_most_once_on_any_page(page: Page, built_site: BuiltSite) -> None:
    repeated = []
    for html in built_site.html_pages():
        doc = BeautifulSoup(html.read_text("utf-8"), "html.parser")
        counts = Counter(a["href"] for a in doc.select("main .fact a.permalink"))
        repeated += [
            f"{html.relative_to(built_site.out)}: {href}" for href, n in counts.items() if n > 1
        ]
    assert not repeated
    page.goto(built_site.url + "disputes/")
    notes = page.locator("main .fact-dispute")
    assert notes.count() == 0  # each dispute's explanation is its heading, said once


# 5. The matrix on a phone -------------------------------------------------------------------


def test_matrix_headers_stay_in_view_while_scrolling_on_a_phone(
    phone: Page, built_site: BuiltSite
) -> None:
    phone.goto(built_site.url + "allies/")
    box = phone.locator(".matrix-scroll")
    box.scroll_into_view_if_needed()
    before = phone.evaluate("""() => {
        const s = document.querySelector('.matrix-scroll').getBoundingClientRect();
        return s.top; }""")
    # The matrix scrolls in its own box, both ways, on a phone.
    assert box.evaluate("el => el.scrollHeight > el.clientHeight + 100")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth + 300")
    box.evaluate("el => { el.scrollTop = 200; el.scrollLeft = 300; }")
    phone.wait_for_timeout(100)
    header, ally, container = phone.evaluate("""() => {
        const s = document.querySelector('.matrix-scroll').getBoundingClientRect();
        const h = document.querySelector('.matrix thead th:nth-child(3)').getBoundingClientRect();
        const a = document.querySelector('.matrix tbody tr:nth-child(4) th')
            .getBoundingClientRect();
        return [h.top, a.left, {top: s.top, left: s.left}]; }""")
    assert container["top"] == before
    assert abs(header - container["top"]) <= 2, "the issue row scrolled out of view"
    assert abs(ally - container["left"]) <= 2, "the ally column scrolled out of view"
    rows = phone.locator(".matrix tbody th").all_inner_texts()
    assert rows[:3] == ["United Kingdom", "France", "United States"]


def test_every_ally_in_the_sticky_column_is_ruled_off_from_the_next_on_a_phone(
    phone: Page, built_site: BuiltSite
) -> None:
    """Two allies must never read as one cell: between each pair of rows of the ally column
    a line is drawn, read off the pixels of a screenshot (sticky cells start at fractions
    of a pixel, and a later one can paint over the one above it)."""
    phone.goto(built_site.url + "allies/")
    phone.locator(".matrix-scroll").scroll_into_view_if_needed()
    shot = phone.screenshot()
    rows = phone.evaluate("""() => [...document.querySelectorAll('.matrix tbody th')]
        .map(th => { const r = th.getBoundingClientRect();
                     return [r.left, r.top, r.right, r.bottom]; })""")
    # Chromium decodes the screenshot and reads, per boundary, the darkest row of pixels
    # within a pixel of it across the column's middle.
    darkest = phone.evaluate(
        """async ([png, rows]) => {
            const img = new Image();
            img.src = 'data:image/png;base64,' + png;
            await img.decode();
            const c = document.createElement('canvas');
            c.width = img.width; c.height = img.height;
            const g = c.getContext('2d'); g.drawImage(img, 0, 0);
            const scale = img.width / window.innerWidth;
            const out = [];
            for (let i = 0; i + 1 < rows.length; i++) {
                const [l, , r, bottom] = rows[i];
                const box = document.querySelector('.matrix-scroll').getBoundingClientRect();
                if (bottom < box.top + 2 || bottom > Math.min(box.bottom, window.innerHeight) - 2) {
                    out.push(null); continue; }
                const x0 = Math.round((l + 4) * scale), x1 = Math.round((r - 4) * scale);
                let best = 255 * 3;
                const y0 = Math.floor((bottom - 2) * scale), y1 = Math.ceil((bottom + 1) * scale);
                for (let y = y0; y <= y1; y++) {
                    const d = g.getImageData(x0, y, x1 - x0, 1).data;
                    let sum = 0;
                    for (let k = 0; k < d.length; k += 4) sum += d[k] + d[k + 1] + d[k + 2];
                    best = Math.min(best, sum / (d.length / 4));
                }
                out.push(best);
            }
            return out; }""",
        [__import__("base64").b64encode(shot).decode(), rows],
    )
    names = phone.locator(".matrix tbody th").all_inner_texts()
    seen = [
        (a, b, v) for a, b, v in zip(names[:-1], names[1:], darkest, strict=True) if v is not None
    ]
    assert len(seen) >= 5, "the matrix's rows were not on screen"
    background = 255 * 3  # light mode: the cells are white; a line is visibly darker
    assert all(v < background - 60 for _, _, v in seen), seen


# 6. Pictures --------------------------------------------------------------------------------


def test_every_shape_of_the_pictures_links_to_a_fact(page: Page, built_site: BuiltSite) -> None:
    for path, figure in (
        ("", "#home-strip"),
        ("timeline/", "#timeline-strip"),
        ("mnf-u/", "#force-layers"),
    ):
        page.goto(built_site.url + path)
        links = page.locator(f"{figure} svg circle").evaluate_all(
            "cs => cs.map(c => c.closest('a') && c.closest('a').getAttribute('href'))"
        )
        assert links and all(h and re.search(r"/facts/[a-z0-9-]+/$", h) for h in links), path
        assert page.locator(f"{figure} figcaption").inner_text()
        # a briefing of this size draws every fact: bars are for crowded days of big ones
        assert page.locator(f"{figure} .strip-bar").count() == 0, path
    page.goto(built_site.url + "timeline/")
    labels = page.locator("#timeline-strip .strip-label").all_text_contents()
    assert "Earlier Paris summit" in labels[0]  # the undated block before the dated days
    dot = page.locator("#timeline-strip svg a").first
    href = dot.get_attribute("href")
    dot.click()
    page.wait_for_load_state()
    assert href and urlsplit(page.url).path == href


# 7. The timeline ----------------------------------------------------------------------------


def test_the_timeline_is_at_most_8000_px_tall_at_1280(page: Page, built_site: BuiltSite) -> None:
    page.goto(built_site.url + "timeline/")
    assert page.evaluate("document.documentElement.scrollHeight") <= 8000
    assert page.locator(".chronology .fact").count() == 0  # one line per fact, not cards


# 8. Navigation on a phone -------------------------------------------------------------------


def test_the_phone_menu_opens_every_section_and_search_stays_visible(
    phone: Page, built_site: BuiltSite
) -> None:
    phone.goto(built_site.url)
    toggle = phone.get_by_role("button", name="Menu")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert phone.get_by_role("link", name="Search", exact=True).first.is_visible()
    sections = phone.locator("#nav-list li:not(.nav-search) a")
    assert not sections.first.is_visible()
    toggle.tap()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert all(sections.nth(i).is_visible() for i in range(sections.count()))
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    with phone.expect_navigation():
        sections.last.tap()
    assert urlsplit(phone.url).path != "/"


# 9. Source pages ----------------------------------------------------------------------------


def test_landing_on_a_passage_names_its_claim_and_back_returns(
    page: Page, built_site: BuiltSite
) -> None:
    page.goto(built_site.url + "paris-declaration/")
    start = page.url
    passage = page.locator("#ref-1 a.ref-passage")
    passage.click()
    page.wait_for_load_state()
    anchor = urlsplit(page.url).fragment
    note = page.locator(f"[id='{anchor}'] .landed-note")
    assert note.is_visible() and "This passage supports" in note.inner_text()
    strong = page.locator(".source-text mark.landed")
    assert strong.count() >= 1
    others = page.locator(".source-text mark:not(.landed)")
    if others.count():
        assert others.first.evaluate("m => getComputedStyle(m).boxShadow") == "none"
    # The text comes first, the list of passages after it.
    order = page.evaluate("""() => [...document.querySelectorAll('main h2')]
        .map(h => h.id)""")
    assert order.index("full-text") < order.index("cited-passages")
    page.get_by_role("button", name="Back to where you were").click()
    page.wait_for_load_state()
    assert page.url.split("#")[0] == start
