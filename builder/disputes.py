"""Which facts are disputed: derived from `contradicts` links, never taken on trust.

Goes in: the checked facts, with the disputes each declares. Comes out: the facts with their
status settled (`disputed` exactly when a `contradicts` dispute links them to another fact,
declared on either side), and a problem for each `status: disputed` that no such link backs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from builder.errors import Problem
from builder.model import DisputeKind, Fact, Status


def contradicted(facts: Iterable[Fact]) -> set[str]:
    """Ids of the facts on either side of a `contradicts` dispute."""
    found: set[str] = set()
    for fact in facts:
        for d in fact.disputes:
            if d.kind is DisputeKind.CONTRADICTS:
                found.update((fact.id, d.fact))
    return found


def settle_statuses(facts: Iterable[Fact]) -> tuple[list[Fact], list[Problem]]:
    """Every fact with its status derived, and a problem (at the fact's first line) for
    each `status: disputed` that no `contradicts` dispute backs."""
    facts = list(facts)
    disputed = contradicted(facts)
    problems: list[Problem] = []
    out: list[Fact] = []
    for fact in facts:
        if fact.id in disputed:
            out.append(
                fact if fact.status is Status.DISPUTED else replace(fact, status=Status.DISPUTED)
            )
            continue
        if fact.status is Status.DISPUTED:
            problems.append(
                Problem(
                    fact.file,
                    fact.line,
                    0,
                    f"{fact.id}.status",
                    f"`{fact.id}` says `status: disputed`, but no `contradicts` dispute links it "
                    "to another fact",
                    hint="a fact is disputed only when sources assert incompatible things: add "
                    "`disputes: [{fact: <id>, kind: contradicts, note: ...}]` on either "
                    "side, or remove `status: disputed` (a `differs` or `inconsistent` "
                    "dispute is shown as a note, not as a dispute)",
                )
            )
            fact = replace(fact, status=Status.REPORTED)
        out.append(fact)
    return out, problems
