"""Briefing -> the plan of the site: every page, with its template and what it shows.

Goes in: a checked briefing and its URLs. Comes out: a `Plan` of page jobs, each naming
its output path, template and context builder; `replan` patches a plan after an edit.
What each page depends on is not planned: the preview records it while rendering
(`builder/reads.py`).
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, cast

from builder import actor_pages, contexts, guide, site_context, source_pages, timeline_pages
from builder.allies import ally_page
from builder.briefing import Briefing
from builder.cards import Link
from builder.changes import ChangeSet
from builder.markdown import cited_facts
from builder.model import Actor, Fact
from builder.site_context import SiteContext
from builder.timepages import TEMPLATES as NOT_IN_SITEMAP
from builder.timepages import page_specs
from builder.urls import Urls, output_path

PLAN_IGNORES = frozenset({"template", "coverage", "strands_of"})
"""Changes no plan reads (templates, each source's coverage, each fact's strands)."""
ContextBuilder = Callable[[SiteContext], Mapping[str, Any]]


@dataclass(frozen=True)
class PageJob:
    """One page to render: where it goes, with which template, from which data."""

    path: str
    """Output path relative to the site root, e.g. `facts/x/index.html`."""
    url: str
    title: str
    template: str
    build: ContextBuilder
    shows: tuple[str, ...] = ()
    """Fact ids shown as cards ("where it appears" on fact pages is made of these)."""


class Plan:
    """Every page job of a site and, for each fact, the pages it appears on: what
    `plan_pages` returns the jobs of, and what `replan` patches after an edit."""

    def __init__(self, briefing: Briefing, urls: Urls) -> None:
        self.briefing = briefing
        self.urls = urls
        self.jobs: list[PageJob] = []
        self.appearances: dict[str, list[Link]] = defaultdict(list)
        self.listed: dict[str, tuple[str, ...]] = {}
        """Page URL -> the facts shown or cited there (fact pages left out)."""
        self._order = site_context.timeline_order(briefing)
        self._index: dict[str, int] = {}

    def chrono(self, ids: Iterable[str]) -> tuple[str, ...]:
        return site_context.chronological(self._order, ids)

    def add(
        self,
        rel: str,
        title: str,
        template: str,
        build: Callable[..., Mapping[str, Any]],
        *,
        shows: Iterable[str] = (),
        cites: Iterable[str] = (),
        **kwargs: Any,
    ) -> None:
        """Plan one page. `shows` are the facts shown as cards, `cites` the facts cited
        inline or listed."""
        self.jobs.append(self.job(rel, title, template, build, shows=shows, cites=cites, **kwargs))

    def job(
        self,
        rel: str,
        title: str,
        template: str,
        build: Callable[..., Mapping[str, Any]],
        *,
        shows: Iterable[str] = (),
        cites: Iterable[str] = (),
        **kwargs: Any,
    ) -> PageJob:
        """One page's job (see `add`), noting where the facts it lists appear."""
        url = self.urls.path(rel)
        known = self.briefing.fact_by_id
        shown = tuple(dict.fromkeys(f for f in shows if f in known))
        cited = tuple(dict.fromkeys(f for f in cites if f in known))
        listed = (*shown, *cited)
        # Fact pages come last and are not listed under "where it appears": each lists
        # its disputes itself, and the list would depend on the order they are planned.
        if not rel.startswith("facts/"):
            self.listed[url] = listed
            link = Link(url, title)
            for fid in listed:
                self.appearances[fid].append(link)
        return PageJob(
            path=output_path(rel),
            url=url,
            title=title,
            template=template,
            build=partial(build, url=url, **kwargs),
            shows=shown,
        )

    def fact_job(self, fact_id: str) -> PageJob:
        """A fact's permalink, planned after every page that lists it."""
        return self.job(
            f"facts/{fact_id}/",
            fact_id,
            "fact.html",
            contexts.fact_page,
            shows=(d.fact for d in self.briefing.disputes_of.get(fact_id, ())),
            fact_id=fact_id,
            appearances=tuple(self.appearances[fact_id]),
        )

    def index(self, path: str) -> int:
        """Where the job writing `path` is in `jobs`."""
        if not self._index:
            self._index = {job.path: i for i, job in enumerate(self.jobs)}
        return self._index[path]


