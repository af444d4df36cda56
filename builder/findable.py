"""Briefing -> what a reader can find with the site's search: one record per fact, actor,
ally, source, topic and page, holding the words a reader looks for.

Goes in: a checked briefing. Comes out: `SearchRecord`s in a fixed order (`search_records`),
each a small HTML body (a heading, then paragraphs) that `builder.search` indexes without
reading the rendered pages. A fact is found by its claim, its quoted passages, its date,
actors, topic, event, status and the titles of its sources; an actor by its name, aliases,
role and stances; a source by its title, outlet and archived text; a topic or page by its
title, summary and prose. Lists (home, timeline, actors, sources, disputes, corrections),
redirects of withdrawn ids and the review page are not records: nothing is found there
that is not found on the pages they list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial

from markupsafe import Markup, escape

from builder.allies import STANCE_LABELS
from builder.briefing import Briefing
from builder.cards import STATUS_LABELS, EventBadge, event_badges
from builder.markdown import Markdown
from builder.model import Actor, Fact, Page, Source, Topic


@dataclass(frozen=True, slots=True)
class SearchRecord:
    """One page as search sees it."""

    path: str
    """The page's path from the site root, without the base path: `facts/x/`."""
    kind: str
    """What the page is in results: `Fact`, `Actor`, `Ally`, `Source`, `Topic` or `Page`."""
    title: str
    body: Markup
    """`<h1>` with the title, then paragraphs of what the page says that a reader searches."""
    event: str = ""
    """A fact's event label when it is not of the briefing's main event (shown in results)."""


def search_records(briefing: Briefing) -> tuple[SearchRecord, ...]:
    """Every page a reader can find, in a fixed order: pages, topics, allies, actors,
    sources, facts (each as the briefing lists them)."""
    return tuple(make() for _, make in record_makers(briefing))


def record_makers(briefing: Briefing) -> list[tuple[str, Callable[[], SearchRecord]]]:
    """Each record's path and how to make it, in `search_records`' order: the preview makes
    again only the records whose making read what an edit changed."""
    markdown = Markdown()
    badges = event_badges(briefing)
    with_page = {p.topic for p in briefing.pages if p.topic and p.slug != "index"}
    return [
        *(
            (f"{page.slug}/", partial(page_record, briefing, page, markdown))
            for page in briefing.pages
            if page.slug != "index"
        ),
        *(
            (f"topics/{topic.id}/", partial(topic_record, topic))
            for topic in briefing.site.topics
            if topic.id not in with_page
        ),
        *(
            (f"allies/{actor.id}/", partial(ally_record, briefing, actor))
            for actor in briefing.actors
            if actor.positions
        ),
        *((f"actors/{a.id}/", partial(actor_record, briefing, a)) for a in briefing.actors),
        *((f"sources/{s.id}/", partial(source_record, s)) for s in briefing.sources),
        *(
            (f"facts/{fact.id}/", partial(fact_record, briefing, fact, markdown, badges))
            for fact in briefing.facts
        ),
    ]


def fact_record(
    briefing: Briefing, fact: Fact, markdown: Markdown, badges: Mapping[str, EventBadge]
) -> SearchRecord:
    actors, topics = briefing.actor_by_id, briefing.topic_by_id
    claim = markdown.plain(fact.claim)
    badge = badges.get(fact.event)
    topic = topics.get(fact.topic)
    sources = dict.fromkeys(
        briefing.source_by_id[c.source].title
        for c in fact.citations
        if c.source in briefing.source_by_id
    )
    facts_of = (
        fact.date.human() if fact.date else "undated",
        ", ".join(actors[a].name for a in fact.actors if a in actors),
        topic.title if topic else "",
        STATUS_LABELS[fact.status.value],
        badge.label if badge else "",
    )
    return SearchRecord(
        f"facts/{fact.id}/",
        "Fact",
        claim,
        _body(
            claim,
            *(c.passage for c in fact.citations),
            ". ".join(part for part in facts_of if part),
            "; ".join(sources),
        ),
        badge.label if badge else "",
    )


def actor_record(briefing: Briefing, actor: Actor) -> SearchRecord:
    country = briefing.actor_by_id.get(actor.country or "")
    return SearchRecord(
        f"actors/{actor.id}/",
        "Actor",
        actor.name,
        _body(
            actor.name,
            ", ".join(actor.aliases),
            actor.role,
            actor.kind.value,
            country.name if country else "",
            *_stances(briefing, actor),
        ),
    )


def ally_record(briefing: Briefing, actor: Actor) -> SearchRecord:
    title = f"{actor.name}: positions"
    return SearchRecord(
        f"allies/{actor.id}/",
        "Ally",
        title,
        _body(
            title,
            f"Where {actor.name} stands on each issue, with the facts behind it.",
            *_stances(briefing, actor),
        ),
    )


def source_record(source: Source) -> SearchRecord:
    byline = (
        source.outlet if source.outlet != "unknown" else "",
        source.published.human() if source.published else "",
        source.kind.value,
    )
    return SearchRecord(
        f"sources/{source.id}/",
        "Source",
        source.title,
        _body(source.title, ". ".join(part for part in byline if part), source.text),
    )


def topic_record(topic: Topic) -> SearchRecord:
    return SearchRecord(
        f"topics/{topic.id}/", "Topic", topic.title, _body(topic.title, topic.summary)
    )


def page_record(briefing: Briefing, page: Page, markdown: Markdown) -> SearchRecord:
    points = (*page.glance, *page.diagram)
    prose = markdown.block(page.body, lambda fact_id: Markup(""))
    return SearchRecord(
        f"{page.slug}/",
        "Page",
        page.title,
        _body(page.title, page.summary, *(f"{p.label}: {markdown.plain(p.text)}" for p in points))
        + prose,
    )


def _stances(briefing: Briefing, actor: Actor) -> Iterator[str]:
    titles = {issue.id: issue.title for issue in briefing.site.issues}
    for position in actor.positions:
        words = (titles.get(position.issue, ""), STANCE_LABELS[position.stance.value])
        yield ": ".join(w for w in words if w) + (f". {position.note}" if position.note else "")


def _body(title: str, *paragraphs: str) -> Markup:
    """`<h1>title</h1>` and a `<p>` for each paragraph that says something."""
    parts = [f"<h1>{escape(title)}</h1>"]
    parts.extend([f"<p>{escape(p)}</p>" for p in paragraphs if p and not p.isspace()])
    return Markup("\n".join(parts))
