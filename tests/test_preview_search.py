"""The preview's search: the pages readers search, read from the built site into memory,
answered by words, and updated with the pages a save rewrites before the pages reload."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from builder.build import build
from builder.preview_search import SearchIndex, excerpt, page_url, read_record
from tests.helpers import copy_fixture, edit
from tests.serve_process import Preview, running_preview


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_fixture(tmp_path_factory.mktemp("search"))
    assert build(root, out=root / "site", search=False).ok
    return root / "site"


@pytest.fixture(scope="module")
def index(site: Path) -> SearchIndex:
    found = SearchIndex()
    found.load(site, "/")
    return found


def test_a_fact_page_is_read_as_pagefind_reads_it(site: Path) -> None:
    page = (site / "facts" / "axis-of-war" / "index.html").read_bytes()
    record = read_record(page, "/facts/axis-of-war/")
    assert record is not None
    assert record.title == "A spokeswoman called the coalition an 'axis of war'."
    assert record.kind == "Fact"
    assert "axis of war" in record.text
    # The header, navigation and footer are outside what is searched, References marked out.
    assert "Mini briefing" not in record.text
    assert 'id="references"' in page.decode() and "Open this passage" not in record.text


def test_pages_not_meant_for_search_are_left_out(site: Path) -> None:
    assert read_record((site / "timeline" / "index.html").read_bytes(), "/timeline/") is None
    assert read_record((site / "404.html").read_bytes(), "/404.html") is None
    assert page_url("/b/", "facts/x/index.html") == "/b/facts/x/"
    assert page_url("/", "index.html") == "/"


def test_every_word_must_begin_a_word_of_the_page(index: SearchIndex) -> None:
    assert "/facts/axis-of-war/" in index.search("axis of war")
    assert "/facts/axis-of-war/" in index.search("SPOKESWOM")  # a prefix, any letter case
    assert "/facts/axis-of-war/" not in index.search("spokeswoman declaration")
    assert index.search("zzzz-nothing") == [] and index.search("  ") == []
    # A page whose title has the words ranks before pages that only mention them.
    assert index.search("spokeswoman axis")[0] == "/facts/axis-of-war/"


def test_an_excerpt_marks_the_words_and_escapes_the_rest() -> None:
    text = "Leaders <b>met</b> in Élysée Palace and signed a declaration of intent."
    shown = excerpt(text, "elysee sign")
    assert "<mark>Élysée</mark>" in shown and "<mark>signed</mark>" in shown
    assert "&lt;b&gt;met&lt;/b&gt;" in shown


def test_a_rewritten_page_replaces_its_record_and_a_removed_one_goes(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    out = root / "site"
    assert build(root, out=out, search=False).ok
    index = SearchIndex()
    index.load(out, "/")
    page = out / "facts" / "axis-of-war" / "index.html"
    page.write_bytes(page.read_bytes().replace(b"axis of war", b"zebra crossing"))
    assert index.update(out, "/", ["facts/axis-of-war/index.html"], []) == 1
    assert index.search("zebra") == ["/facts/axis-of-war/"]
    assert "/facts/axis-of-war/" not in index.search("axis")
    index.update(out, "/", [], ["facts/axis-of-war/index.html"])
    assert index.search("zebra") == []


# In `briefing serve` --------------------------------------------------------------------


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    with running_preview(copy_fixture(tmp_path)) as running:
        yield running


def fetch(preview: Preview, path: str) -> tuple[int, bytes, str]:
    conn = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=30)
    conn.request("GET", path)
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body, resp.getheader("Content-Type") or ""


def search(preview: Preview, words: str) -> list[str]:
    status, body, kind = fetch(preview, "/__briefing__/search?q=" + quote(words))
    assert status == 200 and kind == "application/json"
    urls: list[str] = json.loads(body)
    return urls


def test_search_in_the_preview_finds_a_saved_word_once_the_page_reloads(
    preview: Preview,
) -> None:
    status, module, kind = fetch(preview, "/pagefind/pagefind.js")
    assert status == 200 and kind.startswith("text/javascript")
    assert b"export async function search" in module
    assert "/facts/axis-of-war/" in search(preview, "axis of war")
    assert search(preview, "quokka") == []
    edit(preview.root, "content/facts/russia.yaml", "an 'axis of war'.", "an 'axis of quokkas'.")
    preview.wait_for(r"rebuilt \d+ pages")  # printed once the open pages are told to reload
    # The fact's page (its title has the word) first, then the source page that lists it.
    assert search(preview, "quokka") == ["/facts/axis-of-war/", "/sources/beta/"]
    status, body, _ = fetch(preview, "/__briefing__/search?q=quokka&url=/facts/axis-of-war/")
    result = json.loads(body)
    assert result["meta"]["kind"] == "Fact" and "<mark>quokkas" in result["excerpt"]
    assert result["meta"]["title"] == "A spokeswoman called the coalition an 'axis of quokkas'."
