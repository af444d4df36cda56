"""Hostile content in a real browser: with scripts running (and the Content-Security-Policy
bypassed, so only escaping protects the page), no payload written into the content ever
runs or becomes markup, on any page or in search results."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page

from builder.build import build
from tests.conftest import BuiltSite, serve
from tests.helpers import copy_fixture, edit

pytestmark = pytest.mark.browser

RUN = "window.__pwned=1"
PAYLOADS = {
    # (file, text replaced, hostile replacement)
    "claim": (
        "content/facts/paris.yaml",
        "claim: Dozens of countries joined the coalition.",
        f"claim: '<img src=x onerror={RUN}> Dozens of coalitionjoiners "
        f"<script>{RUN}</script> [go](javascript:{RUN})'",
    ),
    "actor-name": (
        "content/actors.yaml",
        "name: France",
        f'name: "France\\" onmouseover=\\"{RUN}\\" \'><svg onload={RUN}>"',
    ),
    "source-title": (
        "content/sources.yaml",
        "title: Beta digest",
        f'title: "</script><script>{RUN}</script> Beta coalitionjoiners"',
    ),
    "page-body": (
        "content/pages/allies.md",
        "Positions of the allies",
        f'<iframe srcdoc="<script>parent.{RUN}</script>"></iframe> Positions',
    ),
    "site-title": (
        "content/site.yaml",
        "title: Mini briefing",
        f'title: "Mini</title><script>{RUN}</script>"',
    ),
}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    root = copy_fixture(tmp_path_factory.mktemp("hostile"))
    for rel, old, new in PAYLOADS.values():
        edit(root, rel, old, new)
    docroot = root / "www"
    result = build(root, out=docroot)  # with the search index
    assert result.ok, [p.as_text() for p in result.problems]
    running = serve(BuiltSite(out=docroot, docroot=docroot, base_path="/"))
    yield running.site
    running.stop()


@pytest.fixture
def page(browser_context: BrowserContext) -> Iterator[Page]:
    page = browser_context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    page.close()
    assert not dialogs, dialogs


def assert_inert(page: Page, where: str) -> None:
    assert page.evaluate("window.__pwned") is None, f"a payload ran on {where}"
    found = page.evaluate(
        """() => [...document.querySelectorAll('*')].flatMap(el => [
            ...(['IFRAME', 'SVG', 'IMG'].includes(el.tagName.toUpperCase())
                && el.outerHTML.includes('pwned') ? [el.tagName] : []),
            ...[...el.attributes].filter(a => a.name.startsWith('on')
                || /^\\s*javascript:/i.test(a.value)).map(a => el.tagName + '@' + a.name),
        ])"""
    )
    assert found == [], f"{where}: injected {found}"


def test_no_page_runs_or_shows_a_payload_as_markup(page: Page, hostile_site: BuiltSite) -> None:
    pages = hostile_site.html_pages()
    assert len(pages) > 10
    for path in pages:
        url = hostile_site.url_of(path)
        page.goto(url)
        page.wait_for_load_state("load")
        page.locator("body").hover()  # mouse over everything a handler could hide behind
        assert_inert(page, url)


def test_hostile_text_reads_as_text(page: Page, hostile_site: BuiltSite) -> None:
    page.goto(hostile_site.url + "facts/dozens-of-countries/")
    assert "<script>window.__pwned=1</script>" in page.locator("main").inner_text()
    page.goto(hostile_site.url + "actors/france/")
    assert 'onmouseover="window.__pwned=1"' in page.locator("h1").inner_text()


def test_search_results_for_hostile_text_stay_inert(page: Page, hostile_site: BuiltSite) -> None:
    page.goto(hostile_site.url + "search/?q=coalitionjoiners")
    page.locator("[data-search-status]").filter(has_text="result").wait_for()
    assert page.locator("[data-search-results] > li").count() >= 1
    assert_inert(page, "search results")


def test_the_built_pages_exist_on_disk(hostile_site: BuiltSite) -> None:
    assert Path(hostile_site.out / "pagefind").is_dir(), "the search index was built"


@pytest.mark.parametrize("base_url", ["/briefing/", "https://example.org/briefing/"])
def test_pages_built_for_an_accepted_base_url_request_nothing_from_another_origin(
    browser_context: BrowserContext, tmp_path: Path, base_url: str
) -> None:
    root = copy_fixture(tmp_path)
    docroot = tmp_path / "www"
    result = build(root, out=docroot / "briefing", base_url=base_url)  # with the search index
    assert result.ok, [p.as_text() for p in result.problems]
    running = serve(BuiltSite(out=docroot / "briefing", docroot=docroot, base_path="/briefing/"))
    tab = browser_context.new_page()
    requested: list[str] = []
    tab.on("request", lambda request: requested.append(request.url))
    try:
        for url in (
            running.site.url,
            running.site.url + "search/?q=coalition",
            running.site.url + "sources/",
        ):
            tab.goto(url)
            tab.wait_for_load_state("networkidle")
    finally:
        tab.close()
        running.stop()
    assert any(url.endswith(".css") for url in requested), requested
    assert any(url.endswith(".js") for url in requested), requested
    foreign = [url for url in requested if not url.startswith(running.site.origin + "/")]
    assert foreign == [], foreign


def test_a_base_url_with_a_backslash_builds_no_page_that_could_load_a_foreign_script(
    tmp_path: Path,
) -> None:
    root = copy_fixture(tmp_path)
    edit(root, "content/site.yaml", "base_url: /", "base_url: /\\evil.example/")
    result = build(root, out=tmp_path / "www")
    assert not result.ok and not (tmp_path / "www").exists()
    assert [(p.file, p.field) for p in result.errors] == [("content/site.yaml", "base_url")]
