"""The two shortcuts that pay: claims' inline markdown without markdown-it, and templates'
escaping without `Markup`; each makes exactly what it replaces (`tests/test_fastpaths.py`).

Goes in: a claim's text, or a value a template writes out. Comes out: the same HTML as
markdown-it or markupsafe would make (the figures are in `benchmarks/README.md`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, MutableMapping
from types import CodeType
from typing import Any

from jinja2 import Environment, Template
from markupsafe import Markup

# Most claims are words with, at most, `*emphasis*` of plain words and `[links](https://...)`
# with plain URLs. For text made only of those, what markdown-it would make is certain and
# is made here directly; anything else goes to markdown-it. The pieces are kept narrow on
# purpose: an `*` only opens after a space (or at the start) and only closes before a
# space, the end or `.,;:?)`, so CommonMark's flanking rules can only pair them; the other
# text holds none of the characters inline markdown gives a meaning to.
_WORDS = r"[A-Za-z0-9](?:[A-Za-z0-9 ]*[A-Za-z0-9])?"
_SIMPLE_PIECE = re.compile(
    r"(?P<text>[^\x00-\x1f\x7f\\`<>&!~_*\[\]]+)"
    rf"|(?<![^ ])\*(?P<em>{_WORDS})\*(?=[ .,;:?)]|$)"
    rf"|\[(?P<label>{_WORDS})\]\((?P<href>https?://[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?"
    r"(?:/[A-Za-z0-9._/-]*)?)\)"
)


def simple_inline(text: str) -> tuple[str, str] | None:
    """`text` as markdown-it renders it inline and its plain words, when `text` is made only
    of plain words, simple emphasis and simple links; None otherwise."""
    html: list[str] = []
    plain: list[str] = []
    pos, end = 0, len(text)
    match = _SIMPLE_PIECE.match
    while pos < end:
        piece = match(text, pos)
        if piece is None:
            return None
        kind = piece.lastgroup
        if kind == "text":
            words = piece.group("text")
            html.append(words.replace('"', "&quot;"))
            plain.append(words)
        elif kind == "em":
            words = piece.group("em")
            html.append(f"<em>{words}</em>")
            plain.append(words)
        else:
            label = piece.group("label")
            html.append(f'<a href="{piece.group("href")}">{label}</a>')
            plain.append(label)
        pos = piece.end()
    return "".join(html).strip(), " ".join("".join(plain).split())


def escape_text(value: object) -> str:
    """What `markupsafe.escape(value)` makes, as plain text: `&<>'"` become the same
    entities, `Markup` (anything with `__html__`) passes as it is."""
    if type(value) is not str:
        if isinstance(value, Markup):
            return value
        html = getattr(value, "__html__", None)
        if html is not None:
            return str(html())
        value = str(value)
    # Five searches in C, each many times quicker on a passage of text than a regular
    # expression testing every character against the five.
    if not ("&" in value or "<" in value or ">" in value or "'" in value or '"' in value):
        return value  # most values: URLs, ids, plain words
    return (
        value.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


class EscapingTemplate(Template):
    """A template whose `{{ value }}` outputs escape without building a `Markup` for each.

    Where a compiled template writes out a value, it calls `escape` and joins the result
    into the page text at once, so the `Markup` wrapper markupsafe returns is of no use
    there; `escape_text` makes the same text. Everywhere else (filters, macros, `Markup`
    values in contexts) nothing changes.
    """

    @classmethod
    def from_code(
        cls,
        environment: Environment,
        code: CodeType,
        globals: MutableMapping[str, Any],
        uptodate: Callable[[], bool] | None = None,
    ) -> Template:
        template = super().from_code(environment, code, globals, uptodate)
        template.root_render_func.__globals__["escape"] = escape_text
        return template
