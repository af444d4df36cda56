"""Planned pages -> their bytes, written into the new site: one process, or one per core.

Goes in: the page jobs of a plan and a `Renderer` (the environment and the fact cards).
Comes out: every file of the site (pages, static files, machine outputs) handed to the
site writer's per-process writers, or, for tests and the preview, `{path: bytes}`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar, cast

from jinja2 import Environment, TemplateError

from builder import parallel
from builder.briefing import Briefing
from builder.cards import Cards, Fragments
from builder.errors import Problem
from builder.feeds import Feeds
from builder.footnotes import Footnotes
from builder.markdown import Markdown
from builder.plan import PageJob, plan_pages, sitemap_urls
from builder.progress import Watcher
from builder.reads import collecting, reading
from builder.repeats import say_once
from builder.site_context import SiteContext
from builder.templating import (
    CARD_TEMPLATES,
    load_templates,
    make_environment,
    template_problem,
)
from builder.urls import Urls, checked_path
from builder.write import SiteWriter, TreeReport

R = TypeVar("R")

PARALLEL_MIN_PAGES = 500
"""Below this many pages, forking workers costs more than it saves."""
PAGE_BATCH = 8
"""Pages a worker takes at a time."""

Reads = dict[str, frozenset[str]]
"""What each page read, by output path (see `Renderer.reads`)."""
Files = Iterable[tuple[str, bytes]]
"""Output files as (path relative to the site root, bytes), in the order they are made."""


class Renderer:
    """One build's rendering state: the Jinja environment and the memoised fact cards.

    Make a new one per build; its caches assume the briefing does not change. The preview
    passes the previous build's `env` while no template changed, so templates compile once,
    and asks for `recording`: then `reads` says what each page rendered here read.
    """

    def __init__(
        self,
        briefing: Briefing,
        urls: Urls,
        templates_dir: Path,
        env: Environment | None = None,
        *,
        recording: bool = False,
    ) -> None:
        self.templates_dir = templates_dir
        self.env = env if env is not None else make_environment(templates_dir)
        self.markdown = Markdown()
        self.recording = recording
        self.briefing = briefing
        with collecting() as shared:
            seen = reading(briefing) if recording else briefing
            cards = Cards(seen, urls, self.env, self.markdown, recording=recording)
            self.site = SiteContext(seen, urls, cards, self.markdown)
        self.shared = frozenset(shared)
        """What making the renderer read, and so every page: the site, the navigation's pages."""
        self.reads: dict[str, frozenset[str]] = {}
        """What each page rendered in this process read, by output path (when recording)."""
        self.footnotes = Footnotes(cards.cited, self.env, per_page=recording)
        self.cards_shared = False
        """Whether `share_cards` has made every card already."""

    def render(self, job: PageJob) -> bytes:
        if not self.recording:
            return self._render(job)
        with collecting() as names:
            page = self._render(job)
        self.reads[job.path] = self.shared.union(names)
        return page

    def render_recorded(self, job: PageJob) -> tuple[bytes, frozenset[str]]:
        """The page and what it read (for another process to hand back)."""
        page = self.render(job)
        return page, self.reads.get(job.path, frozenset())

    def _render(self, job: PageJob) -> bytes:
        context = job.build(self.site)
        html = self.env.get_template(job.template).render(context)
        return self.footnotes.number(say_once(html)).encode("utf-8")


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
    made = parallel.fork_map(renderer.render_recorded, jobs, batch=PAGE_BATCH)
    if renderer.recording:
        renderer.reads.update((job.path, names) for job, (_, names) in zip(jobs, made, strict=True))
    return {job.path: page for job, (page, _) in zip(jobs, made, strict=True)}


def _prepare_workers(renderer: Renderer, jobs: Iterable[PageJob]) -> None:
    """Make what every worker needs before they fork: the cards, the compiled templates
    (a broken one raises here, where its problem can be located)."""
    share_cards(renderer)
    load_templates(renderer.env, strict=True)


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
    facts = [fid for fid in renderer.briefing.fact_by_id if not cards.made(fid)]
    here = os.getpid()

    def make(fact_id: str) -> Fragments | None:
        """A card made here stays in `cards` as it is; one made in another process comes
        back as its fragments. (This process's own half, handed back too, would be copied
        and adopted again after the others finish, while no other process works.)"""
        if os.getpid() == here:
            cards.card(fact_id)  # its claim, view and marks with it
            return None
        return cards.fragments(fact_id)

    def adopt(i: int, fragments: Fragments | None) -> None:
        """Another process's card, taken as it arrives, between this process's own batches
        (not all at the end, while the other core idles)."""
        if fragments is not None:
            cards.adopt(facts[i], fragments)

    parallel.fork_map(make, facts, meanwhile=meanwhile, batch=64, taken=adopt)
    renderer.cards_shared = True


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


