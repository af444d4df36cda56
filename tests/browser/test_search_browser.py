"""The search box in a real browser: Pagefind's index queried through `search.js`."""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from markupsafe import Markup

from builder.findable import SearchRecord
from builder.search import BUNDLE_DIR, index_records
from tests.conftest import ROOT, BuiltSite, serve

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

pytestmark = pytest.mark.browser

SEARCH_JS = ROOT / "templates" / "static" / "search.js"

LAYOUT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main{body}><h1>{title}</h1>{content}</main>{script}</body></html>
"""

SEARCH_UI = """
<div class="search" data-search data-base-path="{base}" hidden>
  <form role="search" data-search-form>
    <label for="search-input">Search facts, actors and sources</label>
    <input id="search-input" type="search" name="q" data-search-input>
    <button type="submit">Search</button>
  </form>
  <p role="status" aria-live="polite" data-search-status></p>
  <ol data-search-results></ol>
  <button type="button" data-search-more hidden>More results</button>
</div>
<ul class="no-js-index"><li><a href="{base}facts/putin-vladivostok/">Putin</a></li></ul>
"""

PAGES = {
    "facts/macron-26-countries/": (
        "Macron: 26 countries",
        "Fact",
        "Twenty-six countries pledged to deploy a reassurance force.",
    ),
    "facts/putin-vladivostok/": (
        "Putin answers from Vladivostok",
        "Fact",
        "Putin said foreign troops would be <b>legitimate</b> targets &lt;script&gt;.",
    ),
    "actors/putin/": ("Vladimir Putin", "Actor", "President of Russia, spoke in Vladivostok."),
    "sources/bbc/": ("BBC report", "Source", "The archived text of the BBC report."),
}


def write_fixture_site(out: Path, base: str) -> None:
    for path, (title, _kind, text) in PAGES.items():
        page = out / path / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(LAYOUT.format(title=title, body="", content=f"<p>{text}</p>", script=""))
    search = out / "search" / "index.html"
    search.parent.mkdir(parents=True)
    script = f'<script src="{base}static/search.js" defer></script>'
    search.write_text(
        LAYOUT.format(title="Search", body="", content=SEARCH_UI.format(base=base), script=script)
    )
    (out / "static").mkdir()
    shutil.copy(SEARCH_JS, out / "static" / "search.js")


@pytest.fixture(scope="module", params=["/", "/briefing/"])
def fixture_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BuiltSite]:
    base: str = request.param
    docroot = tmp_path_factory.mktemp("search-site")
    out = docroot / base.strip("/") if base.strip("/") else docroot
    out.mkdir(parents=True, exist_ok=True)
    write_fixture_site(out, base)
    records = [
        SearchRecord(path, kind, title, Markup("<h1>{}</h1><p>{}</p>").format(title, Markup(text)))
        for path, (title, kind, text) in PAGES.items()
    ]
    assert index_records(records, out / BUNDLE_DIR).ok
    running = serve(BuiltSite(out=out, docroot=docroot, base_path=base))
    yield running.site
    running.stop()


@pytest.fixture
def page(browser_context: BrowserContext) -> Iterator[Page]:
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    page.close()
    assert not errors, errors


def results(page: Page) -> list[tuple[str, str, str]]:
    """(kind, link text, href) of each result shown."""
    items = page.locator("[data-search-results] > li")
    return [
        (
            item.locator(".search-kind").text_content() or "",
            item.locator("a").inner_text(),
            item.locator("a").get_attribute("href") or "",
        )
        for item in items.all()
    ]


def test_typing_finds_the_fact_and_says_how_many(page: Page, fixture_site: BuiltSite) -> None:
    page.goto(fixture_site.url + "search/")
    box = page.get_by_label("Search facts, actors and sources")
    box.fill("reassurance")
    status = page.locator("[data-search-status]")
    status.filter(has_text="1 result").wait_for()
    assert status.get_attribute("aria-live") == "polite"
    assert results(page) == [
        ("Fact", "Macron: 26 countries", f"{fixture_site.base_path}facts/macron-26-countries/")
    ]
    excerpt = page.locator(".search-excerpt mark").first.inner_text()
    assert excerpt.lower() == "reassurance"


def test_results_say_their_kind_and_link_to_the_page(page: Page, fixture_site: BuiltSite) -> None:
    page.goto(fixture_site.url + "search/?q=Vladivostok")
    page.locator("[data-search-status]").filter(has_text="2 results").wait_for()
    found = sorted(results(page))
    assert found == sorted(
        [
            ("Actor", "Vladimir Putin", f"{fixture_site.base_path}actors/putin/"),
            (
                "Fact",
                "Putin answers from Vladivostok",
                f"{fixture_site.base_path}facts/putin-vladivostok/",
            ),
        ]
    )
    page.locator("[data-search-results] a", has_text="Vladimir Putin").click()
    page.wait_for_url(f"**{fixture_site.base_path}actors/putin/")
    assert page.locator("h1").inner_text() == "Vladimir Putin"


def test_no_results_is_announced(page: Page, fixture_site: BuiltSite) -> None:
    page.goto(fixture_site.url + "search/")
    page.get_by_label("Search facts, actors and sources").fill("zzzyxq")
    page.locator("[data-search-status]").filter(has_text="No results").wait_for()
    assert results(page) == []


def test_excerpts_are_text_not_markup(page: Page, fixture_site: BuiltSite) -> None:
    page.goto(fixture_site.url + "search/?q=legitimate")
    page.locator("[data-search-status]").filter(has_text="1 result").wait_for()
    excerpt = page.locator(".search-excerpt")
    assert excerpt.locator("script, b, a, img").count() == 0
    assert "<script>" in excerpt.inner_text()


def test_the_keyboard_reaches_every_result(page: Page, fixture_site: BuiltSite) -> None:
    page.goto(fixture_site.url + "search/")
    box = page.get_by_label("Search facts, actors and sources")
    box.focus()
    page.keyboard.type("Vladivostok")
    page.locator("[data-search-status]").filter(has_text="2 results").wait_for()
    page.keyboard.press("ArrowDown")
    first = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("ArrowDown")
    second = page.evaluate("document.activeElement.textContent")
    assert sorted([first, second]) == ["Putin answers from Vladivostok", "Vladimir Putin"]
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "search-input"
    page.keyboard.press("Escape")
    assert box.input_value() == ""
    page.locator("[data-search-results] > li").first.wait_for(state="detached")


def test_without_javascript_the_box_stays_hidden(
    browser_context: BrowserContext, fixture_site: BuiltSite
) -> None:
    browser = browser_context.browser
    assert browser is not None
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(fixture_site.url + "search/")
    assert not page.locator("[data-search]").is_visible()
    assert page.locator(".no-js-index a").count() == 1
    context.close()


# The repository's own site, at / and under /briefing/ ------------------------------------


@pytest.fixture(params=["built_site", "subpath_site"])
def real_site(request: pytest.FixtureRequest) -> BuiltSite:
    site: BuiltSite = request.getfixturevalue(request.param)
    return site


def a_word_only_one_claim_has(site: BuiltSite) -> tuple[str, str]:
    """(word, fact URL): a word of one fact's claim that no other claim uses."""
    facts = json.loads((site.out / "facts.json").read_text(encoding="utf-8"))["facts"]
    words = {f["url"]: set(re.findall(r"[A-Za-z]{7,}", f["claim"]["text"].lower())) for f in facts}
    counts = Counter(word for found in words.values() for word in found)
    for url, found in sorted(words.items()):
        for word in sorted(found):
            if counts[word] == 1:
                return word, url
    raise AssertionError("every claim word is shared")


