"""Fact files checked one by one against the sources, in worker processes when there is
much to check, and reused from the preview's cache when unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from builder.check_context import Context
from builder.check_facts import check_fact
from builder.errors import Problem
from builder.fields import Reader, Ref
from builder.libyaml import parse_yaml
from builder.load import ParseCache, RawFile, RawText
from builder.model import (
    Citation,
    Correction,
    Dispute,
    DisputeKind,
    Fact,
    Lint,
    LintWaiver,
    PartialDate,
    Status,
)
from builder.records import State, list_of_records

Spread = Callable[[Callable[[RawText], "FactFile"], list[RawText]], list["FactFile"]]
"""How fact files are shared out: `fork_map` (from `parallel`, a later stage) or a plain loop."""

SPREAD_MIN_CHARS = 300_000
"""Fact files are checked by several processes only when at least this much text is to be
checked (a few files' worth): below it, starting a process costs more than it saves."""


@dataclass(frozen=True, slots=True)
class FactFile:
    """One fact file, parsed and checked on its own."""

    path: str
    defined: tuple[tuple[str, int, int, Fact | None], ...]
    """Every fact id the file defines, in order: (id, line, column, the fact if valid)."""
    problems: tuple[Problem, ...]
    refs: tuple[Ref, ...]
    """Ids it mentions (topics, actors, facts, unknown sources), checked once all are known."""

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled (from a worker process) with its facts as plain tuples: several times
        cheaper to pickle and unpickle than the objects themselves."""
        defined = tuple(
            (fid, line, column, _pack(fact) if fact is not None else None)
            for fid, line, column, fact in self.defined
        )
        refs = tuple(map(tuple, self.refs))  # a named tuple pickles slowly
        return _unpack_fact_file, (self.path, defined, self.problems, refs)


_Packed = tuple[
    str,
    str,
    str,
    tuple[int, int, int] | None,
    tuple[str, ...],
    tuple[tuple[str, str, int, int, int, int, str, str], ...],
    str,
    tuple[tuple[str, str, str], ...],
    str,
    int,
    str,
    tuple[tuple[str, str], ...],
    tuple[tuple[Correction, ...], bool, tuple[str, ...]],
]
_STATUSES = {status.value: status for status in Status}


def _pack(f: Fact) -> _Packed:
    d = f.date
    return (
        f.id,
        f.claim,
        f.topic,
        (d.year, d.month, d.day) if d else None,
        f.actors,
        tuple(
            (c.source, c.quote, c.number, c.start, c.end, c.line, c.anchor, c.passage)
            for c in f.citations
        ),
        f.status.value,
        tuple((x.fact, x.kind.value, x.note) for x in f.disputes),
        f.file,
        f.line,
        f.event,
        tuple((w.lint.value, w.reason) for w in f.lint_ok),
        (f.corrections, f.minor, f.aliases),
    )


def _unpack(t: _Packed) -> Fact:
    return Fact(
        t[0],
        t[1],
        t[2],
        PartialDate(*t[3]) if t[3] else None,
        t[4],
        tuple(Citation(*c) for c in t[5]),
        _STATUSES[t[6]],
        tuple(Dispute(x[0], DisputeKind(x[1]), x[2]) for x in t[7]),
        t[8],
        t[9],
        t[10],
        tuple(LintWaiver(Lint(w[0]), w[1]) for w in t[11]),
        *t[12],
    )


def _unpack_fact_file(
    path: str,
    defined: tuple[tuple[str, int, int, _Packed | None], ...],
    problems: tuple[Problem, ...],
    refs: tuple[tuple[str, str, str, int, int, str], ...],
) -> FactFile:
    return FactFile(
        path,
        tuple(
            (fid, line, column, _unpack(t) if t is not None else None)
            for fid, line, column, t in defined
        ),
        problems,
        tuple(map(Ref._make, refs)),
    )


def check_fact_files(
    files: list[RawText], context: Context, cache: ParseCache | None, spread: Spread | None
) -> list[FactFile]:
    """Every fact file checked: from `cache` when unchanged, the others by `spread`."""
    units: dict[str, FactFile] = {}
    todo: list[RawText] = []
    for raw in files:
        kept = cache.made(raw.path, (raw.text, context.digest)) if cache is not None else None
        if isinstance(kept, FactFile):
            units[raw.path] = kept
        else:
            todo.append(raw)

    def one(raw: RawText) -> FactFile:
        return check_fact_file(raw.path, raw.text, context)

    big = sum(len(raw.text or "") for raw in todo) >= SPREAD_MIN_CHARS
    checked = spread(one, todo) if big and spread is not None else map(one, todo)
    for raw, unit in zip(todo, checked, strict=True):
        units[raw.path] = unit
        if cache is not None:
            cache.keep(raw.path, (raw.text, context.digest), unit)
    return [units[raw.path] for raw in files]


def check_fact_file(path: str, text: str | None, context: Context) -> FactFile:
    """Parse and check one fact file (None: it could not be read, which load reported)."""
    if text is None:
        return FactFile(path, (), (), ())
    state = State(sources=context.sources, indexes=context.indexes)
    node = parse_yaml(text, path, state.problems)
    r = Reader(path, state.problems)
    defined: list[tuple[str, int, int, Fact | None]] = []
    for i, record in list_of_records(RawFile(path, node), state, "facts"):
        fid, fact = check_fact(record, i, r, state)
        if fid:
            defined.append((fid, record.line, record.column, fact))
    return FactFile(path, tuple(defined), tuple(state.problems), tuple(state.refs))
