"""Briefing -> the plan of the site: every page, with its template, what it shows and what it
depends on.

Goes in: a checked briefing and its URLs. Comes out: a `Plan` of page jobs, each naming
its output path, template, context builder and (for the preview's rebuilds) what it
depends on (`fact:<id>`, `source:<id>`, `actor:<id>`, `page:<slug>`, `site`,
`template:<name>`); `replan` patches a plan after an edit, `affected` picks the jobs a
change touches.
"""

from __future__ import annotations

import copy
import functools
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from builder import contexts, guide
from builder.cards import Link, card_deps
from builder.changes import ChangeSet
from builder.contexts import SiteContext
from builder.footnotes import REFERENCES_TEMPLATE
from builder.markdown import cited_facts
from builder.model import Actor, Briefing, Fact
from builder.templating import CARD_TEMPLATES, TEMPLATE_USES
from builder.timepages import TEMPLATES as NOT_IN_SITEMAP
from builder.timepages import page_specs
from builder.urls import Urls, output_path

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
    deps: frozenset[str]
    """Everything the page shows; a change to any of them means re-rendering it."""
    shows: tuple[str, ...] = ()
    """Fact ids shown as cards ("where it appears" on fact pages is made of these)."""


@functools.cache
def _template_deps(name: str, shows_facts: bool) -> frozenset[str]:
    names = {name, *TEMPLATE_USES.get(name, ())}
    if "base.html" in names:  # the layout shows the navigation and references, made apart
        names.update((contexts.NAV_TEMPLATE, REFERENCES_TEMPLATE))
    if shows_facts:
        names.update(CARD_TEMPLATES)
    return frozenset(f"template:{n}" for n in names)


class Plan:
    """Every page job of a site and, for each fact, the pages it appears on: what
    `plan_pages` returns the jobs of, and what `replan` patches after an edit."""

    def __init__(self, briefing: Briefing, urls: Urls, *, deps: bool = True) -> None:
        self.briefing = briefing
        self.urls = urls
        self.jobs: list[PageJob] = []
        self.tracks = deps
        """Whether jobs carry their `deps` (only the preview's rebuilds need them)."""
        self.card_deps = (
            {f.id: card_deps(briefing, f.id) for f in briefing.facts}
            if deps
            else dict.fromkeys(briefing.fact_by_id, frozenset())
        )
        self.appearances: dict[str, list[Link]] = defaultdict(list)
        self.appearance_deps: dict[str, set[str]] = defaultdict(set)
        self.listed: dict[str, tuple[str, ...]] = {}
        """Page URL -> the facts shown or cited there (fact pages left out)."""
        self._order = contexts.timeline_order(briefing)
        self._index: dict[str, int] = {}
        self._cites: dict[str, frozenset[str]] = {}
        # Every page's navigation shows the titles of the pages it lists.
        self.nav_deps = {f"page:{slug}" for slug in briefing.site.nav if briefing.page(slug)}

    def chrono(self, ids: Iterable[str]) -> tuple[str, ...]:
        return contexts.chronological(self._order, ids)

    def add(
        self,
        rel: str,
        title: str,
        template: str,
        build: Callable[..., Mapping[str, Any]],
        *,
        own: str = "site",
        shows: Iterable[str] = (),
        cites: Iterable[str] = (),
        deps: Iterable[str] = (),
        **kwargs: Any,
    ) -> None:
        """Plan one page. `own` names what the page is about (its title comes from it);
        `shows` are the facts shown as cards, `cites` the facts cited inline or listed."""
        self.jobs.append(
            self.job(
                rel, title, template, build, own=own, shows=shows, cites=cites, deps=deps, **kwargs
            )
        )

    def job(
        self,
        rel: str,
        title: str,
        template: str,
        build: Callable[..., Mapping[str, Any]],
        *,
        own: str = "site",
        shows: Iterable[str] = (),
        cites: Iterable[str] = (),
        deps: Iterable[str] = (),
        **kwargs: Any,
    ) -> PageJob:
        """One page's job (see `add`), noting where the facts it lists appear."""
        url = self.urls.path(rel)
        shown = tuple(dict.fromkeys(f for f in shows if f in self.card_deps))
        cited = tuple(dict.fromkeys(f for f in cites if f in self.card_deps))
        listed = (*shown, *cited)
        all_deps: set[str] = set()
        if self.tracks:
            all_deps = {"site", own, *self.nav_deps, *deps, *_template_deps(template, bool(listed))}
            all_deps.update(*map(self.card_deps.__getitem__, shown), *map(self._cite_deps, cited))
        # Fact pages come last and are not listed under "where it appears": each lists
        # its disputes itself, and the list would depend on the order they are planned.
        if not rel.startswith("facts/"):
            self.listed[url] = listed
            link = Link(url, title)
            for fid in listed:
                self.appearances[fid].append(link)
            if self.tracks:
                for fid in listed:
                    self.appearance_deps[fid].add(own)
        return PageJob(
            path=output_path(rel),
            url=url,
            title=title,
            template=template,
            build=partial(build, url=url, **kwargs),
            deps=frozenset(all_deps),
            shows=shown,
        )

    def _cite_deps(self, fact_id: str) -> frozenset[str]:
        """What a page shows of a fact it cites or lists without its card (inline marks, a
        source page's passages): the fact itself and the titles of its sources. Not its
        actors or disputes, which only its card shows."""
        found = self._cites.get(fact_id)
        if found is None:
            fact = self.briefing.fact_by_id[fact_id]
            found = frozenset({f"fact:{fact_id}", *(f"source:{c.source}" for c in fact.citations)})
            self._cites[fact_id] = found
        return found

    def fact_job(self, fact_id: str) -> PageJob:
        """A fact's permalink, planned after every page that lists it."""
        return self.job(
            f"facts/{fact_id}/",
            fact_id,
            "fact.html",
            contexts.fact_page,
            own=f"fact:{fact_id}",
            shows=(d.fact for d in self.briefing.disputes_of.get(fact_id, ())),
            deps=(*self.card_deps[fact_id], *self.appearance_deps[fact_id]) if self.tracks else (),
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
    deps: bool = True,
    review: ChangeSet | None = None,
    base: str = "",
) -> list[PageJob]:
    """Every page of the site, in a stable order, with what it shows and (unless `deps` is
    false, which leaves every job's `deps` empty) what it depends on. With a `review`
    (the changes since revision `base`), the site has a `/changes/` page too."""
    return make_plan(briefing, urls, deps=deps, review=review, base=base).jobs


