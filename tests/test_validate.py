"""One editor mistake at a time: each must be reported at its file and line, with a fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.build import check
from builder.errors import Severity
from tests.helpers import copy_fixture, edit

PARIS = "content/facts/paris.yaml"
RUSSIA = "content/facts/russia.yaml"
SOURCES = "content/sources.yaml"
ACTORS = "content/actors.yaml"
SITE = "content/site.yaml"
INDEX = "content/pages/index.md"

# (case id, file, old text, new text, expected file, line, words in message, words in hint)
MISTAKES = [
    (
        "typo-in-field-name",
        PARIS,
        "  citations:\n    - source: alpha\n      quote: Leaders",
        "  citatons:\n    - source: alpha\n      quote: Leaders",
        PARIS,
        6,
        "unknown field `citatons`",
        "did you mean `citations`?",
    ),
    (
        "quote-not-in-source",
        PARIS,
        "on 6 January 2026 to sign",
        "on 7 January 2026 to sign",
        PARIS,
        8,
        "not in source `alpha`",
        "briefing cite alpha",
    ),
    (
        "unknown-source",
        PARIS,
        "- source: beta",
        "- source: betta",
        PARIS,
        35,
        "unknown source `betta`",
        "did you mean `beta`?",
    ),
    (
        "unknown-actor",
        RUSSIA,
        "actors: [zakharova]",
        "actors: [zakarova]",
        RUSSIA,
        15,
        "unknown actor `zakarova`",
        "did you mean `zakharova`?",
    ),
    (
        "unknown-topic",
        RUSSIA,
        "topic: russian-responses\n  date: 2026-01-08\n  actors: [z",
        "topic: russian-response\n  date: 2026-01-08\n  actors: [z",
        RUSSIA,
        13,
        "unknown topic `russian-response`",
        "did you mean `russian-responses`?",
    ),
    (
        "impossible-date",
        PARIS,
        "date: 2026-01-06",
        "date: 2026-02-30",
        PARIS,
        4,
        "`2026-02-30` is not a valid date",
        "YYYY-MM-DD",
    ),
    (
        "day-first-date",
        PARIS,
        "date: 2026-01-06",
        "date: 06/01/2026",
        PARIS,
        4,
        "`06/01/2026` is not a valid date",
        "YYYY-MM-DD",
    ),
    (
        "not-kebab-id",
        PARIS,
        "id: declaration-signed",
        "id: Declaration_Signed",
        PARIS,
        1,
        "not a valid id",
        "declaration-signed",
    ),
    (
        "duplicate-id-across-files",
        RUSSIA,
        "id: axis-of-war",
        "id: declaration-signed",
        RUSSIA,
        11,
        "duplicate fact id `declaration-signed` (first defined at content/facts/paris.yaml:1)",
        "unique across all files",
    ),
    (
        "duplicate-key",
        PARIS,
        "  topic: paris-declaration\n  date: 2026-01-06",
        "  topic: paris-declaration\n  topic: paris-declaration\n  date: 2026-01-06",
        PARIS,
        4,
        "duplicate key `topic` (first given on line 3)",
        "keep one",
    ),
    (
        "missing-citations",
        RUSSIA,
        "  citations:\n    - source: beta\n"
        "      quote: \"called the coalition an 'axis of war'\"\n",
        "",
        RUSSIA,
        11,
        "at least one citation",
        "add `citations:`",
    ),
    (
        "yes-no-surprise",
        PARIS,
        "status: disputed\n  citations:\n    - source: alpha",
        "status: NO\n  citations:\n    - source: alpha",
        PARIS,
        21,
        "`NO` is not a valid status",
        "expected one of",
    ),
    (
        "unquoted-colon",
        PARIS,
        "claim: 27 European states took part in the talks.",
        "claim: Officials said: 27 states took part.",
        PARIS,
        18,
        "mapping values are not allowed",
        "must be quoted",
    ),
    (
        "tab-indent",
        PARIS,
        "  topic: paris-declaration\n  date: 2026-01-06",
        "\ttopic: paris-declaration\n  date: 2026-01-06",
        PARIS,
        3,
        "tab character",
        "spaces",
    ),
    (
        "source-file-missing",
        SOURCES,
        "file: seeds/beta.txt",
        "file: seeds/betta.txt",
        SOURCES,
        14,
        "`seeds/betta.txt` not found",
        "did you mean `seeds/beta.txt`?",
    ),
    (
        "source-file-outside-seeds",
        SOURCES,
        "file: seeds/beta.txt",
        "file: ../../etc/passwd",
        SOURCES,
        14,
        "not found under seeds/",
        "live under seeds/",
    ),
    (
        "position-without-facts",
        ACTORS,
        "      facts: [uk-france-lead-force]\n",
        "",
        ACTORS,
        8,
        "at least one supporting fact",
        "facts: [fact-id]",
    ),
    (
        "bad-stance",
        ACTORS,
        "stance: committed",
        "stance: commited",
        ACTORS,
        8,
        "`commited` is not a valid stance",
        "did you mean `committed`?",
    ),
    (
        "unknown-fact-in-page",
        INDEX,
        "[@legitimate-targets]",
        "[@legit-targets]",
        INDEX,
        7,
        "unknown fact `legit-targets`",
        "did you mean `legitimate-targets`?",
    ),
    (
        "ambiguous-quote",
        RUSSIA,
        "quote: \"called the coalition an 'axis of war'\"",
        'quote: "the"',
        RUSSIA,
        18,
        "occurs",
        "lengthen the quote",
    ),
    (
        "unknown-dispute-target",
        PARIS,
        "- fact: dozens-of-countries",
        "- fact: dozen-countries",
        PARIS,
        26,
        "unknown fact `dozen-countries`",
        "did you mean `dozens-of-countries`?",
    ),
    (
        "bad-kind",
        SOURCES,
        "kind: aggregator",
        "kind: blog",
        SOURCES,
        13,
        "`blog` is not a valid kind",
        "`aggregator`",
    ),
    (
        "missing-as-of",
        SITE,
        "as_of: 2026-01-08\n",
        "",
        SITE,
        1,
        "missing required field `as_of`",
        "add `as_of:",
    ),
    (
        "unknown-nav-page",
        SITE,
        "nav: [paris-declaration,",
        "nav: [paris-declaraton,",
        SITE,
        7,
        "unknown page `paris-declaraton`",
        "did you mean `paris-declaration`?",
    ),
    (
        "country-is-not-a-country",
        ACTORS,
        "  country: russia",
        "  country: zakharova",
        ACTORS,
        20,
        "names a person, not a country",
        "of kind `country`",
    ),
    (
        "two-documents",
        RUSSIA,
        "- id: axis-of-war",
        "---\n- id: axis-of-war",
        RUSSIA,
        11,
        "several YAML documents",
        "remove the `---`",
    ),
]


@pytest.mark.parametrize("case", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_mistake_is_reported_at_its_place(tmp_path: Path, case: tuple[str, ...]) -> None:
    _, rel, old, new, file, line, message, hint = case
    root = copy_fixture(tmp_path)
    edit(root, rel, old, new)
    result = check(root)
    assert not result.ok
    matching = [p for p in result.errors if message in p.message]
    assert matching, "\n".join(p.as_text() for p in result.problems)
    problem = matching[0]
    assert (problem.file, problem.line) == (file, int(line)), problem.as_text()
    assert hint in problem.hint, problem.as_text()


def test_valid_fixture_has_no_problem(tmp_path: Path) -> None:
    result = check(copy_fixture(tmp_path))
    assert result.ok
    assert result.problems == []


def test_every_problem_is_collected_not_just_the_first(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    edit(root, PARIS, "date: 2026-01-06", "date: 2026-13-01")
    edit(root, RUSSIA, "actors: [zakharova]", "actors: [nobody]")
    edit(root, SOURCES, "kind: aggregator", "kind: blog")
    assert len(check(root).errors) == 3


def test_closest_passage_is_shown_for_a_wrong_quote(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    edit(root, PARIS, "on 6 January 2026 to sign", "on 7 January 2026 to sign")
    [problem] = check(root).errors
    assert "closest passage (seeds/alpha.txt, line 1)" in problem.excerpt
    assert "on 6 January 2026 to sign" in problem.excerpt


def test_number_missing_from_quotes_is_a_warning(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    edit(root, PARIS, "claim: 27 European states", "claim: 28 European states")
    result = check(root)
    assert result.ok
    [warning] = result.warnings
    assert warning.severity is Severity.WARNING
    assert "`28`" in warning.message and warning.line == 18
    assert not check(root, strict=True).ok


def test_invisible_character_in_a_key_is_named(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    edit(
        root,
        PARIS,
        "  topic: paris-declaration\n  date: 2026-01-06",
        "  topic: paris-declaration\n  da\u200bte: 2026-01-06",
    )
    problems = [p for p in check(root).errors if "invisible" in p.message]
    assert problems and "U+200B" in problems[0].message


def test_quoted_and_plain_dates_mean_the_same(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    plain = check(root).briefing
    edit(root, PARIS, "date: 2026-01-06", 'date: "2026-01-06"')
    quoted = check(root).briefing
    assert plain is not None and quoted is not None
    assert plain.fact_by_id["declaration-signed"] == quoted.fact_by_id["declaration-signed"]


def _corpus_with_mistakes(root: Path, facts: int) -> None:
    """A generated briefing with mistakes in several fact files, one repeating an id that an
    earlier file defines and one whose quote no longer matches."""
    from benchmarks import gen_corpus

    gen_corpus.generate(facts, root)
    first = root / "content/facts/facts-0000.yaml"
    first.write_text(first.read_text().replace("topic: mnf-u", "topic: mnf-x", 1))
    third = root / "content/facts/facts-0002.yaml"
    third.write_text(third.read_text().replace("fact-000200", "fact-000007", 1))
    last = sorted((root / "content/facts").glob("*.yaml"))[-1]
    text = last.read_text()
    quote_at = text.index('quote: "') + len('quote: "')
    last.write_text(text[:quote_at] + "Not in the source " + text[quote_at:])


def test_fact_files_checked_by_several_processes_give_what_one_process_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from builder import fact_files, parallel

    root = tmp_path / "corpus"
    _corpus_with_mistakes(root, 800)
    assert (
        sum(len(p.read_text()) for p in (root / "content/facts").glob("*.yaml"))
        > fact_files.SPREAD_MIN_CHARS
    )  # big enough to be shared out
    monkeypatch.setattr(parallel, "can_fork", lambda: True)  # other tests may leave threads
    results = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("BRIEFING_WORKERS", workers)
        results[workers] = check(root)
    messages = [p.message for p in results["1"].problems]
    assert any("unknown topic `mnf-x`" in m for m in messages)
    assert any(
        "duplicate fact id `fact-000007` (first defined at content/facts/facts-0000.yaml:" in m
        for m in messages
    )
    assert any("is not in source" in m for m in messages)
    assert results["1"].problems == results["2"].problems


def test_a_cached_check_sees_every_edit_and_checks_only_changed_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from benchmarks import gen_corpus
    from builder import fact_files
    from builder.check_context import Context
    from builder.load import ParseCache

    root = tmp_path / "corpus"
    gen_corpus.generate(300, root)
    checked: list[str] = []
    real = fact_files.check_fact_file

    def counting(path: str, text: str | None, context: Context) -> fact_files.FactFile:
        checked.append(path)
        return real(path, text, context)

    monkeypatch.setattr(fact_files, "check_fact_file", counting)
    monkeypatch.setenv("BRIEFING_WORKERS", "1")
    cache = ParseCache()
    assert check(root, cache=cache).ok and len(checked) == 3
    checked.clear()
    assert check(root, cache=cache).ok and checked == []

    # One fact file edited: only it is checked again, and the result is a fresh check's.
    edit(root, "content/facts/facts-0001.yaml", "topic: mnf-u", "topic: mnf-x")
    cached = check(root, cache=cache)
    assert checked == ["content/facts/facts-0001.yaml"]
    assert cached.problems == check(root).problems
    assert [p.message for p in cached.problems] == ["unknown topic `mnf-x`"]

    # A seed edited: every file's quotes are looked up again in the new text.
    checked.clear()
    fact = (root / "content/facts/facts-0000.yaml").read_text()
    quote = fact.split('quote: "', 1)[1].split('"', 1)[0]
    seed = next(p for p in (root / "seeds").iterdir() if quote in p.read_text())
    seed.write_text(seed.read_text().replace(quote, quote.upper()))
    cached = check(root, cache=cache)
    assert len(checked) == 3
    assert cached.problems == check(root).problems
    assert any(
        "is not in source" in p.message and p.file.endswith("facts-0000.yaml")
        for p in cached.problems
    )


def test_a_cached_check_reports_the_problems_of_unchanged_sources_and_actors_each_time(
    tmp_path: Path,
) -> None:
    from builder.load import ParseCache

    root = copy_fixture(tmp_path)
    edit(root, "content/actors.yaml", "  country: russia", "  country: zakharova")
    edit(root, "content/sources.yaml", "kind: aggregator", "kind: aggregate")
    cache = ParseCache()
    fresh = check(root).problems
    assert {p.file for p in fresh} == {"content/actors.yaml", "content/sources.yaml"}
    assert check(root, cache=cache).problems == fresh
    edit(root, "content/facts/russia.yaml", "an 'axis of war'.", "an 'axis of war' (edited).")
    assert check(root, cache=cache).problems == fresh  # found last time, reported again
    edit(root, "content/actors.yaml", "  country: zakharova", "  country: russia")
    edit(root, "content/sources.yaml", "kind: aggregate", "kind: aggregator")
    assert check(root, cache=cache).problems == check(root).problems == []


def test_a_fact_file_crosses_between_processes_unchanged(tmp_path: Path) -> None:
    import pickle

    from builder.check_context import fact_context
    from builder.check_sources import check_sources
    from builder.fact_files import check_fact_file
    from builder.load import load_project
    from builder.records import State

    root = tmp_path / "corpus"
    _corpus_with_mistakes(root, 300)
    project = load_project(root)
    state = State()
    check_sources(project.sources, project.seeds, state)
    context = fact_context(state, None)
    units = [check_fact_file(raw.path, raw.text, context) for raw in project.facts]
    facts = [fact for unit in units for *_, fact in unit.defined if fact is not None]
    assert any(f.disputes for f in facts) and any(f.date is None for f in facts)
    assert any(unit.problems for unit in units)  # mistakes cross too
    assert pickle.loads(pickle.dumps(units, pickle.HIGHEST_PROTOCOL)) == units


def test_a_check_without_a_cache_hashes_no_source_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sources' digest only keys the preview's cache: a one-off check or build, which
    has none, must not spend the time to hash every source before checking can begin."""
    import hashlib

    hashed: list[bytes] = []
    real = hashlib.blake2b

    class Recording:
        def __init__(self, *args: object, **kwargs: object) -> None:
            self._hash = real(*args, **kwargs)  # type: ignore[arg-type]

        def update(self, data: bytes) -> None:
            hashed.append(data)
            self._hash.update(data)

        def hexdigest(self) -> str:
            return self._hash.hexdigest()

    monkeypatch.setattr(hashlib, "blake2b", Recording)
    result = check(copy_fixture(tmp_path))
    assert result.ok and hashed == []


