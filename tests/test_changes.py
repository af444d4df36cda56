"""`check --since REF`: a published fact changed without a correction fails at its line, one
with a correction (or `minor: true`) passes; a published id that is gone fails unless it is
withdrawn or renamed. On real git repositories made by the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.changes import changes_since
from tests.helpers import AXIS, commit, edit, git, git_repo, run_cli

PARIS = "content/facts/paris.yaml"
CORRECTION = """  corrections:
    - date: 2026-01-09
      what: The claim now says who signed.
      why: The first version left the signatories out.
"""


@pytest.fixture
def published(tmp_path: Path) -> Path:
    root = git_repo(tmp_path)
    git(root, "tag", "published")
    return root


def change_claim(root: Path) -> None:
    edit(
        root,
        PARIS,
        "claim: Leaders signed a declaration of intent in Paris",
        "claim: UK and French leaders signed a declaration of intent in Paris",
    )


def test_a_changed_fact_without_a_correction_fails_at_its_line(published: Path) -> None:
    change_claim(published)
    done = run_cli(published, "check", "--since", "published")
    assert done.returncode == 1
    assert (
        "content/facts/paris.yaml:1: error [declaration-signed.corrections]: the fact "
        "`declaration-signed` was published at published and its claim changed since, "
        "with no correction" in done.stderr
    )
    assert "minor: true" in done.stderr
    assert run_cli(published, "check").returncode == 0  # only --since asks


def test_a_correction_or_minor_flag_lets_it_pass(published: Path) -> None:
    change_claim(published)
    edit(
        published,
        PARIS,
        "  topic: paris-declaration\n  date: 2026-01-06\n",
        "  topic: paris-declaration\n  date: 2026-01-06\n" + CORRECTION,
    )
    done = run_cli(published, "check", "--since", "published")
    assert done.returncode == 0, done.stderr
    # Once committed and published, the same correction does not cover a further change.
    commit(published, "correct declaration-signed")
    git(published, "tag", "published-2")
    edit(published, PARIS, "UK and French leaders", "British and French leaders")
    assert run_cli(published, "check", "--since", "published-2").returncode == 1
    edit(
        published,
        PARIS,
        "  topic: paris-declaration\n  date: 2026-01-06\n",
        "  topic: paris-declaration\n  date: 2026-01-06\n  minor: true\n",
    )
    assert run_cli(published, "check", "--since", "published-2").returncode == 0


def test_citations_and_status_count_as_changes_but_reflowed_text_does_not(published: Path) -> None:
    edit(
        published,
        PARIS,
        "quote: Officials said 27 European states took part",
        "quote: Officials said 27 European states took part in the talks",
    )
    edit(
        published,
        PARIS,
        "claim: Dozens of countries joined the coalition.",
        "claim: Dozens of   countries joined\n    the coalition.",
    )
    changes = changes_since(published, "published")
    assert [(c.new.id, c.fields) for c in changes.changed] == [
        ("twenty-seven-states", ("citations",))
    ]
    change = changes.changed[0]
    assert change.citations_added == (
        ("alpha", "Officials said 27 European states took part in the talks"),
    )
    assert change.citations_removed == (("alpha", "Officials said 27 European states took part"),)


def test_a_deleted_id_without_tombstone_fails_naming_it(published: Path) -> None:
    edit(published, "content/facts/russia.yaml", AXIS, "")
    done = run_cli(published, "check", "--since", "published")
    assert done.returncode == 1
    assert (
        "error: the fact `axis-of-war` was published at published and is gone: "
        "its URL would die" in done.stderr
    )
    assert "list it in content/withdrawn.yaml" in done.stderr
    (published / "content/withdrawn.yaml").write_text(
        "- id: axis-of-war\n  kind: fact\n  date: 2026-01-09\n"
        "  reason: The quote could not be confirmed.\n"
        "  title: A spokeswoman called the coalition an 'axis of war'.\n",
        encoding="utf-8",
    )
    done = run_cli(published, "check", "--since", "published")
    assert done.returncode == 0, done.stderr
    changes = changes_since(published, "published")
    assert [(w.kind, w.id) for w in changes.withdrawn] == [("fact", "axis-of-war")]


def test_a_renamed_id_passes_with_its_alias_and_keeps_its_history(published: Path) -> None:
    edit(
        published,
        PARIS,
        "- id: declaration-signed\n",
        "- id: paris-declaration-signed\n  aliases: [declaration-signed]\n",
    )
    page = published / "content/pages/index.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("declaration-signed", "paris-declaration-signed"),
        encoding="utf-8",
    )
    done = run_cli(published, "check", "--since", "published")
    assert done.returncode == 0, done.stderr
    changes = changes_since(published, "published")
    assert changes.renamed == [("fact", "declaration-signed", "paris-declaration-signed")]
    assert not changes.added and not changes.lost
    change_claim(published)  # a renamed fact is still the published one: it needs a note
    assert run_cli(published, "check", "--since", "published").returncode == 1


def test_a_renamed_source_and_actor(published: Path) -> None:
    edit(
        published, "content/sources.yaml", "- id: beta\n", "- id: beta-digest\n  aliases: [beta]\n"
    )
    for rel in ("content/facts/paris.yaml", "content/facts/russia.yaml"):
        text = (published / rel).read_text(encoding="utf-8")
        (published / rel).write_text(
            text.replace("source: beta\n", "source: beta-digest\n"), encoding="utf-8"
        )
    for rel in ("content/actors.yaml", "content/facts/russia.yaml"):
        text = (published / rel).read_text(encoding="utf-8")
        (published / rel).write_text(text.replace("zakharova", "maria-zakharova"), encoding="utf-8")
    edit(
        published,
        "content/actors.yaml",
        "- id: maria-zakharova\n",
        "- id: maria-zakharova\n  former_ids: [zakharova]\n",
    )
    done = run_cli(published, "check", "--since", "published")
    assert done.returncode == 1  # the citations and actors changed: a correction is due
    assert (
        "`legitimate-targets` was published at published and its actors, citations "
        "changed since" in done.stderr
    )
    assert "is gone" not in done.stderr
    assert changes_since(published, "published").renamed == [
        ("actor", "zakharova", "maria-zakharova"),
        ("source", "beta", "beta-digest"),
    ]


def test_withdrawn_and_old_ids_cannot_clash_with_live_ones(published: Path) -> None:
    (published / "content/withdrawn.yaml").write_text(
        "- id: declaration-signed\n  kind: fact\n  date: 2026-01-09\n  reason: Retracted.\n",
        encoding="utf-8",
    )
    edit(
        published,
        PARIS,
        "- id: uk-france-lead-force\n",
        "- id: uk-france-lead-force\n  aliases: [twenty-seven-states]\n",
    )
    done = run_cli(published, "check")
    assert done.returncode == 1
    assert (
        "content/withdrawn.yaml:1: error [declaration-signed.id]: the fact "
        "`declaration-signed` is listed as withdrawn but is still published" in done.stderr
    )
    assert "the old fact id `twenty-seven-states` is still a live id" in done.stderr


def test_a_bad_revision_is_a_usage_error(published: Path) -> None:
    done = run_cli(published, "check", "--since", "no-such-tag")
    assert done.returncode == 2
    assert "`no-such-tag` names no commit of this repository" in done.stderr
