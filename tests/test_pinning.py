"""Pinned sources: a changed archived file fails the build with both digests and the fate of
every citing quote; `sources pin` re-pins after a deliberate re-archive, and refuses while a
quote would be lost; `sources verify` checks every digest. On real git repositories."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.helpers import commit, edit, git_repo, run_cli

ALPHA = "seeds/alpha.txt"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def pinned(tmp_path: Path) -> Path:
    """The mini project in git, every source pinned and the pins committed."""
    root = git_repo(tmp_path)
    done = run_cli(root, "sources", "pin")
    assert done.returncode == 0, done.stderr
    commit(root, "pin the sources")
    return root


def test_pin_records_the_digest_of_every_source_below_its_file(pinned: Path) -> None:
    text = (pinned / "content/sources.yaml").read_text(encoding="utf-8")
    assert f"  file: seeds/alpha.txt\n  sha256: {sha(pinned / ALPHA)}\n" in text
    assert f"  file: seeds/beta.txt\n  sha256: {sha(pinned / 'seeds/beta.txt')}\n" in text
    done = run_cli(pinned, "sources", "verify")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("ok ") == 2


def test_one_changed_byte_fails_the_build_with_both_digests_and_the_citing_facts(
    pinned: Path,
) -> None:
    expected = sha(pinned / ALPHA)
    data = bytearray((pinned / ALPHA).read_bytes())
    data[data.index(b"talks")] = ord("T")  # "Talks": outside every quote
    (pinned / ALPHA).write_bytes(bytes(data))
    actual = sha(pinned / ALPHA)

    done = run_cli(pinned, "build", "--no-search")
    assert done.returncode == 1
    assert not (pinned / "site").exists()
    err = done.stderr
    assert (
        f"content/sources.yaml:7:11: error [alpha.sha256]: {ALPHA} does not match its "
        f"pin: expected sha256 {expected}, actual {actual}" in err
    )
    for fact in (
        "declaration-signed [1]",
        "uk-france-lead-force [1]",
        "twenty-seven-states [1]",
        "legitimate-targets [2]",
    ):
        assert f"unchanged  {fact}" in err
    assert "briefing sources pin alpha" in err

    verify = run_cli(pinned, "sources", "verify")
    assert verify.returncode == 1
    assert "CHANGED   alpha" in verify.stdout and actual in verify.stdout


def test_re_archiving_classifies_each_quote_and_refuses_while_one_is_missing(pinned: Path) -> None:
    old_pins = (pinned / "content/sources.yaml").read_text(encoding="utf-8")
    (pinned / ALPHA).write_text(
        "Leaders met in Paris on 6 January 2026 to sign a declaration of intent.\n"
        "An editor's note added in the re-archived copy.\n"
        "The United Kingdom and France agreed to lead a multinational force after a ceasefire.\n"
        "“We stand together,” the Prime Minister said — and the hardest yards are ahead.\n"
        "Officials said 27 European states took part in the talks.\n"
        "Officials said 27 European states took part in the talks, again.\n",
        encoding="utf-8",
    )
    done = run_cli(pinned, "sources", "pin", "alpha")
    assert done.returncode == 1
    out = done.stdout
    assert "unchanged  declaration-signed [1]  content/facts/paris.yaml:8  (line 1)" in out
    assert (
        "moved      uk-france-lead-force [1]  content/facts/paris.yaml:16  from line 2 "
        "to line 3" in out
    )
    assert (
        "ambiguous  twenty-seven-states [1]  content/facts/paris.yaml:24  now occurs 2 times" in out
    )
    assert "missing    legitimate-targets [2]  content/facts/russia.yaml:" in out
    assert "a suggestion only): " in out
    assert "We stand together,” the Prime Minister said — and the hardest yards" in out
    assert "nothing was pinned" in done.stderr
    assert (pinned / "content/sources.yaml").read_text(encoding="utf-8") == old_pins

    # The editor mends the copy: the side-by-side line is back, the duplicate gone.
    (pinned / ALPHA).write_text(
        "Leaders met in Paris on 6 January 2026 to sign a declaration of intent.\n"
        "An editor's note added in the re-archived copy.\n"
        "The United Kingdom and France agreed to lead a multinational force after a ceasefire.\n"
        "“We stand side by side,” the Prime Minister said — and the hardest yards are still "
        "ahead.\nOfficials said 27 European states took part in the talks.\n",
        encoding="utf-8",
    )
    done = run_cli(pinned, "sources", "pin", "alpha")
    assert done.returncode == 0, done.stderr
    assert "moved      twenty-seven-states [1]" in done.stdout
    assert f"sha256: {sha(pinned / ALPHA)}" in (pinned / "content/sources.yaml").read_text()
    assert run_cli(pinned, "check").returncode == 0


def test_a_malformed_digest_is_named_at_its_line(pinned: Path) -> None:
    edit(pinned, "content/sources.yaml", "sha256: ", "sha256: 12ab")
    done = run_cli(pinned, "check")
    assert done.returncode == 1
    assert "content/sources.yaml:7:11: error [alpha.sha256]: `12ab" in done.stderr
    assert "is not a SHA-256 digest" in done.stderr


def test_pin_names_an_unknown_source(pinned: Path) -> None:
    done = run_cli(pinned, "sources", "pin", "alhpa")
    assert done.returncode == 2
    assert "no source `alhpa`" in done.stderr and "did you mean `alpha`?" in done.stderr


def test_without_git_a_changed_file_still_fails_with_its_fates(
    tmp_path: Path, pinned: Path
) -> None:
    import shutil

    shutil.rmtree(pinned / ".git")
    edit(pinned, ALPHA, "Leaders met", "Leaders met")  # untouched quote
    edit(pinned, ALPHA, "talks.", "talks!")
    done = run_cli(pinned, "check")
    assert done.returncode == 1
    assert (
        "moved      declaration-signed [1]  content/facts/paris.yaml:8  from an unknown "
        "place to line 1" in done.stderr
    )


def test_verify_checks_a_copy_of_the_archive(pinned: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "mirror"
    shutil.copytree(pinned / "seeds", copy / "seeds")
    done = run_cli(pinned, "sources", "verify", "--archive", str(copy))
    assert done.returncode == 0, done.stderr
    (copy / ALPHA).write_bytes((copy / ALPHA).read_bytes() + b" ")
    done = run_cli(pinned, "sources", "verify", "--archive", str(copy))
    assert done.returncode == 1
    assert "CHANGED   alpha" in done.stdout and "ok        beta" in done.stdout
