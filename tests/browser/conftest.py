"""Browser-test fixtures: a fresh tab per test in the session's one Chromium, and the facts.

Every test under `tests/browser/` is marked `browser` here, so `-m "not browser"` always
leaves them out, however a test file is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from tests.conftest import BuiltSite

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def page(browser_context: BrowserContext) -> Iterator[Page]:
    """A new tab for one test; errors the page's scripts throw fail the test."""
    tab = browser_context.new_page()
    script_errors: list[str] = []
    tab.on("pageerror", lambda error: script_errors.append(str(error)))
    yield tab
    tab.close()
    assert not script_errors, "the page's scripts threw:\n" + "\n".join(script_errors)


@pytest.fixture(scope="session")
def facts_json(built_site: BuiltSite) -> dict[str, Any]:
    """The build's facts.json: the ground truth the reader's path is checked against."""
    data: dict[str, Any] = json.loads((built_site.out / "facts.json").read_text("utf-8"))
    return data
