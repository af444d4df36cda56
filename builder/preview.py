"""The preview's HTTP side: goes in a built site folder and the preview's state, comes out a
loopback web server that serves the site safely, streams reload events and shows problems.

Standard library only (`ThreadingHTTPServer`). Reloads travel over Server-Sent Events, one
long-lived GET per open tab. Only files inside the site folder are served; requests must be
addressed to this computer (Host) and the reload stream refuses other sites (Origin), so a web
page cannot read the preview through DNS rebinding.
"""

from __future__ import annotations

import html
import mimetypes
import posixpath
import re
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TextIO
from urllib.parse import unquote, urlsplit

from builder.errors import Problem

PREFIX = "/__briefing__/"
"""URL space of the preview's own resources; never part of a built site."""
EVENTS = PREFIX + "events"
RELOAD_JS = PREFIX + "reload.js"
OVERLAY_CSS = PREFIX + "overlay.css"
LOADED = PREFIX + "loaded"
Tool = Callable[[str], tuple[HTTPStatus, bytes, str]]
"""A page of the preview's own (the citation finder): query string -> status, body, type."""
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
KEEPALIVE_SECONDS = 10.0

RELOAD_SCRIPT = b"""\
// Reloads this page when the preview server publishes a new build (Server-Sent Events).
(() => {
  const me = document.currentScript;
  const shown = me.dataset.generation;
  const key = "briefing-reload";
  const pending = sessionStorage.getItem(key);
  if (pending) {
    sessionStorage.removeItem(key);
    fetch(me.dataset.loaded + "?generation=" + encodeURIComponent(pending), {method: "POST"})
      .catch(() => {});
  }
  const events = new EventSource(me.dataset.events);
  events.addEventListener("generation", (event) => {
    if (event.data !== shown) {
      events.close();
      sessionStorage.setItem(key, event.data);
      location.reload();
    }
  });
})();
"""

OVERLAY_STYLE = b"""\
#briefing-problems { position: fixed; inset: 0 0 auto 0; z-index: 2147483647; max-height: 80vh;
  overflow: auto; margin: 0; padding: 1rem 1.25rem; background: #2b0b0b; color: #fff;
  border-bottom: 4px solid #e5484d; font: 14px/1.45 ui-monospace, SFMono-Regular, Menlo,
  Consolas, monospace; box-shadow: 0 4px 24px rgb(0 0 0 / 0.4); }
#briefing-problems h2 { margin: 0 0 0.5rem; font: bold 16px/1.3 system-ui, sans-serif;
  color: #ffb4b4; }
#briefing-problems p { margin: 0 0 0.75rem; font-family: system-ui, sans-serif; }
#briefing-problems pre { margin: 0 0 0.75rem; white-space: pre-wrap; color: #fff; }
#briefing-problems.briefing-warnings { inset: auto 0 0 auto; max-width: min(60rem, 100vw);
  padding: 0.5rem 1rem; background: #2b2205; border: 0; border-top: 4px solid #f5a524; }
#briefing-problems summary { cursor: pointer; font: bold 14px/1.6 system-ui, sans-serif;
  color: #ffd58a; }
"""

