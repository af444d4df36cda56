"""The citation finder in a real browser, on a real `briefing serve`: type the words you
remember, see the passages appear, copy a citation, paste it into a fact, and the build
accepts it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
import yaml
from playwright.sync_api import expect

from builder.cite_page import PAGE
from tests.helpers import copy_fixture, run_cli
from tests.serve_process import Preview, running_preview

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    with running_preview(copy_fixture(tmp_path)) as running:
        yield running


@pytest.fixture
def page(browser: Browser, preview: Preview) -> Iterator[Page]:
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(preview.url))
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    tab = context.new_page()
    errors: list[str] = []
    elsewhere: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on(
        "request",
        lambda request: None if request.url.startswith(origin) else elsewhere.append(request.url),
    )
    yield tab
    context.close()
    assert not errors, errors
    assert not elsewhere, f"the finder reached beyond the preview: {elsewhere}"


def test_typing_shows_passages_and_copy_gives_a_citation_that_builds(
    preview: Preview, page: Page
) -> None:
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(preview.url))
    assert f"citation finder: {origin}{PAGE}" in preview.seen  # said at start-up
    page.goto(origin + PAGE)
    page.get_by_label("Words you remember").press_sequentially(
        "spokeswoman coalition war", delay=20
    )
    # Results come as one types; once they answer the whole query, the address says so.
    expect(page).to_have_url(re.compile(r"q=spokeswoman\+coalition\+war"), timeout=20_000)
    first = page.locator("li.offer").first
    assert first.locator(".source").inner_text() == "beta"
    assert first.locator("blockquote mark").all_inner_texts() == ["spokeswoman", "coalition", "war"]
    assert "axis-of-war" in first.locator(".cited").inner_text()

    button = first.locator("button[data-copy]")
    assert button.inner_text() == "Copy YAML"
    button.click()
    expect(button).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    [citation] = yaml.safe_load(copied)
    assert citation == {
        "source": "beta",
        "quote": "A spokeswoman called the coalition an ‘axis of war’.",
    }

    facts = preview.root / "content" / "facts" / "copied.yaml"
    facts.write_text(
        "- id: copied-citation\n  claim: A spokeswoman named the coalition.\n"
        "  topic: russian-responses\n  actors: [zakharova]\n  citations:\n"
        + "".join(f"    {line}\n" for line in copied.splitlines()),
        encoding="utf-8",
    )
    result = run_cli(preview.root, "check")
    assert result.returncode == 0, result.stderr


def test_choosing_a_source_narrows_the_search(preview: Preview, page: Page) -> None:
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(preview.url))
    page.goto(origin + PAGE + "?q=coalition")
    assert page.locator("li.offer .source").all_inner_texts()[0] == "beta"
    page.get_by_label("Source").select_option("alpha")
    page.locator("p.nothing").wait_for(timeout=20_000)
    assert "beta has some of them" in page.locator("p.nothing").inner_text()
