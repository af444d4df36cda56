"""Shared helpers for tests: copy a fixture tree, edit a file in it, run the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from builder.search import BUNDLE_DIR
from builder.write import digest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent


def copy_fixture(tmp_path: Path, name: str = "mini") -> Path:
    """A private copy of a fixture project, with the repository's templates when it has none."""
    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root)
    if not (root / "templates").exists() and (REPO / "templates").exists():
        shutil.copytree(REPO / "templates", root / "templates")
    return root


def edit(root: Path, rel: str, old: str, new: str) -> None:
    """Replace `old` (which must occur) by `new` in a project file."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run_cli(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m builder` for real, as an editor would (with `env` added to the
    environment)."""
    env = {**os.environ, **(env or {}), "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "builder", "--root", str(root), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def git(root: Path, *args: str, date: str = "2026-01-08T12:00:00+00:00") -> str:
    """Run git in a test's repository, with fixed names and dates (`date` sets both the author
    and committer date, so history-based output is the same on every run)."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Editor",
        "GIT_AUTHOR_EMAIL": "editor@example.org",
        "GIT_COMMITTER_NAME": "Editor",
        "GIT_COMMITTER_EMAIL": "editor@example.org",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout


def git_repo(tmp_path: Path, name: str = "mini") -> Path:
    """A copy of a fixture project made a git repository with one commit of everything."""
    root = copy_fixture(tmp_path, name)
    git(root, "init", "--quiet", "--initial-branch=main")
    commit(root, "first publication", date="2026-01-08T12:00:00+00:00")
    return root


def commit(root: Path, message: str, date: str = "2026-01-09T12:00:00+00:00") -> str:
    """Commit every change in the test repository; return the new commit's id."""
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--allow-empty", "-m", message, date=date)
    return git(root, "rev-parse", "HEAD").strip()


AXIS = """- id: axis-of-war
  claim: A spokeswoman called the coalition an 'axis of war'.
  topic: russian-responses
  date: 2026-01-08
  actors: [zakharova]
  citations:
    - source: beta
      quote: "called the coalition an 'axis of war'"
"""
"""The mini fixture's last fact, as written in content/facts/russia.yaml: nothing refers
to it, so tests delete, withdraw or copy it."""


def output_digests(out: Path) -> dict[str, str]:
    """Digest of every file a build wrote into `out` (the search bundle is the indexer's)."""
    found: dict[str, str] = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if path.is_file() and not rel.startswith(BUNDLE_DIR + "/"):
            found[rel] = digest(path.read_bytes())
    return found


EVENTS = """main_event: january
events:
  - id: january
    label: January 2026 declaration
    description: The Paris declaration and what followed.
  - id: earlier
    label: Earlier Paris summit
    description: An earlier summit; its reports state no date.
issues:"""


def with_events(tmp_path: Path) -> Path:
    """The mini briefing with two events: source alpha covers January (the main event), beta
    the earlier summit; the beta-only fact dated 8 January is left undated, so it passes."""
    root = copy_fixture(tmp_path)
    edit(root, "content/site.yaml", "issues:", EVENTS)
    edit(
        root,
        "content/sources.yaml",
        "  file: seeds/alpha.txt\n",
        "  file: seeds/alpha.txt\n  covers: [january]\n",
    )
    edit(
        root,
        "content/sources.yaml",
        "  file: seeds/beta.txt",
        "  file: seeds/beta.txt\n  covers: [earlier]",
    )
    edit(
        root,
        "content/facts/russia.yaml",
        "  topic: russian-responses\n  date: 2026-01-08\n  actors: [zakharova]",
        "  topic: russian-responses\n  actors: [zakharova]",
    )
    return root
