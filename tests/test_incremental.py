"""Incremental rebuilds: redo only what an edit touches, and end up byte for byte where a
clean build would."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder import load
from builder.briefing import Briefing
from builder.build import build, check
from builder.incremental import Rebuild, SiteState, full_build, rebuild
from builder.plan import Plan, make_plan, replan
from builder.reads import changes
from builder.urls import Urls
from tests.helpers import copy_fixture, edit, output_digests

MACHINE = {
    "facts.json",
    "facts.csv",
    "feed.xml",
    "sitemap.xml",
    "robots.txt",
    "citations.csv",
    "actors.csv",
    "sources.csv",
    "positions.csv",
    "events.csv",
    "datapackage.json",
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_fixture(tmp_path)


def start(root: Path) -> tuple[Path, SiteState]:
    out = root / "site"
    first = full_build(root, out, search=False)
    assert first.state is not None, [p.as_text() for p in first.problems]
    return out, first.state


def step(state: SiteState, root: Path, out: Path) -> tuple[SiteState, Rebuild]:
    result = rebuild(state, root, out, search=False)
    assert result.state is not None
    return result.state, result


def assert_same_as_clean_build(root: Path, out: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    result = build(root, out=clean, search=False)
    assert result.ok, [p.as_text() for p in result.problems]
    ours, theirs = output_digests(out), output_digests(clean)
    assert sorted(ours) == sorted(theirs)
    assert [rel for rel in ours if ours[rel] != theirs[rel]] == []


def test_nothing_changed_writes_nothing(root: Path) -> None:
    out, state = start(root)
    _, result = step(state, root, out)
    assert (result.changes, result.rendered, result.written, result.removed) == ((), 0, [], [])


def test_one_claim_rewrites_only_the_pages_that_show_it(root: Path, tmp_path: Path) -> None:
    out, state = start(root)
    untouched = out / "facts" / "declaration-signed" / "index.html"
    before = untouched.stat().st_mtime_ns
    edit(root, "content/facts/russia.yaml", "an 'axis of war'.", "an 'axis of war' (edited).")
    state, result = step(state, root, out)
    assert result.changes == ("fact:axis-of-war",)
    pages = {rel for rel in result.written if rel.endswith(".html")}
    shows_it = {path for path, names in state.reads.items() if "fact:axis-of-war" in names}
    assert "facts/axis-of-war/index.html" in pages
    assert pages <= shows_it
    assert len(shows_it) < len(state.jobs) / 2
    assert set(result.written) - pages <= MACHINE
    assert untouched.stat().st_mtime_ns == before
    assert "(edited)" in (out / "facts" / "axis-of-war" / "index.html").read_text()
    assert_same_as_clean_build(root, out, tmp_path)


NEW_FACT = """
- id: zakharova-new-remark
  claim: A spokeswoman called the coalition an 'axis of war' once more.
  topic: paris-declaration
  actors: [zakharova]
  citations:
    - source: beta
      quote: "called the coalition an 'axis of war'"
