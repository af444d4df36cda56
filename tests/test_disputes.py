"""Disputes of three kinds: each needs its kind, and only `contradicts` makes a fact disputed."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from builder.build import build, check
from builder.model import DisputeKind, Status
from tests.helpers import copy_fixture, edit

PARIS = "content/facts/paris.yaml"


def test_a_contradiction_makes_both_sides_disputed(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    edit(
        root,
        PARIS,
        "  actors: [uk]\n  status: disputed\n  citations:\n    - source: beta",
        "  actors: [uk]\n  citations:\n    - source: beta",
    )  # declared on one side only
    result = check(root)
    assert result.briefing is not None and result.problems == []
    facts = result.briefing.fact_by_id
    assert facts["twenty-seven-states"].status is Status.DISPUTED
    assert facts["dozens-of-countries"].status is Status.DISPUTED
    [back] = result.briefing.disputes_of["dozens-of-countries"]
    assert (back.fact, back.kind) == ("twenty-seven-states", DisputeKind.CONTRADICTS)


def test_other_kinds_do_not_make_a_fact_disputed(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    edit(root, PARIS, "kind: contradicts", "kind: differs")
    for _ in range(2):
        edit(root, PARIS, "  status: disputed\n", "")
    result = check(root)
    assert result.briefing is not None and result.problems == []
    assert {f.status for f in result.briefing.facts} == {Status.REPORTED}
    [note] = result.briefing.disputes_of["twenty-seven-states"]
    assert note.kind is DisputeKind.DIFFERS


def test_status_disputed_without_a_contradiction_is_an_error(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    edit(root, PARIS, "kind: contradicts", "kind: inconsistent")
    problems = check(root).errors
    assert [(p.line, p.field) for p in problems] == [
        (17, "twenty-seven-states.status"),
        (29, "dozens-of-countries.status"),
    ]
    assert "no `contradicts` dispute" in problems[0].message
    assert (
        "kind: contradicts" in problems[0].hint and "remove `status: disputed`" in problems[0].hint
    )


def test_a_dispute_without_a_kind_is_refused_with_the_three_kinds(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    edit(root, PARIS, "      kind: contradicts\n", "")
    [problem] = check(root).errors
    assert (problem.line, problem.field) == (26, "twenty-seven-states.disputes[1].kind")
    assert "missing required field `kind`" in problem.message
    for kind in ("`contradicts`", "`differs`", "`inconsistent`"):
        assert kind in problem.hint


def test_a_misspelt_kind_gets_a_did_you_mean(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    edit(root, PARIS, "kind: contradicts", "kind: contradiction")
    [problem] = check(root).errors
    assert (problem.line, problem.field) == (27, "twenty-seven-states.disputes[1].kind")
    assert "did you mean `contradicts`?" in problem.hint


def test_the_disputes_page_groups_by_kind_and_prints_each_note_once(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    edit(
        root,
        "content/facts/russia.yaml",
        "- id: axis-of-war\n",
        "- id: axis-of-war\n  disputes:\n    - fact: legitimate-targets\n      kind: differs\n"
        "      note: One report words the warning differently.\n",
    )
    assert build(root, search=False).ok
    doc = BeautifulSoup((root / "site/disputes/index.html").read_bytes(), "html.parser")
    groups = doc.select("section.dispute-group")
    assert [g.h2.get_text() for g in groups if g.h2] == [
        "Sources contradict each other",
        "Reported differently",
    ]
    for group, note in zip(
        groups,
        (
            "Sources give different counts of participants.",
            "One report words the warning differently.",
        ),
        strict=True,
    ):
        [pair] = group.select("article.dispute")
        assert group.get_text().count(note) == 1
        assert len(pair.select(".fact")) == 2
        assert not pair.select(".fact-dispute")
    # A card elsewhere introduces each kind in words: only a contradiction says "Disputed".
    headings = set()
    for path in ("topics/russian-responses", "paris-declaration"):
        page = BeautifulSoup((root / f"site/{path}/index.html").read_bytes(), "html.parser")
        headings |= {
            p.strong.get_text().rstrip(":") for p in page.select(".fact-dispute") if p.strong
        }
    assert headings == {"Disputed", "Reported differently"}
    russia = BeautifulSoup(
        (root / "site/topics/russian-responses/index.html").read_bytes(), "html.parser"
    )
    card = russia.select_one('.fact:has(a.permalink[href="/facts/axis-of-war/"])')
    assert card is not None and "fact-reported" in card["class"]
    assert card.select_one(".status") is None