def make_plan(
    briefing: Briefing,
    urls: Urls,
    *,
    deps: bool = True,
    review: ChangeSet | None = None,
    base: str = "",
) -> Plan:
    """The `Plan` of every page of the site (see `plan_pages`)."""
    plan = Plan(briefing, urls, deps=deps)
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
        own="page:index",
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
            own=f"page:{page.slug}",
            shows=(*key, *topic_facts),
            cites=cited_facts(page.body),
            deps=_matrix_deps(briefing, matrix),
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
                contexts.ally_page,
                own=f"actor:{actor.id}",
                shows=(f for p in actor.positions for f in p.facts),
                actor_id=actor.id,
            )

    plan.add(
        "timeline/",
        "Timeline",
        "timeline.html",
        contexts.timeline_page,
        shows=(*briefing.timeline, *briefing.undated),
    )

    plan.add(
        "actors/",
        "Actors",
        "actors.html",
        contexts.actors_page,
        deps=[f"actor:{a.id}" for a in briefing.actors]
        + [f"fact:{f}" for fs in briefing.facts_by_actor.values() for f in fs],
    )
    for actor in briefing.actors:
        facts = plan.chrono(briefing.facts_by_actor.get(actor.id, ()))
        plan.add(
            f"actors/{actor.id}/",
            actor.name,
            "actor.html",
            contexts.actor_page,
            own=f"actor:{actor.id}",
            shows=(*facts, *(f for p in actor.positions for f in p.facts)),
            deps=[f"actor:{actor.country}"] if actor.country else [],
            actor_id=actor.id,
            facts=facts,
        )

    plan.add(
        "sources/",
        "Sources",
        "sources.html",
        contexts.sources_page,
        deps=[f"source:{s.id}" for s in briefing.sources]
        + [f"fact:{f}" for fs in briefing.facts_by_source.values() for f in fs],
    )
    for source in briefing.sources:
        plan.add(
            f"sources/{source.id}/",
            source.title,
            "source.html",
            contexts.source_page,
            own=f"source:{source.id}",
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
        deps=[f"source:{s.id}" for s in briefing.sources],
    )
    plan.add(
        "search/",
        "Search",
        "search.html",
        contexts.search_page,
        deps=[f"fact:{f.id}" for f in briefing.facts]
        + [f"actor:{a.id}" for a in briefing.actors]
        + [f"source:{s.id}" for s in briefing.sources],
    )

    # Fact permalinks come last: "where it appears" lists the pages planned above.
    for fact in briefing.facts:
        plan.jobs.append(plan.fact_job(fact.id))

    # Corrections, and the pages left at withdrawn and old ids' URLs (`timepages`).
    every_fact = [f"fact:{f.id}" for f in briefing.facts] if deps else []
    for rel, title, template, build, kwargs in page_specs(briefing, review, base):
        plan.add(rel, title, template, build, deps=every_fact, **kwargs)

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
        elif kind != "template":
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


def _matrix_deps(briefing: Briefing, allies: tuple[str, ...]) -> list[str]:
    return [f"actor:{a}" for a in allies] + [
        f"fact:{f}" for a in allies for p in briefing.actor_by_id[a].positions for f in p.facts
    ]


def affected(
    old: Iterable[PageJob], new: Iterable[PageJob], changed: Collection[str]
) -> list[PageJob]:
    """The jobs of the new plan to re-render after `changed` names changed: those whose
    deps in the old or the new plan meet `changed`, plus pages the old plan did not have."""
    old_deps = {job.path: job.deps for job in old}
    touched = frozenset(changed)
    return [
        job
        for job in new
        if job.path not in old_deps or job.deps & touched or old_deps[job.path] & touched
    ]


def sitemap_urls(jobs: Iterable[PageJob]) -> list[str]:
    """The pages the sitemap lists: all but the 404 page, withdrawn ids' and old ids' pages
    and the review page."""
    return [
        job.url for job in jobs if job.path != "404.html" and job.template not in NOT_IN_SITEMAP
    ]