FALLBACK_PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>briefing preview</title></head>
<body><main><h1>No page here yet</h1>
<p>The site has not been built successfully yet. Fix the problems shown above and save:
this page reloads by itself.</p></main></body></html>
"""


@dataclass
class PreviewState:
    """What the server shows, shared by the rebuild loop and the request threads."""

    site_dir: Path
    base_path: str = "/"
    """The path the site lives under (from `base_url`); requests outside it are 404s."""
    problems: tuple[Problem, ...] = ()
    generation: int = 0
    """Bumped on every publish; open pages reload when it differs from the one they show."""
    stopping: threading.Event = field(default_factory=threading.Event)
    changed_at: dict[int, float] = field(default_factory=dict)
    """generation -> monotonic time of the save that caused it, for save-to-reload timing."""
    log: TextIO = field(default_factory=lambda: sys.stdout)
    tools: dict[str, Tool] = field(default_factory=dict)
    """The preview's own pages by path (under PREFIX), answered before any file of the site."""
    _cond: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, problems: Iterable[Problem], *, saved_at: float | None = None) -> int:
        """Show a new build (or new problems) and tell every open page to reload."""
        with self._cond:
            self.problems = tuple(problems)
            self.generation += 1
            if saved_at is not None:
                self.changed_at[self.generation] = saved_at
            self._cond.notify_all()
            return self.generation

    def wait(self, seen: int, timeout: float) -> int:
        """Block until the generation differs from `seen`, the server stops, or `timeout`."""
        with self._cond:
            self._cond.wait_for(lambda: self.generation != seen or self.stopping.is_set(), timeout)
            return self.generation

    def stop(self) -> None:
        with self._cond:
            self.stopping.set()
            self._cond.notify_all()

    def reloaded(self, generation: int) -> float | None:
        """A page reports it reloaded into `generation`: seconds since the save, once."""
        with self._cond:
            saved_at = self.changed_at.pop(generation, None)
        return None if saved_at is None else time.monotonic() - saved_at


# Requests ----------------------------------------------------------------------------------


def host_allowed(host_header: str | None, extra: frozenset[str] = frozenset()) -> bool:
    """Only loopback names (plus a `--host` the editor asked for): a page on another site
    that resolves its own name to 127.0.0.1 (DNS rebinding) sends its own name and is refused."""
    if not host_header:
        return False
    name = _host_name(host_header)
    return name is not None and (name in LOOPBACK_NAMES or name in extra)


def origin_allowed(origin: str | None, port: int, extra: frozenset[str] = frozenset()) -> bool:
    """No Origin (same-origin or not a browser) or this very server; any other site is refused."""
    if origin is None:
        return True
    parts = urlsplit(origin)
    try:
        origin_port = parts.port or 80
    except ValueError:
        return False
    name = parts.hostname
    return (
        parts.scheme == "http"
        and name is not None
        and (name in LOOPBACK_NAMES or name in extra)
        and origin_port == port
    )


_HOST_RE = re.compile(r"^(?:\[(?P<v6>[0-9a-fA-F:.]+)\]|(?P<name>[A-Za-z0-9.\-]+))(?::[0-9]{1,5})?$")


def _host_name(host_header: str) -> str | None:
    match = _HOST_RE.match(host_header.strip())
    if not match:
        return None
    return (match["v6"] or match["name"] or "").lower().rstrip(".")


@dataclass(frozen=True, slots=True)
class Resolved:
    """Where a request path leads: a file, a redirect, or a refusal."""

    status: HTTPStatus
    file: Path | None = None
    location: str = ""


def resolve(site_dir: Path, base_path: str, raw_path: str) -> Resolved:
    """Map a request path to a file inside `site_dir`, refusing anything that could leave it:
    `..` segments (plain or percent-encoded), backslashes, NUL, `//host` paths, and symlinks
    whose target lies outside the site."""
    if not raw_path.startswith("/") or raw_path.startswith("//"):
        return Resolved(HTTPStatus.BAD_REQUEST)
    path = raw_path.split("?", 1)[0].split("#", 1)[0]
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return Resolved(HTTPStatus.BAD_REQUEST)
    if "\x00" in decoded or "\\" in decoded or decoded.startswith("//"):
        return Resolved(HTTPStatus.BAD_REQUEST)
    segments = decoded.split("/")
    if any(seg in ("..", ".") for seg in segments):
        return Resolved(HTTPStatus.FORBIDDEN)
    if not decoded.startswith(base_path):
        if decoded in ("/", base_path.rstrip("/")):
            return Resolved(HTTPStatus.MOVED_PERMANENTLY, location=base_path)
        return Resolved(HTTPStatus.NOT_FOUND)
    relative = decoded[len(base_path) :]
    root = site_dir.resolve()
    candidate = root.joinpath(*[s for s in relative.split("/") if s])
    try:
        real = candidate.resolve(strict=True)
    except (FileNotFoundError, NotADirectoryError, RuntimeError):
        return Resolved(HTTPStatus.NOT_FOUND)
    except OSError:
        return Resolved(HTTPStatus.NOT_FOUND)
    if real != root and root not in real.parents:
        return Resolved(HTTPStatus.FORBIDDEN)
    if real.is_dir():
        if not decoded.endswith("/"):
            return Resolved(HTTPStatus.MOVED_PERMANENTLY, location=posixpath.join(path, ""))
        real = real / "index.html"
        if not real.is_file():
            return Resolved(HTTPStatus.NOT_FOUND)
    if not real.is_file():
        return Resolved(HTTPStatus.NOT_FOUND)
    return Resolved(HTTPStatus.OK, file=real)


