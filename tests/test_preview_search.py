"""The preview's search: the pages readers search, read from the built site into memory,
answered by words, and updated with the pages a save rewrites before the pages reload."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from builder.briefing import Briefing
from builder.build import check
from builder.findable import search_records
from builder.preview_search import SearchIndex, excerpt
from builder.reads import changes
from tests.helpers import copy_fixture, edit
from tests.serve_process import Preview, running_preview


@pytest.fixture(scope="module")
def briefing(tmp_path_factory: pytest.TempPathFactory) -> Briefing:
    checked = check(copy_fixture(tmp_path_factory.mktemp("search")))
    assert checked.briefing is not None
    return checked.briefing


@pytest.fixture(scope="module")
def index(briefing: Briefing) -> SearchIndex:
    found = SearchIndex()
    found.refresh(briefing, "/")
    return found


def test_the_preview_holds_the_records_the_site_indexes(
    briefing: Briefing, index: SearchIndex
) -> None:
    for record in search_records(briefing):
        shown = index.result("/" + record.path, record.title)
        assert shown is not None, record.path
        assert shown["meta"] == {
            "title": record.title,
            "kind": record.kind,
            **({"event": record.event} if record.event else {}),
        }
    assert index.result("/timeline/", "x") is None  # lists are not records


def test_every_word_must_begin_a_word_of_the_record(index: SearchIndex) -> None:
    assert "/facts/axis-of-war/" in index.search("axis of war")
    assert "/facts/axis-of-war/" in index.search("SPOKESWOM")  # a prefix, any letter case
    assert "/facts/axis-of-war/" not in index.search("spokeswoman declaration")
    assert index.search("zzzz-nothing") == [] and index.search("  ") == []
    # A record whose title has the words ranks before records that only mention them.
    assert index.search("spokeswoman axis")[0] == "/facts/axis-of-war/"


def test_an_excerpt_marks_the_words_and_escapes_the_rest() -> None:
    text = "Leaders <b>met</b> in Élysée Palace and signed a declaration of intent."
    shown = excerpt(text, "elysee sign")
    assert "<mark>Élysée</mark>" in shown and "<mark>signed</mark>" in shown
    assert "&lt;b&gt;met&lt;/b&gt;" in shown


def test_an_edit_makes_again_only_the_records_that_read_what_it_changed(
    tmp_path: Path,
) -> None:
    root = copy_fixture(tmp_path)
    before = check(root).briefing
    assert before is not None
    index = SearchIndex()
    assert index.refresh(before, "/b/") == len(search_records(before))
    edit(root, "content/facts/russia.yaml", "an 'axis of war'.", "an 'axis of zebras'.")
    after = check(root).briefing
    assert after is not None
    assert index.refresh(after, "/b/", changes(before, after)) == 1
    assert index.search("zebras") == ["/b/facts/axis-of-war/"]
    # An actor's new name: its records, and those of the facts that name it.
    edit(root, "content/actors.yaml", "name: Maria Zakharova", "name: Maria Quokka")
    renamed = check(root).briefing
    assert renamed is not None
    made = index.refresh(renamed, "/b/", changes(after, renamed))
    assert set(index.search("quokka")) == {
        "/b/actors/zakharova/",
        "/b/facts/axis-of-war/",
        "/b/facts/legitimate-targets/",
    }
    assert made == 3
    assert index.search("zakharova") == []  # the old name is found nowhere any more


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
    assert search(preview, "quokka") == ["/facts/axis-of-war/"]
    status, body, _ = fetch(preview, "/__briefing__/search?q=quokka&url=/facts/axis-of-war/")
    result = json.loads(body)
    assert result["meta"]["kind"] == "Fact" and "<mark>quokkas" in result["excerpt"]
    assert result["meta"]["title"] == "A spokeswoman called the coalition an 'axis of quokkas'."
