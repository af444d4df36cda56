"""Briefing -> the whole site as `{output path: bytes}` (pages, static files, machine outputs).

Rendering is a list of page jobs: `plan_pages` decides every page, what it shows and what it
depends on (`fact:<id>`, `source:<id>`, `actor:<id>`, `page:<slug>`, `site`,
`template:<name>`); `render_pages` renders any subset of them, so the preview server can
redo only the pages a change touches (see `affected`).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import os
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, replace
from functools import partial
from itertools import chain
from pathlib import Path
from types import CodeType
from typing import Any, TypeVar, cast

from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateError,
    nodes,
)
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.runtime import Context, new_context
from markupsafe import Markup

from builder import contexts, parallel
from builder.cards import Cards, Link, card_deps, topic_links
from builder.contexts import SiteContext
from builder.errors import Problem
from builder.feeds import machine_outputs
from builder.markdown import Markdown, cited_facts
from builder.model import Actor, Briefing, Fact
from builder.urls import Urls, checked_path, output_path

ContextBuilder = Callable[[SiteContext], Mapping[str, Any]]
R = TypeVar("R")

CARD_TEMPLATES = ("_fact_card.html", "_cite_marks.html")
TEMPLATE_USES: Mapping[str, tuple[str, ...]] = {
    "home.html": ("base.html", "_fact_list.html"),
    "page.html": ("base.html", "_fact_list.html", "_matrix.html"),
    "topic.html": ("base.html", "_fact_list.html"),
    "ally.html": ("base.html", "_fact_list.html"),
    "timeline.html": ("base.html", "_fact_list.html"),
    "actors.html": ("base.html",),
    "actor.html": ("base.html", "_fact_list.html"),
    "sources.html": ("base.html",),
    "source.html": ("base.html",),
    "fact.html": ("base.html",),
    "disputes.html": ("base.html",),
    "search.html": ("base.html",),
    "404.html": ("base.html",),
}
"""Templates each page template pulls in (extends/include); a test keeps it true."""


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
    return (value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
            .replace("'", "&#39;").replace('"', "&#34;"))


try:  # markupsafe's escaping of a plain `str`, in C: what `escape_text` makes of one
    from markupsafe._speedups import _escape_inner as escape_str
except ImportError:  # pragma: no cover - markupsafe built without its C speedups
    escape_str = escape_text


class _Template(Template):
    """A template whose `{{ value }}` outputs escape without building a `Markup` for each.

    Where a compiled template writes out a value, it calls `escape` and joins the result
    into the page text at once, so the `Markup` wrapper markupsafe returns (the larger
    part of a page's rendering time) is of no use there; `escape_text` makes the same text.
    Everywhere else (filters, macros, `Markup` values in contexts) nothing changes.
    """

    @classmethod
    def from_code(cls, environment: Environment, code: CodeType,
                  globals: MutableMapping[str, Any],
                  uptodate: Callable[[], bool] | None = None) -> Template:
        template = super().from_code(environment, code, globals, uptodate)
        names = template.root_render_func.__globals__
        names["escape"] = escape_text
        names["_escape_str"] = escape_str
        return template

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Jinja's `render`, less a copy of a context passed as one dict (`new_context`
        copies it anyway): a site renders some 30,000 times, most of them small cards."""
        if self.environment.is_async:
            return super().render(*args, **kwargs)
        given = args[0] if len(args) == 1 and not kwargs and type(args[0]) is dict \
            else dict(*args, **kwargs)
        try:
            return "".join(self.root_render_func(self.new_context(given)))
        except Exception:
            self.environment.handle_exception()

    def new_context(self, vars: dict[str, Any] | None = None, shared: bool = False,
                    locals: Mapping[str, Any] | None = None) -> Context:
        """Jinja's context, with the template's globals read once as a plain dict: Jinja
        walks their `ChainMap` twice per render otherwise. (The builder never changes the
        environment's globals after loading a template.)"""
        flat = self.__dict__.get("_flat_globals")
        if flat is None:
            flat = self.__dict__["_flat_globals"] = dict(self.globals)
        return new_context(self.environment, self.name, self.blocks, vars, shared, flat, locals)


class _CodeGenerator(CodeGenerator):
    """Jinja's compiler, with `a.b` read by Python's own `getattr` when `a` is a name or a
    chain of names (`page.date.iso`): a compiled template otherwise calls
    `environment.getattr`, a Python function, for each of a page's hundreds of lookups.
    What is not an attribute (a dict's key, an undefined name) still goes to
    `environment.getattr`, so templates behave exactly as before."""

    _collected: frozenset[int] = frozenset()
    """Ids of the node lists `blockvisit` compiles to collect their output."""

    @optimizeconst
    def visit_Getattr(self, node: nodes.Getattr, frame: Frame) -> None:
        if self.environment.is_async or not _plain_lookup(node.node):
            super().visit_Getattr(node, frame)
            return
        self.write("(_attr if (_attr := getattr(")
        self.visit(node.node, frame)
        self.write(f", {node.attr!r}, missing)) is not missing else environment.getattr(")
        self.visit(node.node, frame)  # a name or names again: nothing runs twice
        self.write(f", {node.attr!r}))")

    def _inline_escape(self, frame: Frame, finalize: CodeGenerator._FinalizeInfo) -> bool:
        return (frame.eval_ctx.autoescape and not frame.eval_ctx.volatile
                and finalize.src is None and not self.environment.is_async)

    def _output_child_pre(self, node: nodes.Expr, frame: Frame,
                          finalize: CodeGenerator._FinalizeInfo) -> None:
        """A value written out that is a plain `str` (most of them) is escaped by
        markupsafe's C function directly: `escape_text`, a Python call, is some 60 calls
        a fact page. (A long plain passage takes longer this way, the C function testing
        each character; short values, the many, take less: `benchmarks/parts.md`.)
        Anything else (`Markup`, numbers, undefined) still goes to `escape`."""
        if not self._inline_escape(frame, finalize):
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("(_escape_str(_out) if type(_out := ")

    def _output_child_post(self, node: nodes.Expr, frame: Frame,
                           finalize: CodeGenerator._FinalizeInfo) -> None:
        if not self._inline_escape(frame, finalize):
            super()._output_child_post(node, frame, finalize)
            return
        self.write(") is str else escape(_out))")

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        """Note the bodies of the template's root and blocks, which `blockvisit` compiles
        to collect their output (see there). A template with an `include ... without
        context` keeps Jinja's way: Jinja writes that include as a `yield` whatever the
        frame, which would come out ahead of what was collected."""
        unbuffered = any(not include.with_context for include in node.find_all(nodes.Include))
        self._collected = frozenset() if unbuffered or self.environment.is_async else frozenset(
            {id(node.body), *(id(block.body) for block in node.find_all(nodes.Block))})
        super().visit_Template(node, frame)

    def blockvisit(self, body: Iterable[nodes.Node], frame: Frame) -> None:
        """The root and each block of a template collect their output in a list and yield
        it once, joined. Jinja yields each piece as it goes, and each yield passes up
        through every generator between a block and the page (a layout's block: three):
        a fact page was some 34 yields, each taken up three times. The same text comes
        out in the same order; inside, Jinja writes into the list as it does for macros
        and `set` blocks (`frame.buffer`)."""
        if id(body) not in self._collected or frame.buffer is not None:
            super().blockvisit(body, frame)
            return
        frame.buffer = collected = self.temporary_identifier()
        self.writeline(f"{collected} = []")
        try:
            super().blockvisit(body, frame)
        finally:
            frame.buffer = None
        self.writeline(f"if {collected}:")
        self.indent()
        self.writeline(f"yield concat({collected})")
        self.outdent()

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:
        """Jinja yields each piece of a run of text and `{{ values }}` on its own, and each
        yield passes through every generator between the block and the page (a block in a
        layout: three); a source page is a thousand pieces. Here a run of pieces is joined
        and yielded once: the same text, in the same order, each value evaluated as before.
        A run of one piece, or output into a buffer (macros, `set` blocks) or in async
        templates, goes Jinja's way."""
        finalize = self._make_finalize()
        body: list[list[Any] | nodes.Expr] = []
        for child in node.nodes:  # constants folded at compile time, as Jinja does
            try:
                if not (finalize.const or isinstance(child, nodes.TemplateData)):
                    raise nodes.Impossible()
                const = self._output_child_to_const(child, frame, finalize)
            except (nodes.Impossible, Exception):
                body.append(child)
                continue
            if body and isinstance(body[-1], list):
                body[-1].append(const)
            else:
                body.append([const])
        if len(body) < 2 or frame.buffer is not None or self.environment.is_async:
            super().visit_Output(node, frame)
            return
        if frame.require_output_check:  # as Jinja: no output outside blocks when extending
            if self.has_known_extends:
                return
            self.writeline("if parent_template is None:")
            self.indent()
        self.writeline("yield concat((")
        self.indent()
        for item in body:
            if isinstance(item, list):
                self.writeline(self._output_const_repr(item))
            else:
                self.newline(item)
                self._output_child_pre(item, frame, finalize)
                self.visit(item, frame)
                self._output_child_post(item, frame, finalize)
            self.write(",")
        self.outdent()
        self.writeline("))")
        if frame.require_output_check:
            self.outdent()


def _plain_lookup(node: nodes.Node, depth: int = 0) -> bool:
    """Whether `node` is a variable or a short chain of attributes of one, which can be
    evaluated twice at no cost and with no effect."""
    if isinstance(node, nodes.Name):
        return True
    return isinstance(node, nodes.Getattr) and depth < 3 and _plain_lookup(node.node, depth + 1)


class _Environment(Environment):
    """Jinja's environment, whose `get_template` finds a template it has loaded before in a
    plain dict: Jinja's own cache takes a lock on every call, and a 10,000-fact build asks
    some 42,000 times (each page, card and marks, each `extends`; counted by hand). With
    `auto_reload` off, as the builder makes it, a loaded template never changes."""

    template_class = _Template
    code_generator_class = _CodeGenerator

    def get_template(self, name: str | Template, parent: str | None = None,
                     globals: MutableMapping[str, Any] | None = None) -> Template:
        if globals is not None or self.auto_reload or not isinstance(name, str):
            return super().get_template(name, parent, globals)
        if parent is not None:
            name = self.join_path(name, parent)
        loaded: dict[str, Template] = self.__dict__.setdefault("_loaded", {})
        found = loaded.get(name)
        if found is None:
            found = loaded[name] = super().get_template(name)
        return found


def make_environment(templates_dir: Path) -> Environment:
    env = _Environment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=True,  # every template makes HTML (a callable here runs per render)
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=_bytecode_cache(),
    )
    return env


