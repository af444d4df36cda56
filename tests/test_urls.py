"""URLs: one builder for every link, honouring a sub-path or full base_url."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.urls import (
    UnsafePath,
    Urls,
    checked_path,
    normalise_base_url,
    output_path,
    text_fragment_url,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("", "/"),
        ("/", "/"),
        ("briefing", "/briefing/"),
        ("/briefing", "/briefing/"),
        ("https://example.org", "https://example.org/"),
        ("https://example.org/briefing", "https://example.org/briefing/"),
    ],
)
def test_base_url_is_normalised(given: str, expected: str) -> None:
    assert normalise_base_url(given) == expected


def test_pages_live_under_the_base_path() -> None:
    urls = Urls("/briefing/")
    assert urls.home() == "/briefing/"
    assert urls.page("index") == "/briefing/"
    assert urls.page("allies") == "/briefing/allies/"
    assert urls.fact("a-b") == "/briefing/facts/a-b/"
    assert urls.ally("uk") == "/briefing/allies/uk/"
    assert urls.citation("src", "cite-a-1") == "/briefing/sources/src/#cite-a-1"
    assert urls.static("style.css") == "/briefing/static/style.css"
    assert urls.feed() == "/briefing/feed.xml"
    assert urls.origin == ""


def test_full_base_url_gives_absolute_urls_for_feeds() -> None:
    urls = Urls("https://example.org/briefing/")
    assert urls.origin == "https://example.org"
    assert urls.fact("x") == "/briefing/facts/x/"
    assert urls.absolute("facts/x/") == "https://example.org/briefing/facts/x/"


def test_output_paths() -> None:
    assert output_path("") == "index.html"
    assert output_path("facts/x/") == "facts/x/index.html"
    assert output_path("/feed.xml") == "feed.xml"
    assert output_path("404.html") == "404.html"


def test_text_fragment_escapes_directive_syntax() -> None:
    url = text_fragment_url("https://example.org/a#old", "one-two, three & four")
    assert url.startswith("https://example.org/a#:~:text=")
    fragment = url.split("#:~:text=", 1)[1]
    assert "-" not in fragment and "," not in fragment and "&" not in fragment
    assert unquote(fragment) == "one-two, three & four"


def test_long_passages_use_a_start_and_end_range() -> None:
    passage = "a b c d e f g h i j k l"
    url = text_fragment_url("https://example.org/", passage, words=3)
    start, end = url.split("#:~:text=", 1)[1].split(",")
    assert unquote(start) == "a b c" and unquote(end) == "j k l"


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZ09 _.~-,&%#é\u00a0'\"/"), max_size=30))
def test_the_quick_fragment_quoting_is_what_percent_quoting_gives(text: str) -> None:
    from urllib.parse import quote

    from builder.urls import _fragment_quote

    assert _fragment_quote(text) == quote(text, safe="").replace("-", "%2D")


def _leaves_the_site(rel: str) -> bool:
    """The rule itself: empty, absolute, a backslash or NUL, or an empty, `.` or `..` part."""
    return (
        not rel
        or rel.startswith("/")
        or "\\" in rel
        or "\x00" in rel
        or any(part in ("", ".", "..") for part in rel.split("/"))
    )


@settings(max_examples=3000)
@given(
    st.lists(
        st.sampled_from(
            [
                "a",
                "Z9",
                "_",
                "-",
                ".",
                "..",
                "~",
                "",
                "/",
                "\\",
                "\x00",
                "é",
                " ",
                "index.html",
                ".hidden",
                "\n",
            ]
        ),
        max_size=8,
    ).map("".join)
)
def test_checked_path_refuses_exactly_what_leaves_the_site(rel: str) -> None:
    """Plain paths skip the closer look; the answer is the rule's all the same."""
    if _leaves_the_site(rel):
        with pytest.raises(UnsafePath):
            checked_path(rel)
    else:
        assert checked_path(rel) == rel
