"""A fact's `citations` -> `Citation`s, each quote found exactly once in its source's text
(or a problem showing the closest passage).
"""

from __future__ import annotations

from builder.fields import INVISIBLE, Reader, Ref
from builder.load import Mapping, Node
from builder.model import Citation, Source
from builder.records import State

CITATION_FIELDS = ("source", "quote")


def check_citations(
    node: Mapping, fid: str | None, p: str, r: Reader, state: State
) -> list[Citation] | None:
    """Each citation located in its source; None when any is missing, unknown or not found."""
    entry = node.entries.get("citations")
    items = r.sequence(entry.value, f"{p}citations", "citations") if entry else []
    if not items:
        r.problem(
            entry or node,
            f"{p}citations",
            "a fact needs at least one citation",
            hint='add `citations:` with `- source: <id>` and `quote: "<verbatim words>"`',
        )
        return None
    out: list[Citation] = []
    ok = True
    for j, item in enumerate(items, 1):
        cp = f"{p}citations[{j}]."
        c = r.mapping(item, cp.rstrip("."), "a citation (source + quote)")
        if c is None:
            ok = False
            continue
        r.fields(c, CITATION_FIELDS, cp)
        sid = r.ident(c, "source", cp)
        quote = r.text(c, "quote", cp, what="a verbatim passage of the source")
        if sid is None or quote is None:
            ok = False
            continue
        source = state.sources.get(sid)
        if source is None:
            value = c.entries["source"].value
            state.refs.append(Ref("source", sid, r.file, value.line, value.column, f"{cp}source"))
            ok = False
            continue
        citation = _verify(source, quote, fid or "fact", j, c, cp, r, state)
        if citation is None:
            ok = False
        else:
            out.append(citation)
    return out if ok else None


MIN_QUOTE_WORDS, MIN_QUOTE_CHARS = 3, 15
"""The shortest quote that can carry a claim: a word or two occurs by chance (the shortest
quote of the real briefing has 4 words and 17 characters)."""


def _too_short(quote: str, where: Node, cp: str, r: Reader) -> bool:
    """True (with a problem) for a quote found once yet too short to mean anything; one
    found several times is told to grow by the ambiguity message already."""
    words = quote.split()
    if len(words) >= MIN_QUOTE_WORDS and len(" ".join(words)) >= MIN_QUOTE_CHARS:
        return False
    r.problem(
        where,
        f"{cp}quote",
        f"the quote is too short to carry a "
        f"claim ({len(words)} word(s)); a quote needs at least {MIN_QUOTE_WORDS} words "
        f"and {MIN_QUOTE_CHARS} characters",
        hint="quote the whole phrase that states it",
    )
    return True


def _verify(
    source: Source, quote: str, fid: str, number: int, c: Mapping, cp: str, r: Reader, state: State
) -> Citation | None:
    """Locate the quote in its source: exactly one place, or a problem with the closest."""
    index = state.indexes[source.id]
    where = c.entries["quote"].value
    matches = index.find(quote)
    if len(matches) == 1:
        if _too_short(quote, where, cp, r):
            return None
        m = matches[0]
        return Citation(
            source=source.id,
            quote=quote,
            number=number,
            start=m.start,
            end=m.end,
            line=index.line_of(m.start),
            anchor=f"cite-{fid}-{number}",
            passage=index.passage(m),
        )
    if matches:
        lines = ", ".join(str(index.line_of(m.start)) for m in matches[:5])
        r.problem(
            where,
            f"{cp}quote",
            f"the quote occurs {len(matches)} times in "
            f"{source.file} (lines {lines}), so it cannot be anchored to one passage",
            hint="lengthen the quote with the words around the passage you mean",
        )
        return None
    if not quote.strip():
        r.problem(
            where, f"{cp}quote", "the quote is empty", hint="paste the exact words of the source"
        )
        return None
    closest = index.closest(quote)
    excerpt = ""
    hint = (
        f"copy the words exactly from {source.file}, or run `briefing cite {source.id} "
        f'"{_short(quote)}"`'
    )
    if closest is not None and closest.score >= 50:
        passage = " ".join(index.passage(closest).split())
        excerpt = (
            f"closest passage ({source.file}, line {index.line_of(closest.start)}):\n"
            f"\u201c{passage}\u201d"
        )
        if INVISIBLE.search(quote):
            hint = "the quote contains an invisible character: retype it or copy it again"
        elif "\u2026" in quote or "..." in quote:
            hint = "an ellipsis is not in the source: cite the passage in two quotes instead"
    r.problem(
        where,
        f"{cp}quote",
        f"the quote is not in source `{source.id}` ({source.file})",
        hint=hint,
        excerpt=excerpt,
    )
    return None


def _short(quote: str, words: int = 8) -> str:
    return " ".join(quote.split()[:words]).replace('"', "'")
