"""The build as one readable function; `check` is the build minus rendering and writing.

Goes in: a project root. Comes out: a `CheckResult` or `BuildResult` carrying every problem;
`site/` is replaced only when the whole build succeeded.
"""

from __future__ import annotations

import functools
import gc
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from builder.errors import Problem, Severity, sorted_problems
from builder.model import Briefing

if TYPE_CHECKING:
    from jinja2 import Environment

    from builder.load import ParseCache
    from builder.progress import Progress
    from builder.render import Renderer


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
    search_seconds: float | None = None
    digests: Mapping[str, str] = field(default_factory=dict, repr=False)
    """Digest of every file written, by output path, when the build was asked for them
    (`build(..., digests=True)`: the incremental preview starts from them); else empty."""
    renderer: Renderer | None = field(default=None, repr=False, compare=False)
    """The renderer that made the pages, with every fact card (the preview reuses them)."""
    timings: dict[str, float] = field(default_factory=dict)


def check(root: Path, *, strict: bool = False, cache: ParseCache | None = None,
          meanwhile: Callable[[], object] | None = None) -> CheckResult:
    """Load and validate everything; nothing is written. The preview passes a `cache` so
    files whose text did not change are not parsed again. `meanwhile()`, if given, may
    run here while other processes check fact files (the build readies its templates)."""
    from builder.load import load_project
    from builder.parallel import fork_map
    from builder.validate import validate

    started = time.perf_counter()
    with no_collections():
        # Fact files go two at a time to whichever process is free.
        briefing, problems = validate(load_project(root, cache), cache=cache,
                                      spread=partial(fork_map, batch=2, meanwhile=meanwhile))
    return CheckResult(briefing, sorted_problems(problems), strict,
                       time.perf_counter() - started)


def build(root: Path, *, out: Path | None = None, base_url: str | None = None,
          search: bool = True, strict: bool = False,
          cache: ParseCache | None = None, digests: bool = False) -> BuildResult:
    """Check, render every page, and swap the new site in place of `out` (default `site/`).

    One build at a time per output folder: a second one is refused with a problem. With
    `digests`, the result carries every written file's digest (the preview's starting point).
    """
    from builder.lock import BuildLocked, build_lock
    from builder.progress import Progress
    from builder.write import clean_stale, output_clash

    out = out if out is not None else root / "site"
    clash = output_clash(root, out)
    if clash is not None:  # a build replaces the whole output folder: never the inputs
        problem = Problem(str(out), 0, 0, "", f"{clash}; a build would replace it",
                          hint="build into a folder of its own, such as site/ (the default)")
        return BuildResult(None, [problem], strict, out=out)
    progress = Progress()
    try:
        with build_lock(out), no_collections():
            clean_stale(out)  # even a failing build puts back a site a killed one moved away
            return _build(root, out, base_url, search, strict, progress, cache, digests)
    except BuildLocked as exc:
        problem = Problem(exc.lock_file.name, 0, 0, "", str(exc),
                          hint="run the build again once the other one has finished")
        return BuildResult(None, [problem], strict, out=out)
    except OSError as exc:  # the output location, not the content: say where and why
        problem = Problem(str(out), 0, 0, "", f"cannot write the site there: {exc.strerror}",
                          hint="check that the folder's parent exists and is writable, "
                               "or choose another one with --out")
        return BuildResult(None, [problem], strict, out=out)
    finally:
        progress.done()


def _build(root: Path, out: Path, base_url: str | None, search: bool, strict: bool,
           progress: Progress, cache: ParseCache | None, digests: bool) -> BuildResult:
    from dataclasses import replace

    started = time.perf_counter()
    progress.stage("checking content")
    environment = functools.cache(partial(_environment, root / "templates"))  # made once
    checked = check(root, strict=strict, cache=cache, meanwhile=environment)
    result = BuildResult(checked.briefing, checked.problems, strict, out=out)
    result.timings["check"] = checked.seconds
    if not checked.ok or checked.briefing is None:
        result.seconds = time.perf_counter() - started
        return result
    from jinja2 import TemplateError

    from builder.render import Renderer, TemplateFailed, render_site_into, template_problem
    from builder.urls import Urls, normalise_base_url
    from builder.write import TreeReport, UnsafePath, WriterFactory, write_tree

    briefing = checked.briefing
    if base_url is not None:
        site = replace(briefing.site, base_url=normalise_base_url(base_url))
        briefing = replace(briefing, site=site)
    urls = Urls(briefing.site.base_url)
    renderer = result.renderer = Renderer(briefing, urls, root / "templates", environment())

    def produce(new_writer: WriterFactory) -> list[TreeReport]:
        """Pages go straight from the templates into the new site folder."""
        return render_site_into(briefing, root / "templates", urls, renderer,
                                lambda files: new_writer().put_all(files), progress.pages,
                                progress.stage)

    def finish(tmp: Path) -> None:
        result.timings["render and write"] = time.perf_counter() - t
        if not search:
            return
        from builder.search import index_site

        progress.stage("indexing for search")
        indexed = index_site(tmp)
        result.search_seconds = indexed.seconds
        if not indexed.ok:
            result.problems.extend(indexed.problems)
            raise _SearchFailed

    t = time.perf_counter()
    try:
        written = write_tree(produce, out, finish, digests=digests)
    except TemplateError as exc:
        return _failed(result, started, template_problem(exc, root))
    except TemplateFailed as exc:
        return _failed(result, started, exc.problem)
    except _SearchFailed:  # its problems are in the result already
        return _failed(result, started)
    except UnsafePath as exc:
        return _failed(result, started, Problem(
            "", 0, 0, "", str(exc), hint="an id produced an unsafe path: rename it"))
    result.pages = sum(1 for path in written.sizes if path.endswith(".html"))
    result.files = len(written.sizes)
    result.written = written.written
    result.digests = written.digests
    result.bytes = written.bytes
    result.seconds = time.perf_counter() - started
    return result


def _environment(templates_dir: Path) -> Environment:
    """The Jinja environment with every template loaded: on a big site made while the
    other processes check fact files (importing Jinja and markdown-it, then loading the
    compiled templates, would otherwise hold up everything after checking)."""
    from builder.render import load_templates, make_environment

    env = make_environment(templates_dir)
    load_templates(env)
    return env


@contextmanager
def no_collections() -> Iterator[None]:
    """Python's cycle collector, left on, scans the newest objects again and again while a
    build allocates (0.17 s of a 10,000-fact build even when made to run rarely), yet a
    build leaves no cycles behind (`tests/test_build.py` checks it): switch it off while a
    build or check runs, and back on afterwards if it was on (the preview lives on)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


class _SearchFailed(Exception):
    pass


def _failed(result: BuildResult, started: float, problem: Problem | None = None) -> BuildResult:
    """The build stops here: nothing was swapped in, so there is no briefing to report."""
    if problem is not None:
        result.problems.append(problem)
    result.briefing = None
    result.seconds = time.perf_counter() - started
    return result
