"""Search records -> the site's static search index: Pagefind's bundle (`pagefind/`).

Goes in: `SearchRecord`s (`builder.findable`), the site's language and the bundle's folder.
Comes out: the bundle, and a `SearchResult` (pages indexed, seconds, indexer CPU, problems).
Each record becomes a small HTML page in a scratch folder beside the bundle, and one run of
the Pagefind binary (package `pagefind_bin`) indexes that folder: the rendered pages are
never parsed again. (Pagefind's service, behind its Python API, formats every page it holds
each time a record is added: quadratic, minutes at 10,000 pages.) `start_index` returns at
once, so the build renders its pages while the indexer runs in its own process; `wait()`
gives the result. Failures come back as `Problem`s, never as tracebacks.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, NoReturn

from markupsafe import escape

from builder.errors import Problem
from builder.findable import SearchRecord
from builder.parallel import can_fork
from builder.urls import checked_path, output_path

BUNDLE_DIR = "pagefind"
"""Where the bundle goes, relative to the site; `search.js` loads it from there."""
TIMEOUT_SECONDS = 600.0
"""A bound, not an estimate: 10,000 facts take a few seconds of the indexer's CPU, but
several times that in wall time on a busy shared machine."""
_PLACE = "pagefind"
"""`Problem.file` for search problems: they belong to the indexing step, not a content file."""
_REINSTALL = (
    "Reinstall the project's dependencies (`pip install -e .` installs pagefind-bin), "
    "or build without search: `briefing build --no-search`."
)
_NO_SITE = "Index a directory the build has written (this is a bug in the caller)."


_RECORDS_FAILED = 70
"""The forked indexer's exit status when making the records or their pages failed."""
_RECORDS_BUG = "making the search records failed (a bug: please report it)"
_RECORDS_HINT = "Build with `--no-search` meanwhile."


@dataclass(frozen=True, slots=True)
class SearchResult:
    """What indexing did: pages indexed, seconds taken, and any problem."""

    problems: tuple[Problem, ...] = ()
    pages: int = 0
    """Pages in the index, as Pagefind counts them."""
    seconds: float = 0.0
    """From the indexer's start to its end (alongside the render, in a build)."""
    cpu: float = 0.0
    """CPU seconds of the indexer's process."""

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


def page_html(record: SearchRecord, language: str) -> str:
    """The small page Pagefind reads for `record`: its body, its kind and event as meta."""
    head = f'<meta data-pagefind-meta="event[content]" content="{escape(record.event)}">'
    return (
        f'<!doctype html>\n<html lang="{escape(language)}"><head><meta charset="utf-8">'
        f"{head if record.event else ''}</head>\n<body><main data-pagefind-body "
        f'data-pagefind-meta="kind:{escape(record.kind)}">\n{record.body}\n</main></body></html>\n'
    )


