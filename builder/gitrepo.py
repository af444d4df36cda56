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


class GitError(Exception):
    """Git is missing, the folder is no repository, or a revision does not exist."""


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
        done = subprocess.run(
            ["git", "-C", str(root), *args], input=stdin, capture_output=True, check=False
        )
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


def resolve(root: Path, revision: str) -> str:
    """The commit id `revision` names, or a `GitError` saying it names none."""
    if revision.startswith("-"):
        raise GitError(f"`{revision}` is not a revision")
    try:
        return (
            _git(root, ["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"])
            .decode()
            .strip()
        )
    except GitError:
        raise GitError(f"`{revision}` names no commit of this repository") from None


def list_files(root: Path, revision: str, folder: str) -> list[str]:
    """Project paths of the files under `folder` at `revision` (empty if it had none)."""
    out = (
        _git(root, ["ls-tree", "-r", "--name-only", "-z", f"{revision}:./{folder}"])
        if _exists(root, revision, folder)
        else b""
    )
    return sorted(f"{folder.rstrip('/')}/{name}" for name in out.decode().split("\0") if name)


def _exists(root: Path, revision: str, path: str) -> bool:
    try:
        _git(root, ["cat-file", "-e", f"{revision}:./{path}"])
    except GitError:
        return False
    return True


def read_files(root: Path, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], bytes]:
    """The bytes of each `(revision, path)` that exists (a bare object id when the path is
    empty), in one `git cat-file` run."""
    wanted = list(dict.fromkeys(pairs))
    if not wanted:
        return {}
    request = "".join(f"{rev}:./{path}\n" if path else f"{rev}\n" for rev, path in wanted).encode()
    out = _git(root, ["cat-file", "--batch"], stdin=request)
    found: dict[tuple[str, str], bytes] = {}
    at = 0
    for key in wanted:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            found[key] = out[at : at + size]
            at += size + 1
    return found


def commits(
    root: Path, paths: Sequence[str], revision: str = "HEAD", limit: int | None = None
) -> list[Commit]:
    """The commits reachable from `revision` that changed any of `paths`, newest first."""
    args = ["log", "--format=%H %cs", "--no-renames"]
    if limit is not None:
        args.append(f"--max-count={limit}")
    out = _git(root, [*args, revision, "--", *paths])
    return [Commit(*line.split(" ", 1)) for line in out.decode().splitlines() if line]


def changes_by_commit(root: Path, folder: str) -> list[tuple[Commit, list[tuple[str, str]]]]:
    """Every commit of HEAD's history that changed files under `folder`, oldest first, with
    `(project path, blob id)` of each file it changed there (the blob id is all zeros for a
    file it deleted)."""
    out = _git(
        root,
        [
            "log",
            "--reverse",
            "--format=%x00%H %cs",
            "--raw",
            "--no-abbrev",
            "--no-renames",
            "--relative",
            "HEAD",
            "--",
            folder,
        ],
    )
    found: list[tuple[Commit, list[tuple[str, str]]]] = []
    for chunk in out.decode().split("\0")[1:]:
        head, *rows = chunk.strip("\n").split("\n")
        files = []
        for row in rows:  # `:100644 100644 <old blob> <new blob> M\t<path>`
            meta, _, path = row.partition("\t")
            parts = meta.split()
            if row.startswith(":") and len(parts) >= 5 and path:
                files.append((path, parts[3]))
        found.append((Commit(*head.split(" ", 1)), files))
    return found


def own_file(root: Path, name: str) -> Path | None:
    """Where a file of this name belongs in the repository's own git folder (for a cache no
    commit holds), when `root` is the top folder of a work tree with a commit (one git
    run); None otherwise, e.g. for a project in a folder of a larger repository."""
    try:
        out = (
            _git(root, ["rev-parse", "--show-prefix", "--git-path", name, "--verify", "HEAD"])
            .decode()
            .split("\n")
        )
    except GitError:
        return None
    if len(out) < 3 or out[0].strip():
        return None
    path = Path(out[1])
    return path if path.is_absolute() else root / path


def read_blobs(root: Path, blobs: Iterable[str]) -> dict[str, bytes]:
    """The bytes of each blob id, in one `git cat-file` run."""
    found = read_files(root, ((blob, "") for blob in blobs))
    return {blob: data for (blob, _), data in found.items()}