# Responses ---------------------------------------------------------------------------------


def overlay_html(problems: Iterable[Problem]) -> str:
    """The problems as an escaped HTML block, one `Problem.as_text()` per `<pre>`."""
    found = list(problems)
    errors = sum(1 for p in found if p.is_error)
    warnings = len(found) - errors
    counts = ", ".join(
        part
        for part in (
            f"{errors} error{'s' * (errors != 1)}" if errors else "",
            f"{warnings} warning{'s' * (warnings != 1)}" if warnings else "",
        )
        if part
    )
    lead = (
        "The preview shows the last good build. Fix the file and save: this page reloads by itself."
        if errors
        else "The site was rebuilt; these warnings fail `briefing check --strict`."
    )
    blocks = "".join(f"<pre>{html.escape(p.as_text())}</pre>" for p in found)
    if not errors:  # warnings only: a folded note at the bottom, the page stays readable
        return (
            '<aside id="briefing-problems" class="briefing-warnings" role="status">'
            f"<details><summary>briefing: {counts}</summary><p>{html.escape(lead)}</p>"
            f"{blocks}</details></aside>"
        )
    return (
        '<aside id="briefing-problems" role="alert" aria-live="assertive">'
        f"<h2>briefing: {counts}</h2><p>{html.escape(lead)}</p>{blocks}</aside>"
    )


_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
_BODY_START = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)


def inject(page: bytes, problems: Iterable[Problem], generation: int) -> bytes:
    """Add the reload script (and, with problems, the overlay and its stylesheet) to a page.
    Both are same-origin files, so a page's Content-Security-Policy of `'self'` allows them."""
    found = list(problems)
    head = (
        f'<script src="{RELOAD_JS}" data-generation="{generation}" data-events="{EVENTS}" '
        f'data-loaded="{LOADED}" defer></script>'
    )
    if found:
        head += f'<link rel="stylesheet" href="{OVERLAY_CSS}">'
    page = _insert(page, _HEAD_END, head.encode(), before=True)
    if found:
        page = _insert(page, _BODY_START, overlay_html(found).encode(), before=False)
    return page


def _insert(page: bytes, pattern: re.Pattern[bytes], snippet: bytes, *, before: bool) -> bytes:
    match = pattern.search(page)
    if match is None:
        return snippet + page if before else page + snippet
    at = match.start() if before else match.end()
    return page[:at] + snippet + page[at:]