def load_templates(env: Environment) -> None:
    """Load (compile, or read from the bytecode cache) every template pages can use, ahead
    of rendering. One that is missing or broken is left for the page that uses it to report."""
    for name in sorted(_templates_used({*TEMPLATE_USES, *CARD_TEMPLATES})):
        with contextlib.suppress(TemplateError, OSError):
            env.get_template(name)


def _templates_used(names: Iterable[str]) -> set[str]:
    """`names`, the templates they pull in, and the navigation every layout shows."""
    return {contexts.NAV_TEMPLATE, *(used for name in names
                                     for used in (name, *TEMPLATE_USES.get(name, ())))}


def _bytecode_cache() -> BytecodeCache | None:
    """Compiled templates kept between builds (Jinja's per-user cache folder in the system
    temp folder, keyed by each template's text): compiling them is a good part of a small
    build. None, compiling every time, when that folder cannot be used."""
    try:
        # Named for this compiler: code cached by another must not be loaded.
        return FileSystemBytecodeCache(pattern="__briefing_collect1_%s.cache")
    except (OSError, RuntimeError):
        return None


class Renderer:
    """One build's rendering state: the Jinja environment and the memoised fact cards.

    Make a new one per build; its caches assume the briefing does not change. The preview
    passes the previous build's `env` while no template changed, so templates compile once.
    """

    def __init__(self, briefing: Briefing, urls: Urls, templates_dir: Path,
                 env: Environment | None = None) -> None:
        self.env = env if env is not None else make_environment(templates_dir)
        self.markdown = Markdown()
        cards = Cards(briefing, urls, self.env, self.markdown, topic_links(briefing, urls))
        self.site = SiteContext(briefing, urls, cards, self.markdown)
        self.cards_shared = False
        """Whether `share_cards` has made every card already."""

    def render(self, job: PageJob) -> bytes:
        context = job.build(self.site)
        return self.env.get_template(job.template).render(context).encode("utf-8")


