"""`content/withdrawn.yaml` -> `Withdrawn` ids; old ids that redirect to exactly one successor."""

from __future__ import annotations

from builder.errors import Problem
from builder.fields import Reader
from builder.load import RawFile
from builder.model import Withdrawn
from builder.records import State, define, list_of_records

WITHDRAWN_FIELDS = ("id", "kind", "date", "reason", "title")
RETIRABLE = ("fact", "actor", "source")


def check_withdrawn(raw: RawFile, state: State) -> list[Withdrawn]:
    """`content/withdrawn.yaml`: published ids taken down, each with date and reason."""
    r = Reader(raw.path, state.problems)
    found: list[Withdrawn] = []
    for i, node in list_of_records(raw, state, "withdrawn ids"):
        wid = r.ident(node, "id", f"[{i}].")
        p = f"{wid}." if wid else f"[{i}]."
        r.fields(node, WITHDRAWN_FIELDS, p)
        kind = r.text(node, "kind", p, what="`fact`, `actor` or `source`")
        if kind is not None and kind not in RETIRABLE:
            r.problem(
                node.entries["kind"].value,
                f"{p}kind",
                f"`{kind}` is not a kind of id that can be withdrawn",
                hint="write `fact`, `actor` or `source`",
            )
            kind = None
        when = r.date(node, "date", p, required=True)
        reason = r.text(node, "reason", p, what="why it was withdrawn, in a sentence")
        title = r.text(node, "title", p, required=False) or ""
        if (
            wid
            and kind
            and when is not None
            and reason is not None
            and define(state, f"withdrawn {kind}", wid, r.file, node.line, node.column)
        ):
            found.append(Withdrawn(kind, wid, when, reason, title))
    return sorted(found, key=lambda w: (w.kind, w.id))


def check_retired(state: State, withdrawn: list[Withdrawn], raw: RawFile | None) -> None:
    """A withdrawn id is no live id, and an old id (`aliases`, `former_ids`) points to one
    successor that is neither live nor withdrawn."""
    live: dict[str, set[str]] = {
        "fact": set(state.facts),
        "actor": set(state.actors),
        "source": set(state.sources),
    }
    for w in withdrawn:
        if w.id in live[w.kind]:
            line, column = state.places.get((f"withdrawn {w.kind}", w.id), ("", 0))[1], 0
            state.problems.append(
                Problem(
                    raw.path if raw else "",
                    line,
                    column,
                    f"{w.id}.id",
                    f"the {w.kind} `{w.id}` is listed as withdrawn but is still published",
                    hint=f"remove it from {raw.path if raw else 'withdrawn.yaml'}, or the "
                    f"{w.kind} itself",
                )
            )
    gone = {(w.kind, w.id) for w in withdrawn}
    claimed: dict[tuple[str, str], str] = {}
    olds = [("fact", f.id, f.aliases) for f in state.facts.values()]
    olds += [("actor", a.id, a.former_ids) for a in state.actors.values()]
    olds += [("source", s.id, s.aliases) for s in state.sources.values()]
    for kind, new, old_ids in olds:
        for old in old_ids:
            clash = (
                "is still a live id"
                if old in live[kind]
                else "is listed as withdrawn"
                if (kind, old) in gone
                else f"is an old id of `{claimed[(kind, old)]}` too"
                if (kind, old) in claimed
                else ""
            )
            claimed.setdefault((kind, old), new)
            if clash:
                file, line = state.places.get((kind, new), ("", 0))
                state.problems.append(
                    Problem(
                        file,
                        line,
                        0,
                        f"{new}.{'former_ids' if kind == 'actor' else 'aliases'}",
                        f"the old {kind} id `{old}` {clash}",
                        hint="an old id redirects to exactly one successor: remove it here or "
                        "there",
                    )
                )
