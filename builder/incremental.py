"""Rebuild only what a change touches: goes in the previous build's state and the project
root, comes out the new state, the output files written or removed, and the problems.

A change is named the way page jobs name what they show (`fact:<id>`, `source:<id>`,
`actor:<id>`, `page:<slug>`, `site`, `template:<name>`): the new briefing is compared with the
previous one object by object (dataclasses compare by value), templates by their bytes. Only
the jobs whose dependencies meet the change are rendered, only files whose bytes differ are
written (each atomically), and the result is byte for byte what a clean build writes.
"""

from __future__ import annotations

import operator
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from jinja2 import Environment, TemplateError

from builder.build import build, check
from builder.cards import cards_showing
from builder.errors import Problem
from builder.feeds import FILES as MACHINE_FILES
from builder.feeds import Feeds
from builder.load import ParseCache
from builder.lock import build_lock
from builder.model import Briefing, Fact
from builder.plan import PageJob, Plan, affected, make_plan, replan, sitemap_urls
from builder.render import Renderer, render_pages, static_files
from builder.templating import CARD_TEMPLATES, make_environment, template_problem
from builder.urls import Urls, normalise_base_url
from builder.write import digest, update_files

LOCK_WAIT_SECONDS = 30.0
PARTS_CHANGED = "parts changed"
"""The digest recorded for a machine output the preview wrote (never a real digest)."""


@dataclass(frozen=True)
class SiteState:
    """What the last good build made, enough to tell what the next change touches."""

    root: Path
    out: Path
    base_url: str | None
    """`--base-url` override, or None for site.yaml's."""
    briefing: Briefing
    jobs: tuple[PageJob, ...]
    templates: Mapping[str, str]
    """Template name (relative to `templates/`, static files excluded) -> digest."""
    files: Mapping[str, str]
    """Every output file the build owns (pages, static files, machine outputs) -> digest."""
    env: Environment | None = field(default=None, compare=False, repr=False)
    """The Jinja environment with the templates compiled, reused while they do not change."""
    cache: ParseCache = field(default_factory=ParseCache, compare=False, repr=False)
    """Parsed YAML files, reused while their text does not change."""
    renderer: Renderer | None = field(default=None, compare=False, repr=False)
    """The last rebuild's renderer: its fact cards are reused where no change touched them."""
    plan: Plan | None = field(default=None, compare=False, repr=False)
    """The plan `jobs` come from, patched by the next edit that leaves the site's shape."""
    feeds: Feeds | None = field(default=None, compare=False, repr=False)
    """The machine outputs' per-fact parts, reused where no change touched them."""


@dataclass
class Rebuild:
    """One rebuild's outcome. `state` is None only when no build has succeeded yet."""

    state: SiteState | None
    problems: list[Problem]
    changes: tuple[str, ...] = ()
    """What changed, as dependency names (sorted)."""
    rendered: int = 0
    """Pages rendered (a page whose bytes came out unchanged is rendered but not written)."""
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    full: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


def full_build(
    root: Path, out: Path, *, base_url: str | None = None, search: bool = True
) -> Rebuild:
    """A clean build (the same as `briefing build`), remembered as the state to build on.
    The plan and the machine outputs' parts are made again here, once, so that the first
    edit finds them ready."""
    started = time.perf_counter()
    cache = ParseCache()
    result = build(root, out=out, base_url=base_url, search=search, cache=cache, digests=True)
    if not result.ok or result.briefing is None:
        return Rebuild(None, result.problems, full=True, seconds=time.perf_counter() - started)
    briefing = _with_base_url(result.briefing, base_url)
    urls = Urls(briefing.site.base_url)
    plan = make_plan(briefing, urls)
    renderer = result.renderer  # its cards and parsed files make the first rebuild quick
    if renderer is not None:
        renderer.site.prepare()
    feeds = Feeds(briefing, urls, renderer.site.cards.claim if renderer else None)
    feeds.files(sitemap_urls(plan.jobs))
    state = SiteState(
        root,
        out,
        base_url,
        briefing,
        tuple(plan.jobs),
        template_digests(root),
        dict(result.digests),
        renderer.env if renderer else None,
        cache,
        renderer,
        plan,
        feeds,
    )
    return Rebuild(
        state,
        result.problems,
        rendered=result.pages,
        full=True,
        seconds=time.perf_counter() - started,
    )


