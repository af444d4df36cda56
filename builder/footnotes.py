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

from jinja2 import Environment
from markupsafe import Markup, escape

REFERENCES_TEMPLATE = "_references.html"
REFERENCES_SLOT = "<!--references-->"
"""Where the layout wants the References list. Content cannot write it, nor a placeholder:
markdown and every text are escaped, so `<!--` only ever comes from a template."""
COLLAPSED_FROM = 100
"""A References list this long starts folded (the timeline's would be most of the page);
a mark's link, its preview and printing still open it. Its entries are compact: the words,
the source and the link to the passage, whose page links the original and the facts."""
_PLACEHOLDER = re.compile(r"<!--fn ([a-z0-9-]+) ([0-9]+)-->")


def placeholder(fact_id: str, number: int) -> Markup:
    """What a fact card or a prose citation leaves for citation `number` of `fact_id`."""
    return Markup(f"<!--fn {fact_id} {number}-->")


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
    fact_url: str
    fact_title: str


@dataclass(frozen=True, slots=True)
class FactLink:
    url: str
    text: str


@dataclass(frozen=True, slots=True)
class Reference:
    """A numbered entry of a page's References list."""

    number: int
    cited: Cited
    facts: tuple[FactLink, ...]
    """The facts on this page that cite the passage, in reading order."""


Lookup = Callable[[str, int], "Cited | None"]


class Footnotes:
    """Numbers one page's citations at a time, with what `lookup` says each one shows."""

    def __init__(self, lookup: Lookup, env: Environment) -> None:
        self.lookup = lookup
        self.env = env

    def number(self, html: str) -> str:
        """`html` with its placeholders numbered and its References list in the slot."""
        if "<!--fn " not in html:
            return html.replace(REFERENCES_SLOT, "", 1)
        numbers: dict[tuple[str, int, int], int] = {}
        order: list[Cited] = []
        facts: list[dict[str, FactLink]] = []
        titles: dict[str, str] = {}  # a source's title, escaped once per page

        def mark(match: re.Match[str]) -> str:
            cited = self.lookup(match.group(1), int(match.group(2)))
            if cited is None:
                return ""
            n = numbers.get(cited.passage_key)
            if n is None:
                n = numbers[cited.passage_key] = len(order) + 1
                order.append(cited)
                facts.append({})
            facts[n - 1].setdefault(cited.fact_url, FactLink(cited.fact_url, cited.fact_title))
            title = titles.get(cited.source_title)
            if title is None:
                title = titles[cited.source_title] = str(escape(cited.source_title))
            return (
                f'<a class="fn" href="#ref-{n}" aria-label="Reference {n}: {title}" data-fn>{n}</a>'
            )

        html = _PLACEHOLDER.sub(mark, html)
        references = tuple(
            Reference(n, cited, tuple(facts[n - 1].values()))
            for n, cited in enumerate(order, start=1)
        )
        listing = self.env.get_template(REFERENCES_TEMPLATE).render(
            references=references, collapsed=len(references) >= COLLAPSED_FROM
        )
        return html.replace(REFERENCES_SLOT, listing.strip(), 1)
