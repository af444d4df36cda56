"""Briefing + one page's choice of facts -> the finished data its template shows.

Goes in: a `SiteContext` (briefing, urls, memoised fact cards) and what the plan decided a
page shows. Comes out: `{"layout": Layout, "page": <page view>}`, a tested contract: the
templates only loop over and branch on these fields. The home page, content and topic pages,
fact pages, disputes, search and 404 are made here; the site context, the timeline, the
actors and the sources have modules of their own.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from builder.actor_pages import actor_groups
from builder.allies import position_matrix
from builder.briefing import Briefing
from builder.cards import DateView, Link
from builder.jsonld import fact_jsonld
from builder.model import DisputeKind, KeyPoint
from builder.pictures import Dot, Layer, layer_diagram
from builder.site_context import BUILTIN_SUMMARIES, BUILTIN_TITLES, Context, SiteContext, nav_links
from builder.timeline_pages import timeline_strip_of
from builder.urls import Urls
from builder.views import (
    CitationBlock,
    ContentPage,
    CorrectionView,
    DisputeGroup,
    DisputePair,
    DisputesPage,
    FactDispute,
    FactEntry,
    FactEntryGroup,
    FactGroup,
    FactPage,
    GlancePoint,
    HistoryView,
    HomePage,
    NotFoundPage,
    SearchPage,
    SectionLink,
    TopicPage,
)

WHAT_CHANGED = 5
"""How many of the latest dated facts the home page shows."""


def _sections(briefing: Briefing, urls: Urls) -> tuple[SectionLink, ...]:
    sections = []
    for slug in briefing.site.nav:
        page = briefing.page(slug)
        if page is not None:
            sections.append(SectionLink(urls.page(slug), page.title, page.summary))
        elif slug in BUILTIN_TITLES:
            sections.append(
                SectionLink(urls.path(f"{slug}/"), BUILTIN_TITLES[slug], BUILTIN_SUMMARIES[slug])
            )
    return tuple(sections)


def home(
    ctx: SiteContext, *, url: str, key_facts: tuple[str, ...], changed: tuple[str, ...]
) -> Context:
    b = ctx.briefing
    index = b.page("index")
    title = index.title if index else b.site.title
    body = ctx.body(index) if index else Markup()
    page = HomePage(
        title=title,
        body_html=body,
        glance=glance_points(ctx, index.glance) if index else (),
        strip=timeline_strip_of(
            ctx,
            "home-strip",
            "The story at a glance: {how}. The "
            f'<a href="{escape(ctx.urls.timeline())}">timeline</a> gives the same facts as text.',
        ),
        description=(index.summary if index and index.summary else b.site.description),
        as_of=ctx.as_of,
        key_facts=ctx.cards.cards(key_facts),
        changed=ctx.cards.cards(tuple(f for f in changed if f not in key_facts)),
        sections=_sections(b, ctx.urls),
    )
    return {"layout": ctx.layout(url, title, page.description, og_type="website"), "page": page}


def glance_points(ctx: SiteContext, points: tuple[KeyPoint, ...]) -> tuple[GlancePoint, ...]:
    """Key points ("At a glance", a diagram's boxes), each followed by its facts' marks."""
    return tuple(
        GlancePoint(
            point.label,
            ctx.markdown.inline(point.text),
            Markup("").join(
                ctx.cards.marks(f) for f in point.facts if f in ctx.briefing.fact_by_id
            ),
        )
        for point in points
    )


def content_page(
    ctx: SiteContext,
    *,
    url: str,
    slug: str,
    key_facts: tuple[str, ...],
    topic_facts: tuple[str, ...],
    group_by_actor: bool,
    allies: tuple[str, ...],
) -> Context:
    b = ctx.briefing
    page = b.page(slug)
    assert page is not None
    topic = b.topic_by_id.get(page.topic or "")
    topic_facts = tuple(f for f in topic_facts if f not in key_facts)  # each card once
    if group_by_actor:
        groups = actor_groups(ctx, topic_facts)
    elif topic_facts:
        groups = (FactGroup("", "", None, ctx.cards.cards(topic_facts)),)
    else:
        groups = ()
    view = ContentPage(
        slug=slug,
        title=page.title,
        summary=page.summary,
        body_html=ctx.body(page),
        key_facts=ctx.cards.cards(key_facts),
        matrix=position_matrix(ctx, allies) if allies else None,
        diagram=layer_diagram(
            tuple(
                Layer(
                    point.label,
                    point.text,
                    tuple(
                        Dot(ctx.fact_link(f).url, ctx.fact_link(f).text)
                        for f in point.facts
                        if f in b.fact_by_id
                    ),
                )
                for point in page.diagram
            ),
            Markup(
                "The planned force, layer by layer: each dot links to a fact the box "
                "rests on. The same boxes as text, with references, follow the picture."
            ),
            "force-layers",
        )
        if page.diagram
        else Markup(""),
        diagram_points=glance_points(ctx, page.diagram),
        topic_title=topic.title if topic else "",
        topic_groups=groups,
    )
    return {"layout": ctx.layout(url, page.title, page.summary, search_kind="Page"), "page": view}


def topic_page(ctx: SiteContext, *, url: str, topic_id: str, facts: tuple[str, ...]) -> Context:
    topic = ctx.briefing.topic_by_id[topic_id]
    view = TopicPage(topic.title, topic.summary, ctx.cards.cards(facts))
    layout = ctx.layout(url, topic.title, topic.summary, search_kind="Topic")
    return {"layout": layout, "page": view}


def fact_page(
    ctx: SiteContext, *, url: str, fact_id: str, appearances: tuple[Link, ...]
) -> Context:
    view = ctx.cards.view(fact_id)
    citations = tuple(
        CitationBlock(c.number, c.url, c.source, c.passage, c.original_url) for c in view.cites
    )
    disputes = tuple(
        FactDispute(d.note, ctx.cards.bare_card(d.fact_id), d.kind, d.heading)
        for d in view.disputes
    )
    page = FactPage(
        title=view.claim_text,
        claim_html=view.claim_html,
        marks=ctx.cards.marks(fact_id),
        date=view.date,
        actors=view.actors,
        status=view.status_label,
        corroboration=view.corroboration,
        topic=ctx.cards.topic(fact_id),
        citations=citations,
        disputes=disputes,
        appearances=tuple(dict.fromkeys(appearances)),
        event=view.event,
        jsonld=fact_jsonld(ctx.briefing, ctx.urls, fact_id, view.claim_text),
        **fact_record(ctx.briefing, fact_id),
    )
    return {
        "layout": ctx.layout(url, view.claim_text, view.claim_text, search_kind="Fact"),
        "page": page,
    }


def fact_record(briefing: Briefing, fact_id: str) -> dict[str, Any]:
    """A fact page's record of changes: its corrections and its history."""
    fact = briefing.fact_by_id[fact_id]
    known = briefing.history.get(fact_id)
    history = (
        None
        if known is None
        else HistoryView(
            DateView(known.first_published.iso(), known.first_published.human()),
            DateView(known.last_changed.iso(), known.last_changed.human()),
            known.last_changed != known.first_published,
        )
    )
    return {
        "corrections": tuple(
            CorrectionView(DateView(c.date.iso(), c.date.human()), c.what, c.why)
            for c in fact.corrections
        ),
        "history": history,
    }


DISPUTE_GROUPS = {
    DisputeKind.CONTRADICTS: (
        "Sources contradict each other",
        "The sources assert incompatible things: both facts are marked disputed.",
    ),
    DisputeKind.DIFFERS: (
        "Reported differently",
        "The same thing reported with different words, numbers or dates. Neither account "
        "denies the other; the difference is worth knowing.",
    ),
    DisputeKind.INCONSISTENT: (
        "A source at odds with itself",
        "One document gives two incompatible versions of the same thing.",
    ),
}
"""Each kind of dispute's heading and explanation on the disputes page, in its order."""


def disputes_page(ctx: SiteContext, *, url: str) -> Context:
    """Each pair of facts once, grouped by kind: the notes either side gave (each once),
    then both facts as cards without their dispute notes."""
    b = ctx.briefing
    notes: dict[tuple[str, str], dict[str, None]] = {}
    kinds: dict[tuple[str, str], set[DisputeKind]] = {}
    for fid, disputes in b.disputes_of.items():
        for d in disputes:
            left, right = sorted((fid, d.fact))
            if left in b.fact_by_id and right in b.fact_by_id:
                notes.setdefault((left, right), {})[d.note] = None
                kinds.setdefault((left, right), set()).add(d.kind)
    shown: set[str] = set()

    def side(fact_id: str) -> Markup:
        """The fact's card, or a link to it when an earlier pair shows its card."""
        if fact_id in shown:
            link = ctx.fact_link(fact_id)
            return Markup('<p class="fact-again">Shown above: <a href="{}">{}</a></p>').format(
                link.url, link.text
            )
        shown.add(fact_id)
        return ctx.cards.bare_card(fact_id)

    order = list(DISPUTE_GROUPS)
    groups = []
    for kind, (title, explanation) in DISPUTE_GROUPS.items():
        # A pair whose two sides name different kinds is shown once, under the first of them.
        pairs = tuple(
            DisputePair(tuple(sorted(found)), (side(left), side(right)))
            for (left, right), found in sorted(notes.items())
            if min(kinds[left, right], key=order.index) is kind
        )
        if pairs:
            groups.append(DisputeGroup(kind.value, title, explanation, pairs))
    view = DisputesPage("Disputes", tuple(groups))
    return {"layout": ctx.layout(url, view.title, BUILTIN_SUMMARIES["disputes"]), "page": view}


def search_page(ctx: SiteContext, *, url: str) -> Context:
    b, urls = ctx.briefing, ctx.urls
    view = SearchPage(
        title="Search",
        script_url=urls.static("search.js"),
        fact_groups=tuple(
            FactEntryGroup(
                topic.title,
                tuple(
                    FactEntry(link, ctx.cards.badge_of(fid))
                    for link, fid in zip(
                        ctx.topic_links(topic.id), ctx.topic_facts(topic.id), strict=True
                    )
                ),
            )
            for topic in b.site.topics
            if b.facts_by_topic.get(topic.id)
        ),
        actors=tuple(
            Link(urls.actor(a.id), a.name)
            for a in sorted(b.actors, key=lambda a: (a.name.casefold(), a.id))
        ),
        sources=tuple(Link(urls.source(s.id), s.title) for s in b.sources),
    )
    return {"layout": ctx.layout(url, view.title, BUILTIN_SUMMARIES["search"]), "page": view}


def not_found_page(ctx: SiteContext, *, url: str) -> Context:
    links = (Link(ctx.urls.home(), "Home"), *nav_links(ctx.briefing, ctx.urls))
    view = NotFoundPage("Page not found", links)
    return {"layout": ctx.layout(url, view.title, canonical=False), "page": view}
