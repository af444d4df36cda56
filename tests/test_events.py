"""Events: declared in site.yaml, covered by sources, settled for each fact; the scope check
refuses a fact of another event that reads as news of the main one, at its file and line."""

from __future__ import annotations

from pathlib import Path

from builder.build import check
from tests.helpers import copy_fixture, edit, with_events

SITE = "content/site.yaml"
SOURCES = "content/sources.yaml"
PARIS = "content/facts/paris.yaml"
RUSSIA = "content/facts/russia.yaml"


def test_each_fact_gets_its_event_from_its_field_or_its_sources(tmp_path: Path) -> None:
    root = with_events(tmp_path)
    edit(
        root,
        PARIS,
        "  topic: paris-declaration\n  actors: [uk]\n  status: disputed\n"
        "  citations:\n    - source: beta",
        "  topic: paris-declaration\n  actors: [uk]\n  event: earlier\n  citations:\n"
        "    - source: beta",
    )
    result = check(root)
    assert result.briefing is not None, [p.as_text() for p in result.problems]
    events = {f.id: f.event for f in result.briefing.facts}
    assert events["declaration-signed"] == "january"  # alpha covers January
    assert events["axis-of-war"] == "earlier"  # beta alone, which covers only earlier
    assert events["legitimate-targets"] == "january"  # alpha and beta: the main event
    assert events["dozens-of-countries"] == "earlier"
    site = result.briefing.site
    assert site.main_event == "january"
    assert site.side_event("january") is None
    earlier = site.side_event("earlier")
    assert earlier is not None and earlier.label == "Earlier Paris summit"


def test_a_fact_of_another_event_dated_within_the_main_one_is_refused(tmp_path: Path) -> None:
    root = with_events(tmp_path)
    edit(
        root,
        RUSSIA,
        "  topic: russian-responses\n  actors: [zakharova]",
        "  topic: russian-responses\n  date: 2026-01-08\n  actors: [zakharova]",
    )
    result = check(root)
    [problem] = result.errors
    assert (problem.file, problem.line, problem.field) == (RUSSIA, 11, "axis-of-war.date")
    assert "within the main event" in problem.message and "`earlier`" in problem.message
    assert "remove the date" in problem.hint


def test_a_month_only_date_within_the_main_event_is_refused_too(tmp_path: Path) -> None:
    root = with_events(tmp_path)
    edit(
        root,
        RUSSIA,
        "  topic: russian-responses\n  actors: [zakharova]",
        "  topic: russian-responses\n  date: 2026-01\n  actors: [zakharova]",
    )
    assert [p.field for p in check(root).errors] == ["axis-of-war.date"]
    # A date well before the main event is the earlier event's own business.
    edit(root, RUSSIA, "date: 2026-01\n", "date: 2025-09\n")
    assert check(root).ok


def test_a_fact_placed_in_the_main_event_on_other_sources_is_refused(tmp_path: Path) -> None:
    root = with_events(tmp_path)
    edit(
        root,
        RUSSIA,
        "  actors: [zakharova]\n  citations:",
        "  actors: [zakharova]\n  event: january\n  citations:",
    )
    [problem] = check(root).errors
    assert (problem.file, problem.line, problem.field) == (RUSSIA, 15, "axis-of-war.event")
    assert "placed in the main event `january`" in problem.message
    assert "covers only `earlier`" in problem.message
    assert "`event: earlier`" in problem.hint


def test_unknown_event_ids_get_a_did_you_mean(tmp_path: Path) -> None:
    root = with_events(tmp_path)
    edit(
        root,
        RUSSIA,
        "  actors: [zakharova]\n  citations:",
        "  actors: [zakharova]\n  event: earlyer\n  citations:",
    )
    edit(root, SOURCES, "covers: [january]", "covers: [janaury]")
    edit(root, SITE, "main_event: january", "main_event: jan")
    found = {(p.file, p.line, p.field): p for p in check(root).errors}
    assert "did you mean `earlier`?" in found[(RUSSIA, 15, "axis-of-war.event")].hint
    assert "did you mean `january`?" in found[(SOURCES, 7, "alpha.covers[1]")].hint
    assert "unknown event `jan`" in found[(SITE, 14, "main_event")].message


def test_events_without_a_main_event_are_refused(tmp_path: Path) -> None:
    root = with_events(tmp_path)
    edit(root, SITE, "main_event: january\n", "")
    [problem] = check(root).errors
    assert (problem.file, problem.field) == (SITE, "main_event")
    assert "main_event: january" in problem.hint


def test_an_event_needs_an_id_and_a_label(tmp_path: Path) -> None:
    root = with_events(tmp_path)
    edit(root, SITE, "    label: Earlier Paris summit\n", "    lable: Earlier Paris summit\n")
    messages = {p.message for p in check(root).errors}
    assert "unknown field `lable`" in messages
    assert "missing required field `label`" in messages


def test_a_briefing_without_events_gives_facts_none(tmp_path: Path) -> None:
    result = check(copy_fixture(tmp_path))
    assert result.briefing is not None
    assert {f.event for f in result.briefing.facts} == {""}
