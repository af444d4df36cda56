"""The model's derived indexes: what every page relies on."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.build import check
from builder.model import Briefing

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
