"""What a page read, recorded; what an edit changed, named the same way."""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path

from builder.briefing import Briefing
from builder.build import check
from builder.reads import ENTRIES, WHOLES, Memo, changes, collecting, reading
from tests.helpers import copy_fixture, edit


def briefing_of(root: Path) -> Briefing:
    checked = check(root)
    assert checked.briefing is not None, [p.as_text() for p in checked.problems]
    return checked.briefing


def test_every_field_of_the_briefing_has_a_name() -> None:
    """A new field without one would be read unrecorded: the recording view refuses it."""
    assert {f.name for f in fields(Briefing)} <= ENTRIES.keys() | WHOLES.keys()


def test_reads_are_named_as_changes_name_them(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    before = briefing_of(root)
    seen = reading(before)
    with collecting() as names:
        seen.fact_by_id["axis-of-war"]
        seen.page("allies")
        _ = seen.site.title
        seen.facts_by_topic.get("russian-responses")
    assert names == {"fact:axis-of-war", "page:allies", "site", "facts_by_topic:russian-responses"}
    with collecting() as names:
        list(seen.actor_by_id)
        _ = seen.sources
    assert names == {"actor", "source"}
    edit(root, "content/facts/russia.yaml", "an 'axis of war'.", "an 'axis of peace'.")
    assert changes(before, briefing_of(root)) == {"fact:axis-of-war", "fact"}
    # A fact that only moved down its file changed nothing a reader sees.
    fact = before.fact_by_id["axis-of-war"]
    moved = {**before.fact_by_id, fact.id: replace(fact, line=fact.line + 3)}
    assert changes(before, replace(before, fact_by_id=moved)) == set()


def test_a_memo_replays_what_its_making_read_and_keeps_what_an_edit_left() -> None:
    memo: Memo[str, str] = Memo(recording=True)

    def make(key: str) -> str:
        with collecting() as inner:
            inner.add(f"fact:{key}")
        return key.upper()

    with collecting() as first:
        assert memo.get("a", make) == "A"
    with collecting() as again:
        assert memo.get("a", make) == "A"  # not made again, but read again
    assert first == again == {"fact:a"}
    memo.get("b", make)
    later: Memo[str, str] = Memo(recording=True)
    later.keep(memo, {"fact:a"})
    assert "a" not in later and "b" in later