@functools.cache
def _template_deps(name: str, shows_facts: bool) -> frozenset[str]:
    names = {name, *TEMPLATE_USES.get(name, ())}
    if "base.html" in names:  # the layout shows the navigation, rendered apart
        names.add(contexts.NAV_TEMPLATE)
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
        self.card_deps = ({f.id: card_deps(briefing, f.id) for f in briefing.facts} if deps
                          else dict.fromkeys(briefing.fact_by_id, frozenset()))
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

    def add(self, rel: str, title: str, template: str, build: Callable[..., Mapping[str, Any]],
            *, own: str = "site", shows: Iterable[str] = (), cites: Iterable[str] = (),
            deps: Iterable[str] = (), **kwargs: Any) -> None:
        """Plan one page. `own` names what the page is about (its title comes from it);
        `shows` are the facts shown as cards, `cites` the facts cited inline or listed."""
        self.jobs.append(self.job(rel, title, template, build, own=own, shows=shows,
                                  cites=cites, deps=deps, **kwargs))

    def job(self, rel: str, title: str, template: str, build: Callable[..., Mapping[str, Any]],
            *, own: str = "site", shows: Iterable[str] = (), cites: Iterable[str] = (),
            deps: Iterable[str] = (), **kwargs: Any) -> PageJob:
        """One page's job (see `add`), noting where the facts it lists appear."""
        url = self.urls.path(rel)
        shown = tuple(dict.fromkeys(f for f in shows if f in self.card_deps))
        cited = tuple(dict.fromkeys(f for f in cites if f in self.card_deps))
        listed = (*shown, *cited)
        all_deps: set[str] = set()
        if self.tracks:
            all_deps = {"site", own, *self.nav_deps, *deps,
                        *_template_deps(template, bool(listed))}
            all_deps.update(*map(self.card_deps.__getitem__, shown),
                            *map(self._cite_deps, cited))
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
            path=output_path(rel), url=url, title=title, template=template,
            build=partial(build, url=url, **kwargs),
            deps=frozenset(all_deps), shows=shown,
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
        return self.job(f"facts/{fact_id}/", fact_id, "fact.html", contexts.fact_page,
                        own=f"fact:{fact_id}",
                        shows=(d.fact for d in self.briefing.disputes_of.get(fact_id, ())),
                        deps=(*self.card_deps[fact_id], *self.appearance_deps[fact_id])
                        if self.tracks else (),
                        fact_id=fact_id, appearances=tuple(self.appearances[fact_id]))

    def index(self, path: str) -> int:
        """Where the job writing `path` is in `jobs`."""
        if not self._index:
            self._index = {job.path: i for i, job in enumerate(self.jobs)}
        return self._index[path]


