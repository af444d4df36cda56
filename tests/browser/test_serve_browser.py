"""The editor's loop in a real browser: save a fact, see the page change by itself; break it,
see the error where you look; fix it, see the page come back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.helpers import copy_fixture, edit
from tests.serve_process import Preview, running_preview

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

FACTS = "content/facts/russia.yaml"


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    with running_preview(copy_fixture(tmp_path)) as running:
        yield running


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    tab = context.new_page()
    yield tab
    context.close()


def test_a_saved_fact_reloads_the_open_page(preview: Preview, page: Page) -> None:
    page.goto(preview.url + "facts/axis-of-war/")
    page.wait_for_function("document.querySelector('h1') !== null")
    assert "(said again)" not in page.content()
    with page.expect_navigation(timeout=20_000):
        edit(preview.root, FACTS, "an 'axis of war'.", "an 'axis of war' (said again).")
    page.wait_for_selector("text=(said again)", timeout=20_000)
    preview.wait_for(r"page reloaded \d+ ms after the save")


def test_a_broken_save_shows_the_error_and_a_fix_brings_the_page_back(
    preview: Preview, page: Page
) -> None:
    page.goto(preview.url)
    heading = page.locator("h1").first.inner_text()
    good = (preview.root / FACTS).read_text(encoding="utf-8")
    with page.expect_navigation(timeout=20_000):
        edit(preview.root, FACTS, 'quote: "called the coalition', 'quote: "phoned the coalition')
    overlay = page.locator("#briefing-problems")
    overlay.wait_for(state="visible", timeout=20_000)
    text = overlay.inner_text()
    line = next(
        n for n, row in enumerate(good.splitlines(), 1) if 'quote: "called the coalition' in row
    )
    assert f"{FACTS}:{line}" in text
    assert "quote" in text
    # The last good site is still served underneath, and the server still answers.
    assert page.locator("h1").first.inner_text() == heading
    with page.expect_navigation(timeout=20_000):
        (preview.root / FACTS).write_text(good, encoding="utf-8")
    page.wait_for_load_state()
    assert page.locator("#briefing-problems").count() == 0
    assert page.locator("h1").first.inner_text() == heading


def test_bad_yaml_names_the_file_and_line_in_the_browser(preview: Preview, page: Page) -> None:
    page.goto(preview.url + "timeline/")
    with page.expect_navigation(timeout=20_000):
        (preview.root / FACTS).write_text(
            "- id: axis-of-war\n  claim: [unclosed\n", encoding="utf-8"
        )
    overlay = page.locator("#briefing-problems")
    overlay.wait_for(state="visible", timeout=20_000)
    assert f"{FACTS}:" in overlay.inner_text()


def test_the_search_box_finds_a_saved_word_after_the_reload(preview: Preview, page: Page) -> None:
    page.goto(preview.url + "search/?q=quokkas")
    page.wait_for_selector("text=No results", timeout=20_000)
    with page.expect_navigation(timeout=20_000):
        edit(preview.root, FACTS, "an 'axis of war'.", "an 'axis of quokkas'.")
    result = page.locator(".search-result > a").first
    result.wait_for(timeout=20_000)
    assert result.inner_text() == "A spokeswoman called the coalition an 'axis of quokkas'."
    assert page.locator(".search-result mark").first.inner_text() == "quokkas'."
