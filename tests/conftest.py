"""Shared test fixtures: the policy for missing system tools, and one real build of the site.

Tests that need a system tool (Chromium, Java, the pinned npm tools under `.ci/`) call
`require_tool(name)`: on a developer's machine a missing tool skips the test with the reason and
the fix; under `CI=true` it fails the run, so a green CI always means the gates really ran.
The real site (content/ of this repository) is built once per session and served on loopback.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext

ROOT = Path(__file__).resolve().parent.parent
CI_TOOLS = ROOT / ".ci" / "node_modules"
IN_CI = os.environ.get("CI", "").lower() == "true"


def _executable(name: str, *fallbacks: str) -> Callable[[], Path | None]:
    def find() -> Path | None:
        for candidate in (name, *fallbacks):
            found = shutil.which(candidate)
            if found:
                return Path(found)
        return None

    return find


def _file(path: Path) -> Callable[[], Path | None]:
    return lambda: path if path.is_file() else None


_NPM_HINT = "run `npm ci --prefix .ci` (python3 dev.py test does it when npm is installed)"

TOOLS: dict[str, tuple[Callable[[], Path | None], str]] = {
    "chromium": (
        _executable("chromium", "/usr/bin/chromium"),
        "install Debian's `chromium` package (apt-get install chromium)",
    ),
    "java": (
        _executable("java"),
        "install a Java runtime (apt-get install default-jre-headless)",
    ),
    "vnu": (_file(CI_TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"), _NPM_HINT),
    "axe": (_file(CI_TOOLS / "axe-core" / "axe.min.js"), _NPM_HINT),
}


def find_tool(name: str) -> Path:
    """The path of system tool `name`, or skip the test (fail it when CI=true) with the fix."""
    find, hint = TOOLS[name]
    found = find()
    if found is not None:
        return found
    message = f"{name} is not available: {hint}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true: a missing tool fails the run)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def require_tool() -> Callable[[str], Path]:
    """`require_tool("java")` inside a test or fixture: the tool's path, or skip/fail."""
    return find_tool


# The real site, built once --------------------------------------------------------------


@dataclass(frozen=True)
class BuiltSite:
    """A build of the repository's content, served over HTTP from `docroot`.

    `out` is the build output folder; it sits at `docroot / base_path` so that a site built
    for a sub-path is served exactly where its links point.
    """

    out: Path
    docroot: Path
    base_path: str
    origin: str = ""

    @property
    def url(self) -> str:
        """Where the home page is served, e.g. `http://127.0.0.1:8123/briefing/`."""
        return self.origin + self.base_path

    def html_pages(self) -> list[Path]:
        return sorted(self.out.rglob("*.html"))

    def url_of(self, page: Path) -> str:
        """The served URL of an output file: `facts/x/index.html` -> `<url>facts/x/`."""
        relative = page.relative_to(self.out).as_posix()
        if relative == "index.html" or relative.endswith("/index.html"):
            relative = relative[: -len("index.html")]
        return self.url + relative


def build_site(workdir: Path, base_path: str) -> BuiltSite:
    """Build the repository's site for `base_path` into `workdir`, failing on any problem."""
    from builder.build import build

    docroot = workdir / "www"
    out = docroot / base_path.strip("/") if base_path.strip("/") else docroot
    out.parent.mkdir(parents=True, exist_ok=True)
    result = build(ROOT, out=out, base_url=base_path)
    if not result.ok:
        problems = "\n".join(p.as_text() for p in result.errors or result.problems)
        pytest.fail(f"the repository's content does not build:\n{problems}", pytrace=False)
    return BuiltSite(out=out, docroot=docroot, base_path=base_path)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    # Scripts and the search index must come with the types a static host gives them.
    extensions_map = {  # noqa: RUF012 (the base class declares it as a plain dict)
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
    }

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class _Server:
    site: BuiltSite
    server: http.server.ThreadingHTTPServer

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def serve(site: BuiltSite) -> _Server:
    """Serve `site.docroot` on a free loopback port in a background thread."""
    handler = functools.partial(_QuietHandler, directory=str(site.docroot))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="site-server", daemon=True).start()
    host, port = server.server_address[:2]
    origin = f"http://{host!s}:{port}"
    return _Server(BuiltSite(site.out, site.docroot, site.base_path, origin), server)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    """The repository's site built at the root path (`/`) and served on 127.0.0.1."""
    running = serve(build_site(tmp_path_factory.mktemp("site-root"), "/"))
    yield running.site
    running.stop()


@pytest.fixture(scope="session")
def subpath_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    """The same site built for deployment under `/briefing/` and served there."""
    running = serve(build_site(tmp_path_factory.mktemp("site-subpath"), "/briefing/"))
    yield running.site
    running.stop()


# One headless Chromium for every browser test and gate ---------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser(require_tool: Callable[[str], Path]) -> Iterator[Browser]:
    """Debian's Chromium driven by playwright (never a downloaded browser build)."""
    executable = require_tool("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def browser_context(browser: Browser) -> Iterator[BrowserContext]:
    """One desktop-sized context shared by the session; tests open their own pages in it.

    `bypass_csp` lets the gates inject axe-core into pages whose Content-Security-Policy
    (rightly) forbids scripts from anywhere but the site itself.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    yield context
    context.close()