def index_records(
    records: Iterable[SearchRecord],
    bundle: Path,
    *,
    language: str = "en",
    binary: Path | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> SearchResult:
    """Index `records` into the folder `bundle` (replacing what it held), and wait."""
    with start_index(lambda: records, bundle, language=language, binary=binary) as indexing:
        return indexing.wait(timeout)


def start_index(
    records: Callable[[], Iterable[SearchRecord]],
    bundle: Path,
    *,
    language: str = "en",
    binary: Path | None = None,
) -> Indexing:
    """Start indexing the records `records()` gives into `bundle` in another process and
    return at once. From a single-threaded process, that process is forked from this one
    and makes the records and their pages itself before it becomes the indexer, so this
    one goes on at once; otherwise they are made here first. Use the result in a `with`
    block: leaving it stops an indexer not waited for."""
    started = time.perf_counter()
    executable = binary if binary is not None else pagefind_binary()
    if executable is None or not executable.is_file():
        return Indexing.failed(started, "the Pagefind search indexer is not installed", _REINSTALL)
    if not bundle.parent.is_dir():
        return Indexing.failed(started, f"there is no built site at {bundle.parent}", _NO_SITE)
    if bundle.is_dir():
        shutil.rmtree(bundle)  # a stale bundle would keep pages that no longer exist
    scratch = Path(tempfile.mkdtemp(prefix=f".{bundle.name}-pages-", dir=bundle.parent))
    argv = [str(executable), "--site", ".", "--output-path", str(bundle.absolute()), "--quiet"]
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the Indexing)
    indexing = Indexing(bundle, started, log=log, scratch=scratch)
    try:
        if can_fork():
            indexing.pid = os.fork()
            if indexing.pid == 0:  # pragma: no cover (the child ends in exec or _exit)
                _become_indexer(records, scratch, language, argv, log.fileno())
        elif write_pages(records(), scratch, language):
            process = subprocess.Popen(
                argv,
                cwd=scratch,  # Pagefind reads pagefind.yml/.toml/.json there: there are none
                env=_clean_environment(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            process.returncode = 0  # reaped by the Indexing (wait4), not by Popen
            indexing.pid = process.pid
    except OSError as exc:
        indexing.close()
        return Indexing.failed(
            started, f"cannot run the search indexer: {exc.strerror}", _REINSTALL
        )
    except Exception:  # a bug in making the records: said as in the forked child
        indexing.close()
        return Indexing.failed(started, _RECORDS_BUG, _RECORDS_HINT, traceback.format_exc())
    return indexing


def _become_indexer(
    records: Callable[[], Iterable[SearchRecord]],
    scratch: Path,
    language: str,
    argv: list[str],
    log: int,
) -> NoReturn:  # pragma: no cover (runs in the forked child)
    """In the forked child: write the pages, then run Pagefind in this process's place
    (exit status 0 without it when there is nothing to index)."""
    status = _RECORDS_FAILED
    try:
        os.dup2(log, 1)
        os.dup2(log, 2)
        if write_pages(records(), scratch, language):
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            os.chdir(scratch)  # Pagefind reads pagefind.yml/.toml/.json there: there are none
            status = 127  # the shell's status for a program that cannot run
            os.execve(argv[0], argv, _clean_environment())
        status = 0
    except BaseException:
        os.write(2, traceback.format_exc().encode("utf-8", "replace"))
    finally:
        os._exit(status)


def write_pages(records: Iterable[SearchRecord], folder: Path, language: str) -> int:
    """Each record as `folder/<its path>/index.html`; how many were written."""
    count = 0
    made: set[str] = set()
    for record in records:
        target = os.path.join(folder, checked_path(output_path(record.path)))
        parent = os.path.dirname(target)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        with open(target, "wb") as page:
            page.write(page_html(record, language).encode("utf-8"))
        count += 1
    return count


class Indexing:
    """An indexer started by `start_index`: `wait()` for its `SearchResult`."""

    def __init__(
        self,
        bundle: Path,
        started: float,
        *,
        log: IO[bytes] | None = None,
        scratch: Path | None = None,
        result: SearchResult | None = None,
    ) -> None:
        self.bundle = bundle
        self.pid = 0
        """The indexer's process (0: none, or reaped)."""
        self._started = started
        self._log = log
        self._scratch = scratch
        self._result = result
        self._output = ""
        """The last distinct lines the indexer printed (read when it is closed)."""

    @classmethod
    def nothing(cls) -> Indexing:
        """No indexer: a build without search."""
        return cls(Path(), time.perf_counter(), result=SearchResult())

    @classmethod
    def failed(cls, started: float, message: str, hint: str, excerpt: str = "") -> Indexing:
        return cls(Path(), started, result=_failed(started, message, hint, excerpt))

    def wait(self, timeout: float = TIMEOUT_SECONDS) -> SearchResult:
        """The indexer's result, once it has finished (stopped after `timeout` seconds)."""
        if self._result is None:
            self._result = self._finish(timeout)
        return self._result

    def _finish(self, timeout: float) -> SearchResult:
        if not self.pid:  # nothing to index
            self.close()
            return SearchResult(seconds=time.perf_counter() - self._started)
        deadline = time.monotonic() + timeout
        while True:  # wait4, not wait: the indexer's own CPU time comes with its status
            pid, status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                self.pid = 0
                break
            if time.monotonic() > deadline:
                self.close()
                return _failed(
                    self._started,
                    f"the search indexer did not finish within {timeout:g} seconds",
                    "Build without search (`--no-search`) and report this with the site's size.",
                )
            time.sleep(0.01)
        empty = self._scratch is not None and not any(self._scratch.iterdir())
        self.close()
        cpu = usage.ru_utime + usage.ru_stime
        code = os.waitstatus_to_exitcode(status)
        if code == _RECORDS_FAILED:
            return _failed(self._started, _RECORDS_BUG, _RECORDS_HINT, self._output, cpu)
        if code != 0:
            return _failed(
                self._started,
                f"the search indexer failed (exit status {code})",
                "The previous site was kept. Build with `--no-search` to publish without search.",
                excerpt=self._output,
                cpu=cpu,
            )
        pages = 0 if empty else _indexed_pages(self.bundle)
        if pages is None:
            return _failed(
                self._started,
                "the search indexer wrote no index",
                "Build with `--no-search` meanwhile, and report this.",
                excerpt=self._output,
                cpu=cpu,
            )
        return SearchResult(pages=pages, seconds=time.perf_counter() - self._started, cpu=cpu)

    def close(self) -> None:
        """Stop the indexer if it still runs; remove its scratch folder and log."""
        if self.pid:
            with suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0
            if self._result is None:
                self._result = _failed(
                    self._started,
                    "the search indexer was stopped before it finished",
                    "Build again; the previous site was kept.",
                )
        if self._log is not None and not self._log.closed:
            self._log.seek(0)
            text = self._log.read().decode("utf-8", "replace").strip()
            self._output = "\n".join(list(dict.fromkeys(text.splitlines()))[-10:])
            self._log.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def __enter__(self) -> Indexing:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


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


def _failed(
    started: float, message: str, hint: str, excerpt: str = "", cpu: float = 0.0
) -> SearchResult:
    problem = Problem(_PLACE, 0, 0, "", message, hint=hint, excerpt=excerpt)
    return SearchResult(problems=(problem,), seconds=time.perf_counter() - started, cpu=cpu)
