"""`content/actors.yaml` -> `Actor`s with their positions; countries that are countries."""

from __future__ import annotations

from builder.errors import Problem
from builder.fields import Reader, Ref
from builder.load import RawFile, Scalar
from builder.model import Actor, ActorKind, Position, Stance
from builder.records import State, define, list_of_records

ACTOR_FIELDS = ("id", "name", "kind", "aliases", "role", "country", "positions", "former_ids")
POSITION_FIELDS = ("stance", "facts", "note")


def check_actors(raw: RawFile, state: State) -> None:
    """Each valid actor into `state.actors`, with positions backed by facts."""
    r = Reader(raw.path, state.problems)
    for i, node in list_of_records(raw, state, "actors"):
        aid = r.ident(node, "id", f"[{i}].")
        p = f"{aid}." if aid else f"[{i}]."
        defined = bool(aid) and define(state, "actor", aid or "", r.file, node.line, node.column)
        r.fields(node, ACTOR_FIELDS, p)
        name = r.text(node, "name", p)
        kind = r.choice(node, "kind", p, ActorKind)
        country = r.ref(node, "country", p, "actor", state.refs, required=False)
        positions: list[Position] = []
        pos_entry = node.entries.get("positions")
        if pos_entry is not None and not (
            isinstance(pos_entry.value, Scalar) and pos_entry.value.value is None
        ):
            pos_node = r.mapping(pos_entry.value, f"{p}positions", "positions by issue")
            for issue, entry in pos_node.entries.items() if pos_node else ():
                pp = f"{p}positions.{issue}."
                state.refs.append(
                    Ref("issue", issue, r.file, entry.line, entry.column, f"{p}positions.{issue}")
                )
                cell = r.mapping(entry.value, pp.rstrip("."), "a position (stance + facts)")
                if cell is None:
                    continue
                r.fields(cell, POSITION_FIELDS, pp)
                stance = r.choice(cell, "stance", pp, Stance)
                facts = r.ids(cell, "facts", pp, "fact", state.refs)
                if "facts" not in cell.entries or not facts:
                    r.problem(
                        cell,
                        f"{pp}facts",
                        "a position needs at least one supporting fact",
                        hint="add `facts: [fact-id]` naming the facts behind this stance",
                    )
                if stance is not None and facts:
                    positions.append(
                        Position(
                            issue, stance, facts, r.text(cell, "note", pp, required=False) or ""
                        )
                    )
        if aid and name is not None and kind and defined:
            state.actors[aid] = Actor(
                id=aid,
                name=name,
                kind=kind,
                aliases=r.strings(node, "aliases", p),
                role=r.text(node, "role", p, required=False) or "",
                country=country,
                positions=tuple(positions),
                former_ids=r.ids(node, "former_ids", p, "actor", []),
            )


def check_countries(file: str, state: State) -> None:
    """An actor's `country` must name an actor of kind `country`."""
    where: dict[str, Ref] = {}
    for actor in state.actors.values():
        target = state.actors.get(actor.country or "")
        if target is not None and target.kind is not ActorKind.COUNTRY:
            if not where:  # one pass over the references, made only when one is wrong
                where = {ref.field: ref for ref in state.refs if ref.field.endswith(".country")}
            ref = where[f"{actor.id}.country"]
            state.problems.append(
                Problem(
                    file,
                    ref.line,
                    ref.column,
                    ref.field,
                    f"`country: {target.id}` names "
                    f"a{'n' if target.kind.value[0] in 'aeiou' else ''} "
                    f"{target.kind.value}, not a country",
                    hint="name the actor of kind `country` this one belongs to, or leave it out",
                )
            )
