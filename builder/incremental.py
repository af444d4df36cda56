"""Rebuild only what a change touches: goes in the previous build's state and the project
root, comes out the new state, the output files written or removed, and the problems.

The preview's memory lives here, in `SiteState`: the last build's briefing, plan, renderer
(its memoised cards and fragments), machine-output parts and parsed files, each handed to
the stage that made it as its previous result. What each page read while it was rendered
is recorded (`builder/reads.py`); an edit is named the same way (`fact:<id>`,
`source:<id>`, `template:<name>`, ...) by comparing the new briefing with the previous one
object by object and templates by their bytes. A page is rendered again when it is new,
when the plan hands it something else, or when it read something that changed; only files
whose bytes differ are written (each atomically), and the result is byte for byte what a
clean build writes.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from jinja2 import Environment, TemplateError

from builder.briefing import Briefing
from builder.build import build, check
from builder.errors import Problem
from builder.feeds import FILES as MACHINE_FILES
from builder.feeds import Feeds
from builder.load import ParseCache
from builder.lock import build_lock
from builder.plan import PageJob, Plan, make_plan, replan, same_job, sitemap_urls
from builder.reads import changes
from builder.render import Renderer, render_pages, static_files
from builder.templating import make_environment, template_problem
from builder.urls import Urls, normalise_base_url
from builder.write import digest, update_files

LOCK_WAIT_SECONDS = 30.0
SHOWN = ("fact", "source", "actor", "page", "template")
"""The kinds of change the preview reports (see `_shown`)."""
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
    reads: Mapping[str, frozenset[str]] = field(default_factory=dict, repr=False)
    """Page output path -> the names of what it read when it was last rendered."""
    env: Environment | None = field(default=None, compare=False, repr=False)
    """The Jinja environment with the templates compiled, reused while they do not change."""
    cache: ParseCache = field(default_factory=ParseCache, compare=False, repr=False)
    """Parsed YAML files, reused while their text does not change."""
    renderer: Renderer | None = field(default=None, compare=False, repr=False)
    """The last rebuild's renderer: its memoised fragments are reused where they read
    nothing that changed."""
    plan: Plan | None = field(default=None, compare=False, repr=False)
    """The plan `jobs` come from, patched by the next edit that leaves the site's shape."""
    feeds: Feeds | None = field(default=None, compare=False, repr=False)
    """The machine outputs' per-fact parts, reused where the fact's card was."""


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
    """A clean build (the same as `briefing build`) that records what each page reads,
    remembered as the state to build on. The plan and the machine outputs' parts are made
    again here, once, so that the first edit finds them ready."""
    started = time.perf_counter()
    cache = ParseCache()
    result = build(
        root,
        out=out,
        base_url=base_url,
        search=search,
        cache=cache,
        digests=True,
        recording=True,
    )
    if not result.ok or result.briefing is None or result.renderer is None:
        return Rebuild(None, result.problems, full=True, seconds=time.perf_counter() - started)
    briefing = _with_base_url(result.briefing, base_url)
    urls = Urls(briefing.site.base_url)
    plan = make_plan(briefing, urls)
    renderer = result.renderer
    feeds = Feeds(briefing, urls, renderer.site.cards.claim)
    feeds.files(sitemap_urls(plan.jobs))
    state = SiteState(
        root,
        out,
        base_url,
        briefing,
        tuple(plan.jobs),
        template_digests(root),
        dict(result.digests),
        dict(renderer.reads),
        renderer.env,
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


@dataclass(frozen=True)
class Edit:
    """An edit checked, before anything is rendered: the new briefing and what changed."""

    briefing: Briefing | None
    """None when the content has errors."""
    problems: list[Problem]
    templates: Mapping[str, str] = field(default_factory=dict)
    changed: frozenset[str] = frozenset()
    """Everything that differs from the previous build, as pages record their reads."""
    started: float = 0.0

    @property
    def ok(self) -> bool:
        return self.briefing is not None and not any(p.is_error for p in self.problems)


def check_edit(previous: SiteState, root: Path, *, base_url: str | None = None) -> Edit:
    """Check the content after a change and name what changed (the first half of
    `rebuild`: the preview's search is brought up to date from it before pages render)."""
    started = time.perf_counter()
    checked = check(root, cache=previous.cache)
    if not checked.ok or checked.briefing is None:
        return Edit(None, checked.problems, started=started)
    # Facts keep the history the full build read from git: editing does not change it.
    briefing = replace(
        _with_base_url(checked.briefing, base_url), history=previous.briefing.history
    )
    templates = template_digests(root)
    changed = changes(previous.briefing, briefing) | _differ(
        "template", previous.templates, templates
    )
    return Edit(briefing, checked.problems, templates, frozenset(changed), started)


def rebuild(
    previous: SiteState | None,
    root: Path,
    out: Path,
    *,
    base_url: str | None = None,
    search: bool = True,
    edit: Edit | None = None,
) -> Rebuild:
    """Bring `out` up to date with the content after a change (`edit`, if it was checked
    already with `check_edit`).

    With no previous state this is a full build. With content errors nothing is written and
    the previous state is kept, so the last good site stays served."""
    if previous is None:
        return full_build(root, out, base_url=base_url, search=search)
    edit = edit if edit is not None else check_edit(previous, root, base_url=base_url)
    started = edit.started
    if not edit.ok or edit.briefing is None:
        return Rebuild(previous, edit.problems, seconds=time.perf_counter() - started)
    briefing, templates, changed = edit.briefing, edit.templates, edit.changed
    urls = Urls(briefing.site.base_url)
    plan = replan(previous.plan, briefing, changed) if previous.plan is not None else None
    if plan is None:
        plan = make_plan(briefing, urls)
    jobs = tuple(plan.jobs)
    todo = _to_render(previous, plan, changed)
    env = (
        previous.env
        if previous.env is not None and templates == previous.templates
        else (make_environment(root / "templates"))
    )
    renderer = Renderer(briefing, urls, root / "templates", env, recording=True)
    feeds = Feeds(briefing, urls, renderer.site.cards.claim)
    was = previous.renderer
    if was is not None and was.shared.isdisjoint(changed):
        renderer.site.keep(was.site, changed)
        if previous.feeds is not None:
            cards = renderer.site.cards
            feeds.keep(previous.feeds, filter(cards.made, previous.briefing.fact_by_id))
    try:
        files = render_pages(todo, renderer)
    except TemplateError as exc:
        problem = template_problem(exc, root)
        return Rebuild(
            previous,
            [*edit.problems, problem],
            _shown(changed),
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
    reads = {path: names for path, names in previous.reads.items() if path in outputs}
    reads.update(renderer.reads)
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
        reads,
        env,
        previous.cache,
        renderer,
        plan,
        feeds,
    )
    return Rebuild(
        state,
        edit.problems,
        _shown(changed),
        rendered=len(todo),
        written=sorted(changed_files),
        removed=stale,
        seconds=time.perf_counter() - started,
    )


def _to_render(previous: SiteState, plan: Plan, changed: Collection[str]) -> list[PageJob]:
    """The jobs of `plan` to render after `changed`: new pages, pages the plan hands
    something else than before, and pages that read something that changed."""
    reads = previous.reads
    touched = frozenset(changed)
    if previous.plan is not None and plan.jobs is previous.plan.jobs:
        return [job for job in plan.jobs if _read_any(reads.get(job.path), touched)]
    before = {job.path: job for job in previous.jobs}
    return [
        job
        for job in plan.jobs
        if _read_any(reads.get(job.path), touched) or not same_job(before.get(job.path), job)
    ]


def _read_any(names: frozenset[str] | None, changed: frozenset[str]) -> bool:
    """Whether a page that read `names` (None: never rendered) must be rendered again."""
    return names is None or not names.isdisjoint(changed)


def _shown(changed: Collection[str]) -> tuple[str, ...]:
    """The changes as an editor names them (`fact:<id>`, `template:<name>`, `site`...),
    without the indexes and wholes recorded beside them."""
    return tuple(
        sorted(
            name
            for name in changed
            if name == "site" or (name.partition(":")[0] in SHOWN and ":" in name)
        )
    )


def _with_base_url(briefing: Briefing, base_url: str | None) -> Briefing:
    if base_url is None:
        return briefing
    return replace(briefing, site=replace(briefing.site, base_url=normalise_base_url(base_url)))


def _differ(kind: str, old: Mapping[str, object], new: Mapping[str, object]) -> set[str]:
    found = {f"{kind}:{key}" for key in old.keys() ^ new.keys()}
    found.update(f"{kind}:{key}" for key, was in old.items() if new.get(key, was) != was)
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
