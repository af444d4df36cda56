"""The search index: the real Pagefind binary run on a small built site."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import pytest

from builder.search import BUNDLE_DIR, index_site, pagefind_binary
from tests.conftest import ROOT, BuiltSite

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav>Navigation text that is not indexed</nav>
<main data-pagefind-body><h1>{title}</h1>
<p data-pagefind-meta="kind">{kind}</p>
<p>{text}</p></main></body></html>
"""

PAGES = {
    "facts/macron-26-countries/index.html": (
        "Macron: 26 countries",
        "Fact",
        "Twenty-six countries pledged to deploy a reassurance force.",
    ),
    "facts/putin-vladivostok/index.html": (
        "Putin answers from Vladivostok",
        "Fact",
        "Putin said any foreign troops would be legitimate targets.",
    ),
    "actors/france/index.html": ("France", "Actor", "Co-lead nation of the coalition."),
    "sources/bbc/index.html": ("BBC report", "Source", "The archived text of the report."),
}


def write_site(root: Path, pages: dict[str, tuple[str, str, str]] = PAGES) -> Path:
    for path, (title, kind, text) in pages.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(PAGE.format(title=title, kind=kind, text=text), encoding="utf-8")
    return root


def bundle_digest(site: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted((site / BUNDLE_DIR).rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(site).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def test_the_installed_package_provides_the_binary() -> None:
    binary = pagefind_binary()
    assert binary is not None and binary.is_file()


def test_indexing_writes_the_bundle_and_counts_the_pages(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site")
    result = index_site(site)
    assert result.ok, result.problems
    assert result.pages == len(PAGES)
    assert result.seconds > 0
    bundle = site / BUNDLE_DIR
    for name in ("pagefind.js", "pagefind-entry.json", "pagefind-worker.js"):
        assert (bundle / name).is_file(), name
    assert list(bundle.glob("index/*.pf_index"))
    assert list(bundle.glob("fragment/*.pf_fragment"))
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == len(PAGES)


def test_the_bundle_is_byte_identical_across_runs_and_directories(tmp_path: Path) -> None:
    first = write_site(tmp_path / "one")
    # The second copy is written in the opposite order and lives under another name, as
    # the build's temporary directory does.
    second = write_site(tmp_path / "another-name", dict(reversed(list(PAGES.items()))))
    assert index_site(first).ok and index_site(second).ok
    assert bundle_digest(first) == bundle_digest(second)
    digest = bundle_digest(first)
    assert index_site(first).ok
    assert bundle_digest(first) == digest


def test_a_stale_bundle_is_replaced(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site")
    stale = site / BUNDLE_DIR / "fragment" / "en_deadbeef.pf_fragment"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    assert index_site(site).ok
    assert not stale.exists()


def test_a_missing_binary_is_a_clear_problem(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site")
    result = index_site(site, binary=tmp_path / "no-such-pagefind")
    assert not result.ok
    (problem,) = result.problems
    assert "not installed" in problem.message
    assert "--no-search" in problem.hint
    assert not (site / BUNDLE_DIR).exists()


def test_a_failing_indexer_is_a_problem_with_its_output(tmp_path: Path) -> None:
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'Error: something broke' >&2\nexit 3\n")
    broken.chmod(broken.stat().st_mode | stat.S_IXUSR)
    result = index_site(write_site(tmp_path / "site"), binary=broken)
    (problem,) = result.problems
    assert "exit status 3" in problem.message
    assert "something broke" in problem.excerpt


def test_a_site_without_pages_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = index_site(empty)
    assert not result.ok
    assert "did not contain any html" in result.problems[0].excerpt


def test_an_indexer_that_hangs_is_stopped(tmp_path: Path) -> None:
    slow = tmp_path / "pagefind"
    slow.write_text("#!/bin/sh\nexec sleep 30\n")
    slow.chmod(slow.stat().st_mode | stat.S_IXUSR)
    result = index_site(write_site(tmp_path / "site"), binary=slow, timeout=0.5)
    assert not result.ok
    assert "did not finish within 0.5 seconds" in result.problems[0].message
    assert result.seconds < 10


@pytest.mark.parametrize("missing", ["no-such-dir"])
def test_indexing_a_missing_directory_is_a_problem(tmp_path: Path, missing: str) -> None:
    result = index_site(tmp_path / missing)
    assert not result.ok and "no built site" in result.problems[0].message


# The repository's own site ---------------------------------------------------------------


def test_the_real_site_indexes_every_page_marked_for_search(built_site: BuiltSite) -> None:
    marked = [
        page
        for page in built_site.html_pages()
        if BUNDLE_DIR not in page.relative_to(built_site.out).parts
        and "data-pagefind-body" in page.read_text(encoding="utf-8")
    ]
    entry = json.loads((built_site.out / BUNDLE_DIR / "pagefind-entry.json").read_text())
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == len(marked)
    facts = json.loads((built_site.out / "facts.json").read_text())["facts"]
    fact_pages = {built_site.out / "facts" / f["id"] / "index.html" for f in facts}
    assert fact_pages <= set(marked)
    # Every indexed page says what it is in search results.
    for page in marked:
        assert 'data-pagefind-meta="kind:' in page.read_text(encoding="utf-8"), page


def test_two_builds_of_the_real_site_give_the_same_index(tmp_path: Path) -> None:
    from builder.build import build

    digests = []
    for name in ("first", "second"):
        result = build(ROOT, out=tmp_path / name)
        assert not [p for p in result.problems if p.is_error]
        digests.append(bundle_digest(tmp_path / name))
    assert digests[0] == digests[1]
