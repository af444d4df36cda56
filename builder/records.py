"""What checking collects across files: problems, each id defined and where, references
to check once every id is known; a file's top-level list of records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from builder.errors import Problem
from builder.fields import Reader, Ref
from builder.load import Mapping, RawFile, Sequence
from builder.model import Actor, Fact, Source
from builder.quotes import SourceIndex


@dataclass
class State:
    """Everything collected while validating, before cross-references are checked."""

    problems: list[Problem] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    indexes: dict[str, SourceIndex] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    facts: dict[str, Fact] = field(default_factory=dict)
    places: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    """(kind, id) -> (file, line) of the first definition, for duplicate-id messages."""


def define(state: State, kind: str, ident: str, file: str, line: int, column: int) -> bool:
    """Register an id; a duplicate gets a problem naming the first definition."""
    key = (kind, ident)
    first = state.places.get(key)
    if first is not None:
        state.problems.append(
            Problem(
                file,
                line,
                column,
                "id",
                f"duplicate {kind} id `{ident}` (first defined at {first[0]}:{first[1]})",
                hint="ids must be unique across all files: rename one of them",
            )
        )
        return False
    state.places[key] = (file, line)
    return True


def list_of_records(raw: RawFile, state: State, what: str) -> list[tuple[int, Mapping]]:
    """The numbered mappings of a file that must be a list of records (`what`, plural)."""
    r = Reader(raw.path, state.problems)
    if r.missing(
        raw.node,
        f"the file is empty; expected a list of {what}",
        hint=f"add {what} as `- id: ...` entries (see the README's content format)",
    ):
        return []
    if not isinstance(raw.node, Sequence):
        r.problem(
            raw.node,
            "",
            f"expected a list of {what} at the top level",
            hint="start each entry with `- ` at the beginning of the line",
        )
        return []
    out = []
    for i, item in enumerate(raw.node.items):
        node = r.mapping(item, f"[{i + 1}]", f"a {what[:-1]} entry")
        if node is not None:
            out.append((i + 1, node))
    return out
