"""The two fast paths make exactly what they replace: claims' inline markdown (markdown-it's
HTML and plain words) and templates' escaping (markupsafe's text, stock Jinja's pages)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup, escape

from builder.fastpaths import escape_text, simple_inline
from builder.markdown import Markdown
from builder.render import Renderer, render_site
from builder.templating import make_environment
from builder.urls import Urls
from tests.render_fixture import make_briefing

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


# The fast path for simple claims makes exactly what markdown-it makes ---------------------

PIECES = [
    "word",
    "Kyiv",
    "30",
    " ",
    " ",
    "  ",
    "*",
    "**",
    "_",
    "[",
    "]",
    "(",
    ")",
    ".",
    ",",
    ";",
    ":",
    "?",
    "!",
    '"',
    "'",
    "&",
    "&amp;",
    "<",
    ">",
    "\\",
    "`",
    "~~",
    "#",
    "-",
    "\u00a0",
    "\u2014",
    "é",
    "\u2019",
    "@",
    "\t",
    "\n",
    "https://example.org/a",
    "http://x.test",
    "javascript:x",
    "[link](https://example.org/p)",
    "*em*",
    "[@fact-a]",
    "*two words*",
    "[two words](https://example.org/a-b/c.html)",
]


def _markdown_it(md: Markdown, text: str) -> tuple[str, str]:
    """What the full parser makes of `text`: the inline HTML and the plain words."""
    from builder.markdown import _plain

    tokens = md._md.parseInline(text, {})
    return md._md.renderer.render(tokens, md._md.options, {}).strip(), _plain(tokens)


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
def test_the_fast_path_agrees_with_markdown_it(text: str) -> None:
    md = Markdown()
    fast = simple_inline(text)
    if fast is not None:
        assert fast == _markdown_it(md, text)
    assert (str(md.inline(text)), md.plain(text)) == _markdown_it(md, text)


@pytest.mark.parametrize(
    "claim",
    [
        "Leaders signed the *Paris Declaration* on 6 January 2026.",
        'Macron said the force would be "ready" [within weeks](https://example.org/a/b.html).',
        "Troops: 30,000 (land, air; sea) - from 27 states?",
    ],
)
def test_ordinary_claims_take_the_fast_path(claim: str) -> None:
    assert simple_inline(claim) == _markdown_it(Markdown(), claim)


# Templates write values out with a faster escape: the same text as markupsafe's ---------


@settings(max_examples=2000, deadline=None)
@given(st.one_of(st.text(), st.integers(), st.none(), st.text().map(Markup), st.text().map(escape)))
def test_values_are_escaped_exactly_as_markupsafe_escapes_them(value: object) -> None:
    assert escape_text(value) == str(escape(value))


def test_a_string_subclass_goes_the_full_way(tmp_path: Path) -> None:
    class Shout(str):
        def __str__(self) -> str:
            return self.upper()

    (tmp_path / "t.html").write_text("{{ a }}|{{ b }}", encoding="utf-8")
    env = make_environment(tmp_path)
    out = env.get_template("t.html").render(a=Shout("a&b"), b="a&b")
    assert out == f"{escape(Shout('a&b'))}|a&amp;b" == "A&amp;B|a&amp;b"


def test_templates_escape_text_and_keep_markup(tmp_path: Path) -> None:
    (tmp_path / "t.html").write_text("{{ text }}|{{ html }}|{{ number }}", encoding="utf-8")
    env = make_environment(tmp_path)
    out = env.get_template("t.html").render(
        text="<b>\"Tom\" & 'Jerry'</b>", html=Markup("<em>ok</em>"), number=7
    )
    assert out == "&lt;b&gt;&#34;Tom&#34; &amp; &#39;Jerry&#39;&lt;/b&gt;|<em>ok</em>|7"


def test_an_undefined_value_still_fails_the_page(tmp_path: Path) -> None:
    from jinja2 import UndefinedError

    (tmp_path / "t.html").write_text("{{ missing }}", encoding="utf-8")
    with pytest.raises(UndefinedError):
        make_environment(tmp_path).get_template("t.html").render()


def test_the_site_is_what_stock_jinja_renders() -> None:
    """Every page of a briefing, rendered with our compiler and with Jinja's own."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    stock = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    briefing = make_briefing()
    theirs = render_site(
        briefing, TEMPLATES, Urls("/"), Renderer(briefing, Urls("/"), TEMPLATES, stock)
    )
    assert render_site(briefing, TEMPLATES, Urls("/")) == theirs


def test_values_printed_again_are_escaped_alike(tmp_path: Path) -> None:
    """A `Markup` or a string equal to one printed before still comes out as markupsafe
    would write it."""
    (tmp_path / "t.html").write_text("{% for v in values %}{{ v }}|{% endfor %}", encoding="utf-8")
    env = make_environment(tmp_path)
    values = [
        "plain",
        "a&b",
        Markup("a&b"),
        Markup("plain"),
        "plain",
        1,
        True,
        1.0,
        None,
        "a&b",
        "<i>",
        Markup("<i>"),
        "<i>",
        ("t", 1),
    ]
    expected = "".join(f"{escape(v)}|" for v in values)
    for _ in range(2):
        assert env.get_template("t.html").render(values=values) == expected


def test_values_that_cannot_be_hashed_are_still_written(tmp_path: Path) -> None:
    """A list or dict printed as it is comes out as Jinja writes it, in that template and
    every other one; a template's own type error still fails the page."""
    (tmp_path / "a.html").write_text("{{ x }}|{{ y }}", encoding="utf-8")
    (tmp_path / "b.html").write_text(
        "{% extends 'base.html' %}{% block b %}{{ z }}{% endblock %}", encoding="utf-8"
    )
    (tmp_path / "base.html").write_text("<{{ w }}>{% block b %}{% endblock %}", encoding="utf-8")
    env = make_environment(tmp_path)
    early = env.from_string("{{ v }}")
    assert env.get_template("a.html").render(x="&", y="ok") == "&amp;|ok"
    assert env.get_template("b.html").render(w="&", z=["<a>"]) == "<&amp;>[&#39;&lt;a&gt;&#39;]"
    assert (
        env.get_template("a.html").render(x={"k": "&"}, y="ok")
        == "{&#39;k&#39;: &#39;&amp;&#39;}|ok"
    )
    assert early.render(v=[1]) == "[1]"
    assert env.from_string("{{ v }}").render(v=[2]) == "[2]"
    with pytest.raises(TypeError):  # a template's own type error still fails the page
        env.from_string("{{ 1 + 'a' }}").render()
