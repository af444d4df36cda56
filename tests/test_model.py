"""The model's derived indexes: what every page relies on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from builder.briefing import Briefing
from builder.build import check
from builder.model import Fact, PartialDate, Source

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture(scope="module")
def briefing() -> Briefing:
    result = check(MINI)
    assert result.briefing is not None
    return result.briefing


def test_disputes_are_shown_on_both_sides(briefing: Briefing) -> None:
    [there] = briefing.disputes_of["twenty-seven-states"]
    [back] = briefing.disputes_of["dozens-of-countries"]
    assert (there.fact, back.fact) == ("dozens-of-countries", "twenty-seven-states")
    assert back.note == there.note


def test_timeline_is_in_date_order_with_undated_apart(briefing: Briefing) -> None:
    dates = [briefing.fact_by_id[f].date for f in briefing.timeline]
    assert dates == sorted(d for d in dates if d is not None)
    assert briefing.timeline[0] == "uk-france-lead-force"  # month-only 2026-01 sorts first
    assert briefing.undated == ("dozens-of-countries", "twenty-seven-states")


def test_indexes_by_topic_actor_and_source(briefing: Briefing) -> None:
    assert briefing.facts_by_topic["russian-responses"] == ("legitimate-targets", "axis-of-war")
    assert briefing.facts_by_actor["zakharova"] == ("legitimate-targets", "axis-of-war")
    assert "legitimate-targets" in briefing.facts_by_source["alpha"]


def test_strands_count_independent_outlets(briefing: Briefing) -> None:
    # beta's outlet is unknown, so it is its own strand; alpha's is its outlet.
    assert briefing.strands_of["legitimate-targets"] == ("Alpha News", "beta")
    assert briefing.strands_of["axis-of-war"] == ("beta",)


def test_coverage_counts_visible_characters_inside_cited_passages(briefing: Briefing) -> None:
    beta = briefing.source_by_id["beta"]
    cited = {c.passage for f in briefing.facts for c in f.citations if c.source == "beta"}
    visible = sum(len(p.replace(" ", "")) for p in cited)
    total = len("".join(beta.text.split()))
    assert briefing.coverage["beta"] == pytest.approx(visible / total)
    assert 0 < briefing.coverage["alpha"] < 1


def _fresh(
    briefing: Briefing,
    facts: tuple[Fact, ...] | None = None,
    sources: tuple[Source, ...] | None = None,
    *,
    previous: Briefing | None = None,
) -> Briefing:
    return Briefing.assemble(
        briefing.site,
        sources or briefing.sources,
        briefing.actors,
        facts or briefing.facts,
        briefing.pages,
        previous=previous,
    )


def _fact_edit(fact_id: str, **changes: object) -> Callable[[Briefing], tuple[Fact, ...]]:
    def apply(b: Briefing) -> tuple[Fact, ...]:
        return tuple(
            replace(f, **changes) if f.id == fact_id else f  # type: ignore[arg-type]
            for f in b.facts
        )

    return apply


def _moved_quote(b: Briefing) -> tuple[Fact, ...]:
    fact = b.fact_by_id["axis-of-war"]
    [cit] = fact.citations
    shorter = replace(cit, start=cit.start + 1)
    return tuple(replace(f, citations=(shorter,)) if f is fact else f for f in b.facts)


@pytest.mark.parametrize(
    ("edit", "reused"),
    [
        (_fact_edit("axis-of-war", claim="Another claim."), True),
        (_fact_edit("axis-of-war", line=99), True),
        (_fact_edit("axis-of-war", date=PartialDate(2020, 1, 1)), False),  # moves on the timeline
        (_fact_edit("axis-of-war", date=None), False),
        (_fact_edit("axis-of-war", topic="paris-declaration"), False),
        (_fact_edit("axis-of-war", actors=("uk",)), False),
        (_fact_edit("twenty-seven-states", disputes=()), False),
        (_moved_quote, False),  # the source's coverage changes
        (lambda b: b.facts[1:], False),  # a fact removed
        (lambda b: (*b.facts[1:], b.facts[0]), False),  # the same facts in another order
    ],
)
def test_an_earlier_briefing_lends_its_indexes_only_when_they_are_the_same(
    briefing: Briefing, edit: Callable[[Briefing], tuple[Fact, ...]], reused: bool
) -> None:
    facts = edit(briefing)
    again = _fresh(briefing, facts, previous=briefing)
    assert again == _fresh(briefing, facts)
    assert (again.timeline is briefing.timeline) is reused


@pytest.mark.parametrize(
    "change",
    [
        {"strand": "another-outlet"},
        {"text": "A different text entirely. Leaders met in Paris."},
    ],
)
def test_a_source_whose_text_or_strand_changed_gets_fresh_indexes(
    briefing: Briefing, change: dict[str, str]
) -> None:
    sources = tuple(
        replace(s, **change) if s.id == "alpha" else s  # type: ignore[arg-type]
        for s in briefing.sources
    )
    again = _fresh(briefing, sources=sources, previous=briefing)
    assert again == _fresh(briefing, sources=sources)
    assert again.coverage != briefing.coverage or again.strands_of != briefing.strands_of


def test_a_new_source_title_keeps_the_indexes(briefing: Briefing) -> None:
    sources = tuple(replace(s, title="Renamed") for s in briefing.sources)
    again = _fresh(briefing, sources=sources, previous=briefing)
    assert again == _fresh(briefing, sources=sources)
    assert again.coverage is briefing.coverage
    assert again.source_by_id["alpha"].title == "Renamed"