def test_at_a_glance_key_points_cite_known_facts_at_their_place(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    edit(
        root,
        INDEX,
        "facts: [declaration-signed]\n",
        "facts: [declaration-signed]\nglance:\n  - label: Signed\n    text: In Paris.\n"
        "    facts: [declaration-signed]\n  - label: Russia\n    text: It objected.\n"
        "    facts: [legit-targets]\n  - label: Empty\n    text: Nothing.\n",
    )
    result = check(root)
    unknown = [p for p in result.errors if "unknown fact `legit-targets`" in p.message]
    assert unknown and (unknown[0].file, unknown[0].line) == (INDEX, 12), result.problems
    assert "did you mean `legitimate-targets`?" in unknown[0].hint
    empty = [p for p in result.errors if "at least one fact" in p.message]
    assert empty and empty[0].field == "glance[2].facts" and empty[0].line == 13


def test_at_a_glance_key_points_reach_the_page(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    edit(
        root,
        INDEX,
        "facts: [declaration-signed]\n",
        "facts: [declaration-signed]\nglance:\n  - label: Signed\n    text: In *Paris*.\n"
        "    facts: [declaration-signed, legitimate-targets]\n",
    )
    result = check(root)
    assert result.ok, result.problems
    assert result.briefing is not None
    index = result.briefing.page("index")
    assert index is not None
    [point] = index.glance
    assert (point.label, point.text, point.facts) == (
        "Signed",
        "In *Paris*.",
        ("declaration-signed", "legitimate-targets"),
    )
