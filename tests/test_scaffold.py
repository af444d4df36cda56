"""`briefing new fact`: a skeleton with a fresh id, in the right file, never a made-up date."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from builder.scaffold import fresh_id, slugify
from tests.helpers import copy_fixture, edit, run_cli


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_fixture(tmp_path)


def test_prints_a_skeleton_with_an_id_from_the_title(root: Path) -> None:
    result = run_cli(
        root,
        "new",
        "fact",
        "--topic",
        "russian-responses",
        "--title",
        "Peskov: “No foreign troops!”",
    )
    assert result.returncode == 0, result.stderr
    [fact] = yaml.safe_load(result.stdout)
    assert fact["id"] == "peskov-no-foreign-troops"
    assert fact["topic"] == "russian-responses"
    assert "date" not in fact
    assert fact["citations"][0]["quote"].startswith("TODO")


def test_the_id_never_clashes_with_an_existing_fact(root: Path) -> None:
    result = run_cli(
        root, "new", "fact", "--topic", "paris-declaration", "--title", "Declaration signed"
    )
    [fact] = yaml.safe_load(result.stdout)
    assert fact["id"] == "declaration-signed-2"


def test_without_a_title_the_id_comes_from_the_topic(root: Path) -> None:
    first = yaml.safe_load(run_cli(root, "new", "fact", "--topic", "paris-declaration").stdout)
    assert first[0]["id"] == "paris-declaration-fact"


def test_write_appends_to_the_topic_file_and_check_names_the_todos(root: Path) -> None:
    facts = root / "content" / "facts" / "paris.yaml"
    before = facts.read_text(encoding="utf-8")
    # The topic's own file does not exist yet: it is created, with the schema comment.
    result = run_cli(root, "new", "fact", "--topic", "paris-declaration", "--write")
    assert result.returncode == 0, result.stderr
    created = root / "content" / "facts" / "paris-declaration.yaml"
    text = created.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/facts.schema.json\n")
    assert facts.read_text(encoding="utf-8") == before
    check = run_cli(root, "check")
    assert check.returncode == 1
    assert "content/facts/paris-declaration.yaml" in check.stderr


def test_file_appends_after_the_existing_facts(root: Path) -> None:
    facts = root / "content" / "facts" / "russia.yaml"
    edit(root, "content/facts/russia.yaml", "'axis of war'\"\n", "'axis of war'\"")
    result = run_cli(
        root,
        "new",
        "fact",
        "--topic",
        "russian-responses",
        "--title",
        "Lavrov",
        "--file",
        str(facts),
    )
    assert result.returncode == 0, result.stderr
    ids = [f["id"] for f in yaml.safe_load(facts.read_text(encoding="utf-8"))]
    assert ids == ["legitimate-targets", "axis-of-war", "lavrov"]


def test_filled_in_skeleton_passes_check(root: Path) -> None:
    facts = root / "content" / "facts" / "russia.yaml"
    run_cli(
        root,
        "new",
        "fact",
        "--topic",
        "russian-responses",
        "--title",
        "Dozens joined",
        "--file",
        str(facts),
    )
    text = facts.read_text(encoding="utf-8")
    text = text.replace(
        "TODO one or two sentences, in the source's terms.", "Dozens of countries joined."
    )
    text = text.replace("TODO-source-id", "beta")
    text = text.replace("TODO a verbatim passage", "Dozens of countries joined the coalition")
    facts.write_text(text, encoding="utf-8")
    result = run_cli(root, "check")
    assert result.returncode == 0, result.stderr


def test_unknown_topic_is_a_usage_error_listing_the_topics(root: Path) -> None:
    result = run_cli(root, "new", "fact", "--topic", "weather")
    assert result.returncode == 2
    assert "paris-declaration, russian-responses" in result.stderr


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Macron: 26 countries committed!", "macron-26-countries-committed"),
        ("Zelenskyy’s «guarantees»", "zelenskyys-guarantees"),
        ("26 countries", "fact-26-countries"),
        ("!!!", ""),
        ("Élysée Palace — statement", "elysee-palace-statement"),
    ],
)
def test_slugify_makes_valid_ids(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_fresh_id_counts_up() -> None:
    assert fresh_id("a", {"a", "a-2"}) == "a-3"
    assert fresh_id("b", {"a"}) == "b"