def search_index(page: Page, site: BuiltSite, words: str) -> list[list[str]]:
    """(url, kind, title) of every result Pagefind's own API gives for `words`."""
    page.goto(site.url + "search/")
    found: list[list[str]] = page.evaluate(
        """async ([base, words]) => {
            const pagefind = await import(base + "pagefind/pagefind.js");
            await pagefind.options({ baseUrl: base });
            const answer = await pagefind.search(words);
            const data = await Promise.all(answer.results.map((r) => r.data()));
            return data.map((d) => [d.url, d.meta.kind, d.meta.title]);
        }""",
        [site.base_path, words],
    )
    return found


def test_the_index_finds_a_fact_by_a_word_of_its_claim(page: Page, real_site: BuiltSite) -> None:
    word, fact_url = a_word_only_one_claim_has(real_site)
    found = search_index(page, real_site, word)
    assert [fact_url, "Fact"] in [row[:2] for row in found], (word, found)


def test_the_index_finds_a_fact_by_words_of_its_quote(page: Page, real_site: BuiltSite) -> None:
    """Words a fact quotes from its source, and no claim uses, find the fact (its page
    lists the quote under References, which the rendered page kept out of search)."""
    facts = json.loads((real_site.out / "facts.json").read_text(encoding="utf-8"))["facts"]
    in_claims = Counter(
        word for f in facts for word in set(re.findall(r"[A-Za-z]{7,}", f["claim"]["text"].lower()))
    )
    for fact in sorted(facts, key=lambda f: f["id"]):
        quoted = {w for c in fact["citations"] for w in re.findall(r"[A-Za-z]{8,}", c["passage"])}
        unused = sorted(w for w in quoted if not in_claims[w.lower()])
        if len(unused) >= 2:
            break
    else:
        raise AssertionError("every quoted word is in some claim")
    found = search_index(page, real_site, " ".join(unused[:2]))
    assert [fact["url"], "Fact"] in [row[:2] for row in found], (unused[:2], found)