def plan_pages(
    briefing: Briefing,
    urls: Urls,
    *,
    review: ChangeSet | None = None,
    base: str = "",
) -> list[PageJob]:
    """Every page of the site, in a stable order, with what it shows. With a `review`
    (the changes since revision `base`), the site has a `/changes/` page too."""
    return make_plan(briefing, urls, review=review, base=base).jobs


def make_plan(
    briefing: Briefing,
    urls: Urls,
    *,
    review: ChangeSet | None = None,
    base: str = "",
) -> Plan:
    """The `Plan` of every page of the site (see `plan_pages`)."""
    plan = Plan(briefing, urls)
    known = briefing.fact_by_id

    # Home: key facts from the index page, and what changed (the latest dated facts).
    index = briefing.page("index")
    key = tuple(f for f in (index.facts if index else ()) if f in known)
    changed = tuple(reversed(briefing.timeline[-contexts.WHAT_CHANGED :]))
    plan.add(
        "",
        "Home page",
        "home.html",
        contexts.home,
        shows=(*key, *changed),
        cites=cited_facts(index.body) if index else (),
        key_facts=key,
        changed=changed,
    )

    allies = tuple(a.id for a in briefing.actors if a.positions)
    for page in briefing.pages:
        if page.slug == "index":
            continue
        key = tuple(f for f in page.facts if f in known)
        topic_facts = plan.chrono(briefing.facts_by_topic.get(page.topic or "", ()))
        matrix = allies if page.slug == "allies" else ()
        plan.add(
            f"{page.slug}/",
            page.title,
            "page.html",
            contexts.content_page,
            shows=(*key, *topic_facts),
            cites=cited_facts(page.body),
            slug=page.slug,
            key_facts=key,
            topic_facts=topic_facts,
            group_by_actor=page.slug == "russia",
            allies=matrix,
        )

    topics_with_page = {p.topic for p in briefing.pages if p.topic and p.slug != "index"}
    for topic in briefing.site.topics:
        if topic.id not in topics_with_page:
            facts = plan.chrono(briefing.facts_by_topic.get(topic.id, ()))
            plan.add(
                f"topics/{topic.id}/",
                topic.title,
                "topic.html",
                contexts.topic_page,
                shows=facts,
                topic_id=topic.id,
                facts=facts,
            )

    for actor in briefing.actors:
        if actor.positions:
            plan.add(
                f"allies/{actor.id}/",
                ally_title(actor),
                "ally.html",
                ally_page,
                shows=(f for p in actor.positions for f in p.facts),
                actor_id=actor.id,
            )

    months = timeline_pages.timeline_months(site_context.timeline_days(briefing))
    if not months:
        plan.add(
            "timeline/",
            "Timeline",
            "timeline.html",
            timeline_pages.timeline_page,
            shows=(*briefing.timeline, *briefing.undated),
        )
    else:  # too long for one page: the first holds the strip, the months and what is undated
        plan.add(
            "timeline/",
            "Timeline",
            "timeline.html",
            timeline_pages.timeline_page,
            shows=briefing.undated,
        )
        for month, fids in months:
            plan.add(
                f"timeline/{month}/",
                f"Timeline: {timeline_pages.month_name(month)}",
                "timeline.html",
                timeline_pages.timeline_page,
                shows=fids,
                month=month,
            )

    plan.add(
        "actors/",
        "Actors",
        "actors.html",
        actor_pages.actors_page,
    )
    for actor in briefing.actors:
        facts = plan.chrono(briefing.facts_by_actor.get(actor.id, ()))
        plan.add(
            f"actors/{actor.id}/",
            actor.name,
            "actor.html",
            actor_pages.actor_page,
            shows=(*facts, *(f for p in actor.positions for f in p.facts)),
            actor_id=actor.id,
            facts=facts,
        )

    plan.add(
        "sources/",
        "Sources",
        "sources.html",
        source_pages.sources_page,
    )
    for source in briefing.sources:
        plan.add(
            f"sources/{source.id}/",
            source.title,
            "source.html",
            source_pages.source_page,
            cites=briefing.facts_by_source.get(source.id, ()),
            source_id=source.id,
        )

    disputed = tuple(sorted(briefing.disputes_of))
    plan.add("disputes/", "Disputes", "disputes.html", contexts.disputes_page, shows=disputed)
    plan.add(
        guide.PATH,
        guide.TITLE,
        "how-to-read.html",
        guide.guide_page,
    )
    plan.add(
        "search/",
        "Search",
        "search.html",
        contexts.search_page,
    )

    # Fact permalinks come last: "where it appears" lists the pages planned above.
    for fact in briefing.facts:
        plan.jobs.append(plan.fact_job(fact.id))

    # Corrections, and the pages left at withdrawn and old ids' URLs (`timepages`).
    for rel, title, template, build, kwargs in page_specs(briefing, review, base):
        plan.add(rel, title, template, build, **kwargs)

    plan.add("404.html", "Page not found", "404.html", contexts.not_found_page)
    return plan


