"""The "How to read this briefing" page: what its labels, marks and counts mean.

Goes in: the briefing (its events, sources and strands). Comes out: the page's view and
template context. The page explains events, statuses, dispute kinds, corroboration counts,
citation marks and why outlets and dates read "unknown", with this briefing's own examples.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from builder.cards import STATUS_LABELS, EventBadge, Link
from builder.contexts import DISPUTE_GROUPS
from builder.site_context import BUILTIN_SUMMARIES, BUILTIN_TITLES, SiteContext

PATH = "how-to-read/"
TITLE = BUILTIN_TITLES["how-to-read"]
SUMMARY = BUILTIN_SUMMARIES["how-to-read"]


@dataclass(frozen=True, slots=True)
class EventEntry:
    label: str
    description: str
    main: bool
    badge: Markup
    """The badge its facts wear (empty for the main event, whose facts wear none)."""


@dataclass(frozen=True, slots=True)
class KindEntry:
    kind: str
    title: str
    explanation: str


@dataclass(frozen=True, slots=True)
class StrandEntry:
    """Documents that count as one source in "corroborated by N sources"."""

    strand: str
    sources: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class GuidePage:
    title: str
    events: tuple[EventEntry, ...]
    statuses: tuple[str, ...]
    """The status labels, in order: Reported, Claimed, Disputed."""
    kinds: tuple[KindEntry, ...]
    shared_strands: tuple[StrandEntry, ...]
    """Strands with more than one document."""
    source_count: int
    unknown_outlets: tuple[Link, ...]
    unknown_dates: tuple[Link, ...]
    disputes_url: str
    sources_url: str


def guide_page(ctx: SiteContext, *, url: str) -> Mapping[str, Any]:
    b, urls = ctx.briefing, ctx.urls
    site = b.site
    events = tuple(
        EventEntry(
            e.label,
            e.description,
            e.id == site.main_event,
            Markup("")
            if e.id == site.main_event
            else ctx.cards.badge(EventBadge(e.id, e.label, e.description)),
        )
        for e in site.events
    )
    strands: dict[str, list[Link]] = {}
    for source in b.sources:
        strands.setdefault(source.strand, []).append(Link(urls.source(source.id), source.title))
    page = GuidePage(
        title=TITLE,
        events=events,
        statuses=tuple(STATUS_LABELS.values()),
        kinds=tuple(
            KindEntry(kind.value, title, explanation)
            for kind, (title, explanation) in DISPUTE_GROUPS.items()
        ),
        shared_strands=tuple(
            StrandEntry(strand, tuple(links))
            for strand, links in sorted(strands.items())
            if len(links) > 1
        ),
        source_count=len(b.sources),
        unknown_outlets=tuple(
            Link(urls.source(s.id), s.title) for s in b.sources if s.outlet == "unknown"
        ),
        unknown_dates=tuple(
            Link(urls.source(s.id), s.title) for s in b.sources if s.published is None
        ),
        disputes_url=urls.disputes(),
        sources_url=urls.sources(),
    )
    return {"layout": ctx.layout(url, TITLE, SUMMARY), "page": page}
