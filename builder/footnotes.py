"""A rendered page's citation placeholders -> numbered marks and the page's References list.

Goes in: a page's HTML, in which fact cards and prose left one `placeholder(fact, number)`
per citation and the layout left `REFERENCES_SLOT`, and a lookup of what each citation
shows (`Cards.cited`). Comes out: the page with each cited passage numbered once, in
reading order, every mark linking to its entry in a References list put in the slot
(nothing there when the page cites nothing).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, TemplateAssertionError, UndefinedError
from markupsafe import Markup, escape

REFERENCES_TEMPLATE = "_references.html"
"""Its macros make a References list: `entry(ref, collapsed)` each entry, then
`references(entries, count, collapsed)` the list (macros: no context made for each call)."""
REFERENCES_SLOT = "<!--references-->"
"""Where the layout wants the References list. Content cannot write it, nor a placeholder:
markdown and every text are escaped, so `<!--` only ever comes from a template."""
COLLAPSED_FROM = 100
"""A References list this long starts folded (the timeline's would be most of the page);
a mark's link, its preview and printing still open it. Its entries are compact: the words,
the source and the link to the passage, whose page links the original and the facts."""
_NUMBER = Markup("<!--n-->")
"""Where a compact entry, made once per passage, takes the number it has on a page."""
_PLACEHOLDER = re.compile(r"<!--fn ([a-z0-9-]+) ([0-9]+)-->")


def placeholder(fact_id: str, number: int) -> Markup:
    """What a fact card or a prose citation leaves for citation `number` of `fact_id`."""
    return Markup(f"<!--fn {fact_id} {number}-->")


@dataclass(frozen=True, slots=True)
class FactLink:
    url: str
    text: str


@dataclass(frozen=True, slots=True)
class Cited:
    """One citation as a References list shows it, the same on every page."""

    passage_key: tuple[str, int, int]
    """(source, start, end): two citations of the same words are one reference."""
    passage: str
    passage_url: str
    """The highlighted passage on the source page."""
    print_url: str
    """The passage's absolute address, printed on paper; `` without a full `base_url`."""
    original_url: str
    source_title: str
    outlet: str
    date: str
    """The source's date as people write it, or `unknown`."""
    fact: FactLink
    """The citing fact's page and claim, for "cited for" on pages that show it."""


@dataclass(frozen=True, slots=True)
class Reference:
    """A numbered entry of a page's References list."""

    number: int | Markup
    """Markup only in the compact entry made once for every page (`_NUMBER`)."""
    cited: Cited
    facts: tuple[FactLink, ...]
    """The facts on this page that cite the passage, in reading order."""


Lookup = Callable[[str, int], "Cited | None"]


class Footnotes:
    """Numbers one page's citations at a time, with what `lookup` says each one shows."""

    def __init__(self, lookup: Lookup, env: Environment, *, per_page: bool = False) -> None:
        self.lookup = lookup
        self.env = env
        self.per_page = per_page
        """Forget what was looked up and made after each page: a renderer that records what
        each page reads (the preview's) needs every page to look up what it shows."""
        self._macros: Any = None
        """The template's macros, once it is loaded."""
        self._titles: dict[str, str] = {}
        """Each source's title escaped for a mark's label, made once per source."""
        self._compact: dict[str, str] = {}
        """Each cited passage's compact entry by its `passage_url`, with `_NUMBER` for its
        number: all but the number is the same on every page that lists it."""

    def number(self, html: str) -> str:
        """`html` with its placeholders numbered and its References list in the slot."""
        if self.per_page:
            self._titles, self._compact, self._macros = {}, {}, None
        if "<!--fn " not in html:
            return html.replace(REFERENCES_SLOT, "", 1)
        numbers: dict[tuple[str, int, int], int] = {}
        order: list[Cited] = []
        facts: list[dict[str, FactLink]] = []
        lookup, titles = self.lookup, self._titles

        def mark(match: re.Match[str]) -> str:
            cited = lookup(match[1], int(match[2]))
            if cited is None:
                return ""
            title = titles.get(cited.source_title)
            if title is None:
                title = titles[cited.source_title] = str(escape(cited.source_title))
            n = numbers.get(cited.passage_key)
            if n is None:
                n = numbers[cited.passage_key] = len(order) + 1
                order.append(cited)
                facts.append({})
            facts[n - 1].setdefault(cited.fact.url, cited.fact)
            return (
                f'<a class="fn" href="#ref-{n}" aria-label="Reference {n}: {title}" data-fn>{n}</a>'
            )

        html = _PLACEHOLDER.sub(mark, html)
        references = [
            Reference(n, cited, tuple(facts[n - 1].values()))
            for n, cited in enumerate(order, start=1)
        ]
        if not references:
            return html.replace(REFERENCES_SLOT, "", 1)
        if self._macros is None:
            self._macros = self._load_macros()
        collapsed = len(references) >= COLLAPSED_FROM
        entries = self._entries(references, collapsed)
        listing = self._macros.references(Markup("".join(entries)), len(entries), collapsed)
        return html.replace(REFERENCES_SLOT, listing.strip(), 1)

    def _load_macros(self) -> Any:
        """The References template's macros; a template error if it lacks one."""
        template = self.env.get_template(REFERENCES_TEMPLATE)
        try:
            macros = template.module
        except UndefinedError:  # a list written for a page's context, as it was once
            macros = None
        for name, args in (
            ("entry", "ref, collapsed"),
            ("references", "entries, count, collapsed"),
        ):
            if not callable(getattr(macros, name, None)):
                raise TemplateAssertionError(
                    f"{REFERENCES_TEMPLATE} defines no macro {name}({args}); "
                    "the footnotes call it to make the References list",
                    1,
                    REFERENCES_TEMPLATE,
                    template.filename,
                )
        return macros

    def _entries(self, references: list[Reference], collapsed: bool) -> list[str]:
        """Each reference's entry; a compact one is made once per passage and numbered."""
        entry = self._macros.entry
        if not collapsed:
            return [entry(ref, False) for ref in references]
        entries = []
        for ref in references:
            key = ref.cited.passage_url  # one citation's passage: the same words and link
            compact = self._compact.get(key)
            if compact is None:
                made = entry(Reference(_NUMBER, ref.cited, ()), True)
                compact = self._compact[key] = str(made)
            entries.append(compact.replace(_NUMBER, str(ref.number)))
        return entries
