"""Quality gates on the real site: valid HTML, WCAG 2.2 AA, no broken internal link, feeds parse.

The repository's own content is built once per session (see `conftest.py`), at the root path
and under the sub-path `/briefing/`, and every page is checked, so a broken template, a link
that forgets the base path or a colour with too little contrast fails the build in CI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from tests.conftest import BuiltSite

pytestmark = pytest.mark.gates

ROOT = Path(__file__).resolve().parent.parent
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Attributes that make the browser fetch or navigate to another URL.
LINK_ATTRIBUTES = {
    "a": "href",
    "area": "href",
    "link": "href",
    "img": "src",
    "script": "src",
    "source": "src",
    "iframe": "src",
    "form": "action",
}


# 1. Nu Html Checker ---------------------------------------------------------------------


def test_every_page_is_valid_html(
    built_site: BuiltSite, require_tool: Callable[[str], Path]
) -> None:
    java, vnu = require_tool("java"), require_tool("vnu")
    pages = built_site.html_pages()
    assert pages, "the build wrote no HTML page"
    # One JVM for every page: starting the checker costs seconds, checking a page milliseconds.
    checked = subprocess.run(
        [
            str(java),
            "-jar",
            str(vnu),
            "--errors-only",
            "--format",
            "json",
            "--skip-non-html",
            str(built_site.out),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    try:
        messages = json.loads(checked.stderr)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(f"the Nu Html Checker did not answer in JSON:\n{checked.stderr[-3000:]}")
    errors = [_vnu_line(built_site.out, m) for m in messages if m.get("type") != "info"]
    assert not errors, f"{len(errors)} HTML validity error(s):\n" + "\n".join(errors)


def _vnu_line(out: Path, message: dict[str, Any]) -> str:
    url = str(message.get("url", ""))
    file = Path(url.removeprefix("file:"))
    if file.is_relative_to(out):
        file = file.relative_to(out)
    line = message.get("lastLine", message.get("firstLine", 0))
    extract = " ".join(str(message.get("extract", "")).split())
    return f"  {file.as_posix()}:{line}: {message.get('message')}  [{extract}]"


# 2. axe-core in Chromium ------------------------------------------------------------------


@pytest.fixture(scope="module")
def axe_page(
    browser_context: BrowserContext, require_tool: Callable[[str], Path]
) -> Iterator[Page]:
    """One browser tab reused for every page axe-core checks."""
    script = require_tool("axe").read_text(encoding="utf-8")
    page = browser_context.new_page()
    page.add_init_script(script)
    yield page
    page.close()


def _axe_violations(page: Page, url: str) -> list[str]:
    page.goto(url, wait_until="load")
    results = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {
                runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: "
                    + (n.failureSummary || "").replace(/\\s+/g, " ").slice(0, 200))}));
        }""",
        AXE_TAGS,
    )
    return [
        f"  {url} [{v['id']}, {v['impact']}] {v['help']}\n"
        + "\n".join(f"      {node}" for node in v["nodes"])
        for v in results
    ]


@pytest.mark.browser
def test_every_page_passes_axe_in_light_mode(built_site: BuiltSite, axe_page: Page) -> None:
    axe_page.emulate_media(color_scheme="light")
    violations = [
        line
        for html in built_site.html_pages()
        for line in _axe_violations(axe_page, built_site.url_of(html))
    ]
    assert not violations, "WCAG 2.2 AA violations:\n" + "\n".join(violations)


@pytest.mark.browser
def test_sample_pages_pass_axe_in_dark_mode(built_site: BuiltSite, axe_page: Page) -> None:
    axe_page.emulate_media(color_scheme="dark")
    try:
        violations = [
            line
            for html in _sample_pages(built_site)
            for line in _axe_violations(axe_page, built_site.url_of(html))
        ]
    finally:
        axe_page.emulate_media(color_scheme="light")
    assert not violations, "WCAG 2.2 AA violations in dark mode:\n" + "\n".join(violations)


def _sample_pages(site: BuiltSite) -> list[Path]:
    """Home, every top-level page, and the first page of each kind below them."""
    pages = site.html_pages()
    sample: dict[str, Path] = {}
    for page in pages:
        parts = page.relative_to(site.out).parts
        kind = "/".join(parts[:-2]) if len(parts) > 2 else "/".join(parts)
        sample.setdefault(kind, page)
    return sorted(sample.values())


# 3. Internal links and fragments ----------------------------------------------------------


@pytest.mark.parametrize("site_fixture", ["built_site", "subpath_site"])
def test_every_internal_link_and_fragment_resolves(
    site_fixture: str, request: pytest.FixtureRequest
) -> None:
    site: BuiltSite = request.getfixturevalue(site_fixture)
    broken = sorted(set(internal_link_problems(site)))
    assert not broken, f"{len(broken)} broken internal link(s):\n" + "\n".join(broken)


