"""`briefing cite`: an editor remembers a few words; the finder hands back a citation that
verifies when pasted into a fact."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from builder.cite import read_sources, search
from builder.quotes import SourceIndex
from tests.helpers import copy_fixture, edit, run_cli


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_fixture(tmp_path)


def pasted(stdout: str) -> list[dict[str, str]]:
    """The YAML block at the end of each result, parsed as an editor's paste would be."""
    blocks = [chunk[chunk.index("- source:"):] for chunk in stdout.split("\n\n")
              if "- source:" in chunk]
    return [yaml.safe_load(block)[0] for block in blocks]


def verifies(root: Path, source: str, quote: str) -> bool:
    text = (root / "seeds" / f"{source}.txt").read_text(encoding="utf-8")
    return len(SourceIndex(text).find(quote)) == 1


def test_words_as_written_give_a_citation_that_verifies(root: Path) -> None:
    result = run_cli(root, "cite", "alpha", "agreed to lead a multinational")
    assert result.returncode == 0, result.stderr
    assert "seeds/alpha.txt:2:" in result.stdout
    [citation] = pasted(result.stdout)
    assert citation["source"] == "alpha"
    assert "agreed to lead a multinational" in citation["quote"]
    assert verifies(root, "alpha", citation["quote"])


def test_typos_case_and_straight_quotes_are_forgiven(root: Path) -> None:
    result = run_cli(root, "cite", "beta", 'a spokeswoman caled the coalition an "axis of war"')
    assert result.returncode == 0, result.stderr
    assert "seeds/beta.txt:2:" in result.stdout
    [citation] = pasted(result.stdout)
    assert "called the coalition an ‘axis of war" in citation["quote"]
    assert verifies(root, "beta", citation["quote"])


def test_partial_words_widen_to_whole_words(root: Path) -> None:
    result = run_cli(root, "cite", "alpha", "ingdom and Fra")
    [citation] = pasted(result.stdout)
    assert citation["quote"].startswith("Kingdom and France")


def test_a_passage_that_occurs_twice_is_lengthened_until_unique(root: Path) -> None:
    edit(root, "seeds/beta.txt", "Dozens of countries", "The coalition grew. Dozens of countries")
    result = run_cli(root, "cite", "beta", "the coalition")
    assert result.returncode == 0, result.stderr
    [citation] = pasted(result.stdout)
    assert citation["quote"].lower() != "the coalition"
    assert verifies(root, "beta", citation["quote"])


def test_quotes_and_backslashes_are_yaml_escaped(root: Path) -> None:
    edit(root, "seeds/beta.txt", "Dozens of countries", 'He said "C:\\temp" twice. Dozens')
    result = run_cli(root, "cite", "beta", 'He said "C:\\temp" twice')
    [citation] = pasted(result.stdout)
    assert citation["quote"] == 'He said "C:\\temp" twice'


def test_all_sources_ranks_the_best_first(root: Path) -> None:
    result = run_cli(root, "cite", "--all", "coalition")
    assert result.returncode == 0, result.stderr
    assert pasted(result.stdout)[0]["source"] == "beta"


def test_nothing_close_enough_exits_1_and_says_so(root: Path) -> None:
    result = run_cli(root, "cite", "alpha", "quantum chromodynamics on a lattice")
    assert result.returncode == 1
    assert "nothing in `alpha` matches" in result.stderr
    assert result.stdout == ""


def test_an_unknown_source_lists_the_known_ones(root: Path) -> None:
    result = run_cli(root, "cite", "gamma", "coalition")
    assert result.returncode == 2
    assert "unknown source `gamma`" in result.stderr
    assert "alpha, beta" in result.stderr


def test_no_words_is_a_usage_error(root: Path) -> None:
    assert run_cli(root, "cite", "alpha", "  ").returncode == 2


def test_the_finder_works_while_a_fact_file_is_broken(root: Path) -> None:
    (root / "content" / "facts" / "paris.yaml").write_text("- id: [unclosed\n")
    assert run_cli(root, "cite", "alpha", "declaration of intent").returncode == 0


def test_every_cited_quote_of_the_fixture_is_found_as_written(root: Path) -> None:
    sources = {s.id: s for s in read_sources(root)[0]}
    for path in sorted((root / "content" / "facts").glob("*.yaml")):
        for fact in yaml.safe_load(path.read_text(encoding="utf-8")):
            for citation in fact["citations"]:
                [best, *_] = search([sources[citation["source"]]], citation["quote"])
                assert best.exact and best.unique


def test_a_source_and_all_together_is_a_usage_error(root: Path) -> None:
    assert run_cli(root, "cite", "alpha", "coalition", "--all").returncode == 2
