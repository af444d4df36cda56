"""Which event each fact belongs to, and the scope check that keeps events apart.

Goes in: the site's events, the sources (with what they `cover`) and the checked facts.
Comes out: the facts with their event settled, and a problem for every fact that reads as
news of the main event although its sources speak only of another one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from builder.errors import Problem
from builder.model import Fact, PartialDate, Site, Source

Place = tuple[int, int]
"""(line, column) of a field in its file."""


def own_event(fact: Fact, sources: Mapping[str, Source], main: str) -> str:
    """The fact's event: its `event` field; else the one event every source it cites covers
    (each covering exactly that one); else the main event."""
    if fact.event:
        return fact.event
    covered = {sources[c.source].covers for c in fact.citations if c.source in sources}
    if len(covered) == 1:
        only = next(iter(covered))
        if len(only) == 1:
            return only[0]
    return main


def settle_events(
    site: Site,
    sources: Mapping[str, Source],
    facts: Iterable[Fact],
    places: Mapping[tuple[str, str], Place],
) -> tuple[list[Fact], list[Problem]]:
    """Every fact with its event set, and the scope problems found.

    `places` gives the line and column of a fact's `event` field by (file, `<id>.event`),
    for the message; a fact without one is located at its first line."""
    facts = list(facts)
    if not site.events:
        return facts, []
    main = site.main_event
    settled = [
        f if f.event == (e := own_event(f, sources, main)) else replace(f, event=e) for f in facts
    ]
    span = _main_span(settled, sources, main)
    problems: list[Problem] = []
    for fact in settled:
        elsewhere = _only_elsewhere(fact, sources, main)
        if not elsewhere:
            continue
        labels = " and ".join(f"`{e}`" for e in elsewhere)
        where = places.get((fact.file, f"{fact.id}.event"), (fact.line, 0))
        if fact.event == main:
            declared = (fact.file, f"{fact.id}.event") in places
            problems.append(
                Problem(
                    fact.file,
                    where[0],
                    where[1],
                    f"{fact.id}.event",
                    f"`{fact.id}` is placed in the main event `{main}`"
                    f"{'' if declared else ' (by default)'}, but every source it cites covers "
                    f"only {labels}",
                    hint=f"write `event: {elsewhere[0]}`, or cite a source that covers `{main}`",
                )
            )
        elif fact.date is not None and span is not None and _overlaps(fact.date, span):
            problems.append(
                Problem(
                    fact.file,
                    fact.line,
                    0,
                    f"{fact.id}.date",
                    f"`{fact.id}` is dated {fact.date.iso()}, within the main event "
                    f"({span[0].human()} to {span[1].human()}), but every source it cites covers "
                    f"only {labels}",
                    hint="remove the date unless a source of that event states it: a date "
                    "inside the main event makes the fact read as its news",
                )
            )
    return settled, problems


def _only_elsewhere(fact: Fact, sources: Mapping[str, Source], main: str) -> list[str]:
    """The events the fact's sources cover when none of them covers the main event (and
    every one of them says what it covers); empty otherwise."""
    events: set[str] = set()
    for cit in fact.citations:
        source = sources.get(cit.source)
        if source is None or not source.covers or main in source.covers:
            return []
        events.update(source.covers)
    return sorted(events)


def _main_span(
    facts: list[Fact], sources: Mapping[str, Source], main: str
) -> tuple[PartialDate, PartialDate] | None:
    """The first and last dates of the main event, as its own sources date its facts."""
    dates = [
        f.date
        for f in facts
        if f.date is not None
        and f.event == main
        and any(main in sources[c.source].covers for c in f.citations if c.source in sources)
    ]
    return (min(dates), max(dates)) if dates else None


def _overlaps(date: PartialDate, span: tuple[PartialDate, PartialDate]) -> bool:
    """Whether a date (a month-only date counts as its whole month) falls within the span."""
    first, last = span
    if date.day:
        return first <= date <= last
    month = (date.year, date.month)
    return (first.year, first.month) <= month <= (last.year, last.month)
