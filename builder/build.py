"""The build as one function read top to bottom: check, plan, render into a new site, index
it for search, commit; `check` is the build minus everything after checking.

Goes in: a project root. Comes out: a `CheckResult` or `BuildResult` carrying every problem;
`site/` is replaced only when the whole build succeeded. Nothing is printed: progress goes
to the `Watcher` the caller hands in (the CLI's shows it on the terminal).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from builder.briefing import Briefing
from builder.errors import Problem, Severity, sorted_problems
from builder.progress import Watcher

if TYPE_CHECKING:
    from builder.changes import ChangeSet
    from builder.load import ParseCache
    from builder.render import Renderer
    from builder.search import SearchResult


@dataclass
class CheckResult:
    briefing: Briefing | None
    problems: list[Problem]
    strict: bool = False
    seconds: float = 0.0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error or self.strict]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return self.briefing is not None and not self.errors


@dataclass
class BuildResult(CheckResult):
    out: Path | None = None
    pages: int = 0
    files: int = 0
    written: int = 0
    bytes: int = 0
    search: SearchResult | None = None
    """What search indexing did (pages, seconds beside the render, the indexer's CPU)."""
    digests: Mapping[str, str] = field(default_factory=dict, repr=False)
    """Digest of every file written, by output path, when the build was asked for them
    (`build(..., digests=True)`: the incremental preview starts from them); else empty."""
    review: ChangeSet | None = field(default=None, repr=False)
    """What the build changes since its `base` revision (a review build only)."""
    renderer: Renderer | None = field(default=None, repr=False, compare=False)
    """The renderer that made the pages, with every fact card (the preview reuses them)."""


def check(
    root: Path,
    *,
    strict: bool = False,
    cache: ParseCache | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> CheckResult:
    """Load and validate everything, then run the meaning checks; nothing is written. The
    preview passes a `cache` so files whose text did not change are not parsed again.
    `meanwhile()`, if given, runs in this process while other processes check fact files
    (the build loads its templates)."""
    from builder.lints import LINT_BATCH, LintMemo, lint_briefing
    from builder.load import load_project
    from builder.parallel import fork_map
    from builder.validate import validate

    started = time.perf_counter()
    # Fact files go two at a time to whichever process is free.
    briefing, problems = validate(
        load_project(root, cache),
        cache=cache,
        spread=partial(fork_map, batch=2, meanwhile=meanwhile),
    )
    if briefing is not None:  # the meaning checks: warnings on a briefing without errors
        memo = cache.made("lints", None) if cache is not None else None
        if not isinstance(memo, LintMemo):
            memo = LintMemo()
            if cache is not None:
                cache.keep("lints", None, memo)
        spread = partial(fork_map, batch=LINT_BATCH)
        problems = [*problems, *lint_briefing(briefing, memo, spread)]
    return CheckResult(briefing, sorted_problems(problems), strict, time.perf_counter() - started)


def build(
    root: Path,
    *,
    out: Path | None = None,
    base_url: str | None = None,
    search: bool = True,
    strict: bool = False,
    cache: ParseCache | None = None,
    digests: bool = False,
    watcher: Watcher | None = None,
    base: str | None = None,
    recording: bool = False,
) -> BuildResult:
    """Check, plan every page, render them into a new site, index it, and swap it in place
    of `out` (default `site/`). With `base` (a git revision: what was last published), the
    site gets a `/changes/` page of what this build changes, and the result its `review`.

    One build at a time per output folder: a second one is refused with a problem. With
    `digests`, the result carries every written file's digest, and with `recording` its
    renderer what each page read (the preview's starting point).
    """
    from builder.lock import BuildLocked, build_lock
    from builder.urls import BASE_URL_HINT, base_url_problem
    from builder.write import clean_stale, output_clash, through_symlink, tidy_new_folders

    out = through_symlink(out if out is not None else root / "site")
    watcher = watcher if watcher is not None else Watcher()
    refused = base_url_problem(base_url) if base_url is not None else None
    if refused is not None:  # the command line checks it too; this is the API's guard
        return _refused(
            out, strict, Problem("--base-url", 0, 0, "base_url", refused, hint=BASE_URL_HINT)
        )
    clash = output_clash(root, out)
    if clash is not None:  # a build replaces the whole output folder: only a site it made
        return _refused(
            out,
            strict,
            Problem(
                str(out),
                0,
                0,
                "",
                f"{clash}; a build would replace it",
                hint="build into a new or empty folder, or one a build made (site/ by default); "
                "nothing was deleted",
            ),
        )
    try:
        with tidy_new_folders(out.parent), build_lock(out):
            clean_stale(out)  # even a failing build puts back a site a killed one moved away
            return _build(
                root, out, base_url, search, strict, cache, digests, watcher, base, recording
            )
    except BuildLocked as exc:
        return _refused(
            out,
            strict,
            Problem(
                exc.lock_file.name,
                0,
                0,
                "",
                str(exc),
                hint="run the build again once the other one has finished",
            ),
        )
    except OSError as exc:  # the output location, not the content: say where and why
        return _refused(
            out,
            strict,
            Problem(
                str(out),
                0,
                0,
                "",
                f"cannot write the site there: {exc.strerror}",
                hint="check that the folder's parent exists and is writable, "
                "or choose another one with --out",
            ),
        )
    finally:
        watcher.done()


def _build(
    root: Path,
    out: Path,
    base_url: str | None,
    search: bool,
    strict: bool,
    cache: ParseCache | None,
    digests: bool,
    watcher: Watcher,
    base: str | None = None,
    recording: bool = False,
) -> BuildResult:
    from jinja2 import TemplateError

    from builder.findable import search_records
    from builder.plan import plan_pages
    from builder.render import Renderer, TemplateFailed, render_into
    from builder.search import BUNDLE_DIR, Indexing, start_index
    from builder.templating import load_templates, make_environment, template_problem
    from builder.urls import UnsafePath, Urls, normalise_base_url
    from builder.write import SiteWriter

    started = time.perf_counter()
    watcher.stage("checking content")
    env = make_environment(root / "templates")
    checked = check(root, strict=strict, cache=cache, meanwhile=partial(load_templates, env))
    result = BuildResult(checked.briefing, checked.problems, strict, out=out)
    if not checked.ok or checked.briefing is None:
        result.seconds = time.perf_counter() - started
        return result

    briefing, review = _over_time(root, checked.briefing, base)
    if isinstance(review, Problem):
        return _failed(result, started, review)
    result.review = review
    if base_url is not None:
        briefing = replace(
            briefing, site=replace(briefing.site, base_url=normalise_base_url(base_url))
        )
    urls = Urls(briefing.site.base_url)
    jobs = plan_pages(briefing, urls, review=review, base=base or "")
    renderer = result.renderer = Renderer(
        briefing, urls, root / "templates", env, recording=recording
    )
    try:
        with SiteWriter(out, digests=digests) as site:
            # The indexer reads records made from the briefing, not the pages: it makes
            # them and runs in its own process while the pages render.
            indexing = (
                start_index(
                    partial(search_records, briefing),
                    site.folder / BUNDLE_DIR,
                    language=briefing.site.language,
                )
                if search
                else Indexing.nothing()
            )
            with indexing:
                reports = render_into(jobs, renderer, site, watcher)
                if search:
                    watcher.stage("indexing for search")
                    indexed = indexing.wait()
                    result.search = indexed
                    if not indexed.ok:
                        return _failed(result, started, *indexed.problems)
            written = site.commit(reports)
    except TemplateError as exc:
        return _failed(result, started, template_problem(exc, root))
    except TemplateFailed as exc:
        return _failed(result, started, exc.problem)
    except UnsafePath as exc:
        return _failed(
            result,
            started,
            Problem("", 0, 0, "", str(exc), hint="an id produced an unsafe path: rename it"),
        )
    result.pages = sum(1 for path in written.sizes if path.endswith(".html"))
    result.files = len(written.sizes)
    result.written = written.written
    result.digests = written.digests
    result.bytes = written.bytes
    result.seconds = time.perf_counter() - started
    return result


def _over_time(
    root: Path, briefing: Briefing, base: str | None
) -> tuple[Briefing, ChangeSet | Problem | None]:
    """The briefing with each fact's history from git, and the changes since `base` (or
    the problem of a `base` git cannot find)."""
    from builder.changes import changes_since
    from builder.gitrepo import GitError
    from builder.history import fact_history

    briefing = replace(briefing, history=fact_history(root, briefing.facts))
    if base is None:
        return briefing, None
    try:
        return briefing, changes_since(root, base)
    except GitError as exc:
        return briefing, Problem(
            "--base",
            0,
            0,
            "",
            f"--base {base}: {exc}",
            hint="give a branch, tag or commit of this project's git "
            "repository, e.g. --base origin/main",
        )


def _refused(out: Path, strict: bool, problem: Problem) -> BuildResult:
    return BuildResult(None, [problem], strict, out=out)


def _failed(result: BuildResult, started: float, *problems: Problem) -> BuildResult:
    """The build stops here: nothing was swapped in, so there is no briefing to report."""
    result.problems.extend(problems)
    result.briefing = None
    result.seconds = time.perf_counter() - started
    return result