def test_the_index_finds_an_actor_by_name(page: Page, real_site: BuiltSite) -> None:
    with (real_site.out / "actors.csv").open(encoding="utf-8", newline="") as table:
        actor = next(row for row in csv.DictReader(table) if row["id"] == "macron")
    found = search_index(page, real_site, actor["name"])
    url = f"{real_site.base_path}actors/macron/"
    assert found[0] == [url, "Actor", actor["name"]], "the actor's own page comes first"


def test_the_search_box_shows_the_fact_as_a_fact(page: Page, real_site: BuiltSite) -> None:
    word, fact_url = a_word_only_one_claim_has(real_site)
    page.goto(real_site.url + "search/")
    page.get_by_label("Search facts, actors and sources").fill(word)
    page.locator("[data-search-status]").filter(has_text="for \u201c").wait_for()
    more = page.locator("[data-search-more]")
    while more.is_visible():
        shown = page.locator("[data-search-results] > li").count()
        more.click()
        page.wait_for_function(
            f"document.querySelectorAll('[data-search-results] > li').length > {shown}"
        )
    assert ("Fact", fact_url) in [(kind, href) for kind, _, href in results(page)]


def test_more_results_come_in_pages_and_focus_the_first_new_one(
    page: Page, built_site: BuiltSite
) -> None:
    page.goto(built_site.url + "search/?q=Ukraine")
    status = page.locator("[data-search-status]")
    status.filter(has_text="results for").wait_for()
    total = int((status.text_content() or "").split()[0])
    assert total > 20, "the briefing mentions Ukraine on more than one page of results"
    items = page.locator("[data-search-results] > li")
    assert items.count() == 20
    page.get_by_role("button", name="More results").click()
    page.wait_for_function("document.querySelectorAll('[data-search-results] > li').length > 20")
    assert items.count() == min(total, 40)
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == items.nth(20).locator("a").get_attribute("href")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_search_box_with_results_passes_axe(
    browser_context: BrowserContext,
    built_site: BuiltSite,
    require_tool: Callable[[str], Path],
    scheme: str,
) -> None:
    page = browser_context.new_page()
    page.add_init_script(require_tool("axe").read_text(encoding="utf-8"))
    page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
    try:
        page.goto(built_site.url + "search/?q=Ukraine")
        page.locator("[data-search-status]").filter(has_text="results for").wait_for()
        violations = page.evaluate(
            """async () => {
                const r = await axe.run(document, {runOnly: {type: "tag", values:
                    ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}});
                return r.violations.map(v => v.id + ": " + v.help + " at "
                    + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
            }"""
        )
    finally:
        page.close()
    assert violations == []
