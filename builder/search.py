"""The static search index: a built site directory in, its Pagefind bundle (`pagefind/`) out.

Runs the Pagefind binary shipped by the `pagefind_bin` package on the (temporary) build
directory, before it replaces the published site, so a failed index leaves the old site.
Failures come back as `Problem`s, never as tracebacks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from builder.errors import Problem

BUNDLE_DIR = "pagefind"
"""Where Pagefind writes its bundle, relative to the site; `search.js` loads it from there."""
TIMEOUT_SECONDS = 600.0
"""A bound, not an estimate: 10,000 fact pages take about 30 s of CPU, but several times that
in wall time on a busy shared machine."""
_PLACE = "pagefind"
"""`Problem.file` for search problems: they belong to the indexing step, not a content file."""
_REINSTALL = (
    "Reinstall the project's dependencies (`pip install -e .` installs pagefind-bin), "
    "or build without search: `briefing build --no-search`."
)

_NO_SITE = "Index a directory the build has written (this is a bug in the caller)."


@dataclass(frozen=True, slots=True)
class SearchResult:
    """What indexing did: pages indexed, seconds taken, and any problem."""

    problems: tuple[Problem, ...] = ()
    pages: int = 0
    """Pages in the index, as Pagefind counts them (pages with `data-pagefind-body`)."""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def pagefind_binary() -> Path | None:
    """The Pagefind executable of the installed `pagefind_bin` package, or None."""
    try:
        import pagefind_bin
    except ImportError:
        return None
    try:
        executable: Path = pagefind_bin.get_executable()
    except FileNotFoundError:
        return None
    return executable


def index_site(
    site_dir: Path, *, binary: Path | None = None, timeout: float = TIMEOUT_SECONDS
) -> SearchResult:
    """Index every page of `site_dir` into `site_dir/pagefind/`, replacing any old bundle."""
    started = time.perf_counter()
    executable = binary if binary is not None else pagefind_binary()
    if executable is None or not executable.is_file():
        return _failed(started, "the Pagefind search indexer is not installed", _REINSTALL)
    if not site_dir.is_dir():
        return _failed(started, f"there is no built site at {site_dir} to index", _NO_SITE)
    bundle = site_dir / BUNDLE_DIR
    if bundle.is_dir():
        shutil.rmtree(bundle)  # a stale bundle would keep pages that no longer exist
    try:
        completed = subprocess.run(
            [str(executable), "--site", ".", "--output-subdir", BUNDLE_DIR, "--quiet"],
            cwd=site_dir,  # Pagefind reads pagefind.yml/.toml/.json from its working dir
            env=_clean_environment(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return _failed(
            started,
            f"the search indexer did not finish within {timeout:g} seconds",
            "Build without search (`--no-search`) and report this with the site's size.",
        )
    except OSError as exc:
        return _failed(started, f"cannot run the search indexer: {exc.strerror}", _REINSTALL)
    if completed.returncode != 0:
        output = (completed.stderr or completed.stdout).strip()
        return _failed(
            started,
            f"the search indexer failed (exit status {completed.returncode})",
            "The previous site was kept. Build with `--no-search` to publish without search.",
            excerpt="\n".join(list(dict.fromkeys(output.splitlines()))[-10:]),
        )
    pages = _indexed_pages(bundle)
    if pages is None:
        return _failed(
            started,
            "the search indexer wrote no index",
            "Check that pages carry `data-pagefind-body`; build with `--no-search` meanwhile.",
        )
    return SearchResult(pages=pages, seconds=time.perf_counter() - started)


def _clean_environment() -> dict[str, str]:
    """The environment without PAGEFIND_* settings, so every build indexes the same way."""
    return {k: v for k, v in os.environ.items() if not k.upper().startswith("PAGEFIND_")}


def _indexed_pages(bundle: Path) -> int | None:
    """Pages in the bundle, from its `pagefind-entry.json`; None when there is no index."""
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        languages = entry["languages"].values()
        return sum(int(language["page_count"]) for language in languages)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _failed(started: float, message: str, hint: str, excerpt: str = "") -> SearchResult:
    problem = Problem(_PLACE, 0, 0, "", message, hint=hint, excerpt=excerpt)
    return SearchResult(problems=(problem,), seconds=time.perf_counter() - started)
