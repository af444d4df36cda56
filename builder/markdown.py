"""Markdown text -> safe HTML: claims (inline) and page bodies (blocks, with `[@fact-id]`).

Goes in: editor-written markdown. Comes out: `Markup` with raw HTML shown as text, only
http(s)/mailto/relative links, no images, and `[@fact-id]` citations rendered by a callback.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup, escape

from builder.fastpaths import simple_inline

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_FACT_CITE = re.compile(r"\[@([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\]")

CiteRenderer = Callable[[str], Markup]
"""Turns a fact id into the HTML of its citation marks (given by `render`)."""


def is_safe_link(url: str) -> bool:
    """True for http, https and mailto URLs and for relative and fragment links.

    Browsers ignore control characters and whitespace inside a scheme (`java\\tscript:`), so
    those are removed before the scheme is read; percent-encoded colons are not schemes.
    """
    cleaned = _INVISIBLE.sub("", url).lower()
    match = _SCHEME.match(cleaned)
    return match is None or match.group(1) in SAFE_SCHEMES


def cited_facts(body: str) -> tuple[str, ...]:
    """The fact ids a page body cites with `[@fact-id]`, in order of first use."""
    return tuple(dict.fromkeys(m.group(1) for m in _FACT_CITE.finditer(body)))


def _fact_cite_rule(state: StateInline, silent: bool) -> bool:
    """Inline rule: `[@fact-id]` becomes a `fact_cite` token carrying the id."""
    if state.src[state.pos] != "[":
        return False
    match = _FACT_CITE.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        token = state.push("fact_cite", "", 0)
        token.meta = {"fact": match.group(1)}
        token.markup = match.group(0)
    state.pos = match.end()
    return True


def _render_fact_cite(
    renderer: RendererHTML,
    tokens: Sequence[Token],
    idx: int,
    options: OptionsDict,
    env: EnvType,
) -> str:
    cite: CiteRenderer | None = env.get("cite")
    token = tokens[idx]
    if cite is None:
        return str(escape(token.markup))
    return str(cite(token.meta["fact"]))


def _demote_h1(state: Any) -> None:
    """Core rule: body `#` headings become `<h2>`, so each page keeps its one `<h1>`."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"


def _new_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.disable("image")
    md.validateLink = is_safe_link  # type: ignore[method-assign]
    md.inline.ruler.before("link", "fact_cite", _fact_cite_rule)
    md.core.ruler.push("demote_h1", _demote_h1)
    md.add_render_rule("fact_cite", _render_fact_cite)
    return md


class Markdown:
    """The one markdown renderer of the site. Counts its calls so tests can prove each
    claim is rendered once per build."""

    def __init__(self) -> None:
        self._md = _new_parser()
        self.calls = 0
        self._last_plain: tuple[str | None, str] = (None, "")

    def inline(self, text: str) -> Markup:
        """A claim or a note: inline markdown, no paragraphs, no `[@...]` citations."""
        self.calls += 1
        simple = simple_inline(text)
        if simple is not None:
            self._last_plain = (text, simple[1])
            return Markup(simple[0])
        tokens = self._md.parseInline(text, {})
        self._last_plain = (text, _plain(tokens))
        return Markup(self._md.renderer.render(tokens, self._md.options, {}).strip())

    def block(self, text: str, cite: CiteRenderer) -> Markup:
        """A page body; `cite(fact_id)` renders each `[@fact-id]`."""
        self.calls += 1
        return Markup(self._md.render(text, {"cite": cite}))

    def plain(self, text: str) -> str:
        """The text of inline markdown without its markup (titles, labels, descriptions)."""
        if self._last_plain[0] == text:  # `inline(text)` just parsed it: a claim needs both
            return self._last_plain[1]
        simple = simple_inline(text)
        if simple is not None:
            return simple[1]
        return _plain(self._md.parseInline(text, {}))


def _plain(tokens: Sequence[Token]) -> str:
    parts: list[str] = []
    for token in tokens:
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
    return " ".join("".join(parts).split())
