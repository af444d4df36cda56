"""Each fact's history from the repository: the day it was first published and the day it
last changed, never the wall clock, so a build of one commit is the same on any day.

Goes in: a project root at the top of a git work tree and the briefing's facts. Comes out:
a `FactHistory` per fact that HEAD's history holds (a fact not committed yet has none; a
project inside a larger repository, such as a test fixture, has no history). A fact
renamed with `aliases` keeps the history of its old id.

Every version of every fact file is read once: what each version holds (each fact's
compared fields, as a digest, and its old ids) is kept by blob id in the repository's own
git folder, so later builds only read the versions committed since. The cache holds what
the blobs say, nothing else: the result is the same with it or without it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from builder.model import Fact, FactHistory
from builder.snapshots import COMPARED, FACTS_DIR, snapshot_from
from builder.values import parse_date

CACHE_NAME = "briefing-fact-versions.json"
CACHE_FORMAT = 1
Version = dict[str, tuple[str, tuple[str, ...]]]
"""What one version of a fact file holds: fact id -> (digest of its compared fields, its
old ids)."""
DELETED = "0" * 40


def fact_history(root: Path, facts: Iterable[Fact]) -> dict[str, FactHistory]:
    """First-published and last-changed dates of each fact, by id (empty without git)."""
    from builder import gitrepo

    try:
        cache_file = gitrepo.own_file(root, CACHE_NAME)
        if cache_file is None:
            return {}
        commits = gitrepo.changes_by_commit(root, FACTS_DIR)
        versions = _load(cache_file)
        wanted = {
            blob
            for _, files in commits
            for path, blob in files
            if path.endswith(".yaml") and blob != DELETED and blob not in versions
        }
        fresh = {
            blob: _version(data) for blob, data in gitrepo.read_blobs(root, sorted(wanted)).items()
        }
    except gitrepo.GitError:
        return {}
    if fresh:
        versions.update(fresh)
        _save(cache_file, versions)
    first: dict[str, str] = {}
    last: dict[str, str] = {}
    seen: dict[str, str] = {}
    in_file: dict[str, Version] = {}
    for commit, files in commits:
        for path, blob in files:
            in_file[path] = versions.get(blob, {})
        for version in in_file.values():
            for fid, (shape, aliases) in version.items():
                _note(fid, shape, aliases, commit.date, first, last, seen)
    found: dict[str, FactHistory] = {}
    for fact in facts:
        known = fact.id if fact.id in first else next((a for a in fact.aliases if a in first), None)
        if known is None:
            continue
        published, changed = parse_date(first[known]), parse_date(last[known])
        if published is not None and changed is not None:
            found[fact.id] = FactHistory(published, changed)
    return found


def _version(data: bytes) -> Version:
    """What a version of a fact file holds, as the history compares it."""
    facts = snapshot_from({f"{FACTS_DIR}/version.yaml": data}).facts
    return {
        fid: (
            hashlib.blake2b(
                repr(tuple(getattr(r, n) for n in COMPARED)).encode(), digest_size=12
            ).hexdigest(),
            r.aliases,
        )
        for fid, r in facts.items()
    }


def _note(
    fid: str,
    shape: str,
    aliases: tuple[str, ...],
    date: str,
    first: dict[str, str],
    last: dict[str, str],
    seen: dict[str, str],
) -> None:
    """Record a fact as a commit left it: new, changed, or as it was."""
    if fid not in first:
        old = next((a for a in aliases if a in first), None)
        first[fid] = first[old] if old is not None else date
        if old is not None:
            last[fid], seen[fid] = last[old], seen[old]
    if seen.get(fid) != shape:
        if fid in seen or fid not in last:
            last[fid] = date
        seen[fid] = shape


def _load(path: Path | None) -> dict[str, Version]:
    """The versions read by earlier builds (nothing when the cache is missing or unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path is not None else {}
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
        return {}
    return {
        blob: {fid: (str(v[0]), tuple(v[1])) for fid, v in facts.items()}
        for blob, facts in data.get("versions", {}).items()
    }


def _save(path: Path | None, versions: dict[str, Version]) -> None:
    """Keep the versions for the next build, atomically; a read-only repository is fine."""
    if path is None:
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        tmp.write_text(
            json.dumps({"format": CACHE_FORMAT, "versions": versions}, sort_keys=True),
            encoding="utf-8",
        )
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