def plan_pages(briefing: Briefing, urls: Urls, *, deps: bool = True) -> list[PageJob]:
    """Every page of the site, in a stable order, with what it shows and (unless `deps` is
    false, which leaves every job's `deps` empty) what it depends on."""
    return make_plan(briefing, urls, deps=deps).jobs


def make_plan(briefing: Briefing, urls: Urls, *, deps: bool = True) -> Plan:
    """The `Plan` of every page of the site (see `plan_pages`)."""
    plan = Plan(briefing, urls, deps=deps)
    known = briefing.fact_by_id

    # Home: key facts from the index page, and what changed (the latest dated facts).
    index = briefing.page("index")
    key = tuple(f for f in (index.facts if index else ()) if f in known)
    changed = tuple(reversed(briefing.timeline[-contexts.WHAT_CHANGED:]))
    plan.add("", "Home page", "home.html", contexts.home,
             own="page:index", shows=(*key, *changed),
             cites=cited_facts(index.body) if index else (), key_facts=key, changed=changed)

    allies = tuple(a.id for a in briefing.actors if a.positions)
    for page in briefing.pages:
        if page.slug == "index":
            continue
        key = tuple(f for f in page.facts if f in known)
        topic_facts = plan.chrono(briefing.facts_by_topic.get(page.topic or "", ()))
        matrix = allies if page.slug == "allies" else ()
        plan.add(f"{page.slug}/", page.title, "page.html", contexts.content_page,
                 own=f"page:{page.slug}", shows=(*key, *topic_facts),
                 cites=cited_facts(page.body),
                 deps=_matrix_deps(briefing, matrix), slug=page.slug, key_facts=key,
                 topic_facts=topic_facts, group_by_actor=page.slug == "russia", allies=matrix)

    topics_with_page = {p.topic for p in briefing.pages if p.topic and p.slug != "index"}
    for topic in briefing.site.topics:
        if topic.id not in topics_with_page:
            facts = plan.chrono(briefing.facts_by_topic.get(topic.id, ()))
            plan.add(f"topics/{topic.id}/", topic.title, "topic.html", contexts.topic_page,
                     shows=facts, topic_id=topic.id, facts=facts)

    for actor in briefing.actors:
        if actor.positions:
            plan.add(f"allies/{actor.id}/", ally_title(actor), "ally.html",
                     contexts.ally_page, own=f"actor:{actor.id}",
                     shows=(f for p in actor.positions for f in p.facts), actor_id=actor.id)

    plan.add("timeline/", "Timeline", "timeline.html", contexts.timeline_page,
             shows=(*briefing.timeline, *briefing.undated))

    plan.add("actors/", "Actors", "actors.html", contexts.actors_page,
             deps=[f"actor:{a.id}" for a in briefing.actors]
             + [f"fact:{f}" for fs in briefing.facts_by_actor.values() for f in fs])
    for actor in briefing.actors:
        facts = plan.chrono(briefing.facts_by_actor.get(actor.id, ()))
        plan.add(f"actors/{actor.id}/", actor.name, "actor.html", contexts.actor_page,
                 own=f"actor:{actor.id}",
                 shows=(*facts, *(f for p in actor.positions for f in p.facts)),
                 deps=[f"actor:{actor.country}"] if actor.country else [],
                 actor_id=actor.id, facts=facts)

    plan.add("sources/", "Sources", "sources.html", contexts.sources_page,
             deps=[f"source:{s.id}" for s in briefing.sources]
             + [f"fact:{f}" for fs in briefing.facts_by_source.values() for f in fs])
    for source in briefing.sources:
        plan.add(f"sources/{source.id}/", source.title, "source.html", contexts.source_page,
                 own=f"source:{source.id}", cites=briefing.facts_by_source.get(source.id, ()),
                 source_id=source.id)

    disputed = tuple(sorted(briefing.disputes_of))
    plan.add("disputes/", "Disputes", "disputes.html", contexts.disputes_page, shows=disputed)
    plan.add("search/", "Search", "search.html", contexts.search_page,
             deps=[f"fact:{f.id}" for f in briefing.facts]
             + [f"actor:{a.id}" for a in briefing.actors]
             + [f"source:{s.id}" for s in briefing.sources])

    # Fact permalinks come last: "where it appears" lists the pages planned above.
    for fact in briefing.facts:
        plan.jobs.append(plan.fact_job(fact.id))

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
        plan.appearances[fid] = [Link(link.url, titles.get(link.url, link.text))
                                 for link in plan.appearances[fid]]
        plan.jobs[plan.index(output_path(f"facts/{fid}/"))] = plan.fact_job(fid)
    return plan