def rebuild(
    previous: SiteState | None,
    root: Path,
    out: Path,
    *,
    base_url: str | None = None,
    search: bool = True,
) -> Rebuild:
    """Bring `out` up to date with the content after a change.

    With no previous state this is a full build. With content errors nothing is written and
    the previous state is kept, so the last good site stays served."""
    if previous is None:
        return full_build(root, out, base_url=base_url, search=search)
    started = time.perf_counter()
    checked = check(root, cache=previous.cache)
    if not checked.ok or checked.briefing is None:
        return Rebuild(previous, checked.problems, seconds=time.perf_counter() - started)
    # Facts keep the history the full build read from git: editing does not change it.
    briefing = replace(
        _with_base_url(checked.briefing, base_url), history=previous.briefing.history
    )
    urls = Urls(briefing.site.base_url)
    templates = template_digests(root)
    changed = changes(previous.briefing, briefing) | _differ(
        "template", previous.templates, templates
    )
    plan = replan(previous.plan, briefing, changed) if previous.plan is not None else None
    if plan is None:
        plan = make_plan(briefing, urls)
    jobs = tuple(plan.jobs)
    todo = _affected(previous, plan, changed)
    env = (
        previous.env
        if previous.env is not None and templates == previous.templates
        else (make_environment(root / "templates"))
    )
    renderer = Renderer(briefing, urls, root / "templates", env)
    feeds = Feeds(briefing, urls, renderer.site.cards.claim)
    if "site" not in changed:
        touched = touched_cards(previous.briefing, briefing, changed)
        if previous.renderer is not None:
            # Cards are made with two templates only: edits to others leave them as they were.
            if changed.isdisjoint(f"template:{name}" for name in CARD_TEMPLATES):
                renderer.site.cards.keep_all_but(previous.renderer.site.cards, touched)
            renderer.site.keep(previous.renderer.site, touched)
        if previous.feeds is not None:
            feeds.keep(
                previous.feeds,
                (briefing.fact_by_id.keys() & previous.briefing.fact_by_id.keys()) - touched,
            )
    try:
        files = render_pages(todo, renderer)
    except TemplateError as exc:
        problem = template_problem(exc, root)
        return Rebuild(
            previous,
            [*checked.problems, problem],
            tuple(sorted(changed)),
            seconds=time.perf_counter() - started,
        )
    files.update(static_files(root / "templates"))
    digests = {rel: digest(data) for rel, data in files.items()}
    changed_files = {rel: files[rel] for rel, d in digests.items() if previous.files.get(rel) != d}
    # Machine outputs come back only when their parts changed: written without a digest,
    # which for tens of megabytes would cost more than the rest of a one-fact rebuild.
    machine = feeds.files(sitemap_urls(jobs), previous.feeds.keys if previous.feeds else None)
    changed_files.update(machine)
    digests.update(dict.fromkeys(machine, PARTS_CHANGED))
    files.update(machine)
    outputs = {job.path for job in jobs} | files.keys() | set(MACHINE_FILES)
    stale = sorted(previous.files.keys() - outputs)
    new_files = {rel: d for rel, d in previous.files.items() if rel in outputs} | digests
    with build_lock(out, wait=LOCK_WAIT_SECONDS):
        update_files(out, changed_files, stale)
    state = SiteState(
        root,
        out,
        base_url,
        briefing,
        jobs,
        templates,
        new_files,
        env,
        previous.cache,
        renderer,
        plan,
        feeds,
    )
    return Rebuild(
        state,
        checked.problems,
        tuple(sorted(changed)),
        rendered=len(todo),
        written=sorted(changed_files),
        removed=stale,
        seconds=time.perf_counter() - started,
    )


def _affected(previous: SiteState, plan: Plan, changed: Collection[str]) -> list[PageJob]:
    """`affected`, quicker when the plan kept every job as it was (most edits): then only
    the jobs' dependencies need meeting the changes."""
    if previous.plan is not None and plan.jobs is previous.plan.jobs:
        touched = frozenset(changed)
        return [job for job in plan.jobs if not touched.isdisjoint(job.deps)]
    return affected(previous.jobs, plan.jobs, changed)


def _with_base_url(briefing: Briefing, base_url: str | None) -> Briefing:
    if base_url is None:
        return briefing
    return replace(briefing, site=replace(briefing.site, base_url=normalise_base_url(base_url)))


def changes(old: Briefing, new: Briefing) -> set[str]:
    """The dependency names of everything that differs between two briefings."""
    found: set[str] = set()
    if old.site != new.site:
        found.add("site")
    found |= _differ_facts(old.facts, new.facts)
    found |= _differ("source", old.source_by_id, new.source_by_id)
    found |= _differ("actor", old.actor_by_id, new.actor_by_id)
    found |= _differ("page", {p.slug: p for p in old.pages}, {p.slug: p for p in new.pages})
    return found


def _differ_facts(old: tuple[Fact, ...], new: tuple[Fact, ...]) -> set[str]:
    """The facts that differ, or sit elsewhere in file order (which lists follow)."""
    if len(old) == len(new):
        # Most facts are the very objects the last check made (their files did not
        # change): only the others need comparing, unless one of them took another's place.
        others = [(a, b) for a, b in zip(old, new, strict=True) if a is not b]
        if all(a.id == b.id for a, b in others):
            return {f"fact:{a.id}" for a, b in others if not _same_fact(a, b)}
    found = _differ("fact", {f.id: f for f in old}, {f.id: f for f in new}, _same_fact)
    old_order = [f.id for f in old]
    new_order = [f.id for f in new]
    if old_order != new_order:
        found |= {f"fact:{a}" for a, b in zip(old_order, new_order, strict=False) if a != b}
    return found


def touched_cards(old: Briefing, new: Briefing, changed: Collection[str]) -> set[str]:
    """Facts whose card shows something that changed, in the old briefing or the new (a
    dispute taken away changes the card as much as one added; a fact removed is among
    them): those whose `card_deps` meet `changed`, found from the changes rather than
    from every fact's card. The cards of all others are reused."""
    return cards_showing(old, changed) | cards_showing(new, changed)


def _same_fact(a: object, b: object) -> bool:
    """Where a fact sits in its file is not shown anywhere: adding a line above it is no
    change."""
    if a is b or a == b:
        return True
    return isinstance(a, Fact) and isinstance(b, Fact) and replace(a, line=b.line) == b


def _differ(
    kind: str,
    old: Mapping[str, object],
    new: Mapping[str, object],
    same: Callable[[object, object], bool] = operator.eq,
) -> set[str]:
    found = {f"{kind}:{key}" for key in old.keys() ^ new.keys()}
    for key, was in old.items():
        now = new.get(key)
        if now is not None and now is not was and not same(was, now):
            found.add(f"{kind}:{key}")
    return found


def template_digests(root: Path) -> dict[str, str]:
    """Every template (not the static files, which are copied) by name -> digest."""
    templates = root / "templates"
    static = templates / "static"
    if not templates.is_dir():
        return {}
    return {
        path.relative_to(templates).as_posix(): digest(path.read_bytes())
        for path in sorted(templates.rglob("*"))
        if path.is_file() and static not in path.parents
    }
