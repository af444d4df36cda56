"""What a change does to the published briefing: facts added, changed (with or without a
correction), renamed and withdrawn since a base revision, and ids whose URL would die.

Goes in: two `Snapshot`s, the published one (`base`) and the new one. Comes out: a
`ChangeSet`, and for `check --since` the problems of a change that rewrites silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from builder.errors import Problem
from builder.load import WITHDRAWN
from builder.snapshots import KINDS, FactRecord, Retired, Snapshot


@dataclass(frozen=True, slots=True)
class FactChange:
    """A published fact whose claim, date, actors, status or citations changed."""

    old: FactRecord
    new: FactRecord
    fields: tuple[str, ...]
    """Which of them changed, in `snapshots.COMPARED` order."""
    corrected: bool
    """A correction was added since the base (or the edit is marked `minor`)."""

    @property
    def citations_added(self) -> tuple[tuple[str, str], ...]:
        return tuple(c for c in self.new.citations if c not in self.old.citations)

    @property
    def citations_removed(self) -> tuple[tuple[str, str], ...]:
        return tuple(c for c in self.old.citations if c not in self.new.citations)

    @property
    def new_corrections(self) -> tuple[tuple[str, str, str], ...]:
        return tuple(c for c in self.new.corrections if c not in self.old.corrections)


@dataclass
class ChangeSet:
    added: list[FactRecord] = field(default_factory=list)
    changed: list[FactChange] = field(default_factory=list)
    withdrawn: list[Retired] = field(default_factory=list)
    """Ids withdrawn since the base (facts, actors and sources)."""
    renamed: list[tuple[str, str, str]] = field(default_factory=list)
    """`(kind, old id, new id)` of ids renamed since the base."""
    lost: list[tuple[str, str]] = field(default_factory=list)
    """`(kind, id)` published at the base and now neither live, withdrawn nor renamed."""

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.withdrawn or self.renamed or self.lost)


def compare(base: Snapshot, new: Snapshot) -> ChangeSet:
    """Everything the new snapshot changes in what `base` published, each list sorted."""
    changes = ChangeSet()
    old_ids = set(base.facts)
    for fid in sorted(new.facts):
        fact = new.facts[fid]
        before = base.facts.get(fid) or next(
            (base.facts[a] for a in fact.aliases if a in base.facts and a not in new.facts), None
        )
        if before is None:
            changes.added.append(fact)
            continue
        old_ids.discard(before.id)
        fields = before.changed_fields(fact)
        if fields:
            fixed = any(c not in before.corrections for c in fact.corrections) or fact.minor
            changes.changed.append(FactChange(before, fact, fields, fixed))
    for key in sorted(set(new.withdrawn) - set(base.withdrawn)):
        changes.withdrawn.append(new.withdrawn[key])
    changes.renamed = sorted(
        (kind, old, target)
        for (kind, old), target in new.aliases.items()
        if (kind, old) not in base.aliases
    )
    for kind in KINDS:
        gone = base.published(kind) - new.published(kind)
        changes.lost.extend((kind, ident) for ident in sorted(gone))
    return changes


def since_problems(changes: ChangeSet, revision: str) -> list[Problem]:
    """A problem for each published fact changed without a correction, and each published
    id whose URL would die."""
    problems: list[Problem] = []
    for change in changes.changed:
        if change.corrected:
            continue
        new = change.new
        problems.append(
            Problem(
                new.file,
                new.line,
                0,
                f"{new.id}.corrections",
                f"the fact `{new.id}` was published at {revision} and its "
                f"{', '.join(change.fields)} changed since, with no correction",
                hint="add `corrections: [{date: YYYY-MM-DD, what: ..., why: ...}]` saying what "
                "changed and why, or `minor: true` for a typo-level edit",
            )
        )
    for kind, ident in changes.lost:
        key = "former_ids" if kind == "actor" else "aliases"
        problems.append(
            Problem(
                WITHDRAWN,
                0,
                0,
                "",
                f"the {kind} `{ident}` was published at {revision} and is gone: its URL would die",
                hint=f"list it in {WITHDRAWN} (`- id: {ident}`, `kind: {kind}`, `date:`, "
                f"`reason:`), or add `{key}: [{ident}]` to the {kind} that replaces it",
            )
        )
    return problems


def changes_since(root: Path, revision: str) -> ChangeSet:
    """The work tree compared with `revision` (a `GitError` when git cannot tell)."""
    from builder.snapshots import snapshot_at, snapshot_of_tree

    return compare(snapshot_at(root, revision), snapshot_of_tree(root))


def review_markdown(changes: ChangeSet, base: str) -> str:
    """The review as GitHub-flavoured markdown for the job summary: the same lists as the
    `/changes/` page, claims old and new side by side."""

    def cell(text: str) -> str:
        return " ".join(text.split()).replace("|", "\\|")

    lines = [
        f"## briefing: changes since `{base}`",
        "",
        f"{len(changes.added)} added, {len(changes.changed)} changed, "
        f"{len(changes.withdrawn)} withdrawn, {len(changes.renamed)} renamed.",
        "",
    ]
    if changes.lost:
        lines += [
            "**Addresses that would die:** "
            + ", ".join(f"{kind} `{ident}`" for kind, ident in changes.lost),
            "",
        ]
    if changes.added:
        lines += ["### Added", ""] + [f"- `{f.id}`: {cell(f.claim)}" for f in changes.added]
        lines.append("")
    if changes.changed:
        lines += [
            "### Changed",
            "",
            "| fact | changed | before | after | correction |",
            "|---|---|---|---|---|",
        ]
        for c in changes.changed:
            note = "; ".join(f"{d}: {what}" for d, what, _ in c.new_corrections) or (
                "minor" if c.new.minor else "**none**"
            )
            lines.append(
                f"| `{c.new.id}` | {', '.join(c.fields)} | {cell(c.old.claim)} | "
                f"{cell(c.new.claim)} | {cell(note)} |"
            )
        lines.append("")
    if changes.withdrawn:
        lines += ["### Withdrawn", ""] + [
            f"- {w.kind} `{w.id}` ({w.date}): {cell(w.reason)}" for w in changes.withdrawn
        ]
        lines.append("")
    if changes.renamed:
        lines += ["### Renamed", ""] + [
            f"- {kind} `{old}` → `{new}`" for kind, old, new in changes.renamed
        ]
        lines.append("")
    return "\n".join(lines) + "\n"
