"""Markdown: raw HTML stays text, only safe links become links, `[@fact-id]` becomes marks."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from markupsafe import Markup

from builder.markdown import Markdown, cited_facts, is_safe_link


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/a",
        "http://x.test",
        "mailto:a@example.org",
        "/facts/x/",
        "#here",
        "../up",
        "page.html",
        "HTTPS://EXAMPLE.ORG",
    ],
)
def test_safe_links_are_allowed(url: str) -> None:
    assert is_safe_link(url)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "java\tscript:alert(1)",
        " javascript:x",
        "data:text/html,x",
        "vbscript:msgbox",
        "file:///etc/passwd",
        "\x01javascript:x",
    ],
)
def test_unsafe_schemes_are_refused(url: str) -> None:
    assert not is_safe_link(url)


@pytest.mark.parametrize(
    "text",
    [
        "[a](javascript:alert(1))",
        "<javascript:alert(1)>",
        "[a](data:text/html,x)",
        "[a](vbscript:x)",
        "![i](javascript:x)",
        "[a][r]\n\n[r]: javascript:x",
    ],
)
def test_unsafe_links_and_images_render_as_plain_text(text: str) -> None:
    html = Markdown().block(text, lambda fact_id: Markup(""))
    doc = BeautifulSoup(html, "html.parser")
    assert doc.find("a") is None and doc.find("img") is None


def test_images_are_not_embedded() -> None:
    doc = BeautifulSoup(Markdown().inline("![chart](https://example.org/i.png)"), "html.parser")
    assert doc.find("img") is None


def test_raw_html_is_shown_as_text() -> None:
    html = Markdown().inline('<script>alert(1)</script> <b onclick="x">b</b>')
    doc = BeautifulSoup(html, "html.parser")
    assert doc.find(["script", "b"]) is None
    assert doc.get_text() == '<script>alert(1)</script> <b onclick="x">b</b>'


def test_inline_keeps_emphasis_and_safe_links_without_paragraphs() -> None:
    html = Markdown().inline("An *important* [claim](https://example.org/)")
    assert html == 'An <em>important</em> <a href="https://example.org/">claim</a>'


def test_plain_text_drops_markup() -> None:
    assert Markdown().plain("An *important* [claim](https://x.test) `code`") == (
        "An important claim code"
    )


def test_fact_citations_call_back_and_headings_keep_one_h1() -> None:
    seen: list[str] = []

    def cite(fact_id: str) -> Markup:
        seen.append(fact_id)
        return Markup('<sup class="c">{}</sup>').format(fact_id)

    html = Markdown().block("# Title\n\nSaid [@a-fact] and [@b-2]. Not [@Bad] nor [@-x].", cite)
    doc = BeautifulSoup(html, "html.parser")
    assert seen == ["a-fact", "b-2"]
    assert [s.get_text() for s in doc.select("sup.c")] == ["a-fact", "b-2"]
    assert doc.find("h1") is None and doc.find("h2") is not None
    assert "[@Bad]" in doc.get_text()
    assert cited_facts("x [@a-fact] y [@b-2] [@a-fact]") == ("a-fact", "b-2")
