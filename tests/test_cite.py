"""`briefing cite`: an editor remembers a few words; the finder hands back the passages that
hold them, says which facts already cite each, and gives a citation that verifies when pasted
into a fact."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from builder.cite import find, load_library
from builder.quotes import SourceIndex
from tests.helpers import REPO, copy_fixture, edit, run_cli


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_fixture(tmp_path)


def pasted(stdout: str) -> list[dict[str, str]]:
    """The YAML block at the end of each result, parsed as an editor's paste would be."""
    blocks = [
        chunk[chunk.index("- source:") :] for chunk in stdout.split("\n\n") if "- source:" in chunk
    ]
    return [yaml.safe_load(block)[0] for block in blocks]


def verifies(root: Path, source: str, quote: str) -> bool:
    text = (root / "seeds" / f"{source}.txt").read_text(encoding="utf-8")
    return len(SourceIndex(text).find(quote)) == 1


def test_words_as_written_give_a_citation_that_verifies(root: Path) -> None:
    result = run_cli(root, "cite", "alpha", "agreed to lead a multinational")
    assert result.returncode == 0, result.stderr
    assert "1. alpha  seeds/alpha.txt:2  (the words as written)" in result.stdout
    citation = pasted(result.stdout)[0]
    assert citation["source"] == "alpha"
    assert "agreed to lead a multinational" in citation["quote"]
    assert verifies(root, "alpha", citation["quote"])


def test_a_slipped_quote_gives_the_passage_as_written(root: Path) -> None:
    result = run_cli(root, "cite", "beta", 'a spokeswoman caled the coalition an "axis of war"')
    assert result.returncode == 0, result.stderr
    assert "seeds/beta.txt:2  (closest passage" in result.stdout
    citation = pasted(result.stdout)[0]
    assert "called the coalition an ‘axis of war" in citation["quote"]
    assert verifies(root, "beta", citation["quote"])


def test_partial_words_widen_to_whole_words(root: Path) -> None:
    result = run_cli(root, "cite", "alpha", "ingdom and Fra")
    assert pasted(result.stdout)[0]["quote"].startswith("Kingdom and France")


def test_keywords_in_any_order_find_the_sentence(root: Path) -> None:
    result = run_cli(root, "cite", "targets legitimate Moscow")
    assert result.returncode == 0, result.stderr
    first = pasted(result.stdout)[0]
    assert first == {
        "source": "beta",
        "quote": "Moscow warned on 8 January that any Western troops would be legitimate targets.",
    }


def test_plurals_capitals_accents_and_typos_are_forgiven(root: Path) -> None:
    edit(root, "seeds/alpha.txt", "Leaders met in Paris", "Leaders met at the Élysée in Paris")
    for words in ("ELYSEE leader", "élysée leaders", "Elysee Leadres"):
        result = run_cli(root, "cite", words)
        assert result.returncode == 0, (words, result.stderr)
        assert pasted(result.stdout)[0]["quote"].startswith("Leaders met at the Élysée"), words


def test_the_query_words_are_marked_in_the_passage(root: Path) -> None:
    result = run_cli(root, "cite", "countries coalition")
    assert "**Dozens** of **countries** joined the **coalition**" not in result.stdout
    assert "Dozens of **countries** joined the **coalition**, officials said." in result.stdout


def test_each_passage_says_which_facts_already_cite_it(root: Path) -> None:
    result = run_cli(root, "cite", "beta", "legitimate targets")
    assert result.returncode == 0, result.stderr
    first = result.stdout.split("\n\n")[0]
    assert "already cited by: legitimate-targets (content/facts/russia.yaml:" in first
    result = run_cli(root, "cite", "beta", "spokeswoman")
    assert "already cited by: axis-of-war" in result.stdout
    edit(root, "seeds/beta.txt", "Dozens of", "Nobody cites this sentence. Dozens of")
    result = run_cli(root, "cite", "beta", "nobody cites")
    assert "not cited by any fact yet" in result.stdout.split("\n\n")[0]


def test_a_passage_that_occurs_twice_is_lengthened_until_unique(root: Path) -> None:
    edit(root, "seeds/beta.txt", "Dozens of countries", "The coalition grew. Dozens of countries")
    edit(root, "seeds/beta.txt", "joined the coalition", "joined. The coalition grew")
    result = run_cli(root, "cite", "beta", "the coalition grew")
    assert result.returncode == 0, result.stderr
    for citation in pasted(result.stdout):
        assert citation["quote"].lower() != "the coalition grew"
        assert verifies(root, "beta", citation["quote"])


def test_quotes_and_backslashes_are_yaml_escaped(root: Path) -> None:
    edit(root, "seeds/beta.txt", "Dozens of countries", 'He said "C:\\temp" twice. Dozens')
    result = run_cli(root, "cite", "beta", 'He said "C:\\temp" twice')
    assert pasted(result.stdout)[0]["quote"] == 'He said "C:\\temp" twice'


