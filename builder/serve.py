"""The editor's live preview: goes in a project root, comes out a loopback web server that
serves the built site, rebuilds what each save touches and reloads the open pages.

`watchfiles` reports saves; `incremental.rebuild` redoes only what a save touched; the
search box is answered from records in memory (`builder.preview_search`), those an edit
touched made again as soon as the edit is checked; the preview server (`builder.preview`) tells open
pages to reload.
Content problems never stop the preview: every page it serves carries an overlay with the
same text as `briefing check`, and the last good site stays in place until the content is
fixed.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from http import HTTPStatus
from pathlib import Path
from typing import TextIO

from watchfiles import DefaultFilter, watch

from builder.briefing import Briefing
from builder.cite_page import PAGE, FinderPage
from builder.errors import Problem
from builder.incremental import SiteState, check_edit, full_build, rebuild
from builder.preview import (
    PREFIX,
    PreviewServer,
    PreviewState,
    serve_in_background,
    stop_server,
)
from builder.preview_search import STANDIN_MODULE, SearchIndex, answer
from builder.reads import changes
from builder.urls import Urls
from builder.write import output_clash

# The editor's loop -------------------------------------------------------------------------

WATCHED = ("content", "templates", "seeds")
INDEXER_NICENESS = 10
SEARCH = PREFIX + "search"
PAGEFIND_MODULE = "pagefind/pagefind.js"
"""Where the search box loads Pagefind from; the preview answers it with its own module."""


class PreviewSearch:
    """The preview's search (`preview_search`): every record made once in the background,
    then only those each edit touched, before the open pages reload."""

    def __init__(self, state: PreviewState) -> None:
        self.state = state
        self.index = SearchIndex()
        self.briefing: Briefing | None = None
        self.base_path = ""

    def start(self, briefing: Briefing, base_path: str) -> None:
        """Answer searches under `base_path` from `briefing`'s records, made in the background."""
        self.briefing, self.base_path = briefing, base_path
        index = self.index = SearchIndex()
        tools = self.state.tools
        for path in [p for p in tools if p.endswith(PAGEFIND_MODULE)]:
            del tools[path]
        tools[SEARCH] = lambda query: _json(*answer(index, query))
        tools[base_path + PAGEFIND_MODULE] = lambda _: (
            HTTPStatus.OK,
            (STANDIN_MODULE % json.dumps(SEARCH)).encode(),
            "text/javascript; charset=utf-8",
        )
        loader = threading.Thread(
            target=self._load, args=(index, briefing, base_path), name="preview-search"
        )
        loader.daemon = True
        loader.start()

    def _load(self, index: SearchIndex, briefing: Briefing, base_path: str) -> None:
        # Lower this thread's priority (Linux: per thread): rebuilds after a save come first.
        with contextlib.suppress(AttributeError, OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), INDEXER_NICENESS)
        index.refresh(briefing, base_path)

    def update(
        self, briefing: Briefing, base_path: str, changed: AbstractSet[str] | None = None
    ) -> None:
        """The records that read what `changed` names (by default: what differs from the
        briefing of the last update) made again."""
        if self.briefing is None or base_path != self.base_path:
            self.start(briefing, base_path)
            return
        if changed is None:
            changed = changes(self.briefing, briefing)
        self.briefing = briefing
        if changed:
            self.index.refresh(briefing, base_path, changed)


def _json(status: int, body: bytes) -> tuple[HTTPStatus, bytes, str]:
    return HTTPStatus(status), body, "application/json"


def describe_changes(changes: Iterable[str]) -> str:
    """`("fact:a", "fact:b", "site")` -> `fact: a, b; site`."""
    kinds: dict[str, list[str]] = {}
    for change in changes:
        kind, _, name = change.partition(":")
        kinds.setdefault(kind, [])
        if name:
            kinds[kind].append(name)
    return "; ".join(f"{k}: {', '.join(v)}" if v else k for k, v in kinds.items())


def _save_time(paths: Iterable[str]) -> float:
    """Monotonic time of the latest save among `paths` (now, when none can be read)."""
    now_wall, now = time.time(), time.monotonic()
    newest = 0.0
    for path in paths:
        try:
            newest = max(newest, Path(path).stat().st_mtime)
        except OSError:
            continue
    if not newest or newest > now_wall:
        return now
    return now - (now_wall - newest)


