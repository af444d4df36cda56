"""Which facts cite a source: read fact by fact where the source is named, the same answer
as reading every facts file whole."""

from __future__ import annotations

from pathlib import Path

from builder.citing import CitedQuote, _citations, read_fact_files
from builder.load import load_yaml_file
from tests.helpers import REPO, copy_fixture, edit


def whole_files(root: Path) -> list[CitedQuote]:
    """Every citation, each facts file parsed as a whole (the reference)."""
    found: list[CitedQuote] = []
    for path in sorted((root / "content" / "facts").glob("*.yaml")):
        rel = path.relative_to(root).as_posix()
        found += _citations(load_yaml_file(root, rel, []).node, rel)
    return found


def test_the_real_briefings_citations_are_found_source_by_source() -> None:
    reference = whole_files(REPO)
    files = read_fact_files(REPO)
    sources = sorted({c.source for c in reference})
    assert len(sources) == 5
    for source in sources:
        assert files.citations(source) == [c for c in reference if c.source == source]
    assert not files.problems


def test_a_fact_that_does_not_stand_alone_has_its_file_read_whole(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    # A quote over two lines whose second line starts with "- ": the fact cannot be cut there.
    edit(
        root,
        "content/facts/russia.yaml",
        "quote: \"called the coalition an 'axis of war'\"",
        "quote: \"called the coalition\n- an 'axis of war'\"",
    )
    files = read_fact_files(root)
    assert [c.fact for c in files.citations("beta")] == [
        c.fact for c in whole_files(root) if c.source == "beta"
    ]


def test_a_broken_fact_is_a_problem_only_where_it_is_needed(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    edit(root, "content/facts/paris.yaml", "- id: declaration-signed", "- id: [unclosed")
    files = read_fact_files(root)
    assert [c.fact for c in files.citations("beta")] == [
        "dozens-of-countries",
        "legitimate-targets",
        "axis-of-war",
    ]
    assert not files.problems
    assert files.citations("alpha") == [
        c for c in files.citations("alpha") if c.file != "content/facts/paris.yaml"
    ]
    assert [p.file for p in files.problems] == ["content/facts/paris.yaml"]
