"""Each fact's history from the repository: the day it was first published and the day it
last changed, never the wall clock, so a build of one commit is the same on any day.

Goes in: a project root at the top of a git work tree and the briefing's facts. Comes out:
a `FactHistory` per fact that HEAD's history holds (a fact not committed yet has none; a
project inside a larger repository, such as a test fixture, has no history).
A fact renamed with `aliases` keeps the history of its old id.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from builder.model import Fact, FactHistory
from builder.snapshots import COMPARED, FACTS_DIR, FactRecord, snapshot_from
from builder.validate import parse_date


def fact_history(root: Path, facts: Iterable[Fact]) -> dict[str, FactHistory]:
    """First-published and last-changed dates of each fact, by id (empty without git)."""
    from builder import gitrepo

    try:
        if not gitrepo.is_top_level(root):
            return {}
        commits = gitrepo.changes_by_commit(root, FACTS_DIR)
        blobs = gitrepo.read_files(root, ((c.id, path) for c, paths in commits
                                          for path in paths if path.endswith(".yaml")))
    except gitrepo.GitError:
        return {}
    first: dict[str, str] = {}
    last: dict[str, str] = {}
    seen: dict[str, tuple[object, ...]] = {}
    in_file: dict[str, dict[str, FactRecord]] = {}
    for commit, paths in commits:
        for path in paths:
            data = blobs.get((commit.id, path))
            in_file[path] = snapshot_from({path: data}).facts if data is not None else {}
        for records in in_file.values():
            for record in records.values():
                _note(record, commit.date, first, last, seen)
    found: dict[str, FactHistory] = {}
    for fact in facts:
        known = fact.id if fact.id in first else next(
            (a for a in fact.aliases if a in first), None)
        if known is None:
            continue
        published, changed = parse_date(first[known]), parse_date(last[known])
        if published is not None and changed is not None:
            found[fact.id] = FactHistory(published, changed)
    return found


def _note(record: FactRecord, date: str, first: dict[str, str], last: dict[str, str],
          seen: dict[str, tuple[object, ...]]) -> None:
    """Record a fact as a commit left it: new, changed, or as it was."""
    shape = tuple(getattr(record, name) for name in COMPARED)
    fid = record.id
    if fid not in first:
        old = next((a for a in record.aliases if a in first), None)
        first[fid] = first[old] if old is not None else date
        if old is not None:
            last[fid], seen[fid] = last[old], seen[old]
    if seen.get(fid) != shape:
        if fid in seen or fid not in last:
            last[fid] = date
        seen[fid] = shape
