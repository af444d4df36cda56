"""The citation finder in the preview, as an editor's browser without JavaScript (and a
hostile page) sees it: a form, the passages for the words typed, YAML ready to copy."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml
from bs4 import BeautifulSoup

from builder.cite_page import PAGE, SCRIPT, STYLE, FinderPage
from builder.preview import PreviewServer, PreviewState, serve_in_background, stop_server
from tests.helpers import copy_fixture, edit


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_fixture(tmp_path)


@pytest.fixture
def server(root: Path) -> Iterator[PreviewServer]:
    (root / "site").mkdir()
    state = PreviewState(site_dir=root / "site", base_path="/briefing/")
    state.tools.update(FinderPage(root, lambda: state.base_path).routes())
    srv = PreviewServer(state, "127.0.0.1", 0)
    serve_in_background(srv)
    yield srv
    stop_server(srv, state)


def get(srv: PreviewServer, target: str, host: str | None = None) -> tuple[int, str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", srv.server_port, timeout=30)
    conn.request("GET", target, headers={"Host": host or f"127.0.0.1:{srv.server_port}"})
    resp = conn.getresponse()
    body = resp.read().decode()
    conn.close()
    return resp.status, resp.getheader("Content-Type") or "", body


def finder(srv: PreviewServer, **query: str) -> BeautifulSoup:
    status, kind, body = get(srv, PAGE + "?" + urlencode(query))
    assert status == 200 and kind == "text/html; charset=utf-8"
    return BeautifulSoup(body, "html.parser")


def test_the_page_is_a_form_that_works_without_javascript(server: PreviewServer) -> None:
    page = finder(server)
    form = page.find("form", id="finder")
    assert form is not None and form["action"] == PAGE and form["method"] == "get"
    assert page.find("input", attrs={"name": "q"}) is not None
    options = [o["value"] for o in page.find("select", attrs={"name": "source"}).find_all("option")]
    assert options == ["", "alpha", "beta"]
    assert "Type a few words" in page.find(id="results").text
    assert page.find("script", src=SCRIPT) is not None
    assert page.find("link", href=STYLE) is not None


def test_words_give_marked_passages_their_citing_facts_and_yaml(server: PreviewServer) -> None:
    page = finder(server, q="targets legitimate Moscow")
    first = page.select("li.offer")[0]
    assert first.select_one(".source").text == "beta"
    assert first.select_one(".where").text == "seeds/beta.txt:1"
    assert [m.text for m in first.select("blockquote mark")] == ["Moscow", "legitimate", "targets"]
    link = first.select_one(".cited a")
    assert link.text == "legitimate-targets" and link["href"] == (
        "/briefing/facts/legitimate-targets/"
    )
    pasted = yaml.safe_load(first.select_one("pre.yaml").text)
    assert pasted == [
        {
            "source": "beta",
            "quote": "Moscow warned on 8 January that any "
            "Western troops would be legitimate targets.",
        }
    ]
    assert first.find("button", attrs={"data-copy": first.select_one("pre.yaml")["id"]})


def test_one_source_and_a_limit(server: PreviewServer) -> None:
    page = finder(server, q="the", source="alpha", limit="2")
    offers = page.select("li.offer")
    assert len(offers) == 2 and {o.select_one(".source").text for o in offers} == {"alpha"}
    assert page.find("option", value="alpha").has_attr("selected")


def test_the_script_asks_for_the_results_alone(server: PreviewServer) -> None:
    status, _, body = get(server, PAGE + "?" + urlencode({"q": "coalition", "part": "results"}))
    assert status == 200 and body.startswith("<p") and "<form" not in body
    assert "coalition" in body


def test_nothing_found_says_so_with_a_hint_that_fits(server: PreviewServer) -> None:
    page = finder(server, q="spokeswoman", source="alpha")
    text = page.select_one("p.nothing").text
    assert "None of the words (spokeswoman) occurs in `alpha`" in text
    assert "beta has some of them" in text
    text = finder(server, q="quantum chromodynamics").select_one("p.nothing").text
    assert "No source holds any of the words (quantum, chromodynamics)" in text
    assert "every source" not in text


def test_the_words_are_escaped(server: PreviewServer) -> None:
    status, _, body = get(server, PAGE + "?" + urlencode({"q": "<script>alert(1)</script>"}))
    assert status == 200 and "<script>alert" not in body


def test_a_saved_seed_is_searched_at_once(server: PreviewServer, root: Path) -> None:
    assert finder(server, q="zeppelin").select_one("p.nothing") is not None
    edit(root, "seeds/beta.txt", "Dozens of", "A zeppelin flew over. Dozens of")
    assert finder(server, q="zeppelin").select_one("li.offer blockquote").text == (
        "A zeppelin flew over."
    )


def test_another_site_cannot_read_the_finder(server: PreviewServer) -> None:
    status, _, body = get(server, PAGE + "?q=coalition", host="evil.example")
    assert status == 403 and "coalition" not in body


def test_script_and_style_are_served(server: PreviewServer) -> None:
    assert get(server, SCRIPT)[:2] == (200, "text/javascript; charset=utf-8")
    assert get(server, STYLE)[:2] == (200, "text/css; charset=utf-8")