def internal_link_problems(site: BuiltSite) -> Iterator[str]:
    """One line per internal link that does not reach an existing file and fragment."""
    for html in site.html_pages():
        relative = html.relative_to(site.out).as_posix()
        page_url = site.base_path + relative.removesuffix("index.html")
        soup = _soup(html)
        for tag, attribute in LINK_ATTRIBUTES.items():
            for element in soup.find_all(tag, attrs={attribute: True}):
                reference = str(element[attribute])
                if relative == "404.html" and _is_relative(reference):
                    # 404.html is served at whatever URL was not found: only absolute links work.
                    yield f"  {relative}: relative link {reference!r} breaks on a deep 404"
                    continue
                problem = _resolve(site, page_url, reference)
                if problem:
                    yield f"  {relative}: {reference!r} {problem}"
        for element in soup.find_all(["img", "source"], attrs={"srcset": True}):
            for candidate in str(element["srcset"]).split(","):
                reference = candidate.strip().split(" ")[0]
                problem = _resolve(site, page_url, reference)
                if problem:
                    yield f"  {relative}: srcset {reference!r} {problem}"


def _is_relative(reference: str) -> bool:
    parts = urlsplit(reference)
    return not (parts.scheme or parts.netloc or reference.startswith(("/", "#")) or not reference)


def _resolve(site: BuiltSite, page_url: str, reference: str) -> str | None:
    """Why `reference` on the page at `page_url` is broken, or None when it resolves."""
    parts = urlsplit(urljoin(page_url, reference.strip()))
    if parts.scheme or parts.netloc:
        return None  # another site, a mailto: or tel: link; the gates stay offline
    path = unquote(parts.path)
    if not path.startswith(site.base_path):
        return f"leaves the site's base path {site.base_path}"
    target = site.out / path[len(site.base_path) :]
    if path.endswith("/"):
        target = target / "index.html"
    if not target.is_file():
        if target.is_dir():
            return "points to a folder: end the link with /"
        return "points to a missing file"
    fragment = unquote(parts.fragment)
    text_fragment = fragment.startswith(":~:")
    if fragment and not text_fragment and target.suffix == ".html" and fragment not in _ids(target):
        return f"points to #{fragment}, which {target.relative_to(site.out)} does not have"
    return None


@cache
def _soup(html: Path) -> BeautifulSoup:
    return BeautifulSoup(html.read_bytes(), "html.parser")


@cache
def _ids(html: Path) -> frozenset[str]:
    soup = _soup(html)
    ids = {str(e["id"]) for e in soup.find_all(id=True)}
    ids.update(str(e["name"]) for e in soup.find_all("a", attrs={"name": True}))
    return frozenset(ids)


# 4. Feeds ------------------------------------------------------------------------------


def test_feed_is_atom_whose_entries_link_to_pages(built_site: BuiltSite) -> None:
    feed = ET.parse(built_site.out / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}") is not None, f"feed.xml has no <{required}>"
    entries = feed.findall(f"{ATOM}entry")
    assert entries, "feed.xml has no entry"
    broken = []
    for entry in entries:
        link = entry.find(f"{ATOM}link")
        assert link is not None, "an Atom entry without a link"
        problem = _resolve(built_site, built_site.base_path, _site_path(link.get("href", "")))
        if problem:
            broken.append(f"  {link.get('href')}: {problem}")
    assert not broken, "feed entries pointing nowhere:\n" + "\n".join(broken)


def test_sitemap_lists_pages_that_exist(built_site: BuiltSite) -> None:
    sitemap = ET.parse(built_site.out / "sitemap.xml").getroot()
    assert sitemap.tag == f"{SITEMAP}urlset"
    locations = [loc.text or "" for loc in sitemap.iter(f"{SITEMAP}loc")]
    assert len(locations) > 1, "the sitemap lists no page beyond the home page"
    broken = [
        f"  {loc}: {problem}"
        for loc in locations
        if (problem := _resolve(built_site, built_site.base_path, _site_path(loc)))
    ]
    assert not broken, "sitemap entries pointing nowhere:\n" + "\n".join(broken)


def _site_path(url: str) -> str:
    """A feed's absolute URL reduced to its path, which is what the local build can check."""
    parts = urlsplit(url)
    return parts.path + (f"#{parts.fragment}" if parts.fragment else "")


# The missing-tool policy itself -------------------------------------------------------------

MISSING_TOOL_TEST = """
from tests.conftest import TOOLS, find_tool

def test_needs_a_tool_nobody_has():
    TOOLS["no-such-tool"] = (lambda: None, "install no-such-tool")
    find_tool("no-such-tool")
"""


@pytest.mark.parametrize(("ci", "outcome"), [("", "1 skipped"), ("true", "1 failed")])
def test_a_missing_tool_skips_locally_and_fails_in_ci(
    tmp_path: Path, ci: str, outcome: str
) -> None:
    test_file = tmp_path / "test_missing_tool.py"
    test_file.write_text(MISSING_TOOL_TEST, encoding="utf-8")
    env = {**os.environ, "CI": ci, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", str(test_file)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert outcome in run.stdout, run.stdout
    assert "no-such-tool is not available: install no-such-tool" in run.stdout
