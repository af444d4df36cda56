"""References to ids, checked once every file is read: unknown ids with a did-you-mean."""

from __future__ import annotations

import difflib

from builder.errors import Problem
from builder.model import Page, Site
from builder.records import State

BUILTIN_PAGES = frozenset(("timeline", "disputes", "sources", "actors", "search", "how-to-read"))


def check_refs(state: State, site: Site | None, pages: list[Page]) -> None:
    """Every reference in `state.refs` to an id nothing defines becomes a problem."""
    ids: dict[str, set[str]] = {
        "actor": set(state.actors),
        "fact": set(state.facts),
        "source": set(state.sources),
        "topic": {t.id for t in site.topics} if site else set(),
        "issue": {t.id for t in site.issues} if site else set(),
        "event": {e.id for e in site.events} if site else set(),
        "page": {p.slug for p in pages} | BUILTIN_PAGES,
    }
    where_defined = {
        "actor": "content/actors.yaml",
        "source": "content/sources.yaml",
        "topic": "`topics` in content/site.yaml",
        "issue": "`issues` in content/site.yaml",
        "fact": "content/facts/",
        "event": "`events` in content/site.yaml",
        "page": "content/pages/<slug>.md (or use a built-in page)",
    }
    renames = {("fact", old): f.id for f in state.facts.values() for old in f.aliases}
    renames.update({("actor", old): a.id for a in state.actors.values() for old in a.former_ids})
    renames.update({("source", old): s.id for s in state.sources.values() for old in s.aliases})
    for ref in state.refs:
        if ref.value in ids[ref.kind]:
            continue
        if (ref.kind, ref.value) in state.places:
            continue  # defined, but invalid: its own problem is reported already
        close = difflib.get_close_matches(ref.value, sorted(ids[ref.kind]), n=1, cutoff=0.6)
        hint = (
            f"did you mean `{close[0]}`?"
            if close
            else f"define it in {where_defined[ref.kind]} or fix the id"
        )
        renamed = renames.get((ref.kind, ref.value))
        if renamed is not None:
            hint = f"`{ref.value}` was renamed: write `{renamed}`"
        state.problems.append(
            Problem(
                ref.file,
                ref.line,
                ref.column,
                ref.field,
                f"unknown {ref.kind} `{ref.value}`",
                hint=hint,
            )
        )
