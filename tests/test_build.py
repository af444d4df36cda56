"""The whole build on a small real content tree, its output read back with an HTML parser."""

from __future__ import annotations

import gc
import hashlib
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from benchmarks import gen_corpus
from builder.build import build
from builder.render import PARALLEL_MIN_PAGES
from tests.helpers import REPO, copy_fixture, edit, run_cli


def snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_build_writes_the_pages_a_reader_needs(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    result = build(root, search=False)
    assert result.ok, [p.as_text() for p in result.problems]
    site = root / "site"
    for rel in [
        "index.html",
        "404.html",
        "paris-declaration/index.html",
        "allies/index.html",
        "allies/uk/index.html",
        "timeline/index.html",
        "disputes/index.html",
        "search/index.html",
        "sources/index.html",
        "sources/alpha/index.html",
        "actors/zakharova/index.html",
        "facts/declaration-signed/index.html",
        "facts.json",
        "facts.csv",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
    ]:
        assert (site / rel).is_file(), rel
    assert result.pages == len(list(site.rglob("*.html")))


def test_a_citation_mark_leads_to_its_marked_passage(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    assert build(root, search=False).ok
    page = soup(root / "site/facts/declaration-signed/index.html")
    hrefs = [a["href"] for a in page.select("main a[href*='/sources/alpha/#']")]
    assert hrefs, "the fact page links no passage"
    anchor = str(hrefs[0]).split("#", 1)[1]
    source = soup(root / "site/sources/alpha/index.html")
    target = source.find(id=anchor)
    assert target is not None
    passage = target if target.name == "mark" else target.find_next("mark")
    assert passage is not None
    assert "Leaders met in Paris on 6 January 2026" in passage.get_text()


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    assert build(root, out=tmp_path / "one", search=False).ok
    assert build(root, out=tmp_path / "two", search=False).ok
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def test_a_failed_build_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    assert build(root, search=False).ok
    before = snapshot(root / "site")
    edit(root, "content/facts/paris.yaml", "on 6 January 2026 to sign", "on 7 January 2026 to sign")
    edit(root, "content/pages/index.md", "Leaders signed", "Leaders (changed) signed")
    result = run_cli(root, "build", "--no-search")
    assert result.returncode == 1
    assert "site/ was left as it was" in result.stderr
    assert snapshot(root / "site") == before
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".site")) == [
        ".site.manifest.json"
    ]


def test_a_references_template_without_its_macros_is_a_problem_at_the_file(
    tmp_path: Path,
) -> None:
    root = copy_fixture(tmp_path)
    (root / "templates" / "_references.html").write_text(
        "{% if references %}<ol>{% for ref in references %}<li>{{ ref.number }}</li>"
        "{% endfor %}</ol>{% endif %}\n",
        encoding="utf-8",
    )
    result = run_cli(root, "build", "--no-search")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "_references.html" in result.stderr
    assert "defines no macro entry(ref, collapsed)" in result.stderr
    assert not (root / "site").exists()


def test_base_url_sub_path_prefixes_every_internal_link(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    assert build(root, base_url="/briefing/", search=False).ok
    page = soup(root / "site/paris-declaration/index.html")
    links = [str(a["href"]) for a in page.find_all("a", href=True)]
    internal = [h for h in links if h.startswith("/")]
    assert internal and all(h.startswith("/briefing/") for h in internal), internal
    css = [str(link["href"]) for link in page.find_all("link", rel="stylesheet")]
    assert css and all(h.startswith("/briefing/") for h in css)


def test_build_summary_and_exit_code(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    result = run_cli(root, "build", "--no-search")
    assert result.returncode == 0, result.stderr
    assert "built " in result.stderr and " pages (" in result.stderr and "s\n" in result.stderr


def test_an_output_path_that_is_a_file_is_refused_and_kept(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    target = tmp_path / "notes.txt"
    target.write_text("keep me")
    result = run_cli(root, "build", "--no-search", "--out", str(target))
    assert result.returncode == 1
    assert "is a file, not a folder" in result.stderr and "Traceback" not in result.stderr
    assert target.read_text() == "keep me"


def test_an_unwritable_output_location_is_a_message_not_a_crash(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    result = run_cli(root, "build", "--no-search", "--out", "/proc/briefing-site")
    assert result.returncode == 1
    assert "cannot write the site there" in result.stderr
    assert "internal error" not in result.stderr


def test_a_build_leaves_no_cycles_for_the_collector_the_cli_switches_off(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The command line runs without the cycle collector: that is only sound while a build leaves
    no garbage only it could free. One page's worth of cycles per page would show here."""
    root = tmp_path / "corpus"
    gen_corpus.generate(PARALLEL_MIN_PAGES, root)
    shutil.copytree(REPO / "templates", root / "templates")
    monkeypatch.setenv("BRIEFING_WORKERS", "1")  # every page made in this process
    assert build(root, out=tmp_path / "warm", search=False).ok  # imports, compiled templates
    was_on = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        result = build(root, out=tmp_path / "site", search=False)
        left = gc.collect()
    finally:
        if was_on:
            gc.enable()
    assert result.ok and result.pages > PARALLEL_MIN_PAGES
    assert left < result.pages // 2


def test_a_build_prints_nothing_and_tells_the_watcher_it_is_given(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A library call writes nothing to the terminal; the stages and pages go to the
    watcher the caller hands in (the CLI's shows them once a build is slow)."""
    from builder.progress import Watcher

    class Seen(Watcher):
        def __init__(self) -> None:
            self.stages: list[str] = []
            self.counts: list[tuple[int, int]] = []
            self.ended = False

        def stage(self, name: str) -> None:
            self.stages.append(name)

        def pages(self, done: int, total: int) -> None:
            self.counts.append((done, total))

        def done(self, summary: str = "") -> None:
            self.ended = True

    seen = Seen()
    result = build(copy_fixture(tmp_path), search=False, watcher=seen)

    assert result.ok
    assert seen.stages[0] == "checking content"
    assert "rendering and writing pages" in seen.stages
    assert seen.counts[-1] == (result.pages, result.pages)
    assert seen.ended
    assert capfd.readouterr() == ("", "")