def _same_fact_shape(a: Fact | None, b: Fact | None) -> bool:
    """Whether two versions of a fact sit in the same places: what the plan reads of it."""
    if a is None or b is None:
        return False
    return (a.topic, a.date, a.actors, [c.source for c in a.citations],
            [d.fact for d in a.disputes]) == (b.topic, b.date, b.actors,
                                              [c.source for c in b.citations],
                                              [d.fact for d in b.disputes])


def _matrix_deps(briefing: Briefing, allies: tuple[str, ...]) -> list[str]:
    return [f"actor:{a}" for a in allies] + [
        f"fact:{f}" for a in allies for p in briefing.actor_by_id[a].positions for f in p.facts
    ]


PARALLEL_MIN_PAGES = 500
"""Below this many pages, forking workers costs more than it saves."""

Files = Iterable[tuple[str, bytes]]
"""Output files as (path relative to the site root, bytes), in the order they are made."""


class TemplateFailed(Exception):
    """A template failed while a worker process rendered with it: the problem, located."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def render_pages(jobs: Iterable[PageJob], renderer: Renderer) -> dict[str, bytes]:
    """Render the given jobs (all of them, or only those a change touched).

    Many pages are shared out among the machine's cores: first every fact's card, made
    once and handed to all, then the pages; the bytes are the same either way.
    """
    jobs = list(jobs)
    if len(jobs) < PARALLEL_MIN_PAGES or parallel.workers() < 2:
        return {job.path: renderer.render(job) for job in jobs}
    _prepare_workers(renderer, jobs)
    pages = parallel.fork_map(renderer.render, jobs)
    return {job.path: page for job, page in zip(jobs, pages, strict=True)}


def _prepare_workers(renderer: Renderer, jobs: Iterable[PageJob]) -> None:
    """Make what every worker needs before they fork: the cards, the compiled templates."""
    share_cards(renderer)
    for name in _templates_used({job.template for job in jobs}):
        renderer.env.get_template(name)


def share_cards(renderer: Renderer, meanwhile: Callable[[], object] | None = None) -> None:
    """Make every fact's card on all cores and hand them to this process, once per build,
    so that workers forked afterwards inherit them. `meanwhile()` runs here while the
    other processes make theirs."""
    if renderer.cards_shared:
        if meanwhile is not None:
            meanwhile()
        return
    cards = renderer.site.cards
    for name in CARD_TEMPLATES:
        renderer.env.get_template(name)
    facts = [fid for fid in renderer.site.briefing.fact_by_id if not cards.made(fid)]
    here = os.getpid()

    def make(fact_id: str) -> tuple[str, str, str, str] | None:
        """A card made here stays in `cards` as it is; one made in another process comes
        back as its fragments. (This process's own half, handed back too, would be copied
        and adopted again after the others finish, while no other process works.)"""
        if os.getpid() == here:
            cards.card(fact_id)  # its claim, view and marks with it
            return None
        return cards.fragments(fact_id)

    def adopt(i: int, fragments: tuple[str, str, str, str] | None) -> None:
        """Another process's card, taken as it arrives: adopting all of them once every
        process is done took some 0.025 s at 10,000 facts while the other core idled."""
        if fragments is not None:
            cards.adopt(facts[i], fragments)

    parallel.fork_map(make, facts, meanwhile=meanwhile, batch=64, taken=adopt)
    renderer.cards_shared = True


def affected(old: Iterable[PageJob], new: Iterable[PageJob],
             changed: Collection[str]) -> list[PageJob]:
    """The jobs of the new plan to re-render after `changed` names changed: those whose
    deps in the old or the new plan meet `changed`, plus pages the old plan did not have."""
    old_deps = {job.path: job.deps for job in old}
    touched = frozenset(changed)
    return [
        job for job in new
        if job.path not in old_deps or job.deps & touched or old_deps[job.path] & touched
    ]


def static_files(templates_dir: Path) -> dict[str, bytes]:
    """`templates/static/**` copied to `static/**`."""
    root = templates_dir / "static"
    if not root.is_dir():
        return {}
    return {
        f"static/{p.relative_to(root).as_posix()}": p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def render_site(briefing: Briefing, templates_dir: Path, urls: Urls,
                renderer: Renderer | None = None) -> dict[str, bytes]:
    """The whole site in memory, `{path: bytes}` sorted by path (tests, small sites).
    Pass a `renderer` to keep its fact cards afterwards."""
    if renderer is None:
        renderer = Renderer(briefing, urls, templates_dir)
    parts = render_site_into(briefing, templates_dir, urls, renderer, dict)
    return dict(sorted(item for part in parts for item in part.items()))


def render_site_into(briefing: Briefing, templates_dir: Path, urls: Urls, renderer: Renderer,
                     consume: Callable[[Files], R],
                     on_page: Callable[[int, int], None] | None = None,
                     on_stage: Callable[[str], None] | None = None) -> list[R]:
    """Every file of the site, handed to `consume` as it is made; its results, one per
    process that made files.

    On a big site the pages are shared out among the machine's cores in small batches,
    each to whichever process is free, after every fact's card was made once for all;
    one of the processes makes the other files first, then joins in. Each process streams
    what it renders into its own `consume` (the build's writes straight into the new
    site folder), so no process holds the whole site. Each file is made by exactly one
    process, with the same bytes as in one.
    `on_page(done, total)` follows the pages rendered, `on_stage(name)` the stages of a
    big site. Raises `TemplateError` or `TemplateFailed` when a template breaks, and
    `UnsafePath` before anything is written when a page's path would leave the site.
    """
    parallel_ok = parallel.workers() > 1 and parallel.can_fork()
    # Every page is rendered here: what each depends on is for the preview's rebuilds (whose
    # own plan has it), and would be nearly half of the planning's time (`parts.md`).
    jobs: list[PageJob] = []

    def plan() -> None:
        jobs.extend(plan_pages(briefing, urls, deps=False))
        if parallel_ok and len(jobs) >= PARALLEL_MIN_PAGES:
            for job in jobs:  # refused here, before any worker starts writing
                checked_path(job.path)

    if parallel_ok and len(briefing.facts) >= PARALLEL_MIN_PAGES:
        if on_stage is not None:
            on_stage("making fact cards")
        # The cards are made on the other cores while this one plans the pages.
        share_cards(renderer, plan)
    else:
        plan()
    total = len(jobs)
    if total < PARALLEL_MIN_PAGES or not parallel_ok:
        if on_stage is not None:
            on_stage("rendering and writing pages")
        def everything() -> Iterator[tuple[str, bytes]]:
            for done, job in enumerate(jobs, 1):
                yield job.path, renderer.render(job)
                if on_page is not None:
                    on_page(done, total)
            yield from other_files(briefing, templates_dir, urls, jobs, renderer).items()
        return [consume(everything())]

    _prepare_workers(renderer, jobs)
    if on_stage is not None:
        on_stage("rendering and writing pages")
    # One process per core, the last making the other files before it joins in: a third
    # process on two cores would only take turns with the others, each turn emptying the
    # core's caches. Pages go out in small batches to whichever process is free: on a
    # shared machine cores are not equally fast.
    n = parallel.workers()
    rendered = parallel.Counter(n)
    tickets, size = parallel.Tickets.for_batches(total, 8)

    def pages(k: int) -> Iterator[tuple[str, bytes]]:
        for batch in tickets:
            for job in jobs[batch * size:(batch + 1) * size]:
                yield job.path, renderer.render(job)
                rendered.add(k)
                if on_page is not None and k == 0:
                    on_page(rendered.total(), total)

    def share(k: int) -> tuple[R | None, Problem | None]:
        try:
            if k == n - 1:  # the last process: everything but the pages, then pages
                others = other_files(briefing, templates_dir, urls, jobs, renderer)
                return consume(chain(others.items(), pages(k))), None
            return consume(pages(k)), None
        except TemplateError as exc:  # a traceback does not cross processes: locate it here
            return None, template_problem(exc, templates_dir.parent)

    results = []
    try:
        shares = parallel.fork_map(share, list(range(n)), processes=n)
    finally:
        tickets.close()
    for result, problem in shares:
        if problem is not None:
            raise TemplateFailed(problem)
        results.append(cast(R, result))
    return results


def template_problem(exc: Exception, root: Path) -> Problem:
    """A broken template as a problem at its file and line (the innermost template frame)."""
    import traceback

    filename, name = getattr(exc, "filename", None), getattr(exc, "name", None)
    path = Path(filename) if filename else root / "templates" / name if name else None
    line = getattr(exc, "lineno", None) or 0
    if not line:
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            if frame.f_code.co_filename.endswith(".html"):
                path, line = Path(frame.f_code.co_filename), lineno
    base = root.resolve()
    if path is None:
        rel = "templates"
    elif path.resolve().is_relative_to(base):
        rel = path.resolve().relative_to(base).as_posix()
    else:
        rel = str(path)
    message = getattr(exc, "message", None) or str(exc)
    return Problem(rel, line, 0, "", f"template error: {message}",
                   hint="fix the template under templates/ (this is not a content mistake)")


def other_files(briefing: Briefing, templates_dir: Path, urls: Urls,
                jobs: Iterable[PageJob], renderer: Renderer) -> dict[str, bytes]:
    """Everything but the pages: static files and the machine-readable outputs (facts.json,
    facts.csv, feed.xml, sitemap.xml, robots.txt), which reuse the renderer's claims."""
    out = static_files(templates_dir)
    out.update(machine_outputs(briefing, urls, sitemap_urls(jobs), renderer.site.cards.claim))
    return out


def sitemap_urls(jobs: Iterable[PageJob]) -> list[str]:
    """The pages the sitemap lists: all but the 404 page."""
    return [job.url for job in jobs if job.path != "404.html"]