def content_type(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix == ".js":
        kind = "text/javascript"
    if kind.startswith("text/") or kind in (
        "application/json",
        "application/xml",
        "application/atom+xml",
        "image/svg+xml",
    ):
        kind += "; charset=utf-8"
    return kind


class PreviewHandler(BaseHTTPRequestHandler):
    """One request: the preview's own resources, or a file of the site."""

    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_POST(self) -> None:
        if not self._checks_pass():
            return
        path = urlsplit(self.path).path
        if path != LOADED:
            self._plain(HTTPStatus.METHOD_NOT_ALLOWED, "method not allowed", True)
            return
        self._reloaded(self.path)
        self._plain(HTTPStatus.NO_CONTENT, "", True)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the terminal is for rebuilds and problems, not for every request."""

    def _checks_pass(self) -> bool:
        extra = self.server.extra_hosts
        if not host_allowed(self.headers.get("Host"), extra):
            self._plain(HTTPStatus.FORBIDDEN, "refused: Host is not this local server", True)
            return False
        if not origin_allowed(self.headers.get("Origin"), self.server.server_port, extra):
            self._plain(HTTPStatus.FORBIDDEN, "refused: request from another site", True)
            return False
        return True

    def _answer(self, *, send_body: bool) -> None:
        if not self._checks_pass():
            return
        state = self.server.state
        path = self.path.split("?", 1)[0]
        if path == EVENTS:
            if send_body:
                self._events(state)
            else:  # HEAD: the stream's headers, and the connection ends
                self.close_connection = True
                self._bytes(HTTPStatus.OK, b"", "text/event-stream", send_body)
            return
        if path == RELOAD_JS:
            self._bytes(HTTPStatus.OK, RELOAD_SCRIPT, "text/javascript; charset=utf-8", send_body)
            return
        if path == OVERLAY_CSS:
            self._bytes(HTTPStatus.OK, OVERLAY_STYLE, "text/css; charset=utf-8", send_body)
            return
        tool = state.tools.get(path)
        if tool is not None:
            self._bytes(*tool(urlsplit(self.path).query), send_body)
            return
        found = resolve(state.site_dir, state.base_path, self.path)
        if found.status is HTTPStatus.MOVED_PERMANENTLY:
            self.send_response(found.status)
            self.send_header("Location", found.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if found.status is HTTPStatus.NOT_FOUND:
            self._not_found(state, send_body)
            return
        if found.file is None:
            self._plain(found.status, f"{found.status.value} {found.status.phrase}", send_body)
            return
        try:
            data = found.file.read_bytes()
        except OSError:
            self._not_found(state, send_body)
            return
        self._file(HTTPStatus.OK, data, content_type(found.file), send_body)

    def _not_found(self, state: PreviewState, send_body: bool) -> None:
        page = state.site_dir / "404.html"
        try:
            data = page.read_bytes()
        except OSError:
            data = FALLBACK_PAGE
        self._file(HTTPStatus.NOT_FOUND, data, "text/html; charset=utf-8", send_body)

    def _file(self, status: HTTPStatus, data: bytes, kind: str, send_body: bool) -> None:
        if kind.startswith("text/html"):
            state = self.server.state
            data = inject(data, state.problems, state.generation)
        self._bytes(status, data, kind, send_body)

    def _plain(self, status: HTTPStatus, text: str, send_body: bool) -> None:
        self._bytes(status, text.encode(), "text/plain; charset=utf-8", send_body)

    def _bytes(self, status: HTTPStatus, data: bytes, kind: str, send_body: bool) -> None:
        self.send_response(status)
        if status is not HTTPStatus.NO_CONTENT:
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if send_body and status is not HTTPStatus.NO_CONTENT:
            self.wfile.write(data)

    def _events(self, state: PreviewState) -> None:
        """The reload stream: the current generation now, then each new one as it comes."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        seen = -1
        try:
            while not state.stopping.is_set():
                current = state.wait(seen, KEEPALIVE_SECONDS)
                if state.stopping.is_set():
                    break
                if current != seen:
                    self.wfile.write(f"retry: 500\nevent: generation\ndata: {current}\n\n".encode())
                    seen = current
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            return

    def _reloaded(self, raw_path: str) -> None:
        query = urlsplit(raw_path).query
        match = re.fullmatch(r"generation=([0-9]{1,9})", query)
        if match is None:
            return
        seconds = self.server.state.reloaded(int(match[1]))
        if seconds is not None:
            print(
                f"  page reloaded {seconds * 1000:.0f} ms after the save",
                file=self.server.state.log,
                flush=True,
            )


class PreviewServer(ThreadingHTTPServer):
    """The HTTP server with the preview's shared state."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, state: PreviewState, host: str, port: int) -> None:
        self.state = state
        self.extra_hosts = frozenset() if host in LOOPBACK_NAMES else frozenset({host.lower()})
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), PreviewHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that reset or dropped its connection is no error worth a traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


def serve_in_background(server: PreviewServer) -> threading.Thread:
    """Serve requests in a background thread until `stop_server`."""
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="preview-http",
        daemon=True,
    )
    thread.start()
    return thread


def stop_server(server: PreviewServer, state: PreviewState) -> None:
    state.stop()
    server.shutdown()
    server.server_close()