"""


def test_a_sequence_of_edits_ends_where_a_clean_build_does(root: Path, tmp_path: Path) -> None:
    out, state = start(root)
    facts = root / "content" / "facts" / "russia.yaml"

    # A new fact: its own page appears, and the topic lists it.
    facts.write_text(facts.read_text(encoding="utf-8") + NEW_FACT, encoding="utf-8")
    state, result = step(state, root, out)
    assert "facts/zakharova-new-remark/index.html" in result.written
    assert_same_as_clean_build(root, out, tmp_path / "1")

    # Lines shift above every fact of a file: nothing a reader sees changed.
    facts.write_text("# Russian responses\n\n" + facts.read_text(encoding="utf-8"), "utf-8")
    state, result = step(state, root, out)
    assert result.written == []

    # A source's title, an actor's name, a page's prose, the site title.
    edit(root, "content/sources.yaml", "title: Beta digest", "title: Beta weekly digest")
    edit(root, "content/actors.yaml", "name: Maria Zakharova", "name: Maria V. Zakharova")
    edit(root, "content/pages/allies.md", "Positions of the allies", "Where the allies stand")
    state, result = step(state, root, out)
    assert {"source:beta", "actor:zakharova", "page:allies"} <= set(result.changes)
    assert_same_as_clean_build(root, out, tmp_path / "2")

    # A dispute added on one side shows on both facts.
    edit(
        root,
        "content/facts/russia.yaml",
        "- id: axis-of-war\n",
        "- id: axis-of-war\n  disputes:\n    - fact: legitimate-targets\n      kind: differs\n"
        "      note: Testing.\n",
    )
    state, result = step(state, root, out)
    assert "facts/legitimate-targets/index.html" in result.written
    assert_same_as_clean_build(root, out, tmp_path / "3")

    # ... and taken away again: both cards lose it (cards of untouched facts are reused).
    edit(
        root,
        "content/facts/russia.yaml",
        "  disputes:\n    - fact: legitimate-targets\n      kind: differs\n      note: Testing.\n",
        "",
    )
    state, result = step(state, root, out)
    assert "facts/legitimate-targets/index.html" in result.written
    assert_same_as_clean_build(root, out, tmp_path / "3b")

    # A template: every page that uses it.
    edit(root, "templates/base.html", "</body>", "<!-- edited --></body>")
    state, result = step(state, root, out)
    assert "template:base.html" in result.changes
    assert_same_as_clean_build(root, out, tmp_path / "4")

    # The navigation, rendered apart from the layout: every page shows the edit.
    edit(root, "templates/_nav.html", "</ul>", "<li>edited</li>\n</ul>")
    state, result = step(state, root, out)
    pages = [job.path for job in state.jobs]
    assert set(pages) <= set(result.written)
    assert all(b"<li>edited</li>" in (out / path).read_bytes() for path in pages)
    assert_same_as_clean_build(root, out, tmp_path / "4b")

    # The fact goes away again: its page is removed.
    facts.write_text(facts.read_text(encoding="utf-8").replace(NEW_FACT, ""), "utf-8")
    state, result = step(state, root, out)
    assert result.removed == ["facts/zakharova-new-remark/index.html"]
    assert not (out / "facts" / "zakharova-new-remark").exists()
    edit(root, "content/site.yaml", "title: Mini briefing", "title: Small briefing")
    state, result = step(state, root, out)
    assert result.changes == ("site",)
    assert_same_as_clean_build(root, out, tmp_path / "5")


def test_a_broken_edit_writes_nothing_and_keeps_the_state(root: Path, tmp_path: Path) -> None:
    out, state = start(root)
    before = output_digests(out)
    edit(
        root,
        "content/facts/russia.yaml",
        'quote: "called the coalition',
        'quote: "phoned the coalition',
    )
    result = rebuild(state, root, out, search=False)
    assert not result.ok and result.state is state
    assert any(p.file == "content/facts/russia.yaml" and p.line for p in result.problems)
    assert output_digests(out) == before
    edit(root, "content/facts/russia.yaml", "phoned the coalition", "called the coalition")
    _, fixed = step(state, root, out)
    assert fixed.ok and fixed.written == []
    assert_same_as_clean_build(root, out, tmp_path)


def test_a_broken_template_is_a_problem_with_its_line(root: Path) -> None:
    out, state = start(root)
    edit(root, "templates/fact.html", "{%", "{% bogus_tag %}{%")
    result = rebuild(state, root, out, search=False)
    assert result.state is state
    [problem] = [p for p in result.problems if p.is_error]
    assert problem.file == "templates/fact.html" and problem.line >= 1


def test_without_a_good_build_the_next_one_is_full(root: Path) -> None:
    edit(root, "content/site.yaml", "title: Mini briefing", "title: [unclosed")
    first = full_build(root, root / "site", search=False)
    assert first.state is None and first.problems
    edit(root, "content/site.yaml", "title: [unclosed", "title: Mini briefing")
    second = rebuild(None, root, root / "site", search=False)
    assert second.full and second.state is not None


def test_a_stylesheet_edit_copies_that_file_and_renders_nothing(root: Path, tmp_path: Path) -> None:
    out, state = start(root)
    with (root / "templates" / "static" / "style.css").open("a", encoding="utf-8") as css:
        css.write("\n/* edited */\n")
    state, result = step(state, root, out)
    assert (result.rendered, result.written) == (0, ["static/style.css"])
    assert_same_as_clean_build(root, out, tmp_path)


def test_a_seed_edit_rerenders_its_source_page(root: Path, tmp_path: Path) -> None:
    out, state = start(root)
    with (root / "seeds" / "beta.txt").open("a", encoding="utf-8") as seed:
        seed.write("A closing line added later.\n")
    state, result = step(state, root, out)
    assert result.changes == ("source:beta",)
    assert "sources/beta/index.html" in result.written
    assert "A closing line added later." in (out / "sources" / "beta" / "index.html").read_text()
    assert_same_as_clean_build(root, out, tmp_path)


# Planning again only what an edit reshapes ---------------------------------------------------


def _plan_of(root: Path) -> tuple[Briefing, Plan]:
    checked = check(root)
    assert checked.briefing is not None, [p.as_text() for p in checked.problems]
    return checked.briefing, make_plan(checked.briefing, Urls(checked.briefing.site.base_url))


def _jobs(plan: Plan) -> list[tuple[object, ...]]:
    """What a page job decides, comparable (its build is a partial made anew each time)."""
    return [
        (
            j.path,
            j.url,
            j.title,
            j.template,
            j.shows,
            getattr(j.build, "func", None),
            getattr(j.build, "keywords", None),
        )
        for j in plan.jobs
    ]


@pytest.mark.parametrize(
    ("rel", "old", "new", "patched"),
    [
        ("content/facts/russia.yaml", "an 'axis of war'.", "an 'axis of war' (edited).", True),
        ("content/sources.yaml", "title: Beta digest", "title: Beta weekly digest", True),
        ("content/actors.yaml", "name: United Kingdom", "name: The United Kingdom", True),
        ("content/actors.yaml", "name: Maria Zakharova", "name: Maria V. Zakharova", True),
        (
            "content/facts/russia.yaml",
            "date: 2026-01-08\n  actors: [zakharova]",
            "date: 2026-01-09\n  actors: [zakharova]",
            False,
        ),
        ("content/facts/russia.yaml", "actors: [zakharova]", "actors: [russia]", False),
        ("content/site.yaml", "title: Mini briefing", "title: Small briefing", False),
    ],
)
def test_a_patched_plan_is_the_plan_made_afresh(
    root: Path, rel: str, old: str, new: str, patched: bool
) -> None:
    before, plan = _plan_of(root)
    edit(root, rel, old, new)
    after, fresh = _plan_of(root)
    again = replan(plan, after, changes(before, after))
    assert (again is not None) == patched
    if again is not None:
        assert _jobs(again) == _jobs(fresh)
        assert _jobs(plan) != _jobs(fresh) or rel.endswith("russia.yaml")


def test_a_new_actor_name_leaves_pages_that_only_cite_its_facts(root: Path, tmp_path: Path) -> None:
    out, state = start(root)
    edit(root, "content/actors.yaml", "name: Maria Zakharova", "name: Maria V. Zakharova")
    state, result = step(state, root, out)
    assert "actors/zakharova/index.html" in result.written
    # Pages that read the actor, or the list of all actors (the actors page): no others.
    # Source pages show the passages and claims of the facts citing them, not their actors.
    redone = [path for path, names in state.reads.items() if {"actor:zakharova", "actor"} & names]
    assert result.rendered == len(redone) < len(state.jobs) / 2
    assert {"facts/axis-of-war/index.html", "actors/index.html"} <= set(redone)
    assert not [path for path in redone if path.startswith("sources/")]
    assert_same_as_clean_build(root, out, tmp_path)


def test_edits_the_preview_takes_shortcuts_for_end_where_a_clean_build_does(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Claims, dates, quotes, seeds, topics, facts added and removed, one after another:
    the indexes, seed texts and search-page links the last rebuild made are reused only
    where they stay true. Every file counts as settled, so seeds come from the cache."""
    monkeypatch.setattr(load, "STILL_NS", 0)
    out, state = start(root)
    russia, paris = "content/facts/russia.yaml", "content/facts/paris.yaml"
    steps: list[tuple[str, str, str]] = [
        # A claim: the timeline, the search page and its source pages show it.
        (russia, "an 'axis of war'.", "an 'axis of war' (edited)."),
        # A date that moves the fact to the front of the timeline (and of its topic).
        (
            russia,
            "  date: 2026-01-08\n  actors: [zakharova]",
            "  date: 2025-12-30\n  actors: [zakharova]",
        ),
        # ... and undated: it leaves the timeline for the undated list.
        (russia, "  date: 2025-12-30\n", ""),
        # Another topic: the search page lists it under another heading.
        (
            russia,
            "topic: russian-responses\n  actors: [zakharova]",
            "topic: paris-declaration\n  actors: [zakharova]",
        ),
        # A seed grows: its source page and coverage change.
        ("seeds/beta.txt", "coalition, officials said.", "coalition, officials said on Tuesday."),
        # A quote that no longer matches (a problem), then fixed to a shorter passage.
        (
            paris,
            "quote: Dozens of countries joined the coalition",
            "quote: Dozens of countries joined the alliance",
        ),
        (
            paris,
            "quote: Dozens of countries joined the alliance",
            "quote: countries joined the coalition",
        ),
        # A new fact, then removed again.
        (russia, "- id: axis-of-war\n", NEW_FACT.lstrip("\n") + "- id: axis-of-war\n"),
        (russia, NEW_FACT.lstrip("\n"), ""),
        # A source's title, shown on every card citing it, and its date (the sources page).
        ("content/sources.yaml", "title: Beta digest", "title: Beta weekly digest"),
        ("content/sources.yaml", "published: 2026-01-07", "published: 2026-01-09"),
        # A second source cited: the sources page counts one more fact for it.
        (
            russia,
            "      quote: \"called the coalition an 'axis of war'\"\n",
            "      quote: \"called the coalition an 'axis of war'\"\n"
            "    - source: alpha\n      quote: the hardest yards are still ahead\n",
        ),
        # Two facts of one file trade places: lists follow file order.
        (russia, "- id: legitimate-targets\n", "- id: legitimate-targets-moved\n"),
        (russia, "- id: axis-of-war\n", "- id: legitimate-targets\n"),
        (russia, "- id: legitimate-targets-moved\n", "- id: axis-of-war\n"),
    ]
    for n, (rel, old, new) in enumerate(steps):
        edit(root, rel, old, new)
        result = rebuild(state, root, out, search=False)
        if "alliance" in new or "-moved" in new:  # broken for one step, mended by the next
            assert not result.ok and result.state is state
            continue
        assert result.ok and result.state is not None, [p.as_text() for p in result.problems]
        state = result.state
        assert_same_as_clean_build(root, out, tmp_path / str(n))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # Another id in the same place: both ids changed (one went, one came).
        (
            "- id: axis-of-war\n",
            "- id: axis-of-war-renamed\n",
            {"fact:axis-of-war", "fact:axis-of-war-renamed"},
        ),
        # Only lines moved: nothing changed.
        ("- id: legitimate-targets\n", "\n\n- id: legitimate-targets\n", set()),
        # A claim: that fact alone.
        ("an 'axis of war'.", "an 'axis of war' again.", {"fact:axis-of-war"}),
    ],
)
def test_changes_names_the_facts_that_differ(
    root: Path, old: str, new: str, expected: set[str]
) -> None:
    before = check(root).briefing
    edit(root, "content/facts/russia.yaml", old, new)
    after = check(root).briefing
    assert before is not None and after is not None
    found = changes(before, after)
    assert {name for name in found if name.startswith("fact:")} == expected
    if len(expected) == 1:  # one fact's claim: that fact, and so the whole list of facts
        assert found == {*expected, "fact"}


def test_a_fact_moving_month_on_a_timeline_paged_by_month_ends_where_a_clean_build_does(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from builder import timeline_pages

    monkeypatch.setattr(timeline_pages, "TIMELINE_MONTHS_FROM", 2)  # the mini timeline, paged
    out, state = start(root)
    assert (out / "timeline" / "2026-01" / "index.html").is_file()
    edit(
        root,
        "content/facts/russia.yaml",
        "date: 2026-01-08\n  actors: [zakharova]",
        "date: 2025-12-30\n  actors: [zakharova]",
    )
    state, _ = step(state, root, out)
    assert (out / "timeline" / "2025-12" / "index.html").is_file()
    assert_same_as_clean_build(root, out, tmp_path)