def render_site(
    briefing: Briefing, templates_dir: Path, urls: Urls, renderer: Renderer | None = None
) -> dict[str, bytes]:
    """The whole site in memory, `{path: bytes}` sorted by path (tests, small sites).
    Pass a `renderer` to keep its fact cards afterwards."""
    if renderer is None:
        renderer = Renderer(briefing, urls, templates_dir)
    jobs = plan_pages(briefing, urls)
    parts = _render(jobs, renderer, dict, Watcher())
    return dict(sorted(item for part in parts for item in part.items()))


def render_into(
    jobs: list[PageJob], renderer: Renderer, site: SiteWriter, watcher: Watcher
) -> list[TreeReport]:
    """Every file of the site, written into `site` as it is made: the reports of the
    writers, one per batch of files.

    On a big site the pages are shared out among worker processes, one per core, in small
    batches, each to whichever worker is free, after every fact's card was made once for
    all; the first batch is the other files. Each worker writes what it renders into the
    site, so no process holds the whole site. Each file is made by exactly one process,
    with the same bytes as in one. Raises `TemplateError` or `TemplateFailed` when a
    template breaks, and `UnsafePath` before anything is written when a page's path would
    leave the site.
    """
    return _render(jobs, renderer, lambda files: site.writer().put_all(files), watcher)


def _render(
    jobs: list[PageJob], renderer: Renderer, consume: Callable[[Files], R], watcher: Watcher
) -> list[R]:
    """Every file of the site, handed to `consume` in the process that makes them; the
    results of `consume`, one per batch of files (see `render_into`)."""
    total = len(jobs)
    if total < PARALLEL_MIN_PAGES or parallel.workers() < 2 or not parallel.can_fork():
        watcher.stage("rendering and writing pages")

        def everything() -> Iterator[tuple[str, bytes]]:
            for done, job in enumerate(jobs, 1):
                yield job.path, renderer.render(job)
                watcher.pages(done, total)
            yield from other_files(jobs, renderer)

        return [consume(everything())]

    for job in jobs:  # refused here, before any worker starts writing
        checked_path(job.path)
    watcher.stage("making fact cards")
    _prepare_workers(renderer, jobs)
    watcher.stage("rendering and writing pages")
    # Pages go out in small batches to whichever worker is free (on a shared machine cores
    # are not equally fast), the other files first; each worker writes what it renders.
    batches: list[list[PageJob] | None] = [None]
    batches += [jobs[start : start + PAGE_BATCH] for start in range(0, total, PAGE_BATCH)]
    done = 0

    def write(batch: list[PageJob] | None) -> tuple[R | None, Problem | None, Reads]:
        try:
            if batch is None:
                return consume(other_files(jobs, renderer)), None, {}
            made = consume((job.path, renderer.render(job)) for job in batch)
            reads = renderer.reads
            return made, None, {job.path: reads[job.path] for job in batch if job.path in reads}
        except TemplateError as exc:  # a traceback does not cross processes: locate it here
            return None, template_problem(exc, renderer.templates_dir.parent), {}

    def count(_batch: int, written: tuple[R | None, Problem | None, Reads]) -> None:
        nonlocal done
        _, problem, reads = written
        if problem is not None:
            raise TemplateFailed(problem)
        renderer.reads.update(reads)
        done = min(done + PAGE_BATCH, total)
        watcher.pages(done, total)

    return [cast(R, made) for made, _, _ in parallel.fork_map(write, batches, taken=count)]


def other_files(jobs: Iterable[PageJob], renderer: Renderer) -> Iterator[tuple[str, bytes]]:
    """Everything but the pages: static files and the machine-readable outputs (facts.json,
    facts.csv, feed.xml, sitemap.xml, robots.txt), which reuse the renderer's claims; each
    made when the one before is written."""
    site = renderer.site
    yield from static_files(renderer.templates_dir).items()
    feeds = Feeds(renderer.briefing, site.urls, site.cards.claim, memo=False)
    yield from feeds.made(sitemap_urls(jobs))
