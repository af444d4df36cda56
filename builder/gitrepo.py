"""The project's git repository, read-only: files as they were at a revision, and the commits
that touched them.

Goes in: a project root (inside a git work tree) and revisions as git understands them
(`main`, `HEAD~3`, a commit id). Comes out: file bytes and commit dates, or a `GitError`
that says what went wrong. Nothing here writes to the repository. Paths are the project's
own (`content/facts/x.yaml`), even when the project is a folder of a larger repository.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from builder.records import quick_init


class GitError(Exception):
    """Git is missing, the folder is no repository, or a revision does not exist."""


@quick_init
@dataclass(frozen=True, slots=True)
class Commit:
    """One commit that touched the files asked about, newest first in `commits`."""

    id: str
    date: str
    """The committer date, `YYYY-MM-DD` (when the change landed, not when it was written)."""


def _git(root: Path, args: Sequence[str], stdin: bytes | None = None) -> bytes:
    if shutil.which("git") is None:
        raise GitError("git is not installed")
    try:
        done = subprocess.run(["git", "-C", str(root), *args], input=stdin,
                              capture_output=True, check=False)
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror}") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


def is_repository(root: Path) -> bool:
    """Whether `root` lies inside a git work tree with at least one commit."""
    try:
        _git(root, ["rev-parse", "--verify", "--quiet", "HEAD"])
    except GitError:
        return False
    return True


def is_top_level(root: Path) -> bool:
    """Whether `root` is the top folder of a git work tree with at least one commit (a
    project kept in a folder of a larger repository, such as a test fixture, is not)."""
    try:
        _git(root, ["rev-parse", "--verify", "--quiet", "HEAD"])
        prefix = _git(root, ["rev-parse", "--show-prefix"])
    except GitError:
        return False
    return not prefix.strip()


def resolve(root: Path, revision: str) -> str:
    """The commit id `revision` names, or a `GitError` saying it names none."""
    if revision.startswith("-"):
        raise GitError(f"`{revision}` is not a revision")
    try:
        return _git(root, ["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"]) \
            .decode().strip()
    except GitError:
        raise GitError(f"`{revision}` names no commit of this repository") from None


def list_files(root: Path, revision: str, folder: str) -> list[str]:
    """Project paths of the files under `folder` at `revision` (empty if it had none)."""
    out = _git(root, ["ls-tree", "-r", "--name-only", "-z", f"{revision}:./{folder}"]
               ) if _exists(root, revision, folder) else b""
    return sorted(f"{folder.rstrip('/')}/{name}" for name in out.decode().split("\0") if name)


def _exists(root: Path, revision: str, path: str) -> bool:
    try:
        _git(root, ["cat-file", "-e", f"{revision}:./{path}"])
    except GitError:
        return False
    return True


def read_files(root: Path, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], bytes]:
    """The bytes of each `(revision, path)` that exists, in one `git cat-file` run."""
    wanted = list(dict.fromkeys(pairs))
    if not wanted:
        return {}
    request = "".join(f"{rev}:./{path}\n" for rev, path in wanted).encode()
    out = _git(root, ["cat-file", "--batch"], stdin=request)
    found: dict[tuple[str, str], bytes] = {}
    at = 0
    for key in wanted:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            found[key] = out[at:at + size]
            at += size + 1
    return found


def commits(root: Path, paths: Sequence[str], revision: str = "HEAD",
            limit: int | None = None) -> list[Commit]:
    """The commits reachable from `revision` that changed any of `paths`, newest first."""
    args = ["log", "--format=%H %cs", "--no-renames"]
    if limit is not None:
        args.append(f"--max-count={limit}")
    out = _git(root, [*args, revision, "--", *paths])
    return [Commit(*line.split(" ", 1)) for line in out.decode().splitlines() if line]


def changes_by_commit(root: Path, folder: str) -> list[tuple[Commit, list[str]]]:
    """Every commit of HEAD's history that changed files under `folder`, oldest first, with
    the project paths it changed there."""
    out = _git(root, ["log", "--reverse", "--format=%x00%H %cs", "--name-only",
                      "--no-renames", "--relative", "HEAD", "--", folder])
    found: list[tuple[Commit, list[str]]] = []
    for chunk in out.decode().split("\0")[1:]:
        head, *names = chunk.strip("\n").split("\n")
        found.append((Commit(*head.split(" ", 1)), [n for n in names if n]))
    return found
