"""The search index: the real Pagefind binary run on search records."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup

from builder.build import check
from builder.findable import SearchRecord, search_records
from builder.markdown import Markdown
from builder.search import BUNDLE_DIR, index_records, pagefind_binary, start_index
from tests.conftest import ROOT, BuiltSite
from tests.helpers import copy_fixture, run_cli


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


# Search records: what the build indexes --------------------------------------------------

RECORDS = (
    SearchRecord(
        "facts/macron-26-countries/",
        "Fact",
        "Macron: 26 countries",
        Markup("<h1>Macron: 26 countries</h1>\n<p>Twenty-six countries pledged a force.</p>"),
    ),
    SearchRecord(
        "facts/putin-vladivostok/",
        "Fact",
        "Putin answers from Vladivostok",
        Markup("<h1>Putin answers from Vladivostok</h1>\n<p>Foreign troops are targets.</p>"),
        event="Earlier summit",
    ),
    SearchRecord(
        "actors/france/", "Actor", "France", Markup("<h1>France</h1>\n<p>Co-lead nation.</p>")
    ),
    SearchRecord(
        "sources/bbc/", "Source", "BBC report", Markup("<h1>BBC report</h1>\n<p>Archived.</p>")
    ),
)


def fragments(bundle: Path) -> dict[str, dict[str, Any]]:
    """Each indexed page's fragment (what a search result shows), by its URL."""
    found = {}
    for path in (bundle / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd")
        fragment = json.loads(data)
        found[fragment["url"]] = fragment
    return found


def test_records_are_indexed_with_their_url_title_kind_and_event(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    bundle = tmp_path / "site" / BUNDLE_DIR
    result = index_records(RECORDS, bundle)
    assert result.ok, result.problems
    assert result.pages == len(RECORDS)
    assert result.cpu > 0
    for name in ("pagefind.js", "pagefind-entry.json", "pagefind-worker.js"):
        assert (bundle / name).is_file(), name
    assert list(bundle.glob("index/*.pf_index"))
    found = fragments(bundle)
    assert sorted(found) == sorted(f"/{r.path}" for r in RECORDS)
    putin = found["/facts/putin-vladivostok/"]
    assert putin["meta"] == {
        "title": "Putin answers from Vladivostok",
        "kind": "Fact",
        "event": "Earlier summit",
    }
    assert "Foreign troops are targets." in putin["content"]
    assert found["/actors/france/"]["meta"] == {"title": "France", "kind": "Actor"}
    assert not [p for p in (tmp_path / "site").iterdir() if p.name != BUNDLE_DIR], "scratch left"


def test_records_give_the_same_bundle_in_any_folder(tmp_path: Path) -> None:
    """Page numbers follow the order the filesystem lists the scratch pages in, which the
    records' fixed order and the folder's filesystem decide: the same on every build."""
    bundles = []
    for name in ("one", "another-name"):
        (tmp_path / name).mkdir()
        assert index_records(RECORDS, tmp_path / name / BUNDLE_DIR).ok
        bundles.append(bundle_digest(tmp_path / name))
    assert bundles[0] == bundles[1]
    assert index_records(RECORDS, tmp_path / "one" / BUNDLE_DIR).ok
    assert bundle_digest(tmp_path / "one") == bundles[0]


def test_a_record_bundle_replaces_a_stale_one(tmp_path: Path) -> None:
    stale = tmp_path / BUNDLE_DIR / "fragment" / "en_deadbeef.pf_fragment"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    assert index_records(RECORDS, tmp_path / BUNDLE_DIR).ok
    assert not stale.exists()


def test_records_indexer_failures_are_problems(tmp_path: Path) -> None:
    missing = index_records(RECORDS, tmp_path / BUNDLE_DIR, binary=tmp_path / "no-pagefind")
    assert "not installed" in missing.problems[0].message
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'Error: something broke' >&2\nexit 3\n")
    broken.chmod(broken.stat().st_mode | stat.S_IXUSR)
    failed = index_records(RECORDS, tmp_path / BUNDLE_DIR, binary=broken)
    (problem,) = failed.problems
    assert "exit status 3" in problem.message
    assert "something broke" in problem.excerpt
    nowhere = index_records(RECORDS, tmp_path / "no" / "site" / BUNDLE_DIR)
    assert "no built site" in nowhere.problems[0].message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pagefind"], "nothing left behind"


def test_an_indexer_not_waited_for_is_stopped_and_tidied(tmp_path: Path) -> None:
    slow = tmp_path / "pagefind"
    slow.write_text("#!/bin/sh\nexec sleep 30\n")
    slow.chmod(slow.stat().st_mode | stat.S_IXUSR)
    (tmp_path / "site").mkdir()
    with start_index(lambda: RECORDS, tmp_path / "site" / BUNDLE_DIR, binary=slow) as indexing:
        pass  # the build failed before it waited
    assert list((tmp_path / "site").iterdir()) == []
    result = indexing.wait()  # after the block: the indexer was stopped, not waited for
    assert not result.ok
    timed_out = index_records(RECORDS, tmp_path / "site" / BUNDLE_DIR, binary=slow, timeout=0.5)
    assert "did not finish within 0.5 seconds" in timed_out.problems[0].message
    assert timed_out.seconds < 10


def test_no_records_make_no_bundle_and_no_problem(tmp_path: Path) -> None:
    result = index_records((), tmp_path / BUNDLE_DIR)
    assert result.ok and result.pages == 0
    assert list(tmp_path.iterdir()) == []


def test_the_real_briefing_has_a_record_for_each_page_marked_for_search(
    built_site: BuiltSite,
) -> None:
    briefing = check(ROOT).briefing
    assert briefing is not None
    records = search_records(briefing)
    marked = {}
    for page in built_site.html_pages():
        html = page.read_text(encoding="utf-8")
        if (
            BUNDLE_DIR not in page.relative_to(built_site.out).parts
            and "data-pagefind-body" in html
        ):
            kind = html.split('data-pagefind-meta="kind:', 1)[1].split('"', 1)[0]
            marked[page.parent.relative_to(built_site.out).as_posix() + "/"] = kind
    assert {r.path: r.kind for r in records} == marked
    assert len({r.path for r in records}) == len(records)


def test_a_fact_is_found_by_its_claim_quotes_actors_and_sources() -> None:
    briefing = check(ROOT).briefing
    assert briefing is not None
    fact = next(f for f in briefing.facts if len(f.citations) > 1 and f.actors)
    (record,) = [r for r in search_records(briefing) if r.path == f"facts/{fact.id}/"]
    claim = Markdown().plain(fact.claim)
    assert record.title == claim
    body = str(record.body)
    assert body.startswith(f"<h1>{Markup.escape(claim)}</h1>")
    for citation in fact.citations:
        assert str(Markup.escape(citation.passage)) in body
        assert str(Markup.escape(briefing.source_by_id[citation.source].title)) in body
    for actor in fact.actors:
        assert str(Markup.escape(briefing.actor_by_id[actor].name)) in body


FRESH_PROCESS = """
import os, sys
from pathlib import Path
from builder.search import index_records, start_index
from tests.test_search import RECORDS

def records():
    Path(sys.argv[1], "maker").write_text(str(os.getpid()))
    return RECORDS

def broken():
    raise RuntimeError("no records today")

site = Path(sys.argv[1], "site")
site.mkdir()
with start_index(records, site / "pagefind") as indexing:
    made = indexing.wait()
with start_index(broken, site / "pagefind") as indexing:
    failed = indexing.wait()
not_a_program = Path(sys.argv[1], "pagefind")
not_a_program.write_text("not a program")
with start_index(records, site / "pagefind", binary=not_a_program) as indexing:
    refused = indexing.wait()
print(refused.problems[0].message, file=sys.stderr)
print(os.getpid(), made.pages, made.ok, failed.problems[0].message, "|", failed.problems[0].excerpt)
"""


@pytest.mark.parametrize("fork", [True, False])
def test_the_indexer_makes_the_records_in_its_own_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fork: bool
) -> None:
    """From a single-threaded process (the command line's build) the indexer is forked and
    makes the records and their pages itself, so the build renders meanwhile; from one
    with threads (the preview) they are made first, in the caller. A bug there is a
    problem with its traceback either way."""
    script = (
        FRESH_PROCESS
        if fork
        else FRESH_PROCESS.replace(
            "import os, sys",
            "import os, sys\nimport builder.search\nbuilder.search.can_fork = lambda: False",
        )
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    pid, pages, ok, message = done.stdout.split(maxsplit=3)
    assert (pages, ok) == (str(len(RECORDS)), "True")
    maker = (tmp_path / "maker").read_text()
    assert (maker != pid) is fork
    assert message.startswith("making the search records failed")
    assert "RuntimeError: no records today" in message.split("|")[1]
    refused = done.stderr.strip().splitlines()[-1]
    assert refused == (
        "the search indexer failed (exit status 127)"
        if fork
        else "cannot run the search indexer: Permission denied"
    )
    assert list((tmp_path / "site").iterdir()) == [], "no scratch left; the old bundle gone"


def test_the_command_line_build_indexes_and_says_so(tmp_path: Path) -> None:
    """`briefing build` (a single-threaded process: the forked indexer) indexes every record
    and says how many pages, how long beside the render, and the indexer's CPU."""
    root = copy_fixture(tmp_path)
    done = run_cli(root, "build")
    assert done.returncode == 0, done.stderr
    briefing = check(root).briefing
    assert briefing is not None
    pages = len(search_records(briefing))
    assert re.search(
        rf"^search index: {pages} pages in [\d.]+ s, beside the render ", done.stderr, re.M
    )
    assert sorted(fragments(root / "site" / BUNDLE_DIR)) == sorted(
        f"/{r.path}" for r in search_records(briefing)
    )
    assert [p.name for p in (root / "site").iterdir() if p.name.startswith(".")] == [
        ".briefing-site"
    ], "no scratch folder left in the site"