def serve_command(
    root: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    out: Path | None = None,
    log: TextIO = sys.stdout,
) -> int:
    """`briefing serve`: build, serve on `host:port`, and rebuild on every save until Ctrl+C
    (or SIGTERM)."""
    gc.enable()  # a long-lived process, unlike the other commands (see `cli.run`)
    root = root.resolve()
    out = (out if out is not None else root / "site").resolve()
    refused = output_clash(root, out)
    if refused is not None:  # never replace, or serve, a folder that is not a site
        print(f"briefing serve: {refused}; the preview would replace it", file=sys.stderr)
        print(
            "  hint: preview into a new or empty folder, or one a build made (site/ by "
            "default); nothing was deleted",
            file=sys.stderr,
        )
        return 2
    state = PreviewState(site_dir=out, log=log)
    state.tools.update(FinderPage(root, lambda: state.base_path).routes())
    try:  # bind first: a busy port is said at once, not after a build
        server = PreviewServer(state, host, port)
    except OSError as exc:
        print(f"briefing serve: cannot listen on {host}:{port}: {exc.strerror}", file=sys.stderr)
        print("  hint: another program uses the port; try --port 0 for a free one", file=sys.stderr)
        return 2
    started = time.monotonic()
    result = full_build(root, out, search=False)
    _report(result.problems, log)
    if result.state is not None:
        state.base_path = _base_path(result.state.briefing)
        print(f"built {result.rendered} pages in {time.monotonic() - started:.2f} s", file=log)
    state.problems = tuple(result.problems)
    serve_in_background(server)
    shown_host = f"[{host}]" if ":" in host else host
    print(
        f"serving http://{shown_host}:{server.server_port}{state.base_path} (press Ctrl+C to stop)",
        file=log,
        flush=True,
    )
    print(f"citation finder: http://{shown_host}:{server.server_port}{PAGE}", file=log, flush=True)
    previous_handler = signal.signal(signal.SIGTERM, lambda *_: state.stop())
    search = PreviewSearch(state)
    if result.state is not None:
        search.start(result.state.briefing, state.base_path)
    try:
        _watch_and_rebuild(root, out, state, result.state, search)
    finally:
        signal.signal(signal.SIGTERM, previous_handler)
        stop_server(server, state)
    print("stopped", file=log)
    return 0


def _base_path(briefing: Briefing) -> str:
    return Urls(briefing.site.base_url).base_path


def _watch_and_rebuild(
    root: Path, out: Path, state: PreviewState, site_state: SiteState | None, search: PreviewSearch
) -> None:
    """The loop: each batch of saves -> one rebuild -> one reload (or the problems shown)."""
    log = state.log
    watched = [root / name for name in WATCHED if (root / name).is_dir()]
    ready = False
    for batch in watch(
        *watched,
        watch_filter=DefaultFilter(),
        debounce=400,
        step=20,
        stop_event=state.stopping,
        raise_interrupt=False,
        rust_timeout=500,
        yield_on_timeout=True,
    ):
        if not ready:  # the watcher runs from here on: saves are no longer missed
            ready = True
            names = ", ".join(f"{p.name}/" for p in watched)
            print(f"watching {names} for changes", file=log, flush=True)
        if not batch:
            continue
        saved_at = _save_time(path for _, path in batch)
        try:
            edit = check_edit(site_state, root) if site_state is not None else None
            if edit is not None and edit.ok and edit.briefing is not None:
                # Search finds the saved words while the pages are still being made.
                search.update(edit.briefing, _base_path(edit.briefing), edit.changed)
            result = rebuild(site_state, root, out, search=False, edit=edit)
        except Exception as exc:  # a bug in briefing, not the editor's content
            problem = Problem(
                "",
                0,
                0,
                "",
                f"internal error: {type(exc).__name__}: {exc}",
                hint="this is a bug in briefing; restart the preview",
            )
            print(problem.as_text(), file=log, flush=True)
            state.publish([problem], saved_at=saved_at)
            continue
        site_state = result.state
        if site_state is not None:
            state.base_path = _base_path(site_state.briefing)
        if result.ok and result.full and site_state is not None:
            search.update(site_state.briefing, state.base_path)
        _report(result.problems, log)
        generation = state.publish(result.problems, saved_at=saved_at)
        elapsed = (time.monotonic() - saved_at) * 1000
        if not result.ok:
            errors = sum(1 for p in result.problems if p.is_error)
            print(
                f"{errors} error(s): the preview keeps the last good site [{generation}]",
                file=log,
                flush=True,
            )
            continue
        what = describe_changes(result.changes) or "no visible change"
        verb = "built" if result.full else "rebuilt"
        print(
            f"{verb} {result.rendered} pages, wrote {len(result.written)} files "
            f"in {elapsed:.0f} ms ({what}) [{generation}]",
            file=log,
            flush=True,
        )


def _report(problems: Iterable[Problem], log: TextIO) -> None:
    for problem in problems:
        print(problem.as_text(), file=log, flush=True)
