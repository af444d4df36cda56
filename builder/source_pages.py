"""The sources' pages: the list, and each source's archived text cut at every cited
passage boundary (overlaps included) so that every passage is marked and anchored once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from builder.cards import DateView, Link, original_url
from builder.jsonld import source_jsonld
from builder.site_context import BUILTIN_SUMMARIES, Context, SiteContext, percent
from builder.views import Landing, Passage, SourcePage, SourcesPage, TextSegment


@dataclass(frozen=True, slots=True)
class Span:
    """A cited passage: `text[start:end]`, anchored on the page by `anchor`."""

    start: int
    end: int
    anchor: str


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text with one and the same set of covering spans."""

    text: str
    covering: tuple[str, ...]
    """Anchors of the spans that cover this run (empty: plain text)."""
    starting: tuple[str, ...]
    """Anchors of the spans that begin where this run begins."""
    ending: tuple[str, ...]
    """Anchors of the spans that end where this run ends."""


def segment(text: str, spans: Iterable[Span]) -> list[Segment]:
    """Cut `text` at every span boundary, in one sweep over the sorted boundaries.

    Spans are clipped to the text. An empty span covers nothing but still starts and ends
    at its position, so its anchor exists and no link points nowhere.
    """
    size = len(text)
    clipped = [
        Span(min(max(s.start, 0), size), min(max(s.end, s.start, 0), size), s.anchor) for s in spans
    ]
    starts_at: dict[int, list[str]] = {}
    ends_at: dict[int, list[str]] = {}
    for s in sorted(clipped, key=lambda s: (s.start, s.anchor)):
        starts_at.setdefault(s.start, []).append(s.anchor)
        if s.end > s.start:
            ends_at.setdefault(s.end, []).append(s.anchor)
    empty = {s.anchor for s in clipped if s.end == s.start}
    bounds = sorted({0, size, *starts_at, *ends_at})
    active: set[str] = set()
    segments: list[Segment] = []
    none: list[str] = []
    for left, right in pairwise(bounds):
        active.difference_update(ends_at.get(left, none))
        starting = starts_at.get(left, none)
        ending = ends_at.get(right, none)
        if empty:
            active.update(a for a in starting if a not in empty)
            ending = [*ending, *(empty & set(starting))]
        else:
            active.update(starting)
        segments.append(
            Segment(
                text=text[left:right],
                covering=tuple(active) if len(active) < 2 else tuple(sorted(active)),
                starting=tuple(starting),
                ending=tuple(ending) if len(ending) < 2 else tuple(sorted(set(ending))),
            )
        )
    trailing = starts_at.get(size, none)
    if trailing or not segments:
        segments.append(Segment("", (), tuple(trailing), tuple(sorted(trailing))))
    return segments


def sources_page(ctx: SiteContext, *, url: str) -> Context:
    view = SourcesPage(
        "Sources", tuple(map(ctx.source_row, ctx.briefing.sources)), bool(ctx.briefing.site.events)
    )
    return {"layout": ctx.layout(url, view.title, BUILTIN_SUMMARIES["sources"]), "page": view}


def source_page(ctx: SiteContext, *, url: str, source_id: str) -> Context:
    b = ctx.briefing
    source = b.source_by_id[source_id]
    fact_ids = b.facts_by_source.get(source_id, ())
    links = {fid: ctx.fact_link(fid) for fid in fact_ids}
    # A source's page shows some forty passages of a big briefing's sources, each once in
    # the list and once marked in the text: positional arguments and local names, as the
    # fact cards have them.
    passage_url = ctx.cards.source_links(source_id).passage_url
    citation = ctx.urls.citation
    fact_by_id = b.fact_by_id
    badge_of = ctx.cards.badge_of
    passages: list[Passage] = []
    spans: list[Span] = []
    for fid in fact_ids:
        link = links[fid]
        for cit in fact_by_id[fid].citations:
            if cit.source == source_id:
                anchor = cit.anchor
                spans.append(Span(cit.start, cit.end, anchor))
                passages.append(
                    Passage(
                        anchor,
                        citation(source_id, anchor),
                        fid,
                        link,
                        cit.number,
                        cit.passage,
                        passage_url(cit.passage),
                        badge_of(fid),
                    )
                )
    in_text_order = sorted(range(len(spans)), key=lambda i: spans[i].start)  # stable
    fact_of = {p.anchor: p.fact for p in passages}
    same_words: dict[tuple[int, int], list[Link]] = {}  # facts quoting the very same words
    for span, passage in zip(spans, passages, strict=True):
        same_words.setdefault((span.start, span.end), []).append(passage.fact)
    supports = {
        span.anchor: tuple(dict.fromkeys(same_words[(span.start, span.end)])) for span in spans
    }
    view = SourcePage(
        title=source.title,
        outlet=source.outlet,
        published=DateView.of(source.published),
        kind=source.kind.value,
        file=source.file,
        url=original_url(source),
        cites=source.cites,
        strand=source.strand,
        notes=source.notes,
        coverage=percent(b.coverage.get(source_id, 0.0)),
        facts=tuple(links.values()),
        passages=tuple([passages[i] for i in in_text_order]),
        text=tuple(
            [
                TextSegment(
                    seg.text,
                    bool(seg.covering),
                    len(seg.covering) > 1,
                    seg.starting,
                    tuple([fact_of[a] for a in seg.ending]) if seg.ending else (),
                    " ".join(seg.covering),
                    tuple([Landing(a, supports[a]) for a in seg.starting]),
                )
                for seg in segment(source.text, spans)
            ]
        ),
        jsonld=source_jsonld(b, ctx.urls, source_id),
        sha256=source.sha256,
        archived=DateView.of(source.archived),
        self_url=ctx.urls.absolute(f"sources/{source_id}/") if ctx.urls.origin else url,
    )
    description = f"{source.title} ({source.outlet}): the archived text with cited passages."
    layout = ctx.layout(url, source.title, description, search_kind="Source")
    return {"layout": layout, "page": view}