def ally_title(actor: Actor) -> str:
    """The title of an ally's positions page (the plan and `replan` name it alike)."""
    return f"{actor.name}: positions"


def replan(previous: Plan, new: Briefing, changed: Collection[str]) -> Plan | None:
    """`previous` brought up to date with `new` after `changed`, when the edit leaves the
    site's shape alone: the same facts in the same order, each with the same topic, date,
    actors, sources and disputes, the same sources and actors (with the same positions and
    countries), the same pages and site. A source's title or an actor's name may change: it
    retitles their pages and the "where it appears" links to them. Otherwise None: plan
    the site again with `make_plan`. Nothing else a plan holds depends on what may change
    here, so the result equals `make_plan(new, urls)` (the tests compare the two)."""
    old = previous.briefing
    retitled: dict[str, str] = {}  # output path -> new title
    for name in changed:
        kind, _, key = name.partition(":")
        if kind in PLAN_IGNORES or (not key and kind in ("fact", "source", "actor")):
            continue  # what the plan does not read, or the whole of what is compared below
        if kind == "fact":
            if not _same_fact_shape(old.fact_by_id.get(key), new.fact_by_id.get(key)):
                return None
        elif kind == "source":
            was, now = old.source_by_id.get(key), new.source_by_id.get(key)
            if was is None or now is None:
                return None
            if was.title != now.title:
                retitled[output_path(f"sources/{key}/")] = now.title
        elif kind == "actor":
            a, b = old.actor_by_id.get(key), new.actor_by_id.get(key)
            if a is None or b is None or (a.positions, a.country) != (b.positions, b.country):
                return None
            if a.name != b.name:
                retitled[output_path(f"actors/{key}/")] = b.name
                if b.positions:
                    retitled[output_path(f"allies/{key}/")] = ally_title(b)
        else:
            return None
    if len(old.facts) != len(new.facts) or any(
        a.id != b.id for a, b in zip(old.facts, new.facts, strict=True)
    ):
        return None
    plan = copy.copy(previous)
    plan.briefing = new
    if not retitled:
        return plan
    plan.jobs = list(previous.jobs)
    plan.appearances = defaultdict(list, previous.appearances)
    titles: dict[str, str] = {}  # URL -> new title
    refresh: set[str] = set()
    for path, title in retitled.items():
        i = plan.index(path)
        titles[plan.jobs[i].url] = title
        plan.jobs[i] = replace(plan.jobs[i], title=title)
        refresh.update(plan.listed.get(plan.jobs[i].url, ()))
    for fid in sorted(refresh):
        plan.appearances[fid] = [
            Link(link.url, titles.get(link.url, link.text)) for link in plan.appearances[fid]
        ]
        plan.jobs[plan.index(output_path(f"facts/{fid}/"))] = plan.fact_job(fid)
    return plan


def _same_fact_shape(a: Fact | None, b: Fact | None) -> bool:
    """Whether two versions of a fact sit in the same places: what the plan reads of it."""
    if a is None or b is None:
        return False
    return (
        a.topic,
        a.date,
        a.actors,
        [c.source for c in a.citations],
        [d.fact for d in a.disputes],
    ) == (b.topic, b.date, b.actors, [c.source for c in b.citations], [d.fact for d in b.disputes])


def same_job(old: PageJob | None, new: PageJob) -> bool:
    """Whether the plan hands a page the same as before: path, title, template, context
    builder and what it is given."""
    if old is None:
        return False
    if old is new:
        return True
    a, b = cast(partial[Any], old.build), cast(partial[Any], new.build)
    return (old.path, old.url, old.title, old.template, old.shows, a.func, a.keywords) == (
        new.path,
        new.url,
        new.title,
        new.template,
        new.shows,
        b.func,
        b.keywords,
    )


def sitemap_urls(jobs: Iterable[PageJob]) -> list[str]:
    """The pages the sitemap lists: all but the 404 page, withdrawn ids' and old ids' pages
    and the review page."""
    return [
        job.url for job in jobs if job.path != "404.html" and job.template not in NOT_IN_SITEMAP
    ]