def test_all_sources_ranks_the_best_first(root: Path) -> None:
    for args in (["--all", "coalition"], ["coalition"]):
        result = run_cli(root, "cite", *args)
        assert result.returncode == 0, result.stderr
        assert pasted(result.stdout)[0]["source"] == "beta"


def test_limit_sets_how_many_passages_are_shown(root: Path) -> None:
    assert len(pasted(run_cli(root, "cite", "the").stdout)) == 5
    assert len(pasted(run_cli(root, "cite", "--limit", "2", "the").stdout)) == 2
    assert run_cli(root, "cite", "--limit", "0", "the").returncode == 2


def test_nothing_found_only_when_no_word_is_shared_and_the_hint_fits(root: Path) -> None:
    result = run_cli(root, "cite", "alpha", "quantum chromodynamics lattice")
    assert result.returncode == 1
    assert "none of the words (quantum, chromodynamics, lattice) occurs in `alpha`" in (
        result.stderr
    )
    assert "--all" not in result.stderr  # no other source has them either
    assert result.stdout == ""
    result = run_cli(root, "cite", "alpha", "spokeswoman")
    assert result.returncode == 1
    assert "`beta` has some of them" in result.stderr
    assert "briefing cite --all 'spokeswoman'" in result.stderr
    result = run_cli(root, "cite", "--all", "quantum chromodynamics")
    assert result.returncode == 1
    assert "no source holds any of the words (quantum, chromodynamics)" in result.stderr
    assert "--all" not in result.stderr


def test_one_shared_word_is_enough_to_answer(root: Path) -> None:
    result = run_cli(root, "cite", "--all", "quantum spokeswoman chromodynamics")
    assert result.returncode == 0, result.stderr
    assert "(1 of 3 words)" in result.stdout


def test_an_unknown_source_lists_the_known_ones(root: Path) -> None:
    result = run_cli(root, "cite", "gamma-report", "coalition")
    assert result.returncode == 2
    assert "unknown source `gamma-report`" in result.stderr
    assert "alpha, beta" in result.stderr


def test_a_hyphenated_word_of_a_source_is_a_word_not_a_source(root: Path) -> None:
    edit(root, "seeds/beta.txt", "Dozens of", "A post-ceasefire plan. Dozens of")
    result = run_cli(root, "cite", "post-ceasefire", "plan")
    assert result.returncode == 0, result.stderr
    assert pasted(result.stdout)[0]["quote"] == "A post-ceasefire plan."


def test_no_words_is_a_usage_error(root: Path) -> None:
    assert run_cli(root, "cite", "alpha", "  ").returncode == 2
    assert run_cli(root, "cite", "alpha").returncode == 2


def test_the_finder_works_while_a_fact_file_is_broken(root: Path) -> None:
    edit(root, "content/facts/paris.yaml", "- id: declaration-signed", "- id: [unclosed")
    result = run_cli(root, "cite", "alpha", "declaration of intent")
    assert result.returncode == 0
    assert "content/facts/paris.yaml:2:8: error: YAML syntax error" in result.stderr
    assert "already cited by" not in result.stdout.split("\n\n")[0]
    result = run_cli(root, "cite", "beta", "Dozens of countries")  # its facts still read
    assert "already cited by: dozens-of-countries" in result.stdout


def test_every_cited_quote_of_the_fixture_is_found_as_written(root: Path) -> None:
    library = load_library(root)
    for path in sorted((root / "content" / "facts").glob("*.yaml")):
        for fact in yaml.safe_load(path.read_text(encoding="utf-8")):
            for citation in fact["citations"]:
                best = find(library, citation["quote"], citation["source"]).offers[0]
                assert best.how == "the words as written" and best.unique
                assert fact["id"] in [c.fact for c in best.cited_by]


def test_a_source_and_all_together_is_a_usage_error(root: Path) -> None:
    assert run_cli(root, "cite", "alpha", "coalition", "--all").returncode == 2


@pytest.mark.parametrize(
    ("words", "where", "said"),
    [
        ("Zakharova axis of war", "axis-of-war-roundup", "Maria Zakharova"),
        ("Italy Meloni ruled out troops", "mnf-u-explainer", "Meloni has ruled out deploying"),
        (
            "headquarters Paris coordination center Kyiv",
            "mnf-u-explainer",
            "a major headquarters in Paris and a coordination center in Kyiv",
        ),
        (
            "Putin Vladivostok unnecessary",
            "putin-rejects-western-plan",
            "economic forum in Vladivostok",
        ),
    ],
)
def test_the_issues_examples_find_their_passage_first(words: str, where: str, said: str) -> None:
    """Each of these once answered "nothing matches … well enough" with a hint to try --all,
    although --all was given."""
    result = run_cli(REPO, "cite", "--all", words)
    assert result.returncode == 0, result.stderr
    first = pasted(result.stdout)[0]
    assert first["source"] == where and said in first["quote"]
